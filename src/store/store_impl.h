/* store_impl.h — private to src/store/: the backend vtable and helpers the backends share.
 *
 * store.c owns the public functions of store.h: it checks and normalises arguments, then calls
 * the backend through st->ops. A backend (store_sqlite.c, later store_pg.c) allocates a struct
 * whose first member is `jy_store base`, fills base.ops, and implements every op below with the
 * contract of the matching store.h function (arguments already checked and normalised). */
#ifndef JY_STORE_IMPL_H
#define JY_STORE_IMPL_H

#include "store/store.h"

/* A case's township in SQL (jy_case_filter.town): its subject's division — the person's household
 * registration, else the organisation's — read through their primary keys (no index on cases). */
#define JY_SQL_SUBJECT_TOWN                                                                         \
    "(CASE WHEN cases.person_id IS NOT NULL THEN (SELECT p.hukou_division FROM persons p"           \
    " WHERE p.id = cases.person_id) WHEN cases.org_id IS NOT NULL THEN (SELECT o.division FROM orgs o" \
    " WHERE o.id = cases.org_id) END)"

/* Newest schema version this build knows; each backend has migrations 1..JY_STORE_SCHEMA_VERSION. */
#define JY_STORE_SCHEMA_VERSION 16

typedef struct jy_store_ops {
    const char *name; /* "sqlite", "postgresql" */
    void (*close)(jy_store *st);
    int (*schema_version)(jy_store *st, int *version, jy_err *err);
    int (*begin)(jy_store *st, jy_err *err);
    int (*commit)(jy_store *st, jy_err *err);
    int (*rollback)(jy_store *st, jy_err *err);

    int (*person_put)(jy_store *st, jy_person *p, const char *actor, int *result, jy_err *err);
    int (*person_get)(jy_store *st, int64_t id, const char *idcard, jy_person *out, jy_err *err);
    int (*person_list)(jy_store *st, const jy_person_filter *f,
                       int (*fn)(void *ctx, const jy_person *p), void *ctx, jy_err *err);
    int (*person_status_add)(jy_store *st, int64_t person_id, jy_person_status *s,
                             const char *actor, jy_err *err);
    int (*person_statuses)(jy_store *st, int64_t person_id, jy_person_status *out, int max,
                           int *n, jy_err *err);
    int (*person_status_update)(jy_store *st, int64_t person_id, jy_person_status *s, const char *actor,
                                jy_err *err);

    int (*org_status_add)(jy_store *st, int64_t org_id, jy_org_status *s, const char *actor, jy_err *err);
    int (*org_status_update)(jy_store *st, int64_t org_id, jy_org_status *s, const char *actor, jy_err *err);
    int (*org_statuses)(jy_store *st, int64_t org_id, jy_org_status *out, int max, int *n, jy_err *err);
    int (*org_put)(jy_store *st, jy_org *o, const char *actor, int *result, jy_err *err);
    int (*org_get)(jy_store *st, int64_t id, const char *uscc, jy_org *out, jy_err *err);
    int (*org_list)(jy_store *st, const jy_org_filter *f,
                    int (*fn)(void *ctx, const jy_org *o), void *ctx, jy_err *err);
    int (*org_licence_add)(jy_store *st, int64_t org_id, jy_licence *l, const char *actor,
                           jy_err *err);
    int (*org_licences)(jy_store *st, int64_t org_id, jy_licence *out, int max, int *n,
                        jy_err *err);

    int (*counts_get)(jy_store *st, jy_store_counts *out, jy_err *err);
    int (*group_counts)(jy_store *st, int by, jy_date on,
                        int (*fn)(void *ctx, const char *key, int64_t n), void *ctx, jy_err *err);
    int (*audit_append)(jy_store *st, const char *actor, const char *county, const char *entity,
                        int64_t entity_id, const char *action, const char *before_json,
                        const char *after_json, jy_err *err);
    /* Full entries, before/after included; limit 0 = all. */
    int (*audit_list)(jy_store *st, int64_t after_seq, int limit,
                      int (*fn)(void *ctx, const jy_audit_entry *e), void *ctx, jy_err *err);
    int (*audit_head)(jy_store *st, int64_t *seq, char hash[65], jy_err *err);
    /* Added by the PostgreSQL work (issue 3): non-zero when person_list, org_list, counts_get
     * and group_counts themselves keep to base.scope; otherwise store.c filters (lists) or
     * counts by walking (counts, groups), which is correct but reads every record. */
    int scope_native;
    /* Added by the PostgreSQL bulk-put work (issue 3): jy_store_person_prefetch; NULL = no-op. */
    int (*person_prefetch)(jy_store *st, const char *const *idcards, size_t n, jy_err *err);
} jy_store_ops;

