/* store_sqlite.c — the embedded SQLite backend of store.h (the default).
 *
 * One sqlite3 connection per jy_store, opened in WAL mode with foreign keys on and a busy
 * timeout; numbered migrations (store_sqlite_schema.h) applied at open inside one write
 * transaction; every statement prepared with bound parameters. Statements on hot paths are
 * prepared once and cached in the handle; list walks prepare their own so a callback may use
 * the store again. Write transactions are BEGIN IMMEDIATE: the writer lock is taken up front,
 * so the audit chain's tail read at begin stays the tail until commit. */
#include "store/store_impl.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "base/file.h"
#include "store/store_sqlite_schema.h"

enum {
    S_BEGIN, S_COMMIT, S_ROLLBACK, S_SAVEPOINT, S_RELEASE, S_ROLLBACK_TO,
    S_TAIL, S_AUDIT_INSERT,
    S_PERSON_INSERT, S_PERSON_BY_IDCARD, S_PERSON_BY_ID, S_PERSON_UPDATE, S_PERSON_DELETE,
    S_STATUS_FIND, S_STATUS_INSERT, S_STATUS_DELETE, S_STATUS_LIST, S_STATUS_GET, S_STATUS_UPDATE, S_OSTATUS_FIND, S_OSTATUS_INSERT, S_OSTATUS_DELETE,
    S_OSTATUS_LIST, S_OSTATUS_GET, S_OSTATUS_UPDATE,
    S_ORG_INSERT, S_ORG_BY_USCC, S_ORG_BY_ID, S_ORG_UPDATE, S_ORG_DELETE,
    S_LIC_FIND, S_LIC_INSERT, S_LIC_DELETE, S_LIC_LIST,
    S_COUNTS, S_SCHEMA_VERSION,
    S__COUNT
};

#define PERSON_COLS "id, county, idcard, name, sex, birth, ethnicity, education, hukou_division, hukou_kind, phone, address"
#define ORG_COLS "id, county, uscc, name, kinds, size_class, division, legal_person, phone, address, bank_name, bank_account"
#define AUDIT_COLS "seq, at, county, actor, entity, entity_id, action, before_json, after_json, prev_hash, hash, mac"

static const char *const stmt_sql[S__COUNT] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_SAVEPOINT] = "SAVEPOINT jy_nested",
    [S_RELEASE] = "RELEASE jy_nested",
    [S_ROLLBACK_TO] = "ROLLBACK TO jy_nested",
    [S_TAIL] = "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
    [S_AUDIT_INSERT] = "INSERT INTO audit_log(" AUDIT_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    [S_PERSON_INSERT] = "INSERT INTO persons(county, idcard, name, sex, birth, ethnicity, education, hukou_division,"
                        " hukou_kind, phone, address) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                        " ON CONFLICT(idcard) DO NOTHING",
    [S_PERSON_BY_IDCARD] = "SELECT " PERSON_COLS " FROM persons WHERE idcard = ?1",
    [S_PERSON_BY_ID] = "SELECT " PERSON_COLS " FROM persons WHERE id = ?1",
    [S_PERSON_UPDATE] = "UPDATE persons SET county = ?1, idcard = ?2, name = ?3, sex = ?4, birth = ?5, ethnicity = ?6,"
                        " education = ?7, hukou_division = ?8, hukou_kind = ?9, phone = ?10, address = ?11"
                        " WHERE id = ?12",
    [S_PERSON_DELETE] = "DELETE FROM persons WHERE id = ?1",
    [S_STATUS_FIND] = "SELECT id FROM person_statuses WHERE person_id = ?1 AND kind = ?2 AND since IS ?3"
                      " AND until IS ?4 AND detail = ?5",
    [S_STATUS_INSERT] = "INSERT INTO person_statuses(county, person_id, kind, since, until, detail)"
                        " SELECT county, id, ?2, ?3, ?4, ?5 FROM persons WHERE id = ?1 RETURNING id, county",
    [S_STATUS_DELETE] = "DELETE FROM person_statuses WHERE id = ?1",
    [S_STATUS_LIST] = "SELECT id, kind, since, until, detail FROM person_statuses WHERE person_id = ?1 ORDER BY id",
    [S_OSTATUS_FIND] = "SELECT id FROM org_statuses WHERE org_id = ?1 AND kind = ?2 AND since IS ?3"
                       " AND until IS ?4 AND detail = ?5",
    [S_OSTATUS_INSERT] = "INSERT INTO org_statuses(county, org_id, kind, since, until, detail)"
                         " SELECT county, id, ?2, ?3, ?4, ?5 FROM orgs WHERE id = ?1 RETURNING id, county",
    [S_OSTATUS_DELETE] = "DELETE FROM org_statuses WHERE id = ?1",
    [S_OSTATUS_LIST] = "SELECT id, kind, since, until, detail FROM org_statuses WHERE org_id = ?1 ORDER BY id",
    [S_OSTATUS_GET] = "SELECT kind, since, until, detail, county FROM org_statuses WHERE id = ?1 AND org_id = ?2",
    [S_OSTATUS_UPDATE] = "UPDATE org_statuses SET kind = ?3, since = ?4, until = ?5, detail = ?6"
                         " WHERE id = ?1 AND org_id = ?2",
    [S_STATUS_GET] = "SELECT kind, since, until, detail, county FROM person_statuses WHERE id = ?1 AND person_id = ?2",
    [S_STATUS_UPDATE] = "UPDATE person_statuses SET kind = ?3, since = ?4, until = ?5, detail = ?6"
                        " WHERE id = ?1 AND person_id = ?2",
    [S_ORG_INSERT] = "INSERT INTO orgs(county, uscc, name, kinds, size_class, division, legal_person, phone, address,"
                     " bank_name, bank_account) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                     " ON CONFLICT(uscc) DO NOTHING",
    [S_ORG_BY_USCC] = "SELECT " ORG_COLS " FROM orgs WHERE uscc = ?1",
    [S_ORG_BY_ID] = "SELECT " ORG_COLS " FROM orgs WHERE id = ?1",
    [S_ORG_UPDATE] = "UPDATE orgs SET county = ?1, uscc = ?2, name = ?3, kinds = ?4, size_class = ?5, division = ?6,"
                     " legal_person = ?7, phone = ?8, address = ?9, bank_name = ?10, bank_account = ?11 WHERE id = ?12",
    [S_ORG_DELETE] = "DELETE FROM orgs WHERE id = ?1",
    [S_LIC_FIND] = "SELECT id FROM org_licences WHERE org_id = ?1 AND kind = ?2 AND number = ?3"
                   " AND valid_from IS ?4 AND valid_until IS ?5",
    [S_LIC_INSERT] = "INSERT INTO org_licences(county, org_id, kind, number, valid_from, valid_until)"
                     " SELECT county, id, ?2, ?3, ?4, ?5 FROM orgs WHERE id = ?1 RETURNING id, county",
    [S_LIC_DELETE] = "DELETE FROM org_licences WHERE id = ?1",
    [S_LIC_LIST] = "SELECT id, kind, number, valid_from, valid_until FROM org_licences WHERE org_id = ?1 ORDER BY id",
    [S_COUNTS] = "SELECT (SELECT count(*) FROM persons), (SELECT count(*) FROM orgs),"
                 " (SELECT count(*) FROM person_statuses), (SELECT count(*) FROM audit_log),"
                 " (SELECT count(*) FROM org_licences)",
    [S_SCHEMA_VERSION] = "SELECT coalesce(max(version), 0) FROM schema_migrations",
};

/* open addressing; a handle keeps at most SQ_CACHE_MAX statements (the store's distinct SQL
 * texts number about two hundred; a text beyond the bound is prepared and finalised per call) */
#define SQ_CACHE_SLOTS 1024
#define SQ_CACHE_MAX 768

typedef struct sq_store {
    jy_store base;
    sqlite3 *db;
    sqlite3_stmt *stmt[S__COUNT];
    int depth;          /* nesting of jy_store_begin */
    int broken;         /* a failed change could not be undone: the transaction must not commit */
    int tail_valid;     /* tail_seq/tail_hash hold the audit chain's end (inside a transaction) */
    int64_t tail_seq;
    char tail_hash[65];
    jy_sb before, after; /* reused for audit JSON */
    struct checkpointer *ckpt; /* bulk mode: the background checkpointer, else NULL */
    /* statements of the other store files (jy_store_sqlite_prepare), by their SQL text:
     * prepared once per handle, reset and kept on release */
    struct sq_cached {
        uint64_t hash;
        sqlite3_stmt *s;
    } cache[SQ_CACHE_SLOTS];
    int ncached;
    struct writer_gate *gate; /* the file's in-process writer queue (NULL: ":memory:") */
    int gated;                /* this handle holds its gate */
    int durable;              /* the open transaction changed money or security rows: sync at commit */
    int64_t syncs;            /* commits synced to disk by that rule (jy_store_sqlite_durable_syncs) */
} sq_store;

/* ---------------------------------------------------------------- the writer gate
 *
 * SQLite has one writer per database file. Without a gate, the HTTP server's handlers that
 * write at the same time all run BEGIN IMMEDIATE, and every loser sleeps in SQLite's busy
 * handler (1, 2, 5, 10 … 100 ms steps, polling) — measured: ~700 filings/s with four workers,
 * most of the time asleep. The gate queues the writers of one process on one file in a
 * condition variable instead, so the next writer starts as soon as the last one commits;
 * other processes still meet SQLite's lock and its busy timeout. It is not a mutex (no owner),
 * so a handle may end its transaction on another thread than the one that began it; a thread
 * that begins a second transaction on another handle of the same file waits like any writer
 * and gives up after the busy timeout, as it did with SQLite's lock alone. */
#define GATE_WAIT_MS 10000
typedef struct writer_gate {
    dev_t dev;
    ino_t ino;
    int refs;
    int held;
    pthread_cond_t cv;
    struct checkpointer *ckpt; /* the file's background checkpointer, started at the first need */
    int ckpt_tried;
    int ckpt_frames;       /* the WAL's size in frames when the checkpointer was last woken */
    int64_t ckpt_signals;  /* times it was woken (jy_store_sqlite_checkpoint_signals) */
    struct writer_gate *next;
} writer_gate;

