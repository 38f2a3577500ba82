/* jscan.c — see jscan.h. */
#include "base/jscan.h"

#include <string.h>

/* Character classes, by table (a class's page scans every trainee's facts on every read):
 * STR_STOP ends a run inside a string ('"', '\\', NUL), SCALAR_STOP ends a bare value (NUL, ',',
 * '}', ']', white space). */
enum { STR_STOP = 1, SCALAR_STOP = 2 };
static const unsigned char cls[256] = {
    [0] = STR_STOP | SCALAR_STOP, ['"'] = STR_STOP, ['\\'] = STR_STOP, [','] = SCALAR_STOP, ['}'] = SCALAR_STOP,
    [']'] = SCALAR_STOP,          [' '] = SCALAR_STOP, ['\t'] = SCALAR_STOP, ['\n'] = SCALAR_STOP, ['\r'] = SCALAR_STOP,
};

static const char *ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    return p;
}

/* p at '"': past the closing quote, or NULL when the string does not end. *esc: had a '\'. */
static const char *skip_string(const char *p, int *esc)
{
    for (p++;;) {
        char c;
        while (!(cls[(unsigned char)(c = *p)] & STR_STOP)) p++;
        if (c == '"') return p + 1;
        if (!c || !p[1]) return NULL;
        *esc = 1;
        p += 2;
    }
}

/* Past one value starting at p (after white space), or NULL. */
static const char *skip_value(const char *p)
{
    int esc = 0;
    if (*p == '"') return skip_string(p, &esc);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        while (*p) {
            if (*p == '"') {
                if (!(p = skip_string(p, &esc))) return NULL;
                continue;
            }
            if (*p == '{' || *p == '[') depth++;
            else if ((*p == '}' || *p == ']') && --depth == 0) return p + 1;
            p++;
        }
        return NULL;
    }
    const char *q = p;
    while (!(cls[(unsigned char)*q] & SCALAR_STOP)) q++;
    return q == p ? NULL : q;
}

int jy_json_top_members(const char *json, int nkeys, const char *const *keys, const char **vals, size_t *lens)
{
    size_t klen[8];
    if (nkeys > 8) return -1;
    for (int i = 0; i < nkeys; i++) vals[i] = NULL, lens[i] = 0, klen[i] = strlen(keys[i]);
    const char *p = ws(json ? json : "");
    if (*p++ != '{') return -1;
    p = ws(p);
    if (*p == '}') return *ws(p + 1) ? -1 : 0;
    for (;;) {
        if (*p != '"') return -1;
        int esc = 0;
        const char *k = p + 1, *e = skip_string(p, &esc);
        if (!e || esc) return -1; /* a key spelt with escapes: let jansson decode it */
        size_t kn = (size_t)(e - 1 - k);
        p = ws(e);
        if (*p++ != ':') return -1;
        p = ws(p);
        const char *v = p;
        if (!(p = skip_value(p))) return -1;
        for (int i = 0; i < nkeys; i++)
            if (kn == klen[i] && k[0] == keys[i][0] && memcmp(k, keys[i], kn) == 0) {
                vals[i] = v;
                lens[i] = (size_t)(p - v);
            }
        p = ws(p);
        if (*p == ',') {
            p = ws(p + 1);
            continue;
        }
        if (*p != '}' || *ws(p + 1)) return -1;
        int found = 0;
        for (int i = 0; i < nkeys; i++) found += vals[i] != NULL;
        return found;
    }
}

int jy_json_top_member(const char *json, const char *key, const char **val, size_t *len)
{
    int rc = jy_json_top_members(json, 1, &key, val, len);
    return rc < 0 ? -1 : rc;
}

int jy_json_top_string(const char *json, const char *key, const char **s, size_t *n)
{
    const char *v;
    size_t len;
    int rc = jy_json_top_member(json, key, &v, &len);
    if (rc <= 0) return rc;
    if (v[0] != '"') return 0;
    if (memchr(v, '\\', len)) return -1;
    *s = v + 1;
    *n = len - 2;
    return 1;
}
