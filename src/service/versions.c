/* versions.c — rule versions (versions.h; docs/versions.md).
 *
 * 1. A version's files: the rule files of the directory read whole, sorted by name; their
 *    content hash is SHA-256 over name NUL length LF content of each, so renaming, moving text
 *    between files or changing one byte all make a new version.
 * 2. A version's rules: its files written to a private temporary directory and compiled with
 *    jy_policy_load (the same compiler that checks policy/), the directory removed at once.
 * 3. The diff reads the declarations of the .rules files textually (param, program, clause; the
 *    other statements as lines) and compares them; the other files are compared by lines.
 * 4. The re-decision decides every open case again through jy_case_redecide — the same path the
 *    workflow re-decides a case by (the engine on the stored facts, the application form, the
 *    stored conflict findings) — first without writing, then, on commit, writing. */
#include "service/versions.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "base/money.h"
#include "base/text.h"
#include "domain/mask.h"
#include "service/simulate.h"
#include "service/users.h"

/* ---------------------------------------------------------------- the files */

static const char *const EXTRA_FILES[] = {"occupations.tsv", "synonyms.tsv", "conflicts.tsv", "calendar.txt",
                                          "funding.txt",     "periods.txt",  "workflows.txt"};

static int is_rule_file(const char *name)
{
    size_t n = strlen(name);
    if (name[0] == '.') return 0;
    if (n > 6 && strcmp(name + n - 6, ".rules") == 0) return 1;
    for (size_t i = 0; i < sizeof EXTRA_FILES / sizeof *EXTRA_FILES; i++)
        if (strcmp(name, EXTRA_FILES[i]) == 0) return 1;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const jy_policy_file *)a)->name, ((const jy_policy_file *)b)->name);
}

static void files_hash(const jy_policy_file *f, size_t n, char hex[65])
{
    crypto_hash_sha256_state hs;
    unsigned char out[32];
    crypto_hash_sha256_init(&hs);
    for (size_t i = 0; i < n; i++) {
        char len[32];
        int l = snprintf(len, sizeof len, "%zu\n", f[i].len);
        crypto_hash_sha256_update(&hs, (const unsigned char *)f[i].name, strlen(f[i].name) + 1);
        crypto_hash_sha256_update(&hs, (const unsigned char *)len, (unsigned long long)l);
        crypto_hash_sha256_update(&hs, (const unsigned char *)f[i].content, f[i].len);
    }
    crypto_hash_sha256_final(&hs, out);
    sodium_bin2hex(hex, 65, out, sizeof out);
}

void jy_rules_files_free(jy_rules_files *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->n; i++) {
        free((char *)r->f[i].name);
        free((char *)r->f[i].content);
    }
    free(r->f);
    memset(r, 0, sizeof *r);
}

static int read_whole(const char *path, char **out, size_t *len, jy_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return jy_err_set2(err, JY_EIO, "versions.file_open", "%s: %s", "%s：无法打开（%s）", path, strerror(errno));
    jy_sb sb = JY_SB_INIT;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) jy_sb_appendn(&sb, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        jy_sb_free(&sb);
        return jy_err_set2(err, JY_EIO, "versions.file_read", "%s: read error", "%s：读取出错", path);
    }
    *len = sb.len;
    *out = strdup(jy_sb_cstr(&sb));
    jy_sb_free(&sb);
    return *out ? 0 : jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
}

int jy_rules_files_read(const char *dir, jy_rules_files *out, jy_err *err)
{
    memset(out, 0, sizeof *out);
    DIR *d = opendir(dir);
    if (!d) return jy_err_set2(err, JY_EIO, "versions.dir_open", "%s: %s", "%s：无法打开目录（%s）", dir, strerror(errno));
    size_t cap = 0;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        if (!is_rule_file(e->d_name)) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) continue;
        if (out->n == cap) {
            size_t nc = cap ? cap * 2 : 64;
            jy_policy_file *nf = realloc(out->f, sizeof *nf * nc);
            if (!nf) {
                rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
                break;
            }
            out->f = nf;
            cap = nc;
        }
        char *content = NULL;
        size_t len = 0;
        if ((rc = read_whole(path, &content, &len, err))) break;
        if (strlen(content) != len || !jy_utf8_check(content, len)) {
            free(content);
            rc = jy_err_set2(err, JY_EINVAL, "versions.not_utf8", "%s: not UTF-8 text (a rule file is kept as text)", "%s：不是 UTF-8 文本（规则文件按文本保存）", path);
            break;
        }
        jy_policy_file *pf = &out->f[out->n++];
        pf->name = strdup(e->d_name);
        pf->content = content;
        pf->len = len;
        if (!pf->name) rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    }
    closedir(d);
    if (rc == 0 && out->n == 0) rc = jy_err_set2(err, JY_EINVAL, "versions.no_rules", "%s: no rule files (*.rules) in it", "%s：目录中没有规则文件（*.rules）", dir);
    if (rc) {
        jy_rules_files_free(out);
        return rc;
    }
    qsort(out->f, out->n, sizeof *out->f, by_name);
    files_hash(out->f, out->n, out->hash);
    return 0;
}

/* ---------------------------------------------------------------- load, list */

static void version_json(jy_sb *sb, const jy_policy_version *v)
{
    char d1[JY_DATE_BUFSZ], d2[JY_DATE_BUFSZ];
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_i64(sb, "id", v->id);
    jy_sb_json_kv_str(sb, "hash", v->hash);
    jy_sb_json_kv_str(sb, "ruleset", v->ruleset);
    jy_sb_json_kv_str(sb, "enacted_on", jy_date_format(v->enacted_on, d1));
    jy_sb_json_kv_str(sb, "applies_from", jy_date_format(v->applies_from, d2));
    jy_sb_json_kv_str(sb, "loaded_at", v->loaded_at);
    jy_sb_json_kv_str(sb, "loaded_by", v->loaded_by);
    jy_sb_json_kv_str(sb, "note", v->note);
    jy_sb_json_kv_i64(sb, "files", v->files);
    jy_sb_appendc(sb, '}');
}

