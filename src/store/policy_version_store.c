/* policy_version_store.c — rule versions in the store (policy_version_store.h). One SQL text
 * per statement for both backends (ledger_db.h), every value bound. */
#include "store/policy_version_store.h"

#include <stdio.h>
#include <string.h>

#include "store/ledger_db.h"

#define VERSION_COLS                                                                                  \
    "id, hash, ruleset, CAST(enacted_on AS TEXT), CAST(applies_from AS TEXT), loaded_at, loaded_by, note, " \
    "files"

static jy_date day_of(const char *s)
{
    jy_date d = 0;
    if (!s || strlen(s) < 10 || jy_date_parse_n(s, 10, &d, NULL) != 0) d = 0;
    return d;
}

static void read_version(jy_policy_version *v, const char *const *col)
{
    memset(v, 0, sizeof *v);
    v->id = jl_i64(col[0]);
    jl_cp(v->hash, sizeof v->hash, col[1]);
    jl_cp(v->ruleset, sizeof v->ruleset, col[2]);
    v->enacted_on = day_of(col[3]);
    v->applies_from = day_of(col[4]);
    jl_cp(v->loaded_at, sizeof v->loaded_at, col[5]);
    jl_cp(v->loaded_by, sizeof v->loaded_by, col[6]);
    jl_cp(v->note, sizeof v->note, col[7]);
    v->files = (int)jl_i64(col[8]);
}

static int one_version(void *ctx, int ncol, const char *const *col)
{
    if (ncol >= 9) read_version(ctx, col);
    return 1;
}

int jy_store_policy_version_get(jy_store *st, int64_t id, jy_policy_version *out, jy_err *err)
{
    int64_t n = 0;
    jl_val v[1] = {JL_I(id)};
    int rc = jl_run(st, "SELECT " VERSION_COLS " FROM policy_versions WHERE id = $1", v, 1, one_version, out, &n,
                    "reading a rule version", err);
    if (rc) return rc;
    if (n == 0)
        return jy_err_set2(err, JY_ENOTFOUND, "store.rule_version.not_found",
                           "no rule version %lld (jiuye policy versions lists them)",
                           "没有编号为 %lld 的规则版本（jiuye policy versions 可列出全部版本）", (long long)id);
    return 0;
}

int jy_store_policy_version_by_hash(jy_store *st, const char *hash, jy_policy_version *out, jy_err *err)
{
    int64_t n = 0;
    jl_val v[1] = {JL_S(hash ? hash : "")};
    int rc = jl_run(st, "SELECT " VERSION_COLS " FROM policy_versions WHERE hash = $1", v, 1, one_version, out, &n,
                    "reading a rule version", err);
    if (rc) return rc;
    if (n == 0)
        return jy_err_set2(err, JY_ENOTFOUND, "store.rule_version.no_hash", "no rule version has the content %.12s…",
                           "没有内容哈希为 %.12s… 的规则版本", hash ? hash : "");
    return 0;
}

int jy_store_policy_version_on(jy_store *st, jy_date d, jy_policy_version *out, jy_err *err)
{
    char ds[JY_DATE_BUFSZ];
    int64_t n = 0;
    jl_val v[1] = {JL_S(jy_date_format(d, ds))};
    int rc = jl_run(st,
                    "SELECT " VERSION_COLS " FROM policy_versions WHERE CAST(applies_from AS TEXT) <= $1"
                    " ORDER BY CAST(applies_from AS TEXT) DESC, id DESC LIMIT 1",
                    v, 1, one_version, out, &n, "finding the rule version in force", err);
    if (rc) return rc;
    if (n == 0)
        return jy_err_set2(err, JY_ENOTFOUND, "store.rule_version.none_on", "no rule version applies on %s",
                           "%s 没有适用的规则版本", ds);
    return 0;
}

typedef struct list_ctx {
    int (*fn)(void *ctx, const jy_policy_version *v);
    void *ctx;
    int rc;
} list_ctx;

static int list_row(void *ctx, int ncol, const char *const *col)
{
    list_ctx *c = ctx;
    if (ncol < 9) return 1;
    jy_policy_version v;
    read_version(&v, col);
    return c->rc = c->fn(c->ctx, &v);
}

int jy_store_policy_version_list(jy_store *st, int (*fn)(void *ctx, const jy_policy_version *v), void *ctx,
                                 jy_err *err)
{
    list_ctx c = {fn, ctx, 0};
    int rc = jl_run(st, "SELECT " VERSION_COLS " FROM policy_versions ORDER BY id", NULL, 0, list_row, &c, NULL,
                    "listing rule versions", err);
    return rc ? rc : c.rc;
}

typedef struct files_ctx {
    int (*fn)(void *ctx, const char *name, const char *content);
    void *ctx;
    int rc;
} files_ctx;

