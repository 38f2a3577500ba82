/* store.h — the only way the rest of jiuye touches data.
 *
 * Backends: the embedded default is SQLite (store_sqlite.c); PostgreSQL (store_pg.c) follows the
 * same contract. jy_store_open picks the backend from the URL: "postgresql://…" or
 * "postgres://…" → PostgreSQL, "sqlite:PATH" or a plain PATH → SQLite.
 *
 * Contract for every function:
 *  - returns 0 on success or a negative JY_E* code, filling err with a message naming the record
 *    and the reason (JY_ENOTFOUND when a lookup finds nothing, JY_ECONFLICT on a uniqueness or
 *    concurrency conflict, JY_EDB for anything the database reports);
 *  - every change writes one audit-log entry in the same transaction (who, when, what,
 *    before/after as JSON, hash-chained), so a change and its audit entry land together or not
 *    at all;
 *  - a function that changes data and is called outside jy_store_begin/commit runs in its own
 *    transaction; inside one, it joins it. On failure inside a caller's transaction, the caller
 *    decides (rollback or go on; the failed statement itself left nothing behind);
 *    PostgreSQL (issue 3, bulk puts) may send a change's writes inside a caller's transaction
 *    without waiting for their answer: its result and ids are final when it returns, but a
 *    database error in those writes is reported by a later call of the same transaction, at the
 *    latest by jy_store_commit, which then rolls the whole transaction back;
 *  - strings handed in are UTF-8 and are copied; structs handed out are filled by value (fixed
 *    buffers), so no ownership crosses this boundary.
 *
 * Every record belongs to a county (division code, 6 digits): persons by 户籍 county, organisations
 * by registration county. A store opened with a county scope sees and changes only that
 * county's records (multi-county deployments; scoping arrives with the PostgreSQL issue).
 *
 * Transactions nest: the outermost jy_store_begin starts a write transaction (SQLite: BEGIN
 * IMMEDIATE, so concurrent writers queue instead of failing mid-way); an inner begin opens a
 * savepoint. An inner rollback undoes only what was done since its begin; an inner commit
 * keeps it for the outer level to commit or roll back. Every begin must be paired with one
 * commit or rollback. A jy_store handle is used by one thread at a time.
 *
 * docs/store.md describes the schema, the migrations and the audit chain's exact encoding. */
#ifndef JY_STORE_H
#define JY_STORE_H

#include <stdint.h>

#include "base/date.h"
#include "base/err.h"
#include "base/sb.h"

typedef struct jy_store jy_store;

/* ---- lifetime and transactions ---- */

/* Opens (creating if needed) and migrates the database to the newest schema version. */
int jy_store_open(const char *url, jy_store **out, jy_err *err);
void jy_store_close(jy_store *st);
const char *jy_store_backend(const jy_store *st); /* "sqlite" or "postgresql" */
int jy_store_schema_version(jy_store *st, int *version, jy_err *err);

/* The store's clock: the current UTC time as every record and audit entry is stamped
 * ("YYYY-MM-DDTHH:MM:SS.mmmZ", buf ≥ 32); JIUYE_NOW, when set, is used verbatim instead
 * (reproducible tests). */
void jy_store_now(char *buf, size_t n);

int jy_store_begin(jy_store *st, jy_err *err);
int jy_store_commit(jy_store *st, jy_err *err);
int jy_store_rollback(jy_store *st, jy_err *err);
/* Is the handle's transaction still open on the database itself? 1 yes, 0 no (none begun, or the
 * database ended it on its own: SQLite rolls a whole transaction back after some errors — a full
 * disk, an I/O error, out of memory — while the handle's nesting still counts it, or a failed
 * change could not be undone and the transaction must not commit), -1 when the
 * backend cannot tell (PostgreSQL). The HTTP server's write lane (group commit, src/http/server.c)
 * checks it after each request of a group so that a later request never runs outside it. */
int jy_store_txn_open(jy_store *st);

/* ---- county scope (added with the PostgreSQL backend, issue 3; store_scope.c) ----
 * Restricts the handle to records whose county starts with prefix: "640522" one county, "6405"
 * a city, "64" the region; NULL or "" lifts the restriction. Outside the scope, single reads
 * answer JY_ENOTFOUND, writes JY_ECONFLICT (also when the ID number or USCC is registered in a
 * county outside it), lists and counts leave the records out, and the audit list shows only the
 * scope's records' entries (jy_store_audit_verify still checks the whole chain).
 * JY_EINVAL unless prefix has 2, 4 or 6 digits. */
int jy_store_set_scope(jy_store *st, const char *prefix, jy_err *err);

/* One request's reads (the HTTP server calls this with 1 when a request takes the handle and with
 * 0 when it gives it back). In between, the handle's read cache (store_rcache.c) reads the
 * database's data version once, at the request's first cached lookup — for an authenticated
 * request, its session check — and reuses it for the request's later lookups, instead of a
 * read transaction of its own before each (a third of a case page's lookups cost). So every
 * value the request is served was the database's at an instant during the request, as with
 * uncached reads (a request's statements are not one snapshot either), and the next request
 * reads the version afresh: a logout, lock or password change committed anywhere still ends the
 * session on the next request. The handle's own changes are still seen at once. */
void jy_store_request_epoch(jy_store *st, int on);
const char *jy_store_scope(const jy_store *st); /* "" when unscoped */

/* ---- backup and restore (added with the PostgreSQL backend, issue 3; store_backup.c) ----
 * jy_store_backup copies the database named by url (as jy_store_open takes it) into the file
 * path while others keep using it: SQLite through the online backup API (the file is a SQLite
 * database), PostgreSQL through pg_dump's custom format. jy_store_restore loads such a file into
 * the database named by url, which must be empty (a fresh file or a freshly created PostgreSQL
 * database): JY_ECONFLICT when it already holds records. Run `jiuye audit verify` after a
 * restore: the chain travels with the data. */
int jy_store_backup(const char *url, const char *path, jy_err *err);
int jy_store_restore(const char *url, const char *path, jy_err *err);

/* ---- persons (人员) ---- */

enum jy_hukou_kind { JY_HUKOU_UNKNOWN = 0, JY_HUKOU_URBAN = 1 /* 城镇/非农业 */, JY_HUKOU_RURAL = 2 /* 农村/农业 */ };

