/* Division codes (GB/T 2260) loaded from policy/divisions.tsv; see division.h. */
#include "domain/division.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"

struct jy_divisions {
    jy_arena *arena;
    jy_division *v; /* sorted by code (strcmp) */
    size_t n;
};

/* Reads a whole file into a malloc'd NUL-terminated buffer. */
static int slurp(const char *path, char **out, size_t *len, jy_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return jy_err_set2(err, JY_EIO, "file.open", "cannot open %s: %s", "无法打开 %s：%s", path, strerror(errno));
    jy_sb sb = JY_SB_INIT;
    char buf[8192];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) jy_sb_appendn(&sb, buf, got);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        jy_sb_free(&sb);
        return jy_err_set2(err, JY_EIO, "file.read", "cannot read %s", "无法读取 %s", path);
    }
    *len = sb.len;
    jy_sb_appendc(&sb, '\0');
    *out = jy_sb_take(&sb);
    return 0;
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

static int cmp_div(const void *a, const void *b)
{
    return strcmp(((const jy_division *)a)->code, ((const jy_division *)b)->code);
}

static jy_division_level level_of(const char *code)
{
    if (strlen(code) == 9) return JY_DIV_TOWNSHIP;
    if (memcmp(code + 2, "0000", 4) == 0) return JY_DIV_PROVINCE;
    if (memcmp(code + 4, "00", 2) == 0) return JY_DIV_PREFECTURE;
    return JY_DIV_COUNTY;
}

/* Splits line [s, e) at TABs into at most max fields; returns the number of fields. */
static size_t split_tabs(char *s, char *e, char **f, size_t max)
{
    size_t k = 0;
    f[k++] = s;
    for (char *p = s; p < e; p++)
        if (*p == '\t') {
            *p = '\0';
            if (k == max) return max + 1;
            f[k++] = p + 1;
        }
    *e = '\0';
    return k;
}

static int parse(char *text, size_t len, const char *name, jy_divisions *d, jy_err *err)
{
    size_t cap = 128;
    d->v = jy_arena_alloc(d->arena, cap * sizeof *d->v);
    char *p = text, *end = text + len;
    int line = 0;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3; /* UTF-8 BOM */
    while (p < end) {
        line++;
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *e = nl ? nl : end;
        char *next = nl ? nl + 1 : end;
        if (e > p && e[-1] == '\r') e--;
        if (e == p || *p == '#') {
            p = next;
            continue;
        }
        char *f[5];
        size_t nf = split_tabs(p, e, f, 5);
        if (nf < 4 || nf > 5)
            return jy_err_set2(err, JY_EINVAL, "division.columns",
                              "%s:%d: expected 4 or 5 TAB-separated columns (code, name, kind, "
                              "status, note), found %zu", "%s第%d行：应有4或5列，以TAB分隔（代码、名称、级别、状态、备注），实际为%zu列",
                              name, line, nf > 5 ? (size_t)6 : nf);
        size_t cl = strlen(f[0]);
        if ((cl != 6 && cl != 9) || !all_digits(f[0], cl))
            return jy_err_set2(err, JY_EINVAL, "division.code_digits", "%s:%d: code \"%.20s\" must be 6 or 9 digits", "%s第%d行：代码“%.20s”应为6位或9位数字", name,
                              line, f[0]);
        if (memcmp(f[0], "00", 2) == 0)
            return jy_err_set2(err, JY_EINVAL, "division.province_00", "%s:%d: code %s: province 00 does not exist", "%s第%d行：代码 %s 有误：不存在省级代码 00", name,
                              line, f[0]);
        if (!f[1][0])
            return jy_err_set2(err, JY_EINVAL, "division.no_name", "%s:%d: code %s has no name", "%s第%d行：代码 %s 没有名称", name, line, f[0]);
        int former;
        if (strcmp(f[3], "current") == 0) former = 0;
        else if (strcmp(f[3], "former") == 0) former = 1;
        else
            return jy_err_set2(err, JY_EINVAL, "division.status",
                              "%s:%d: status \"%.40s\" must be \"current\" or \"former\"", "%s第%d行：状态“%.40s”应为“current”（现行）或“former”（已撤销）", name,
                              line, f[3]);
        if (d->n == cap) {
            jy_division *nv = jy_arena_alloc(d->arena, 2 * cap * sizeof *nv);
            memcpy(nv, d->v, cap * sizeof *nv);
            d->v = nv;
            cap *= 2;
        }
        jy_division *dv = &d->v[d->n++];
        dv->code = jy_arena_strdup(d->arena, f[0]);
        dv->name = jy_arena_strdup(d->arena, f[1]);
        dv->kind = jy_arena_strdup(d->arena, f[2]);
        dv->former = former;
        dv->note = jy_arena_strdup(d->arena, nf == 5 ? f[4] : "");
        dv->level = level_of(dv->code);
        p = next;
    }
    qsort(d->v, d->n, sizeof *d->v, cmp_div);
    for (size_t i = 1; i < d->n; i++)
        if (strcmp(d->v[i - 1].code, d->v[i].code) == 0)
            return jy_err_set2(err, JY_EINVAL, "division.duplicate", "%s: code %s appears twice", "%s：代码 %s 出现了两次", name, d->v[i].code);
    return 0;
}

