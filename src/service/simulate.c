/* simulate.c — budget simulation (simulate.h; docs/policy.md "Budget simulation").
 *
 * 1. The changed rules: --set changes are applied to a private copy of the rules directory (the
 *    parameter's declaration rewritten, periods split at the date the change applies from) and the
 *    copy is compiled with jy_policy_load, so a value the rules do not accept is refused by the
 *    same compiler that checks policy/, naming the --set.
 * 2. One streaming pass over the store (jy_store_sim_rows): each row's stored facts are read into
 *    the engine's case (once when the fact catalogue is the same for both rule sets, else once
 *    per rule set; by the engine's fast reader, jy_policy_reader_parse), in blocks of BLOCK rows, and each block is decided with jy_policy_eval_many
 *    under the old and the new rules.
 * 3. Sums per programme × year × township × track × month (money) and per programme × township
 *    (decisions and their changes, with the first row of each change as the example); at the end
 *    each money cell is split over the budget lines that fund its track by their allocations
 *    (largest remainder, as a commitment is split: docs/ledger.md), giving programme × funding
 *    source × township, and per budget line the month its allocation is exhausted. */
#include "service/simulate.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "service/case.h"
#include "service/class_app.h"
#include "service/ledger.h"
#include "store/simulate_store.h"

/* ---------------------------------------------------------------- --set */

static const char *skip_ws(const char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    return s;
}

int jy_sim_set_parse(const char *text, jy_sim_set *out, jy_err *err)
{
    memset(out, 0, sizeof *out);
    const char *eq = strchr(text, '=');
    if (!eq) return jy_err_set2(err, JY_EINVAL, "simulate.set_syntax", "--set %s: expected NAME=VALUE [from YYYY-MM-DD]", "--set %s：格式应为 参数名=取值 [from YYYY-MM-DD]", text);
    const char *n0 = skip_ws(text), *n1 = eq;
    while (n1 > n0 && (n1[-1] == ' ' || n1[-1] == '\t')) n1--;
    if (n1 == n0) return jy_err_set2(err, JY_EINVAL, "simulate.set_no_name", "--set %s: the parameter's name is missing", "--set %s：缺少参数名", text);
    if ((size_t)(n1 - n0) >= sizeof out->param) return jy_err_set2(err, JY_EINVAL, "simulate.set_name_long", "--set %s: parameter name too long", "--set %s：参数名过长", text);
    for (const char *p = n0; p < n1; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.'))
            return jy_err_set2(err, JY_EINVAL, "simulate.set_bad_name", "--set %s: \"%.*s\" is not a parameter name (like p13.monthly)", "--set %s：“%.*s”不是参数名（参数名形如 p13.monthly）", text,
                              (int)(n1 - n0), n0);
    memcpy(out->param, n0, (size_t)(n1 - n0));
    const char *v0 = skip_ws(eq + 1);
    const char *from = strstr(v0, " from ");
    const char *v1 = from ? from : v0 + strlen(v0);
    while (v1 > v0 && (v1[-1] == ' ' || v1[-1] == '\t')) v1--;
    if (v1 == v0) return jy_err_set2(err, JY_EINVAL, "simulate.set_no_value", "--set %s: the value of %s is missing", "--set %s：缺少 %s 的取值", text, out->param);
    if ((size_t)(v1 - v0) >= sizeof out->value) return jy_err_set2(err, JY_EINVAL, "simulate.set_value_long", "--set %s: value too long", "--set %s：取值过长", text);
    for (const char *p = v0; p < v1; p++)
        if (*p == '"' || *p == '#' || *p == '\n' || *p == '\r' || *p == '\\')
            return jy_err_set2(err, JY_EINVAL, "simulate.set_value_chars", "--set %s: the value of %s may not contain quotes, # or line breaks", "--set %s：%s 的取值不能含引号、# 或换行", text,
                              out->param);
    memcpy(out->value, v0, (size_t)(v1 - v0));
    if (from) {
        const char *d = skip_ws(from + 6);
        size_t dl = strlen(d);
        while (dl && (d[dl - 1] == ' ' || d[dl - 1] == '\t')) dl--;
        jy_err e;
        if (dl != 10 || jy_date_parse_n(d, dl, &out->from, &e) != 0)
            return jy_err_set2(err, JY_EINVAL, "simulate.set_bad_date", "--set %s: bad date \"%.*s\" after from (a date YYYY-MM-DD that exists)", "--set %s：from 后的日期“%.*s”有误（应为确实存在的日期 YYYY-MM-DD）",
                              text, (int)dl, d);
    }
    return 0;
}

/* ---------------------------------------------------------------- the changed rules */

static int read_all(const char *path, jy_sb *sb, jy_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return jy_err_set2(err, JY_EIO, "simulate.file_open", "%s: %s", "%s：无法打开（%s）", path, strerror(errno));
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) jy_sb_appendn(sb, buf, n);
    int bad = ferror(f);
    fclose(f);
    return bad ? jy_err_set2(err, JY_EIO, "simulate.file_read", "%s: read error", "%s：读取出错", path) : 0;
}

static int write_all(const char *path, const char *s, size_t n, jy_err *err)
{
    FILE *f = fopen(path, "wb");
    if (!f) return jy_err_set2(err, JY_EIO, "simulate.file_open", "%s: %s", "%s：无法打开（%s）", path, strerror(errno));
    size_t w = fwrite(s, 1, n, f);
    int bad = fclose(f) != 0 || w != n;
    return bad ? jy_err_set2(err, JY_EIO, "simulate.file_write", "%s: write error", "%s：写入出错", path) : 0;
}

/* The line of text starting at s (without its newline): [s, *end). */
static const char *line_end(const char *s)
{
    const char *e = strchr(s, '\n');
    return e ? e : s + strlen(s);
}

/* The declaration "param NAME " in text: offset of its line, or -1. */
static long find_param(const char *text, const char *name)
{
    size_t nl = strlen(name);
    for (const char *s = text; *s;) {
        const char *e = line_end(s);
        const char *t = skip_ws(s);
        if ((size_t)(e - t) > 6 + nl && strncmp(t, "param ", 6) == 0) {
            const char *q = skip_ws(t + 6);
            if ((size_t)(e - q) > nl && strncmp(q, name, nl) == 0 && (q[nl] == ' ' || q[nl] == '\t')) return (long)(s - text);
        }
        s = *e ? e + 1 : e;
    }
    return -1;
}

/* End of a quoted clause on a param line: the position after the closing quote, or NULL. */
static const char *after_clause(const char *s, const char *e)
{
    const char *q = memchr(s, '"', (size_t)(e - s));
    if (!q) return NULL;
    const char *q2 = memchr(q + 1, '"', (size_t)(e - q - 1));
    return q2 ? q2 + 1 : NULL;
}

static void trim(const char **a, const char **b)
{
    while (*a < *b && (**a == ' ' || **a == '\t')) (*a)++;
    while (*b > *a && ((*b)[-1] == ' ' || (*b)[-1] == '\t' || (*b)[-1] == '\r')) (*b)--;
}

/* Strips a trailing comment from [a, b). */
static void uncomment(const char *a, const char **b)
{
    const char *h = memchr(a, '#', (size_t)(*b - a));
    if (h) *b = h;
}