/* Dated statuses a person can hold; each row has since/until (0 = open) and a detail. */
typedef enum jy_status_kind {
    JY_ST_REGISTERED_UNEMPLOYED = 1, /* 登记失业 */
    JY_ST_POVERTY_ALLEVIATED,        /* 脱贫人口 */
    JY_ST_MONITORED,                 /* 监测对象 */
    JY_ST_DISABILITY,                /* 残疾人; detail = grade "1".."4" */
    JY_ST_VETERAN,                   /* 退役军人 */
    JY_ST_GRADUATE,                  /* 高校毕业生; detail = year of leaving school */
    JY_ST_DIBAO,                     /* 低保 */
    JY_ST_ZERO_EMPLOYMENT_FAMILY,    /* 零就业家庭 */
    JY_ST_PUBLIC_WELFARE_POST,       /* 公益性岗位 */
    JY_ST_FISCAL_PAYROLL,            /* 财政供养 */
    JY_ST_ENROLLED_STUDENT,          /* 在校学生 */
    JY_ST_RETIRED,                   /* 退休 */
    JY_ST_EMPLOYER_INSURED,          /* 单位缴纳社保 */
    JY_ST__COUNT
} jy_status_kind;

const char *jy_status_kind_name(jy_status_kind k);        /* "registered_unemployed", … */
const char *jy_status_kind_label(jy_status_kind k);       /* Chinese term, "登记失业", … */
int jy_status_kind_parse(const char *name, jy_status_kind *out); /* English name or Chinese term */

const char *jy_hukou_kind_name(int k);                    /* "urban", "rural", "" (unknown) */
const char *jy_hukou_kind_label(int k);                   /* "城镇", "农村", "" */
/* Accepts urban|rural, 城镇|农村, 非农业|农业|非农业户口|农业户口 (and "" → unknown). */
int jy_hukou_kind_parse(const char *s, int *out);

typedef struct jy_person_status {
    int64_t id;
    jy_status_kind kind;
    jy_date since; /* 0 = unknown */
    jy_date until; /* 0 = open */
    char detail[64];
    int64_t person_id; /* filled by the store on reads and adds */
} jy_person_status;

typedef struct jy_person {
    int64_t id;                 /* 0 before insertion */
    char idcard[19];            /* 身份证号, 18 chars, upper-case X */
    char name[64];              /* 姓名 */
    char sex;                   /* 'M' or 'F' (from the ID number) */
    char ethnicity[32];         /* 民族, e.g. "回族" */
    char education[32];         /* 文化程度, e.g. "高中" */
    jy_date birth;              /* from the ID number */
    char hukou_division[13];    /* 户籍所在地 division code (6, 9 or 12 digits) */
    int hukou_kind;             /* enum jy_hukou_kind (户籍性质) */
    char county[7];             /* owning county, 6 digits (defaults to the hukou county) */
    char phone[16];             /* 联系电话 */
    char address[256];          /* 家庭住址 */
} jy_person;

/* What a put did. */
enum jy_put_result { JY_PUT_CREATED = 1, JY_PUT_UPDATED = 2, JY_PUT_UNCHANGED = 3 };

/* Inserts or updates by 身份证号. An identical record is left alone (JY_PUT_UNCHANGED, no audit
 * entry), so importing the same roster twice changes nothing. p->id is filled in.
 * A put replaces every field (an empty string clears a field); p->idcard is normalised to
 * upper-case X and p->county defaults to the first 6 digits of hukou_division, else of the ID
 * number. The store checks shape (18 characters, 6-digit county); check digits and dates are
 * the caller's business (domain/idcard.h). result may be NULL. */
int jy_store_person_put(jy_store *st, jy_person *p, const char *actor, int *result, jy_err *err);
int jy_store_person_get(jy_store *st, int64_t id, jy_person *out, jy_err *err);
int jy_store_person_get_by_idcard(jy_store *st, const char *idcard, jy_person *out, jy_err *err);

/* Bulk hint (added for PostgreSQL, issue 3): the caller is about to put or get these persons
 * inside the open transaction. A backend may read them all at once so those calls need no lookup
 * of their own (PostgreSQL: one query per 5,000, kept until the transaction ends); SQLite and
 * calls outside a transaction ignore it. Never changes results; ID numbers as the puts will
 * carry them (normalised, 18 characters). */
int jy_store_person_prefetch(jy_store *st, const char *const *idcards, size_t n, jy_err *err);

/* Bulk-load mode (added for the roster import, issue 2): on = 1 before a long run of write
 * transactions, on = 0 after it (also after a failure). SQLite then keeps a larger page cache
 * (the ID-number index stays in memory) and defers WAL checkpoints to one at the end; every
 * commit stays exactly as durable as before (synchronous NORMAL, the WAL). Other backends:
 * nothing. Not nested; outside bulk mode the handle behaves as always. */
int jy_store_bulk(jy_store *st, int on, jy_err *err);

typedef struct jy_person_filter {
    const char *division_prefix; /* NULL: all; "640522101": that town */
    const char *name_contains;   /* NULL: all */
    int64_t after_id;            /* keyset pagination: ids > after_id */
    int limit;                   /* 0: no limit */
} jy_person_filter;

/* Calls fn for each matching person in id order; fn returning non-zero stops the walk. */
int jy_store_person_list(jy_store *st, const jy_person_filter *f,
                         int (*fn)(void *ctx, const jy_person *p), void *ctx, jy_err *err);

/* Adds a dated status; s->id is filled in. A status identical to one the person already holds
 * (kind, since, until, detail) is not added again (no audit entry): s->id gets the existing
 * row's id. JY_ENOTFOUND when the person does not exist. */
int jy_store_person_status_add(jy_store *st, int64_t person_id, jy_person_status *s,
                               const char *actor, jy_err *err);
/* Replaces the kind, dates and detail of the person's status s->id (editing it, or ending it by
 * setting until), checked as an added one; the audit log gets the row before and after
 * ("person_status" "update"). JY_ENOTFOUND when the person has no status s->id. */
int jy_store_person_status_update(jy_store *st, int64_t person_id, jy_person_status *s, const char *actor,
                                  jy_err *err);