int jy_versions_load(jy_store *st, const char *dir, jy_date enacted, jy_date applies_from, const char *note,
                     const char *actor, jy_sb *out, jy_err *err)
{
    if (!enacted) return jy_err_set2(err, JY_EINVAL, "versions.enacted_required", "--enacted: the date the plan was issued (发文日期) is required", "--enacted：必须给出政策文件的发文日期");
    if (!applies_from) return jy_err_set2(err, JY_EINVAL, "versions.from_required", "--from: the date the rules apply from (施行日期) is required", "--from：必须给出规则的施行日期");
    if (note && strlen(note) >= sizeof ((jy_policy_version *)0)->note)
        return jy_err_set2(err, JY_EINVAL, "versions.note_long", "--note: at most %zu bytes", "--note：最多 %zu 字节", sizeof ((jy_policy_version *)0)->note - 1);
    /* the rules serve every county: only an administrator loads them */
    jy_actor who;
    int rc = jy_actor_resolve(st, actor, &who, err);
    if (rc || (rc = jy_actor_may(&who, 1u << JY_ROLE_ADMIN, NULL, "载入政策版本", err))) return rc;
    jy_policy *pol = NULL;
    if ((rc = jy_policy_load(dir, &pol, err))) return rc; /* rules that do not compile are not a version */
    jy_policy_version v;
    memset(&v, 0, sizeof v);
    snprintf(v.ruleset, sizeof v.ruleset, "%s", jy_policy_hash(pol));
    jy_policy_free(pol);
    jy_rules_files rf;
    if ((rc = jy_rules_files_read(dir, &rf, err))) return rc;
    memcpy(v.hash, rf.hash, sizeof v.hash);
    v.enacted_on = enacted;
    v.applies_from = applies_from;
    snprintf(v.note, sizeof v.note, "%s", note ? note : "");
    int created = 0;
    rc = jy_store_policy_version_add(st, &v, rf.f, rf.n, actor, &created, err);
    jy_rules_files_free(&rf);
    if (rc) return rc;
    jy_sb_append(out, "{\"created\":");
    jy_sb_append(out, created ? "true" : "false");
    jy_sb_append(out, ",\"version\":");
    version_json(out, &v);
    jy_sb_appendc(out, '}');
    return 0;
}

typedef struct list_ctx {
    jy_sb *out;
    int n;
} list_ctx;

static int on_version(void *ctx, const jy_policy_version *v)
{
    list_ctx *L = ctx;
    if (L->n++) jy_sb_appendc(L->out, ',');
    version_json(L->out, v);
    return 0;
}

int jy_versions_list_json(jy_store *st, const char *dir, jy_sb *out, jy_err *err)
{
    jy_sb_append(out, "{\"versions\":[");
    list_ctx L = {out, 0};
    int rc = jy_store_policy_version_list(st, on_version, &L, err);
    if (rc) return rc;
    jy_sb_appendc(out, ']');
    if (dir) {
        jy_rules_files rf;
        jy_err e;
        jy_sb_append(out, ",\"directory\":{");
        if (jy_rules_files_read(dir, &rf, &e) == 0) {
            jy_sb_json_kv_str(out, "hash", rf.hash);
            jy_policy_version v;
            int r2 = jy_store_policy_version_by_hash(st, rf.hash, &v, &e);
            jy_rules_files_free(&rf);
            if (r2 && r2 != JY_ENOTFOUND) return jy_err_copy(err, r2, &e);
            jy_sb_json_key(out, "version");
            if (r2 == 0) jy_sb_appendf(out, "%lld", (long long)v.id);
            else jy_sb_append(out, "null");
        } else {
            jy_sb_json_kv_str(out, "error", jy_err_text(&e));
        }
        jy_sb_appendc(out, '}');
    }
    jy_sb_appendc(out, '}');
    return 0;
}

/* The stored version id; one that does not exist is named in both languages (the store's own
 * message, which says the same in English only, is replaced). */
static int version_get(jy_store *st, int64_t id, jy_policy_version *v, jy_err *err)
{
    int rc = jy_store_policy_version_get(st, id, v, err);
    if (rc == JY_ENOTFOUND)
        return jy_err_set2(err, JY_ENOTFOUND, "versions.not_found", "no rule version %lld (jiuye policy versions lists them)",
                           "没有政策版本 %lld（现有版本可用 jiuye policy versions 查看）", (long long)id);
    return rc;
}

int jy_versions_brief_json(jy_store *st, int64_t id, jy_sb *out, jy_err *err)
{
    if (!id) {
        jy_sb_append(out, "null");
        return 0;
    }
    jy_policy_version v;
    int rc = version_get(st, id, &v, err);
    if (rc) return rc;
    char d1[JY_DATE_BUFSZ], d2[JY_DATE_BUFSZ];
    jy_sb_appendc(out, '{');
    jy_sb_json_kv_i64(out, "id", v.id);
    jy_sb_json_kv_str(out, "hash", v.hash);
    jy_sb_json_kv_str(out, "enacted_on", jy_date_format(v.enacted_on, d1));
    jy_sb_json_kv_str(out, "applies_from", jy_date_format(v.applies_from, d2));
    jy_sb_json_kv_str(out, "note", v.note);
    jy_sb_appendc(out, '}');
    return 0;
}

/* ---------------------------------------------------------------- a version's rules */

typedef struct stored_files {
    jy_rules_files rf;
    size_t cap;
    int oom;
} stored_files;

static int on_file(void *ctx, const char *name, const char *content)
{
    stored_files *S = ctx;
    if (S->rf.n == S->cap) {
        size_t nc = S->cap ? S->cap * 2 : 64;
        jy_policy_file *nf = realloc(S->rf.f, sizeof *nf * nc);
        if (!nf) return S->oom = 1;
        S->rf.f = nf;
        S->cap = nc;
    }
    jy_policy_file *f = &S->rf.f[S->rf.n];
    f->name = strdup(name);
    f->content = strdup(content);
    f->len = strlen(content);
    if (!f->name || !f->content) {
        free((char *)f->name);
        free((char *)f->content);
        return S->oom = 1;
    }
    S->rf.n++;
    return 0;
}

static int version_files(jy_store *st, int64_t id, jy_rules_files *out, jy_err *err)
{
    stored_files S;
    memset(&S, 0, sizeof S);
    int rc = jy_store_policy_version_files(st, id, on_file, &S, err);
    if (rc == 0 && S.oom) rc = jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    if (rc == 0 && S.rf.n == 0) rc = jy_err_set2(err, JY_ENOTFOUND, "versions.no_files", "rule version %lld has no files", "政策版本 %lld 没有任何文件", (long long)id);
    if (rc) {
        jy_rules_files_free(&S.rf);
        return rc;
    }
    *out = S.rf;
    return 0;
}

int jy_versions_policy(jy_store *st, int64_t id, jy_policy **out, jy_err *err)
{
    *out = NULL;
    jy_rules_files rf;
    int rc = version_files(st, id, &rf, err);
    if (rc) return rc;
    const char *tmp = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/jiuye-ver.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        jy_rules_files_free(&rf);
        return jy_err_set2(err, JY_EIO, "versions.tmpdir", "%s: cannot make a temporary directory: %s", "%s：无法创建临时目录（%s）", dir, strerror(errno));
    }
    for (size_t i = 0; rc == 0 && i < rf.n; i++) {
        if (strchr(rf.f[i].name, '/') || rf.f[i].name[0] == '.') {
            rc = jy_err_set2(err, JY_EINVAL, "versions.bad_file_name", "rule version %lld: bad file name \"%s\"", "政策版本 %lld：文件名“%s”有误", (long long)id, rf.f[i].name);
            break;
        }
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, rf.f[i].name);
        FILE *f = fopen(path, "wb");
        if (!f) {
            rc = jy_err_set2(err, JY_EIO, "versions.file_open", "%s: %s", "%s：无法打开（%s）", path, strerror(errno));
            break;
        }
        size_t w = fwrite(rf.f[i].content, 1, rf.f[i].len, f);
        if (fclose(f) != 0 || w != rf.f[i].len) rc = jy_err_set2(err, JY_EIO, "versions.file_write", "%s: write error", "%s：写入出错", path);
    }
    if (rc == 0 && (rc = jy_policy_load(dir, out, err))) jy_err_prefix2(err, "rule version %lld: ", "政策版本 %lld：", (long long)id);
    jy_sim_rules_remove(dir);
    jy_rules_files_free(&rf);
    return rc;
}

