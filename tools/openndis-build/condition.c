/* MSBuild's evaluation of text: $(Property), @(ItemType), %(Metadata) and %XX escapes, and
 * Condition expressions ('a'=='b', !=, <, >, <=, >=, and, or, !, parentheses, Exists(),
 * HasTrailingSlash()). Comparisons ignore letter case, as MSBuild's do. Property functions
 * ($([System.IO.Path]::Combine(...)), $(X.Replace(...))) and item transforms are not
 * evaluated: they expand to nothing with a warning naming the line. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "build.h"

/* The index of the ')' closing the '(' at s[open], or 0. */
static size_t closing_paren(const char *s, size_t open)
{
    int depth = 0;
    char quote = 0;
    for (size_t i = open; s[i]; i++) {
        if (quote) {
            if (s[i] == quote)
                quote = 0;
        } else if (s[i] == '\'' || s[i] == '"' || s[i] == '`') {
            quote = s[i];
        } else if (s[i] == '(') {
            depth++;
        } else if (s[i] == ')' && --depth == 0) {
            return i;
        }
    }
    return 0;
}

static bool plain_name(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
            return false;
    return true;
}

static char *well_known_meta(const char *include, const char *name)
{
    if (!include)
        return NULL;
    char *path = path_from_msbuild(include);
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    const char *dot = strrchr(base, '.');
    char *v = NULL;
    if (strcasecmp(name, "Identity") == 0)
        v = xstrdup(include);
    else if (strcasecmp(name, "Filename") == 0)
        v = xstrndup(base, dot ? (size_t)(dot - base) : strlen(base));
    else if (strcasecmp(name, "Extension") == 0)
        v = xstrdup(dot ? dot : "");
    else if (strcasecmp(name, "RelativeDir") == 0 || strcasecmp(name, "Directory") == 0)
        v = xstrndup(path, (size_t)(base - path));
    free(path);
    return v;
}

static void append(char **out, size_t *len, const char *s, size_t n)
{
    char *grown = realloc(*out, *len + n + 1);
    if (!grown) {
        fputs("openndis build: out of memory\n", stderr);
        exit(2);
    }
    memcpy(grown + *len, s, n);
    *len += n;
    grown[*len] = '\0';
    *out = grown;
}

/* ---- property functions on a string: $(Name.Method(args))[N] ---- */

/* The next argument: a quoted string or a bare word/number, expanded. */
static char *function_arg(struct eval_ctx *c, const char **s)
{
    while (**s == ' ')
        (*s)++;
    const char *b = *s;
    char q = *b;
    if (q == '\'' || q == '"' || q == '`') {
        const char *e = strchr(b + 1, q);
        if (!e)
            return NULL;
        *s = e + 1;
        char *raw = xstrndup(b + 1, (size_t)(e - b - 1));
        char *v = eval_expand(c, raw);
        free(raw);
        return v;
    }
    while (**s && **s != ',' && **s != ')')
        (*s)++;
    char *raw = xstrndup(b, (size_t)(*s - b));
    for (char *t = raw + strlen(raw); t > raw && t[-1] == ' ';)
        *--t = '\0';
    return raw;
}

/* The string methods projects use on properties (Split, Replace, ToLower, ToUpper, Trim,
 * Substring, StartsWith, EndsWith, Contains, Length), with an optional [N] after Split.
 * NULL when the text is not one of them: the caller warns that it is not evaluated. */