/* Rewrites the declaration at off in src (the param's whole text) into out with the change. */
static int rewrite_param(const char *src, long off, const jy_sim_set *s, const char *file, jy_sb *out, jy_err *err)
{
    const char *ls = src + off, *le = line_end(ls);
    const char *ac = after_clause(ls, le);
    if (!ac) return jy_err_set2(err, JY_EINVAL, "simulate.decl_unreadable", "--set %s: %s: cannot read the declaration of %s", "--set %s：%s：无法读取 %s 的声明", s->param, file, s->param);
    const char *va = ac, *vb = le;
    uncomment(va, &vb);
    trim(&va, &vb);
    char fromd[JY_DATE_BUFSZ], befored[JY_DATE_BUFSZ];
    if (s->from) {
        jy_date_format(s->from, fromd);
        jy_date_format(s->from - 1, befored);
    }
    jy_sb_appendn(out, src, (size_t)off);
    if (va < vb) { /* one value, always in force */
        jy_sb_appendn(out, ls, (size_t)(ac - ls));
        if (!s->from) {
            jy_sb_appendf(out, " %s", s->value);
        } else {
            jy_sb_appendf(out, "\n  from 1900-01-01 to %s %.*s\n  from %s %s\nend", befored, (int)(vb - va), va, fromd,
                          s->value);
        }
        jy_sb_append(out, le);
        return 0;
    }
    /* periods until "end" */
    jy_sb_appendn(out, ls, (size_t)(le - ls));
    const char *p = *le ? le + 1 : le;
    int changed = 0, nper = 0;
    jy_date last_to = 0;
    for (;;) {
        if (!*p) return jy_err_set2(err, JY_EINVAL, "simulate.decl_no_end", "--set %s: %s: the declaration of %s has no end", "--set %s：%s：%s 的声明缺少 end", s->param, file, s->param);
        const char *e = line_end(p);
        const char *a = p, *b = e;
        uncomment(a, &b);
        trim(&a, &b);
        if (a == b) { /* blank or comment line */
            jy_sb_appendc(out, '\n');
            jy_sb_appendn(out, p, (size_t)(e - p));
            p = *e ? e + 1 : e;
            continue;
        }
        if ((size_t)(b - a) == 3 && strncmp(a, "end", 3) == 0) {
            jy_sb_append(out, "\n");
            jy_sb_append(out, p);
            break;
        }
        /* from A [to B] VALUE */
        jy_date fa = 0, tb = 0;
        const char *q = a;
        if ((size_t)(b - q) < 16 || strncmp(q, "from ", 5) != 0 || jy_date_parse_n(q + 5, 10, &fa, NULL) != 0)
            return jy_err_set2(err, JY_EINVAL, "simulate.period_unreadable", "--set %s: %s: cannot read a period of %s", "--set %s：%s：无法读取 %s 的一个有效期段", s->param, file, s->param);
        q = skip_ws(q + 15);
        if ((size_t)(b - q) >= 13 && strncmp(q, "to ", 3) == 0) {
            if (jy_date_parse_n(q + 3, 10, &tb, NULL) != 0)
                return jy_err_set2(err, JY_EINVAL, "simulate.period_unreadable", "--set %s: %s: cannot read a period of %s", "--set %s：%s：无法读取 %s 的一个有效期段", s->param, file, s->param);
            q = skip_ws(q + 13);
        }
        const char *old = q;
        int oldn = (int)(b - q);
        char fas[JY_DATE_BUFSZ], tbs[JY_DATE_BUFSZ];
        jy_date_format(fa, fas);
        if (tb) jy_date_format(tb, tbs);
        nper++;
        if (!tb || tb > last_to) last_to = tb ? tb : INT32_MAX;
        if (!s->from || fa >= s->from) { /* wholly on or after the date */
            jy_sb_appendf(out, "\n  from %s%s%s %s", fas, tb ? " to " : "", tb ? tbs : "", s->value);
            changed = 1;
        } else if (tb && tb < s->from) { /* wholly before */
            jy_sb_appendc(out, '\n');
            jy_sb_appendn(out, p, (size_t)(e - p));
        } else { /* split at the date */
            jy_sb_appendf(out, "\n  from %s to %s %.*s", fas, befored, oldn, old);
            jy_sb_appendf(out, "\n  from %s%s%s %s", fromd, tb ? " to " : "", tb ? tbs : "", s->value);
            changed = 1;
        }
        p = *e ? e + 1 : e;
    }
    if (!changed) {
        char ld[JY_DATE_BUFSZ];
        return jy_err_set2(err, JY_EINVAL,
                          "simulate.set_no_period",
                          "--set %s=%s from %s: %s has no period on or after that date (its %d period(s) end %s): the "
                          "change would apply to no date", "--set %s=%s from %s：%s 在该日及以后没有有效期段（它的 %d 个期段截至 %s），这项改动不会适用于任何日期",
                          s->param, s->value, fromd, s->param, nper,
                          last_to && last_to != INT32_MAX ? jy_date_format(last_to, ld) : "?");
    }
    return 0;
}

static int is_rules(const char *name)
{
    size_t n = strlen(name);
    return n > 6 && strcmp(name + n - 6, ".rules") == 0;
}

void jy_sim_rules_remove(const char *dir)
{
    if (!dir || !*dir) return;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[4096];
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.') continue;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

int jy_sim_rules_write(const char *policy_dir, const jy_sim_set *sets, int nsets, char *dir, size_t cap, jy_err *err)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, cap, "%s/jiuye-sim.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        int rc = jy_err_set2(err, JY_EIO, "simulate.tmpdir", "%s: cannot make a temporary directory: %s", "%s：无法创建临时目录（%s）", dir, strerror(errno));
        dir[0] = 0;
        return rc;
    }
    DIR *d = opendir(policy_dir);
    if (!d) {
        int rc = jy_err_set2(err, JY_EIO, "simulate.dir_open", "%s: %s", "%s：无法打开目录（%s）", policy_dir, strerror(errno));
        jy_sim_rules_remove(dir);
        dir[0] = 0;
        return rc;
    }
    /* the files, read whole; the .rules ones are where parameters are declared */
    enum { MAXF = 128 };
    char *names[MAXF];
    jy_sb texts[MAXF];
    int nf = 0, rc = 0;
    struct dirent *e;
    while ((e = readdir(d)) && rc == 0) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", policy_dir, e->d_name);
        struct stat sb;
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) continue;
        if (nf == MAXF) {
            rc = jy_err_set2(err, JY_EINVAL, "simulate.too_many_files", "%s: more than %d files", "%s：文件超过 %d 个", policy_dir, MAXF);
            break;
        }
        names[nf] = strdup(e->d_name);
        jy_sb_init(&texts[nf]);
        if (!names[nf]) rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        else rc = read_all(path, &texts[nf], err);
        nf++;
    }
    closedir(d);
    for (int k = 0; k < nsets && rc == 0; k++) {
        int found = 0;
        for (int i = 0; i < nf && !found && rc == 0; i++) {
            if (!is_rules(names[i])) continue;
            long off = find_param(jy_sb_cstr(&texts[i]), sets[k].param);
            if (off < 0) continue;
            found = 1;
            jy_sb out = JY_SB_INIT;
            rc = rewrite_param(jy_sb_cstr(&texts[i]), off, &sets[k], names[i], &out, err);
            jy_sb_free(&texts[i]);
            texts[i] = out;
        }
        if (!found && rc == 0)
            rc = jy_err_set2(err, JY_EINVAL, "simulate.set_unknown_param", "--set %s: unknown parameter %s (no \"param %s\" in %s/*.rules)", "--set %1$s：未知的参数 %2$s（%4$s/*.rules 中没有“param %3$s”）", sets[k].param,
                            sets[k].param, sets[k].param, policy_dir);
    }
    for (int i = 0; i < nf; i++) {
        if (rc == 0 && names[i]) {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            rc = write_all(path, texts[i].buf ? texts[i].buf : "", texts[i].len, err);
        }
        free(names[i]);
        jy_sb_free(&texts[i]);
    }
    if (rc) {
        jy_sim_rules_remove(dir);
        dir[0] = 0;
    }
    return rc;
}