/* Fills up to max statuses; *n receives the count filled. */
int jy_store_person_statuses(jy_store *st, int64_t person_id, jy_person_status *out, int max,
                             int *n, jy_err *err);

/* ---- organisations (单位/机构) ---- */

/* Kinds an organisation can have, as bits. */
enum jy_org_kind {
    JY_ORG_TRAINING_BODY = 1 << 0,     /* 培训机构 */
    JY_ORG_EMPLOYER = 1 << 1,          /* 用人单位 */
    JY_ORG_COOPERATIVE = 1 << 2,       /* 合作社 */
    JY_ORG_WORKSHOP = 1 << 3,          /* 帮扶车间 */
    JY_ORG_LABOUR_AGENCY = 1 << 4,     /* 劳务中介 / 人力资源服务机构 */
    JY_ORG_LABOUR_BROKER = 1 << 5,     /* 劳务经纪人 (as an organisation) */
    JY_ORG_TRAINEESHIP_BASE = 1 << 6,  /* 见习基地 */
    JY_ORG_GIG_STATION = 1 << 7,       /* 零工驿站 */
    JY_ORG_COMMUNITY = 1 << 8,         /* 村（社区） */
    JY_ORG_PUBLIC_BODY = 1 << 9,       /* 机关事业单位 */
    JY_ORG_SERVICE_CENTRE = 1 << 10,   /* 驻外劳务服务中心 */
    JY_ORG_STARTUP_BASE = 1 << 11,     /* 返乡创业基地 */
    JY_ORG_SHOP = 1 << 12,             /* 社区便民服务店 */
    JY_ORG_LEADING_ENTERPRISE = 1 << 13, /* 龙头企业 */
    JY_ORG__KIND_COUNT = 14
};

const char *jy_org_kind_name(int bit);            /* "training_body", … */
const char *jy_org_kind_label(int bit);           /* "培训机构", … */
int jy_org_kinds_parse(const char *list, unsigned *kinds, jy_err *err); /* "employer,workshop" or Chinese */
/* Appends the kinds as a JSON array of names: ["employer","workshop"]. */
void jy_org_kinds_json(jy_sb *sb, unsigned kinds);

enum jy_size_class { JY_SIZE_UNKNOWN = 0, JY_SIZE_MICRO, JY_SIZE_SMALL, JY_SIZE_MEDIUM, JY_SIZE_LARGE };
const char *jy_size_class_name(int c);            /* "micro", "small", "medium", "large", "" */
const char *jy_size_class_label(int c);           /* "微型", "小型", "中型", "大型", "" */
int jy_size_class_parse(const char *s, int *out); /* English or Chinese (微型/小型/中型/大型) */

typedef struct jy_org {
    int64_t id;
    char uscc[19];         /* 统一社会信用代码 */
    char name[128];
    unsigned kinds;        /* enum jy_org_kind bits */
    int size_class;        /* enum jy_size_class (employers) */
    char division[13];     /* where it is registered */
    char county[7];        /* owning county */
    char legal_person[64]; /* 法定代表人 */
    char phone[16];
    char address[256];
    char bank_name[64];    /* 基本账户 开户行 */
    char bank_account[40]; /* 基本账户 账号 */
} jy_org;

/* Inserts or updates by 统一社会信用代码, as jy_store_person_put does by ID number: identical →
 * JY_PUT_UNCHANGED with no audit entry; uscc normalised to upper case; county defaults to the
 * first 6 digits of division, else digits 3–8 of the USCC (its registration-authority code). */
int jy_store_org_put(jy_store *st, jy_org *o, const char *actor, int *result, jy_err *err);
int jy_store_org_get(jy_store *st, int64_t id, jy_org *out, jy_err *err);
int jy_store_org_get_by_uscc(jy_store *st, const char *uscc, jy_org *out, jy_err *err);

typedef struct jy_org_filter {
    unsigned kinds_any;      /* 0: all; else orgs having any of these kinds */
    const char *name_contains;
    int64_t after_id;
    int limit;
} jy_org_filter;

int jy_store_org_list(jy_store *st, const jy_org_filter *f,
                      int (*fn)(void *ctx, const jy_org *o), void *ctx, jy_err *err);

typedef struct jy_licence {
    int64_t id;
    char kind[64];     /* e.g. "办学许可证", "人力资源服务许可证", "劳务经纪人资格证" */
    char number[64];
    jy_date valid_from;
    jy_date valid_until; /* 0 = open-ended */
    int64_t org_id;      /* filled by the store on reads and adds */
} jy_licence;

/* Adds a licence; l->id is filled in. An identical licence (kind, number, valid_from,
 * valid_until) is not added twice (l->id gets the existing id). JY_ENOTFOUND: no such org. */
int jy_store_org_licence_add(jy_store *st, int64_t org_id, jy_licence *l, const char *actor,
                             jy_err *err);
/* Dated statuses an organisation holds (migration 16; 单位状态), as persons hold theirs: a kind
 * (jy_org_status_kind_*), since/until (0 = unknown / open) and a detail. */
typedef struct jy_org_status {
    int64_t id;
    char kind[32];     /* "designated_training", … (the English name) */
    jy_date since;     /* 0 = unknown */
    jy_date until;     /* 0 = open */
    char detail[64];
    int64_t org_id;    /* filled by the store on reads and adds */
} jy_org_status;
/* The kinds: designated_training 定点培训机构, internship_base 就业见习基地, incubator 创业孵化基地,
 * rectification 限期整改, suspended 暂停补贴资格, dishonest 失信惩戒, deregistered 已注销. The
 * English name or the Chinese term → the English name (NULL when unknown); its Chinese term. */
const char *jy_org_status_kind_parse(const char *name);
const char *jy_org_status_kind_label(const char *name);
void jy_org_status_json(jy_sb *sb, const jy_org_status *s);
/* Adds a dated status (an identical one already held: nothing added, s->id is that one's) and
 * its audit entry ("org_status" "create"); s->id filled. JY_EINVAL naming the field for an
 * unknown kind, a detail over 63 bytes or until before since; JY_ENOTFOUND for no such org. */
int jy_store_org_status_add(jy_store *st, int64_t org_id, jy_org_status *s, const char *actor, jy_err *err);
/* Replaces the kind, dates and detail of the organisation's status s->id (edit, or end it by
 * setting until), checked as an added one; audit "org_status" "update" with before and after. */
