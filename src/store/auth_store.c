/* auth_store.c — accounts, sessions and the second factor (auth_store.h), one SQL text for both
 * backends run through the ledger's statement runners (ledger_db.h), so every function joins
 * the handle's transaction and appends to the audit chain in it. */
#include "store/auth_store.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/ledger_db.h"

/* ---------------------------------------------------------------- audit images */

static void iso_time(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (t <= 0 || !gmtime_r(&tt, &tm) || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) out[0] = '\0';
}

/* {"user":…,"address":…,"outcome":…,"at":…[,"os_user":…][,"detail":…] — left open for more keys. */
static void event_open(jy_sb *sb, const jy_auth_event *ev)
{
    char at[32];
    iso_time(ev->at, at);
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_str(sb, "user", ev->user ? ev->user : "");
    jy_sb_json_kv_str(sb, "address", ev->address ? ev->address : "");
    jy_sb_json_kv_str(sb, "outcome", ev->outcome ? ev->outcome : "");
    jy_sb_json_kv_str(sb, "at", at);
    if (ev->os_user && *ev->os_user) jy_sb_json_kv_str(sb, "os_user", ev->os_user);
    if (ev->detail && *ev->detail) jy_sb_json_kv_str(sb, "detail", ev->detail);
}

static const char *ev_actor(const jy_auth_event *ev)
{
    return ev->user && *ev->user ? ev->user : "anonymous";
}

static int audit_event(jy_store *st, const char *actor, const char *entity, int64_t id, const char *action,
                       const jy_auth_event *ev, const char *extra_key, int64_t extra, jy_err *err)
{
    jy_sb sb = JY_SB_INIT;
    event_open(&sb, ev);
    if (extra_key) jy_sb_json_kv_i64(&sb, extra_key, extra);
    jy_sb_appendc(&sb, '}');
    int rc = jl_audit(st, actor, "", entity, id, action, NULL, jy_sb_cstr(&sb), err);
    jy_sb_free(&sb);
    return rc;
}

/* ---------------------------------------------------------------- accounts */

/* RECOVERY: the unused recovery codes, or 0 where nobody asks (a session's every request). */
#define ACCOUNT_COLS_WITH(RECOVERY)                                                                              \
    "u.id, u.name, u.role, u.area, u.org_id, u.display, u.created_at, u.person_id, c.user_id, c.password_hash, " \
    "c.must_change, c.password_set_at, c.failures, c.locked_until, c.disabled, c.totp_secret, c.totp_enabled, "   \
    "c.totp_last_step, " RECOVERY
#define ACCOUNT_COLS \
    ACCOUNT_COLS_WITH("(SELECT count(*) FROM user_recovery_codes r WHERE r.user_id = u.id AND r.used_at = 0)")
#define ACCOUNT_NCOLS 19
#define ACCOUNT_FROM " FROM users u LEFT JOIN user_credentials c ON c.user_id = u.id"

static void account_row(jy_account *a, const char *const *col)
{
    memset(a, 0, sizeof *a);
    a->user.id = jl_i64(col[0]);
    jl_cp(a->user.name, sizeof a->user.name, col[1]);
    jl_cp(a->user.role, sizeof a->user.role, col[2]);
    jl_cp(a->user.area, sizeof a->user.area, col[3]);
    a->user.org_id = jl_i64(col[4]);
    jl_cp(a->user.display, sizeof a->user.display, col[5]);
    jl_cp(a->user.created_at, sizeof a->user.created_at, col[6]);
    a->user.person_id = jl_i64(col[7]);
    a->cred.has_row = col[8] != NULL;
    jl_cp(a->cred.password_hash, sizeof a->cred.password_hash, col[9]);
    a->cred.must_change = (int)jl_i64(col[10]);
    a->cred.password_set_at = jl_i64(col[11]);
    a->cred.failures = (int)jl_i64(col[12]);
    a->cred.locked_until = jl_i64(col[13]);
    a->cred.disabled = (int)jl_i64(col[14]);
    jl_cp(a->cred.totp_secret, sizeof a->cred.totp_secret, col[15]);
    a->cred.totp_enabled = (int)jl_i64(col[16]);
    a->cred.totp_last_step = jl_i64(col[17]);
    a->recovery_left = (int)jl_i64(col[18]);
}