struct jy_store {
    const jy_store_ops *ops;
    /* County scope (jy_store_set_scope): "" = every county, else a 2-, 4- or 6-digit division
     * prefix. Backends zero-allocate their struct, so a new handle is unscoped. */
    char scope[7];
    /* The audit key (issue 10 item 14; docs/audit.md), read at open from the file named by
     * JIUYE_AUDIT_KEY_FILE: when set, every entry this handle writes carries
     * mac = HMAC-SHA256(key, …) and jy_store_audit_verify checks the MACs. */
    int audit_keyed;
    unsigned char audit_key[32];
    /* The handle's read cache (store_rcache.c): sessions and class summaries, kept only while
     * the database has not changed (SQLite's data version); NULL until first used. */
    struct jy_rcache *rcache;
    /* jy_store_request_epoch: 0 off; 1 in a request, epoch not read yet; 2 read (epoch_pinned) */
    int epoch_mode;
    unsigned long long epoch_pinned;
};

/* Backend constructors: path/conninfo already stripped of its scheme. */
int jy_store_sqlite_open(const char *path, jy_store **out, jy_err *err);
/* store_pg.c: url is the whole "postgresql://…" URL (libpq parses it). */
int jy_store_pg_open(const char *url, jy_store **out, jy_err *err);
/* store_pg.c: jy_store_grant_app_role on a PostgreSQL handle (role already checked). */
int jy_store_pg_grant_app_role(jy_store *st, const char *role, jy_err *err);
/* store_pg.c, for store_backup.c: *holds = 1 when the database already has jiuye records. */
int jy_store_pg_holds_records(const char *url, int *holds, jy_err *err);

/* Non-zero when county (6 digits, or "" for global audit entries) lies within scope
 * ("" = everything). */
int jy_store_in_scope(const char *scope, const char *county);

/* store_scope.c: the public calls on a scoped handle (st->scope non-empty), same contracts as
 * store.h, arguments already checked and normalised by store.c. */
int jy_store_scoped_person_put(jy_store *st, jy_person *p, const char *actor, int *result, jy_err *err);
int jy_store_scoped_person_get(jy_store *st, int64_t id, const char *idcard, jy_person *out, jy_err *err);
int jy_store_scoped_person_list(jy_store *st, const jy_person_filter *f,
                                int (*fn)(void *ctx, const jy_person *p), void *ctx, jy_err *err);
int jy_store_scoped_person_status_update(jy_store *st, int64_t person_id, jy_person_status *s, const char *actor,
                                         jy_err *err);
int jy_store_scoped_org_status_add(jy_store *st, int64_t org_id, jy_org_status *s, const char *actor, jy_err *err);
int jy_store_scoped_org_status_update(jy_store *st, int64_t org_id, jy_org_status *s, const char *actor, jy_err *err);
int jy_store_scoped_org_statuses(jy_store *st, int64_t org_id, jy_org_status *out, int max, int *n, jy_err *err);
int jy_store_scoped_person_status_add(jy_store *st, int64_t person_id, jy_person_status *s, const char *actor,
                                      jy_err *err);