int jy_store_org_status_update(jy_store *st, int64_t org_id, jy_org_status *s, const char *actor, jy_err *err);
/* Fills up to max statuses in id order; *n receives the count filled. */
int jy_store_org_statuses(jy_store *st, int64_t org_id, jy_org_status *out, int max, int *n, jy_err *err);
int jy_store_org_licences(jy_store *st, int64_t org_id, jy_licence *out, int max, int *n,
                          jy_err *err);

/* ---- counts for the start page and reports ---- */

typedef struct jy_store_counts {
    int64_t persons;
    int64_t orgs;
    int64_t statuses;
    int64_t audit_entries;
    int64_t licences;
} jy_store_counts;

int jy_store_counts_get(jy_store *st, jy_store_counts *out, jy_err *err);

/* Grouped counts (start page, reports), in key order. fn gets each group's key and count and may
 * use the store again; returning non-zero stops the walk.
 *   JY_GROUP_PERSON_TOWNSHIP  key: the first 9 characters of 户籍所在地 (a 6-digit code as is)
 *   JY_GROUP_PERSON_STATUS    key: the status kind name; n: persons holding it on `on`
 *                             (since unknown or <= on, until open or >= on)
 *   JY_GROUP_ORG_KINDS        key: a kinds bit set in decimal; n: orgs with exactly that set */
enum jy_store_group { JY_GROUP_PERSON_TOWNSHIP = 1, JY_GROUP_PERSON_STATUS, JY_GROUP_ORG_KINDS };
int jy_store_group_counts(jy_store *st, int by, jy_date on,
                          int (*fn)(void *ctx, const char *key, int64_t n), void *ctx, jy_err *err);

/* ---- audit log (审计日志) ---- */

/* Appends one entry (for changes made outside the store's own put functions, e.g. workflow
 * steps). before/after are JSON texts or NULL. */
int jy_store_audit_append(jy_store *st, const char *actor, const char *entity, int64_t entity_id,
                          const char *action, const char *before_json, const char *after_json,
                          jy_err *err);

typedef struct jy_audit_entry {
    int64_t seq;
    char at[32];      /* UTC timestamp, ISO 8601 */
    char actor[64];
    char entity[32];
    int64_t entity_id;
    char action[32];
    char hash[65];    /* hex SHA-256 of the previous hash and this entry's fields */
    /* Added fields (valid for the duration of a jy_store_audit_list callback only): */
    char prev_hash[65];
    char county[7];          /* the changed record's county, "" for global entries */
    const char *before_json; /* NULL when there was no before (create) */
    const char *after_json;  /* NULL when there is no after */
    /* Added by the keyed chain (issue 10 item 14): HMAC-SHA256 of hash under the audit key
     * in hex, "" when the entry was written without a key (docs/audit.md). */
    char mac[65];
} jy_audit_entry;

/* Walks the chain from the first entry. Returns 0 when intact; JY_ETAMPER with err naming the
 * first entry whose content, hash or sequence is wrong (edited, deleted or inserted) otherwise.
 * *checked receives the number of entries verified. */
int jy_store_audit_verify(jy_store *st, int64_t *checked, jy_err *err);

/* Calls fn for each entry with seq > after_seq in seq order (limit 0: all). */
int jy_store_audit_list(jy_store *st, int64_t after_seq, int limit,
                        int (*fn)(void *ctx, const jy_audit_entry *e), void *ctx, jy_err *err);

/* The newest entry's seq and hash (0 and 64 zeros for an empty log): an operator can write it
 * down elsewhere, which is what makes removing entries from the end detectable. */
int jy_store_audit_head(jy_store *st, int64_t *seq, char hash[65], jy_err *err);

/* ---- anchoring the audit chain (issue 10 item 14; audit_anchor.c, docs/audit.md) ----
 * The hash chain alone cannot tell that entries were cut from its end, nor that its tail was
 * rewritten with freshly computed hashes. Three anchors close that:
 *  - an expected head (a seq and hash written down elsewhere) that must still be in the chain;
 *  - a checkpoint file outside the database ({at, seq, hash} lines, appended 0600, also
 *    logged): the chain must still hold every checkpointed entry unchanged;
 *  - a keyed chain: with an audit key (32 bytes in a file the database does not hold; the
 *    environment variable below names it, `jiuye --audit-key FILE` sets it), every entry
 *    written carries an HMAC-SHA256 of its hash, which nobody without the key can recompute. */
#define JY_AUDIT_KEY_ENV "JIUYE_AUDIT_KEY_FILE"
#define JY_AUDIT_CHECKPOINTS_ENV "JIUYE_AUDIT_CHECKPOINTS"

/* Creates a new key file at path (refused when it exists): 32 random bytes as 64 hex digits
 * and a newline, mode 0600, synced. key_id (17 bytes) receives the key's id: the first 16 hex
 * digits of SHA-256("jiuye-audit-key-id" NUL key), which identifies a key without revealing it. */
int jy_audit_keygen(const char *path, char key_id[17], jy_err *err);
/* Reads the key of path (64 hex digits; refused when group or others may read the file) into
 * st, or forgets the key when path is NULL; key_id as jy_audit_keygen's (may be NULL). */
int jy_store_set_audit_key_file(jy_store *st, const char *path, char key_id[17], jy_err *err);
/* 1 when st has an audit key; key_id (17 bytes, may be NULL) receives its id ("" without). */
int jy_store_audit_keyed(const jy_store *st, char key_id[17]);

typedef struct jy_audit_verify_opts {
    /* With a key: entries from this seq on must carry a MAC (0 or 1: every entry). Entries
     * before it (written before the key was introduced) are counted as unkeyed. */
    int64_t keyed_from;
    /* An expected head: expect_hash (64 hex digits, NULL: none) must be the hash of an entry
     * of the chain, of entry expect_seq when that is > 0. */
    const char *expect_hash;
    int64_t expect_seq;
    /* A checkpoint file (NULL: none): every line's entry must be in the chain with its hash. */
    const char *checkpoints;
} jy_audit_verify_opts;