static char *string_function(struct eval_ctx *c, const char *text, size_t n)
{
    char *t = xstrndup(text, n);
    char *dot = strchr(t, '.');
    char *open = dot ? strchr(dot, '(') : NULL;
    if (!dot || !open || t[0] == '[' || !plain_name(t, (size_t)(dot - t))) {
        free(t);
        return NULL;
    }
    *dot = '\0';
    *open = '\0';
    const char *method = dot + 1;
    char *value = xstrdup(project_prop(c->p, t));
    const char *a = open + 1;
    char *args[2] = {NULL, NULL};
    int nargs = 0;
    while (*a && *a != ')' && nargs < 2) {
        args[nargs] = function_arg(c, &a);
        if (!args[nargs])
            break;
        nargs++;
        while (*a == ' ' || *a == ',')
            a++;
    }
    char *r = NULL;
    bool ok = *a == ')';
    const char *after = ok ? a + 1 : "";
    long index = -1;
    if (ok && *after == '[') {
        char *end;
        index = strtol(after + 1, &end, 10);
        ok = *end == ']' && end[1] == '\0' && index >= 0 && strcasecmp(method, "Split") == 0;
    } else if (ok && *after) {
        ok = false;
    }
    if (!ok) {
    } else if (!strcasecmp(method, "Split") && nargs == 1 && args[0][0]) {
        long field = index < 0 ? 0 : index; /* without [N]: the first part */
        char *p = value;
        for (long f = 0; p && f < field; f++) {
            p = strchr(p, args[0][0]);
            p = p ? p + 1 : NULL;
        }
        r = p ? xstrndup(p, strcspn(p, (char[]){args[0][0], 0})) : xstrdup("");
    } else if (!strcasecmp(method, "Replace") && nargs == 2 && args[0][0]) {
        r = xstrdup("");
        for (const char *p = value; *p;) {
            const char *hit = strstr(p, args[0]);
            size_t keep = hit ? (size_t)(hit - p) : strlen(p);
            char *grown = xasprintf("%s%.*s%s", r, (int)keep, p, hit ? args[1] : "");
            free(r);
            r = grown;
            p = hit ? hit + strlen(args[0]) : p + keep;
        }
    } else if ((!strcasecmp(method, "ToLower") || !strcasecmp(method, "ToUpper")) && nargs == 0) {
        r = xstrdup(value);
        for (char *p = r; *p; p++)
            *p = (char)(method[2] == 'L' || method[2] == 'l' ? tolower((unsigned char)*p) : toupper((unsigned char)*p));
    } else if (!strcasecmp(method, "Trim") && nargs == 0) {
        const char *b = value, *e = value + strlen(value);
        while (isspace((unsigned char)*b))
            b++;
        while (e > b && isspace((unsigned char)e[-1]))
            e--;
        r = xstrndup(b, (size_t)(e - b));
    } else if (!strcasecmp(method, "Substring") && nargs >= 1) {
        size_t len = strlen(value), from = (size_t)strtoul(args[0], NULL, 10);
        size_t count = nargs == 2 ? (size_t)strtoul(args[1], NULL, 10) : len;
        r = from <= len ? xstrndup(value + from, count) : xstrdup("");
    } else if ((!strcasecmp(method, "StartsWith") || !strcasecmp(method, "EndsWith") ||
                !strcasecmp(method, "Contains")) && nargs == 1) {
        size_t lv = strlen(value), la = strlen(args[0]);
        bool hit = !strcasecmp(method, "Contains") ? strstr(value, args[0]) != NULL
                   : la > lv                     ? false
                   : !strcasecmp(method, "StartsWith") ? strncmp(value, args[0], la) == 0
                                                       : strcmp(value + lv - la, args[0]) == 0;
        r = xstrdup(hit ? "True" : "False");
    } else if (!strcasecmp(method, "Length") && nargs == 0) {
        r = xasprintf("%zu", strlen(value));
    }
    free(args[0]), free(args[1]), free(value), free(t);
    return r;
}

char *eval_expand(struct eval_ctx *c, const char *text)
{
    char *out = xstrdup("");
    size_t len = 0;
    for (size_t i = 0; text[i];) {
        char k = text[i];
        if ((k == '$' || k == '@' || k == '%') && text[i + 1] == '(') {
            size_t close = closing_paren(text, i + 1);
            if (!close) {
                build_error(c->file, c->line, "'%c(' without its ')' in \"%s\"", k, text);
                break;
            }
            const char *name = text + i + 2;
            size_t n = close - i - 2;
            char *fn = k == '$' && !plain_name(name, n) ? string_function(c, name, n) : NULL;
            if (fn) {
                append(&out, &len, fn, strlen(fn));
                free(fn);
            } else if (!plain_name(name, n)) {
                if (k == '%' || k == '@')
                    build_warning(c->file, c->line, "item transform %.*s is not evaluated: it is empty here",
                                  (int)(close - i + 1), text + i);
                else
                    build_warning(c->file, c->line, "property function %.*s is not evaluated: it is empty here",
                                  (int)(close - i + 1), text + i);
            } else {
                char *key = xstrndup(name, n);
                if (k == '$') {
                    const char *v = project_prop(c->p, key);
                    append(&out, &len, v, strlen(v));
                } else if (k == '@') {
                    const char *sep = "";
                    for (size_t j = 0; j < c->p->nitems; j++)
                        if (strcasecmp(c->p->items[j].type, key) == 0) {
                            append(&out, &len, sep, strlen(sep));
                            append(&out, &len, c->p->items[j].include, strlen(c->p->items[j].include));
                            sep = ";";
                        }
                } else {
                    const char *v = meta_get(c->item_meta, key);
                    char *wk = v ? NULL : well_known_meta(c->item_include, key);
                    if (v || wk)
                        append(&out, &len, v ? v : wk, strlen(v ? v : wk));
                    else if (!c->item_meta && !c->item_include) /* not in an item: literal */
                        append(&out, &len, text + i, close - i + 1);
                    free(wk);
                }
                free(key);
            }
            i = close + 1;
        } else if (k == '%' && isxdigit((unsigned char)text[i + 1]) && isxdigit((unsigned char)text[i + 2])) {
            char hex[3] = {text[i + 1], text[i + 2], 0};
            char ch = (char)strtol(hex, NULL, 16);
            append(&out, &len, &ch, 1);
            i += 3;
        } else {
            append(&out, &len, text + i, 1);
            i++;
        }
    }
    return out;
}

