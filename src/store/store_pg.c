/* store_pg.c — the PostgreSQL backend of store.h (issue 3: one deployment for a city or region).
 *
 * One libpq connection per jy_store (the HTTP server's pool opens one handle per worker thread;
 * a handle is used by one thread at a time). Every statement is prepared once per connection
 * (PQprepare, lazily on first use) and run with PQexecPrepared and text parameters; the only
 * unprepared texts are the constant migration scripts and transaction keywords.
 *
 * Transactions mirror the SQLite backend's guarantees: the outermost jy_store_begin runs BEGIN
 * and then takes a transaction-scoped advisory lock (pg_advisory_xact_lock) — the equivalent of
 * SQLite's BEGIN IMMEDIATE — so writers from every process queue for the audit chain's tail:
 * the tail read after the lock stays the tail until commit, and the chain never forks. Reads
 * outside a transaction do not take the lock. Nested begins are savepoints.
 *
 * PostgreSQL aborts the whole transaction on any failed statement. Expected outcomes never fail
 * a statement (duplicates are ON CONFLICT DO NOTHING, missing parents come back as no row), so
 * only unexpected database errors do: they mark the transaction broken; an inner rollback (to
 * the savepoint) repairs it, otherwise commit refuses and rolls back.
 *
 * Dates are `date` columns bound and read as ISO text (DateStyle ISO). The audit hash is
 * store.c's jy_store_audit_hash, so a chain is byte-identical on both backends.
 *
 * Bulk puts (docs/scale.md has the figures). Inside a transaction the writer lock makes the
 * handle the only writer, which allows three things without weakening a guarantee:
 *  - a person cache: rows read (lookups, jy_store_person_prefetch) or written in the
 *    transaction, and ID numbers known to be absent, answer later gets and puts without a
 *    round trip; emptied at the transaction's end and at an inner rollback;
 *  - ids from max(id) read after the lock (max + 1, as SQLite's rowid): no answer is needed
 *    from an insert, and the identity sequence is moved past them at commit;
 *  - deferred writes: new persons and audit entries are buffered and inserted 500 at a time
 *    (INSERT … SELECT FROM unnest of array parameters), updates are sent in libpq pipeline
 *    mode; all of it goes out before any other statement, savepoint or commit, so order is
 *    kept, and a database error in it is reported by the next call that waits for an answer,
 *    at the latest by commit, which then rolls back (store.h's contract says so). A put's
 *    result and ids are final when it returns: they come from the cache or a lookup, never
 *    from the deferred statements. */
#include "store/store_impl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store/store_pg_schema.h"

/* Advisory lock key of the writer queue ("jiuy" in ASCII), per database. */
#define PG_WRITER_LOCK "1785296249"
/* Rows fetched per page when walking a list (keyset pagination keeps memory flat and lets a
 * callback use the connection again). */
#define PG_PAGE 1000

enum {
    P_LOCK, P_TAIL, P_TXN_STATE, P_AUDIT_INSERT,
    P_PERSON_INSERT, P_PERSON_INSERT_MANY, P_AUDIT_INSERT_MANY, P_PERSON_PREFETCH, P_PERSON_SETVAL, P_PERSON_BY_IDCARD, P_PERSON_BY_ID, P_PERSON_UPDATE, P_PERSON_LIST,
    P_STATUS_FIND, P_STATUS_INSERT, P_STATUS_LIST, P_STATUS_GET, P_STATUS_UPDATE, P_OSTATUS_FIND, P_OSTATUS_INSERT, P_OSTATUS_LIST, P_OSTATUS_GET,
    P_OSTATUS_UPDATE,
    P_ORG_INSERT, P_ORG_BY_USCC, P_ORG_BY_ID, P_ORG_UPDATE, P_ORG_LIST,
    P_LIC_FIND, P_LIC_INSERT, P_LIC_LIST,
    P_COUNTS, P_GROUP_TOWNSHIP, P_GROUP_STATUS, P_GROUP_ORG_KINDS,
    P_AUDIT_LIST, P_SCHEMA_VERSION, P_MIGRATION_RECORD, P_SET_APP_ROLE,
    P__COUNT
};

#define PERSON_COLS "id, county, idcard, name, sex, birth, ethnicity, education, hukou_division, hukou_kind, phone, address"
#define ORG_COLS "id, county, uscc, name, kinds, size_class, division, legal_person, phone, address, bank_name, bank_account"
#define AUDIT_COLS "seq, at, county, actor, entity, entity_id, action, before_json, after_json, prev_hash, hash, mac"
/* prev_hash/hash/mac are bytea (32 bytes; mac NULL without an audit key); the store sends and
 * reads them as hex text */
#define AUDIT_SELECT "seq, at, county, actor, entity, entity_id, action, before_json, after_json," \
                     " encode(prev_hash, 'hex'), encode(hash, 'hex'), encode(mac, 'hex')"
/* $n is a scope prefix or NULL; county is COLLATE "C", so the range is an index range. */
#define IN_SCOPE(col, n) "(" n "::text IS NULL OR (" col " >= " n " AND " col " < " n " || '~'))"

static const struct {
    int nparams;
    const char *sql;
} pstmt[P__COUNT] = {
    [P_LOCK] = {0, "SELECT pg_advisory_xact_lock(" PG_WRITER_LOCK ")"},
    [P_TAIL] = {0, "SELECT seq, encode(hash, 'hex') FROM audit_log ORDER BY seq DESC LIMIT 1"},
    /* read after the writer lock: the chain's tail and the highest person id stay ours until commit */
    [P_TXN_STATE] = {0, "SELECT t.seq, t.hash, (SELECT coalesce(max(id), 0) FROM persons) FROM (SELECT 1) one"
                        " LEFT JOIN LATERAL (SELECT seq, encode(hash, 'hex') AS hash FROM audit_log ORDER BY seq DESC LIMIT 1) t"
                        " ON true"},
    [P_AUDIT_INSERT] = {12, "INSERT INTO audit_log(" AUDIT_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
                            " decode($10, 'hex'), decode($11, 'hex'), decode($12, 'hex'))"},
    /* the id is assigned by the writer holding the lock (max(id) + 1, as SQLite does), so the
     * insert needs no answer and can be pipelined */
    [P_PERSON_INSERT] = {12, "INSERT INTO persons(id, county, idcard, name, sex, birth, ethnicity, education,"
                             " hukou_division, hukou_kind, phone, address)"
                             " VALUES ($12, $1, $2, $3, $4, $5::date, $6, $7, $8, $9, $10, $11)"},
    /* the buffered forms: one statement per RB_ROWS rows, each column an array */
    [P_PERSON_INSERT_MANY] = {12, "INSERT INTO persons(id, county, idcard, name, sex, birth, ethnicity, education,"
                                  " hukou_division, hukou_kind, phone, address)"
                                  " SELECT * FROM unnest($12::bigint[], $1::text[], $2::text[], $3::text[], $4::text[],"
                                  " $5::date[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])"},
    [P_AUDIT_INSERT_MANY] = {12, "INSERT INTO audit_log(" AUDIT_COLS ") SELECT a, b, c, d, e, f, g, h, i,"
                                 " decode(j, 'hex'), decode(k, 'hex'), decode(l, 'hex') FROM unnest($1::bigint[],"
                                 " $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[],"
                                 " $9::text[], $10::text[], $11::text[], $12::text[]) AS t(a, b, c, d, e, f, g, h, i, j, k, l)"},
    [P_PERSON_PREFETCH] = {1, "SELECT " PERSON_COLS " FROM persons WHERE idcard = ANY($1::text[])"},
    [P_PERSON_SETVAL] = {1, "SELECT setval(pg_get_serial_sequence('persons', 'id'), $1::bigint)"},
    [P_PERSON_BY_IDCARD] = {1, "SELECT " PERSON_COLS " FROM persons WHERE idcard = $1"},
    [P_PERSON_BY_ID] = {1, "SELECT " PERSON_COLS " FROM persons WHERE id = $1"},
    [P_PERSON_UPDATE] = {12, "UPDATE persons SET county = $1, idcard = $2, name = $3, sex = $4, birth = $5::date,"
                             " ethnicity = $6, education = $7, hukou_division = $8, hukou_kind = $9, phone = $10,"
                             " address = $11 WHERE id = $12"},
    [P_PERSON_LIST] = {5, "SELECT " PERSON_COLS " FROM persons WHERE id > $1"
                          " AND ($2::text IS NULL OR left(hukou_division, length($2)) = $2)"
                          " AND ($3::text IS NULL OR strpos(name, $3) > 0)"
                          " AND " IN_SCOPE("county", "$4") " ORDER BY id LIMIT $5"},
    [P_STATUS_FIND] = {5, "SELECT id FROM person_statuses WHERE person_id = $1 AND kind = $2"
                          " AND since IS NOT DISTINCT FROM $3::date AND until IS NOT DISTINCT FROM $4::date"
                          " AND detail = $5"},
    [P_STATUS_INSERT] = {5, "INSERT INTO person_statuses(county, person_id, kind, since, until, detail)"
                            " SELECT county, id, $2, $3::date, $4::date, $5 FROM persons WHERE id = $1"
                            " RETURNING id, county"},
    [P_STATUS_LIST] = {1, "SELECT id, kind, since, until, detail FROM person_statuses WHERE person_id = $1 ORDER BY id"},
    [P_OSTATUS_FIND] = {5, "SELECT id FROM org_statuses WHERE org_id = $1 AND kind = $2"
                           " AND since IS NOT DISTINCT FROM $3::date AND until IS NOT DISTINCT FROM $4::date"
                           " AND detail = $5"},
    [P_OSTATUS_INSERT] = {5, "INSERT INTO org_statuses(county, org_id, kind, since, until, detail)"
                             " SELECT county, id, $2, $3::date, $4::date, $5 FROM orgs WHERE id = $1"
                             " RETURNING id, county"},
    [P_OSTATUS_LIST] = {1, "SELECT id, kind, since, until, detail FROM org_statuses WHERE org_id = $1 ORDER BY id"},
    [P_OSTATUS_GET] = {2, "SELECT kind, since, until, detail, county FROM org_statuses WHERE id = $1 AND org_id = $2"
                          " FOR UPDATE"},
    [P_OSTATUS_UPDATE] = {6, "UPDATE org_statuses SET kind = $3, since = $4::date, until = $5::date, detail = $6"
                             " WHERE id = $1 AND org_id = $2"},
    [P_STATUS_GET] = {2, "SELECT kind, since, until, detail, county FROM person_statuses WHERE id = $1 AND person_id = $2"
                         " FOR UPDATE"},
    [P_STATUS_UPDATE] = {6, "UPDATE person_statuses SET kind = $3, since = $4::date, until = $5::date, detail = $6"
                            " WHERE id = $1 AND person_id = $2"},
    [P_ORG_INSERT] = {11, "INSERT INTO orgs(county, uscc, name, kinds, size_class, division, legal_person, phone,"
                          " address, bank_name, bank_account) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
                          " ON CONFLICT (uscc) DO NOTHING RETURNING id"},
    [P_ORG_BY_USCC] = {1, "SELECT " ORG_COLS " FROM orgs WHERE uscc = $1"},
    [P_ORG_BY_ID] = {1, "SELECT " ORG_COLS " FROM orgs WHERE id = $1"},
    [P_ORG_UPDATE] = {12, "UPDATE orgs SET county = $1, uscc = $2, name = $3, kinds = $4, size_class = $5,"
                          " division = $6, legal_person = $7, phone = $8, address = $9, bank_name = $10,"
                          " bank_account = $11 WHERE id = $12"},
    [P_ORG_LIST] = {5, "SELECT " ORG_COLS " FROM orgs WHERE id > $1"
                       " AND ($2::bigint = 0 OR (kinds & $2::bigint) <> 0)"
                       " AND ($3::text IS NULL OR strpos(name, $3) > 0)"
                       " AND " IN_SCOPE("county", "$4") " ORDER BY id LIMIT $5"},
    [P_LIC_FIND] = {5, "SELECT id FROM org_licences WHERE org_id = $1 AND kind = $2 AND number = $3"
                       " AND valid_from IS NOT DISTINCT FROM $4::date AND valid_until IS NOT DISTINCT FROM $5::date"},
    [P_LIC_INSERT] = {5, "INSERT INTO org_licences(county, org_id, kind, number, valid_from, valid_until)"
                         " SELECT county, id, $2, $3, $4::date, $5::date FROM orgs WHERE id = $1 RETURNING id, county"},
    [P_LIC_LIST] = {1, "SELECT id, kind, number, valid_from, valid_until FROM org_licences WHERE org_id = $1 ORDER BY id"},
    [P_COUNTS] = {1, "SELECT (SELECT count(*) FROM persons WHERE " IN_SCOPE("county", "$1") "),"
                     " (SELECT count(*) FROM orgs WHERE " IN_SCOPE("county", "$1") "),"
                     " (SELECT count(*) FROM person_statuses WHERE " IN_SCOPE("county", "$1") "),"
                     " (SELECT count(*) FROM audit_log WHERE " IN_SCOPE("county", "$1") "),"
                     " (SELECT count(*) FROM org_licences WHERE " IN_SCOPE("county", "$1") ")"},
    [P_GROUP_TOWNSHIP] = {1, "SELECT left(hukou_division, 9) AS k, count(*) FROM persons"
                             " WHERE " IN_SCOPE("county", "$1") " GROUP BY k ORDER BY k"},
    [P_GROUP_STATUS] = {2, "SELECT kind, count(DISTINCT person_id) FROM person_statuses"
                           " WHERE (since IS NULL OR since <= $2::date) AND (until IS NULL OR until >= $2::date)"
                           " AND " IN_SCOPE("county", "$1") " GROUP BY kind ORDER BY kind"},
    [P_GROUP_ORG_KINDS] = {1, "SELECT kinds::text, count(*) FROM orgs WHERE " IN_SCOPE("county", "$1")
                              " GROUP BY kinds ORDER BY kinds"},
    [P_AUDIT_LIST] = {2, "SELECT " AUDIT_SELECT " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"},
    [P_SCHEMA_VERSION] = {0, "SELECT coalesce(max(version), 0) FROM schema_migrations"},
    [P_MIGRATION_RECORD] = {3, "INSERT INTO schema_migrations(version, description, applied_at) VALUES ($1, $2, $3)"},
    /* the role name reaches the grants below as a transaction-local setting: bound here,
     * quoted by the server (format %I), never spliced into SQL text */
    [P_SET_APP_ROLE] = {1, "SELECT set_config('jiuye.app_role', $1, true)"},
};

