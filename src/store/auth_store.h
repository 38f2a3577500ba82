/* auth_store.h — accounts, sessions and the second factor in the database (issue 11; the tables
 * of migration 5, auth_schema.h). The rules — password policy, hashing, lockout thresholds,
 * TOTP, who may do what — live in src/service/auth.c and users.c; this file only keeps records
 * and makes each change land with its audit entry in one transaction (store.h's contract).
 *
 * Times are unix seconds handed in by the caller (the service takes `now` as a parameter, so
 * tests move the clock). Secrets never pass through here in the clear: the store sees argon2id
 * hashes, SHA-256 hashes of session, CSRF and recovery tokens, and the sealed TOTP secret.
 *
 * Audit entries (entity "user" with the account's id, or "address" with id 0) carry as their
 * after image one JSON object built from a jy_auth_event: {"user","address","outcome","at",
 * ["os_user"], ["detail"], …counts}. Session last-seen updates are not audited (a session's
 * activity is not a change of record; its opening and end are). */
#ifndef JY_AUTH_STORE_H
#define JY_AUTH_STORE_H

#include <stdint.h>

#include "base/err.h"
#include "store/store.h"

/* What an audit entry of this file says. Strings may be NULL ("" / left out). */
typedef struct jy_auth_event {
    const char *user;    /* the account name the event is about */
    const char *address; /* the client address ("" for the command line) */
    const char *outcome; /* "ok", "wrong_password", "locked", … */
    const char *os_user; /* the operating-system user of a command-line call; NULL over HTTP */
    const char *detail;  /* free text, NULL for none */
    int64_t at;          /* the event's time (the service's clock), unix seconds */
} jy_auth_event;

/* An account's login data (a user without a row has has_row = 0 and everything zero). */
typedef struct jy_cred {
    int has_row;
    char password_hash[128]; /* crypto_pwhash_str output, "" = no password set */
    int must_change;
    int64_t password_set_at;
    int failures;
    int64_t locked_until;    /* automatic lock after failures; 0 = none */
    int disabled;            /* `user lock`: until an administrator unlocks */
    char totp_secret[160];   /* sealed (service/auth.c), "" = none */
    int totp_enabled;
    int64_t totp_last_step;
} jy_cred;

typedef struct jy_account {
    jy_user user;
    jy_cred cred;
    int recovery_left; /* unused recovery codes (filled by jy_store_account_get and _list) */
} jy_account;

/* By name; JY_ENOTFOUND when no user has it. */
int jy_store_account_get(jy_store *st, const char *name, jy_account *out, jy_err *err);
/* Every account in id order. */
int jy_store_account_list(jy_store *st, int (*fn)(void *ctx, const jy_account *a), void *ctx, jy_err *err);
/* Calls fn with each distinct role some account holds (the service's separation rules). */
int jy_store_user_roles(jy_store *st, int (*fn)(void *ctx, const char *role), void *ctx, jy_err *err);

/* Sets the password hash (and must_change), clears failures and the automatic lock, ends every
 * session of the account, and appends the audit entry `action` ("password_set" by an
 * administrator, "password_change" by the user). */
int jy_store_cred_password(jy_store *st, int64_t user_id, const char *hash, int must_change, const char *actor,
                           const char *action, const jy_auth_event *ev, jy_err *err);

/* Thresholds of the lockout (the service's configuration). */
typedef struct jy_lockout {
    int max_failures;           /* per account, then locked for lock_seconds */
    int64_t lock_seconds;
    int address_max_failures;   /* per address within address_window, then locked for lock_seconds */
    int64_t address_window;
} jy_lockout;

/* What a failure did. */
typedef struct jy_lockout_state {
    int failures;               /* the account's count after this one (0 after a lock) */
    int64_t locked_until;       /* the account's lock, 0 = none */
    int address_failures;
    int64_t address_locked_until;
} jy_lockout_state;

/* A failed login or second factor: counts it against the account (user_id 0: no such account)
 * and the address (ev->address "": none), locks either when it reaches its threshold (the
 * account's sessions end with it), and appends the audit entries: `action` for the failure,
 * then "lock" for each lock it caused. */
