/* verify's report as JUnit XML: a test case per step, a failure per finding, and an error
 * test case when the run was interrupted. Built in memory; outfile.c writes it. */
#include <libxml/xmlwriter.h>
#include <string.h>

#include "openndis.h"

char *junit_report(struct json_object *r)
{
    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    if (w == NULL) {
        xmlBufferFree(buf);
        return NULL;
    }
    const bool interrupted = json_object_get_boolean(json_object_object_get(r, "interrupted"));
    struct json_object *steps, *findings;
    json_object_object_get_ex(r, "steps", &steps);
    json_object_object_get_ex(r, "findings", &findings);
    char count[32];
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
    xmlTextWriterStartElement(w, BAD_CAST "testsuite");
    xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST "openndis verify");
    snprintf(count, sizeof count, "%zu", json_object_array_length(steps) + (interrupted ? 1 : 0));
    xmlTextWriterWriteAttribute(w, BAD_CAST "tests", BAD_CAST count);
    snprintf(count, sizeof count, "%zu", json_object_array_length(findings));
    xmlTextWriterWriteAttribute(w, BAD_CAST "failures", BAD_CAST count);
    xmlTextWriterWriteAttribute(w, BAD_CAST "errors", BAD_CAST(interrupted ? "1" : "0"));
    if (interrupted) {
        /* No finding in an interrupted run is not a pass: CI must not read it as one. */
        xmlTextWriterStartElement(w, BAD_CAST "testcase");
        xmlTextWriterWriteAttribute(w, BAD_CAST "classname", BAD_CAST json_str_field(r, "driver"));
        xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST "interrupted");
        xmlTextWriterStartElement(w, BAD_CAST "error");
        xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST "interrupted");
        xmlTextWriterWriteAttribute(w, BAD_CAST "message",
                                    BAD_CAST "stopped by SIGINT/SIGTERM: the steps below are all that ran");
        xmlTextWriterEndElement(w);
        xmlTextWriterEndElement(w);
    }
    for (size_t i = 0; i < json_object_array_length(steps); i++) {
        const char *name = json_str_field(json_object_array_get_idx(steps, i), "name");
        xmlTextWriterStartElement(w, BAD_CAST "testcase");
        xmlTextWriterWriteAttribute(w, BAD_CAST "classname", BAD_CAST json_str_field(r, "driver"));
        xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST name);
        for (size_t k = 0; k < json_object_array_length(findings); k++) {
            struct json_object *f = json_object_array_get_idx(findings, k), *loc;
            if (strcmp(json_str_field(f, "step"), name) != 0)
                continue;
            char text[1024], where[300] = "";
            if (json_object_object_get_ex(f, "location", &loc) && json_str_field(loc, "file"))
                snprintf(where, sizeof where, "%s:%s: ", json_str_field(loc, "file"), json_str_field(loc, "line"));
            snprintf(text, sizeof text, "%s%s", where, json_str_field(f, "message"));
            xmlTextWriterStartElement(w, BAD_CAST "failure");
            xmlTextWriterWriteFormatAttribute(w, BAD_CAST "type", "%s %s", json_str_field(f, "rule"), json_str_field(f, "name"));
            xmlTextWriterWriteAttribute(w, BAD_CAST "message", BAD_CAST text);
            xmlTextWriterEndElement(w);
        }
        xmlTextWriterEndElement(w);
    }
    int end = xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w); /* flushes into buf */
    char *text = end < 0 ? NULL : strdup((const char *)xmlBufferContent(buf));
    xmlBufferFree(buf);
    return text;
}