typedef struct one_account {
    jy_account *out;
    int found;
} one_account;

static int on_account_one(void *ctx, int ncol, const char *const *col)
{
    one_account *o = ctx;
    if (ncol < ACCOUNT_NCOLS) return 1;
    account_row(o->out, col);
    o->found = 1;
    return 1;
}

int jy_store_account_get(jy_store *st, const char *name, jy_account *out, jy_err *err)
{
    one_account o = {out, 0};
    memset(out, 0, sizeof *out);
    if (!name || !*name)
        return jy_err_set2(err, JY_EINVAL, "store.account.no_name", "account: no name given", "账号：未给出用户名");
    jl_val p[1] = {JL_S(name)};
    int rc = jl_run(st, "SELECT " ACCOUNT_COLS ACCOUNT_FROM " WHERE u.name = $1", p, 1, on_account_one, &o, NULL,
                    "reading an account", err);
    if (rc) return rc;
    if (!o.found)
        return jy_err_set2(err, JY_ENOTFOUND, "store.user.not_found", "no user named \"%s\"", "没有名为“%s”的用户",
                           name);
    return 0;
}

typedef struct account_walk {
    int (*fn)(void *ctx, const jy_account *a);
    void *ctx;
} account_walk;

static int on_account(void *ctx, int ncol, const char *const *col)
{
    account_walk *w = ctx;
    jy_account a;
    if (ncol < ACCOUNT_NCOLS) return 1;
    account_row(&a, col);
    return w->fn(w->ctx, &a);
}

int jy_store_account_list(jy_store *st, int (*fn)(void *ctx, const jy_account *a), void *ctx, jy_err *err)
{
    account_walk w = {fn, ctx};
    return jl_run(st, "SELECT " ACCOUNT_COLS ACCOUNT_FROM " ORDER BY u.id", NULL, 0, on_account, &w, NULL,
                  "listing accounts", err);
}

typedef struct role_walk {
    int (*fn)(void *ctx, const char *role);
    void *ctx;
} role_walk;

static int on_role(void *ctx, int ncol, const char *const *col)
{
    role_walk *w = ctx;
    return ncol >= 1 && col[0] ? w->fn(w->ctx, col[0]) : 0;
}

int jy_store_user_roles(jy_store *st, int (*fn)(void *ctx, const char *role), void *ctx, jy_err *err)
{
    role_walk w = {fn, ctx};
    return jl_run(st, "SELECT DISTINCT role FROM users ORDER BY role", NULL, 0, on_role, &w, NULL,
                  "reading the roles held", err);
}

static int need_cred_row(jy_store *st, int64_t user_id, int64_t nrows, const char *what, jy_err *err)
{
    (void)st;
    if (nrows == 1) return 0;
    return jy_err_set2(err, JY_ENOTFOUND, "store.account.no_password",
                       "account %lld has no password yet: set one first (`jiuye user passwd`) (%s)",
                       "账号 %lld 尚未设置密码：请先设置（`jiuye user passwd`）（%s）", (long long)user_id, what);
}

int jy_store_cred_password(jy_store *st, int64_t user_id, const char *hash, int must_change, const char *actor,
                           const char *action, const jy_auth_event *ev, jy_err *err)
{
    if (!hash || !*hash)
        return jy_err_set2(err, JY_EINVAL, "store.account.empty_hash", "account %lld: empty password hash",
                           "账号 %lld：密码哈希为空", (long long)user_id);
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jl_val p[4] = {JL_I(user_id), JL_S(hash), JL_I(must_change ? 1 : 0), JL_I(ev->at)};
    rc = jl_run(st,
                "INSERT INTO user_credentials(user_id, password_hash, must_change, password_set_at, failures, "
                "locked_until) VALUES ($1, $2, $3, $4, 0, 0) ON CONFLICT (user_id) DO UPDATE SET "
                "password_hash = $2, must_change = $3, password_set_at = $4, failures = 0, locked_until = 0",
                p, 4, NULL, NULL, NULL, "setting a password", err);
    int64_t ended = 0;
    if (rc == 0)
        rc = jl_run(st, "DELETE FROM sessions WHERE user_id = $1 RETURNING id", p, 1, NULL, NULL, &ended,
                    "ending the account's sessions", err);
    if (rc == 0) rc = audit_event(st, actor, "user", user_id, action, ev, "sessions_ended", ended, err);
    return jl_leave(st, rc, err);
}