/* ---------------------------------------------------------------- the diff */

typedef struct decl {
    char *key;   /* param name, program id, clause id */
    char *text;  /* param: its value(s); program: title; clause: text */
    char *clause; /* param: its clause */
    const char *file;
} decl;

typedef struct decls {
    decl *v;
    size_t n, cap;
} decls;

typedef struct lines {
    char **v;
    size_t n, cap;
} lines;

typedef struct parsed {
    decls params, programs, clauses;
    /* per file: the other statements, as lines */
    struct pfile {
        const char *name;
        int is_rules;
        lines l;
    } *files;
    size_t nfiles;
} parsed;

static void decls_add(decls *d, const char *key, size_t kl, const char *text, size_t tl, const char *clause, size_t cl,
                      const char *file)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->v = realloc(d->v, sizeof *d->v * d->cap);
        if (!d->v) abort();
    }
    decl *x = &d->v[d->n++];
    x->key = strndup(key, kl);
    x->text = strndup(text, tl);
    x->clause = clause ? strndup(clause, cl) : NULL;
    x->file = file;
    if (!x->key || !x->text || (clause && !x->clause)) abort();
}

static void lines_add(lines *l, const char *s, size_t n)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = realloc(l->v, sizeof *l->v * l->cap);
        if (!l->v) abort();
    }
    l->v[l->n] = strndup(s, n);
    if (!l->v[l->n]) abort();
    l->n++;
}

static void parsed_free(parsed *p)
{
    decls *all[3] = {&p->params, &p->programs, &p->clauses};
    for (int k = 0; k < 3; k++) {
        for (size_t i = 0; i < all[k]->n; i++) {
            free(all[k]->v[i].key);
            free(all[k]->v[i].text);
            free(all[k]->v[i].clause);
        }
        free(all[k]->v);
    }
    for (size_t i = 0; i < p->nfiles; i++) {
        for (size_t j = 0; j < p->files[i].l.n; j++) free(p->files[i].l.v[j]);
        free(p->files[i].l.v);
    }
    free(p->files);
    memset(p, 0, sizeof *p);
}

/* [a, b) trimmed of blanks, a comment (# outside quotes) cut off. */
static void clean(const char **a, const char **b)
{
    int inq = 0;
    for (const char *p = *a; p < *b; p++) {
        if (*p == '"') inq = !inq;
        else if (*p == '#' && !inq) {
            *b = p;
            break;
        }
    }
    while (*a < *b && (**a == ' ' || **a == '\t')) (*a)++;
    while (*b > *a && ((*b)[-1] == ' ' || (*b)[-1] == '\t' || (*b)[-1] == '\r')) (*b)--;
}

/* The next word of [*p, e): its start and length; *p moves past it. */
static size_t word(const char **p, const char *e, const char **w)
{
    while (*p < e && (**p == ' ' || **p == '\t')) (*p)++;
    *w = *p;
    if (*p < e && **p == '"') {
        const char *q = memchr(*p + 1, '"', (size_t)(e - *p - 1));
        *p = q ? q + 1 : e;
        return (size_t)(*p - *w);
    }
    while (*p < e && **p != ' ' && **p != '\t') (*p)++;
    return (size_t)(*p - *w);
}

/* A quoted word without its quotes. */
static void unquote(const char **w, size_t *n)
{
    if (*n >= 2 && (*w)[0] == '"' && (*w)[*n - 1] == '"') {
        (*w)++;
        *n -= 2;
    }
}

static void parse_rules(parsed *P, const char *file, const char *src, lines *rest)
{
    const char *s = src;
    jy_sb val = JY_SB_INIT;
    while (*s) {
        const char *e = strchr(s, '\n');
        if (!e) e = s + strlen(s);
        const char *a = s, *b = e;
        s = *e ? e + 1 : e;
        clean(&a, &b);
        if (a == b) continue;
        /* a line continued with a backslash is joined with the next */
        jy_sb line = JY_SB_INIT;
        jy_sb_appendn(&line, a, (size_t)(b - a));
        while (line.len && line.buf[line.len - 1] == '\\' && *s) {
            line.len--;
            const char *e2 = strchr(s, '\n');
            if (!e2) e2 = s + strlen(s);
            const char *a2 = s, *b2 = e2;
            s = *e2 ? e2 + 1 : e2;
            clean(&a2, &b2);
            jy_sb_appendc(&line, ' ');
            jy_sb_appendn(&line, a2, (size_t)(b2 - a2));
        }
        const char *p = jy_sb_cstr(&line), *le = p + line.len, *w;
        const char *start = p;
        size_t wl = word(&p, le, &w);
        if (wl == 5 && strncmp(w, "param", 5) == 0) {
            const char *name, *type, *clause;
            size_t nl = word(&p, le, &name);
            word(&p, le, &type);
            size_t cl = word(&p, le, &clause);
            unquote(&clause, &cl);
            while (p < le && (*p == ' ' || *p == '\t')) p++;
            jy_sb_reset(&val);
            if (p < le) {
                jy_sb_appendn(&val, p, (size_t)(le - p));
            } else { /* periods until end */
                while (*s) {
                    const char *e3 = strchr(s, '\n');
                    if (!e3) e3 = s + strlen(s);
                    const char *a3 = s, *b3 = e3;
                    s = *e3 ? e3 + 1 : e3;
                    clean(&a3, &b3);
                    if (a3 == b3) continue;
                    if (b3 - a3 == 3 && strncmp(a3, "end", 3) == 0) break;
                    if (val.len) jy_sb_append(&val, "；");
                    jy_sb_appendn(&val, a3, (size_t)(b3 - a3));
                }
            }
            decls_add(&P->params, name, nl, jy_sb_cstr(&val), val.len, clause, cl, file);
        } else if (wl == 7 && strncmp(w, "program", 7) == 0) {
            const char *id, *title;
            size_t il = word(&p, le, &id);
            size_t tl = word(&p, le, &title);
            unquote(&title, &tl);
            decls_add(&P->programs, id, il, title, tl, NULL, 0, file);
        } else if (wl == 6 && strncmp(w, "clause", 6) == 0) {
            const char *id, *text;
            size_t il = word(&p, le, &id);
            unquote(&id, &il);
            while (p < le && (*p == ' ' || *p == '\t')) p++;
            text = p;
            size_t tl = (size_t)(le - p);
            unquote(&text, &tl);
            decls_add(&P->clauses, id, il, text, tl, NULL, 0, file);
        } else {
            lines_add(rest, start, line.len);
        }
        jy_sb_free(&line);
    }
    jy_sb_free(&val);
}