typedef struct jy_audit_verify_result {
    int64_t checked;     /* entries whose hash and link were verified */
    int64_t head_seq;    /* the last entry verified, 0 for an empty log */
    char head[65];       /* its hash (the genesis hash for an empty log) */
    int keyed;           /* 1 when MACs were checked (st has a key) */
    int64_t macs;        /* entries whose MAC was checked */
    int64_t unkeyed;     /* entries before keyed_from without a MAC */
    int64_t expect_seq;  /* the entry the expected head was found at */
    int64_t checkpoints; /* checkpoint lines checked */
} jy_audit_verify_result;

/* jy_store_audit_verify with the anchors of o (NULL: none). JY_ETAMPER with err naming the
 * entry, the missing head or the checkpoint (file and line) on a finding; JY_EIO/JY_EINVAL
 * for an unreadable or malformed checkpoint file; res filled as far as the walk got. */
int jy_store_audit_verify_ex(jy_store *st, const jy_audit_verify_opts *o, jy_audit_verify_result *res,
                             jy_err *err);

/* A checkpoint: verifies the chain (o, whose checkpoints field is ignored: the file given
 * here is checked instead) and, only when it is intact, appends
 * {"at":…,"seq":…,"hash":…} and a newline to path (NULL: nothing is written; the caller logs),
 * created 0600, opened O_APPEND, locked against a concurrent checkpoint and synced. at (32
 * bytes) receives the checkpoint's time; res the head that was checkpointed. */
int jy_store_audit_checkpoint(jy_store *st, const char *path, const jy_audit_verify_opts *o,
                              jy_audit_verify_result *res, char at[32], jy_err *err);

/* PostgreSQL: grants the application role `role` what the application needs and nothing that
 * could undo the audit log's protection (docs/audit.md): DML on the tables except UPDATE and
 * DELETE on the append-only ones (audit_log, ledger_entries, ledger_postings) and any write to
 * schema_migrations; no ownership, so it can drop or disable no trigger. Run by the owner role
 * (the one that ran the migrations) after every upgrade. Refuses a role that is missing, is the
 * owner, a superuser or a member of the owner role. JY_EUSAGE on SQLite. */
int jy_store_grant_app_role(jy_store *st, const char *role, jy_err *err);

/* ---- JSON renderings: the objects `show`, `list` and `audit list` print. The audit log stores
 * these shapes as before/after, except persons: their images are stored as compact arrays of
 * the values (docs/store.md) and `audit list` expands them back to exactly this object. ---- */

void jy_person_json(jy_sb *sb, const jy_person *p);
void jy_person_status_json(jy_sb *sb, const jy_person_status *s);
void jy_org_json(jy_sb *sb, const jy_org *o);
void jy_licence_json(jy_sb *sb, const jy_licence *l);
void jy_audit_entry_json(jy_sb *sb, const jy_audit_entry *e);

/* ---- users, cases and their history (issue 5; cases.c, cases_sqlite.c, cases_pg.c) ----
 * The workflow itself (which step may follow which, who may take it) lives in src/service/;
 * the store keeps the records and makes every change land with its history row and its
 * audit entry in one transaction. */

#include "base/money.h"

typedef struct jy_user {
    int64_t id;
    char name[64];       /* login name, unique */
    char role[32];       /* admin, county_reviewer, city_reviewer, township_staff, training_body … */
    char area[13];       /* division prefix the user acts for; "" = everywhere */
    int64_t org_id;      /* the organisation a training body's or employer's user speaks for; 0 = none */
    char display[64];    /* 姓名 / 科室, free text */
    char created_at[32];
    int64_t person_id;   /* issue 11: the person an applicant's login speaks for; 0 = none */
} jy_user;

/* Accounts, passwords, sessions and the second factor (issue 11) are in store/auth_store.h. */

/* Inserts or updates a user by name (identical → JY_PUT_UNCHANGED, no audit entry); u->id is
 * filled. JY_ENOTFOUND when org_id names no organisation or person_id no person. */
int jy_store_user_put(jy_store *st, jy_user *u, const char *actor, int *result, jy_err *err);
/* JY_ENOTFOUND when no user has that name. */
int jy_store_user_get(jy_store *st, const char *name, jy_user *out, jy_err *err);
int jy_store_user_list(jy_store *st, int (*fn)(void *ctx, const jy_user *u), void *ctx, jy_err *err);
int jy_store_user_count(jy_store *st, int64_t *n, jy_err *err);

/* One application or claim of a programme. Dates are 0 when absent; ids 0 when none. The three
 * JSON texts are handed in on insert/update; on reads they point into the caller's buffer
 * (jy_store_case_get) or are valid for the callback (lists; NULL there when not loaded). */
typedef struct jy_case {
    int64_t id;
    char county[7];
    char program[4];     /* "P1" … "P26" */
    char kind[24];       /* individual_claim, training_class, trainee_claim, placement, monthly_payment … */
    int64_t person_id;   /* subject person */
    int64_t org_id;      /* subject organisation (training body, employer, host, applicant) */
    int64_t parent_id;   /* the class of a trainee claim, the placement of a monthly payment */
    int year;
    jy_date filed_on;    /* the date the case is decided on */
    char occupation[64]; /* training cases: 工种 */
    int level;           /* training cases: 5 = 五级 … 1 = 一级; 0 unknown */
    jy_date start_on, end_on; /* training period or placement */
    char state[24];      /* workflow state (src/service/workflow.h) */
    jy_date due_on;      /* deadline of the step the case waits for; 0 = none */
    jy_date publicity_end; /* last day of publicity (公示) once published */
    int has_amount;
    jy_fen amount;       /* decided amount */
    char decision[16];   /* eligible | ineligible | needs_review */
    char ruleset[24];    /* policy ruleset hash the decision came from */
    int64_t policy_version; /* the rule version (policy_versions.id) that made the decision; 0: none
                               (decided before versions were loaded; docs/versions.md) */
    char created_at[32], updated_at[32];
    const char *facts;     /* JSON object */
    const char *reasons;   /* JSON array: the decision's reasons with clauses */
    const char *conflicts; /* JSON array: the conflict findings */
    /* the facts as the engine's reader reads them (jy_policy_factvec_make; migration 15), written
     * with the case when not NULL; NULL on every read (only the budget simulation reads it).
     * jy_store_case_update keeps the stored one when neither this nor the facts change. */
    const unsigned char *fact_vec;
    size_t fact_vec_len;
} jy_case;