/* ---- conditions: a recursive-descent parser over the raw text ---- */

struct cond {
    struct eval_ctx *c;
    const char *s;
    size_t i;
    const char *text;
    bool failed;
};

enum vkind { V_STRING, V_BOOL };
struct value {
    enum vkind kind;
    bool b;
    char *s;
};

static void skip_space(struct cond *k)
{
    while (isspace((unsigned char)k->s[k->i]))
        k->i++;
}

static bool keyword(struct cond *k, const char *word)
{
    skip_space(k);
    size_t n = strlen(word);
    if (strncasecmp(k->s + k->i, word, n) == 0 && !isalnum((unsigned char)k->s[k->i + n]) && k->s[k->i + n] != '_') {
        k->i += n;
        return true;
    }
    return false;
}

static void fail(struct cond *k, const char *why)
{
    if (!k->failed)
        build_error(k->c->file, k->c->line, "condition \"%s\": %s at column %zu", k->text, why, k->i + 1);
    k->failed = true;
}

static bool truth(struct cond *k, struct value *v)
{
    if (v->kind == V_BOOL)
        return v->b;
    const char *s = v->s;
    if (!strcasecmp(s, "true") || !strcasecmp(s, "on") || !strcasecmp(s, "yes") || !strcasecmp(s, "!false"))
        return true;
    if (!strcasecmp(s, "false") || !strcasecmp(s, "off") || !strcasecmp(s, "no") || !strcasecmp(s, "!true"))
        return false;
    fail(k, "a value that is neither true nor false");
    return false;
}

static void value_free(struct value *v)
{
    free(v->s);
    v->s = NULL;
}

static bool parse_or(struct cond *k, struct value *out);

static bool number(const char *s, double *d)
{
    char *end;
    if (!*s)
        return false;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        *d = (double)strtoull(s, &end, 16);
    else
        *d = strtod(s, &end);
    return *end == '\0';
}

/* A quoted string, a function call, a parenthesised expression or a bare word. */
static bool parse_operand(struct cond *k, struct value *out)
{
    skip_space(k);
    const char *s = k->s;
    char q = s[k->i];
    if (q == '(') {
        k->i++;
        if (!parse_or(k, out))
            return false;
        skip_space(k);
        if (s[k->i] != ')') {
            fail(k, "expected ')'");
            return false;
        }
        k->i++;
        return true;
    }
    if (q == '\'' || q == '"' || q == '`') {
        const char *end = strchr(s + k->i + 1, q);
        if (!end) {
            fail(k, "a quote that does not close");
            return false;
        }
        char *raw = xstrndup(s + k->i + 1, (size_t)(end - s - k->i - 1));
        k->i = (size_t)(end - s) + 1;
        *out = (struct value){V_STRING, false, eval_expand(k->c, raw)};
        free(raw);
        return true;
    }
    if (q == '$' || q == '@' || q == '%') { /* unquoted $(X) */
        size_t close = closing_paren(s, k->i + 1);
        if (s[k->i + 1] != '(' || !close) {
            fail(k, "expected '('");
            return false;
        }
        char *raw = xstrndup(s + k->i, close - k->i + 1);
        k->i = close + 1;
        *out = (struct value){V_STRING, false, eval_expand(k->c, raw)};
        free(raw);
        return true;
    }
    size_t start = k->i;
    while (isalnum((unsigned char)s[k->i]) || s[k->i] == '_' || s[k->i] == '.' || s[k->i] == '-')
        k->i++;
    if (k->i == start) {
        fail(k, "expected a value");
        return false;
    }
    char *word = xstrndup(s + start, k->i - start);
    skip_space(k);
    if (s[k->i] != '(') {
        *out = (struct value){V_STRING, false, word};
        return true;
    }
    /* Exists('path') and HasTrailingSlash('text') */
    k->i++;
    struct value arg = {0};
    if (!parse_operand(k, &arg)) {
        free(word);
        return false;
    }
    skip_space(k);
    if (s[k->i] != ')') {
        fail(k, "a function takes one argument here");
        free(word), value_free(&arg);
        return false;
    }
    k->i++;
    char *text = arg.kind == V_STRING ? arg.s : xstrdup(arg.b ? "true" : "false");
    if (arg.kind != V_STRING)
        arg.s = text;
    if (strcasecmp(word, "Exists") == 0) {
        bool found = false;
        if (*text) {
            char *full = path_fold(k->c->p->dir, text);
            found = full != NULL;
            free(full);
        }
        *out = (struct value){V_BOOL, found, NULL};
    } else if (strcasecmp(word, "HasTrailingSlash") == 0) {
        size_t n = strlen(text);
        *out = (struct value){V_BOOL, n && (text[n - 1] == '\\' || text[n - 1] == '/'), NULL};
    } else {
        char *why = xasprintf("the function %s() is not one MSBuild conditions have", word);
        fail(k, why);
        free(why), free(word), value_free(&arg);
        return false;
    }
    free(word), value_free(&arg);
    return true;
}