static int file_row(void *ctx, int ncol, const char *const *col)
{
    files_ctx *c = ctx;
    if (ncol < 2) return 1;
    return c->rc = c->fn(c->ctx, col[0] ? col[0] : "", col[1] ? col[1] : "");
}

int jy_store_policy_version_files(jy_store *st, int64_t id,
                                  int (*fn)(void *ctx, const char *name, const char *content), void *ctx,
                                  jy_err *err)
{
    files_ctx c = {fn, ctx, 0};
    jl_val v[1] = {JL_I(id)};
    int rc = jl_run(st, "SELECT name, content FROM policy_version_files WHERE version_id = $1 ORDER BY name", v, 1,
                    file_row, &c, NULL, "reading the files of a rule version", err);
    return rc ? rc : c.rc;
}

static void version_json(jy_sb *sb, const jy_policy_version *v)
{
    char d1[JY_DATE_BUFSZ], d2[JY_DATE_BUFSZ];
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_i64(sb, "id", v->id);
    jy_sb_json_kv_str(sb, "hash", v->hash);
    jy_sb_json_kv_str(sb, "ruleset", v->ruleset);
    jy_sb_json_kv_str(sb, "enacted_on", jy_date_format(v->enacted_on, d1));
    jy_sb_json_kv_str(sb, "applies_from", jy_date_format(v->applies_from, d2));
    jy_sb_json_kv_str(sb, "note", v->note);
    jy_sb_json_kv_i64(sb, "files", v->files);
    jy_sb_appendc(sb, '}');
}

int jy_store_policy_version_add(jy_store *st, jy_policy_version *v, const jy_policy_file *files, size_t n,
                                const char *actor, int *created, jy_err *err)
{
    *created = 0;
    if (!v->enacted_on || !v->applies_from)
        return jy_err_set2(
            err, JY_EINVAL, "store.rule_version.dates",
            "a rule version needs the date it was enacted (发文日期) and the date it applies from (施行日期)",
            "规则版本须有发文日期和施行日期");
    /* applies_from may precede enacted_on: a plan issued in March often applies from 1 January */
    if (strlen(v->hash) != 64)
        return jy_err_set2(err, JY_EINVAL, "store.rule_version.hash", "a rule version's hash must be 64 hex digits",
                           "规则版本的哈希值须为 64 位十六进制数字");
    if (n == 0)
        return jy_err_set2(err, JY_EINVAL, "store.rule_version.files", "a rule version needs its rule files",
                           "规则版本须包含其规则文件");
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jy_policy_version old;
    jy_err e2;
    int have = jy_store_policy_version_by_hash(st, v->hash, &old, &e2);
    if (have == 0) {
        *v = old;
        return jl_leave(st, 0, err);
    }
    if (have != JY_ENOTFOUND) {
        if (err) *err = e2;
        return jl_leave(st, have, err);
    }
    char d1[JY_DATE_BUFSZ], d2[JY_DATE_BUFSZ];
    jy_store_now(v->loaded_at, sizeof v->loaded_at);
    jl_cp(v->loaded_by, sizeof v->loaded_by, jl_actor(actor));
    v->files = (int)n;
    jy_date_format(v->enacted_on, d1);
    jy_date_format(v->applies_from, d2);
    int64_t id = 0;
    jl_val p[8] = {JL_S(v->hash),      JL_S(v->ruleset),   JL_S(d1),     JL_S(d2),
                   JL_S(v->loaded_at), JL_S(v->loaded_by), JL_S(v->note), JL_I(v->files)};
    jy_policy_version got;
    int64_t nrows = 0;
    rc = jl_run(st,
                "INSERT INTO policy_versions(hash, ruleset, enacted_on, applies_from, loaded_at, loaded_by, note, files)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING " VERSION_COLS,
                p, 8, one_version, &got, &nrows, "storing a rule version", err);
    if (rc == 0 && nrows == 1) id = got.id;
    else if (rc == 0)
        rc = jy_err_set2(err, JY_EDB, "store.rule_version.no_id", "storing a rule version: no id returned",
                         "保存规则版本：数据库未返回编号");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        jl_val f[3] = {JL_I(id), JL_S(files[i].name), JL_S(files[i].content)};
        rc = jl_run(st, "INSERT INTO policy_version_files(version_id, name, content) VALUES ($1, $2, $3)", f, 3, NULL,
                    NULL, NULL, "storing a rule file", err);
    }
    if (rc == 0) {
        v->id = id;
        jy_sb after = JY_SB_INIT;
        version_json(&after, v);
        rc = jl_audit(st, actor, "", "policy_version", id, "load", NULL, jy_sb_cstr(&after), err);
        jy_sb_free(&after);
    }
    if (rc == 0) *created = 1;
    return jl_leave(st, rc, err);
}