static void parse_other(const char *src, lines *out)
{
    const char *s = src;
    while (*s) {
        const char *e = strchr(s, '\n');
        if (!e) e = s + strlen(s);
        const char *a = s, *b = e;
        s = *e ? e + 1 : e;
        while (b > a && (b[-1] == '\r' || b[-1] == ' ' || b[-1] == '\t')) b--;
        if (a == b || *a == '#') continue;
        lines_add(out, a, (size_t)(b - a));
    }
}

static void parse_version(const jy_rules_files *rf, parsed *P)
{
    memset(P, 0, sizeof *P);
    P->files = calloc(rf->n ? rf->n : 1, sizeof *P->files);
    if (!P->files) abort();
    P->nfiles = rf->n;
    for (size_t i = 0; i < rf->n; i++) {
        struct pfile *f = &P->files[i];
        f->name = rf->f[i].name;
        size_t n = strlen(f->name);
        f->is_rules = n > 6 && strcmp(f->name + n - 6, ".rules") == 0;
        if (f->is_rules) parse_rules(P, f->name, rf->f[i].content, &f->l);
        else parse_other(rf->f[i].content, &f->l);
    }
}

static const decl *find_decl(const decls *d, const char *key)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->v[i].key, key) == 0) return &d->v[i];
    return NULL;
}

static const struct pfile *find_file(const parsed *P, const char *name)
{
    for (size_t i = 0; i < P->nfiles; i++)
        if (strcmp(P->files[i].name, name) == 0) return &P->files[i];
    return NULL;
}

/* The first quoted word of a rule line that is a declared clause of either version. */
static void line_clause(const char *line, const parsed *A, const parsed *B, char *out, size_t cap)
{
    out[0] = 0;
    const char *p = line;
    while ((p = strchr(p, '"'))) {
        const char *q = strchr(p + 1, '"');
        if (!q) break;
        char id[128];
        size_t n = (size_t)(q - p - 1);
        if (n < sizeof id) {
            memcpy(id, p + 1, n);
            id[n] = 0;
            if (find_decl(&A->clauses, id) || find_decl(&B->clauses, id)) {
                snprintf(out, cap, "%s", id);
                return;
            }
        }
        p = q + 1;
    }
}

/* Line changes between a and b (longest common subsequence): fn(op '-' or '+', line). Beyond
 * 4M cells the lines are compared as sets. */
static void diff_lines(const lines *a, const lines *b, void (*fn)(void *ctx, char op, const char *line), void *ctx)
{
    size_t n = a->n, m = b->n;
    if ((n + 1) * (m + 1) > 4u * 1024 * 1024) {
        for (size_t i = 0; i < n; i++) {
            int found = 0;
            for (size_t j = 0; j < m && !found; j++) found = strcmp(a->v[i], b->v[j]) == 0;
            if (!found) fn(ctx, '-', a->v[i]);
        }
        for (size_t j = 0; j < m; j++) {
            int found = 0;
            for (size_t i = 0; i < n && !found; i++) found = strcmp(a->v[i], b->v[j]) == 0;
            if (!found) fn(ctx, '+', b->v[j]);
        }
        return;
    }
    uint32_t *L = calloc((n + 1) * (m + 1), sizeof *L);
    if (!L) abort();
#define AT(i, j) L[(i) * (m + 1) + (j)]
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;)
            AT(i, j) = strcmp(a->v[i], b->v[j]) == 0 ? AT(i + 1, j + 1) + 1
                       : AT(i + 1, j) >= AT(i, j + 1) ? AT(i + 1, j) : AT(i, j + 1);
    size_t i = 0, j = 0;
    while (i < n && j < m) {
        if (strcmp(a->v[i], b->v[j]) == 0) {
            i++;
            j++;
        } else if (AT(i + 1, j) >= AT(i, j + 1)) {
            fn(ctx, '-', a->v[i++]);
        } else {
            fn(ctx, '+', b->v[j++]);
        }
    }
    while (i < n) fn(ctx, '-', a->v[i++]);
    while (j < m) fn(ctx, '+', b->v[j++]);
#undef AT
    free(L);
}

/* What the diff collects: JSON, text, and the clauses it touches. */
typedef struct diff_out {
    jy_sb *json, *text;
    const parsed *A, *B;
    const char *file;
    int nfile; /* entries of the current file */
    int nsec;  /* entries in the current section */
    lines clauses;
} diff_out;

static void add_clause(diff_out *D, const char *c)
{
    if (!c || !*c) return;
    for (size_t i = 0; i < D->clauses.n; i++)
        if (strcmp(D->clauses.v[i], c) == 0) return;
    lines_add(&D->clauses, c, strlen(c));
}

/* The words of one list of named texts in a diff: programmes (their titles) or clauses (their
 * texts). */
typedef struct title_words {
    const char *array, *key, *change; /* JSON: the array's name, the name's key, a changed text */
    const char *heading;               /* the text form's section heading */
    const char *added, *removed;       /* the text form's words for a name added or removed */
    const char *text_open, *text_close; /* around the text of a name added or removed */
    const char *changed, *was, *now;   /* a changed text's line: "  " changed KEY was OLD now NEW "”" */
} title_words;

static const title_words PROGRAM_WORDS = {"programs", "program", "retitled", "二、项目增减\n", "新增", "删除",
                                          " “", "”", "名称变化 ", "：“", "” → “"};
static const title_words CLAUSE_WORDS = {"clauses", "clause", "changed", "三、条款文字变化\n", "新增条款", "删除条款",
                                         "：", "", "", "：原文“", "” → 新文“"};

/* Appends to J (JSON, may be NULL) and T (text, may be NULL) the names of A and B whose texts
 * differ, are removed (in A only) or added (in B only); each one's clause counts in D. Returns
 * how many. */
static int diff_titles(diff_out *D, jy_sb *J, jy_sb *T, const decls *A, const decls *B, const title_words *w)
{
    if (J) jy_sb_appendf(J, ",\"%s\":[", w->array);
    D->nsec = 0;
    int n = 0;
    for (int pass = 0; pass < 2; pass++) {
        const decls *X = pass ? B : A, *Y = pass ? A : B;
        for (size_t i = 0; i < X->n; i++) {
            const decl *x = &X->v[i], *y = find_decl(Y, x->key);
            if (pass == 1 && y) continue;
            if (y && strcmp(x->text, y->text) == 0) continue;
            const char *change = !y ? (pass ? "added" : "removed") : w->change;
            add_clause(D, x->key);
            if (J) {
                if (D->nsec++) jy_sb_appendc(J, ',');
                jy_sb_appendc(J, '{');
                jy_sb_json_kv_str(J, w->key, x->key);
                jy_sb_json_kv_str(J, "change", change);
                jy_sb_json_key(J, "old");
                if (pass == 0) jy_sb_json_str(J, x->text);
                else jy_sb_append(J, "null");
                jy_sb_json_key(J, "new");
                if (pass == 1) jy_sb_json_str(J, x->text);
                else if (y) jy_sb_json_str(J, y->text);
                else jy_sb_append(J, "null");
                jy_sb_appendc(J, '}');
            }
            if (T) {
                if (n == 0) jy_sb_append(T, w->heading);
                if (!y) jy_sb_appendf(T, "  %s %s%s%s%s\n", pass ? w->added : w->removed, x->key, w->text_open, x->text, w->text_close);
                else jy_sb_appendf(T, "  %s%s%s%s%s%s”\n", w->changed, x->key, w->was, x->text, w->now, y->text);
            }
            n++;
        }
    }
    if (J) jy_sb_appendc(J, ']');
    return n;
}