static void gate_ckpt_signal(writer_gate *g, sqlite3 *db, int frames);
static void gate_ckpt_stop(writer_gate *g);

static pthread_mutex_t gates_mu = PTHREAD_MUTEX_INITIALIZER;
static writer_gate *gates;

static writer_gate *gate_get(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0) return NULL;
    pthread_mutex_lock(&gates_mu);
    writer_gate *g;
    for (g = gates; g; g = g->next)
        if (g->dev == sb.st_dev && g->ino == sb.st_ino) break;
    if (!g && (g = calloc(1, sizeof *g))) {
        g->dev = sb.st_dev;
        g->ino = sb.st_ino;
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&g->cv, &ca);
        pthread_condattr_destroy(&ca);
        g->next = gates;
        gates = g;
    }
    if (g) g->refs++;
    pthread_mutex_unlock(&gates_mu);
    return g;
}

static void gate_put(writer_gate *g)
{
    if (!g) return;
    pthread_mutex_lock(&gates_mu);
    if (--g->refs == 0) {
        writer_gate **pp = &gates;
        while (*pp != g) pp = &(*pp)->next;
        *pp = g->next;
        pthread_mutex_unlock(&gates_mu);
        gate_ckpt_stop(g); /* no handle of the file is left: nobody signals it any more */
        pthread_cond_destroy(&g->cv);
        free(g);
        return;
    }
    pthread_mutex_unlock(&gates_mu);
}

/* 0 when the handle holds its file's gate; JY_ECONFLICT after GATE_WAIT_MS. */
static int gate_enter(sq_store *st, jy_err *err)
{
    writer_gate *g = st->gate;
    if (!g || st->gated) return 0;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += GATE_WAIT_MS / 1000;
    int rc = 0;
    pthread_mutex_lock(&gates_mu);
    while (g->held && rc == 0) rc = pthread_cond_timedwait(&g->cv, &gates_mu, &until);
    if (!g->held) {
        g->held = 1;
        st->gated = 1;
        rc = 0;
    }
    pthread_mutex_unlock(&gates_mu);
    if (!st->gated)
        return jy_err_set2(err, JY_ECONFLICT, "store.db.busy",
                           "database: busy (another write transaction of this process held it for %d s)",
                           "数据库忙：本进程的另一个写事务已占用它 %d 秒", GATE_WAIT_MS / 1000);
    return 0;
}

static void gate_leave(sq_store *st)
{
    if (!st->gated) return;
    pthread_mutex_lock(&gates_mu);
    st->gate->held = 0;
    st->gated = 0;
    pthread_cond_signal(&st->gate->cv);
    pthread_mutex_unlock(&gates_mu);
}

/* After every commit in WAL mode (sqlite3_wal_hook, in place of SQLite's automatic checkpoint):
 * the transaction is committed and SQLite's write lock released, so the gate opens here. Once
 * the WAL holds 1,000 pages (SQLite's own threshold) the file's background checkpointer is
 * woken: a checkpoint syncs the WAL and the database file (two fdatasyncs, ~5 ms each on the test
 * VM), and while readers keep the WAL from restarting every commit past the threshold would
 * checkpoint again — on the request's thread, in its answer's latency. The checkpointer is then
 * woken again only when another 1,000 pages have been written since (gate_ckpt_signal): under a
 * steady stream of filings a server always has a reader, the WAL never restarts, and waking it
 * at every commit made a checkpoint — two fdatasyncs and a copy of the same hot pages — every
 * few filings (124 fdatasyncs for 341 filings under `strace -f`; issue 11, bench/http.sh). */
#define WAL_CHECKPOINT_PAGES 1000
static int on_wal_commit(void *arg, sqlite3 *db, const char *name, int pages)
{
    (void)name;
    sq_store *st = arg;
    gate_leave(st);
    if (pages >= WAL_CHECKPOINT_PAGES) {
        if (st->gate) gate_ckpt_signal(st->gate, db, pages);
        else sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    }
    return SQLITE_OK;
}

/* ---------------------------------------------------------------- durable commits
 *
 * The connection runs with synchronous = NORMAL in WAL mode: a commit is atomic and survives a
 * crash of the process (its frames are in the operating system's cache), and the database is
 * never corrupted, but a power cut may lose the commits since the WAL was last synced. That is
 * right for a case filing, a session's last_seen or an access-log row, and it is what lets one
 * SQLite file take thousands of filings a second (an fdatasync costs ~5 ms on the test VM).
 * Money and security are not allowed to go back in time: a transaction that changed a row of
 * the ledger, a payable, a payment batch, a payee account, a payroll run, a credential or
 * recovery code, or ended a session (logout, password change), syncs the WAL before its commit
 * is reported (the same fdatasync synchronous = FULL would make; SQLite refuses to change the
 * pragma inside a transaction, so the update hook marks the transaction and sq_commit syncs). */
static int durable_table(int op, const char *table)
{
    if (strncmp(table, "ledger_", 7) == 0 || strncmp(table, "pay", 3) == 0) return 1; /* pay_*, payable*, payee_*, payroll_* */
    if (strncmp(table, "user_", 5) == 0) return 1; /* user_credentials, user_recovery_codes */
    if (op == SQLITE_DELETE && strcmp(table, "sessions") == 0) return 1;
    return 0;
}

static void on_update(void *arg, int op, const char *db, const char *table, sqlite3_int64 rowid)
{
    (void)db;
    (void)rowid;
    sq_store *st = arg;
    if (!st->durable && durable_table(op, table)) st->durable = 1;
}

/* Syncs the WAL after a durable commit; 0 when there is nothing to sync (":memory:"). */
static int sync_wal(sq_store *st, jy_err *err)
{
    sqlite3_file *f = NULL;
    if (sqlite3_file_control(st->db, "main", SQLITE_FCNTL_JOURNAL_POINTER, &f) != SQLITE_OK || !f || !f->pMethods)
        return 0;
    int src = f->pMethods->xSync(f, SQLITE_SYNC_NORMAL);
    if (src != SQLITE_OK)
        return jy_err_set2(err, JY_EIO, "store.db.sync",
                           "database: the change was committed but syncing it to disk failed (%s)",
                           "数据库：更改已提交，但写入磁盘失败（%s）", sqlite3_errstr(src));
    st->syncs++;
    return 0;
}

/* ---------------------------------------------------------------- statement helpers */

static int db_fail(sq_store *st, int src, const char *what, jy_err *err)
{
    int code = JY_EDB;
    int prim = src & 0xff;
    if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED || src == SQLITE_CONSTRAINT_UNIQUE ||
        src == SQLITE_CONSTRAINT_PRIMARYKEY)
        code = JY_ECONFLICT;
    return jy_err_set2(err, code, "store.db.error", "database: %s (%s)", "数据库操作失败（%2$s）：%1$s",
                       sqlite3_errmsg(st->db), what);
}

static sqlite3_stmt *stmt(sq_store *st, int id, jy_err *err)
{
    if (!st->stmt[id]) {
        int src = sqlite3_prepare_v3(st->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[id], NULL);
        if (src != SQLITE_OK) {
            db_fail(st, src, "preparing a statement", err);
            st->stmt[id] = NULL;
            return NULL;
        }
    }
    return st->stmt[id];
}

/* Steps a statement that returns no rows (or ignores them) and resets it. */
static int step_done(sq_store *st, sqlite3_stmt *s, const char *what, jy_err *err)
{
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {}
    if (src != SQLITE_DONE) {
        src = sqlite3_extended_errcode(st->db);
        db_fail(st, src, what, err);
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        return err ? err->code : JY_EDB;
    }
    sqlite3_reset(s);
    return 0;
}

static int exec_cached(sq_store *st, int id, jy_err *err)
{
    sqlite3_stmt *s = stmt(st, id, err);
    if (!s) return JY_EDB;
    return step_done(st, s, stmt_sql[id], err);
}

static void bind_str(sqlite3_stmt *s, int i, const char *v)
{
    sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

/* Binds an ISO date into buf (caller keeps buf alive until the step); 0 binds NULL if null_zero. */
static void bind_date(sqlite3_stmt *s, int i, jy_date d, int null_zero, char *buf)
{
    if (null_zero && d == 0) sqlite3_bind_null(s, i);
    else sqlite3_bind_text(s, i, jy_date_format(d, buf), -1, SQLITE_STATIC);
}

static void col_copy(sqlite3_stmt *s, int i, char *dst, size_t cap)
{
    jy_store_copy_utf8(dst, cap, (const char *)sqlite3_column_text(s, i));
}

/* Hashes are stored as 32-byte BLOBs and handled as lower-case hex everywhere else (the hash
 * input, jy_audit_entry, `audit verify`/`audit list`). */
static void bind_hash(sqlite3_stmt *s, int i, const char hex[65], unsigned char bin[32])
{
    for (int k = 0; k < 32; k++) {
        unsigned char h = (unsigned char)hex[2 * k], l = (unsigned char)hex[2 * k + 1];
        bin[k] = (unsigned char)(((h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10) << 4) |
                                 (l <= '9' ? l - '0' : (l | 0x20) - 'a' + 10));
    }
    sqlite3_bind_blob(s, i, bin, 32, SQLITE_STATIC);
}

/* Reads a hash column as hex: a 32-byte BLOB is encoded; anything else (an edited row holding
 * text) is copied as text, so verification reports it as a mismatch rather than misreading it. */
static void col_hash(sqlite3_stmt *s, int i, char hex[65])
{
    if (sqlite3_column_type(s, i) == SQLITE_BLOB && sqlite3_column_bytes(s, i) == 32) {
        static const char digits[] = "0123456789abcdef";
        const unsigned char *b = sqlite3_column_blob(s, i);
        for (int k = 0; k < 32; k++) {
            hex[2 * k] = digits[b[k] >> 4];
            hex[2 * k + 1] = digits[b[k] & 15];
        }
        hex[64] = '\0';
    } else {
        col_copy(s, i, hex, 65);
    }
}

static jy_date col_date(sqlite3_stmt *s, int i)
{
    jy_date d = 0;
    const char *t = (const char *)sqlite3_column_text(s, i);
    if (t && jy_date_parse(t, &d, NULL) != 0) d = 0;
    return d;
}

/* ---------------------------------------------------------------- transactions */

static int load_tail(sq_store *st, jy_err *err)
{
    sqlite3_stmt *s = stmt(st, S_TAIL, err);
    if (!s) return JY_EDB;
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW) {
        st->tail_seq = sqlite3_column_int64(s, 0);
        col_hash(s, 1, st->tail_hash);
    } else if (src == SQLITE_DONE) {
        st->tail_seq = 0;
        memcpy(st->tail_hash, jy_store_genesis_hash, 65);
    } else {
        db_fail(st, sqlite3_extended_errcode(st->db), "reading the audit log's tail", err);
        sqlite3_reset(s);
        return JY_EDB;
    }
    sqlite3_reset(s);
    st->tail_valid = 1;
    return 0;
}