int jy_store_scoped_person_statuses(jy_store *st, int64_t person_id, jy_person_status *out, int max, int *n,
                                    jy_err *err);
int jy_store_scoped_org_put(jy_store *st, jy_org *o, const char *actor, int *result, jy_err *err);
int jy_store_scoped_org_get(jy_store *st, int64_t id, const char *uscc, jy_org *out, jy_err *err);
int jy_store_scoped_org_list(jy_store *st, const jy_org_filter *f, int (*fn)(void *ctx, const jy_org *o),
                             void *ctx, jy_err *err);
int jy_store_scoped_org_licence_add(jy_store *st, int64_t org_id, jy_licence *l, const char *actor, jy_err *err);
int jy_store_scoped_org_licences(jy_store *st, int64_t org_id, jy_licence *out, int max, int *n, jy_err *err);
int jy_store_scoped_counts_get(jy_store *st, jy_store_counts *out, jy_err *err);
int jy_store_scoped_group_counts(jy_store *st, int by, jy_date on,
                                 int (*fn)(void *ctx, const char *key, int64_t n), void *ctx, jy_err *err);
int jy_store_scoped_audit_list(jy_store *st, int64_t after_seq, int limit,
                               int (*fn)(void *ctx, const jy_audit_entry *e), void *ctx, jy_err *err);

/* store_scope.c, for the case, ledger, placement and report stores (whose records carry their
 * county): 0 when county lies within st's scope; else JY_ECONFLICT "<what> <key> belongs to
 * county C, outside this user's area A" (writes, and reads that name a county). */
int jy_store_scope_refuse(const jy_store *st, const char *what, const char *key, const char *county, jy_err *err);
/* The same check for a read of one record by id: JY_ENOTFOUND "no <what> with id N" when
 * outside, as if the record did not exist. */
int jy_store_scope_hide(const jy_store *st, const char *what, int64_t id, const char *county, jy_err *err);

/* The before/after image of a person in the audit log (store.c; docs/store.md, "Audit chain"):
 * a JSON array of jy_person_json's values without keys and id. Both backends write person
 * entries with it; jy_audit_entry_json shows it as jy_person_json's object. (Import work,
 * issue 2.) */
void jy_person_audit_image(jy_sb *sb, const jy_person *p);

/* The hash of the (absent) entry before the first one: 64 '0' characters. */
extern const char jy_store_genesis_hash[65];

/* Computes an entry's hash into hex (65 bytes) from prev_hash and its fields; docs/store.md
 * gives the canonical encoding. e->hash is ignored (this is what verification recomputes). */
void jy_store_audit_hash(const jy_audit_entry *e, char hex[65]);

/* The MAC of an entry whose hash is hash (hex) under st's audit key, as 64 hex digits into
 * mac; "" when st has no key (audit_anchor.c; docs/audit.md gives the input). Both backends
 * store it beside the hash (NULL for ""). */
void jy_store_audit_mac(const jy_store *st, const char hash[65], char mac[65]);
/* audit_anchor.c: reads the key file named by JIUYE_AUDIT_KEY_FILE (when set) into st; called
 * by jy_store_open. */
int jy_store_audit_key_from_env(jy_store *st, jy_err *err);

/* SHA-256 of msg (store_sha256.c): the CPU's SHA instructions when present, else libsodium. */
void jy_store_sha256(const unsigned char *msg, size_t len, unsigned char out[32]);
/* 1 when jy_store_sha256 uses the CPU's SHA instructions. */
int jy_store_sha256_accelerated(void);
/* Tests: non-zero forces the portable (libsodium) path. */
extern int jy_store_sha256_mode;

/* Copies src into dst (capacity cap ≥ 1), cutting at a UTF-8 character boundary so the copy
 * is always valid and NUL-terminated. */