/* ---------------------------------------------------------------- small tables */

/* Strings interned to dense indices (townships, programmes, tracks). */
typedef struct strtab {
    char **s;
    size_t *len;    /* each entry's length */
    int n, cap;     /* entries */
    int *slot;      /* open addressing: index + 1, 0 empty */
    int nslot;
    int last;       /* the entry found last, + 1 (0: none): rows in a run mostly repeat it */
} strtab;

static uint64_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static int strtab_get(strtab *t, const char *s, size_t n)
{
    if (t->last && t->len[t->last - 1] == n && memcmp(t->s[t->last - 1], s, n) == 0) return t->last - 1;
    if (t->nslot == 0 || (t->n + 1) * 2 > t->nslot) {
        int ns = t->nslot ? t->nslot * 2 : 64;
        int *slot = calloc((size_t)ns, sizeof *slot);
        if (!slot) return -1;
        for (int i = 0; i < t->n; i++) {
            uint64_t h = hash_bytes(t->s[i], t->len[i]) & (uint64_t)(ns - 1);
            while (slot[h]) h = (h + 1) & (uint64_t)(ns - 1);
            slot[h] = i + 1;
        }
        free(t->slot);
        t->slot = slot;
        t->nslot = ns;
    }
    uint64_t h = hash_bytes(s, n) & (uint64_t)(t->nslot - 1);
    while (t->slot[h]) {
        int k = t->slot[h] - 1;
        if (t->len[k] == n && memcmp(t->s[k], s, n) == 0) return (t->last = k + 1) - 1;
        h = (h + 1) & (uint64_t)(t->nslot - 1);
    }
    if (t->n == t->cap) {
        int nc = t->cap ? t->cap * 2 : 32;
        char **ns = realloc(t->s, sizeof *ns * (size_t)nc);
        if (!ns) return -1;
        t->s = ns;
        size_t *nl = realloc(t->len, sizeof *nl * (size_t)nc);
        if (!nl) return -1;
        t->len = nl;
        t->cap = nc;
    }
    char *c = malloc(n + 1);
    if (!c) return -1;
    memcpy(c, s, n);
    c[n] = 0;
    t->s[t->n] = c;
    t->len[t->n] = n;
    t->slot[h] = t->n + 1;
    t->last = t->n + 1;
    return t->n++;
}

static void strtab_free(strtab *t)
{
    for (int i = 0; i < t->n; i++) free(t->s[i]);
    free(t->s);
    free(t->len);
    free(t->slot);
}

/* uint64 key → dense index of a record of `size` bytes (zeroed on creation). */
typedef struct cellmap {
    uint64_t *keys;
    int *slot; /* index + 1 */
    int nslot;
    char *rec;
    size_t size;
    int n, cap;
} cellmap;

static void *cell_get(cellmap *m, uint64_t key, int *created)
{
    *created = 0;
    if (m->nslot == 0 || (m->n + 1) * 2 > m->nslot) {
        int ns = m->nslot ? m->nslot * 2 : 256;
        int *slot = calloc((size_t)ns, sizeof *slot);
        if (!slot) return NULL;
        for (int i = 0; i < m->n; i++) {
            uint64_t h = (m->keys[i] * 0x9E3779B97F4A7C15ull) >> 20 & (uint64_t)(ns - 1);
            while (slot[h]) h = (h + 1) & (uint64_t)(ns - 1);
            slot[h] = i + 1;
        }
        free(m->slot);
        m->slot = slot;
        m->nslot = ns;
    }
    uint64_t h = (key * 0x9E3779B97F4A7C15ull) >> 20 & (uint64_t)(m->nslot - 1);
    while (m->slot[h]) {
        if (m->keys[m->slot[h] - 1] == key) return m->rec + (size_t)(m->slot[h] - 1) * m->size;
        h = (h + 1) & (uint64_t)(m->nslot - 1);
    }
    if (m->n == m->cap) {
        int nc = m->cap ? m->cap * 2 : 256;
        uint64_t *nk = realloc(m->keys, sizeof *nk * (size_t)nc);
        if (!nk) return NULL;
        m->keys = nk;
        char *nr = realloc(m->rec, m->size * (size_t)nc);
        if (!nr) return NULL;
        m->rec = nr;
        m->cap = nc;
    }
    m->keys[m->n] = key;
    memset(m->rec + (size_t)m->n * m->size, 0, m->size);
    m->slot[h] = m->n + 1;
    *created = 1;
    return m->rec + (size_t)m->n++ * m->size;
}

static void cell_free(cellmap *m)
{
    free(m->keys);
    free(m->slot);
    free(m->rec);
}

/* ---------------------------------------------------------------- accumulation */

enum { BLOCK = 1024, NSRC = 5 /* 4 sources + none */, CHECK_EVERY = 1024 /* rows, see "reading the stored facts" */ };

typedef struct row_meta {
    int64_t id;
    int is_line, prog, year, month, town, track, hard, soft, bad;
    jy_fen paid;
} row_meta;

typedef struct example {
    int64_t id;
    int is_line;
} example;

/* decisions of one programme × township */
typedef struct dgroup {
    int prog, town;
    long before[3], after[3], unreadable;
    long trans[3][3];
    example ex[3][3];
    long more, less;
    example ex_more, ex_less, ex_bad;
} dgroup;

/* money of one programme × year × township × track × month */
typedef struct mcell {
    int prog, year, month, town, track;
    jy_fen cb, ca, pb, pa, paid, ob, oa; /* committed, to pay, paid, over-paid (to recover) */
} mcell;

/* programme × source × township (the report's money rows) */
typedef struct sgroup {
    int prog, source, town;
    jy_fen cb, ca, pb, pa, paid, oa;
} sgroup;

/* programme × year × source: one budget line's months */
typedef struct lgroup {
    int prog, year, source;
    int has_line;
    jy_fen budget;
    jy_fen cb, ca;
    jy_fen mb[12], ma[12];
} lgroup;

typedef struct sim {
    const jy_sim_request *rq;
    const jy_policy *pold, *pnew;
    int same_facts;
    strtab progs, towns, tracks;
    cellmap groups, cells;
    jy_policy_case *cold, *cnew;
    jy_decision *dold, *dnew;
    uint32_t *order;
    row_meta meta[BLOCK];
    int nblk, ngood;
    jy_sb line, listing;
    jy_sim_stats st;
    long count_b[3], count_a[3];
    jy_fen paid_total, pb_total, pa_total;
    struct timespec t0;
    double decide_secs;
    /* the fast reader (see "reading the stored facts") */
    jy_policy_reader *rold, *rnew;
    int fast, verify_all;  /* fast: on; verify_all: every row also read by the jansson reader (JY_SIM_VERIFY=1) */
    int force_retry;       /* JY_SIM_VERIFY=retry: the first check fails (tests the repeat) */
    int use_vec;           /* the stored fact vectors are used (JY_SIM_FACTVEC=off: every row's facts read) */
    int fast_failed;       /* a checked row disagreed: the run is repeated with the jansson reader */
    long fast_rows, checked, vec_rows;
    jy_policy_case *chk;   /* the jansson reader's reading of a checked row */
    int rc;
    jy_err *err;
} sim;