/* ---------------------------------------------------------------- failures and locks */

static int get_i64_pair(void *ctx, int ncol, const char *const *col)
{
    int64_t *v = ctx;
    v[0] = ncol > 0 ? jl_i64(col[0]) : 0;
    v[1] = ncol > 1 ? jl_i64(col[1]) : 0;
    return 1;
}

int jy_store_login_failed(jy_store *st, int64_t user_id, const char *action, const jy_auth_event *ev,
                          const jy_lockout *pol, jy_lockout_state *out, jy_err *err)
{
    memset(out, 0, sizeof *out);
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    int user_locked = 0, addr_locked = 0;
    int64_t until = ev->at + pol->lock_seconds;
    if (user_id) {
        int64_t v[2] = {0, 0}, n = 0;
        jl_val p[1] = {JL_I(user_id)};
        rc = jl_run(st, "UPDATE user_credentials SET failures = failures + 1 WHERE user_id = $1 RETURNING failures, "
                        "locked_until",
                    p, 1, get_i64_pair, v, &n, "counting a failed login", err);
        if (rc == 0 && n == 1) {
            out->failures = (int)v[0];
            out->locked_until = v[1];
            if (out->failures >= pol->max_failures) {
                jl_val q[2] = {JL_I(user_id), JL_I(until)};
                rc = jl_run(st, "UPDATE user_credentials SET failures = 0, locked_until = $2 WHERE user_id = $1", q, 2,
                            NULL, NULL, NULL, "locking an account", err);
                if (rc == 0)
                    rc = jl_run(st, "DELETE FROM sessions WHERE user_id = $1", q, 1, NULL, NULL, NULL,
                                "ending a locked account's sessions", err);
                user_locked = 1;
                out->failures = 0;
                out->locked_until = until;
            }
        }
    }
    if (rc == 0 && ev->address && *ev->address) {
        int64_t v[2] = {0, 0};
        jl_val p[3] = {JL_S(ev->address), JL_I(ev->at), JL_I(pol->address_window)};
        rc = jl_run(st,
                    "INSERT INTO login_addresses(address, window_start, failures, locked_until) "
                    "VALUES ($1, CAST($2 AS bigint), 1, 0) ON CONFLICT (address) DO UPDATE SET "
                    "failures = CASE WHEN CAST($2 AS bigint) - login_addresses.window_start >= CAST($3 AS bigint) "
                    "THEN 1 ELSE login_addresses.failures + 1 END, "
                    "window_start = CASE WHEN CAST($2 AS bigint) - login_addresses.window_start >= CAST($3 AS bigint) "
                    "THEN CAST($2 AS bigint) ELSE login_addresses.window_start END "
                    "RETURNING failures, locked_until",
                    p, 3, get_i64_pair, v, NULL, "counting a failed login of an address", err);
        out->address_failures = (int)v[0];
        out->address_locked_until = v[1];
        if (rc == 0 && out->address_failures >= pol->address_max_failures && v[1] <= ev->at) {
            jl_val q[2] = {JL_S(ev->address), JL_I(until)};
            rc = jl_run(st, "UPDATE login_addresses SET locked_until = $2 WHERE address = $1", q, 2, NULL, NULL, NULL,
                        "locking an address", err);
            addr_locked = 1;
            out->address_locked_until = until;
        }
    }
    if (rc == 0) {
        jy_sb sb = JY_SB_INIT;
        event_open(&sb, ev);
        if (user_id) jy_sb_json_kv_i64(&sb, "failures", user_locked ? pol->max_failures : out->failures);
        if (ev->address && *ev->address) jy_sb_json_kv_i64(&sb, "address_failures", out->address_failures);
        jy_sb_appendc(&sb, '}');
        rc = jl_audit(st, ev_actor(ev), "", "user", user_id, action, NULL, jy_sb_cstr(&sb), err);
        jy_sb_free(&sb);
    }
    char at[32];
    iso_time(until, at);
    if (rc == 0 && user_locked) {
        jy_auth_event e = *ev;
        e.outcome = "locked";
        e.detail = at;
        rc = audit_event(st, ev_actor(ev), "user", user_id, "lock", &e, "seconds", pol->lock_seconds, err);
    }
    if (rc == 0 && addr_locked) {
        jy_auth_event e = *ev;
        e.outcome = "address_locked";
        e.detail = at;
        rc = audit_event(st, ev_actor(ev), "address", 0, "lock", &e, "seconds", pol->lock_seconds, err);
    }
    return jl_leave(st, rc, err);
}