/* Pipeline (libpq pipeline mode): inside a transaction, the statements whose answer a call does
 * not need (inserts, updates, audit entries) are sent without waiting, and their results are
 * read back in order later. A sync point follows every PL_GROUP statements and the oldest group
 * is read back before PL_RING entries are in flight, so neither side's buffers fill up. */
#define PL_RING 1024
#define PL_GROUP 128

typedef struct pl_entry {
    const char *what; /* for error messages; a constant string */
    short kind;       /* PL_QUERY, PL_WANTED (run() keeps its result), PL_SYNC */
    short prep;       /* statement id when this is its PQsendPrepare, else -1 */
} pl_entry;
enum { PL_QUERY, PL_WANTED, PL_SYNC };

/* Row buffers: inside a transaction new persons and audit entries are not sent one statement
 * each but collected, a column per array literal, and inserted RB_ROWS at a time with one
 * INSERT … SELECT FROM unnest(…) in the pipeline. Anything else sent, and every transaction
 * boundary, flushes them first (so statement order is kept); a rollback discards them. */
#define RB_ROWS 500
#define RB_COLS 12
enum { RB_PERSON, RB_AUDIT, RB__COUNT };
typedef struct rowbuf {
    int stmt, ncols, nrows;
    const char *what;
    jy_sb col[RB_COLS]; /* "{\"v1\",NULL,…" without the closing brace */
} rowbuf;

/* Person rows known inside the open transaction (the writer lock is held, so nobody else can
 * change them): present with the stored row, or known absent. Filled by lookups, prefetches and
 * our own writes; emptied when the transaction ends and at an inner rollback. Entries live in a
 * dense array; the open-addressing index holds their positions + 1 (0 = empty slot). */
#define PC_MAX 200000
typedef struct pc_entry {
    int present;
    jy_person p;
} pc_entry;

typedef struct pg_store {
    jy_store base;
    PGconn *conn;
    unsigned char prepared[P__COUNT];
    int depth;      /* nesting of jy_store_begin */
    int broken;     /* a statement failed in the open transaction (PostgreSQL aborted it) */
    int tail_valid; /* tail_seq/tail_hash hold the audit chain's end (inside a transaction) */
    int64_t tail_seq;
    char tail_hash[65];
    int64_t max_person_id; /* highest person id, read with the tail; new ids continue from it */
    int person_ids_used;   /* ids were assigned in this transaction: move the identity sequence */
    jy_sb before, after;   /* reused for audit JSON */
    jy_sb arr;             /* reused for array parameters */
    rowbuf rb[RB__COUNT];
    /* pipeline */
    int piped;
    pl_entry ring[PL_RING];
    int ring_head, ring_n, since_sync;
    int pl_rc; /* first error read back from the pipeline, not yet reported */
    jy_err pl_err;
    /* person cache */
    pc_entry *pc;
    int pc_n, pc_cap;
    uint32_t *pc_index;
    uint32_t pc_mask; /* index size - 1 (a power of two), 0 before the first entry */
    unsigned pc_gen;  /* counts pc_clear calls */
    unsigned rb_gen;  /* pc_gen when the person buffer got its first row */
    int lookup;       /* run() is looking up a person by ID number (see pl_send) */
} pg_store;

/* ---------------------------------------------------------------- statement helpers */

/* Fills err from a failed result (or the connection when res is NULL): unique violations,
 * serialisation failures, deadlocks and lock timeouts are JY_ECONFLICT, the rest JY_EDB. */
static int pg_fail(pg_store *st, const PGresult *res, const char *what, jy_err *err)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!msg || !*msg) msg = PQerrorMessage(st->conn);
    int code = JY_EDB;
    if (state && (strcmp(state, "23505") == 0 || strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
                  strcmp(state, "55P03") == 0))
        code = JY_ECONFLICT;
    if (st->depth > 0) st->broken = 1;
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) n--;
    return jy_err_set2(err, code, "store.db.error_pg", "database: %.*s (%s%s%s)", "数据库操作失败：%.*s（%s%s%s）",
                       (int)(n > 300 ? 300 : n), msg, what, state ? ", SQLSTATE " : "", state ? state : "");
}

static void stmt_name(char name[16], int id)
{
    snprintf(name, 16, "jy%d", id);
}

/* ---- pipeline ---- */

static void pl_push(pg_store *st, int kind, int prep, const char *what)
{
    pl_entry *e = &st->ring[(st->ring_head + st->ring_n) % PL_RING];
    e->what = what;
    e->kind = (short)kind;
    e->prep = (short)prep;
    st->ring_n++;
}

/* Reads back the oldest entry in flight. A failed statement's error is kept in st->pl_err (the
 * first one only; PostgreSQL skips the rest of the group, PGRES_PIPELINE_ABORTED). The result
 * of a PL_WANTED entry is handed to *want when it succeeded. */
static void pl_read_one(pg_store *st, PGresult **want)
{
    pl_entry e = st->ring[st->ring_head];
    st->ring_head = (st->ring_head + 1) % PL_RING;
    st->ring_n--;
    PGresult *r = PQgetResult(st->conn);
    ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (e.kind == PL_SYNC) {
        if (s != PGRES_PIPELINE_SYNC && st->pl_rc == 0) st->pl_rc = pg_fail(st, r, "pipeline sync", &st->pl_err);
        PQclear(r);
        return;
    }
    int ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
    if (!ok) {
        if (e.prep >= 0) st->prepared[e.prep] = 0;
        if (s == PGRES_PIPELINE_ABORTED) {
            if (st->depth > 0) st->broken = 1;
            if (st->pl_rc == 0)
                st->pl_rc = jy_err_set2(&st->pl_err, JY_EDB, "store.db.txn_aborted_by",
                                        "database: the transaction was aborted by an earlier error (%s)",
                                        "数据库：事务已因先前的错误中止（%s）", e.what);
        } else if (st->pl_rc == 0) {
            st->pl_rc = pg_fail(st, r, e.what, &st->pl_err);
        } else {
            pg_fail(st, r, e.what, NULL);
        }
    }
    if (ok && e.kind == PL_WANTED && want) {
        *want = r;
        r = NULL;
    }
    PQclear(r);
    /* each statement's results end with a NULL */
    PGresult *end = PQgetResult(st->conn);
    while (end) { /* not expected: drain whatever else came */
        PQclear(end);
        end = PQgetResult(st->conn);
    }
}

static void pl_sync(pg_store *st)
{
    if (PQpipelineSync(st->conn) != 1) {
        if (st->pl_rc == 0) st->pl_rc = pg_fail(st, NULL, "pipeline sync", &st->pl_err);
        return;
    }
    pl_push(st, PL_SYNC, -1, "pipeline sync");
    st->since_sync = 0;
}

/* Reports (once) an error read back from the pipeline. */
static int pl_report(pg_store *st, jy_err *err)
{
    int rc = st->pl_rc;
    if (rc) {
        if (err) *err = st->pl_err;
        st->pl_rc = 0;
    }
    return rc;
}

/* Sends everything in flight, waits for all of it and reports the first error. Stays in
 * pipeline mode. */
static int pl_drain(pg_store *st, jy_err *err)
{
    if (!st->piped) return pl_report(st, err);
    if (st->ring_n > 0 && st->since_sync > 0) pl_sync(st);
    while (st->ring_n > 0) pl_read_one(st, NULL);
    return pl_report(st, err);
}

/* Drains the pipeline and leaves pipeline mode, so synchronous calls can run again. */
static int pl_end(pg_store *st, jy_err *err)
{
    if (!st->piped) return pl_report(st, err);
    int rc = pl_drain(st, err);
    if (PQexitPipelineMode(st->conn) != 1 && rc == 0) rc = pg_fail(st, NULL, "leaving pipeline mode", err);
    st->piped = 0;
    return rc;
}