static void on_rule_line(void *ctx, char op, const char *line)
{
    diff_out *D = ctx;
    char clause[128];
    line_clause(line, D->A, D->B, clause, sizeof clause);
    add_clause(D, clause);
    if (D->json) {
        if (D->nsec++) jy_sb_appendc(D->json, ',');
        jy_sb_appendc(D->json, '{');
        jy_sb_json_kv_str(D->json, "file", D->file);
        jy_sb_json_kv_str(D->json, "change", op == '-' ? "removed" : "added");
        jy_sb_json_kv_str(D->json, "clause", clause);
        jy_sb_json_kv_str(D->json, "line", line);
        jy_sb_appendc(D->json, '}');
    }
    if (D->text) {
        if (D->nfile++ == 0) jy_sb_appendf(D->text, "  %s\n", D->file);
        jy_sb_appendf(D->text, "    %s %s%s%s%s\n", op == '-' ? "删除" : "新增", line, clause[0] ? "（条款 " : "", clause,
                      clause[0] ? "）" : "");
    }
}

static void version_label(jy_sb *t, const jy_policy_version *v)
{
    char d1[JY_DATE_BUFSZ], d2[JY_DATE_BUFSZ];
    jy_sb_appendf(t, "版本 %lld（发文日期 %s，施行日期 %s%s%s）", (long long)v->id, jy_date_format(v->enacted_on, d1),
                  jy_date_format(v->applies_from, d2), v->note[0] ? "，" : "", v->note);
}

/* The diff of two parsed versions into D (json/text may be NULL). */
static void diff_parsed(const parsed *A, const parsed *B, diff_out *D)
{
    jy_sb *J = D->json, *T = D->text;
    int total = 0;
    /* 1. parameters */
    if (J) jy_sb_append(J, ",\"parameters\":[");
    D->nsec = 0;
    for (int pass = 0; pass < 2; pass++) {
        const parsed *X = pass ? B : A, *Y = pass ? A : B;
        for (size_t i = 0; i < X->params.n; i++) {
            const decl *x = &X->params.v[i], *y = find_decl(&Y->params, x->key);
            if (pass == 1 && y) continue; /* seen in the first pass */
            if (y && strcmp(x->text, y->text) == 0 && strcmp(x->clause ? x->clause : "", y->clause ? y->clause : "") == 0)
                continue;
            const decl *old = pass ? NULL : x, *nw = pass ? x : y;
            const char *clause = nw ? nw->clause : old->clause;
            add_clause(D, clause);
            if (old && nw && old->clause && nw->clause && strcmp(old->clause, nw->clause) != 0) add_clause(D, old->clause);
            if (J) {
                if (D->nsec++) jy_sb_appendc(J, ',');
                jy_sb_appendc(J, '{');
                jy_sb_json_kv_str(J, "name", x->key);
                jy_sb_json_kv_str(J, "clause", clause ? clause : "");
                jy_sb_json_kv_str(J, "file", (nw ? nw : old)->file);
                jy_sb_json_key(J, "old");
                if (old) jy_sb_json_str(J, old->text);
                else jy_sb_append(J, "null");
                jy_sb_json_key(J, "new");
                if (nw) jy_sb_json_str(J, nw->text);
                else jy_sb_append(J, "null");
                jy_sb_appendc(J, '}');
            }
            if (T) {
                if (D->nsec == 1 || (!J && total == 0)) jy_sb_append(T, "一、参数变化\n");
                jy_sb_appendf(T, "  %s（%s）：%s → %s\n", x->key, clause ? clause : "", old ? old->text : "（无）",
                              nw ? nw->text : "（删除）");
            }
            total++;
        }
    }
    if (J) jy_sb_appendc(J, ']');
    int npar = total;
    /* 2. programmes, 3. clause texts */
    int nprog = diff_titles(D, J, T, &A->programs, &B->programs, &PROGRAM_WORDS);
    int ncl = diff_titles(D, J, T, &A->clauses, &B->clauses, &CLAUSE_WORDS);
    /* 4. rule lines per .rules file, 5. other files' rows, 6. files added or removed */
    int nrule = 0, nother = 0;
    for (int kind = 0; kind < 2; kind++) {
        if (J) jy_sb_append(J, kind == 0 ? ",\"rules\":[" : ",\"other_files\":[");
        D->nsec = 0;
        int header = 0;
        for (int pass = 0; pass < 2; pass++) {
            const parsed *X = pass ? B : A, *Y = pass ? A : B;
            for (size_t i = 0; i < X->nfiles; i++) {
                const struct pfile *x = &X->files[i];
                if (x->is_rules != (kind == 0)) continue;
                const struct pfile *y = find_file(Y, x->name);
                if (pass == 1 && y) continue;
                lines empty = {0};
                const lines *la = pass ? &empty : &x->l, *lb = pass ? &x->l : (y ? &y->l : &empty);
                D->file = x->name;
                D->nfile = 0;
                int before = D->nsec;
                if (T && !header) {
                    /* the header goes first: written when the file turns out to differ */
                    jy_sb probe = JY_SB_INIT;
                    diff_out d2 = *D;
                    d2.json = NULL;
                    d2.text = &probe;
                    memset(&d2.clauses, 0, sizeof d2.clauses);
                    diff_lines(la, lb, on_rule_line, &d2);
                    for (size_t k = 0; k < d2.clauses.n; k++) free(d2.clauses.v[k]);
                    free(d2.clauses.v);
                    if (probe.len) {
                        jy_sb_append(T, kind == 0 ? "四、规则变化（按文件）\n" : "五、其他文件（按行）\n");
                        header = 1;
                    }
                    jy_sb_free(&probe);
                }
                diff_lines(la, lb, on_rule_line, D);
                if (T && !y) jy_sb_appendf(T, "    （整个文件%s）\n", pass ? "新增" : "删除");
                if (kind == 0) nrule += D->nsec - before;
                else nother += D->nsec - before;
                if (!J) {
                    if (kind == 0) nrule += D->nfile;
                    else nother += D->nfile;
                }
            }
        }
        if (J) jy_sb_appendc(J, ']');
    }
    if (J) jy_sb_appendf(J, ",\"changes\":%d", npar + nprog + ncl + nrule + nother);
    if (T && npar + nprog + ncl + nrule + nother == 0) jy_sb_append(T, "两个版本的规则相同，没有变化。\n");
}