static int sq_begin(jy_store *base, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    int rc;
    if (st->depth == 0) {
        if ((rc = gate_enter(st, err))) return rc;
        if ((rc = exec_cached(st, S_BEGIN, err))) {
            gate_leave(st);
            return rc;
        }
        st->broken = 0;
        st->durable = 0;
        if ((rc = load_tail(st, err))) {
            exec_cached(st, S_ROLLBACK, NULL);
            gate_leave(st);
            return rc;
        }
    } else if ((rc = exec_cached(st, S_SAVEPOINT, err))) {
        return rc;
    }
    st->depth++;
    return 0;
}

static int sq_rollback(jy_store *base, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    if (st->depth == 0)
        return jy_err_set2(err, JY_EINVAL, "store.txn.rollback_none", "rollback without a transaction",
                           "没有进行中的事务，无法回滚");
    st->depth--;
    int rc;
    if (st->depth == 0) {
        st->tail_valid = 0;
        st->broken = 0;
        st->durable = 0;
        /* SQLite may already have rolled back (e.g. an I/O error) */
        rc = sqlite3_get_autocommit(st->db) ? 0 : exec_cached(st, S_ROLLBACK, err);
        gate_leave(st);
        return rc;
    }
    if ((rc = exec_cached(st, S_ROLLBACK_TO, err))) return rc;
    if ((rc = exec_cached(st, S_RELEASE, err))) return rc;
    return load_tail(st, err);
}

static int sq_commit(jy_store *base, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    if (st->depth == 0)
        return jy_err_set2(err, JY_EINVAL, "store.txn.commit_none", "commit without a transaction",
                           "没有进行中的事务，无法提交");
    if (st->depth > 1) {
        st->depth--;
        return exec_cached(st, S_RELEASE, err);
    }
    if (st->broken) {
        sq_rollback(base, NULL);
        return jy_err_set2(err, JY_EDB, "store.txn.rolled_back_undo",
                           "transaction rolled back: an earlier change failed and could not be undone",
                           "事务已回滚：先前的一项更改失败且无法撤销");
    }
    int rc = exec_cached(st, S_COMMIT, err);
    if (rc) {
        jy_err ignored;
        sq_rollback(base, &ignored);
        return rc;
    }
    st->depth = 0;
    st->tail_valid = 0;
    gate_leave(st);
    if (st->durable) {
        st->durable = 0;
        return sync_wal(st, err);
    }
    return 0;
}

/* A change joins the caller's transaction or runs in its own (*own = 1). */
static int txn_enter(sq_store *st, int *own, jy_err *err)
{
    *own = 0;
    if (st->depth > 0) return 0;
    int rc = sq_begin(&st->base, err);
    if (rc == 0) *own = 1;
    return rc;
}

static int txn_leave(sq_store *st, int own, int rc, jy_err *err)
{
    if (!own) return rc;
    if (rc == 0) return sq_commit(&st->base, err);
    sq_rollback(&st->base, NULL);
    return rc;
}

/* ---------------------------------------------------------------- audit */

static int audit_insert(sq_store *st, const char *actor, const char *county, const char *entity,
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

    sqlite3_stmt *s = stmt(st, S_AUDIT_INSERT, err);
    if (!s) return JY_EDB;
    sqlite3_bind_int64(s, 1, e.seq);
    bind_str(s, 2, e.at);
    bind_str(s, 3, e.county);
    bind_str(s, 4, e.actor);
    bind_str(s, 5, e.entity);
    sqlite3_bind_int64(s, 6, e.entity_id);
    bind_str(s, 7, e.action);
    if (before_json) bind_str(s, 8, before_json);
    else sqlite3_bind_null(s, 8);
    if (after_json) bind_str(s, 9, after_json);
    else sqlite3_bind_null(s, 9);
    unsigned char prev_bin[32], hash_bin[32], mac_bin[32];
    bind_hash(s, 10, e.prev_hash, prev_bin);
    bind_hash(s, 11, e.hash, hash_bin);
    if (e.mac[0]) bind_hash(s, 12, e.mac, mac_bin);
    else sqlite3_bind_null(s, 12);
    int rc = step_done(st, s, "appending to the audit log", err);
    sqlite3_clear_bindings(s);
    if (rc) return rc;
    st->tail_seq = e.seq;
    memcpy(st->tail_hash, e.hash, 65);
    return 0;
}

static int sq_audit_append(jy_store *base, const char *actor, const char *county, const char *entity,
                           int64_t entity_id, const char *action, const char *before_json,
                           const char *after_json, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    int own, rc = txn_enter(st, &own, err);
    if (rc) return rc;
    rc = audit_insert(st, actor, county, entity, entity_id, action, before_json, after_json, err);
    return txn_leave(st, own, rc, err);
}

/* Undoes a change whose audit entry failed; if even that fails the transaction is marked broken. */
static void undo(sq_store *st, int ok)
{
    if (!ok) st->broken = 1;
}

static int sq_audit_list(jy_store *base, int64_t after_seq, int limit,
                         int (*fn)(void *ctx, const jy_audit_entry *e), void *ctx, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    sqlite3_stmt *s = NULL;
    int rc = 0, src = sqlite3_prepare_v2(st->db,
                                         "SELECT " AUDIT_COLS " FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                                         -1, &s, NULL);
    if (src != SQLITE_OK) return db_fail(st, src, "listing the audit log", err);
    sqlite3_bind_int64(s, 1, after_seq);
    sqlite3_bind_int(s, 2, limit > 0 ? limit : -1);
    jy_audit_entry e;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        e.seq = sqlite3_column_int64(s, 0);
        col_copy(s, 1, e.at, sizeof e.at);
        col_copy(s, 2, e.county, sizeof e.county);
        col_copy(s, 3, e.actor, sizeof e.actor);
        col_copy(s, 4, e.entity, sizeof e.entity);
        e.entity_id = sqlite3_column_int64(s, 5);
        col_copy(s, 6, e.action, sizeof e.action);
        e.before_json = (const char *)sqlite3_column_text(s, 7);
        e.after_json = (const char *)sqlite3_column_text(s, 8);
        col_hash(s, 9, e.prev_hash);
        col_hash(s, 10, e.hash);
        col_hash(s, 11, e.mac); /* NULL → "" */
        if (fn(ctx, &e)) break;
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE) rc = db_fail(st, src, "listing the audit log", err);
    sqlite3_finalize(s);
    return rc;
}

static int sq_audit_head(jy_store *base, int64_t *seq, char hash[65], jy_err *err)
{
    sq_store *st = (sq_store *)base;
    int keep = st->tail_valid;
    int64_t ks = st->tail_seq;
    char kh[65];
    memcpy(kh, st->tail_hash, 65);
    int rc = load_tail(st, err);
    if (rc == 0) {
        *seq = st->tail_seq;
        memcpy(hash, st->tail_hash, 65);
    }
    st->tail_valid = keep;
    st->tail_seq = ks;
    memcpy(st->tail_hash, kh, 65);
    return rc;
}

/* ---------------------------------------------------------------- persons */

static void bind_person(sqlite3_stmt *s, const jy_person *p, char *birth, char *sex)
{
    sex[0] = p->sex;
    sex[1] = '\0';
    bind_str(s, 1, p->county);
    bind_str(s, 2, p->idcard);
    bind_str(s, 3, p->name);
    bind_str(s, 4, sex);
    bind_date(s, 5, p->birth, 0, birth);
    bind_str(s, 6, p->ethnicity);
    bind_str(s, 7, p->education);
    bind_str(s, 8, p->hukou_division);
    bind_str(s, 9, jy_hukou_kind_name(p->hukou_kind));
    bind_str(s, 10, p->phone);
    bind_str(s, 11, p->address);
}

static void read_person(sqlite3_stmt *s, jy_person *p)
{
    p->id = sqlite3_column_int64(s, 0);
    col_copy(s, 1, p->county, sizeof p->county);
    col_copy(s, 2, p->idcard, sizeof p->idcard);
    col_copy(s, 3, p->name, sizeof p->name);
    const char *sex = (const char *)sqlite3_column_text(s, 4);
    p->sex = sex ? sex[0] : 0;
    p->birth = col_date(s, 5);
    col_copy(s, 6, p->ethnicity, sizeof p->ethnicity);
    col_copy(s, 7, p->education, sizeof p->education);
    col_copy(s, 8, p->hukou_division, sizeof p->hukou_division);
    const char *hk = (const char *)sqlite3_column_text(s, 9);
    if (!hk || jy_hukou_kind_parse(hk, &p->hukou_kind) != 0) p->hukou_kind = JY_HUKOU_UNKNOWN;
    col_copy(s, 10, p->phone, sizeof p->phone);
    col_copy(s, 11, p->address, sizeof p->address);
}