int jy_store_login_failed(jy_store *st, int64_t user_id, const char *action, const jy_auth_event *ev,
                          const jy_lockout *pol, jy_lockout_state *out, jy_err *err);
/* The address's lock (0 = none) and failures in its window. */
int jy_store_address_state(jy_store *st, const char *address, int64_t *locked_until, int *failures, jy_err *err);
/* One audit entry about account user_id (0: none, e.g. an unknown name) and nothing else:
 * refusals that change nothing (a locked account's attempt, an address lock's). */
int jy_store_auth_audit(jy_store *st, int64_t user_id, const char *actor, const char *action,
                        const jy_auth_event *ev, jy_err *err);

/* ---- sessions ---- */
typedef struct jy_session {
    int64_t id, user_id;
    char token_hash[65]; /* hex SHA-256 of the token */
    char csrf_hash[65];  /* hex SHA-256 of the CSRF token */
    int64_t created_at, last_seen;
    int second_factor_done;
    char address[64];
} jy_session;

/* Inserts s (s->id filled), clears the account's failures and appends the audit entry `action`
 * ("login", "login_pending_second_factor", "password_change" opens its own). */
int jy_store_session_open(jy_store *st, jy_session *s, const char *action, const jy_auth_event *ev, jy_err *err);

/* The session with that token hash and its account; JY_ENOTFOUND when none. roles_present is
 * left "," here: the roles held by any account (",security,finance,", for the administrator's
 * fallback powers) come from jy_store_user_roles, which reads every account, so the service asks
 * for them only when the session's account is an administrator (src/service/auth.c). */
typedef struct jy_session_view {
    jy_session s;
    jy_account a;
    char roles_present[256];
} jy_session_view;
int jy_store_session_find(jy_store *st, const char *token_hash, jy_session_view *out, jy_err *err);
/* last_seen = now (no audit entry). */
int jy_store_session_touch(jy_store *st, int64_t id, int64_t now, jy_err *err);
/* Deletes one session and appends the audit entry `action` ("logout", "session_expired"). */
int jy_store_session_end(jy_store *st, int64_t id, int64_t user_id, const char *action, const jy_auth_event *ev,
                         jy_err *err);
/* Number of sessions of an account (tests, `user list`). */
int jy_store_session_count(jy_store *st, int64_t user_id, int64_t *n, jy_err *err);

/* The second factor passed on session id: with step > 0 (a TOTP code of that 30-second step)
 * only when step is later than the account's last used step (JY_ECONFLICT "already used"
 * otherwise, nothing written: a code is good once); with recovery_hash (hex SHA-256 of a
 * normalised recovery code) only when that code is unused (JY_ENOTFOUND otherwise), which
 * marks it used. A pending TOTP enrolment becomes enabled. Audit entry "second_factor". */
int jy_store_second_factor_ok(jy_store *st, int64_t session_id, int64_t user_id, int64_t step,
                              const char *recovery_hash, const jy_auth_event *ev, jy_err *err);

/* ---- administration ---- */
/* The sealed TOTP secret ("" removes it) with enabled 0/1, last step reset; ends the account's
 * sessions when disabling. Audit entry `action` ("totp_enroll", "totp_disable"). The account
 * must have a credentials row (JY_ENOTFOUND "has no password yet" otherwise). */
int jy_store_totp_set(jy_store *st, int64_t user_id, const char *sealed, int enabled, const char *actor,
                      const char *action, const jy_auth_event *ev, jy_err *err);
/* Replaces the account's recovery codes with the n hashes (hex SHA-256). Audit "recovery_codes". */
int jy_store_recovery_set(jy_store *st, int64_t user_id, const char *const *hashes, int n, const char *actor,
                          const jy_auth_event *ev, jy_err *err);
/* lock = 1: disabled until unlocked, sessions ended ("lock"); lock = 0: enabled again, failures
 * and the automatic lock cleared ("unlock"). JY_ENOTFOUND without a credentials row. */
int jy_store_account_lock(jy_store *st, int64_t user_id, int lock, const char *actor, const jy_auth_event *ev,
                          jy_err *err);

#endif