/* CPU time of this thread (the simulation runs on one core; a loaded machine's wall time is not its cost) */
static double now_secs(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const OUTCOME[3] = {"eligible", "ineligible", "needs_review"};

static void final_outcome(const row_meta *m, const jy_decision *d, int *o, jy_fen *a)
{
    *o = d->outcome;
    *a = d->outcome == JY_ELIGIBLE && d->has_amount ? d->amount : 0;
    if (m->hard) {
        *o = JY_INELIGIBLE;
        *a = 0;
    } else if (m->soft && *o == JY_ELIGIBLE) {
        *o = JY_NEEDS_REVIEW;
        *a = 0;
    }
}

static void list_row(sim *S, const row_meta *m, int ob, jy_fen ab, int oa, jy_fen aa)
{
    char b1[JY_MONEY_BUFSZ], b2[JY_MONEY_BUFSZ];
    jy_sb *o = &S->listing;
    jy_sb_appendc(o, o->len ? ',' : '[');
    jy_sb_appendc(o, '{');
    jy_sb_json_kv_i64(o, "id", m->id);
    jy_sb_json_kv_str(o, "kind", m->is_line ? "payroll_line" : "case");
    jy_sb_json_kv_str(o, "program", S->progs.s[m->prog]);
    jy_sb_json_kv_str(o, "township", S->towns.s[m->town]);
    jy_sb_json_kv_str(o, "before", OUTCOME[ob]);
    jy_sb_json_kv_str(o, "after", OUTCOME[oa]);
    jy_sb_json_kv_str(o, "amount_before", jy_money_format_plain(ab, b1));
    jy_sb_json_kv_str(o, "amount_after", jy_money_format_plain(aa, b2));
    jy_sb_appendc(o, '}');
}

static uint64_t dkey(int prog, int town)
{
    return (uint64_t)prog << 32 | (uint32_t)town;
}

static int flush_block(sim *S)
{
    int n = S->nblk;
    if (n == 0) return 0;
    double t = now_secs();
    /* the unreadable rows were not parsed into a slot: the good ones are packed (on_row) */
    int ng = S->ngood;
    jy_policy_eval_many(S->pold, S->cold, (size_t)ng, S->dold, S->order);
    jy_policy_eval_many(S->pnew, S->same_facts ? S->cold : S->cnew, (size_t)ng, S->dnew, S->order);
    S->decide_secs += now_secs() - t;
    for (int i = 0, g = 0; i < n; i++) {
        row_meta *m = &S->meta[i];
        int created;
        dgroup *dg = cell_get(&S->groups, dkey(m->prog, m->town), &created);
        if (!dg) return jy_err_set2(S->err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        if (created) {
            dg->prog = m->prog;
            dg->town = m->town;
        }
        if (m->bad) {
            if (dg->unreadable++ == 0) dg->ex_bad = (example){m->id, m->is_line};
            S->st.unreadable++;
            continue;
        }
        int ob, oa;
        jy_fen ab, aa;
        final_outcome(m, &S->dold[g], &ob, &ab);
        final_outcome(m, &S->dnew[g], &oa, &aa);
        g++;
        dg->before[ob]++;
        dg->after[oa]++;
        S->count_b[ob]++;
        S->count_a[oa]++;
        int changed = 0;
        if (ob != oa) {
            if (dg->trans[ob][oa]++ == 0) dg->ex[ob][oa] = (example){m->id, m->is_line};
            changed = 1;
        } else if (ab != aa) {
            if (aa > ab) {
                if (dg->more++ == 0) dg->ex_more = (example){m->id, m->is_line};
            } else if (dg->less++ == 0) {
                dg->ex_less = (example){m->id, m->is_line};
            }
            changed = 1;
        }
        if (changed) {
            S->st.changed++;
            if (S->rq->list_cases) list_row(S, m, ob, ab, oa, aa);
        }
        uint64_t key = (uint64_t)m->prog << 48 | (uint64_t)(m->year & 0xffff) << 32 | (uint64_t)m->month << 28 |
                       (uint64_t)(m->track & 0xff) << 20 | (uint64_t)m->town;
        mcell *c = cell_get(&S->cells, key, &created);
        if (!c) return jy_err_set2(S->err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        if (created) {
            c->prog = m->prog;
            c->year = m->year;
            c->month = m->month;
            c->town = m->town;
            c->track = m->track;
        }
        jy_fen pb = ab > m->paid ? ab - m->paid : 0, pa = aa > m->paid ? aa - m->paid : 0;
        c->cb += ab;
        c->ca += aa;
        c->pb += pb;
        c->pa += pa;
        c->paid += m->paid;
        c->ob += m->paid > ab ? m->paid - ab : 0;
        c->oa += m->paid > aa ? m->paid - aa : 0;
        S->st.committed_before += ab;
        S->st.committed_after += aa;
        S->paid_total += m->paid;
        S->pb_total += pb;
        S->pa_total += pa;
    }
    S->nblk = 0;
    S->ngood = 0;
    return 0;
}

/* The value of "key":"…" in a flat JSON object text, or NULL; *n its length. */
static const char *json_str_field(const char *json, const char *key, size_t *n)
{
    if (!json) return NULL;
    const char *p = strstr(json, key);
    if (!p) return NULL;
    p += strlen(key);
    const char *e = strchr(p, '"');
    if (!e) return NULL;
    *n = (size_t)(e - p);
    return p;
}

/* One pass over a row's facts (n bytes, NUL-terminated at n) for what json_str_field(facts,
 * "\"track\":\"") and strstr(facts, "\"teachers\":[") answered: the track's value (NULL: none;
 * *tl its length), and *teachers 1 when the teacher list's name occurs anywhere in the n bytes
 * (a row with one is read through its line, so finding it past a NUL only sends a row the old
 * way). Both names begin with the pair "t, looked for sixteen bytes at a time (SSE2). */
static const char *facts_scan(const char *s, size_t n, size_t *tl, int *teachers)
{
    static const char TR[] = "\"track\":\"", TE[] = "\"teachers\":[";
    const char *track = NULL;
    int first = 1, nul = 0; /* first: no "track":" before (strstr stops at the first); nul: a NUL seen */
    *teachers = 0;
    size_t i = 0;
    while (i + 1 < n) {
#if defined(__SSE2__)
        if (n - i >= 17) {
            __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 1));
            unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, _mm_set1_epi8('"')),
                                                                   _mm_cmpeq_epi8(b, _mm_set1_epi8('t'))));
            m |= (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, _mm_setzero_si128()));
            if (!m) {
                i += 16;
                continue;
            }
            i += (size_t)__builtin_ctz(m);
        }
#endif
        if (s[i] == 0) {
            nul = 1;
        } else if (s[i] == '"' && s[i + 1] == 't') {
            if (first && !nul && n - i >= sizeof TR - 1 && memcmp(s + i, TR, sizeof TR - 1) == 0) {
                first = 0;
                const char *v = s + i + sizeof TR - 1, *e = strchr(v, '"');
                if (e) {
                    track = v;
                    *tl = (size_t)(e - v);
                }
            }
            if (n - i >= sizeof TE - 1 && memcmp(s + i, TE, sizeof TE - 1) == 0) *teachers = 1;
        }
        i++;
    }
    return track;
}

static int parse_into(const jy_policy *pol, const char *text, size_t len, jy_policy_case *c)
{
    int has_id = 0;
    jy_err e;
    return jy_policy_case_parse_inputs(pol, text, len, jy_case_form_inputs, c, NULL, 0, &has_id, &e);
}


/* ---------------------------------------------------------------- reading the stored facts
 *
 * Each row's case line (build_line) is read by the engine's fast reader (jy_policy_reader_parse,
 * src/policy/reader.c: one pass, no jansson tree, fact names hashed; what it does not read plainly
 * goes to the jansson reader, so its answer is the engine reader's on every line). Checked as it
 * runs all the same: the first row and every 1,024th after it is also read by the jansson reader (jy_policy_case_parse_inputs)
 * and compared (facts present and their values); one difference and the whole run is repeated
 * with the jansson reader for every row. JY_SIM_VERIFY=1 compares every row and fails on a
 * difference (tests); JY_SIM_VERIFY=off reads every row with the jansson reader;
 * JY_SIM_VERIFY=retry fails the first check (tests the repeat). */