static int person_same(const jy_person *a, const jy_person *b)
{
    return a->sex == b->sex && a->birth == b->birth && a->hukou_kind == b->hukou_kind &&
           strcmp(a->name, b->name) == 0 && strcmp(a->county, b->county) == 0 &&
           strcmp(a->idcard, b->idcard) == 0 && strcmp(a->ethnicity, b->ethnicity) == 0 &&
           strcmp(a->education, b->education) == 0 && strcmp(a->hukou_division, b->hukou_division) == 0 &&
           strcmp(a->phone, b->phone) == 0 && strcmp(a->address, b->address) == 0;
}

/* Runs a cached one-row lookup bound to an id or a text key; JY_ENOTFOUND when no row. The
 * statement is left positioned on the row for the reader, then reset by the caller via done. */
static int lookup(sq_store *st, int sid, int64_t id, const char *key, sqlite3_stmt **out, jy_err *err)
{
    sqlite3_stmt *s = stmt(st, sid, err);
    if (!s) return JY_EDB;
    if (key) bind_str(s, 1, key);
    else sqlite3_bind_int64(s, 1, id);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW) {
        *out = s;
        return 0;
    }
    int rc = src == SQLITE_DONE ? JY_ENOTFOUND : db_fail(st, sqlite3_extended_errcode(st->db), "lookup", err);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc;
}

static int sq_person_get(jy_store *base, int64_t id, const char *idcard, jy_person *out, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    sqlite3_stmt *s = NULL;
    int rc = lookup(st, idcard ? S_PERSON_BY_IDCARD : S_PERSON_BY_ID, id, idcard, &s, err);
    if (rc == JY_ENOTFOUND) {
        if (idcard)
            return jy_err_set2(err, rc, "store.person.not_found_idcard", "no person with ID number %s",
                               "没有身份证号码为 %s 的人员", idcard);
        return jy_err_set2(err, rc, "store.person.not_found_id", "no person with id %" PRId64,
                           "没有编号为 %" PRId64 " 的人员", id);
    }
    if (rc) return rc;
    memset(out, 0, sizeof *out);
    read_person(s, out);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return 0;
}

static int sq_person_put(jy_store *base, jy_person *p, const char *actor, int *result, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    char birth[JY_DATE_BUFSZ], sex[2];
    int own, rc = txn_enter(st, &own, err);
    if (rc) return rc;
    sqlite3_stmt *s = stmt(st, S_PERSON_INSERT, err);
    if (!s) {
        rc = JY_EDB;
        goto done;
    }
    bind_person(s, p, birth, sex);
    if ((rc = step_done(st, s, "inserting a person", err))) goto done;
    if (sqlite3_changes(st->db) == 1) {
        p->id = sqlite3_last_insert_rowid(st->db);
        jy_sb_reset(&st->after);
        jy_person_audit_image(&st->after, p);
        rc = audit_insert(st, actor, p->county, "person", p->id, "create", NULL, jy_sb_cstr(&st->after), err);
        if (rc) {
            sqlite3_stmt *d = stmt(st, S_PERSON_DELETE, NULL);
            if (d) sqlite3_bind_int64(d, 1, p->id);
            undo(st, d && step_done(st, d, "undoing a person insert", NULL) == 0);
            goto done;
        }
        *result = JY_PUT_CREATED;
        goto done;
    }
    jy_person old;
    if ((rc = sq_person_get(base, 0, p->idcard, &old, err))) goto done;
    p->id = old.id;
    if (person_same(&old, p)) {
        *result = JY_PUT_UNCHANGED;
        goto done;
    }
    if (!(s = stmt(st, S_PERSON_UPDATE, err))) {
        rc = JY_EDB;
        goto done;
    }
    bind_person(s, p, birth, sex);
    sqlite3_bind_int64(s, 12, p->id);
    if ((rc = step_done(st, s, "updating a person", err))) goto done;
    jy_sb_reset(&st->before);
    jy_person_audit_image(&st->before, &old);
    jy_sb_reset(&st->after);
    jy_person_audit_image(&st->after, p);
    rc = audit_insert(st, actor, p->county, "person", p->id, "update", jy_sb_cstr(&st->before),
                      jy_sb_cstr(&st->after), err);
    if (rc) {
        bind_person(s, &old, birth, sex);
        sqlite3_bind_int64(s, 12, old.id);
        undo(st, step_done(st, s, "undoing a person update", NULL) == 0);
        goto done;
    }
    *result = JY_PUT_UPDATED;
done:
    return txn_leave(st, own, rc, err);
}

static int sq_person_list(jy_store *base, const jy_person_filter *f,
                          int (*fn)(void *ctx, const jy_person *p), void *ctx, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    sqlite3_stmt *s = NULL;
    int rc = 0, src = sqlite3_prepare_v2(st->db,
                                         "SELECT " PERSON_COLS " FROM persons WHERE id > ?1"
                                         " AND (?2 IS NULL OR substr(hukou_division, 1, length(?2)) = ?2)"
                                         " AND (?3 IS NULL OR instr(name, ?3) > 0)"
                                         " ORDER BY id LIMIT ?4",
                                         -1, &s, NULL);
    if (src != SQLITE_OK) return db_fail(st, src, "listing persons", err);
    sqlite3_bind_int64(s, 1, f->after_id);
    if (f->division_prefix && *f->division_prefix) bind_str(s, 2, f->division_prefix);
    if (f->name_contains && *f->name_contains) bind_str(s, 3, f->name_contains);
    sqlite3_bind_int(s, 4, f->limit > 0 ? f->limit : -1);
    jy_person p;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        memset(&p, 0, sizeof p);
        read_person(s, &p);
        if (fn(ctx, &p)) break;
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE) rc = db_fail(st, src, "listing persons", err);
    sqlite3_finalize(s);
    return rc;
}

static int sq_person_status_add(jy_store *base, int64_t person_id, jy_person_status *ps,
                                const char *actor, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    char since[JY_DATE_BUFSZ], until[JY_DATE_BUFSZ], county[7] = "";
    int own, rc = txn_enter(st, &own, err);
    if (rc) return rc;
    const char *kind = jy_status_kind_name(ps->kind);
    ps->person_id = person_id;
    sqlite3_stmt *s = stmt(st, S_STATUS_FIND, err);
    if (!s) {
        rc = JY_EDB;
        goto done;
    }
    sqlite3_bind_int64(s, 1, person_id);
    bind_str(s, 2, kind);
    bind_date(s, 3, ps->since, 1, since);
    bind_date(s, 4, ps->until, 1, until);
    bind_str(s, 5, ps->detail);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW) ps->id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (src == SQLITE_ROW) goto done; /* already held: nothing to add */
    if (src != SQLITE_DONE) {
        rc = db_fail(st, src, "looking up a status", err);
        goto done;
    }
    if (!(s = stmt(st, S_STATUS_INSERT, err))) {
        rc = JY_EDB;
        goto done;
    }
    sqlite3_bind_int64(s, 1, person_id);
    bind_str(s, 2, kind);
    bind_date(s, 3, ps->since, 1, since);
    bind_date(s, 4, ps->until, 1, until);
    bind_str(s, 5, ps->detail);
    src = sqlite3_step(s);
    if (src == SQLITE_ROW) {
        ps->id = sqlite3_column_int64(s, 0);
        col_copy(s, 1, county, sizeof county);
    }
    int found = src == SQLITE_ROW;
    if ((rc = step_done(st, s, "adding a status", err))) goto done;
    if (!found) {
        rc = jy_err_set2(err, JY_ENOTFOUND, "store.person.not_found_id", "no person with id %" PRId64,
                         "没有编号为 %" PRId64 " 的人员", person_id);
        goto done;
    }
    jy_sb_reset(&st->after);
    jy_person_status_json(&st->after, ps);
    rc = audit_insert(st, actor, county, "person_status", ps->id, "create", NULL, jy_sb_cstr(&st->after), err);
    if (rc) {
        sqlite3_stmt *d = stmt(st, S_STATUS_DELETE, NULL);
        if (d) sqlite3_bind_int64(d, 1, ps->id);
        undo(st, d && step_done(st, d, "undoing a status", NULL) == 0);
    }
done:
    return txn_leave(st, own, rc, err);
}