static bool parse_compare(struct cond *k, struct value *out)
{
    struct value a = {0}, b = {0};
    if (!parse_operand(k, &a))
        return false;
    skip_space(k);
    const char *s = k->s + k->i;
    const char *op = NULL;
    static const char *const ops[] = {"==", "!=", "<=", ">=", "<", ">"};
    for (size_t j = 0; j < sizeof ops / sizeof *ops && !op; j++)
        if (strncmp(s, ops[j], strlen(ops[j])) == 0)
            op = ops[j];
    if (!op) {
        *out = a;
        return true;
    }
    k->i += strlen(op);
    if (!parse_operand(k, &b)) {
        value_free(&a);
        return false;
    }
    const char *as = a.kind == V_STRING ? a.s : a.b ? "true" : "false";
    const char *bs = b.kind == V_STRING ? b.s : b.b ? "true" : "false";
    bool r;
    if (op[0] == '=' || op[0] == '!') {
        double x, y;
        bool eq = strcasecmp(as, bs) == 0 || (number(as, &x) && number(bs, &y) && x == y);
        r = op[0] == '=' ? eq : !eq;
    } else {
        double x, y;
        if (!number(as, &x) || !number(bs, &y)) {
            fail(k, "'<' and '>' compare numbers");
            value_free(&a), value_free(&b);
            return false;
        }
        r = strcmp(op, "<") == 0 ? x < y : strcmp(op, ">") == 0 ? x > y : strcmp(op, "<=") == 0 ? x <= y : x >= y;
    }
    value_free(&a), value_free(&b);
    *out = (struct value){V_BOOL, r, NULL};
    return true;
}

static bool parse_not(struct cond *k, struct value *out)
{
    skip_space(k);
    if (k->s[k->i] == '!' && k->s[k->i + 1] != '=') {
        k->i++;
        struct value v = {0};
        if (!parse_not(k, &v))
            return false;
        bool t = truth(k, &v);
        value_free(&v);
        *out = (struct value){V_BOOL, !t, NULL};
        return !k->failed;
    }
    return parse_compare(k, out);
}

static bool parse_and(struct cond *k, struct value *out)
{
    if (!parse_not(k, out))
        return false;
    while (keyword(k, "and")) {
        struct value r = {0};
        if (!parse_not(k, &r))
            return false;
        bool t = truth(k, out) && truth(k, &r);
        value_free(out), value_free(&r);
        *out = (struct value){V_BOOL, t, NULL};
    }
    return !k->failed;
}

static bool parse_or(struct cond *k, struct value *out)
{
    if (!parse_and(k, out))
        return false;
    while (keyword(k, "or")) {
        struct value r = {0};
        if (!parse_and(k, &r))
            return false;
        bool t = truth(k, out) || truth(k, &r);
        value_free(out), value_free(&r);
        *out = (struct value){V_BOOL, t, NULL};
    }
    return !k->failed;
}

int eval_condition(struct eval_ctx *c, const char *cond)
{
    struct cond k = {c, cond, 0, cond, false};
    struct value v = {0};
    skip_space(&k);
    if (!cond[k.i])
        return 1; /* Condition="" holds */
    if (!parse_or(&k, &v)) {
        value_free(&v);
        fail(&k, "cannot be read");
        return -1;
    }
    skip_space(&k);
    if (cond[k.i])
        fail(&k, "unexpected text");
    bool t = k.failed ? false : truth(&k, &v);
    value_free(&v);
    return k.failed ? -1 : t;
}
