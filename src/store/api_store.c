/* api_store.c — the HTTP API's idempotency keys (api_store.h), one SQL text for both backends
 * through the ledger's statement runners (ledger_db.h). */
#include "store/api_store.h"

#include <stdio.h>
#include <string.h>

#include "store/ledger_db.h"

typedef struct idem_row {
    jy_idem *out;
    jy_sb *response;
    int found;
} idem_row;

static int idem_row_fn(void *ctx, int ncol, const char *const *col)
{
    idem_row *r = ctx;
    (void)ncol;
    jl_cp(r->out->method, sizeof r->out->method, col[0]);
    jl_cp(r->out->path, sizeof r->out->path, col[1]);
    jl_cp(r->out->body_hash, sizeof r->out->body_hash, col[2]);
    r->out->status = (int)jl_i64(col[3]);
    r->out->created_at = jl_i64(col[5]);
    if (r->response) {
        jy_sb_reset(r->response);
        jy_sb_append(r->response, col[4] ? col[4] : "");
    }
    r->found = 1;
    return 1;
}

int jy_store_idem_claim(jy_store *st, int64_t user_id, const char *key, const jy_idem *req, int64_t expire_before,
                        jy_idem *out, jy_sb *response, jy_err *err)
{
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jl_val del[] = {JL_I(expire_before)};
    rc = jl_run(st, "DELETE FROM api_idempotency WHERE created_at < $1", del, 1, NULL, NULL, NULL,
                "expiring idempotency keys", err);
    int64_t n = 0;
    if (rc == 0) {
        jl_val ins[] = {JL_I(user_id), JL_S(key), JL_S(req->method), JL_S(req->path), JL_S(req->body_hash),
                        JL_I(req->created_at)};
        rc = jl_run(st,
                    "INSERT INTO api_idempotency(user_id, idem_key, method, path, body_hash, created_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (user_id, idem_key) DO NOTHING RETURNING user_id",
                    ins, 6, NULL, NULL, &n, "claiming an idempotency key", err);
    }
    if (rc == 0 && n == 0) {
        idem_row r = {out, response, 0};
        jl_val sel[] = {JL_I(user_id), JL_S(key)};
        rc = jl_run(st,
                    "SELECT method, path, body_hash, status, response, created_at FROM api_idempotency "
                    "WHERE user_id = $1 AND idem_key = $2",
                    sel, 2, idem_row_fn, &r, NULL, "reading an idempotency key", err);
        if (rc == 0 && !r.found)
            rc = jy_err_set2(err, JY_ECONFLICT, "store.api.idem_vanished", "idempotency key \"%s\" vanished",
                             "幂等键“%s”已不存在", key);
    }
    rc = jl_leave(st, rc, err);
    if (rc) return rc;
    return n == 1;
}

int jy_store_idem_finish(jy_store *st, int64_t user_id, const char *key, int status, const char *response,
                         jy_err *err)
{
    jl_val p[] = {JL_I(status), JL_S(response), JL_I(user_id), JL_S(key)};
    return jl_run(st, "UPDATE api_idempotency SET status = $1, response = $2 WHERE user_id = $3 AND idem_key = $4",
                  p, 4, NULL, NULL, NULL, "storing an idempotent answer", err);
}

int jy_store_idem_drop(jy_store *st, int64_t user_id, const char *key, jy_err *err)
{
    jl_val p[] = {JL_I(user_id), JL_S(key)};
    return jl_run(st, "DELETE FROM api_idempotency WHERE user_id = $1 AND idem_key = $2 AND status = 0", p, 2,
                  NULL, NULL, NULL, "dropping an idempotency key", err);
}
