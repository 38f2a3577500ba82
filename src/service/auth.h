/* auth.h — accounts, passwords, sessions and the second factor (issue 11), the service the HTTP
 * layer calls for login, logout, every request's session and CSRF check, and `jiuye user` calls
 * for account administration. docs/security.md explains the choices and the figures.
 *
 * Passwords: argon2id (libsodium crypto_pwhash_str, 19 MiB and 2 passes by default; the
 * parameters are stored with each hash); 10 to 128 characters; refused when common
 * (policy/common-passwords.txt, also with digits or symbols around a listed word), a repeated
 * pattern, or containing the account name. A password set by an administrator must be changed
 * at the first login (the principal's must_change; jy_perm_check refuses everything else).
 *
 * Lockout: 5 wrong passwords (or second-factor codes) lock the account for 15 minutes; 20
 * failures from one client address within 15 minutes lock the address for 15 minutes (IPv6
 * addresses count by their /64). Every login, failure, refusal, lock, unlock and logout is an
 * audit entry (auth_store.h) with the time, the user, the address and the outcome.
 *
 * Sessions: a token of 256 random bits, handed to the client once as base64url (43
 * characters), kept in the database only as its SHA-256, so sessions survive a restart and
 * serve every server process; an idle limit (30 minutes) and an absolute one (12 hours); a
 * per-session CSRF token (random, returned at login, stored hashed, compared in constant time).
 * Logout ends the session; a password change or an administrator's lock ends all of the
 * account's sessions.
 *
 * Second factor: TOTP (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits, one step either side
 * accepted, each step good once) or one of 10 single-use recovery codes, required for the
 * admin, finance, auditor, security and sysadmin roles: their login opens a half-open session
 * (second_factor_done 0, jy_perm_check answers JY_EAUTH) until jy_auth_second_factor. The TOTP
 * secret is sealed at rest with the deployment's key file (XChaCha20-Poly1305, bound to the
 * account's id); without a key file no secret can be stored.
 *
 * Hashing runs in a bounded pool: at most `hash_slots` crypto_pwhash calls at once (default:
 * the online cores) and at most `hash_queue` waiting; a login beyond that answers JY_EBUSY at
 * once (HTTP 429/503 with Retry-After), so a flood of logins cannot take every thread.
 *
 * Threads: one jy_auth serves every thread of a process (its pool and tables are shared); each
 * call takes the caller's jy_store handle (one per thread, store.h). `now` is unix seconds. */
#ifndef JY_AUTH_H
#define JY_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "service/users.h"
#include "store/auth_store.h"
#include "store/store.h"

typedef struct jy_auth jy_auth;

typedef struct jy_auth_config {
    int64_t idle_seconds;          /* 1800: a session unused this long ends */
    int64_t lifetime_seconds;      /* 43200: a session ends this long after login */
    int64_t second_factor_seconds; /* 300: a half-open session ends unless completed in time */
    int64_t touch_seconds;         /* 60: a request writes last_seen when it is older than this */
    int max_failures;              /* 5 per account … */
    int64_t lock_seconds;          /* … lock for 900 s (accounts and addresses) */
    int address_max_failures;      /* 20 per address … */
    int64_t address_window_seconds;/* … within 900 s */
    unsigned long long pwhash_opslimit; /* 2 passes */
    size_t pwhash_memlimit;        /* 19 MiB */
    int hash_slots;                /* concurrent hashes; 0 = online cores */
    int hash_queue;                /* waiting hashes beyond the slots; 0 = 2 × slots, -1 = none */
    int hash_wait_ms;              /* longest wait for a slot; 0 = 2000 */
    int min_length, max_length;    /* 10 and 128 characters */
    const char *common_passwords;  /* the list; NULL = JY_POLICY_DIR "/common-passwords.txt" */
    const char *key_file;          /* the sealing key of TOTP secrets; NULL = none */
} jy_auth_config;

void jy_auth_config_default(jy_auth_config *c);
/* Reads JIUYE_KEY_FILE, JIUYE_SESSION_IDLE and JIUYE_SESSION_LIFETIME (seconds) when set;
 * JY_EINVAL naming the variable when a number is not one. */
int jy_auth_config_env(jy_auth_config *c, jy_err *err);

/* Loads the common-password list and the key file (JY_EIO naming a missing or unreadable
 * file; JY_EINVAL when the key file is not 64 hex digits or is readable by group or others). */