/* 1 when a and b hold the same facts (presence and values of the present ones), programme, date. */
static int same_case(const jy_policy_case *a, const jy_policy_case *b)
{
    if (a->program != b->program || a->date != b->date || memcmp(a->present, b->present, sizeof a->present) != 0) return 0;
    for (int f = 0; f < JY_POLICY_MAX_FACTS; f++)
        if ((a->present[f / 64] >> (f % 64) & 1) && a->v[f] != b->v[f]) return 0;
    return 1;
}


/* The engine's case line of row r ({"program","date","facts"}) into S->line (a class form's
 * teacher list counted, a payroll claim's claim and date added, as the case service and the
 * payroll decided them). */
static void build_line(sim *S, const jy_sim_row *r)
{
    char ds[JY_DATE_BUFSZ];
    jy_sb *L = &S->line;
    jy_sb_reset(L);
    jy_sb_append(L, "{\"program\":");
    jy_sb_json_str(L, r->program);
    jy_sb_append(L, ",\"date\":\"");
    jy_sb_append(L, r->on ? jy_date_format(r->on, ds) : "");
    jy_sb_append(L, "\",\"facts\":");
    const char *facts = r->facts;
    json_t *tree = NULL;
    char *dumped = NULL;
    if (strstr(facts, "\"teachers\":[")) { /* the class form's teacher list counts (case.c evaluate) */
        tree = json_loads(facts, 0, NULL);
        if (tree) {
            json_t *pf = jy_form_policy_facts(tree);
            dumped = json_dumps(pf, JSON_COMPACT);
            json_decref(pf);
            if (dumped) facts = dumped;
        }
    }
    if (r->is_line && strcmp(r->kind, "monthly") != 0) { /* the claim the payroll run decided */
        jy_sb_append(L, "{\"claim\":");
        jy_sb_json_str(L, r->kind);
        jy_sb_append(L, ",\"claim_date\":\"");
        jy_sb_append(L, r->claim_date ? jy_date_format(r->claim_date, ds) : "");
        jy_sb_appendc(L, '"');
        const char *rest = skip_ws(facts);
        if (*rest == '{') rest++;
        rest = skip_ws(rest);
        if (*rest != '}') jy_sb_appendc(L, ',');
        jy_sb_append(L, rest);
    } else {
        jy_sb_append(L, facts);
    }
    jy_sb_appendc(L, '}');
    free(dumped);
    json_decref(tree);
    /* good rows are packed at parse time: the next good slot is the count of good rows so far */
}