int jy_divisions_load_file(const char *path, jy_divisions **out, jy_err *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc = slurp(path, &text, &len, err);
    if (rc) return rc;
    jy_divisions *d = calloc(1, sizeof *d);
    if (!d) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto done;
    }
    d->arena = jy_arena_new(0);
    rc = parse(text, len, path, d, err);
    if (rc) {
        jy_divisions_free(d);
        goto done;
    }
    *out = d;
done:
    free(text);
    return rc;
}

int jy_divisions_load(const char *policy_dir, jy_divisions **out, jy_err *err)
{
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s", policy_dir ? policy_dir : ".", JY_DIVISIONS_FILE);
    if (n < 0 || (size_t)n >= sizeof path)
        return jy_err_set2(err, JY_EINVAL, "policy.dir_too_long", "policy directory path is too long", "政策目录路径过长");
    return jy_divisions_load_file(path, out, err);
}

void jy_divisions_free(jy_divisions *d)
{
    if (!d) return;
    jy_arena_free(d->arena);
    free(d);
}

size_t jy_divisions_count(const jy_divisions *d) { return d ? d->n : 0; }

const jy_division *jy_divisions_at(const jy_divisions *d, size_t i)
{
    return d && i < d->n ? &d->v[i] : NULL;
}

const jy_division *jy_division_find_n(const jy_divisions *d, const char *code, size_t n)
{
    if (!d || !code) return NULL;
    if (n == 12 && memcmp(code + 9, "000", 3) == 0) n = 9;
    if ((n != 6 && n != 9) || !all_digits(code, n)) return NULL;
    char key[10];
    memcpy(key, code, n);
    key[n] = '\0';
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(d->v[mid].code, key);
        if (c == 0) return &d->v[mid];
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

const jy_division *jy_division_find(const jy_divisions *d, const char *code)
{
    return code ? jy_division_find_n(d, code, strlen(code)) : NULL;
}

int jy_division_is_known(const jy_divisions *d, const char *code)
{
    return jy_division_find(d, code) != NULL;
}

const char *jy_division_name(const jy_divisions *d, const char *code)
{
    const jy_division *dv = jy_division_find(d, code);
    return dv ? dv->name : NULL;
}

/* Parent code of a known entry, written to buf (≥ 7 bytes); returns NULL for a province. */
static const jy_division *parent_of(const jy_divisions *d, const jy_division *dv)
{
    char buf[7];
    switch (dv->level) {
    case JY_DIV_TOWNSHIP:
        return jy_division_find_n(d, dv->code, 6);
    case JY_DIV_COUNTY: {
        memcpy(buf, dv->code, 4);
        memcpy(buf + 4, "00", 3);
        const jy_division *p = jy_division_find_n(d, buf, 6);
        if (p) return p;
    } /* fall through: a county directly under its province */
    /* FALLTHROUGH */
    case JY_DIV_PREFECTURE:
        memcpy(buf, dv->code, 2);
        memcpy(buf + 2, "0000", 5);
        return jy_division_find_n(d, buf, 6);
    case JY_DIV_PROVINCE:
    default:
        return NULL;
    }
}

const jy_division *jy_division_parent(const jy_divisions *d, const char *code)
{
    const jy_division *dv = jy_division_find(d, code);
    return dv ? parent_of(d, dv) : NULL;
}

size_t jy_division_children(const jy_divisions *d, const char *code, const jy_division **out,
                            size_t max)
{
    const jy_division *self = jy_division_find(d, code);
    if (!self || self->level == JY_DIV_TOWNSHIP) return 0;
    size_t total = 0;
    for (size_t i = 0; i < d->n; i++) {
        const jy_division *c = &d->v[i];
        if (c->level <= self->level || memcmp(c->code, self->code, 2) != 0) continue;
        if (parent_of(d, c) != self) continue;
        if (out && total < max) out[total] = c;
        total++;
    }
    return total;
}

int jy_division_full_name(const jy_divisions *d, const char *code, jy_sb *sb)
{
    const jy_division *chain[4];
    size_t k = 0;
    for (const jy_division *dv = jy_division_find(d, code); dv && k < 4; dv = parent_of(d, dv))
        chain[k++] = dv;
    if (k == 0) return JY_ENOTFOUND;
    while (k > 0) jy_sb_append(sb, chain[--k]->name);
    return 0;
}

int jy_division_province_known(const jy_divisions *d, const char *two_digits)
{
    if (!two_digits || !all_digits(two_digits, 2)) return 0;
    char buf[7];
    memcpy(buf, two_digits, 2);
    memcpy(buf + 2, "0000", 5);
    const jy_division *dv = jy_division_find_n(d, buf, 6);
    return dv && dv->level == JY_DIV_PROVINCE;
}
