/* import_store.c — the API's roster import jobs (import_store.h), one SQL text for both backends
 * through the shared statement runners (ledger_db.h). */
#include "store/import_store.h"

#include <stdio.h>
#include <string.h>

#include "store/ledger_db.h"

#define JOB_COLS                                                                                 \
    "id, county, area, user_id, actor, kind, file_name, format, bytes, program, month, state, " \
    "rows_read, created, updated, unchanged, rejected, message, started_at, finished_at"

/* The handle's county scope as a filter on county ($1: the scope, "" none). */
#define IN_SCOPE "($1 = '' OR substr(county, 1, length($1)) = $1)"

static int id_fn(void *ctx, int ncol, const char *const *col)
{
    (void)ncol;
    *(int64_t *)ctx = jl_i64(col[0]);
    return 1;
}

int jy_store_import_job_start(jy_store *st, jy_import_job *j, jy_err *err)
{
    jl_val p[] = {JL_S(j->county), JL_S(j->area), JL_I(j->user_id), JL_S(j->actor), JL_S(j->kind),
                  JL_S(j->file_name), JL_S(j->format), JL_I(j->bytes), JL_S(j->program), JL_S(j->month),
                  JL_I(j->started_at)};
    j->id = 0;
    int rc = jl_run(st,
                    "INSERT INTO import_job(county, area, user_id, actor, kind, file_name, format, bytes, program, "
                    "month, state, started_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'running', $11) "
                    "RETURNING id",
                    p, 11, id_fn, &j->id, NULL, "starting an import job", err);
    if (rc == 0 && j->id <= 0)
        rc = jy_err_set2(err, JY_EDB, "store.import.no_id", "starting an import job: no id returned",
                         "开始导入任务：数据库未返回编号");
    if (rc == 0) snprintf(j->state, sizeof j->state, "running");
    return rc;
}

int jy_store_import_job_finish(jy_store *st, const jy_import_job *j, const char *summary, const char *errors,
                               jy_err *err)
{
    jl_val p[] = {JL_S(j->state), JL_S(j->format), JL_I(j->rows), JL_I(j->created), JL_I(j->updated),
                  JL_I(j->unchanged), JL_I(j->rejected), JL_S(j->message), JL_S(summary ? summary : "{}"),
                  JL_S(errors ? errors : ""), JL_I(j->finished_at), JL_I(j->id)};
    int64_t n = 0;
    int rc = jl_run(st,
                    "UPDATE import_job SET state = $1, format = $2, rows_read = $3, created = $4, updated = $5, "
                    "unchanged = $6, rejected = $7, message = $8, summary = $9, errors = $10, finished_at = $11 "
                    "WHERE id = $12 RETURNING id",
                    p, 12, NULL, NULL, &n, "finishing an import job", err);
    if (rc == 0 && n != 1)
        rc = jy_err_set2(err, JY_ENOTFOUND, "store.import.not_found", "import job %lld: no such job",
                         "导入任务 %lld：不存在", (long long)j->id);
    return rc;
}

static void job_from_row(jy_import_job *j, const char *const *col)
{
    memset(j, 0, sizeof *j);
    j->id = jl_i64(col[0]);
    jl_cp(j->county, sizeof j->county, col[1]);
    jl_cp(j->area, sizeof j->area, col[2]);
    j->user_id = jl_i64(col[3]);
    jl_cp(j->actor, sizeof j->actor, col[4]);
    jl_cp(j->kind, sizeof j->kind, col[5]);
    jl_cp(j->file_name, sizeof j->file_name, col[6]);
    jl_cp(j->format, sizeof j->format, col[7]);
    j->bytes = jl_i64(col[8]);
    jl_cp(j->program, sizeof j->program, col[9]);
    jl_cp(j->month, sizeof j->month, col[10]);
    jl_cp(j->state, sizeof j->state, col[11]);
    j->rows = jl_i64(col[12]);
    j->created = jl_i64(col[13]);
    j->updated = jl_i64(col[14]);
    j->unchanged = jl_i64(col[15]);
    j->rejected = jl_i64(col[16]);
    jl_cp(j->message, sizeof j->message, col[17]);
    j->started_at = jl_i64(col[18]);
    j->finished_at = jl_i64(col[19]);
}

typedef struct get_ctx {
    jy_import_job *out;
    jy_sb *summary, *errors;
    int found;
} get_ctx;

static int get_fn(void *ctx, int ncol, const char *const *col)
{
    get_ctx *g = ctx;
    (void)ncol;
    job_from_row(g->out, col);
    if (g->summary) {
        jy_sb_reset(g->summary);
        jy_sb_append(g->summary, col[20] ? col[20] : "{}");
    }
    if (g->errors) {
        jy_sb_reset(g->errors);
        jy_sb_append(g->errors, col[21] ? col[21] : "");
    }
    g->found = 1;
    return 1;
}

int jy_store_import_job_get(jy_store *st, int64_t id, jy_import_job *out, jy_sb *summary, jy_sb *errors,
                            jy_err *err)
{
    get_ctx g = {out, summary, errors, 0};
    jl_val p[] = {JL_S(st->scope), JL_I(id)};
    int rc = jl_run(st, "SELECT " JOB_COLS ", summary, errors FROM import_job WHERE id = $2 AND " IN_SCOPE, p, 2,
                    get_fn, &g, NULL, "reading an import job", err);
    if (rc) return rc;
    if (!g.found)
        return jy_err_set2(err, JY_ENOTFOUND, "store.import.not_found", "import job %lld: no such job",
                           "导入任务 %lld：不存在", (long long)id);
    return 0;
}

typedef struct list_ctx {
    int (*fn)(void *ctx, const jy_import_job *j);
    void *ctx;
} list_ctx;

static int list_fn(void *ctx, int ncol, const char *const *col)
{
    list_ctx *l = ctx;
    (void)ncol;
    jy_import_job j;
    job_from_row(&j, col);
    return l->fn(l->ctx, &j);
}

int jy_store_import_job_list(jy_store *st, const char *area_prefix, int64_t after_id, int limit,
                             int (*fn)(void *ctx, const jy_import_job *j), void *ctx, jy_err *err)
{
    list_ctx l = {fn, ctx};
    jl_val p[] = {JL_S(st->scope), JL_S(area_prefix ? area_prefix : ""), JL_I(after_id),
                  JL_I(limit > 0 ? limit : INT32_MAX)};
    return jl_run(st,
                  "SELECT " JOB_COLS " FROM import_job WHERE " IN_SCOPE " AND substr(area, 1, length($2)) = $2 "
                  "AND id > $3 ORDER BY id LIMIT $4",
                  p, 4, list_fn, &l, NULL, "listing import jobs", err);
}
