/* idempotency.c — jy_idem_run (idempotency.h): look the key up, repeat or refuse, or do the work
 * and record the key with its answer, all in one store transaction. */
#include "service/idempotency.h"

#include <string.h>

#include "store/ledger_guard.h"

int jy_idem_key_check(const char *key, jy_err *err)
{
    size_t n = key ? strlen(key) : 0;
    if (n == 0 || n > JY_IDEM_KEY_MAX)
        return jy_err_set2(err, JY_EINVAL, "idempotency.key_form", "idempotency key: 1 to %d visible ASCII characters", "幂等键：应为 1 到 %d 个可见 ASCII 字符", JY_IDEM_KEY_MAX);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)key[i] < 0x21 || (unsigned char)key[i] > 0x7e)
            return jy_err_set2(err, JY_EINVAL, "idempotency.key_char", "idempotency key: character %zu is not visible ASCII (0x21–0x7e)", "幂等键：第 %zu 个字符不是可见 ASCII 字符（0x21–0x7e）", i + 1);
    return 0;
}

int jy_idem_run(jy_store *st, const char *key, const char *operation, const char *county, const char *request,
                const char *actor, jy_idem_body body, void *ctx, jy_sb *response, int *replayed, jy_err *err)
{
    if (replayed) *replayed = 0;
    if (!key || !*key) return body(ctx, response, err);
    int rc = jy_idem_key_check(key, err);
    if (rc) return rc;
    const char *who = actor && *actor ? actor : "system";
    jy_idem_rec rec;
    jy_sb req = JY_SB_INIT, ans = JY_SB_INIT;
    if ((rc = jy_store_begin(st, err))) return rc;
    rc = jy_store_idem_get(st, key, &rec, &req, &ans, err);
    if (rc == 0) {
        if (strcmp(rec.operation, operation) != 0 || strcmp(rec.actor, who) != 0 ||
            strcmp(jy_sb_cstr(&req), request) != 0) {
            rc = jy_err_set2(err, JY_ECONFLICT,
                            "idempotency.key_reused",
                            "idempotency key %s was used on %s by %s for %s %s; this request (%s by %s: %s) differs: "
                            "a new request needs a new key", "幂等键 %s 已于 %s 由 %s 用于 %s %s；本次请求（%s，操作人 %s：%s）与之不同：新的请求需要新的幂等键",
                            key, rec.created_at, rec.actor, rec.operation, jy_sb_cstr(&req), operation, who, request);
        } else {
            jy_sb_append(response, jy_sb_cstr(&ans));
            if (replayed) *replayed = 1;
        }
    } else if (rc == JY_ENOTFOUND) {
        size_t at = response->len;
        if ((rc = body(ctx, response, err)) == 0)
            rc = jy_store_idem_put(st, key, county, operation, request, who, jy_sb_cstr(response) + at, err);
    }
    jy_sb_free(&req);
    jy_sb_free(&ans);
    if (rc == 0) return jy_store_commit(st, err);
    jy_store_rollback(st, NULL);
    return rc;
}
