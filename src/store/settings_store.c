/* settings_store.c — the county's settings (settings_store.h). One SQL text per statement for
 * both backends (ledger_db.h). */
#include "store/settings_store.h"

#include <string.h>

#include "store/ledger_db.h"

static void read_setting(jy_setting *s, const char *const *col)
{
    memset(s, 0, sizeof *s);
    jl_cp(s->county, sizeof s->county, col[0]);
    jl_cp(s->key, sizeof s->key, col[1]);
    jl_cp(s->value, sizeof s->value, col[2]);
    jl_cp(s->updated_by, sizeof s->updated_by, col[3]);
    jl_cp(s->updated_at, sizeof s->updated_at, col[4]);
}

static int one_row(void *ctx, int ncol, const char *const *col)
{
    if (ncol >= 5) read_setting(ctx, col);
    return 1;
}

#define SETTING_COLS "county, key, value, updated_by, updated_at"

int jy_store_setting_get(jy_store *st, const char *county, const char *key, jy_setting *out, jy_err *err)
{
    int64_t n = 0;
    jl_val v[2] = {JL_S(county ? county : ""), JL_S(key ? key : "")};
    int rc = jl_run(st, "SELECT " SETTING_COLS " FROM settings WHERE county = $1 AND key = $2", v, 2, one_row, out, &n,
                    "reading a setting", err);
    if (rc) return rc;
    if (n == 0)
        return jy_err_set2(err, JY_ENOTFOUND, "store.setting.not_found", "county %s has no setting %s",
                           "县 %s 没有设置项 %s", county ? county : "", key ? key : "");
    return 0;
}

static void setting_json(jy_sb *sb, const char *key, const char *value)
{
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_str(sb, "key", key);
    jy_sb_json_kv_str(sb, "value", value);
    jy_sb_appendc(sb, '}');
}

int jy_store_setting_set(jy_store *st, const char *county, const char *key, const char *value, const char *actor,
                         int *changed, jy_err *err)
{
    if (changed) *changed = 0;
    if (!county || !*county || !key || !*key || !value)
        return jy_err_set2(err, JY_EINVAL, "store.setting.required", "a setting needs a county, a key and a value",
                           "设置项须有县、名称和值");
    if ((strlen(key) >= sizeof ((jy_setting *)0)->key) || strlen(value) >= sizeof ((jy_setting *)0)->value)
        return jy_err_set2(err, JY_EINVAL, "store.setting.too_long",
                           "setting %s: the key or value is too long (value at most %zu bytes)",
                           "设置项 %s：名称或值过长（值最多 %zu 字节）", key, sizeof((jy_setting *)0)->value - 1);
    int rc = jy_store_scope_refuse(st, "setting", key, county, err);
    if (rc) return rc;
    if ((rc = jy_store_begin(st, err))) return rc;
    jy_setting old;
    jy_err e2;
    int have = jy_store_setting_get(st, county, key, &old, &e2);
    jy_sb before = JY_SB_INIT, after = JY_SB_INIT;
    if (have && have != JY_ENOTFOUND) {
        if (err) *err = e2;
        rc = have;
        goto done;
    }
    if (have == 0 && strcmp(old.value, value) == 0) goto done;
    char now[32];
    jy_store_now(now, sizeof now);
    jl_val v[5] = {JL_S(county), JL_S(key), JL_S(value), JL_S(jl_actor(actor)), JL_S(now)};
    if ((rc = jl_run(st,
                     "INSERT INTO settings(county, key, value, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)"
                     " ON CONFLICT (county, key) DO UPDATE SET value = excluded.value,"
                     " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                     v, 5, NULL, NULL, NULL, "writing a setting", err)))
        goto done;
    if (have == 0) setting_json(&before, key, old.value);
    setting_json(&after, key, value);
    rc = jl_audit(st, actor, county, "setting", 0, "set", have == 0 ? jy_sb_cstr(&before) : NULL, jy_sb_cstr(&after),
                  err);
    if (rc == 0 && changed) *changed = 1;
done:
    jy_sb_free(&before);
    jy_sb_free(&after);
    return jl_leave(st, rc, err);
}

typedef struct list_ctx {
    int (*fn)(void *ctx, const jy_setting *s);
    void *ctx;
} list_ctx;

static int list_row(void *ctx, int ncol, const char *const *col)
{
    list_ctx *c = ctx;
    if (ncol < 5) return 1;
    jy_setting s;
    read_setting(&s, col);
    return c->fn(c->ctx, &s);
}

int jy_store_settings_list(jy_store *st, const char *county, int (*fn)(void *ctx, const jy_setting *s), void *ctx,
                           jy_err *err)
{
    list_ctx c = {fn, ctx};
    jl_val v[1] = {JL_S(county ? county : "")};
    return jl_run(st, "SELECT " SETTING_COLS " FROM settings WHERE county = $1 ORDER BY key", v, 1, list_row, &c, NULL,
                  "listing settings", err);
}
