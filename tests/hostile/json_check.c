/* json_check FILE: exit 0 if FILE holds exactly one JSON value (for tests/hostile/outputs.sh,
 * which must tell a clean report from one with a driver's output mixed in). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include <json-c/json.h>

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    FILE *f = fopen(argv[1], "r");
    if (f == NULL)
        return 1;
    static char buf[1 << 22];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    struct json_tokener *tok = json_tokener_new();
    struct json_object *o = json_tokener_parse_ex(tok, buf, (int)n);
    size_t used = tok->char_offset;
    bool ok = o != NULL && json_tokener_get_error(tok) == json_tokener_success;
    while (ok && used < n && (buf[used] == ' ' || buf[used] == '\n' || buf[used] == '\t' || buf[used] == '\r'))
        used++;
    ok = ok && used == n;
    json_object_put(o);
    json_tokener_free(tok);
    return ok ? 0 : 1;
}
