/* `openndis exports`: which Windows functions OpenNDIS implements. */
#include <string.h>

#include "openndis.h"
#include "ndis/ndis.h"

int cmd_exports(int argc, char **argv)
{
    bool json = argc > 1 && strcmp(argv[1], "--json") == 0;
    if (argc > 1 && !json) {
        puts("usage: openndis exports [--json]\n\n"
             "Lists every function OpenNDIS exports to drivers, with its Windows module.\n"
             "A driver importing anything else fails to load with the missing name.");
        return strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ? EXIT_PASS : EXIT_USAGE;
    }
    struct json_object *list = ndis_exports_json();
    if (json)
        render_json(stdout, list);
    else
        for (size_t i = 0; i < json_object_array_length(list); i++) {
            struct json_object *e = json_object_array_get_idx(list, i), *m, *n;
            json_object_object_get_ex(e, "module", &m);
            json_object_object_get_ex(e, "name", &n);
            printf("%-10s %s\n", json_object_get_string(m), json_object_get_string(n));
        }
    json_object_put(list);
    return EXIT_PASS;
}