/* Queues prepared statement id (preparing it in the pipeline on first use). kind PL_WANTED
 * marks the one whose result run() waits for. */
static int pl_send_raw(pg_store *st, int id, const char *const *vals, int kind, const char *what, jy_err *err)
{
    char name[16];
    stmt_name(name, id);
    if (st->depth > 0 && st->broken) {
        if (pl_report(st, err)) return JY_EDB;
        return jy_err_set2(err, JY_EDB, "store.db.txn_aborted_what",
                           "database: the transaction was aborted by an earlier error; roll it back (%s)",
                           "数据库：事务已因先前的错误中止，请回滚（%s）", what);
    }
    if (!st->piped) {
        if (PQenterPipelineMode(st->conn) != 1) return pg_fail(st, NULL, "entering pipeline mode", err);
        st->piped = 1;
        st->ring_head = st->ring_n = st->since_sync = 0;
    }
    if (!st->prepared[id]) {
        if (PQsendPrepare(st->conn, name, pstmt[id].sql, pstmt[id].nparams, NULL) != 1)
            return pg_fail(st, NULL, what, err);
        st->prepared[id] = 1;
        pl_push(st, PL_QUERY, id, what);
        st->since_sync++;
    }
    if (PQsendQueryPrepared(st->conn, name, pstmt[id].nparams, vals, NULL, NULL, 0) != 1)
        return pg_fail(st, NULL, what, err);
    pl_push(st, kind, -1, what);
    st->since_sync++;
    if (kind == PL_WANTED) return 0;
    if (st->since_sync >= PL_GROUP) pl_sync(st);
    /* read back the oldest group(s) so the in-flight window stays bounded */
    while (st->ring_n > PL_RING - PL_GROUP - 4) pl_read_one(st, NULL);
    return pl_report(st, err);
}

/* ---- row buffers ---- */

static void rb_init(pg_store *st)
{
    static const struct { int stmt, ncols; const char *what; } def[RB__COUNT] = {
        [RB_PERSON] = {P_PERSON_INSERT_MANY, 12, "inserting persons"},
        [RB_AUDIT] = {P_AUDIT_INSERT_MANY, 12, "appending to the audit log"},
    };
    for (int b = 0; b < RB__COUNT; b++) {
        st->rb[b].stmt = def[b].stmt;
        st->rb[b].ncols = def[b].ncols;
        st->rb[b].what = def[b].what;
        for (int c = 0; c < RB_COLS; c++) jy_sb_init(&st->rb[b].col[c]);
    }
}

static void rb_free(pg_store *st)
{
    for (int b = 0; b < RB__COUNT; b++)
        for (int c = 0; c < RB_COLS; c++) jy_sb_free(&st->rb[b].col[c]);
}

static void rb_discard(pg_store *st)
{
    for (int b = 0; b < RB__COUNT; b++) st->rb[b].nrows = 0;
}

/* Sends buffer b's rows as one statement (pipelined). */
static int rb_send(pg_store *st, int b, jy_err *err)
{
    rowbuf *rb = &st->rb[b];
    if (rb->nrows == 0) return 0;
    const char *v[RB_COLS];
    for (int c = 0; c < rb->ncols; c++) {
        jy_sb_appendc(&rb->col[c], '}');
        v[c] = jy_sb_cstr(&rb->col[c]);
    }
    rb->nrows = 0; /* libpq copies the parameters into its output buffer at once */
    return pl_send_raw(st, rb->stmt, v, PL_QUERY, rb->what, err);
}

static int rb_flush(pg_store *st, jy_err *err)
{
    int rc = 0;
    for (int b = 0; b < RB__COUNT && rc == 0; b++) rc = rb_send(st, b, err);
    return rc;
}

/* Adds one row (vals[i] NULL = SQL NULL) to buffer b; sends the buffer when it is full. */
static int rb_add(pg_store *st, int b, const char *const *vals, jy_err *err)
{
    rowbuf *rb = &st->rb[b];
    if (st->broken) return pl_send_raw(st, rb->stmt, vals, PL_QUERY, rb->what, err); /* reports it */
    if (b == RB_PERSON && rb->nrows == 0) st->rb_gen = st->pc_gen;
    for (int c = 0; c < rb->ncols; c++) {
        jy_sb *sb = &rb->col[c];
        if (rb->nrows == 0) {
            jy_sb_reset(sb);
            jy_sb_appendc(sb, '{');
        } else {
            jy_sb_appendc(sb, ',');
        }
        if (!vals[c]) {
            jy_sb_append(sb, "NULL");
            continue;
        }
        /* an array element in double quotes: backslash before " and \ */
        jy_sb_appendc(sb, '"');
        const char *from = vals[c];
        for (const char *q = from; *q; q++) {
            if (*q != '"' && *q != '\\') continue;
            jy_sb_appendn(sb, from, (size_t)(q - from));
            jy_sb_appendc(sb, '\\');
            from = q;
        }
        jy_sb_append(sb, from);
        jy_sb_appendc(sb, '"');
    }
    if (++rb->nrows >= RB_ROWS) return rb_send(st, b, err);
    return 0;
}

/* Queues a statement after whatever the row buffers hold. */
static int pl_send(pg_store *st, int id, const char *const *vals, int kind, const char *what, jy_err *err)
{
    /* A person lookup by ID number may pass the buffered rows: each of them is in the person
     * cache, so it is never looked up, as long as the cache has not forgotten since. */
    int pass = st->lookup && (st->rb[RB_PERSON].nrows == 0 || st->rb_gen == st->pc_gen);
    int rc = pass ? 0 : rb_flush(st, err);
    return rc ? rc : pl_send_raw(st, id, vals, kind, what, err);
}

/* Runs prepared statement id with text parameters (NULL = SQL NULL). Returns the result on
 * success (caller PQclears it) or NULL with err filled. In pipeline mode the statement joins the
 * pipeline and a sync follows it: one round trip reads back everything queued before it, then
 * its own result. */
static PGresult *run(pg_store *st, int id, const char *const *vals, const char *what, jy_err *err)
{
    char name[16];
    stmt_name(name, id);
    if (st->depth > 0 && st->broken) {
        if (pl_end(st, err) == 0)
            jy_err_set2(err, JY_EDB, "store.db.txn_aborted_what",
                        "database: the transaction was aborted by an earlier error; roll it back (%s)",
                        "数据库：事务已因先前的错误中止，请回滚（%s）", what);
        return NULL;
    }
    if (st->piped || st->rb[RB_PERSON].nrows || st->rb[RB_AUDIT].nrows) {
        if (pl_send(st, id, vals, PL_WANTED, what, err)) return NULL;
        pl_sync(st);
        PGresult *res = NULL;
        while (st->ring_n > 0) pl_read_one(st, &res);
        if (st->pl_rc) {
            PQclear(res);
            pl_report(st, err);
            return NULL;
        }
        if (!res) jy_err_set2(err, JY_EDB, "store.db.no_result", "database: no result (%s)", "数据库没有返回结果（%s）", what);
        return res;
    }
    if (!st->prepared[id]) {
        PGresult *p = PQprepare(st->conn, name, pstmt[id].sql, pstmt[id].nparams, NULL);
        if (PQresultStatus(p) != PGRES_COMMAND_OK) {
            pg_fail(st, p, what, err);
            PQclear(p);
            return NULL;
        }
        PQclear(p);
        st->prepared[id] = 1;
    }
    PGresult *res = PQexecPrepared(st->conn, name, pstmt[id].nparams, vals, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(res);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        pg_fail(st, res, what, err);
        PQclear(res);
        return NULL;
    }
    return res;
}

/* Runs a statement and discards its rows. */
static int run_done(pg_store *st, int id, const char *const *vals, const char *what, jy_err *err)
{
    PGresult *r = run(st, id, vals, what, err);
    if (!r) return err ? err->code : JY_EDB;
    PQclear(r);
    return 0;
}

/* Sends a change whose answer is not needed now: pipelined inside a transaction (an error is
 * reported by a later call, at the latest by commit), run at once outside one. */
static int run_later(pg_store *st, int id, const char *const *vals, const char *what, jy_err *err)
{
    if (st->depth == 0) return run_done(st, id, vals, what, err);
    if (id == P_PERSON_INSERT) return rb_add(st, RB_PERSON, vals, err);
    if (id == P_AUDIT_INSERT) return rb_add(st, RB_AUDIT, vals, err);
    return pl_send(st, id, vals, PL_QUERY, what, err);
}

/* Runs a constant command (transaction keywords, migration scripts): never built from data.
 * Whatever is in flight is drained first (an error there is returned instead). */
static int exec_const(pg_store *st, const char *sql, const char *what, jy_err *err)
{
    int rc = rb_flush(st, err), rc2 = pl_end(st, rc ? NULL : err);
    if (rc || (rc = rc2)) return rc;
    PGresult *r = PQexec(st->conn, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) rc = pg_fail(st, r, what, err);
    PQclear(r);
    return rc;
}

/* ---- person cache ---- */

static uint32_t pc_hash(const char *idcard)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *c = (const unsigned char *)idcard; *c; c++) h = (h ^ *c) * 16777619u;
    return h;
}

static void pc_clear(pg_store *st)
{
    st->pc_gen++;
    st->pc_n = 0;
    if (st->pc_index) memset(st->pc_index, 0, ((size_t)st->pc_mask + 1) * sizeof *st->pc_index);
}

static pc_entry *pc_find(pg_store *st, const char *idcard)
{
    if (!st->pc_mask || st->depth == 0 || st->broken) return NULL;
    for (uint32_t i = pc_hash(idcard) & st->pc_mask;; i = (i + 1) & st->pc_mask) {
        uint32_t k = st->pc_index[i];
        if (k == 0) return NULL;
        if (strcmp(st->pc[k - 1].p.idcard, idcard) == 0) return &st->pc[k - 1];
    }
}

/* Records what the database holds under idcard (row NULL: no such person); only inside a
 * transaction, whose writer lock keeps it true until the end. Out of memory or full: forgets
 * everything, which only costs lookups. */
static void pc_note(pg_store *st, const char *idcard, const jy_person *row)
{
    if (st->depth == 0 || st->broken) return;
    pc_entry *e = pc_find(st, idcard);
    if (!e) {
        if (st->pc_n >= PC_MAX) pc_clear(st);
        if (st->pc_n == st->pc_cap) {
            int cap = st->pc_cap ? st->pc_cap * 2 : 1024;
            pc_entry *n = realloc(st->pc, (size_t)cap * sizeof *n);
            if (!n) {
                pc_clear(st);
                return;
            }
            st->pc = n;
            st->pc_cap = cap;
        }
        if ((uint32_t)(st->pc_n + 1) * 2 > st->pc_mask) { /* keep the index at most half full */
            uint32_t size = st->pc_mask ? (st->pc_mask + 1) * 2 : 4096;
            uint32_t *idx = calloc(size, sizeof *idx);
            if (!idx) {
                pc_clear(st);
                return;
            }
            free(st->pc_index);
            st->pc_index = idx;
            st->pc_mask = size - 1;
            for (int k = 0; k < st->pc_n; k++) {
                uint32_t i = pc_hash(st->pc[k].p.idcard) & st->pc_mask;
                while (idx[i]) i = (i + 1) & st->pc_mask;
                idx[i] = (uint32_t)k + 1;
            }
        }
        e = &st->pc[st->pc_n++];
        uint32_t i = pc_hash(idcard) & st->pc_mask;
        while (st->pc_index[i]) i = (i + 1) & st->pc_mask;
        st->pc_index[i] = (uint32_t)st->pc_n;
    }
    if (row) {
        e->present = 1;
        e->p = *row;
    } else {
        e->present = 0;
        memset(&e->p, 0, sizeof e->p);
        jy_store_copy_utf8(e->p.idcard, sizeof e->p.idcard, idcard);
    }
}