static int load_parsed(jy_store *st, int64_t id, parsed *P, jy_rules_files *rf, jy_err *err)
{
    int rc = version_files(st, id, rf, err);
    if (rc) return rc;
    parse_version(rf, P);
    return 0;
}

int jy_versions_diff(jy_store *st, int64_t a, int64_t b, jy_sb *json, jy_sb *text, jy_err *err)
{
    jy_policy_version va, vb;
    int rc;
    if ((rc = version_get(st, a, &va, err)) || (rc = version_get(st, b, &vb, err)))
        return rc;
    jy_rules_files fa, fb;
    parsed A, B;
    if ((rc = load_parsed(st, a, &A, &fa, err))) return rc;
    if ((rc = load_parsed(st, b, &B, &fb, err))) {
        parsed_free(&A);
        jy_rules_files_free(&fa);
        return rc;
    }
    diff_out D;
    memset(&D, 0, sizeof D);
    D.json = json;
    D.text = text;
    D.A = &A;
    D.B = &B;
    if (json) {
        jy_sb_append(json, "{\"from\":");
        version_json(json, &va);
        jy_sb_append(json, ",\"to\":");
        version_json(json, &vb);
    }
    if (text) {
        jy_sb_append(text, "政策版本对比：");
        version_label(text, &va);
        jy_sb_append(text, " → ");
        version_label(text, &vb);
        jy_sb_appendc(text, '\n');
    }
    diff_parsed(&A, &B, &D);
    if (json) {
        jy_sb_append(json, ",\"clauses_touched\":[");
        for (size_t i = 0; i < D.clauses.n; i++) {
            if (i) jy_sb_appendc(json, ',');
            jy_sb_json_str(json, D.clauses.v[i]);
        }
        jy_sb_append(json, "]}");
    }
    for (size_t i = 0; i < D.clauses.n; i++) free(D.clauses.v[i]);
    free(D.clauses.v);
    parsed_free(&A);
    parsed_free(&B);
    jy_rules_files_free(&fa);
    jy_rules_files_free(&fb);
    return 0;
}

/* The clauses the diff from a to b touches (owned strings in out). */
static int touched_clauses(jy_store *st, int64_t a, int64_t b, lines *out, jy_err *err)
{
    memset(out, 0, sizeof *out);
    if (!a || a == b) return 0;
    jy_rules_files fa, fb;
    parsed A, B;
    int rc;
    if ((rc = load_parsed(st, a, &A, &fa, err))) return rc;
    if ((rc = load_parsed(st, b, &B, &fb, err))) {
        parsed_free(&A);
        jy_rules_files_free(&fa);
        return rc;
    }
    diff_out D;
    memset(&D, 0, sizeof D);
    D.A = &A;
    D.B = &B;
    diff_parsed(&A, &B, &D);
    *out = D.clauses;
    parsed_free(&A);
    parsed_free(&B);
    jy_rules_files_free(&fa);
    jy_rules_files_free(&fb);
    return 0;
}

/* ---------------------------------------------------------------- re-decision */

typedef struct cand {
    int64_t id;
    int committed;
} cand;

typedef struct cands {
    cand *v;
    size_t n, cap;
} cands;

static int on_cand(void *ctx, int64_t id, int committed)
{
    cands *C = ctx;
    if (C->n == C->cap) {
        size_t nc = C->cap ? C->cap * 2 : 256;
        cand *nv = realloc(C->v, sizeof *nv * nc);
        if (!nv) return 1;
        C->v = nv;
        C->cap = nc;
    }
    C->v[C->n].id = id;
    C->v[C->n].committed = committed;
    C->n++;
    return 0;
}

/* A reason's identity: clause, kind and text. */
static int reason_in(json_t *r, json_t *arr)
{
    size_t i;
    json_t *x;
    json_array_foreach(arr, i, x) if (json_equal(r, x)) return 1;
    return 0;
}

/* A reason that does not decide the outcome or the amount: a note, an "ok", a provisional date. */
static int is_prov_reason(json_t *r)
{
    const char *k = json_string_value(json_object_get(r, "kind"));
    return k && (strcmp(k, "provisional") == 0 || strcmp(k, "note") == 0 || strcmp(k, "ok") == 0);
}

/* The clauses that changed the decision: those of the deciding reasons (not notes) found on one
 * side only (before and not after, after and not before), and those the diff between the
 * versions touches that the new deciding reasons cite. */
static void take_clause(json_t *r, lines *seen, int *n, jy_sb *out)
{
    const char *c = json_string_value(json_object_get(r, "clause"));
    if (!c || !*c || is_prov_reason(r)) return;
    for (size_t k = 0; k < seen->n; k++)
        if (strcmp(seen->v[k], c) == 0) return;
    lines_add(seen, c, strlen(c));
    if ((*n)++) jy_sb_appendc(out, ',');
    jy_sb_json_str(out, c);
}

static int kind_is(json_t *r, const char *a, const char *b)
{
    const char *k = json_string_value(json_object_get(r, "kind"));
    return k && (strcmp(k, a) == 0 || (b && strcmp(k, b) == 0));
}

static void changed_clauses(const char *before, const char *after, const lines *touched, int amount_moved,
                            jy_sb *out)
{
    json_t *a = json_loads(before, 0, NULL), *b = json_loads(after, 0, NULL);
    if (!json_is_array(a)) {
        json_decref(a);
        a = json_array();
    }
    if (!json_is_array(b)) {
        json_decref(b);
        b = json_array();
    }
    lines seen = {0};
    int n = 0;
    size_t i;
    json_t *r;
    json_array_foreach(a, i, r) if (!reason_in(r, b)) take_clause(r, &seen, &n, out);
    json_array_foreach(b, i, r) if (!reason_in(r, a)) take_clause(r, &seen, &n, out);
    json_array_foreach(b, i, r) {
        const char *c = json_string_value(json_object_get(r, "clause"));
        for (size_t k = 0; c && k < touched->n; k++)
            if (strcmp(touched->v[k], c) == 0) {
                take_clause(r, &seen, &n, out);
                break;
            }
    }
    /* the amount moved with the same reasons (a parameter's value is not in its reason's text):
     * the clauses that set the amount */
    if (amount_moved) json_array_foreach(b, i, r) if (kind_is(r, "pay", "cap")) take_clause(r, &seen, &n, out);
    /* nothing found yet (no diff to read: the case's rules are not a stored version) */
    if (n == 0) json_array_foreach(b, i, r) take_clause(r, &seen, &n, out);
    for (size_t k = 0; k < seen.n; k++) free(seen.v[k]);
    free(seen.v);
    json_decref(a);
    json_decref(b);
}

static void amount_json(jy_sb *sb, int has, jy_fen v)
{
    char m[JY_MONEY_BUFSZ];
    if (has) jy_sb_json_str(sb, jy_money_format_plain(v, m));
    else jy_sb_append(sb, "null");
}

/* The subject as a reviewer may see it: the person's ID number and name masked, or the
 * organisation's name. */