void jy_store_copy_utf8(char *dst, size_t cap, const char *src);

/* ---- ops that live in their own files (issue 5: cases_sqlite.c, cases_pg.c; the ledger's the
 * same way): they run their SQL on the backend's own connection, so they join its transactions
 * (jy_store_begin/commit) and can append to the audit chain through st->ops->audit_append.
 * The store.h functions of those files pick the backend's table by st->ops->name. */
struct sqlite3;
struct pg_conn;
/* store_sqlite.c: the handle's connection. */
struct sqlite3 *jy_store_sqlite_db(jy_store *st);
/* store_sqlite.c: a prepared statement for sql, kept by the handle (prepared once, not per call;
 * returns an SQLite result code), and its release (reset and kept, or finalised). Every statement
 * from jy_store_sqlite_prepare goes back through jy_store_sqlite_release, never sqlite3_finalize. */
struct sqlite3_stmt;
int jy_store_sqlite_prepare(jy_store *st, const char *sql, struct sqlite3_stmt **out);
void jy_store_sqlite_release(jy_store *st, struct sqlite3_stmt *s);
/* store_sqlite.c: the database's change epoch as this handle sees it now: ep[0] the data version
 * (PRAGMA data_version: changes when another connection, in this process or another, committed),
 * ep[1] this connection's own changed rows (sqlite3_total_changes64). 0 with ep filled; -1 when
 * it cannot tell (inside a transaction, or the pragma failed): then nothing may be cached. */
int jy_store_sqlite_epoch(jy_store *st, unsigned long long ep[2]);
/* store_rcache.c: the read cache of a handle (see store_rcache.c). Lookups answer 1 on a hit
 * (out filled), 0 on a miss; a miss fills *ticket, and a put with that ticket keeps the value
 * (a value read after the ticket's epoch was taken is at least as new as it). */
typedef struct jy_rcache_ticket {
    int ok; /* 0: the epoch is unknown, do not keep */
    unsigned long long ep[2];
} jy_rcache_ticket;
struct jy_session_view;
struct jy_org;
struct jy_class_summary;
int jy_rcache_session_get(jy_store *st, const char *token_hash, struct jy_session_view *out, jy_rcache_ticket *t);
void jy_rcache_session_put(jy_store *st, const jy_rcache_ticket *t, const char *token_hash,
                           const struct jy_session_view *v);
int jy_rcache_summary_get(jy_store *st, long long class_id, struct jy_class_summary *out, jy_rcache_ticket *t);
void jy_rcache_summary_put(jy_store *st, const jy_rcache_ticket *t, long long class_id,
                           const struct jy_class_summary *s);
/* An organisation's row by id as the backend reads it (no scope applied: the caller applies it) */
int jy_rcache_org_get(jy_store *st, long long id, struct jy_org *out, jy_rcache_ticket *t);
void jy_rcache_org_put(jy_store *st, const jy_rcache_ticket *t, const struct jy_org *o);
/* store_scope.c: the backend's org_get, by id through the read cache (no scope applied) */
int jy_store_org_row(jy_store *st, int64_t id, const char *uscc, struct jy_org *out, jy_err *err);
void jy_rcache_free(jy_store *st);
/* Hits and misses of the handle's read cache (tests): [0] sessions, [1] summaries, [2] organisations. */
void jy_rcache_stats(jy_store *st, long long hits[3], long long misses[3]);

/* store_sqlite.c: how many commits of this handle synced the WAL because they changed money or
 * security rows (the durable-commit rule of store_sqlite.c); for the tests. */
int64_t jy_store_sqlite_durable_syncs(jy_store *st);
/* Times the file's background checkpointer was woken by commits of this process (tests). */
int64_t jy_store_sqlite_checkpoint_signals(jy_store *st);
/* jy_store_txn_open for SQLite: a transaction begun on the handle and still open in SQLite. */
int jy_store_sqlite_txn_open(jy_store *st);
/* store_sqlite.c: jy_store_bulk for SQLite (added by the import work, issue 2). */
int jy_store_sqlite_bulk(jy_store *st, int on, jy_err *err);
/* store_pg.c: the handle's connection; jy_store_pg_failed must be called after a statement run
 * on it failed inside a transaction (PostgreSQL aborted the transaction: commit must refuse). */