static int sq_person_status_update(jy_store *base, int64_t person_id, jy_person_status *ps, const char *actor,
                                   jy_err *err)
{
    sq_store *st = (sq_store *)base;
    char since[JY_DATE_BUFSZ], until[JY_DATE_BUFSZ], county[7] = "";
    int own, rc = txn_enter(st, &own, err);
    if (rc) return rc;
    ps->person_id = person_id;
    jy_person_status old = {.id = ps->id, .person_id = person_id};
    sqlite3_stmt *s = stmt(st, S_STATUS_GET, err);
    if (!s) {
        rc = JY_EDB;
        goto done;
    }
    sqlite3_bind_int64(s, 1, ps->id);
    sqlite3_bind_int64(s, 2, person_id);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(s, 0);
        if (!k || jy_status_kind_parse(k, &old.kind) != 0) old.kind = 0;
        old.since = col_date(s, 1);
        old.until = col_date(s, 2);
        col_copy(s, 3, old.detail, sizeof old.detail);
        col_copy(s, 4, county, sizeof county);
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (src == SQLITE_DONE) {
        rc = jy_err_set2(err, JY_ENOTFOUND, "store.person.status_not_found", "person %" PRId64 " has no status %" PRId64,
                         "人员 %" PRId64 " 没有编号为 %" PRId64 " 的状态", person_id, ps->id);
        goto done;
    }
    if (src != SQLITE_ROW) {
        rc = db_fail(st, src, "reading a status", err);
        goto done;
    }
    if (!(s = stmt(st, S_STATUS_UPDATE, err))) {
        rc = JY_EDB;
        goto done;
    }
    sqlite3_bind_int64(s, 1, ps->id);
    sqlite3_bind_int64(s, 2, person_id);
    bind_str(s, 3, jy_status_kind_name(ps->kind));
    bind_date(s, 4, ps->since, 1, since);
    bind_date(s, 5, ps->until, 1, until);
    bind_str(s, 6, ps->detail);
    if ((rc = step_done(st, s, "updating a status", err))) goto done;
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

static int sq_person_statuses(jy_store *base, int64_t person_id, jy_person_status *out, int max,
                              int *n, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    *n = 0;
    sqlite3_stmt *s = stmt(st, S_STATUS_LIST, err);
    if (!s) return JY_EDB;
    sqlite3_bind_int64(s, 1, person_id);
    int src, rc = 0;
    while ((src = sqlite3_step(s)) == SQLITE_ROW && *n < max) {
        jy_person_status *ps = &out[(*n)++];
        memset(ps, 0, sizeof *ps);
        ps->id = sqlite3_column_int64(s, 0);
        ps->person_id = person_id;
        const char *k = (const char *)sqlite3_column_text(s, 1);
        if (!k || jy_status_kind_parse(k, &ps->kind) != 0) ps->kind = 0;
        ps->since = col_date(s, 2);
        ps->until = col_date(s, 3);
        col_copy(s, 4, ps->detail, sizeof ps->detail);
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE) rc = db_fail(st, src, "listing statuses", err);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc;
}

/* ---------------------------------------------------------------- organisations */

static void bind_org(sqlite3_stmt *s, const jy_org *o)
{
    bind_str(s, 1, o->county);
    bind_str(s, 2, o->uscc);
    bind_str(s, 3, o->name);
    sqlite3_bind_int64(s, 4, o->kinds);
    bind_str(s, 5, jy_size_class_name(o->size_class));
    bind_str(s, 6, o->division);
    bind_str(s, 7, o->legal_person);
    bind_str(s, 8, o->phone);
    bind_str(s, 9, o->address);
    bind_str(s, 10, o->bank_name);
    bind_str(s, 11, o->bank_account);
}

static void read_org(sqlite3_stmt *s, jy_org *o)
{
    o->id = sqlite3_column_int64(s, 0);
    col_copy(s, 1, o->county, sizeof o->county);
    col_copy(s, 2, o->uscc, sizeof o->uscc);
    col_copy(s, 3, o->name, sizeof o->name);
    o->kinds = (unsigned)sqlite3_column_int64(s, 4);
    const char *sz = (const char *)sqlite3_column_text(s, 5);
    if (!sz || jy_size_class_parse(sz, &o->size_class) != 0) o->size_class = JY_SIZE_UNKNOWN;
    col_copy(s, 6, o->division, sizeof o->division);
    col_copy(s, 7, o->legal_person, sizeof o->legal_person);
    col_copy(s, 8, o->phone, sizeof o->phone);
    col_copy(s, 9, o->address, sizeof o->address);
    col_copy(s, 10, o->bank_name, sizeof o->bank_name);
    col_copy(s, 11, o->bank_account, sizeof o->bank_account);
}

static int org_same(const jy_org *a, const jy_org *b)
{
    return a->kinds == b->kinds && a->size_class == b->size_class && strcmp(a->county, b->county) == 0 &&
           strcmp(a->uscc, b->uscc) == 0 && strcmp(a->name, b->name) == 0 &&
           strcmp(a->division, b->division) == 0 && strcmp(a->legal_person, b->legal_person) == 0 &&
           strcmp(a->phone, b->phone) == 0 && strcmp(a->address, b->address) == 0 &&
           strcmp(a->bank_name, b->bank_name) == 0 && strcmp(a->bank_account, b->bank_account) == 0;
}

static int sq_org_get(jy_store *base, int64_t id, const char *uscc, jy_org *out, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    sqlite3_stmt *s = NULL;
    int rc = lookup(st, uscc ? S_ORG_BY_USCC : S_ORG_BY_ID, id, uscc, &s, err);
    if (rc == JY_ENOTFOUND) {
        if (uscc)
            return jy_err_set2(err, rc, "store.org.not_found_uscc", "no organisation with USCC %s",
                               "没有统一社会信用代码为 %s 的单位", uscc);
        return jy_err_set2(err, rc, "store.org.not_found_id", "no organisation with id %" PRId64,
                           "没有编号为 %" PRId64 " 的单位", id);
    }
    if (rc) return rc;
    memset(out, 0, sizeof *out);
    read_org(s, out);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return 0;
}

static int sq_org_put(jy_store *base, jy_org *o, const char *actor, int *result, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    int own, rc = txn_enter(st, &own, err);
    if (rc) return rc;
    sqlite3_stmt *s = stmt(st, S_ORG_INSERT, err);
    if (!s) {
        rc = JY_EDB;
        goto done;
    }
    bind_org(s, o);
    if ((rc = step_done(st, s, "inserting an organisation", err))) goto done;
    if (sqlite3_changes(st->db) == 1) {
        o->id = sqlite3_last_insert_rowid(st->db);
        jy_sb_reset(&st->after);
        jy_org_json(&st->after, o);
        rc = audit_insert(st, actor, o->county, "org", o->id, "create", NULL, jy_sb_cstr(&st->after), err);
        if (rc) {
            sqlite3_stmt *d = stmt(st, S_ORG_DELETE, NULL);
            if (d) sqlite3_bind_int64(d, 1, o->id);
            undo(st, d && step_done(st, d, "undoing an organisation insert", NULL) == 0);
            goto done;
        }
        *result = JY_PUT_CREATED;
        goto done;
    }
    jy_org old;
    if ((rc = sq_org_get(base, 0, o->uscc, &old, err))) goto done;
    o->id = old.id;
    if (org_same(&old, o)) {
        *result = JY_PUT_UNCHANGED;
        goto done;
    }
    if (!(s = stmt(st, S_ORG_UPDATE, err))) {
        rc = JY_EDB;
        goto done;
    }
    bind_org(s, o);
    sqlite3_bind_int64(s, 12, o->id);
    if ((rc = step_done(st, s, "updating an organisation", err))) goto done;
    jy_sb_reset(&st->before);
    jy_org_json(&st->before, &old);
    jy_sb_reset(&st->after);
    jy_org_json(&st->after, o);
    rc = audit_insert(st, actor, o->county, "org", o->id, "update", jy_sb_cstr(&st->before),
                      jy_sb_cstr(&st->after), err);
    if (rc) {
        bind_org(s, &old);
        sqlite3_bind_int64(s, 12, old.id);
        undo(st, step_done(st, s, "undoing an organisation update", NULL) == 0);
        goto done;
    }
    *result = JY_PUT_UPDATED;
done:
    return txn_leave(st, own, rc, err);
}

static int sq_org_list(jy_store *base, const jy_org_filter *f, int (*fn)(void *ctx, const jy_org *o),
                       void *ctx, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    sqlite3_stmt *s = NULL;
    int rc = 0, src = sqlite3_prepare_v2(st->db,
                                         "SELECT " ORG_COLS " FROM orgs WHERE id > ?1"
                                         " AND (?2 = 0 OR (kinds & ?2) != 0)"
                                         " AND (?3 IS NULL OR instr(name, ?3) > 0)"
                                         " ORDER BY id LIMIT ?4",
                                         -1, &s, NULL);
    if (src != SQLITE_OK) return db_fail(st, src, "listing organisations", err);
    sqlite3_bind_int64(s, 1, f->after_id);
    sqlite3_bind_int64(s, 2, f->kinds_any);
    if (f->name_contains && *f->name_contains) bind_str(s, 3, f->name_contains);
    sqlite3_bind_int(s, 4, f->limit > 0 ? f->limit : -1);
    jy_org o;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        memset(&o, 0, sizeof o);
        read_org(s, &o);
        if (fn(ctx, &o)) break;
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE) rc = db_fail(st, src, "listing organisations", err);
    sqlite3_finalize(s);
    return rc;
}

static int sq_org_licence_add(jy_store *base, int64_t org_id, jy_licence *l, const char *actor, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    char from[JY_DATE_BUFSZ], until[JY_DATE_BUFSZ], county[7] = "";
    int own, rc = txn_enter(st, &own, err);
    if (rc) return rc;
    l->org_id = org_id;
    sqlite3_stmt *s = stmt(st, S_LIC_FIND, err);
    if (!s) {
        rc = JY_EDB;
        goto done;
    }
    sqlite3_bind_int64(s, 1, org_id);
    bind_str(s, 2, l->kind);
    bind_str(s, 3, l->number);
    bind_date(s, 4, l->valid_from, 1, from);
    bind_date(s, 5, l->valid_until, 1, until);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW) l->id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (src == SQLITE_ROW) goto done;
    if (src != SQLITE_DONE) {
        rc = db_fail(st, src, "looking up a licence", err);
        goto done;
    }
    if (!(s = stmt(st, S_LIC_INSERT, err))) {
        rc = JY_EDB;
        goto done;
    }
    sqlite3_bind_int64(s, 1, org_id);
    bind_str(s, 2, l->kind);
    bind_str(s, 3, l->number);
    bind_date(s, 4, l->valid_from, 1, from);
    bind_date(s, 5, l->valid_until, 1, until);
    src = sqlite3_step(s);
    if (src == SQLITE_ROW) {
        l->id = sqlite3_column_int64(s, 0);
        col_copy(s, 1, county, sizeof county);
    }
    int found = src == SQLITE_ROW;
    if ((rc = step_done(st, s, "adding a licence", err))) goto done;
    if (!found) {
        rc = jy_err_set2(err, JY_ENOTFOUND, "store.org.not_found_id", "no organisation with id %" PRId64,
                         "没有编号为 %" PRId64 " 的单位", org_id);
        goto done;
    }
    jy_sb_reset(&st->after);
    jy_licence_json(&st->after, l);
    rc = audit_insert(st, actor, county, "org_licence", l->id, "create", NULL, jy_sb_cstr(&st->after), err);
    if (rc) {
        sqlite3_stmt *d = stmt(st, S_LIC_DELETE, NULL);
        if (d) sqlite3_bind_int64(d, 1, l->id);
        undo(st, d && step_done(st, d, "undoing a licence", NULL) == 0);
    }
done:
    return txn_leave(st, own, rc, err);
}

/* ---- organisations' dated statuses (migration 16) ---- */