/* One workflow transition (also in the audit log). reason: valid for the callback. */
typedef struct jy_case_event {
    int64_t id, case_id;
    char at[32];         /* UTC timestamp */
    jy_date on;          /* the business date of the step */
    char actor[64];
    char step[24];
    char from_state[24], to_state[24];
    const char *reason;
} jy_case_event;

/* Inserts c (id and timestamps filled) with its first history row ev (ev->step/on/reason;
 * from_state "" and to_state c->state are set here) and an audit entry case/<ev->step>. */
int jy_store_case_insert(jy_store *st, jy_case *c, jy_case_event *ev, const char *actor, jy_err *err);
/* Replaces the mutable fields (state, due_on, publicity_end, amount, decision, reasons,
 * ruleset, conflicts, facts) of case c->id if its state is still expect_state (JY_ECONFLICT
 * otherwise: someone moved it meanwhile), adds the history row ev and an audit entry with
 * before/after. */
int jy_store_case_update(jy_store *st, jy_case *c, const char *expect_state, jy_case_event *ev,
                         const char *actor, jy_err *err);
/* Bulk load (added for migrating claims from an earlier system and for bench/scale, issue 3;
 * cases_bulk.c): inserts the n cases with their first history rows ev[i] (step/on/reason) as
 * jy_store_case_insert does, ids and timestamps filled, all or nothing, but writes ONE audit
 * entry per county per call (case/bulk_load, after = {"count","ids":[…]}) instead of one per
 * case, and on PostgreSQL sends the rows with COPY. The workflow files cases one by one. */
int jy_store_case_bulk_insert(jy_store *st, jy_case *c, jy_case_event *ev, size_t n, const char *actor,
                              jy_err *err);
/* JY_ENOTFOUND when there is no such case. The JSON texts are stored in *text (reset first). */
int jy_store_case_get(jy_store *st, int64_t id, jy_case *out, jy_sb *text, jy_err *err);

typedef struct jy_case_filter {
    const char *program;   /* NULL: all */
    const char *state;     /* NULL: all */
    const char *kind;      /* NULL: all */
    int64_t person_id, org_id, parent_id; /* 0: any */
    jy_date due_before;    /* non-zero: only cases with 0 < due_on < due_before (overdue) */
    int objection_open;    /* non-zero: only cases whose last step is an objection (异议) not yet
                              resolved: the case waits for re-review (case_views.h) */
    int64_t after_id;
    int limit;             /* 0: all */
    const char *county;    /* NULL or "": every county; else a division prefix (2, 4 or 6 digits):
                              that area's cases. On a scoped handle the scope applies as well. */
    int year;              /* 0: any; else the cases of that year (cases.year, the year the reports
                              count them in: the dashboard's click-through lists) */
    const char *town;      /* NULL or "": any; else a division prefix (9 or 12 digits) of the case's
                              subject — the person's household registration (hukou_division), or
                              the organisation's division when the case has no person; a subject
                              without one counts as the case's county. Tested in SQL through the
                              subject's primary key (no index on cases). */
    const char *waiting;   /* NULL: any; else a JSON array of "PROGRAM|KIND|STATE" texts: only the
                              cases whose programme, kind and state are one of them (the work list,
                              jy_case_waiting_keys); waiting_states is then the JSON array of those
                              states, for the (county, state, id) index */
    const char *waiting_states;
    int by_deadline;       /* 1: in deadline order — due_on, else publicity_end, else none (last)
                              — then id; after_deadline/after_id are the previous page's last case
                              (after_deadline 0 with after_id 0: from the start; JY_DEADLINE_NONE
                              for a case without a deadline) */
    jy_date after_deadline;
} jy_case_filter;

/* The sort key of a case without a deadline in the by_deadline order (9999-12-31). */
#define JY_DEADLINE_NONE ((jy_date)2932896)

/* Cases in id order, JSON texts included. */
int jy_store_case_list(jy_store *st, const jy_case_filter *f, int (*fn)(void *ctx, const jy_case *c),
                       void *ctx, jy_err *err);
/* The cases as they stood on day `on`, replayed from their history (case_events), in id order, in
 * one query: for each case filed on or before `on` (and matching f's program, kind, person_id,
 * org_id, parent_id, county, town, after_id, limit; f->state, due_before and objection_open are not
 * used), the state it was in on `on` — the to_state of the last step before its first step dated
 * after `on` (the steps settle_dates and redecide enter no state and are passed over) — and the
 * date of that step (`entered`: the day the case entered the state, from which its deadline
 * counts). Only cases whose state on `on` is one of states_json (a JSON array of state names:
 * the states with a deadline) and was entered before `on` are given to fn. The case itself (c)
 * is as it is now. Cases whose current state is not in states_json and that took no step after
 * `on` are ruled out without reading their steps. */
int jy_store_case_states_on(jy_store *st, const jy_case_filter *f, jy_date on, const char *states_json,
                            int (*fn)(void *ctx, const jy_case *c, const char *state, jy_date entered), void *ctx,
                            jy_err *err);
/* The trainee claims of a training class (班级花名册), in id order, within the handle's scope:
 * only what a roster summary needs (state, amount in fen when set, the facts' JSON text), from
 * the parent_id index — a class's page counts them on every read. */
typedef struct jy_trainee_row {
    const char *state;
    int has_amount;
    int64_t amount;
    const char *facts;
} jy_trainee_row;
int jy_store_class_trainees(jy_store *st, int64_t class_id, int (*fn)(void *ctx, const jy_trainee_row *r), void *ctx,
                            jy_err *err);
/* A class's roster in figures, from one grouped query (the roster marks of migration 13): its
 * live trainee claims (not rejected, withdrawn or cancelled) in the handle's scope, those with
 * an exam result other than "absent", those passed, those with a certificate, those paid and
 * the amount paid in fen. */
typedef struct jy_class_summary {
    int trainees, examined, passed, certificates, paid;
    int64_t amount_paid;
} jy_class_summary;
int jy_store_class_summary(jy_store *st, int64_t class_id, jy_class_summary *out, jy_err *err);
/* History rows of one case in order. */
int jy_store_case_events(jy_store *st, int64_t case_id, int (*fn)(void *ctx, const jy_case_event *e),
                         void *ctx, jy_err *err);