static int on_row(void *ctx, const jy_sim_row *r)
{
    sim *S = ctx;
    row_meta *m = &S->meta[S->nblk];
    memset(m, 0, sizeof *m);
    m->id = r->id;
    m->is_line = r->is_line;
    m->prog = strtab_get(&S->progs, r->program, r->program_len);
    size_t dl = strnlen(r->division, 9);
    m->town = strtab_get(&S->towns, r->division, dl);
    size_t tl = 0;
    int teachers;
    const char *tr = facts_scan(r->facts, r->facts_len, &tl, &teachers);
    if (!tr) tr = json_str_field(r->parent_facts, "\"track\":\"", &tl);
    if (!tr) tr = "general", tl = 7;
    m->track = strtab_get(&S->tracks, tr, tl);
    if (m->prog < 0 || m->town < 0 || m->track < 0) return S->rc = jy_err_set2(S->err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    int y, mo, d;
    jy_date_to_ymd(r->on, &y, &mo, &d);
    m->month = r->on ? mo : 0;
    m->year = r->year;
    m->paid = r->paid;
    m->hard = strstr(r->conflicts, "\"hard\":true") != NULL;
    m->soft = strstr(r->conflicts, "\"hard\":false") != NULL;
    if (r->is_line) S->st.lines++;
    else S->st.cases++;
    S->st.rows++;
    int g = S->ngood;
    jy_sb *L = &S->line;
    /* a plain row (no teacher list to count, no payroll claim to add) is read in place, its line
     * not written (jy_policy_reader_parse_parts); the others through their line */
    int plain = !(r->is_line && strcmp(r->kind, "monthly") != 0) && !teachers;
    int check = S->fast && (S->verify_all || S->st.rows % CHECK_EVERY == 1);
    if (!plain || !S->fast || check) build_line(S, r);
    if (S->fast) {
        jy_err e;
        /* a plain case's stored fact vector when it names these rules and these facts (else NULL
         * or stale: the facts are read) */
        if (plain && S->use_vec && r->fact_vec &&
            jy_policy_factvec_read(S->rold, r->fact_vec, r->fact_vec_len, r->program, r->program_len, r->on,
                                   jy_case_form_inputs, &S->cold[g]) == 0) {
            m->bad = 0;
            S->vec_rows++;
        } else {
            m->bad = (plain ? jy_policy_reader_parse_parts(S->rold, r->program, r->program_len, r->on, r->facts,
                                                           r->facts_len, jy_case_form_inputs, &S->cold[g], &e)
                            : jy_policy_reader_parse(S->rold, L->buf, L->len, jy_case_form_inputs, &S->cold[g], NULL,
                                                     0, &(int){0}, &e)) != 0;
        }
        S->fast_rows++;
        if (check) { /* check against the jansson reader */
            int bad = parse_into(S->pold, L->buf, L->len, S->chk) != 0;
            int same = bad == m->bad && (bad || same_case(S->chk, &S->cold[g]));
            S->checked++;
            if (S->force_retry && S->checked == 1) same = 0; /* JY_SIM_VERIFY=retry: the repeat path, for tests */
            if (!same) {
                S->fast_failed = 1;
                if (S->verify_all)
                    return S->rc = jy_err_set2(S->err, JY_EINVAL, "simulate.fast_reader_differs",
                                               "simulation: the fast reading of the facts of %1$s %3$lld "
                                               "differs from the engine's reader%2$.0s",
                                               "模拟测算：%2$s %3$lld 的信息项快速读取结果与引擎读取结果不一致%1$.0s",
                                               r->is_line ? "payroll line" : "case", r->is_line ? "花名册行" : "案件",
                                               (long long)r->id);
                return S->rc = 1; /* stop: the run is repeated with the jansson reader */
            }
        }
        if (!m->bad && !S->same_facts)
            m->bad = (plain ? jy_policy_reader_parse_parts(S->rnew, r->program, r->program_len, r->on, r->facts,
                                                           r->facts_len, jy_case_form_inputs, &S->cnew[g], &e)
                            : jy_policy_reader_parse(S->rnew, L->buf, L->len, jy_case_form_inputs, &S->cnew[g], NULL,
                                                     0, &(int){0}, &e)) != 0;
    } else {
        m->bad = parse_into(S->pold, L->buf, L->len, &S->cold[g]) != 0;
        if (!m->bad && !S->same_facts) m->bad = parse_into(S->pnew, L->buf, L->len, &S->cnew[g]) != 0;
    }
    S->ngood += !m->bad;
    S->nblk++;
    if (S->nblk == BLOCK && (S->rc = flush_block(S))) return S->rc;
    return 0;
}

/* ---------------------------------------------------------------- funding split and report */

typedef struct lines_t {
    jy_sim_line *v;
    int n, cap;
} lines_t;

static int on_line(void *ctx, const jy_sim_line *l)
{
    lines_t *L = ctx;
    if (L->n == L->cap) {
        int nc = L->cap ? L->cap * 2 : 64;
        jy_sim_line *nv = realloc(L->v, sizeof *nv * (size_t)nc);
        if (!nv) return JY_ENOMEM;
        L->v = nv;
        L->cap = nc;
    }
    L->v[L->n++] = *l;
    return 0;
}

/* Splits amount over the lines funding it by their allocations: each part rounded down to the
 * fen, the fen left over to the largest remainders (ties: the earlier source), as
 * jy_ledger_split does. part[] has 4 entries (by source). */
static void split(jy_fen amount, const jy_fen budget[4], jy_fen part[4])
{
    __int128 total = 0;
    for (int s = 0; s < 4; s++) total += budget[s];
    memset(part, 0, sizeof(jy_fen) * 4);
    if (amount == 0 || total <= 0) return;
    __int128 rem[4];
    jy_fen given = 0;
    for (int s = 0; s < 4; s++) {
        __int128 x = (__int128)amount * budget[s];
        part[s] = (jy_fen)(x / total);
        rem[s] = x % total;
        given += part[s];
    }
    for (jy_fen left = amount - given; left > 0; left--) {
        int best = -1;
        for (int s = 0; s < 4; s++)
            if (budget[s] > 0 && (best < 0 || rem[s] > rem[best])) best = s;
        if (best < 0) break;
        part[best]++;
        rem[best] = -1;
    }
}

static int prog_num(const char *p)
{
    return p[0] == 'P' ? atoi(p + 1) : 1000;
}

typedef struct sortctx_item {
    int pnum;
    const char *prog, *town;
    int source, year;
    void *rec;
} sitem;

static int sitem_cmp(const void *a, const void *b)
{
    const sitem *x = a, *y = b;
    if (x->pnum != y->pnum) return x->pnum < y->pnum ? -1 : 1;
    int c = strcmp(x->prog, y->prog);
    if (c) return c;
    if (x->year != y->year) return x->year < y->year ? -1 : 1;
    if (x->source != y->source) return x->source < y->source ? -1 : 1;
    return strcmp(x->town ? x->town : "", y->town ? y->town : "");
}

static const char *source_name(int s)
{
    return s >= 0 && s < 4 ? jy_fund_source_name(s) : "none";
}

static void kv_money(jy_sb *o, const char *k, jy_fen v)
{
    char b[JY_MONEY_BUFSZ];
    jy_sb_json_kv_str(o, k, jy_money_format_plain(v, b));
}

static void kv_example(jy_sb *o, const char *k, example e)
{
    jy_sb_json_key(o, k);
    jy_sb_appendc(o, '{');
    jy_sb_json_kv_i64(o, "id", e.id);
    jy_sb_json_kv_str(o, "kind", e.is_line ? "payroll_line" : "case");
    jy_sb_appendc(o, '}');
}

static void counts(jy_sb *o, const char *k, const long c[3])
{
    jy_sb_json_key(o, k);
    jy_sb_appendc(o, '{');
    for (int i = 0; i < 3; i++) jy_sb_json_kv_i64(o, OUTCOME[i], c[i]);
    jy_sb_appendc(o, '}');
}

static void runs_out(jy_sb *o, const char *k, const lgroup *g, const jy_fen *months)
{
    jy_sb_json_key(o, k);
    jy_fen cum = 0;
    for (int m = 0; m < 12; m++) {
        cum += months[m];
        if (g->has_line && cum > g->budget) {
            jy_sb_appendf(o, "\"%04d-%02d\"", g->year, m + 1);
            return;
        }
    }
    jy_sb_append(o, "null");
}

static int report(sim *S, jy_store *st, jy_sb *out)
{
    const jy_sim_request *rq = S->rq;
    lines_t L = {0};
    int rc = jy_store_sim_lines(st, rq->county, on_line, &L, S->err);
    cellmap sg = {.size = sizeof(sgroup)}, lg = {.size = sizeof(lgroup)};
    sitem *items = NULL;
    if (rc) goto done;
    /* the budget lines as programme × year × source groups (also those nothing was decided for) */
    for (int i = 0; i < L.n; i++) {
        int p = strtab_get(&S->progs, L.v[i].program, strlen(L.v[i].program)), created;
        if (p < 0) { rc = jy_err_set2(S->err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足"); goto done; }
        lgroup *g = cell_get(&lg, (uint64_t)p << 32 | (uint64_t)(L.v[i].year & 0xffff) << 8 | (uint64_t)L.v[i].source, &created);
        if (!g) { rc = jy_err_set2(S->err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足"); goto done; }
        g->prog = p, g->year = L.v[i].year, g->source = L.v[i].source, g->has_line = 1;
        g->budget = L.v[i].budget;
    }
    /* each money cell over the lines that fund its track */
    for (int i = 0; i < S->cells.n; i++) {
        mcell *c = (mcell *)(S->cells.rec + (size_t)i * sizeof(mcell));
        const char *prog = S->progs.s[c->prog], *track = S->tracks.s[c->track];
        jy_fen budget[4] = {0, 0, 0, 0};
        int any = 0;
        for (int k = 0; k < L.n; k++)
            if (L.v[k].year == c->year && strcmp(L.v[k].program, prog) == 0 && L.v[k].budget > 0 &&
                jy_ledger_tracks_fund(L.v[k].tracks, strcmp(track, "general") == 0 ? "" : track)) {
                budget[L.v[k].source] += L.v[k].budget;
                any = 1;
            }
        jy_fen v[6] = {c->cb, c->ca, c->pb, c->pa, c->paid, c->oa}, parts[6][4];
        for (int k = 0; k < 6; k++) {
            if (any) split(v[k], budget, parts[k]);
            else memset(parts[k], 0, sizeof parts[k]);
        }
        for (int s = 0; s < NSRC; s++) {
            if (any ? (s == 4 || budget[s] == 0) : s != 4) continue;
            int created;
            sgroup *g = cell_get(&sg, (uint64_t)c->prog << 40 | (uint64_t)s << 32 | (uint32_t)c->town, &created);
            lgroup *l = cell_get(&lg, (uint64_t)c->prog << 32 | (uint64_t)(c->year & 0xffff) << 8 | (uint64_t)s, &created);
            if (!g || !l) { rc = jy_err_set2(S->err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足"); goto done; }
            if (created) l->prog = c->prog, l->year = c->year, l->source = s;
            g->prog = c->prog, g->source = s, g->town = c->town;
            jy_fen x[6];
            for (int k = 0; k < 6; k++) x[k] = s == 4 ? v[k] : parts[k][s];
            g->cb += x[0], g->ca += x[1], g->pb += x[2], g->pa += x[3], g->paid += x[4], g->oa += x[5];
            l->cb += x[0], l->ca += x[1];
            if (c->month >= 1 && c->month <= 12) l->mb[c->month - 1] += x[0], l->ma[c->month - 1] += x[1];
        }
    }
    /* ---- the report */
    char d1[JY_DATE_BUFSZ];
    jy_sb_append(out, "{");
    jy_sb_json_kv_str(out, "county", rq->county);
    jy_sb_json_kv_str(out, "area", rq->area ? rq->area : "");
    jy_sb_json_kv_str(out, "program", rq->program ? rq->program : "");
    jy_sb_json_key(out, "from");
    if (rq->from) jy_sb_json_str(out, jy_date_format(rq->from, d1));
    else jy_sb_append(out, "null");
    jy_sb_json_key(out, "to");
    if (rq->to) jy_sb_json_str(out, jy_date_format(rq->to, d1));
    else jy_sb_append(out, "null");
    jy_sb_json_kv_str(out, "ruleset_before", jy_policy_hash(S->pold));
    jy_sb_json_kv_str(out, "ruleset_after", jy_policy_hash(S->pnew));
    jy_sb_json_key(out, "policy_dir_after");
    if (rq->new_dir) jy_sb_json_str(out, rq->new_dir);
    else jy_sb_append(out, "null");
    jy_sb_json_key(out, "set");
    jy_sb_appendc(out, '[');
    for (int i = 0; i < rq->nsets; i++) {
        if (i) jy_sb_appendc(out, ',');
        jy_sb_appendc(out, '{');
        jy_sb_json_kv_str(out, "param", rq->sets[i].param);
        jy_sb_json_kv_str(out, "value", rq->sets[i].value);
        jy_sb_json_key(out, "from");
        if (rq->sets[i].from) jy_sb_json_str(out, jy_date_format(rq->sets[i].from, d1));
        else jy_sb_append(out, "null");
        jy_sb_appendc(out, '}');
    }
    jy_sb_appendc(out, ']');
    jy_sb_json_kv_i64(out, "rows", S->st.rows);
    jy_sb_json_kv_i64(out, "cases", S->st.cases);
    jy_sb_json_kv_i64(out, "payroll_lines", S->st.lines);
    jy_sb_json_kv_i64(out, "unreadable", S->st.unreadable);
    jy_sb_json_kv_i64(out, "changed", S->st.changed);
    jy_sb_json_key(out, "totals");
    jy_sb_appendc(out, '{');
    counts(out, "before", S->count_b);
    counts(out, "after", S->count_a);
    kv_money(out, "committed_before", S->st.committed_before);
    kv_money(out, "committed_after", S->st.committed_after);
    kv_money(out, "committed_difference", S->st.committed_after - S->st.committed_before);
    kv_money(out, "to_pay_before", S->pb_total);
    kv_money(out, "to_pay_after", S->pa_total);
    kv_money(out, "paid", S->paid_total);
    jy_sb_appendc(out, '}');
    /* decisions per programme × township */
    int nmax = S->groups.n > sg.n ? S->groups.n : sg.n;
    if (lg.n > nmax) nmax = lg.n;
    items = calloc((size_t)nmax + 1, sizeof *items);
    if (!items) { rc = jy_err_set2(S->err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足"); goto done; }
    for (int i = 0; i < S->groups.n; i++) {
        dgroup *g = (dgroup *)(S->groups.rec + (size_t)i * sizeof(dgroup));
        items[i] = (sitem){prog_num(S->progs.s[g->prog]), S->progs.s[g->prog], S->towns.s[g->town], 0, 0, g};
    }
    qsort(items, (size_t)S->groups.n, sizeof *items, sitem_cmp);
    jy_sb_json_key(out, "decisions");
    jy_sb_appendc(out, '[');
    for (int i = 0; i < S->groups.n; i++) {
        dgroup *g = items[i].rec;
        if (i) jy_sb_appendc(out, ',');
        jy_sb_appendc(out, '{');
        jy_sb_json_kv_str(out, "program", items[i].prog);
        jy_sb_json_kv_str(out, "township", items[i].town);
        counts(out, "before", g->before);
        counts(out, "after", g->after);
        jy_sb_json_kv_i64(out, "unreadable", g->unreadable);
        if (g->unreadable) kv_example(out, "unreadable_example", g->ex_bad);
        jy_sb_json_key(out, "changes");
        jy_sb_appendc(out, '[');
        int first = 1;
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
                if (!g->trans[a][b]) continue;
                if (!first) jy_sb_appendc(out, ',');
                first = 0;
                jy_sb_appendc(out, '{');
                jy_sb_json_kv_str(out, "from", OUTCOME[a]);
                jy_sb_json_kv_str(out, "to", OUTCOME[b]);
                jy_sb_json_kv_i64(out, "count", g->trans[a][b]);
                kv_example(out, "example", g->ex[a][b]);
                jy_sb_appendc(out, '}');
            }
        for (int k = 0; k < 2; k++) {
            long n = k ? g->less : g->more;
            if (!n) continue;
            if (!first) jy_sb_appendc(out, ',');
            first = 0;
            jy_sb_appendc(out, '{');
            jy_sb_json_kv_str(out, "from", "eligible");
            jy_sb_json_kv_str(out, "to", "eligible");
            jy_sb_json_kv_str(out, "amount", k ? "less" : "more");
            jy_sb_json_kv_i64(out, "count", n);
            kv_example(out, "example", k ? g->ex_less : g->ex_more);
            jy_sb_appendc(out, '}');
        }
        jy_sb_append(out, "]}");
    }
    jy_sb_appendc(out, ']');
    /* money per programme × source × township */
    for (int i = 0; i < sg.n; i++) {
        sgroup *g = (sgroup *)(sg.rec + (size_t)i * sizeof(sgroup));
        items[i] = (sitem){prog_num(S->progs.s[g->prog]), S->progs.s[g->prog], S->towns.s[g->town], g->source, 0, g};
    }
    qsort(items, (size_t)sg.n, sizeof *items, sitem_cmp);
    jy_sb_json_key(out, "money");
    jy_sb_appendc(out, '[');
    for (int i = 0; i < sg.n; i++) {
        sgroup *g = items[i].rec;
        if (i) jy_sb_appendc(out, ',');
        jy_sb_appendc(out, '{');
        jy_sb_json_kv_str(out, "program", items[i].prog);
        jy_sb_json_kv_str(out, "source", source_name(g->source));
        jy_sb_json_kv_str(out, "township", items[i].town);
        kv_money(out, "committed_before", g->cb);
        kv_money(out, "committed_after", g->ca);
        kv_money(out, "to_pay_before", g->pb);
        kv_money(out, "to_pay_after", g->pa);
        kv_money(out, "paid", g->paid);
        kv_money(out, "to_recover_after", g->oa);
        jy_sb_appendc(out, '}');
    }
    jy_sb_appendc(out, ']');
    /* budget lines: the month each runs out */
    int nl = 0;
    for (int i = 0; i < lg.n; i++) {
        lgroup *g = (lgroup *)(lg.rec + (size_t)i * sizeof(lgroup));
        if (g->cb == 0 && g->ca == 0 && !g->has_line) continue;
        if (g->cb == 0 && g->ca == 0 && rq->program && *rq->program && strcmp(S->progs.s[g->prog], rq->program) != 0) continue;
        items[nl++] = (sitem){prog_num(S->progs.s[g->prog]), S->progs.s[g->prog], NULL, g->source, g->year, g};
    }
    qsort(items, (size_t)nl, sizeof *items, sitem_cmp);
    jy_sb_json_key(out, "budget_lines");
    jy_sb_appendc(out, '[');
    for (int i = 0; i < nl; i++) {
        lgroup *g = items[i].rec;
        if (i) jy_sb_appendc(out, ',');
        jy_sb_appendc(out, '{');
        jy_sb_json_kv_str(out, "program", items[i].prog);
        jy_sb_json_kv_i64(out, "year", g->year);
        jy_sb_json_kv_str(out, "source", source_name(g->source));
        jy_sb_json_key(out, "budget");
        if (g->has_line) {
            char b[JY_MONEY_BUFSZ];
            jy_sb_json_str(out, jy_money_format_plain(g->budget, b));
        } else {
            jy_sb_append(out, "null");
        }
        kv_money(out, "committed_before", g->cb);
        kv_money(out, "committed_after", g->ca);
        runs_out(out, "runs_out_before", g, g->mb);
        runs_out(out, "runs_out_after", g, g->ma);
        jy_sb_appendc(out, '}');
    }
    jy_sb_appendc(out, ']');
    if (rq->list_cases) {
        jy_sb_json_key(out, "changed_rows");
        jy_sb_append(out, S->listing.len ? jy_sb_cstr(&S->listing) : "[");
        jy_sb_appendc(out, ']');
    }
    jy_sb_appendc(out, '}');
done:
    free(items);
    free(L.v);
    cell_free(&sg);
    cell_free(&lg);
    return rc;
}

/* Forgets the sums of a run that is to be repeated (the tables of names stay). */
static void sim_reset(sim *S)
{
    S->groups.n = 0;
    if (S->groups.slot) memset(S->groups.slot, 0, sizeof *S->groups.slot * (size_t)S->groups.nslot);
    S->cells.n = 0;
    if (S->cells.slot) memset(S->cells.slot, 0, sizeof *S->cells.slot * (size_t)S->cells.nslot);
    memset(&S->st, 0, sizeof S->st);
    memset(S->count_b, 0, sizeof S->count_b);
    memset(S->count_a, 0, sizeof S->count_a);
    S->paid_total = S->pb_total = S->pa_total = 0;
    S->decide_secs = 0;
    S->nblk = S->ngood = 0;
    S->rc = 0;
    jy_sb_reset(&S->listing);
}

int jy_simulate(jy_store *st, const jy_policy *cur, const jy_sim_request *rq, jy_sb *out, jy_sim_stats *stats,
                jy_err *err)
{
    if (!rq->county || strlen(rq->county) != 6)
        return jy_err_set2(err, JY_EINVAL, "simulate.county", "county \"%s\": expected a 6-digit county code", "县级区划“%s”：应为6位县级区划代码", rq->county ? rq->county : "");
    if (rq->area && *rq->area && strncmp(rq->area, rq->county, strlen(rq->area) < 6 ? strlen(rq->area) : 6) != 0)
        return jy_err_set2(err, JY_EINVAL, "simulate.area_outside", "area %s lies outside county %s", "辖区 %s 不在县 %s 范围内", rq->area, rq->county);
    if (rq->from && rq->to && rq->to < rq->from) return jy_err_set2(err, JY_EINVAL, "simulate.period_reversed", "to: the period ends before it starts", "to：截止日期早于起始日期");
    if (rq->nsets > JY_SIM_MAX_SETS) return jy_err_set2(err, JY_EINVAL, "simulate.too_many_sets", "--set: at most %d changes", "--set：最多 %d 项改动", JY_SIM_MAX_SETS);
    if (!rq->new_dir && rq->nsets == 0)
        return jy_err_set2(err, JY_EINVAL, "simulate.nothing", "nothing to compare: give --set NAME=VALUE [from DATE] or --policy-dir DIR", "没有可比较的内容：请给出 --set 参数名=取值 [from 日期] 或 --policy-dir 目录");
    int rc = 0;
    jy_policy *own_cur = NULL, *pnew = NULL;
    char tmp[4096] = "";
    if (!cur) {
        if ((rc = jy_policy_load(rq->policy_dir, &own_cur, err))) return jy_err_prefix2(err, "%s: ", "%s：", rq->policy_dir);
        cur = own_cur;
    }
    const char *base = rq->new_dir ? rq->new_dir : rq->policy_dir;
    if (rq->nsets) {
        if ((rc = jy_sim_rules_write(base, rq->sets, rq->nsets, tmp, sizeof tmp, err))) goto out;
        rc = jy_policy_load(tmp, &pnew, err);
        if (rc) {
            jy_err e = *err;
            jy_sb what = JY_SB_INIT;
            for (int i = 0; i < rq->nsets; i++)
                jy_sb_appendf(&what, "%s%s=%s", i ? ", " : "", rq->sets[i].param, rq->sets[i].value);
            /* the compiler's message names the temporary file: name the change instead */
            const char *msg = e.msg, *msg_zh = jy_err_zh(&e);
            const char *slash = strstr(msg, tmp);
            if (slash) msg = slash + strlen(tmp) + (slash[strlen(tmp)] == '/' ? 1 : 0);
            if ((slash = strstr(msg_zh, tmp))) msg_zh = slash + strlen(tmp) + (slash[strlen(tmp)] == '/' ? 1 : 0);
            rc = jy_err_set2(err, JY_EINVAL, "simulate.change_refused",
                             "--set %1$s: the rules do not accept the change: %2$s%3$.0s",
                             "--set %1$s：规则不接受这项改动：%3$s%2$.0s", jy_sb_cstr(&what), msg, msg_zh);
            jy_sb_free(&what);
            goto out;
        }
    } else if ((rc = jy_policy_load(rq->new_dir, &pnew, err))) {
        jy_err_prefix2(err, "--policy-dir %s: ", "--policy-dir %s：", rq->new_dir);
        goto out;
    }
    sim *S = calloc(1, sizeof *S);
    if (!S) { rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足"); goto out; }
    S->rq = rq;
    S->pold = cur;
    S->pnew = pnew;
    S->same_facts = rq->new_dir == NULL;
    S->groups.size = sizeof(dgroup);
    S->cells.size = sizeof(mcell);
    S->err = err;
    S->cold = malloc(sizeof *S->cold * BLOCK);
    S->cnew = S->same_facts ? NULL : malloc(sizeof *S->cnew * BLOCK);
    S->dold = malloc(sizeof *S->dold * BLOCK);
    S->dnew = malloc(sizeof *S->dnew * BLOCK);
    S->order = malloc(sizeof *S->order * BLOCK);
    if (!S->cold || (!S->same_facts && !S->cnew) || !S->dold || !S->dnew || !S->order) {
        rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    } else {
        double t0 = now_secs();
        jy_sim_filter f = {rq->county, rq->area, rq->program, rq->from, rq->to};
        const char *v = getenv("JY_SIM_VERIFY");
        S->verify_all = v && strcmp(v, "1") == 0;
        S->force_retry = v && strcmp(v, "retry") == 0;
        S->fast = !(v && strcmp(v, "off") == 0);
        const char *fv = getenv("JY_SIM_FACTVEC");
        S->use_vec = !(fv && strcmp(fv, "off") == 0);
        S->rold = jy_policy_reader_new(cur);
        S->rnew = S->same_facts ? NULL : jy_policy_reader_new(pnew);
        S->chk = malloc(sizeof *S->chk);
        if (!S->chk) abort();
        rc = jy_store_sim_rows(st, &f, on_row, S, err);
        if (rc == 1 && S->fast_failed && !S->verify_all) { /* once more, every row by the engine's reader */
            sim_reset(S);
            S->fast = 0;
            S->fast_rows = S->checked = S->vec_rows = 0;
            rc = jy_store_sim_rows(st, &f, on_row, S, err);
        }
        if (rc == 0 && S->rc) rc = S->rc;
        if (rc == 0) rc = flush_block(S);
        double t1 = now_secs();
        S->st.secs_decide = S->decide_secs;
        S->st.fast_rows = S->fast_rows;
        S->st.checked = S->checked;
        S->st.vec_rows = S->vec_rows;
        S->st.secs_read = t1 - t0 - S->decide_secs;
        if (rc == 0) rc = report(S, st, out);
        if (stats) *stats = S->st;
    }
    free(S->cold);
    free(S->cnew);
    free(S->dold);
    free(S->dnew);
    free(S->order);
    jy_policy_reader_free(S->rold);
    jy_policy_reader_free(S->rnew);
    free(S->chk);
    strtab_free(&S->progs);
    strtab_free(&S->towns);
    strtab_free(&S->tracks);
    cell_free(&S->groups);
    cell_free(&S->cells);
    jy_sb_free(&S->line);
    jy_sb_free(&S->listing);
    free(S);
out:
    if (tmp[0]) jy_sim_rules_remove(tmp);
    jy_policy_free(pnew);
    jy_policy_free(own_cur);
    return rc;
}