typedef struct cand_ctx {
    int (*fn)(void *ctx, int64_t case_id, int committed);
    void *ctx;
    int rc;
} cand_ctx;

static int cand_row(void *ctx, int ncol, const char *const *col)
{
    cand_ctx *c = ctx;
    if (ncol < 2) return 1;
    return c->rc = c->fn(c->ctx, jl_i64(col[0]), jl_i64(col[1]) > 0);
}

int jy_store_redecide_candidates(jy_store *st, const char *county, const char *program,
                                 int (*fn)(void *ctx, int64_t case_id, int committed), void *ctx, jy_err *err)
{
    int rc = jy_store_scope_refuse(st, "county", county, county, err);
    if (rc) return rc;
    cand_ctx c = {fn, ctx, 0};
    jl_val v[2] = {JL_S(county ? county : ""), JL_S(program ? program : "")};
    rc = jl_run(st,
                "SELECT c.id, (SELECT count(*) FROM payables y WHERE y.case_id = c.id AND y.status <> 'cancelled')"
                " FROM cases c WHERE c.county = $1 AND (CAST($2 AS TEXT) = '' OR c.program = CAST($2 AS TEXT))"
                " AND c.kind <> 'training_class'"
                " AND c.state NOT IN ('paid', 'rejected', 'recovered', 'closed', 'cancelled', 'withdrawn')"
                " ORDER BY c.id",
                v, 2, cand_row, &c, NULL, "listing the open cases", err);
    return rc ? rc : c.rc;
}

#define REDECISION_COLS "id, county, version_id, plan, reviewer, at, changed, restamped"

static int one_redecision(void *ctx, int ncol, const char *const *col)
{
    jy_redecision *r = ctx;
    if (ncol < 8) return 1;
    memset(r, 0, sizeof *r);
    r->id = jl_i64(col[0]);
    jl_cp(r->county, sizeof r->county, col[1]);
    r->version_id = jl_i64(col[2]);
    jl_cp(r->plan, sizeof r->plan, col[3]);
    jl_cp(r->reviewer, sizeof r->reviewer, col[4]);
    jl_cp(r->at, sizeof r->at, col[5]);
    r->changed = jl_i64(col[6]);
    r->restamped = jl_i64(col[7]);
    return 1;
}

int jy_store_redecision_get(jy_store *st, const char *county, int64_t version_id, const char *plan, jy_redecision *out,
                            jy_err *err)
{
    int64_t n = 0;
    jl_val v[3] = {JL_S(county ? county : ""), JL_I(version_id), JL_S(plan ? plan : "")};
    int rc = jl_run(st,
                    "SELECT " REDECISION_COLS " FROM policy_redecisions WHERE county = $1 AND version_id = $2 AND plan = $3",
                    v, 3, one_redecision, out, &n, "reading a re-decision", err);
    if (rc) return rc;
    if (n == 0)
        return jy_err_set2(err, JY_ENOTFOUND, "store.redecision.not_found", "no such re-decision",
                           "没有这条重新认定记录");
    return 0;
}

int jy_store_redecision_add(jy_store *st, jy_redecision *r, const char *actor, jy_err *err)
{
    int rc = jy_store_scope_refuse(st, "county", r->county, r->county, err);
    if (rc) return rc;
    if ((rc = jy_store_begin(st, err))) return rc;
    jy_store_now(r->at, sizeof r->at);
    jl_val v[7] = {JL_S(r->county), JL_I(r->version_id), JL_S(r->plan), JL_S(r->reviewer),
                   JL_S(r->at),     JL_I(r->changed),    JL_I(r->restamped)};
    jy_redecision got;
    int64_t n = 0;
    rc = jl_run(st,
                "INSERT INTO policy_redecisions(county, version_id, plan, reviewer, at, changed, restamped)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " REDECISION_COLS,
                v, 7, one_redecision, &got, &n, "recording a re-decision", err);
    if (rc == 0 && n == 1) {
        r->id = got.id;
        jy_sb after = JY_SB_INIT;
        jy_sb_appendc(&after, '{');
        jy_sb_json_kv_i64(&after, "version", r->version_id);
        jy_sb_json_kv_str(&after, "plan", r->plan);
        jy_sb_json_kv_str(&after, "reviewer", r->reviewer);
        jy_sb_json_kv_i64(&after, "changed", r->changed);
        jy_sb_json_kv_i64(&after, "restamped", r->restamped);
        jy_sb_appendc(&after, '}');
        rc = jl_audit(st, actor, r->county, "policy_redecision", r->id, "commit", NULL, jy_sb_cstr(&after), err);
        jy_sb_free(&after);
    } else if (rc == 0) {
        rc = jy_err_set2(err, JY_EDB, "store.redecision.no_id", "recording a re-decision: no id returned",
                         "记录重新认定：数据库未返回编号");
    }
    return jl_leave(st, rc, err);
}