static const char *fmt_i64(char buf[24], int64_t v)
{
    snprintf(buf, 24, "%" PRId64, v);
    return buf;
}

/* ISO text of a date into buf, or NULL when null_zero and d == 0. */
static const char *fmt_date(char buf[JY_DATE_BUFSZ], jy_date d, int null_zero)
{
    if (null_zero && d == 0) return NULL;
    return jy_date_format(d, buf);
}

static const char *scope_param(pg_store *st)
{
    return st->base.scope[0] ? st->base.scope : NULL;
}

static void col_copy(const PGresult *r, int row, int col, char *dst, size_t cap)
{
    jy_store_copy_utf8(dst, cap, PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col));
}

static int64_t col_i64(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static jy_date col_date(const PGresult *r, int row, int col)
{
    jy_date d = 0;
    if (PQgetisnull(r, row, col) || jy_date_parse(PQgetvalue(r, row, col), &d, NULL) != 0) d = 0;
    return d;
}

/* ---------------------------------------------------------------- transactions */

/* Reads the state a writer works from, right after taking the writer lock: the audit chain's
 * tail and the highest person id (new persons get the next ids, as SQLite gives max(rowid)+1). */
static int load_tail(pg_store *st, jy_err *err)
{
    PGresult *r = run(st, P_TXN_STATE, NULL, "reading the audit log's tail", err);
    if (!r) return JY_EDB;
    if (PQntuples(r) == 1 && !PQgetisnull(r, 0, 0)) {
        st->tail_seq = col_i64(r, 0, 0);
        col_copy(r, 0, 1, st->tail_hash, sizeof st->tail_hash);
    } else {
        st->tail_seq = 0;
        memcpy(st->tail_hash, jy_store_genesis_hash, 65);
    }
    st->max_person_id = PQntuples(r) == 1 ? col_i64(r, 0, 2) : 0;
    PQclear(r);
    st->tail_valid = 1;
    return 0;
}

/* Forgets what only held inside the transaction (or since the savepoint rolled back to). */
static void txn_forget(pg_store *st)
{
    pc_clear(st);
    st->tail_valid = 0;
}

static int pg_begin(jy_store *base, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    int rc;
    if (st->depth == 0) {
        if ((rc = exec_const(st, "BEGIN", "starting a transaction", err))) return rc;
        st->depth = 1;
        st->broken = 0;
        st->person_ids_used = 0;
        txn_forget(st);
        /* the writer queue: held until commit or rollback */
        if ((rc = run_done(st, P_LOCK, NULL, "waiting for the writer lock", err)) || (rc = load_tail(st, err))) {
            exec_const(st, "ROLLBACK", "rolling back", NULL);
            st->depth = 0;
            st->broken = 0;
            return rc;
        }
        return 0;
    }
    /* the savepoint comes after everything in flight has been answered (exec_const drains), so
     * a deferred error belongs to the outer level, never to this one */
    if (!st->broken && (rc = exec_const(st, "SAVEPOINT jy_nested", "opening a savepoint", err))) return rc;
    if (st->broken)
        return jy_err_set2(err, JY_EDB, "store.db.txn_aborted",
                           "database: the transaction was aborted by an earlier error; roll it back",
                           "数据库：事务已因先前的错误中止，请回滚");
    st->depth++;
    return 0;
}

static int pg_rollback(jy_store *base, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    if (st->depth == 0)
        return jy_err_set2(err, JY_EINVAL, "store.txn.rollback_none", "rollback without a transaction",
                           "没有进行中的事务，无法回滚");
    rb_discard(st);   /* rows not sent yet belong to what is rolled back */
    pl_end(st, NULL); /* what was in flight is being rolled back: its errors no longer matter */
    st->pl_rc = 0;
    st->depth--;
    txn_forget(st);
    if (st->depth == 0) {
        st->broken = 0;
        st->person_ids_used = 0;
        return exec_const(st, "ROLLBACK", "rolling back", err);
    }
    /* ROLLBACK TO works in an aborted transaction: it repairs it */
    int saved = st->depth;
    st->depth = 0; /* so a failure here is reported, not folded into "broken" */
    int rc = exec_const(st, "ROLLBACK TO SAVEPOINT jy_nested", "rolling back to a savepoint", err);
    if (rc == 0) rc = exec_const(st, "RELEASE SAVEPOINT jy_nested", "releasing a savepoint", err);
    st->depth = saved;
    if (rc) {
        st->broken = 1;
        return rc;
    }
    st->broken = 0;
    return load_tail(st, err);
}

static int pg_commit(jy_store *base, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    if (st->depth == 0)
        return jy_err_set2(err, JY_EINVAL, "store.txn.commit_none", "commit without a transaction",
                           "没有进行中的事务，无法提交");
    /* the outermost commit moves the identity sequence past the ids handed out, so an insert
     * that leaves the id to the default (a tool, an operator) cannot collide with them */
    if (st->depth == 1 && st->person_ids_used && !st->broken) {
        char maxid[24];
        const char *v[1] = {fmt_i64(maxid, st->max_person_id)};
        run_later(st, P_PERSON_SETVAL, v, "moving the person id sequence", NULL);
    }
    /* every change in flight is answered before the commit decides */
    jy_err late = {0};
    int late_rc = st->broken ? 0 : rb_flush(st, &late);
    if (late_rc == 0) late_rc = pl_end(st, &late);
    if (st->broken || late_rc) {
        /* pair this commit with its begin, rolling back the aborted work */
        int depth = st->depth;
        pg_rollback(base, NULL);
        if (late_rc)
            return jy_err_wrap2(err, late_rc == JY_ECONFLICT ? JY_ECONFLICT : JY_EDB, &late,
                                "transaction rolled back%s: %.0s", "事务已回滚%2$s：%1$.0s",
                                depth > 1 ? " (inner level)" : "", depth > 1 ? "（内层）" : "");
        return jy_err_set2(
            err, JY_EDB, "store.txn.rolled_back", "transaction rolled back: an earlier change failed%s%.0s",
            "事务已回滚%2$s：先前的一项更改失败%1$.0s", depth > 1 ? " (inner level)" : "", depth > 1 ? "（内层）" : "");
    }
    if (st->depth > 1) {
        st->depth--;
        return exec_const(st, "RELEASE SAVEPOINT jy_nested", "releasing a savepoint", err);
    }
    int rc = exec_const(st, "COMMIT", "committing", err);
    st->depth = 0;
    st->broken = 0;
    st->person_ids_used = 0;
    txn_forget(st);
    if (rc && PQtransactionStatus(st->conn) != PQTRANS_IDLE) exec_const(st, "ROLLBACK", "rolling back", NULL);
    return rc;
}

static int txn_enter(pg_store *st, int *own, jy_err *err)
{
    *own = 0;
    if (st->depth > 0) return 0;
    int rc = pg_begin(&st->base, err);
    if (rc == 0) *own = 1;
    return rc;
}

static int txn_leave(pg_store *st, int own, int rc, jy_err *err)
{
    if (!own) return rc;
    if (rc == 0) return pg_commit(&st->base, err);
    pg_rollback(&st->base, NULL);
    return rc;
}

/* ---------------------------------------------------------------- audit */

static int audit_insert(pg_store *st, const char *actor, const char *county, const char *entity,
                        int64_t entity_id, const char *action, const char *before_json,
                        const char *after_json, jy_err *err)
{
    if (!st->tail_valid)
        return jy_err_set2(err, JY_EDB, "store.audit.no_txn", "audit: no transaction open",
                           "审计日志：没有进行中的事务");
    jy_audit_entry e;
    e.seq = st->tail_seq + 1;
    jy_store_now(e.at, sizeof e.at);
    jy_store_copy_utf8(e.county, sizeof e.county, county);
    jy_store_copy_utf8(e.actor, sizeof e.actor, actor);
    jy_store_copy_utf8(e.entity, sizeof e.entity, entity);
    e.entity_id = entity_id;
    jy_store_copy_utf8(e.action, sizeof e.action, action);
    e.before_json = before_json;
    e.after_json = after_json;
    memcpy(e.prev_hash, st->tail_hash, 65);
    jy_store_audit_hash(&e, e.hash);
    jy_store_audit_mac(&st->base, e.hash, e.mac); /* "" without an audit key: stored NULL */

    char seq[24], eid[24];
    const char *v[12] = {fmt_i64(seq, e.seq), e.at, e.county, e.actor, e.entity, fmt_i64(eid, e.entity_id),
                         e.action, before_json, after_json, e.prev_hash, e.hash, e.mac[0] ? e.mac : NULL};
    int rc = run_later(st, P_AUDIT_INSERT, v, "appending to the audit log", err);
    if (rc) return rc;
    st->tail_seq = e.seq;
    memcpy(st->tail_hash, e.hash, 65);
    return 0;
}

static int pg_audit_append(jy_store *base, const char *actor, const char *county, const char *entity,
                           int64_t entity_id, const char *action, const char *before_json,
                           const char *after_json, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    int own, rc = txn_enter(st, &own, err);
    if (rc) return rc;
    rc = audit_insert(st, actor, county, entity, entity_id, action, before_json, after_json, err);
    return txn_leave(st, own, rc, err);
}

static int pg_audit_list(jy_store *base, int64_t after_seq, int limit,
                         int (*fn)(void *ctx, const jy_audit_entry *e), void *ctx, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    int64_t last = after_seq, left = limit > 0 ? limit : INT64_MAX;
    jy_audit_entry e;
    for (;;) {
        char a[24], l[24];
        const char *v[2] = {fmt_i64(a, last), fmt_i64(l, left < PG_PAGE ? left : PG_PAGE)};
        PGresult *r = run(st, P_AUDIT_LIST, v, "listing the audit log", err);
        if (!r) return JY_EDB;
        int n = PQntuples(r), stop = 0;
        for (int i = 0; i < n && !stop; i++) {
            e.seq = col_i64(r, i, 0);
            col_copy(r, i, 1, e.at, sizeof e.at);
            col_copy(r, i, 2, e.county, sizeof e.county);
            col_copy(r, i, 3, e.actor, sizeof e.actor);
            col_copy(r, i, 4, e.entity, sizeof e.entity);
            e.entity_id = col_i64(r, i, 5);
            col_copy(r, i, 6, e.action, sizeof e.action);
            e.before_json = PQgetisnull(r, i, 7) ? NULL : PQgetvalue(r, i, 7);
            e.after_json = PQgetisnull(r, i, 8) ? NULL : PQgetvalue(r, i, 8);
            col_copy(r, i, 9, e.prev_hash, sizeof e.prev_hash);
            col_copy(r, i, 10, e.hash, sizeof e.hash);
            col_copy(r, i, 11, e.mac, sizeof e.mac); /* NULL → "" */
            last = e.seq;
            left--;
            stop = fn(ctx, &e) != 0;
        }
        PQclear(r);
        if (stop || n < PG_PAGE || left <= 0) return 0;
    }
}

static int pg_audit_head(jy_store *base, int64_t *seq, char hash[65], jy_err *err)
{
    pg_store *st = (pg_store *)base;
    PGresult *r = run(st, P_TAIL, NULL, "reading the audit log's head", err);
    if (!r) return JY_EDB;
    if (PQntuples(r) == 1) {
        *seq = col_i64(r, 0, 0);
        col_copy(r, 0, 1, hash, 65);
    } else {
        *seq = 0;
        memcpy(hash, jy_store_genesis_hash, 65);
    }
    PQclear(r);
    return 0;
}

/* ---------------------------------------------------------------- persons */

typedef struct person_params {
    char birth[JY_DATE_BUFSZ], sex[2], id[24];
    const char *v[12];
} person_params;

static void bind_person(person_params *pp, const jy_person *p)
{
    pp->sex[0] = p->sex;
    pp->sex[1] = '\0';
    pp->v[0] = p->county;
    pp->v[1] = p->idcard;
    pp->v[2] = p->name;
    pp->v[3] = pp->sex;
    pp->v[4] = jy_date_format(p->birth, pp->birth);
    pp->v[5] = p->ethnicity;
    pp->v[6] = p->education;
    pp->v[7] = p->hukou_division;
    pp->v[8] = jy_hukou_kind_name(p->hukou_kind);
    pp->v[9] = p->phone;
    pp->v[10] = p->address;
    pp->v[11] = fmt_i64(pp->id, p->id);
}

static void read_person(const PGresult *r, int i, jy_person *p)
{
    memset(p, 0, sizeof *p);
    p->id = col_i64(r, i, 0);
    col_copy(r, i, 1, p->county, sizeof p->county);
    col_copy(r, i, 2, p->idcard, sizeof p->idcard);
    col_copy(r, i, 3, p->name, sizeof p->name);
    p->sex = PQgetisnull(r, i, 4) ? 0 : PQgetvalue(r, i, 4)[0];
    p->birth = col_date(r, i, 5);
    col_copy(r, i, 6, p->ethnicity, sizeof p->ethnicity);
    col_copy(r, i, 7, p->education, sizeof p->education);
    col_copy(r, i, 8, p->hukou_division, sizeof p->hukou_division);
    if (jy_hukou_kind_parse(PQgetvalue(r, i, 9), &p->hukou_kind) != 0) p->hukou_kind = JY_HUKOU_UNKNOWN;
    col_copy(r, i, 10, p->phone, sizeof p->phone);
    col_copy(r, i, 11, p->address, sizeof p->address);
}

static int person_same(const jy_person *a, const jy_person *b)
{
    return a->sex == b->sex && a->birth == b->birth && a->hukou_kind == b->hukou_kind &&
           strcmp(a->name, b->name) == 0 && strcmp(a->county, b->county) == 0 &&
           strcmp(a->idcard, b->idcard) == 0 && strcmp(a->ethnicity, b->ethnicity) == 0 &&
           strcmp(a->education, b->education) == 0 && strcmp(a->hukou_division, b->hukou_division) == 0 &&
           strcmp(a->phone, b->phone) == 0 && strcmp(a->address, b->address) == 0;
}

static int pg_person_get(jy_store *base, int64_t id, const char *idcard, jy_person *out, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    if (idcard) { /* inside a writer's transaction a known row (or its absence) needs no lookup */
        pc_entry *e = pc_find(st, idcard);
        if (e && !e->present)
            return jy_err_set2(err, JY_ENOTFOUND, "store.person.not_found_idcard", "no person with ID number %s",
                               "没有身份证号码为 %s 的人员", idcard);
        if (e) {
            *out = e->p;
            return 0;
        }
    }
    char idb[24];
    const char *v[1] = {idcard ? idcard : fmt_i64(idb, id)};
    st->lookup = idcard != NULL;
    PGresult *r = run(st, idcard ? P_PERSON_BY_IDCARD : P_PERSON_BY_ID, v, "looking up a person", err);
    st->lookup = 0;
    if (!r) return JY_EDB;
    int rc = 0;
    if (PQntuples(r) != 1) {
        if (idcard) {
            rc = jy_err_set2(err, JY_ENOTFOUND, "store.person.not_found_idcard", "no person with ID number %s",
                             "没有身份证号码为 %s 的人员", idcard);
            pc_note(st, idcard, NULL);
        } else {
            rc = jy_err_set2(err, JY_ENOTFOUND, "store.person.not_found_id", "no person with id %" PRId64,
                             "没有编号为 %" PRId64 " 的人员", id);
        }
    } else {
        read_person(r, 0, out);
        pc_note(st, out->idcard, out);
    }
    PQclear(r);
    return rc;
}

/* Reads the stored rows of n ID numbers in one statement (chunks of PREFETCH_CHUNK) into the
 * transaction's person cache, the absent ones as absent, so the puts and gets of them that
 * follow in the transaction need no lookup of their own. Outside a transaction it does nothing
 * (without the writer lock what it read could change). ID numbers already known and ones that
 * are not 18 characters of digits and X are skipped. */
#define PREFETCH_CHUNK 5000
static int pg_person_prefetch(jy_store *base, const char *const *idcards, size_t n, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    if (st->depth == 0 || st->broken) return 0;
    size_t i = 0;
    while (i < n) {
        /* {"id1","id2",…}: the elements are checked to be [0-9X], so no quoting is needed */
        jy_sb_reset(&st->arr);
        jy_sb_appendc(&st->arr, '{');
        size_t start = i, taken = 0;
        for (; i < n && taken < PREFETCH_CHUNK; i++) {
            const char *c = idcards[i];
            if (!c || strlen(c) != 18 || strspn(c, "0123456789X") != 18 || pc_find(st, c)) continue;
            if (taken++) jy_sb_appendc(&st->arr, ',');
            jy_sb_append(&st->arr, c);
        }
        jy_sb_appendc(&st->arr, '}');
        if (!taken) continue;
        const char *v[1] = {jy_sb_cstr(&st->arr)};
        if (st->pc_n + PREFETCH_CHUNK > PC_MAX) pc_clear(st); /* room for the whole chunk */
        PGresult *r = run(st, P_PERSON_PREFETCH, v, "reading the persons of a batch", err);
        if (!r) return JY_EDB;
        unsigned gen = st->pc_gen;
        jy_person p;
        for (int k = 0; k < PQntuples(r); k++) {
            read_person(r, k, &p);
            pc_note(st, p.idcard, &p);
        }
        PQclear(r);
        /* what the chunk asked for and was not found is absent; unless the cache had to forget
         * (out of memory), in which case "not in the cache" no longer means "not found" */
        for (size_t k = start; k < i && gen == st->pc_gen; k++) {
            const char *c = idcards[k];
            if (c && strlen(c) == 18 && strspn(c, "0123456789X") == 18 && !pc_find(st, c)) pc_note(st, c, NULL);
        }
    }
    return 0;
}

/* One person put. What is stored under the ID number comes from the transaction's person cache
 * or one lookup; the insert or update and the audit entry are then pipelined (no round trip of
 * their own). New ids continue from the highest id read under the writer lock, so they run 1,
 * 2, 3… without gaps as on SQLite, and a re-put burns none. */
static int pg_person_put(jy_store *base, jy_person *p, const char *actor, int *result, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    person_params pp;
    int own, rc = txn_enter(st, &own, err);
    if (rc) return rc;
    jy_person old;
    jy_err nf;
    rc = pg_person_get(base, 0, p->idcard, &old, &nf);
    if (rc && rc != JY_ENOTFOUND) {
        *err = nf;
        goto done;
    }
    if (rc == JY_ENOTFOUND) {
        p->id = st->max_person_id + 1;
        bind_person(&pp, p);
        if ((rc = run_later(st, P_PERSON_INSERT, pp.v, "inserting a person", err))) goto done;
        st->max_person_id = p->id;
        st->person_ids_used = 1;
        pc_note(st, p->idcard, p);
        jy_sb_reset(&st->after);
        jy_person_audit_image(&st->after, p);
        rc = audit_insert(st, actor, p->county, "person", p->id, "create", NULL, jy_sb_cstr(&st->after), err);
        if (rc == 0) *result = JY_PUT_CREATED;
        goto done;
    }
    p->id = old.id;
    if (person_same(&old, p)) {
        *result = JY_PUT_UNCHANGED;
        goto done;
    }
    bind_person(&pp, p);
    if ((rc = run_later(st, P_PERSON_UPDATE, pp.v, "updating a person", err))) goto done;
    pc_note(st, p->idcard, p);
    jy_sb_reset(&st->before);
    jy_person_audit_image(&st->before, &old);
    jy_sb_reset(&st->after);
    jy_person_audit_image(&st->after, p);
    rc = audit_insert(st, actor, p->county, "person", p->id, "update", jy_sb_cstr(&st->before),
                      jy_sb_cstr(&st->after), err);
    if (rc == 0) *result = JY_PUT_UPDATED;
done:
    return txn_leave(st, own, rc, err);
}

static int pg_person_list(jy_store *base, const jy_person_filter *f,
                          int (*fn)(void *ctx, const jy_person *p), void *ctx, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    int64_t last = f->after_id, left = f->limit > 0 ? f->limit : INT64_MAX;
    jy_person p;
    for (;;) {
        char a[24], l[24];
        const char *v[5] = {fmt_i64(a, last), f->division_prefix && *f->division_prefix ? f->division_prefix : NULL,
                            f->name_contains && *f->name_contains ? f->name_contains : NULL, scope_param(st),
                            fmt_i64(l, left < PG_PAGE ? left : PG_PAGE)};
        PGresult *r = run(st, P_PERSON_LIST, v, "listing persons", err);
        if (!r) return JY_EDB;
        int n = PQntuples(r), stop = 0;
        for (int i = 0; i < n && !stop; i++) {
            read_person(r, i, &p);
            last = p.id;
            left--;
            stop = fn(ctx, &p) != 0;
        }
        PQclear(r);
        if (stop || n < PG_PAGE || left <= 0) return 0;
    }
}

static int pg_person_status_add(jy_store *base, int64_t person_id, jy_person_status *ps,
                                const char *actor, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    char pid[24], since[JY_DATE_BUFSZ], until[JY_DATE_BUFSZ], county[7] = "";
    int own, rc = txn_enter(st, &own, err);
    if (rc) return rc;
    ps->person_id = person_id;
    const char *v[5] = {fmt_i64(pid, person_id), jy_status_kind_name(ps->kind), fmt_date(since, ps->since, 1),
                        fmt_date(until, ps->until, 1), ps->detail};
    PGresult *r = run(st, P_STATUS_FIND, v, "looking up a status", err);
    if (!r) {
        rc = JY_EDB;
        goto done;
    }
    int held = PQntuples(r) > 0;
    if (held) ps->id = col_i64(r, 0, 0);
    PQclear(r);
    if (held) goto done; /* already held: nothing to add */
    if (!(r = run(st, P_STATUS_INSERT, v, "adding a status", err))) {
        rc = JY_EDB;
        goto done;
    }
    int found = PQntuples(r) == 1;
    if (found) {
        ps->id = col_i64(r, 0, 0);
        col_copy(r, 0, 1, county, sizeof county);
    }
    PQclear(r);
    if (!found) {
        rc = jy_err_set2(err, JY_ENOTFOUND, "store.person.not_found_id", "no person with id %" PRId64,
                         "没有编号为 %" PRId64 " 的人员", person_id);
        goto done;
    }
    jy_sb_reset(&st->after);
    jy_person_status_json(&st->after, ps);
    rc = audit_insert(st, actor, county, "person_status", ps->id, "create", NULL, jy_sb_cstr(&st->after), err);
done:
    return txn_leave(st, own, rc, err);
}

static int pg_person_status_update(jy_store *base, int64_t person_id, jy_person_status *ps, const char *actor,
                                   jy_err *err)
{
    pg_store *st = (pg_store *)base;
    char sid[24], pid[24], since[JY_DATE_BUFSZ], until[JY_DATE_BUFSZ], county[7] = "";
    int own, rc = txn_enter(st, &own, err);
    if (rc) return rc;
    ps->person_id = person_id;
    jy_person_status old = {.id = ps->id, .person_id = person_id};
    const char *v[6] = {fmt_i64(sid, ps->id), fmt_i64(pid, person_id), jy_status_kind_name(ps->kind),
                        fmt_date(since, ps->since, 1), fmt_date(until, ps->until, 1), ps->detail};
    PGresult *r = run(st, P_STATUS_GET, v, "reading a status", err);
    if (!r) {
        rc = JY_EDB;
        goto done;
    }
    int found = PQntuples(r) == 1;
    if (found) {
        if (jy_status_kind_parse(PQgetvalue(r, 0, 0), &old.kind) != 0) old.kind = 0;
        old.since = col_date(r, 0, 1);
        old.until = col_date(r, 0, 2);
        col_copy(r, 0, 3, old.detail, sizeof old.detail);
        col_copy(r, 0, 4, county, sizeof county);
    }
    PQclear(r);
    if (!found) {
        rc = jy_err_set2(err, JY_ENOTFOUND, "store.person.status_not_found", "person %" PRId64 " has no status %" PRId64,
                         "人员 %" PRId64 " 没有编号为 %" PRId64 " 的状态", person_id, ps->id);
        goto done;
    }
    if (!(r = run(st, P_STATUS_UPDATE, v, "updating a status", err))) {
        rc = JY_EDB;
        goto done;
    }
    PQclear(r);
    jy_sb before = JY_SB_INIT;
    jy_person_status_json(&before, &old);
    jy_sb_reset(&st->after);
    jy_person_status_json(&st->after, ps);
    rc = audit_insert(st, actor, county, "person_status", ps->id, "update", jy_sb_cstr(&before), jy_sb_cstr(&st->after),
                      err);
    jy_sb_free(&before);
done:
    return txn_leave(st, own, rc, err);
}

static int pg_person_statuses(jy_store *base, int64_t person_id, jy_person_status *out, int max,
                              int *n, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    char pid[24];
    const char *v[1] = {fmt_i64(pid, person_id)};
    *n = 0;
    PGresult *r = run(st, P_STATUS_LIST, v, "listing statuses", err);
    if (!r) return JY_EDB;
    for (int i = 0; i < PQntuples(r) && *n < max; i++) {
        jy_person_status *ps = &out[(*n)++];
        memset(ps, 0, sizeof *ps);
        ps->id = col_i64(r, i, 0);
        ps->person_id = person_id;
        if (jy_status_kind_parse(PQgetvalue(r, i, 1), &ps->kind) != 0) ps->kind = 0;
        ps->since = col_date(r, i, 2);
        ps->until = col_date(r, i, 3);
        col_copy(r, i, 4, ps->detail, sizeof ps->detail);
    }
    PQclear(r);
    return 0;
}

/* ---------------------------------------------------------------- organisations */

typedef struct org_params {
    char kinds[24], id[24];
    const char *v[12];
} org_params;

static void bind_org(org_params *op, const jy_org *o)
{
    op->v[0] = o->county;
    op->v[1] = o->uscc;
    op->v[2] = o->name;
    op->v[3] = fmt_i64(op->kinds, o->kinds);
    op->v[4] = jy_size_class_name(o->size_class);
    op->v[5] = o->division;
    op->v[6] = o->legal_person;
    op->v[7] = o->phone;
    op->v[8] = o->address;
    op->v[9] = o->bank_name;
    op->v[10] = o->bank_account;
    op->v[11] = fmt_i64(op->id, o->id);
}

static void read_org(const PGresult *r, int i, jy_org *o)
{
    memset(o, 0, sizeof *o);
    o->id = col_i64(r, i, 0);
    col_copy(r, i, 1, o->county, sizeof o->county);
    col_copy(r, i, 2, o->uscc, sizeof o->uscc);
    col_copy(r, i, 3, o->name, sizeof o->name);
    o->kinds = (unsigned)col_i64(r, i, 4);
    if (jy_size_class_parse(PQgetvalue(r, i, 5), &o->size_class) != 0) o->size_class = JY_SIZE_UNKNOWN;
    col_copy(r, i, 6, o->division, sizeof o->division);
    col_copy(r, i, 7, o->legal_person, sizeof o->legal_person);
    col_copy(r, i, 8, o->phone, sizeof o->phone);
    col_copy(r, i, 9, o->address, sizeof o->address);
    col_copy(r, i, 10, o->bank_name, sizeof o->bank_name);
    col_copy(r, i, 11, o->bank_account, sizeof o->bank_account);
}

static int org_same(const jy_org *a, const jy_org *b)
{
    return a->kinds == b->kinds && a->size_class == b->size_class && strcmp(a->county, b->county) == 0 &&
           strcmp(a->uscc, b->uscc) == 0 && strcmp(a->name, b->name) == 0 &&
           strcmp(a->division, b->division) == 0 && strcmp(a->legal_person, b->legal_person) == 0 &&
           strcmp(a->phone, b->phone) == 0 && strcmp(a->address, b->address) == 0 &&
           strcmp(a->bank_name, b->bank_name) == 0 && strcmp(a->bank_account, b->bank_account) == 0;
}

static int pg_org_get(jy_store *base, int64_t id, const char *uscc, jy_org *out, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    char idb[24];
    const char *v[1] = {uscc ? uscc : fmt_i64(idb, id)};
    PGresult *r = run(st, uscc ? P_ORG_BY_USCC : P_ORG_BY_ID, v, "looking up an organisation", err);
    if (!r) return JY_EDB;
    int rc = 0;
    if (PQntuples(r) != 1) {
        if (uscc)
            rc = jy_err_set2(err, JY_ENOTFOUND, "store.org.not_found_uscc", "no organisation with USCC %s",
                             "没有统一社会信用代码为 %s 的单位", uscc);
        else
            rc = jy_err_set2(err, JY_ENOTFOUND, "store.org.not_found_id", "no organisation with id %" PRId64,
                             "没有编号为 %" PRId64 " 的单位", id);
    } else {
        read_org(r, 0, out);
    }
    PQclear(r);
    return rc;
}

static int pg_org_put(jy_store *base, jy_org *o, const char *actor, int *result, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    org_params op;
    int own, rc = txn_enter(st, &own, err);
    if (rc) return rc;
    /* look first, insert only what is absent: no identity value is burnt on a re-put, so ids
     * run 1, 2, 3… as on SQLite (the writer lock makes look-then-insert race-free) */
    jy_org old;
    jy_err nf;
    rc = pg_org_get(base, 0, o->uscc, &old, &nf);
    if (rc && rc != JY_ENOTFOUND) {
        *err = nf;
        goto done;
    }
    int created = 0;
    if (rc == JY_ENOTFOUND) {
        bind_org(&op, o);
        PGresult *r = run(st, P_ORG_INSERT, op.v, "inserting an organisation", err);
        if (!r) {
            rc = JY_EDB;
            goto done;
        }
        created = PQntuples(r) == 1;
        if (created) o->id = col_i64(r, 0, 0);
        PQclear(r);
        rc = created ? 0
                     : jy_err_set2(err, JY_ECONFLICT, "store.org.concurrent",
                                   "org %s: stored by another writer at the same moment; try again",
                                   "单位 %s：另一操作同时写入了该单位，请重试", o->uscc);
        if (rc) goto done;
    }
    if (created) {
        jy_sb_reset(&st->after);
        jy_org_json(&st->after, o);
        rc = audit_insert(st, actor, o->county, "org", o->id, "create", NULL, jy_sb_cstr(&st->after), err);
        if (rc == 0) *result = JY_PUT_CREATED;
        goto done;
    }
    o->id = old.id;
    if (org_same(&old, o)) {
        *result = JY_PUT_UNCHANGED;
        goto done;
    }
    bind_org(&op, o);
    if ((rc = run_done(st, P_ORG_UPDATE, op.v, "updating an organisation", err))) goto done;
    jy_sb_reset(&st->before);
    jy_org_json(&st->before, &old);
    jy_sb_reset(&st->after);
    jy_org_json(&st->after, o);
    rc = audit_insert(st, actor, o->county, "org", o->id, "update", jy_sb_cstr(&st->before),
                      jy_sb_cstr(&st->after), err);
    if (rc == 0) *result = JY_PUT_UPDATED;
done:
    return txn_leave(st, own, rc, err);
}

static int pg_org_list(jy_store *base, const jy_org_filter *f, int (*fn)(void *ctx, const jy_org *o),
                       void *ctx, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    int64_t last = f->after_id, left = f->limit > 0 ? f->limit : INT64_MAX;
    jy_org o;
    for (;;) {
        char a[24], k[24], l[24];
        const char *v[5] = {fmt_i64(a, last), fmt_i64(k, f->kinds_any),
                            f->name_contains && *f->name_contains ? f->name_contains : NULL, scope_param(st),
                            fmt_i64(l, left < PG_PAGE ? left : PG_PAGE)};
        PGresult *r = run(st, P_ORG_LIST, v, "listing organisations", err);
        if (!r) return JY_EDB;
        int n = PQntuples(r), stop = 0;
        for (int i = 0; i < n && !stop; i++) {
            read_org(r, i, &o);
            last = o.id;
            left--;
            stop = fn(ctx, &o) != 0;
        }
        PQclear(r);
        if (stop || n < PG_PAGE || left <= 0) return 0;
    }
}

static int pg_org_licence_add(jy_store *base, int64_t org_id, jy_licence *l, const char *actor, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    char oid[24], from[JY_DATE_BUFSZ], until[JY_DATE_BUFSZ], county[7] = "";
    int own, rc = txn_enter(st, &own, err);
    if (rc) return rc;
    l->org_id = org_id;
    const char *v[5] = {fmt_i64(oid, org_id), l->kind, l->number, fmt_date(from, l->valid_from, 1),
                        fmt_date(until, l->valid_until, 1)};
    PGresult *r = run(st, P_LIC_FIND, v, "looking up a licence", err);
    if (!r) {
        rc = JY_EDB;
        goto done;
    }
    int held = PQntuples(r) > 0;
    if (held) l->id = col_i64(r, 0, 0);
    PQclear(r);
    if (held) goto done;
    if (!(r = run(st, P_LIC_INSERT, v, "adding a licence", err))) {
        rc = JY_EDB;
        goto done;
    }
    int found = PQntuples(r) == 1;
    if (found) {
        l->id = col_i64(r, 0, 0);
        col_copy(r, 0, 1, county, sizeof county);
    }
    PQclear(r);
    if (!found) {
        rc = jy_err_set2(err, JY_ENOTFOUND, "store.org.not_found_id", "no organisation with id %" PRId64,
                         "没有编号为 %" PRId64 " 的单位", org_id);
        goto done;
    }
    jy_sb_reset(&st->after);
    jy_licence_json(&st->after, l);
    rc = audit_insert(st, actor, county, "org_licence", l->id, "create", NULL, jy_sb_cstr(&st->after), err);
done:
    return txn_leave(st, own, rc, err);
}

/* ---- organisations' dated statuses (migration 16) ---- */

static int pg_org_status_add(jy_store *base, int64_t org_id, jy_org_status *os, const char *actor, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    char oid[24], since[JY_DATE_BUFSZ], until[JY_DATE_BUFSZ], county[7] = "";
    int own, rc = txn_enter(st, &own, err);
    if (rc) return rc;
    os->org_id = org_id;
    const char *v[5] = {fmt_i64(oid, org_id), os->kind, fmt_date(since, os->since, 1), fmt_date(until, os->until, 1),
                        os->detail};
    PGresult *r = run(st, P_OSTATUS_FIND, v, "looking up an organisation's status", err);
    if (!r) {
        rc = JY_EDB;
        goto done;
    }
    int held = PQntuples(r) > 0;
    if (held) os->id = col_i64(r, 0, 0);
    PQclear(r);
    if (held) goto done; /* already held: nothing to add */
    if (!(r = run(st, P_OSTATUS_INSERT, v, "adding an organisation's status", err))) {
        rc = JY_EDB;
        goto done;
    }
    int found = PQntuples(r) == 1;
    if (found) {
        os->id = col_i64(r, 0, 0);
        col_copy(r, 0, 1, county, sizeof county);
    }
    PQclear(r);
    if (!found) {
        rc = jy_err_set2(err, JY_ENOTFOUND, "store.org.not_found_id", "no organisation with id %" PRId64,
                         "没有编号为 %" PRId64 " 的单位", org_id);
        goto done;
    }
    jy_sb_reset(&st->after);
    jy_org_status_json(&st->after, os);
    rc = audit_insert(st, actor, county, "org_status", os->id, "create", NULL, jy_sb_cstr(&st->after), err);
done:
    return txn_leave(st, own, rc, err);
}

static int pg_org_status_update(jy_store *base, int64_t org_id, jy_org_status *os, const char *actor, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    char sid[24], oid[24], since[JY_DATE_BUFSZ], until[JY_DATE_BUFSZ], county[7] = "";
    int own, rc = txn_enter(st, &own, err);
    if (rc) return rc;
    os->org_id = org_id;
    jy_org_status old = {.id = os->id, .org_id = org_id};
    const char *v[6] = {fmt_i64(sid, os->id), fmt_i64(oid, org_id), os->kind, fmt_date(since, os->since, 1),
                        fmt_date(until, os->until, 1), os->detail};
    PGresult *r = run(st, P_OSTATUS_GET, v, "reading an organisation's status", err);
    if (!r) {
        rc = JY_EDB;
        goto done;
    }
    int found = PQntuples(r) == 1;
    if (found) {
        col_copy(r, 0, 0, old.kind, sizeof old.kind);
        old.since = col_date(r, 0, 1);
        old.until = col_date(r, 0, 2);
        col_copy(r, 0, 3, old.detail, sizeof old.detail);
        col_copy(r, 0, 4, county, sizeof county);
    }
    PQclear(r);
    if (!found) {
        rc = jy_err_set2(err, JY_ENOTFOUND, "store.org.status_not_found", "organisation %" PRId64 " has no status %" PRId64,
                         "单位 %" PRId64 " 没有编号为 %" PRId64 " 的状态", org_id, os->id);
        goto done;
    }
    if (!(r = run(st, P_OSTATUS_UPDATE, v, "updating an organisation's status", err))) {
        rc = JY_EDB;
        goto done;
    }
    PQclear(r);
    jy_sb before = JY_SB_INIT;
    jy_org_status_json(&before, &old);
    jy_sb_reset(&st->after);
    jy_org_status_json(&st->after, os);
    rc = audit_insert(st, actor, county, "org_status", os->id, "update", jy_sb_cstr(&before), jy_sb_cstr(&st->after), err);
    jy_sb_free(&before);
done:
    return txn_leave(st, own, rc, err);
}

static int pg_org_statuses(jy_store *base, int64_t org_id, jy_org_status *out, int max, int *n, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    char oid[24];
    const char *v[1] = {fmt_i64(oid, org_id)};
    *n = 0;
    PGresult *r = run(st, P_OSTATUS_LIST, v, "listing an organisation's statuses", err);
    if (!r) return JY_EDB;
    for (int i = 0; i < PQntuples(r) && *n < max; i++) {
        jy_org_status *os = &out[(*n)++];
        memset(os, 0, sizeof *os);
        os->id = col_i64(r, i, 0);
        os->org_id = org_id;
        col_copy(r, i, 1, os->kind, sizeof os->kind);
        os->since = col_date(r, i, 2);
        os->until = col_date(r, i, 3);
        col_copy(r, i, 4, os->detail, sizeof os->detail);
    }
    PQclear(r);
    return 0;
}

static int pg_org_licences(jy_store *base, int64_t org_id, jy_licence *out, int max, int *n, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    char oid[24];
    const char *v[1] = {fmt_i64(oid, org_id)};
    *n = 0;
    PGresult *r = run(st, P_LIC_LIST, v, "listing licences", err);
    if (!r) return JY_EDB;
    for (int i = 0; i < PQntuples(r) && *n < max; i++) {
        jy_licence *l = &out[(*n)++];
        memset(l, 0, sizeof *l);
        l->id = col_i64(r, i, 0);
        l->org_id = org_id;
        col_copy(r, i, 1, l->kind, sizeof l->kind);
        col_copy(r, i, 2, l->number, sizeof l->number);
        l->valid_from = col_date(r, i, 3);
        l->valid_until = col_date(r, i, 4);
    }
    PQclear(r);
    return 0;
}

/* ---------------------------------------------------------------- counts, schema, lifetime */

static int pg_counts_get(jy_store *base, jy_store_counts *out, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    const char *v[1] = {scope_param(st)};
    PGresult *r = run(st, P_COUNTS, v, "counting records", err);
    if (!r) return JY_EDB;
    out->persons = col_i64(r, 0, 0);
    out->orgs = col_i64(r, 0, 1);
    out->statuses = col_i64(r, 0, 2);
    out->audit_entries = col_i64(r, 0, 3);
    out->licences = col_i64(r, 0, 4);
    PQclear(r);
    return 0;
}

/* The whole (small) grouped result is fetched before fn runs, so fn may use the store. */
static int pg_group_counts(jy_store *base, int by, jy_date on,
                           int (*fn)(void *ctx, const char *key, int64_t n), void *ctx, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    char day[JY_DATE_BUFSZ];
    const char *v[2] = {scope_param(st), jy_date_format(on, day)};
    int id = by == JY_GROUP_PERSON_TOWNSHIP ? P_GROUP_TOWNSHIP : by == JY_GROUP_PERSON_STATUS ? P_GROUP_STATUS
                                                                                               : P_GROUP_ORG_KINDS;
    PGresult *r = run(st, id, v, "group counts", err);
    if (!r) return JY_EDB;
    for (int i = 0; i < PQntuples(r); i++)
        if (fn(ctx, PQgetisnull(r, i, 0) ? "" : PQgetvalue(r, i, 0), col_i64(r, i, 1))) break;
    PQclear(r);
    return 0;
}

static int pg_schema_version(jy_store *base, int *version, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    PGresult *r = run(st, P_SCHEMA_VERSION, NULL, "reading the schema version", err);
    if (!r) return JY_EDB;
    *version = (int)col_i64(r, 0, 0);
    PQclear(r);
    return 0;
}

/* The schema version read outside any transaction and without the writer lock; -1 when the
 * database has no migrations table yet or the read fails. Constant queries, no parameters. */
static int schema_version_unlocked(pg_store *st)
{
    PGresult *r = PQexec(st->conn, "SELECT to_regclass('schema_migrations') IS NOT NULL");
    int exists = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if (!exists) return -1;
    r = PQexec(st->conn, pstmt[P_SCHEMA_VERSION].sql);
    int version = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 ? atoi(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    return version;
}

/* Applies the missing migrations in one transaction, holding the writer lock so that several
 * processes opening a fresh database at once migrate it exactly once. A database already at
 * JY_STORE_SCHEMA_VERSION is only read: opening it never waits for a running write transaction
 * (which holds the writer lock). */
static int migrate(pg_store *st, jy_err *err)
{
    int rc, version = 0;
    if (schema_version_unlocked(st) == JY_STORE_SCHEMA_VERSION) return 0;
    if ((rc = exec_const(st, "BEGIN", "starting the migration", err))) return rc;
    st->depth = 1;
    if ((rc = run_done(st, P_LOCK, NULL, "waiting for the writer lock", err))) goto done;
    if ((rc = exec_const(st, JY_PG_MIGRATIONS_TABLE, "creating the migrations table", err))) goto done;
    if ((rc = pg_schema_version(&st->base, &version, err))) goto done;
    if (version > JY_STORE_SCHEMA_VERSION) {
        rc = jy_err_set2(err, JY_EDB, "store.db.schema_newer",
                         "database %s has schema version %d, newer than this jiuye knows (%d): upgrade jiuye",
                         "数据库 %s 的结构版本为 %d，高于本程序所知的版本（%d）：请升级 jiuye", PQdb(st->conn), version,
                         JY_STORE_SCHEMA_VERSION);
        goto done;
    }
    for (size_t i = 0; i < sizeof jy_pg_migrations / sizeof *jy_pg_migrations; i++) {
        const jy_pg_migration *m = &jy_pg_migrations[i];
        if (m->version <= version) continue;
        char what[96], now[32], ver[24];
        snprintf(what, sizeof what, "migration %d (%s)", m->version, m->description);
        if ((rc = exec_const(st, m->sql, what, err))) goto done;
        jy_store_now(now, sizeof now);
        const char *v[3] = {fmt_i64(ver, m->version), m->description, now};
        if ((rc = run_done(st, P_MIGRATION_RECORD, v, what, err))) goto done;
    }
done:
    st->depth = 0;
    st->broken = 0;
    if (rc) {
        exec_const(st, "ROLLBACK", "rolling back the migration", NULL);
        return rc;
    }
    return exec_const(st, "COMMIT", "committing the migration", err);
}

static void pg_close(jy_store *base)
{
    pg_store *st = (pg_store *)base;
    if (st->conn && st->depth > 0) {
        rb_discard(st);
        pl_end(st, NULL);
        exec_const(st, "ROLLBACK", "rolling back at close", NULL);
    }
    if (st->conn) PQfinish(st->conn);
    jy_sb_free(&st->before);
    jy_sb_free(&st->after);
    jy_sb_free(&st->arr);
    rb_free(st);
    free(st->pc);
    free(st->pc_index);
    free(st);
}

/* ---------------------------------------------------------------- the application role */

/* Run by the owner role after the migrations (jiuye init --app-role NAME; docs/audit.md). The
 * application role gets DML and nothing that could undo the audit log's protection: tables
 * are owned by the owner, so the application role can neither drop nor disable a trigger
 * (that needs ownership); it gets no UPDATE, DELETE or TRUNCATE on the append-only tables
 * (audit_log and every table guarded by a jy_*append_only trigger function: the ledger's
 * journal), no write to schema_migrations, and no CREATE in the schema (so it cannot plant
 * objects that the owner's sessions would resolve first). */
static const char grant_app_role_sql[] =
    "DO $jy$\n"
    "DECLARE\n"
    "  app text := current_setting('jiuye.app_role');\n"
    "  s text := current_schema();\n"
    "  t text;\n"
    "BEGIN\n"
    "  SELECT pg_get_userbyid(relowner) INTO t FROM pg_class WHERE oid = 'audit_log'::regclass;\n"
    "  IF NOT pg_has_role(current_user, t, 'USAGE') THEN\n"
    "    RAISE EXCEPTION 'run this as the owner of the tables (role \"%\"), not as \"%\"', t, current_user;\n"
    "  END IF;\n"
    "  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = app) THEN\n"
    "    RAISE EXCEPTION 'role \"%\" does not exist: create it first (CREATE ROLE % LOGIN PASSWORD ...)', app, quote_ident(app);\n"
    "  END IF;\n"
    "  IF app = current_user THEN\n"
    "    RAISE EXCEPTION 'role \"%\" runs this init and owns the tables: the application role must be another role', app;\n"
    "  END IF;\n"
    "  IF (SELECT rolsuper FROM pg_roles WHERE rolname = app) THEN\n"
    "    RAISE EXCEPTION 'role \"%\" is a superuser and could drop the audit log''s triggers: use a plain role', app;\n"
    "  END IF;\n"
    "  IF pg_has_role(app, current_user, 'MEMBER') THEN\n"
    "    RAISE EXCEPTION 'role \"%\" is a member of the owner role \"%\" and could drop the audit log''s triggers: REVOKE % FROM %',\n"
    "      app, current_user, quote_ident(current_user), quote_ident(app);\n"
    "  END IF;\n"
    "  FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace\n"
    "           WHERE n.nspname = s AND c.relkind IN ('r', 'p', 'S') AND pg_has_role(app, c.relowner, 'MEMBER') LOOP\n"
    "    RAISE EXCEPTION 'role \"%\" owns % (or is a member of its owner) and so could drop its triggers: ALTER TABLE % OWNER TO %',\n"
    "      app, t, quote_ident(t), quote_ident(current_user);\n"
    "  END LOOP;\n"
    "  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), app);\n"
    "  EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM %I', s, app);\n"
    "  IF has_schema_privilege(app, s, 'CREATE') THEN\n"
    "    EXECUTE format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC', s);\n"
    "  END IF;\n"
    "  IF has_schema_privilege(app, s, 'CREATE') THEN\n"
    "    RAISE EXCEPTION 'role \"%\" may still create objects in schema % (granted by another role): revoke it', app, s;\n"
    "  END IF;\n"
    "  EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', s, app);\n"
    "  EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM %I', s, app);\n"
    "  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO %I', s, app);\n"
    "  EXECUTE format('REVOKE UPDATE, DELETE ON %I.audit_log FROM %I', s, app);\n"
    "  FOR t IN SELECT DISTINCT c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid\n"
    "           JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_proc p ON p.oid = g.tgfoid\n"
    "           WHERE n.nspname = s AND p.proname LIKE 'jy\\_%append\\_only' LOOP\n"
    "    EXECUTE format('REVOKE UPDATE, DELETE ON %I.%I FROM %I', s, t, app);\n"
    "  END LOOP;\n"
    "  EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON %I.schema_migrations FROM %I', s, app);\n"
    "  EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM %I', s, app);\n"
    "  EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO %I', s, app);\n"
    "END\n"
    "$jy$";

int jy_store_pg_grant_app_role(jy_store *base, const char *role, jy_err *err)
{
    pg_store *st = (pg_store *)base;
    if (st->depth > 0)
        return jy_err_set2(err, JY_EINVAL, "store.pg.grant_in_txn",
                           "granting the application role: not inside a transaction", "授予应用角色：不能在事务中进行");
    int own, rc = txn_enter(st, &own, err);
    if (rc) return rc;
    const char *v[1] = {role};
    PGresult *r = run(st, P_SET_APP_ROLE, v, "naming the application role", err);
    if (!r) rc = JY_EDB;
    PQclear(r);
    if (rc == 0) rc = exec_const(st, grant_app_role_sql, "granting the application role", err);
    return txn_leave(st, own, rc, err);
}

static const jy_store_ops pg_ops = {
    .name = "postgresql",
    .close = pg_close,
    .schema_version = pg_schema_version,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .person_put = pg_person_put,
    .person_get = pg_person_get,
    .person_list = pg_person_list,
    .person_status_add = pg_person_status_add,
    .person_statuses = pg_person_statuses,
    .person_status_update = pg_person_status_update,
    .org_put = pg_org_put,
    .org_get = pg_org_get,
    .org_list = pg_org_list,
    .org_licence_add = pg_org_licence_add,
    .org_licences = pg_org_licences,
    .org_status_add = pg_org_status_add,
    .org_status_update = pg_org_status_update,
    .org_statuses = pg_org_statuses,
    .counts_get = pg_counts_get,
    .group_counts = pg_group_counts,
    .audit_append = pg_audit_append,
    .audit_list = pg_audit_list,
    .audit_head = pg_audit_head,
    .scope_native = 1,
    .person_prefetch = pg_person_prefetch,
};

/* Ignores the server's NOTICE chatter (e.g. "relation already exists, skipping"). */
static void quiet_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

int jy_store_pg_open(const char *url, jy_store **out, jy_err *err)
{
    *out = NULL;
    pg_store *st = calloc(1, sizeof *st);
    if (!st)
        return jy_err_set2(err, JY_ENOMEM, "store.pg.oom_open", "out of memory opening a PostgreSQL database",
                           "打开 PostgreSQL 数据库时内存不足");
    st->base.ops = &pg_ops;
    jy_sb_init(&st->before);
    jy_sb_init(&st->after);
    jy_sb_init(&st->arr);
    rb_init(st);
    int rc = 0;
    /* the URL is handed to libpq whole (expand_dbname); the extra settings pin the session */
    const char *const keys[] = {"dbname", "application_name", "client_encoding", "options", NULL};
    const char *const vals[] = {url, "jiuye", "UTF8", "-c DateStyle=ISO,YMD -c TimeZone=UTC", NULL};
    st->conn = PQconnectdbParams(keys, vals, 1);
    if (!st->conn) {
        rc = jy_err_set2(err, JY_ENOMEM, "store.pg.oom_connect", "out of memory connecting to PostgreSQL",
                         "连接 PostgreSQL 时内存不足");
        goto done;
    }
    if (PQstatus(st->conn) != CONNECTION_OK) {
        const char *m = PQerrorMessage(st->conn);
        size_t n = strlen(m);
        while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == ' ')) n--;
        /* no URL in the message: it may carry a password */
        rc = jy_err_set2(err, JY_EDB, "store.pg.connect_host", "PostgreSQL database %s on %s: cannot connect: %.*s",
                         "无法连接主机 %2$s 上的 PostgreSQL 数据库 %1$s：%4$.*3$s",
                         PQdb(st->conn) ? PQdb(st->conn) : "?", PQhost(st->conn) ? PQhost(st->conn) : "?",
                         (int)(n > 300 ? 300 : n), m);
        goto done;
    }
    PQsetNoticeProcessor(st->conn, quiet_notice, NULL);
    if ((rc = migrate(st, err))) goto done;
done:
    if (rc) {
        pg_close(&st->base);
        return rc;
    }
    *out = &st->base;
    return 0;
}