static void subject_of(jy_store *st, const jy_case *c, char *buf, size_t cap)
{
    jy_person p;
    jy_org o;
    jy_err e;
    buf[0] = 0;
    if (c->person_id && jy_store_person_get(st, c->person_id, &p, &e) == 0) {
        char id[32], name[96];
        jy_mask_idcard(p.idcard, id, sizeof id);
        jy_mask_name(p.name, name, sizeof name);
        snprintf(buf, cap, "%s %s", id, name);
    } else if (c->org_id && jy_store_org_get(st, c->org_id, &o, &e) == 0) {
        snprintf(buf, cap, "%s", o.name);
    }
}

typedef struct vlist {
    struct vl_item {
        int64_t id;
        char ruleset[24];
    } *v;
    size_t n, cap;
} vlist;

static int on_vlist(void *ctx, const jy_policy_version *v)
{
    vlist *L = ctx;
    if (L->n == L->cap) {
        size_t nc = L->cap ? L->cap * 2 : 16;
        struct vl_item *nv = realloc(L->v, sizeof *nv * nc);
        if (!nv) return JY_ENOMEM;
        L->v = nv;
        L->cap = nc;
    }
    L->v[L->n].id = v->id;
    memcpy(L->v[L->n].ruleset, v->ruleset, sizeof L->v[L->n].ruleset);
    L->n++;
    return 0;
}

typedef struct touched_cache {
    int64_t from;
    lines l;
} touched_cache;