static void bind_ostatus(sqlite3_stmt *s, int64_t org_id, const jy_org_status *os, char *since, char *until)
{
    sqlite3_bind_int64(s, 1, org_id);
    bind_str(s, 2, os->kind);
    bind_date(s, 3, os->since, 1, since);
    bind_date(s, 4, os->until, 1, until);
    bind_str(s, 5, os->detail);
}

static int sq_org_status_add(jy_store *base, int64_t org_id, jy_org_status *os, const char *actor, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    char since[JY_DATE_BUFSZ], until[JY_DATE_BUFSZ], county[7] = "";
    int own, rc = txn_enter(st, &own, err);
    if (rc) return rc;
    os->org_id = org_id;
    sqlite3_stmt *s = stmt(st, S_OSTATUS_FIND, err);
    if (!s) {
        rc = JY_EDB;
        goto done;
    }
    bind_ostatus(s, org_id, os, since, until);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW) os->id = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (src == SQLITE_ROW) goto done; /* already held: nothing to add */
    if (src != SQLITE_DONE) {
        rc = db_fail(st, src, "looking up an organisation's status", err);
        goto done;
    }
    if (!(s = stmt(st, S_OSTATUS_INSERT, err))) {
        rc = JY_EDB;
        goto done;
    }
    bind_ostatus(s, org_id, os, since, until);
    src = sqlite3_step(s);
    if (src == SQLITE_ROW) {
        os->id = sqlite3_column_int64(s, 0);
        col_copy(s, 1, county, sizeof county);
    }
    int found = src == SQLITE_ROW;
    if ((rc = step_done(st, s, "adding an organisation's status", err))) goto done;
    if (!found) {
        rc = jy_err_set2(err, JY_ENOTFOUND, "store.org.not_found_id", "no organisation with id %" PRId64,
                         "没有编号为 %" PRId64 " 的单位", org_id);
        goto done;
    }
    jy_sb_reset(&st->after);
    jy_org_status_json(&st->after, os);
    rc = audit_insert(st, actor, county, "org_status", os->id, "create", NULL, jy_sb_cstr(&st->after), err);
    if (rc) {
        sqlite3_stmt *d = stmt(st, S_OSTATUS_DELETE, NULL);
        if (d) sqlite3_bind_int64(d, 1, os->id);
        undo(st, d && step_done(st, d, "undoing an organisation's status", NULL) == 0);
    }
done:
    return txn_leave(st, own, rc, err);
}

static int sq_org_status_update(jy_store *base, int64_t org_id, jy_org_status *os, const char *actor, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    char since[JY_DATE_BUFSZ], until[JY_DATE_BUFSZ], county[7] = "";
    int own, rc = txn_enter(st, &own, err);
    if (rc) return rc;
    os->org_id = org_id;
    jy_org_status old = {.id = os->id, .org_id = org_id};
    sqlite3_stmt *s = stmt(st, S_OSTATUS_GET, err);
    if (!s) {
        rc = JY_EDB;
        goto done;
    }
    sqlite3_bind_int64(s, 1, os->id);
    sqlite3_bind_int64(s, 2, org_id);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW) {
        col_copy(s, 0, old.kind, sizeof old.kind);
        old.since = col_date(s, 1);
        old.until = col_date(s, 2);
        col_copy(s, 3, old.detail, sizeof old.detail);
        col_copy(s, 4, county, sizeof county);
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (src == SQLITE_DONE) {
        rc = jy_err_set2(err, JY_ENOTFOUND, "store.org.status_not_found", "organisation %" PRId64 " has no status %" PRId64,
                         "单位 %" PRId64 " 没有编号为 %" PRId64 " 的状态", org_id, os->id);
        goto done;
    }
    if (src != SQLITE_ROW) {
        rc = db_fail(st, src, "reading an organisation's status", err);
        goto done;
    }
    if (!(s = stmt(st, S_OSTATUS_UPDATE, err))) {
        rc = JY_EDB;
        goto done;
    }
    sqlite3_bind_int64(s, 1, os->id);
    sqlite3_bind_int64(s, 2, org_id);
    bind_str(s, 3, os->kind);
    bind_date(s, 4, os->since, 1, since);
    bind_date(s, 5, os->until, 1, until);
    bind_str(s, 6, os->detail);
    if ((rc = step_done(st, s, "updating an organisation's status", err))) goto done;
    jy_sb before = JY_SB_INIT;
    jy_org_status_json(&before, &old);
    jy_sb_reset(&st->after);
    jy_org_status_json(&st->after, os);
    rc = audit_insert(st, actor, county, "org_status", os->id, "update", jy_sb_cstr(&before), jy_sb_cstr(&st->after), err);
    jy_sb_free(&before);
done:
    return txn_leave(st, own, rc, err);
}

static int sq_org_statuses(jy_store *base, int64_t org_id, jy_org_status *out, int max, int *n, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    *n = 0;
    sqlite3_stmt *s = stmt(st, S_OSTATUS_LIST, err);
    if (!s) return JY_EDB;
    sqlite3_bind_int64(s, 1, org_id);
    int src, rc = 0;
    while ((src = sqlite3_step(s)) == SQLITE_ROW && *n < max) {
        jy_org_status *os = &out[(*n)++];
        memset(os, 0, sizeof *os);
        os->id = sqlite3_column_int64(s, 0);
        os->org_id = org_id;
        col_copy(s, 1, os->kind, sizeof os->kind);
        os->since = col_date(s, 2);
        os->until = col_date(s, 3);
        col_copy(s, 4, os->detail, sizeof os->detail);
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE) rc = db_fail(st, src, "listing an organisation's statuses", err);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc;
}

static int sq_org_licences(jy_store *base, int64_t org_id, jy_licence *out, int max, int *n, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    *n = 0;
    sqlite3_stmt *s = stmt(st, S_LIC_LIST, err);
    if (!s) return JY_EDB;
    sqlite3_bind_int64(s, 1, org_id);
    int src, rc = 0;
    while ((src = sqlite3_step(s)) == SQLITE_ROW && *n < max) {
        jy_licence *l = &out[(*n)++];
        memset(l, 0, sizeof *l);
        l->id = sqlite3_column_int64(s, 0);
        l->org_id = org_id;
        col_copy(s, 1, l->kind, sizeof l->kind);
        col_copy(s, 2, l->number, sizeof l->number);
        l->valid_from = col_date(s, 3);
        l->valid_until = col_date(s, 4);
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE) rc = db_fail(st, src, "listing licences", err);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc;
}

/* ---------------------------------------------------------------- counts, schema, lifetime */

static int sq_counts_get(jy_store *base, jy_store_counts *out, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    sqlite3_stmt *s = stmt(st, S_COUNTS, err);
    if (!s) return JY_EDB;
    int src = sqlite3_step(s), rc = 0;
    if (src == SQLITE_ROW) {
        out->persons = sqlite3_column_int64(s, 0);
        out->orgs = sqlite3_column_int64(s, 1);
        out->statuses = sqlite3_column_int64(s, 2);
        out->audit_entries = sqlite3_column_int64(s, 3);
        out->licences = sqlite3_column_int64(s, 4);
    } else {
        rc = db_fail(st, sqlite3_extended_errcode(st->db), "counting records", err);
    }
    sqlite3_reset(s);
    return rc;
}

/* Prepared per call (not cached) so that fn may use the store again. */
static int sq_group_counts(jy_store *base, int by, jy_date on,
                           int (*fn)(void *ctx, const char *key, int64_t n), void *ctx, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    static const char *const sql[] = {
        [JY_GROUP_PERSON_TOWNSHIP] = "SELECT substr(hukou_division, 1, 9), count(*) FROM persons GROUP BY 1 ORDER BY 1",
        [JY_GROUP_PERSON_STATUS] = "SELECT kind, count(DISTINCT person_id) FROM person_statuses"
                                   " WHERE (since IS NULL OR since <= ?1) AND (until IS NULL OR until >= ?1)"
                                   " GROUP BY kind ORDER BY kind",
        [JY_GROUP_ORG_KINDS] = "SELECT kinds, count(*) FROM orgs GROUP BY kinds ORDER BY kinds",
    };
    sqlite3_stmt *s = NULL;
    int src = sqlite3_prepare_v2(st->db, sql[by], -1, &s, NULL);
    if (src != SQLITE_OK) return db_fail(st, src, "preparing group counts", err);
    int rc = 0;
    if (by == JY_GROUP_PERSON_STATUS) {
        char day[JY_DATE_BUFSZ];
        jy_date_format(on, day);
        sqlite3_bind_text(s, 1, day, -1, SQLITE_TRANSIENT);
    }
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *key = sqlite3_column_text(s, 0);
        if (fn(ctx, key ? (const char *)key : "", sqlite3_column_int64(s, 1))) break;
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE) rc = db_fail(st, src, "group counts", err);
    sqlite3_finalize(s);
    return rc;
}

static int sq_schema_version(jy_store *base, int *version, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    sqlite3_stmt *s = stmt(st, S_SCHEMA_VERSION, err);
    if (!s) return JY_EDB;
    int src = sqlite3_step(s), rc = 0;
    if (src == SQLITE_ROW) *version = sqlite3_column_int(s, 0);
    else rc = db_fail(st, sqlite3_extended_errcode(st->db), "reading the schema version", err);
    sqlite3_reset(s);
    return rc;
}

/* Runs a constant multi-statement script (a migration), each statement prepared in turn. */
static int run_script(sq_store *st, const char *sql, const char *what, jy_err *err)
{
    const char *tail = sql;
    while (tail && *tail) {
        sqlite3_stmt *s = NULL;
        int src = sqlite3_prepare_v2(st->db, tail, -1, &s, &tail);
        if (src != SQLITE_OK) return db_fail(st, src, what, err);
        if (!s) break; /* only whitespace or comments left */
        int rc = step_done(st, s, what, err);
        sqlite3_finalize(s);
        if (rc) return rc;
    }
    return 0;
}