struct pg_conn *jy_store_pg_conn(jy_store *st);
/* store_pg.c: 1 when the handle has a transaction open (jy_store_begin), without touching the
 * connection (jy_store_pg_conn answers the deferred statements first). */
int jy_store_pg_in_transaction(jy_store *st);
void jy_store_pg_failed(jy_store *st);

/* ---- the case ops (issue 5): cases.c owns the public functions (transactions, audit entries,
 * JSON) and calls the backend's table, jy_sqlite_case_ops (cases_sqlite.c) or jy_pg_case_ops
 * (cases_pg.c). Each op is plain SQL on the backend's connection, joining the open transaction. */
typedef struct jy_case_ops {
    int (*user_get)(jy_store *st, const char *name, jy_user *out, jy_err *err);
    int (*user_insert)(jy_store *st, jy_user *u, jy_err *err); /* fills id */
    int (*user_update)(jy_store *st, const jy_user *u, jy_err *err);
    int (*user_list)(jy_store *st, int (*fn)(void *ctx, const jy_user *u), void *ctx, jy_err *err);
    int (*user_count)(jy_store *st, int64_t *n, jy_err *err);
    int (*case_insert)(jy_store *st, jy_case *c, jy_err *err); /* fills id */
    /* *changed = 0 when the case's state was not expect_state (nothing written) */
    int (*case_update)(jy_store *st, const jy_case *c, const char *expect_state, int *changed, jy_err *err);
    int (*case_get)(jy_store *st, int64_t id, jy_case *out, jy_sb *text, jy_err *err);
    int (*case_list)(jy_store *st, const jy_case_filter *f, int (*fn)(void *ctx, const jy_case *c), void *ctx,
                     jy_err *err);
    int (*case_states_on)(jy_store *st, const jy_case_filter *f, jy_date on, const char *states_json,
                          int (*fn)(void *ctx, const jy_case *c, const char *state, jy_date entered), void *ctx,
                          jy_err *err);
    int (*event_insert)(jy_store *st, jy_case_event *ev, const char *county, jy_err *err); /* fills id */
    int (*events)(jy_store *st, int64_t case_id, int (*fn)(void *ctx, const jy_case_event *e), void *ctx,
                  jy_err *err);
    int (*case_history)(jy_store *st, const char *ids_json, int (*fn)(void *ctx, const jy_case *c), void *ctx,
                        jy_err *err);
    int (*persons_by_idcards)(jy_store *st, const char *idcards_json, int (*fn)(void *ctx, const jy_person *p),
                              void *ctx, jy_err *err);
    int (*statuses_of)(jy_store *st, const char *ids_json, int (*fn)(void *ctx, const jy_person_status *s),
                       void *ctx, jy_err *err);
} jy_case_ops;

extern const jy_case_ops jy_sqlite_case_ops;
extern const jy_case_ops jy_pg_case_ops;

/* The roster marks of a trainee claim (migration 13, cases.roster_exam / roster_cert), written
 * with the case so that a class's roster summary is one aggregate query, not a parse of every
 * trainee's facts on every read of the class: exam = the facts' top-level "exam" when it is a
 * string (NULL otherwise; "other" when longer than the buffer: only "pass" and "absent" are
 * compared), cert = the facts have a top-level "certificate". Other kinds: NULL and 0. */
typedef struct jy_roster_marks {
    int has_exam;
    char exam[32];
    int cert;
} jy_roster_marks;
void jy_store_roster_marks(const jy_case *c, jy_roster_marks *m);

#endif