int jy_auth_new(const jy_auth_config *c, jy_auth **out, jy_err *err);
void jy_auth_free(jy_auth *a);
const jy_auth_config *jy_auth_config_of(const jy_auth *a);

/* Writes a new key file (32 random bytes as 64 hex digits, mode 0600); JY_ECONFLICT when path
 * exists (a key is never overwritten: the sealed secrets would be lost). */
int jy_auth_keygen(const char *path, jy_err *err);

/* ---- passwords ---- */
/* 0 when pw is acceptable for account name; JY_EINVAL saying why not. */
int jy_auth_password_check(const jy_auth *a, const char *name, const char *pw, jy_err *err);
/* A random password of 20 characters (letters and digits without look-alikes, ~115 bits). */
void jy_auth_password_generate(char out[32]);
/* The pool (exposed for tests and the server's status): enter waits for a slot — JY_EBUSY when
 * the queue is full or the wait too long; leave gives the slot back. */
int jy_auth_pool_enter(jy_auth *a, jy_err *err);
void jy_auth_pool_leave(jy_auth *a);
void jy_auth_pool_stats(jy_auth *a, int *busy, int *waiting, int *slots, int *queue);
/* argon2id hash of pw (in the pool) into out (crypto_pwhash_STRBYTES = 128). */
int jy_auth_hash_password(jy_auth *a, const char *pw, char out[128], jy_err *err);

/* ---- login and sessions ---- */
enum jy_login_state { JY_LOGIN_OPEN = 1, JY_LOGIN_SECOND_FACTOR = 2 };
/* Why a login was refused (with JY_EAUTH / JY_EBUSY), for the HTTP answer. */
enum jy_login_refusal {
    JY_REFUSED_NONE = 0,
    JY_REFUSED_CREDENTIALS,     /* wrong name or password (never says which) */
    JY_REFUSED_ACCOUNT_LOCKED,  /* retry_after seconds */
    JY_REFUSED_ADDRESS_LOCKED,  /* retry_after seconds */
    JY_REFUSED_DISABLED,        /* locked by an administrator */
    JY_REFUSED_NO_SECOND_FACTOR,/* the role needs a second factor and none is enrolled */
    JY_REFUSED_BUSY,            /* the hashing pool is full: retry */
};

#define JY_TOKEN_LEN 43 /* base64url of 32 bytes, no padding */
typedef struct jy_login {
    int state;                  /* enum jy_login_state */
    int refusal;                /* enum jy_login_refusal when refused */
    int64_t retry_after;        /* seconds, for locks and busy */
    char token[JY_TOKEN_LEN + 1];
    char csrf[JY_TOKEN_LEN + 1];
    jy_principal who;           /* must_change, second_factor_done … */
} jy_login;

/* Checks name and password from client address at now. On success a session is open (state
 * OPEN) or half-open (SECOND_FACTOR): out->token and out->csrf go to the client. JY_EAUTH with
 * out->refusal, JY_EBUSY (refusal BUSY) when the pool is full. */
int jy_auth_login(jy_auth *a, jy_store *st, const char *name, const char *password, const char *address,
                  int64_t now, jy_login *out, jy_err *err);

/* The principal of a session token (what every request calls first). JY_EAUTH when the token is
 * malformed, unknown, ended, idle too long or past its lifetime (the expired session is removed
 * and audited), or its account is locked. A half-open or must-change session resolves (the
 * principal says so; jy_perm_check refuses). */
int jy_auth_resolve(jy_auth *a, jy_store *st, const char *token, int64_t now, jy_principal *out, jy_err *err);

/* The session's CSRF token against the one the request carries, in constant time: 0 when
 * equal, JY_EDENIED otherwise (also for a principal without a session). */
int jy_auth_csrf_check(const jy_principal *p, const char *csrf, jy_err *err);

/* Completes a half-open session with a TOTP code (6 digits) or a recovery code. JY_EAUTH when
 * wrong, already used (a code's time step or a recovery code is good once) or the session is
 * gone; a wrong code counts as a failed login (five lock the account and end the session). */
int jy_auth_second_factor(jy_auth *a, jy_store *st, const char *token, const char *code, const char *address,
                          int64_t now, jy_principal *out, jy_err *err);