/* The schema version read without a write lock (in WAL mode a read never waits for a writer);
 * -1 when the database has no migrations table yet or the read fails. */
static int schema_version_unlocked(sq_store *st)
{
    sqlite3_stmt *s = NULL;
    int version = -1;
    if (sqlite3_prepare_v2(st->db, stmt_sql[S_SCHEMA_VERSION], -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        version = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return version;
}

/* Brings the schema up to JY_STORE_SCHEMA_VERSION. A database already there is only read, so
 * opening one never waits for another process's write transaction (an import's batch, a
 * payment run); otherwise the check and the migrations run in one write transaction. */
static int migrate(sq_store *st, const char *path, jy_err *err)
{
    int rc, version = 0;
    if (schema_version_unlocked(st) == JY_STORE_SCHEMA_VERSION) return 0;
    if ((rc = exec_cached(st, S_BEGIN, err))) return rc;
    if ((rc = run_script(st, JY_SQLITE_MIGRATIONS_TABLE, "creating the migrations table", err))) goto done;
    if ((rc = sq_schema_version(&st->base, &version, err))) goto done;
    if (version > JY_STORE_SCHEMA_VERSION) {
        rc = jy_err_set2(err, JY_EDB, "store.db.schema_newer",
                        "database %s has schema version %d, newer than this jiuye knows (%d): upgrade jiuye", "数据库 %s 的结构版本为 %d，高于本程序所知的版本（%d）：请升级 jiuye",
                        path, version, JY_STORE_SCHEMA_VERSION);
        goto done;
    }
    for (size_t i = 0; i < sizeof jy_sqlite_migrations / sizeof *jy_sqlite_migrations; i++) {
        const jy_sqlite_migration *m = &jy_sqlite_migrations[i];
        if (m->version <= version) continue;
        char what[96], now[32];
        snprintf(what, sizeof what, "migration %d (%s)", m->version, m->description);
        if ((rc = run_script(st, m->sql, what, err))) goto done;
        sqlite3_stmt *s = NULL;
        int src = sqlite3_prepare_v2(st->db,
                                     "INSERT INTO schema_migrations(version, description, applied_at) VALUES (?1, ?2, ?3)",
                                     -1, &s, NULL);
        if (src != SQLITE_OK) {
            rc = db_fail(st, src, what, err);
            goto done;
        }
        jy_store_now(now, sizeof now);
        sqlite3_bind_int(s, 1, m->version);
        bind_str(s, 2, m->description);
        bind_str(s, 3, now);
        rc = step_done(st, s, what, err);
        sqlite3_finalize(s);
        if (rc) goto done;
    }
done:
    if (rc) {
        exec_cached(st, S_ROLLBACK, NULL);
        return rc;
    }
    return exec_cached(st, S_COMMIT, err);
}

static void ckpt_stop(sq_store *st);

static void sq_close(jy_store *base)
{
    sq_store *st = (sq_store *)base;
    ckpt_stop(st); /* a handle closed in bulk mode */
    if (st->depth > 0) {
        st->depth = 1;
        sq_rollback(base, NULL);
    }
    for (int i = 0; i < S__COUNT; i++) sqlite3_finalize(st->stmt[i]);
    for (int i = 0; i < SQ_CACHE_SLOTS; i++) sqlite3_finalize(st->cache[i].s);
    sqlite3_close(st->db);
    gate_leave(st);
    gate_put(st->gate);
    jy_sb_free(&st->before);
    jy_sb_free(&st->after);
    free(st);
}

static const jy_store_ops sqlite_ops = {
    .name = "sqlite",
    .close = sq_close,
    .schema_version = sq_schema_version,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .person_put = sq_person_put,
    .person_get = sq_person_get,
    .person_list = sq_person_list,
    .person_status_add = sq_person_status_add,
    .person_statuses = sq_person_statuses,
    .person_status_update = sq_person_status_update,
    .org_put = sq_org_put,
    .org_get = sq_org_get,
    .org_list = sq_org_list,
    .org_licence_add = sq_org_licence_add,
    .org_licences = sq_org_licences,
    .org_status_add = sq_org_status_add,
    .org_status_update = sq_org_status_update,
    .org_statuses = sq_org_statuses,
    .counts_get = sq_counts_get,
    .group_counts = sq_group_counts,
    .audit_append = sq_audit_append,
    .audit_list = sq_audit_list,
    .audit_head = sq_audit_head,
};

/* Process-wide SQLite settings, made once before the library initialises (sqlite3_config is
 * refused after that; a process that used SQLite first just keeps the defaults). Memory
 * statistics off: with them on, every allocation and free of every connection takes one global
 * mutex and updates counters (jiuye never reads them) — about 5 % of SQLite's instructions in a
 * bulk import, and a lock the import's writer and checkpointer threads would share. */
static pthread_once_t sqlite_config_once = PTHREAD_ONCE_INIT;

static void sqlite_config(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int jy_store_sqlite_open(const char *path, jy_store **out, jy_err *err)
{
    *out = NULL;
    pthread_once(&sqlite_config_once, sqlite_config);
    sq_store *st = calloc(1, sizeof *st);
    if (!st) return jy_err_set2(err, JY_ENOMEM, "store.db.oom_open", "out of memory opening %s", "打开 %s 时内存不足", path);
    st->base.ops = &sqlite_ops;
    jy_sb_init(&st->before);
    jy_sb_init(&st->after);
    int rc = 0, src;
    /* a new database file is created 0600 (it holds ID numbers and bank accounts); SQLite gives
     * its -wal and -shm files the database file's mode. ":memory:" is not a file. */
    if (strcmp(path, ":memory:") != 0 && jy_file_create_if_missing(path) != 0) {
        rc = jy_err_set2(err, JY_EIO, "store.db.create", "database %s: cannot create: %s", "数据库 %s：无法创建：%s",
                         path, strerror(errno));
        goto done;
    }
    src = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (src != SQLITE_OK) {
        rc = jy_err_set2(err, JY_EDB, "store.db.open", "database %s: cannot open: %s", "数据库 %s：无法打开：%s", path,
                        st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(src));
        goto done;
    }
    sqlite3_extended_result_codes(st->db, 1);
    sqlite3_busy_timeout(st->db, 10000);
    sqlite3_update_hook(st->db, on_update, st);
    if (strcmp(path, ":memory:") != 0) st->gate = gate_get(path);
    /* 8 KiB pages (only takes effect on a new file): ~20 % faster bulk puts than 4 KiB with
     * rows of ~700 bytes (person + audit entry). WAL: readers never block the writer; NORMAL
     * sync is crash-safe in WAL mode (a power cut may lose the last commits, never corrupt);
     * a 64 MiB page cache keeps big imports in memory. */
    if ((rc = run_script(st, "PRAGMA page_size = 8192; PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
                             " PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;",
                         "setting up the connection", err)))
        goto done;
    if ((rc = migrate(st, path, err))) goto done;
    sqlite3_wal_hook(st->db, on_wal_commit, st);
done:
    if (rc) {
        sq_close(&st->base);
        return rc;
    }
    *out = &st->base;
    return 0;
}

/* For the ops in their own files (store_impl.h): the connection. */
struct sqlite3 *jy_store_sqlite_db(jy_store *base)
{
    return ((sq_store *)base)->db;
}

/* ---------------------------------------------------------------- statement cache */

/* The slot's hash of a statement's text: FNV-1a over its length and its first and last 32 bytes.
 * Only the slot depends on it (cache_slot tells texts apart with strcmp), and a whole-text hash
 * was ~2,000 instructions for a case's 500-byte column list, paid in both prepare and release of
 * every statement; statements differ in their length or at their ends (the WHERE clause). */
static uint64_t sql_hash(const char *sql)
{
    const unsigned char *p = (const unsigned char *)sql;
    size_t n = strlen(sql);
    uint64_t h = (1469598103934665603ULL ^ (uint64_t)n) * 1099511628211ULL;
    size_t head = n < 32 ? n : 32;
    for (size_t i = 0; i < head; i++) h = (h ^ p[i]) * 1099511628211ULL;
    for (size_t i = n - (n - head < 32 ? n - head : 32); i < n; i++) h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

/* The slot holding sql, or the empty slot where it would go; -1 when the table is full. */
static int cache_slot(sq_store *st, const char *sql, uint64_t h)
{
    for (int i = 0; i < SQ_CACHE_SLOTS; i++) {
        int k = (int)((h + (uint64_t)i) & (SQ_CACHE_SLOTS - 1));
        struct sq_cached *c = &st->cache[k];
        if (!c->s) return k;
        if (c->hash == h && strcmp(sqlite3_sql(c->s), sql) == 0) return k;
    }
    return -1;
}

/* store_impl.h: a statement for sql on the handle's connection, prepared once per handle
 * (SQLITE_PREPARE_PERSISTENT) and kept; a statement still stepping (a list walk whose callback
 * runs the same SQL again) gets a fresh one that release finalises. */
int jy_store_sqlite_prepare(jy_store *base, const char *sql, sqlite3_stmt **out)
{
    sq_store *st = (sq_store *)base;
    uint64_t h = sql_hash(sql);
    int k = cache_slot(st, sql, h);
    if (k >= 0 && st->cache[k].s && !sqlite3_stmt_busy(st->cache[k].s)) {
        *out = st->cache[k].s;
        return SQLITE_OK;
    }
    int cache = k >= 0 && !st->cache[k].s && st->ncached < SQ_CACHE_MAX;
    int src = sqlite3_prepare_v3(st->db, sql, -1, cache ? SQLITE_PREPARE_PERSISTENT : 0, out, NULL);
    if (src != SQLITE_OK) {
        sqlite3_finalize(*out);
        *out = NULL;
        return src;
    }
    if (cache) {
        st->cache[k].hash = h;
        st->cache[k].s = *out;
        st->ncached++;
    }
    return SQLITE_OK;
}

int jy_store_sqlite_epoch(jy_store *base, unsigned long long ep[2])
{
    sq_store *st = (sq_store *)base;
    if (st->depth > 0 || !sqlite3_get_autocommit(st->db)) return -1; /* own uncommitted changes */
    if (base->epoch_mode == 2) { /* read at this request's first lookup (jy_store_request_epoch) */
        ep[0] = base->epoch_pinned;
        ep[1] = (unsigned long long)sqlite3_total_changes64(st->db);
        return 0;
    }
    sqlite3_stmt *s = NULL;
    if (jy_store_sqlite_prepare(base, "PRAGMA data_version", &s) != SQLITE_OK) return -1;
    int src = sqlite3_step(s);
    long long dv = src == SQLITE_ROW ? (long long)sqlite3_column_int64(s, 0) : -1;
    jy_store_sqlite_release(base, s);
    if (dv < 0) return -1;
    ep[0] = (unsigned long long)dv;
    if (base->epoch_mode == 1) {
        base->epoch_pinned = ep[0];
        base->epoch_mode = 2;
    }
    ep[1] = (unsigned long long)sqlite3_total_changes64(st->db);
    return 0;
}

int jy_store_sqlite_txn_open(jy_store *base)
{
    sq_store *st = (sq_store *)base;
    return st->depth > 0 && !sqlite3_get_autocommit(st->db) && !st->broken;
}

int64_t jy_store_sqlite_checkpoint_signals(jy_store *base)
{
    sq_store *st = (sq_store *)base;
    if (!st->gate) return 0;
    pthread_mutex_lock(&gates_mu);
    int64_t n = st->gate->ckpt_signals;
    pthread_mutex_unlock(&gates_mu);
    return n;
}

int64_t jy_store_sqlite_durable_syncs(jy_store *base)
{
    return ((sq_store *)base)->syncs;
}

/* store_impl.h: done with a statement of jy_store_sqlite_prepare: a cached one is reset (ending
 * its read at once) and its bindings cleared (no pointer into the caller's memory stays); any
 * other is finalised. */
void jy_store_sqlite_release(jy_store *base, sqlite3_stmt *s)
{
    if (!s) return;
    sq_store *st = (sq_store *)base;
    const char *sql = sqlite3_sql(s);
    int k = sql ? cache_slot(st, sql, sql_hash(sql)) : -1;
    if (k >= 0 && st->cache[k].s == s) {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        return;
    }
    sqlite3_finalize(s);
}

/* ---------------------------------------------------------------- bulk mode */

/* The background checkpointer of bulk mode: a thread with its own connection to the same file
 * that copies committed WAL frames into the database (PASSIVE checkpoints) while the writer
 * goes on, so the copy and its fsyncs run on another core instead of in the writer's commits
 * or in one long checkpoint at the end. A checkpoint is an ordinary one: what it copies is
 * committed and synced to the WAL first, so what a crash can lose does not change. */
typedef struct checkpointer {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    sqlite3 *db;    /* the checkpointer's own connection */
    int pending;    /* commits since the last checkpoint started */
    int stop;
} checkpointer;

/* WAL frames (pages) in the log after a commit from which the writer wakes the checkpointer:
 * SQLite's own automatic-checkpoint threshold (an import's 100,000-row commit adds ~5,000). */
#define CKPT_FRAMES 1000

static void *ckpt_main(void *arg)
{
    checkpointer *c = arg;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (!c->pending && !c->stop) pthread_cond_wait(&c->cv, &c->mu);
        if (c->stop) break;
        c->pending = 0;
        pthread_mutex_unlock(&c->mu);
        /* BUSY (another checkpoint running) or a failure only leaves more for the next one and
         * for the final checkpoint of jy_store_sqlite_bulk(off) */
        sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        pthread_mutex_lock(&c->mu);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* sqlite3_wal_hook: runs on the writer's connection after each commit (in place of the
 * automatic checkpoint, which would copy the frames on the writer's thread). */
static int ckpt_wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
    (void)db;
    (void)name;
    checkpointer *c = arg;
    if (frames < CKPT_FRAMES) return SQLITE_OK;
    pthread_mutex_lock(&c->mu);
    c->pending = 1;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    return SQLITE_OK;
}

/* Starts the checkpointer. Best effort: when there is none to start (a temporary or in-memory
 * database) or it cannot be started (no memory, no second connection, no thread), the writer
 * just defers checkpoints to the end of bulk mode, as it did before the checkpointer existed. */
static void ckpt_start(sq_store *st)
{
    const char *path = sqlite3_db_filename(st->db, "main");
    if (!path || !*path) return;
    checkpointer *c = calloc(1, sizeof *c);
    if (!c) return;
    int src = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (src == SQLITE_OK) {
        sqlite3_busy_timeout(c->db, 10000);
        /* a first read opens the WAL (a checkpoint on a connection that has not read yet
         * does nothing); syncs as the writer's connection does */
        src = sqlite3_exec(c->db, "PRAGMA synchronous = NORMAL; SELECT 1 FROM sqlite_schema LIMIT 1", NULL, NULL,
                           NULL);
    }
    if (src != SQLITE_OK) {
        sqlite3_close(c->db);
        free(c);
        return;
    }
    pthread_mutex_init(&c->mu, NULL);
    pthread_cond_init(&c->cv, NULL);
    if (pthread_create(&c->thread, NULL, ckpt_main, c) != 0) {
        pthread_mutex_destroy(&c->mu);
        pthread_cond_destroy(&c->cv);
        sqlite3_close(c->db);
        free(c);
        return;
    }
    st->ckpt = c;
    sqlite3_wal_hook(st->db, ckpt_wal_hook, c);
}

/* The writer gate's checkpointer (on_wal_commit): one per file and process, the bulk-mode
 * thread above with its own connection, started at the first commit that needs a checkpoint.
 * When it cannot be started, the committing thread checkpoints as SQLite would have. */
static checkpointer *ckpt_new(const char *path)
{
    checkpointer *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    int src = sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (src == SQLITE_OK) {
        sqlite3_busy_timeout(c->db, 10000);
        src = sqlite3_exec(c->db, "PRAGMA synchronous = NORMAL; SELECT 1 FROM sqlite_schema LIMIT 1", NULL, NULL,
                           NULL);
    }
    if (src == SQLITE_OK) {
        pthread_mutex_init(&c->mu, NULL);
        pthread_cond_init(&c->cv, NULL);
        if (pthread_create(&c->thread, NULL, ckpt_main, c) == 0) return c;
        pthread_mutex_destroy(&c->mu);
        pthread_cond_destroy(&c->cv);
    }
    sqlite3_close(c->db);
    free(c);
    return NULL;
}

static void gate_ckpt_signal(writer_gate *g, sqlite3 *db, int frames)
{
    pthread_mutex_lock(&gates_mu);
    if (frames < g->ckpt_frames) g->ckpt_frames = 0; /* the WAL restarted since */
    if (g->ckpt_frames && frames - g->ckpt_frames < WAL_CHECKPOINT_PAGES) {
        pthread_mutex_unlock(&gates_mu);
        return; /* woken for these frames already: the next time after 1,000 more */
    }
    g->ckpt_frames = frames;
    g->ckpt_signals++;
    if (!g->ckpt && !g->ckpt_tried) {
        g->ckpt_tried = 1;
        const char *path = sqlite3_db_filename(db, "main");
        if (path && *path) g->ckpt = ckpt_new(path);
    }
    checkpointer *c = g->ckpt;
    pthread_mutex_unlock(&gates_mu);
    if (!c) {
        sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        return;
    }
    pthread_mutex_lock(&c->mu);
    c->pending = 1;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

static void gate_ckpt_stop(writer_gate *g)
{
    checkpointer *c = g->ckpt;
    if (!c) return;
    pthread_mutex_lock(&c->mu);
    c->stop = 1;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    /* what it had not copied yet: one last PASSIVE checkpoint, as the last close would do */
    sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    sqlite3_close(c->db);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    free(c);
    g->ckpt = NULL;
}

/* Stops and joins the checkpointer (waiting for a checkpoint in progress) and closes its
 * connection; the writer's connection gets the automatic checkpoint back. */
static void ckpt_stop(sq_store *st)
{
    checkpointer *c = st->ckpt;
    if (!c) return;
    sqlite3_wal_autocheckpoint(st->db, 1000); /* replaces ckpt_wal_hook */
    pthread_mutex_lock(&c->mu);
    c->stop = 1;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    sqlite3_close(c->db);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    free(c);
    st->ckpt = NULL;
}

/* jy_store_bulk (store.h): for a long import. A 256 MiB page cache keeps the ID-number index of a
 * county's registry (and the pages a batch dirties) in memory, so each commit writes every dirty
 * page once instead of spilling and re-reading; the writer's commits do not checkpoint: a
 * background checkpointer (above) copies the WAL into the database on another thread, and one
 * PASSIVE checkpoint at the end copies what is left. synchronous, the WAL and therefore what a
 * crash can lose (the open batch, never a committed one) do not change. */
int jy_store_sqlite_bulk(jy_store *base, int on, jy_err *err)
{
    sq_store *st = (sq_store *)base;
    if (on) {
        if (st->ckpt) return 0; /* already on */
        int rc = run_script(st, "PRAGMA cache_size = -262144; PRAGMA wal_autocheckpoint = 0;",
                            "entering bulk-load mode", err);
        if (rc == 0) ckpt_start(st);
        return rc;
    }
    ckpt_stop(st);
    /* journal_size_limit: the WAL a bulk load grew is cut back to 64 MiB when it is next reset */
    int rc = run_script(st, "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 1000;"
                            " PRAGMA journal_size_limit = 67108864;",
                        "leaving bulk-load mode", err);
    sqlite3_wal_hook(st->db, on_wal_commit, st); /* the pragma put SQLite's own hook back */
    /* the last checkpoint; PASSIVE: readers or writers of other connections are not waited
     * for (what they hold is copied by a later checkpoint) */
    if (rc == 0 && st->depth == 0) {
        int src = sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        if (src != SQLITE_OK && src != SQLITE_BUSY && src != SQLITE_LOCKED)
            rc = db_fail(st, src, "checkpointing the WAL after a bulk load", err);
    }
    return rc;
}