int jy_store_address_state(jy_store *st, const char *address, int64_t *locked_until, int *failures, jy_err *err)
{
    int64_t v[2] = {0, 0};
    jl_val p[1] = {JL_S(address ? address : "")};
    int rc = jl_run(st, "SELECT locked_until, failures FROM login_addresses WHERE address = $1", p, 1, get_i64_pair, v,
                    NULL, "reading an address's lock", err);
    *locked_until = v[0];
    *failures = (int)v[1];
    return rc;
}

int jy_store_auth_audit(jy_store *st, int64_t user_id, const char *actor, const char *action,
                        const jy_auth_event *ev, jy_err *err)
{
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    rc = audit_event(st, actor && *actor ? actor : ev_actor(ev), "user", user_id, action, ev, NULL, 0, err);
    return jl_leave(st, rc, err);
}

/* ---------------------------------------------------------------- sessions */

static int get_id(void *ctx, int ncol, const char *const *col)
{
    *(int64_t *)ctx = ncol > 0 ? jl_i64(col[0]) : 0;
    return 1;
}

int jy_store_session_open(jy_store *st, jy_session *s, const char *action, const jy_auth_event *ev, jy_err *err)
{
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jl_val p[7] = {JL_S(s->token_hash), JL_S(s->csrf_hash), JL_I(s->user_id), JL_I(s->created_at),
                   JL_I(s->last_seen), JL_I(s->second_factor_done), JL_S(s->address)};
    s->id = 0;
    rc = jl_run(st,
                "INSERT INTO sessions(token_hash, csrf_hash, user_id, created_at, last_seen, second_factor_done, "
                "address) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                p, 7, get_id, &s->id, NULL, "opening a session", err);
    if (rc == 0) {
        jl_val q[1] = {JL_I(s->user_id)};
        rc = jl_run(st, "UPDATE user_credentials SET failures = 0 WHERE user_id = $1", q, 1, NULL, NULL, NULL,
                    "clearing the failure count", err);
    }
    if (rc == 0) rc = audit_event(st, ev_actor(ev), "user", s->user_id, action, ev, "session", s->id, err);
    return jl_leave(st, rc, err);
}

typedef struct session_find {
    jy_session_view *out;
    int found;
} session_find;

static int on_session(void *ctx, int ncol, const char *const *col)
{
    session_find *f = ctx;
    if (ncol < 8 + ACCOUNT_NCOLS) return 1;
    jy_session *s = &f->out->s;
    s->id = jl_i64(col[0]);
    s->user_id = jl_i64(col[1]);
    jl_cp(s->token_hash, sizeof s->token_hash, col[2]);
    jl_cp(s->csrf_hash, sizeof s->csrf_hash, col[3]);
    s->created_at = jl_i64(col[4]);
    s->last_seen = jl_i64(col[5]);
    s->second_factor_done = (int)jl_i64(col[6]);
    jl_cp(s->address, sizeof s->address, col[7]);
    account_row(&f->out->a, col + 8);
    f->found = 1;
    return 1;
}

int jy_store_session_find(jy_store *st, const char *token_hash, jy_session_view *out, jy_err *err)
{
    memset(out, 0, sizeof *out);
    /* the handle's read cache: only while nothing was committed anywhere (store_rcache.c) */
    jy_rcache_ticket ticket;
    if (jy_rcache_session_get(st, token_hash, out, &ticket)) return 0;
    session_find f = {out, 0};
    jl_val p[1] = {JL_S(token_hash)};
    int rc = jl_run(st,
                    "SELECT s.id, s.user_id, s.token_hash, s.csrf_hash, s.created_at, s.last_seen, "
                    "s.second_factor_done, s.address, " ACCOUNT_COLS_WITH("0") ACCOUNT_FROM
                    " JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = $1",
                    p, 1, on_session, &f, NULL, "reading a session", err);
    if (rc) return rc;
    if (!f.found) return jy_err_set2(err, JY_ENOTFOUND, "store.session.not_found", "no such session", "会话不存在");
    out->roles_present[0] = ',';
    jy_rcache_session_put(st, &ticket, token_hash, out);
    return 0;
}

int jy_store_session_touch(jy_store *st, int64_t id, int64_t now, jy_err *err)
{
    jl_val p[2] = {JL_I(id), JL_I(now)};
    return jl_run(st, "UPDATE sessions SET last_seen = $2 WHERE id = $1 AND last_seen < $2", p, 2, NULL, NULL, NULL,
                  "touching a session", err);
}

int jy_store_session_end(jy_store *st, int64_t id, int64_t user_id, const char *action, const jy_auth_event *ev,
                         jy_err *err)
{
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    int64_t n = 0;
    jl_val p[1] = {JL_I(id)};
    rc = jl_run(st, "DELETE FROM sessions WHERE id = $1 RETURNING id", p, 1, NULL, NULL, &n, "ending a session", err);
    if (rc == 0 && n != 1)
        rc = jy_err_set2(err, JY_ENOTFOUND, "store.session.ended", "session %lld: already ended", "会话 %lld：已结束",
                         (long long)id);
    if (rc == 0) rc = audit_event(st, ev_actor(ev), "user", user_id, action, ev, "session", id, err);
    return jl_leave(st, rc, err);
}

int jy_store_session_count(jy_store *st, int64_t user_id, int64_t *n, jy_err *err)
{
    *n = 0;
    jl_val p[1] = {JL_I(user_id)};
    return jl_run(st, "SELECT count(*) FROM sessions WHERE user_id = $1", p, 1, get_id, n, NULL, "counting sessions",
                  err);
}

int jy_store_second_factor_ok(jy_store *st, int64_t session_id, int64_t user_id, int64_t step,
                              const char *recovery_hash, const jy_auth_event *ev, jy_err *err)
{
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    int64_t n = 0;
    if (step > 0) {
        jl_val p[2] = {JL_I(user_id), JL_I(step)};
        rc = jl_run(st,
                    "UPDATE user_credentials SET totp_last_step = $2, totp_enabled = 1 "
                    "WHERE user_id = $1 AND totp_last_step < $2 AND totp_secret <> '' RETURNING user_id",
                    p, 2, NULL, NULL, &n, "recording the code's time step", err);
        if (rc == 0 && n != 1)
            rc = jy_err_set2(err, JY_ECONFLICT, "store.totp.reused",
                             "this code (time step %lld) was used already: wait for the next one",
                             "该验证码（时间步 %lld）已用过：请等待下一个", (long long)step);
    } else {
        jl_val p[3] = {JL_I(user_id), JL_S(recovery_hash ? recovery_hash : ""), JL_I(ev->at)};
        rc = jl_run(st,
                    "UPDATE user_recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at = 0 "
                    "RETURNING id",
                    p, 3, NULL, NULL, &n, "spending a recovery code", err);
        if (rc == 0 && n != 1)
            rc = jy_err_set2(err, JY_ENOTFOUND, "store.recovery.not_found", "no such unused recovery code",
                             "没有这个未使用的恢复码");
    }
    if (rc == 0) {
        jl_val p[2] = {JL_I(session_id), JL_I(ev->at)};
        rc = jl_run(st, "UPDATE sessions SET second_factor_done = 1, last_seen = $2 WHERE id = $1 RETURNING id", p, 2,
                    NULL, NULL, &n, "completing a session", err);
        if (rc == 0 && n != 1)
            rc = jy_err_set2(err, JY_ENOTFOUND, "store.session.ended_meanwhile", "session %lld: ended meanwhile",
                             "会话 %lld：已在此期间结束", (long long)session_id);
    }
    if (rc == 0) {
        jl_val p[1] = {JL_I(user_id)};
        rc = jl_run(st, "UPDATE user_credentials SET failures = 0 WHERE user_id = $1", p, 1, NULL, NULL, NULL,
                    "clearing the failure count", err);
    }
    if (rc == 0) rc = audit_event(st, ev_actor(ev), "user", user_id, "second_factor", ev, "session", session_id, err);
    return jl_leave(st, rc, err);
}

/* ---------------------------------------------------------------- administration */

int jy_store_totp_set(jy_store *st, int64_t user_id, const char *sealed, int enabled, const char *actor,
                      const char *action, const jy_auth_event *ev, jy_err *err)
{
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    int64_t n = 0;
    jl_val p[3] = {JL_I(user_id), JL_S(sealed ? sealed : ""), JL_I(enabled ? 1 : 0)};
    rc = jl_run(st,
                "UPDATE user_credentials SET totp_secret = $2, totp_enabled = $3, totp_last_step = 0 "
                "WHERE user_id = $1 RETURNING user_id",
                p, 3, NULL, NULL, &n, "storing the second factor", err);
    if (rc == 0) rc = need_cred_row(st, user_id, n, "second factor", err);
    if (rc == 0 && (!sealed || !*sealed))
        rc = jl_run(st, "DELETE FROM sessions WHERE user_id = $1", p, 1, NULL, NULL, NULL,
                    "ending the account's sessions", err);
    if (rc == 0) rc = audit_event(st, actor, "user", user_id, action, ev, NULL, 0, err);
    return jl_leave(st, rc, err);
}

int jy_store_recovery_set(jy_store *st, int64_t user_id, const char *const *hashes, int n, const char *actor,
                          const jy_auth_event *ev, jy_err *err)
{
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    jl_val p[1] = {JL_I(user_id)};
    int64_t rows = 0;
    rc = jl_run(st, "SELECT user_id FROM user_credentials WHERE user_id = $1", p, 1, NULL, NULL, &rows,
                "reading the account", err);
    if (rc == 0) rc = need_cred_row(st, user_id, rows, "recovery codes", err);
    if (rc == 0)
        rc = jl_run(st, "DELETE FROM user_recovery_codes WHERE user_id = $1", p, 1, NULL, NULL, NULL,
                    "removing the old recovery codes", err);
    for (int i = 0; rc == 0 && i < n; i++) {
        jl_val q[2] = {JL_I(user_id), JL_S(hashes[i])};
        rc = jl_run(st, "INSERT INTO user_recovery_codes(user_id, code_hash, used_at) VALUES ($1, $2, 0)", q, 2, NULL,
                    NULL, NULL, "storing a recovery code", err);
    }
    if (rc == 0) rc = audit_event(st, actor, "user", user_id, "recovery_codes", ev, "codes", n, err);
    return jl_leave(st, rc, err);
}

int jy_store_account_lock(jy_store *st, int64_t user_id, int lock, const char *actor, const jy_auth_event *ev,
                          jy_err *err)
{
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    int64_t n = 0;
    jl_val p[1] = {JL_I(user_id)};
    rc = jl_run(st,
                lock ? "UPDATE user_credentials SET disabled = 1 WHERE user_id = $1 RETURNING user_id"
                     : "UPDATE user_credentials SET disabled = 0, failures = 0, locked_until = 0 WHERE user_id = $1 "
                       "RETURNING user_id",
                p, 1, NULL, NULL, &n, lock ? "locking an account" : "unlocking an account", err);
    if (rc == 0) rc = need_cred_row(st, user_id, n, lock ? "lock" : "unlock", err);
    int64_t ended = 0;
    if (rc == 0 && lock)
        rc = jl_run(st, "DELETE FROM sessions WHERE user_id = $1 RETURNING id", p, 1, NULL, NULL, &ended,
                    "ending the account's sessions", err);
    if (rc == 0)
        rc = audit_event(st, actor, "user", user_id, lock ? "lock" : "unlock", ev, lock ? "sessions_ended" : NULL,
                         ended, err);
    return jl_leave(st, rc, err);
}