/* Ends the session (audit "logout"). JY_EAUTH when the token names no session. */
int jy_auth_logout(jy_auth *a, jy_store *st, const char *token, const char *address, int64_t now, jy_err *err);

/* The user of session token changes their password: the old one must be right (a wrong one
 * counts as a failure), the new one acceptable and different. Every session of the account
 * ends; when fresh is not NULL a new full session is opened for the caller into it. */
int jy_auth_change_password(jy_auth *a, jy_store *st, const char *token, const char *old_pw, const char *new_pw,
                            const char *address, int64_t now, jy_login *fresh, jy_err *err);

/* The address as counted: IPv4 as is, IPv6 as its /64 ("2001:db8:1:2::/64"), an IPv4-mapped
 * IPv6 as the IPv4; other text copied (cut at 63 bytes). */
void jy_auth_address_key(const char *address, char out[64]);

/* ---- TOTP (RFC 6238) ---- */
/* The code of time step `step` for key (HMAC-SHA1), digits 6..8. */
uint32_t jy_totp_code(const unsigned char *key, size_t keylen, uint64_t step, int digits);
/* RFC 4648 base32 without padding (out ≥ 8 * ceil(n/5) / 5 + 1). */
void jy_base32_encode(const unsigned char *in, size_t n, char *out, size_t cap);

/* ---- administration (`jiuye user`, later the HTTP account routes) ----
 * Each checks c->by against user.manage (or user.read) and the account's area, and appends its
 * audit entries with actor "NAME" or, from the command line, "NAME (os:USER)". */
typedef struct jy_auth_ctx {
    const jy_principal *by; /* who asks */
    const char *address;    /* client address, "" from the command line */
    const char *os_user;    /* the operating-system user of a command-line call; NULL over HTTP */
    int64_t now;
} jy_auth_ctx;

/* Adds or updates account u (by name; u->id filled). A new account gets `password` or, when
 * NULL, a generated one copied to generated (empty otherwise); an existing one keeps its
 * password unless `password` is given. Either way a password set here must be changed at first
 * login. Role changes follow jy_role_change_check. result: JY_PUT_CREATED/UPDATED/UNCHANGED. */
int jy_account_put(jy_auth *a, jy_store *st, const jy_auth_ctx *c, jy_user *u, const char *password,
                   char generated[32], int *result, jy_err *err);
/* Sets an account's password (given, or generated into generated); must be changed at first
 * login; ends the account's sessions. */
int jy_account_set_password(jy_auth *a, jy_store *st, const jy_auth_ctx *c, const char *name, const char *password,
                            char generated[32], jy_err *err);
/* lock = 1: the account cannot log in until unlocked, its sessions end; 0: unlocked, the
 * failure count and automatic lock cleared. Nobody locks their own account. */
int jy_account_lock(jy_auth *a, jy_store *st, const jy_auth_ctx *c, const char *name, int lock, jy_err *err);
/* A new TOTP secret for the account (replacing any), enabled at once; its otpauth:// URI goes to
 * uri (give it to the user once: it is the secret). Needs the key file. */
int jy_account_totp_enroll(jy_auth *a, jy_store *st, const jy_auth_ctx *c, const char *name, char uri[512],
                           jy_err *err);
/* The enrolled secret's URI again (audited as "totp_shown"). */
int jy_account_totp_uri(jy_auth *a, jy_store *st, const jy_auth_ctx *c, const char *name, char uri[512], jy_err *err);
int jy_account_totp_disable(jy_auth *a, jy_store *st, const jy_auth_ctx *c, const char *name, jy_err *err);
/* Ten new single-use recovery codes ("xxxx-xxxx-xxxx-xxxx", 80 bits each), replacing the old. */
#define JY_RECOVERY_CODES 10
int jy_account_recovery_codes(jy_auth *a, jy_store *st, const jy_auth_ctx *c, const char *name,
                              char codes[JY_RECOVERY_CODES][24], jy_err *err);
/* Every account the asker's area covers, with its login state — never a hash or a secret:
 * {"id","name","role","area","org_id","person_id","display","password":true|false,
 *  "must_change","locked","locked_until","failures","second_factor","recovery_codes_left"}. */
int jy_account_list(jy_auth *a, jy_store *st, const jy_auth_ctx *c, int (*fn)(void *ctx, const char *json),
                    void *ctx, jy_err *err);

#endif