/* The same for a case c just read from st (jy_store_case_get): the handle's scope is checked on
 * c->county without reading the case again. */
int jy_store_case_events_of(jy_store *st, const jy_case *c, int (*fn)(void *ctx, const jy_case_event *e),
                            void *ctx, jy_err *err);

/* ---- batch reads for the conflict checks: one query per table for a whole roster ---- */

/* Every case of the n persons (any state), in one query; facts/reasons/conflicts are NULL. */
int jy_store_case_history(jy_store *st, const int64_t *person_ids, size_t n,
                          int (*fn)(void *ctx, const jy_case *c), void *ctx, jy_err *err);
/* The persons among n ID numbers (normalised, 18 characters) that are registered, one query. */
int jy_store_persons_by_idcards(jy_store *st, const char *const *idcards, size_t n,
                                int (*fn)(void *ctx, const jy_person *p), void *ctx, jy_err *err);
/* Every status of the n persons, one query (s->person_id set). */
int jy_store_statuses_of(jy_store *st, const int64_t *person_ids, size_t n,
                         int (*fn)(void *ctx, const jy_person_status *s), void *ctx, jy_err *err);

void jy_user_json(jy_sb *sb, const jy_user *u);
/* The case as one JSON object (amount as yuan text or null; facts, reasons, conflicts embedded). */
void jy_case_json(jy_sb *sb, const jy_case *c);
void jy_case_event_json(jy_sb *sb, const jy_case_event *e);

/* ---- fund ledger (资金台账) and payment batches (拨付批次): issue 5, ledger_store.c ----
 * Double-entry books per county × programme × year × funding source. Each such budget line
 * has four accounts; balances are signed sums of postings (debit > 0, credit < 0):
 *   budget (预算指标, a credit balance: −allocated), available (可用), committed (已承诺,
 *   approved and unpaid), paid (已支付). An entry's postings sum to zero, so a line's four
 *   balances always sum to zero. docs/ledger.md lists the postings of each event. */

enum jy_fund_source { JY_FUND_CENTRAL = 0 /* 中央 */, JY_FUND_REGION /* 自治区 */,
                      JY_FUND_CITY_COUNTY /* 市县 */, JY_FUND_OTHER /* 其他 */, JY_FUND__COUNT };
const char *jy_fund_source_name(int s);  /* "central", "region", "city_county", "other" */
const char *jy_fund_source_label(int s); /* "中央", "自治区", "市县", "其他" */
/* English name, Chinese label, or "city"/"county"; JY_EINVAL naming the word otherwise. */
int jy_fund_source_parse(const char *s, int *out, jy_err *err);

enum jy_ledger_account { JY_ACCT_BUDGET = 0, JY_ACCT_AVAILABLE, JY_ACCT_COMMITTED, JY_ACCT_PAID, JY_ACCT__COUNT };
const char *jy_ledger_account_name(int a); /* "budget", "available", "committed", "paid" */

typedef struct jy_ledger_line {
    char county[7];
    char program[8];
    int year;
    int source;                  /* enum jy_fund_source */
    int64_t bal[JY_ACCT__COUNT]; /* signed balances in fen (budget ≤ 0) */
} jy_ledger_line;

typedef struct jy_ledger_posting {
    int source;     /* enum jy_fund_source */
    int account;    /* enum jy_ledger_account */
    int64_t amount; /* fen; debit > 0, credit < 0, never 0 */
} jy_ledger_posting;

#define JY_LEDGER_MAX_POSTINGS 8
typedef struct jy_ledger_entry {
    int64_t id;
    char county[7];
    char at[32];
    char actor[64];
    char kind[12];       /* allocate, reduce, commit, release, pay, recover */
    char program[8];
    int year;
    int64_t payable_id;  /* 0: none */
    int64_t batch_line_id; /* 0: none */
    char idem_key[64];   /* "" : none; else unique over the journal */
    char memo[128];
    int nposting;
    jy_ledger_posting posting[JY_LEDGER_MAX_POSTINGS];
} jy_ledger_entry;

/* Posts one journal entry: creates the accounts it names if needed, writes the entry and its
 * postings, moves the balances, and appends the audit entry (entity "ledger_entry"). e->id and
 * e->at are filled. JY_EINVAL when the postings do not sum to zero (naming the sums), or a
 * posting is 0; JY_ECONFLICT when e->idem_key was posted already (nothing written) or when a
 * posting would take available, committed or paid below zero or budget above it. */
int jy_store_ledger_post(jy_store *st, jy_ledger_entry *e, const char *actor, jy_err *err);
/* One budget line's balances; all zero (and 0 returned) when the line has no accounts yet. */
int jy_store_ledger_line_get(jy_store *st, const char *county, const char *program, int year, int source,
                             jy_ledger_line *out, jy_err *err);
/* Budget lines in (program, year, source) order; program NULL and year 0 mean all. */
int jy_store_ledger_lines(jy_store *st, const char *county, const char *program, int year,
                          int (*fn)(void *ctx, const jy_ledger_line *l), void *ctx, jy_err *err);
/* Journal entries with id > after_id in id order (limit 0: all), postings included. */
int jy_store_ledger_entries(jy_store *st, int64_t after_id, int limit,
                            int (*fn)(void *ctx, const jy_ledger_entry *e), void *ctx, jy_err *err);

typedef struct jy_ledger_check {
    int ok;
    int64_t entries, postings, accounts;
    char problem[384]; /* the first imbalance found, "" when ok */
} jy_ledger_check;
/* Verifies the books: every entry has postings summing to zero; every account's balance equals
 * the sum of its postings; no available/committed/paid balance below zero (budget above); each
 * line's committed equals the open payables' splits and paid the paid payables' splits less
 * recoveries. Returns 0 with out->ok = 0 and out->problem naming the first finding. */
int jy_store_ledger_check(jy_store *st, jy_ledger_check *out, jy_err *err);

/* A person's social security card (社保卡) financial account, where individual subsidies go. */
int jy_store_person_card_set(jy_store *st, int64_t person_id, const char *sscard, const char *bank_name,
                             const char *actor, jy_err *err);
/* JY_ENOTFOUND when the person has no card on record. */
int jy_store_person_card_get(jy_store *st, int64_t person_id, char sscard[40], char bank_name[64], jy_err *err);