/* ---------------------------------------------------------------- restore support */

/* Sets *holds to 1 when the PostgreSQL database at url already holds persons, organisations or
 * audit entries (a restore target must not), 0 when it is empty or has no jiuye tables yet.
 * Used by store_backup.c; the statements are constants. */
int jy_store_pg_holds_records(const char *url, int *holds, jy_err *err)
{
    const char *const keys[] = {"dbname", "application_name", "client_encoding", NULL};
    const char *const vals[] = {url, "jiuye", "UTF8", NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    int rc = 0;
    PGresult *r = NULL;
    *holds = 0;
    if (!c || PQstatus(c) != CONNECTION_OK) {
        rc = jy_err_set2(err, JY_EDB, "store.pg.connect", "PostgreSQL database %s: cannot connect: %s",
                         "无法连接 PostgreSQL 数据库 %s：%s", c && PQdb(c) ? PQdb(c) : "?",
                         c ? PQerrorMessage(c) : "out of memory");
        goto done;
    }
    r = PQexecParams(c, "SELECT to_regclass('persons') IS NOT NULL AND to_regclass('orgs') IS NOT NULL"
                        " AND to_regclass('audit_log') IS NOT NULL", 0, NULL, NULL, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        rc = jy_err_set2(err, JY_EDB, "store.pg.error", "PostgreSQL database %s: %s", "PostgreSQL 数据库 %s 出错：%s",
                         PQdb(c), PQerrorMessage(c));
        goto done;
    }
    int tables = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    r = NULL;
    if (!tables) goto done;
    r = PQexecParams(c, "SELECT EXISTS (SELECT 1 FROM persons) OR EXISTS (SELECT 1 FROM orgs)"
                        " OR EXISTS (SELECT 1 FROM audit_log)", 0, NULL, NULL, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        rc = jy_err_set2(err, JY_EDB, "store.pg.error", "PostgreSQL database %s: %s", "PostgreSQL 数据库 %s 出错：%s",
                         PQdb(c), PQerrorMessage(c));
        goto done;
    }
    *holds = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
done:
    PQclear(r);
    PQfinish(c);
    return rc;
}

/* For the ops in their own files (store_impl.h): the connection, and marking the open
 * transaction aborted after one of their statements failed. */
int jy_store_pg_in_transaction(jy_store *base)
{
    return ((pg_store *)base)->depth > 0;
}

struct pg_conn *jy_store_pg_conn(jy_store *base)
{
    pg_store *st = (pg_store *)base;
    /* their statements run synchronously: answer what is in flight first (an error there marks
     * the transaction aborted, and the caller's own statement then reports it) */
    jy_err late;
    int r1 = rb_flush(st, &late), r2 = pl_end(st, r1 ? NULL : &late);
    if (r1 || r2) { /* keep it for the next call of ours, or commit, to report */
        st->pl_rc = late.code;
        st->pl_err = late;
    }
    return st->conn;
}

void jy_store_pg_failed(jy_store *base)
{
    pg_store *st = (pg_store *)base;
    if (st->depth > 0) st->broken = 1;
}
