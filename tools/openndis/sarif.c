/* verify's report as SARIF 2.1.0: the rule catalogue as the tool's rules, each finding a
 * result at its source line, and whether the run finished. Built in memory; outfile.c writes
 * it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openndis.h"
#include "verifier/vf.h"

char *sarif_report(struct json_object *r)
{
    struct json_object *log = json_object_new_object(), *run = json_object_new_object(),
                       *tool = json_object_new_object(), *driver = json_object_new_object(),
                       *rules = json_object_new_array(), *results = json_object_new_array(), *findings;
    json_object_object_add(log, "version", json_object_new_string("2.1.0"));
    json_object_object_add(log, "$schema", json_object_new_string("https://json.schemastore.org/sarif-2.1.0.json"));
    json_object_object_add(driver, "name", json_object_new_string("openndis verify"));
    json_object_object_add(driver, "version", json_object_new_string(OPENNDIS_VERSION));
    for (int i = 0; i < VF_RULE_COUNT; i++) {
        const struct vf_rule *rule = vf_rule((enum vf_rule_id)i);
        struct json_object *o = json_object_new_object(), *d = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_string(rule->id));
        json_object_object_add(o, "name", json_object_new_string(rule->name));
        json_object_object_add(d, "text", json_object_new_string(rule->summary));
        json_object_object_add(o, "shortDescription", d);
        json_object_array_add(rules, o);
    }
    json_object_object_add(driver, "rules", rules);
    json_object_object_add(tool, "driver", driver);
    json_object_object_add(run, "tool", tool);
    json_object_object_get_ex(r, "findings", &findings);
    for (size_t i = 0; i < json_object_array_length(findings); i++) {
        struct json_object *f = json_object_array_get_idx(findings, i), *loc, *res = json_object_new_object(),
                           *m = json_object_new_object();
        json_object_object_add(res, "ruleId", json_object_new_string(json_str_field(f, "rule")));
        json_object_object_add(res, "level", json_object_new_string(strcmp(json_str_field(f, "severity"), "error") ? "warning" : "error"));
        json_object_object_add(m, "text", json_object_new_string(json_str_field(f, "message")));
        json_object_object_add(res, "message", m);
        if (json_object_object_get_ex(f, "location", &loc) && json_str_field(loc, "file")) {
            struct json_object *locs = json_object_new_array(), *l = json_object_new_object(),
                               *phys = json_object_new_object(), *art = json_object_new_object(),
                               *region = json_object_new_object();
            json_object_object_add(art, "uri", json_object_new_string(json_str_field(loc, "file")));
            json_object_object_add(phys, "artifactLocation", art);
            json_object_object_add(region, "startLine", json_object_new_int(atoi(json_str_field(loc, "line"))));
            json_object_object_add(phys, "region", region);
            json_object_object_add(l, "physicalLocation", phys);
            json_object_array_add(locs, l);
            json_object_object_add(res, "locations", locs);
        }
        json_object_array_add(results, res);
    }
    json_object_object_add(run, "results", results);
    /* How the run went: an interrupted one did not finish, whatever its results say. */
    struct json_object *invocations = json_object_new_array(), *inv = json_object_new_object();
    const bool interrupted = json_object_get_boolean(json_object_object_get(r, "interrupted"));
    json_object_object_add(inv, "executionSuccessful", json_object_new_boolean(!interrupted));
    if (interrupted) {
        struct json_object *notes = json_object_new_array(), *note = json_object_new_object(),
                           *text = json_object_new_object();
        json_object_object_add(text, "text",
                               json_object_new_string("interrupted by SIGINT/SIGTERM: only the steps that ended are covered"));
        json_object_object_add(note, "message", text);
        json_object_object_add(note, "level", json_object_new_string("error"));
        json_object_array_add(notes, note);
        json_object_object_add(inv, "toolExecutionNotifications", notes);
    }
    json_object_array_add(invocations, inv);
    json_object_object_add(run, "invocations", invocations);
    struct json_object *runs = json_object_new_array();
    json_object_array_add(runs, run);
    json_object_object_add(log, "runs", runs);
    const char *json = json_object_to_json_string_ext(log, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
    char *text = NULL;
    if (json != NULL && asprintf(&text, "%s\n", json) < 0)
        text = NULL;
    json_object_put(log);
    return text;
}