enum jy_payee_kind { JY_PAYEE_PERSON = 1, JY_PAYEE_ORG = 2 };

/* An approved amount owed to one payee (应付). status: approved → batched → paid, or
 * approved → cancelled; split[] is the commitment per funding source (sums to amount). */
typedef struct jy_payable {
    int64_t id;
    char county[7];
    char program[8];
    int year;
    char month[8];        /* "YYYY-MM" the payment is for, "" when none */
    int64_t case_id;      /* 0: a free-standing payable */
    int payee_kind;       /* enum jy_payee_kind */
    int64_t person_id, org_id;
    char account[40];     /* an account given with the payable ("" = the payee's registered one) */
    int64_t amount;       /* fen, > 0 */
    int64_t split[JY_FUND__COUNT];
    int64_t recovered_split[JY_FUND__COUNT];
    int64_t recovered;    /* fen recovered (追回) after payment */
    char status[12];
    char memo[128];
    char approved_by[64];
    char created_at[32];
    /* issue 10 (migration 5): what the payable pays for. claim: "" the programme's main payment,
     * else a second claim the rules allow in the same period ("settling_in", …); track: the
     * claim's track (P1 gouqi / driver; "" = general) — only lines that fund it are charged;
     * claim_key: one live (not cancelled) payable per county × programme × claim_key (UNIQUE in
     * the store; "" = unchecked, payables from before migration 5), service/ledger.h. */
    char claim[24];
    char track[24];
    char claim_key[96];
} jy_payable;

/* Inserts p with its splits (p->id, p->created_at, p->approved_by filled; status as given, or
 * "approved"), with an audit entry (entity "payable"). */
int jy_store_payable_add(jy_store *st, jy_payable *p, const char *actor, jy_err *err);
int jy_store_payable_get(jy_store *st, int64_t id, jy_payable *out, jy_err *err);
/* Moves the status from `from` to `to` (compare-and-set): JY_ECONFLICT naming the current
 * status when it is not `from`. */
int jy_store_payable_set_status(jy_store *st, int64_t id, const char *from, const char *to, const char *actor,
                                jy_err *err);
/* Adds rec[s] to the recovered amounts (total and per source). JY_ECONFLICT when a source
 * would recover more than it paid. */
int jy_store_payable_recover(jy_store *st, int64_t id, const int64_t rec[JY_FUND__COUNT], const char *actor,
                             jy_err *err);
typedef struct jy_payable_filter {
    const char *county;  /* NULL: all */
    const char *program; /* NULL: all */
    const char *status;  /* NULL: all */
    const char *month;   /* NULL: all */
    int64_t after_id;
    int limit;           /* 0: no limit */
    int64_t case_id;     /* 0: all; else the payables of that case only */
} jy_payable_filter;
int jy_store_payable_list(jy_store *st, const jy_payable_filter *f, int (*fn)(void *ctx, const jy_payable *p),
                          void *ctx, jy_err *err);

/* A payment batch. status: draft → approved → paid (every line paid), or draft → cancelled. */
typedef struct jy_batch {
    int64_t id;
    char county[7];
    char program[8];
    char month[8];
    char status[12];
    char built_by[64], built_at[32];
    char approved_by[64], approved_at[32];
    char exported_at[32];
    int nlines;
    int64_t total; /* fen */
} jy_batch;

/* One line of a batch: the payee and account as they were when the batch was built. status:
 * pending → paid, pending → failed → pending (retry) → … */
typedef struct jy_batch_line {
    int64_t id, batch_id;
    int line_no;          /* 1, 2, … within the batch */
    int64_t payable_id;
    char idem_key[64];    /* unique: "jy-pay-<batch>-<payable>" */
    int payee_kind;
    char payee_name[128];
    char payee_id[20];    /* 身份证号 or 统一社会信用代码 */
    char account[40];     /* 社保卡 financial account or 基本账户 */
    char bank_name[64];
    int64_t amount;
    char status[12];
    int attempts;
    char fail_reason[128];
    char paid_at[32];
    /* issue 13 (migration 11): the transfer (one row of the bank file) this line is paid in —
     * the batch's lines to one payee account share it; lines from before read as their line_no.
     * 0 when adding: the line's own number. */
    int transfer_no;
} jy_batch_line;

int jy_store_batch_add(jy_store *st, jy_batch *b, const char *actor, jy_err *err); /* b->id, built_at filled */
int jy_store_batch_get(jy_store *st, int64_t id, jy_batch *out, jy_err *err);
/* Writes status, approved_by/at, exported_at, nlines and total when b->status was `from`
 * (compare-and-set; JY_ECONFLICT naming the current status otherwise). */
int jy_store_batch_update(jy_store *st, const jy_batch *b, const char *from, const char *actor, jy_err *err);
int jy_store_batch_list(jy_store *st, const char *program, int (*fn)(void *ctx, const jy_batch *b), void *ctx,
                        jy_err *err);
/* l->id filled. JY_ECONFLICT when the payable is already in a batch line. */
int jy_store_batch_line_add(jy_store *st, jy_batch_line *l, const char *actor, jy_err *err);
int jy_store_batch_line_get(jy_store *st, int64_t batch_id, int line_no, jy_batch_line *out, jy_err *err);
/* Writes status, attempts, fail_reason, paid_at, account and bank_name when the line's status
 * was `from` (compare-and-set). */
int jy_store_batch_line_update(jy_store *st, const jy_batch_line *l, const char *from, const char *actor,
                               jy_err *err);
/* Lines in line_no order; status NULL: all. */
int jy_store_batch_lines(jy_store *st, int64_t batch_id, const char *status,
                         int (*fn)(void *ctx, const jy_batch_line *l), void *ctx, jy_err *err);

/* JSON renderings (the shapes the audit log stores and the CLI prints; money as "1750.00"). */
void jy_ledger_entry_json(jy_sb *sb, const jy_ledger_entry *e);
void jy_ledger_line_json(jy_sb *sb, const jy_ledger_line *l);
void jy_payable_json(jy_sb *sb, const jy_payable *p);
void jy_batch_json(jy_sb *sb, const jy_batch *b);
void jy_batch_line_json(jy_sb *sb, const jy_batch_line *l);


#endif