int jy_versions_redecide(jy_cases *cs, const jy_redecide_request *rq, const char *actor, jy_sb *out, jy_err *err)
{
    jy_store *st = cs->st;
    const char *county = rq->county;
    const char *program = rq->program && *rq->program ? rq->program : NULL;
    if (!county || strlen(county) != 6 || strspn(county, "0123456789") != 6)
        return jy_err_set2(err, JY_EINVAL, "versions.county_required", "county: a 6-digit county code is required", "county：必须给出6位县级区划代码");
    if (program && jy_policy_program_index(cs->pol, program) < 0)
        return jy_err_set2(err, JY_EINVAL, "versions.program_unknown", "program: unknown programme %s", "program：未知的项目 %s", program);
    jy_policy_version ver;
    int rc = version_get(st, rq->version, &ver, err);
    if (rc) return rc;
    jy_actor reviewer, who;
    if (rq->commit) {
        /* the one who commits, and the reviewer named: a county reviewer or an administrator */
        if ((rc = jy_actor_resolve(st, actor, &who, err)) ||
            (rc = jy_actor_may(&who, (1u << JY_ROLE_ADMIN) | (1u << JY_ROLE_COUNTY_REVIEWER), county,
                               "按调整后的政策重新审核", err)))
            return rc;
        if (!rq->plan || !*rq->plan)
            return jy_err_set2(err, JY_EINVAL, "versions.plan_required", "plan: committing needs the plan the dry run printed (--plan)", "plan：确认提交需要给出试运行打印的计划编号（--plan）");
        if (!rq->reviewer || !*rq->reviewer)
            return jy_err_set2(err, JY_EINVAL, "versions.reviewer_required", "reviewer: committing names the reviewer (--reviewer NAME)", "reviewer：确认提交需要写明审核人（--reviewer 姓名）");
        if ((rc = jy_actor_resolve(st, rq->reviewer, &reviewer, err))) return jy_err_prefix2(err, "reviewer: ", "审核人：");
        if ((rc = jy_actor_may(&reviewer, (1u << JY_ROLE_ADMIN) | (1u << JY_ROLE_COUNTY_REVIEWER), county,
                               "按调整后的政策重新审核", err)))
            return jy_err_prefix2(err, "reviewer: ", "审核人：");
        jy_redecision done;
        jy_err e;
        int r2 = jy_store_redecision_get(st, county, rq->version, rq->plan, &done, &e);
        if (r2 == 0) { /* committed already: nothing more to do */
            jy_sb_append(out, "{");
            jy_sb_json_kv_str(out, "county", county);
            jy_sb_json_kv_i64(out, "version", rq->version);
            jy_sb_json_kv_str(out, "plan", done.plan);
            jy_sb_json_kv_bool(out, "committed", 1);
            jy_sb_json_kv_bool(out, "already", 1);
            jy_sb_json_kv_str(out, "reviewer", done.reviewer);
            jy_sb_json_kv_str(out, "at", done.at);
            jy_sb_json_kv_i64(out, "changed_count", done.changed);
            jy_sb_json_kv_i64(out, "restamped", done.restamped);
            jy_sb_append(out, ",\"changed\":[],\"held\":[],\"unreadable\":[]}");
            return 0;
        }
        if (r2 != JY_ENOTFOUND) return jy_err_copy(err, r2, &e);
    }
    cands C = {0};
    vlist V = {0};
    if ((rc = jy_store_redecide_candidates(st, county, program, on_cand, &C, err)) ||
        (rc = jy_store_policy_version_list(st, on_vlist, &V, err))) {
        if (rc == JY_ENOMEM) jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
        goto out_free;
    }
    /* pass 1: decide each again without writing; list the changes, digest them */
    touched_cache tc[8];
    int ntc = 0;
    jy_sb list = JY_SB_INIT, held = JY_SB_INIT, bad = JY_SB_INIT, rb = JY_SB_INIT, ra = JY_SB_INIT;
    crypto_hash_sha256_state hs;
    crypto_hash_sha256_init(&hs);
    char head[64];
    int hl = snprintf(head, sizeof head, "%s|%s|%lld\n", county, program ? program : "", (long long)rq->version);
    crypto_hash_sha256_update(&hs, (const unsigned char *)head, (unsigned long long)hl);
    long nchanged = 0, nheld = 0, nunchanged = 0;
    for (size_t i = 0; i < C.n; i++) {
        jy_case before, after;
        int written = 0;
        jy_err e1;
        if ((rc = jy_case_redecide(cs, C.v[i].id, rq->version, NULL, 0, actor, &before, &after, &rb, &ra, &written, &e1))) {
            if (rc != JY_EINVAL) {
                jy_err_wrap2(err, rc, &e1, "case %lld: ", "案件 %lld：", (long long)C.v[i].id);
                break;
            }
            /* the version's rules cannot read the case's stored facts: listed, left as it is */
            rc = 0;
            C.v[i].committed = 2;
            if (bad.len) jy_sb_appendc(&bad, ',');
            jy_sb_appendc(&bad, '{');
            jy_sb_json_kv_i64(&bad, "case", C.v[i].id);
            jy_sb_json_kv_str(&bad, "error", jy_err_text(&e1));
            jy_sb_appendc(&bad, '}');
            char line[64];
            int ll = snprintf(line, sizeof line, "%lld|unreadable\n", (long long)C.v[i].id);
            crypto_hash_sha256_update(&hs, (const unsigned char *)line, (unsigned long long)ll);
            continue;
        }
        int differs = strcmp(before.decision, after.decision) != 0 || before.has_amount != after.has_amount ||
                      (before.has_amount && before.amount != after.amount);
        if (!differs) {
            nunchanged++;
            continue;
        }
        /* the clauses: what the diff from the case's version touches, cited by its reasons (a case
         * decided before versions were loaded: the stored version with its ruleset, if any) */
        int64_t from = before.policy_version;
        for (size_t k = 0; !from && k < V.n; k++)
            if (strcmp(V.v[k].ruleset, before.ruleset) == 0) from = V.v[k].id;
        const lines *touched = NULL;
        static const lines none = {0};
        for (int k = 0; k < ntc; k++)
            if (tc[k].from == from) touched = &tc[k].l;
        if (!touched && ntc < 8) {
            tc[ntc].from = from;
            if ((rc = touched_clauses(st, from, rq->version, &tc[ntc].l, err))) break;
            touched = &tc[ntc++].l;
        }
        if (!touched) touched = &none;
        jy_sb *dst = C.v[i].committed ? &held : &list;
        if (dst->len) jy_sb_appendc(dst, ',');
        char subj[256], a1[JY_MONEY_BUFSZ], a2[JY_MONEY_BUFSZ];
        subject_of(st, &before, subj, sizeof subj);
        jy_sb_appendc(dst, '{');
        jy_sb_json_kv_i64(dst, "case", before.id);
        jy_sb_json_kv_str(dst, "program", before.program);
        jy_sb_json_kv_str(dst, "kind", before.kind);
        jy_sb_json_kv_str(dst, "state", before.state);
        jy_sb_json_kv_str(dst, "subject", subj);
        jy_sb_json_key(dst, "version_before");
        if (before.policy_version) jy_sb_appendf(dst, "%lld", (long long)before.policy_version);
        else jy_sb_append(dst, "null");
        jy_sb_json_kv_str(dst, "decision_before", before.decision);
        jy_sb_json_key(dst, "amount_before");
        amount_json(dst, before.has_amount, before.amount);
        jy_sb_json_kv_str(dst, "decision_after", after.decision);
        jy_sb_json_key(dst, "amount_after");
        amount_json(dst, after.has_amount, after.amount);
        jy_sb_append(dst, ",\"clauses\":[");
        changed_clauses(jy_sb_cstr(&rb), jy_sb_cstr(&ra), touched,
                        before.has_amount != after.has_amount || before.amount != after.amount, dst);
        jy_sb_append(dst, "]}");
        char line[256];
        int ll = snprintf(line, sizeof line, "%lld|%s|%s|%s|%s|%d\n", (long long)before.id, before.decision,
                          before.has_amount ? jy_money_format_plain(before.amount, a1) : "-", after.decision,
                          after.has_amount ? jy_money_format_plain(after.amount, a2) : "-", C.v[i].committed);
        crypto_hash_sha256_update(&hs, (const unsigned char *)line, (unsigned long long)ll);
        if (C.v[i].committed) nheld++;
        else nchanged++;
    }
    unsigned char dig[32];
    char plan[65];
    crypto_hash_sha256_final(&hs, dig);
    sodium_bin2hex(plan, sizeof plan, dig, sizeof dig);
    long restamped = 0;
    if (rc == 0 && rq->commit) {
        if (strcmp(plan, rq->plan) != 0) {
            rc = jy_err_set2(err, JY_ECONFLICT,
                            "versions.plan_changed",
                            "plan: the open cases changed since the dry run (plan %.16s…, now %.16s…): run the dry run "
                            "again and review its list", "plan：试运行之后在办案件有变化（计划 %.16s…，现为 %.16s…）：请重新试运行并复核其清单",
                            rq->plan, plan);
        } else if ((rc = jy_store_begin(st, err)) == 0) {
            /* pass 2: write, in one transaction */
            char why[1024], d1[JY_DATE_BUFSZ];
            snprintf(why, sizeof why, "按调整后的政策执行：按政策版本 %lld（施行日期 %s%s%s）重新审核，复核人 %s",
                     (long long)rq->version, jy_date_format(ver.applies_from, d1), ver.note[0] ? "，" : "", ver.note,
                     rq->reviewer);
            for (size_t i = 0; rc == 0 && i < C.n; i++) {
                if (C.v[i].committed) continue; /* money committed, or unreadable: listed, not changed */
                jy_case before, after;
                int written = 0;
                rc = jy_case_redecide(cs, C.v[i].id, rq->version, why, jy_date_today(), actor, &before, &after, &rb, &ra,
                                      &written, err);
                if (rc == 0 && written) {
                    int differs = strcmp(before.decision, after.decision) != 0 || before.has_amount != after.has_amount ||
                                  (before.has_amount && before.amount != after.amount);
                    if (!differs) restamped++;
                }
            }
            if (rc == 0) {
                jy_redecision r;
                memset(&r, 0, sizeof r);
                snprintf(r.county, sizeof r.county, "%s", county);
                r.version_id = rq->version;
                snprintf(r.plan, sizeof r.plan, "%s", plan);
                snprintf(r.reviewer, sizeof r.reviewer, "%s", rq->reviewer);
                r.changed = nchanged;
                r.restamped = restamped;
                rc = jy_store_redecision_add(st, &r, actor, err);
            }
            if (rc == 0) rc = jy_store_commit(st, err);
            else jy_store_rollback(st, NULL);
        }
    }
    if (rc == 0) {
        jy_sb_appendc(out, '{');
        jy_sb_json_kv_str(out, "county", county);
        if (program) jy_sb_json_kv_str(out, "program", program);
        jy_sb_json_key(out, "version");
        version_json(out, &ver);
        jy_sb_json_kv_str(out, "plan", plan);
        jy_sb_json_kv_bool(out, "committed", rq->commit);
        if (rq->commit) {
            jy_sb_json_kv_bool(out, "already", 0);
            jy_sb_json_kv_str(out, "reviewer", rq->reviewer);
        }
        jy_sb_json_kv_i64(out, "cases", (int64_t)C.n);
        jy_sb_json_kv_i64(out, "unchanged", nunchanged);
        if (rq->commit) jy_sb_json_kv_i64(out, "restamped", restamped);
        jy_sb_json_kv_i64(out, "changed_count", nchanged);
        jy_sb_append(out, ",\"changed\":[");
        jy_sb_append(out, jy_sb_cstr(&list));
        jy_sb_append(out, "],\"held\":[");
        jy_sb_append(out, jy_sb_cstr(&held));
        jy_sb_append(out, "],\"unreadable\":[");
        jy_sb_append(out, jy_sb_cstr(&bad));
        jy_sb_append(out, "]}");
    }
    for (int k = 0; k < ntc; k++) {
        for (size_t j = 0; j < tc[k].l.n; j++) free(tc[k].l.v[j]);
        free(tc[k].l.v);
    }
    (void)nheld;
    jy_sb_free(&list);
    jy_sb_free(&held);
    jy_sb_free(&bad);
    jy_sb_free(&rb);
    jy_sb_free(&ra);
out_free:
    free(C.v);
    free(V.v);
    return rc;
}
