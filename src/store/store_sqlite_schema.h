/* store_sqlite_schema.h — the SQLite schema as numbered migrations (included by store_sqlite.c).
 *
 * Rules: a migration, once released, is never edited; a change is a new migration with the next
 * number (and JY_STORE_SCHEMA_VERSION in store_impl.h raised to it). Migrations run at open,
 * in order, inside one write transaction, and each applied one is recorded in
 * schema_migrations. store_pg.c keeps its own list with the same numbers and the same tables.
 *
 * Every table carries `county` (6-digit division code) so a deployment for many counties can
 * partition by it (issue 3). Enumerations are stored by their English names ('urban',
 * 'registered_unemployed', 'micro'), organisation kinds as the bit set of enum jy_org_kind
 * (the bit values are part of the schema and never renumbered). Dates are ISO 'YYYY-MM-DD'
 * text; NULL means unknown (since) or open-ended (until). */
#ifndef JY_STORE_SQLITE_SCHEMA_H
#define JY_STORE_SQLITE_SCHEMA_H

#define JY_SQLITE_MIGRATIONS_TABLE                                                                 \
    "CREATE TABLE IF NOT EXISTS schema_migrations (\n"                                            \
    "  version INTEGER PRIMARY KEY,\n"                                                            \
    "  description TEXT NOT NULL,\n"                                                              \
    "  applied_at TEXT NOT NULL\n"                                                                \
    ");\n"

static const char jy_sqlite_migration_1[] =
    "CREATE TABLE persons (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  county TEXT NOT NULL CHECK (length(county) = 6),\n"
    "  idcard TEXT NOT NULL UNIQUE CHECK (length(idcard) = 18),\n" /* 身份证号 */
    "  name TEXT NOT NULL CHECK (name <> ''),\n"
    "  sex TEXT NOT NULL CHECK (sex = 'M' OR sex = 'F'),\n"
    "  birth TEXT NOT NULL,\n"
    "  ethnicity TEXT NOT NULL DEFAULT '',\n"  /* 民族 */
    "  education TEXT NOT NULL DEFAULT '',\n"  /* 文化程度 */
    "  hukou_division TEXT NOT NULL DEFAULT '',\n" /* 户籍所在地 */
    /* OR, not IN: an IN list of 3+ builds a temporary b-tree on every insert */
    "  hukou_kind TEXT NOT NULL DEFAULT '' CHECK (hukou_kind = '' OR hukou_kind = 'urban' OR hukou_kind = 'rural'),\n"
    "  phone TEXT NOT NULL DEFAULT '',\n"
    "  address TEXT NOT NULL DEFAULT ''\n"
    ");\n"
    "CREATE TABLE person_statuses (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  county TEXT NOT NULL,\n"
    "  person_id INTEGER NOT NULL REFERENCES persons(id),\n"
    "  kind TEXT NOT NULL,\n"
    "  since TEXT,\n"
    "  until TEXT,\n"
    "  detail TEXT NOT NULL DEFAULT ''\n"
    ");\n"
    "CREATE INDEX person_statuses_person ON person_statuses(person_id, kind);\n"
    "CREATE TABLE orgs (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  county TEXT NOT NULL CHECK (length(county) = 6),\n"
    "  uscc TEXT NOT NULL UNIQUE CHECK (length(uscc) = 18),\n" /* 统一社会信用代码 */
    "  name TEXT NOT NULL CHECK (name <> ''),\n"
    "  kinds INTEGER NOT NULL DEFAULT 0,\n"
    "  size_class TEXT NOT NULL DEFAULT '' CHECK (size_class = '' OR size_class = 'micro' OR size_class = 'small'\n"
    "    OR size_class = 'medium' OR size_class = 'large'),\n"
    "  division TEXT NOT NULL DEFAULT '',\n"
    "  legal_person TEXT NOT NULL DEFAULT '',\n"
    "  phone TEXT NOT NULL DEFAULT '',\n"
    "  address TEXT NOT NULL DEFAULT '',\n"
    "  bank_name TEXT NOT NULL DEFAULT '',\n"
    "  bank_account TEXT NOT NULL DEFAULT ''\n"
    ");\n"
    "CREATE TABLE org_licences (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  county TEXT NOT NULL,\n"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
    "  kind TEXT NOT NULL,\n"
    "  number TEXT NOT NULL DEFAULT '',\n"
    "  valid_from TEXT,\n"
    "  valid_until TEXT\n"
    ");\n"
    "CREATE INDEX org_licences_org ON org_licences(org_id);\n"
    "CREATE TABLE audit_log (\n"
    "  seq INTEGER PRIMARY KEY,\n"
    "  at TEXT NOT NULL,\n"
    "  county TEXT NOT NULL DEFAULT '',\n"
    "  actor TEXT NOT NULL,\n"
    "  entity TEXT NOT NULL,\n"
    "  entity_id INTEGER NOT NULL,\n"
    "  action TEXT NOT NULL,\n"
    "  before_json TEXT,\n"
    "  after_json TEXT,\n"
    /* SHA-256 digests as 32-byte BLOBs (the hash input uses their hex: docs/store.md) */
    "  prev_hash BLOB NOT NULL,\n"
    "  hash BLOB NOT NULL\n"
    ");\n"
    /* A first barrier; `jiuye audit verify` catches edits made by someone who drops these. */
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log\n"
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;\n"
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log\n"
    "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;\n";

#include "store/cases_schema.h" /* jy_sqlite_migration_2: users, cases, case events */
#include "store/ledger_schema.h" /* jy_sqlite_migration_3: fund ledger, payables, payment batches */
#include "store/placement_schema.h" /* jy_sqlite_migration_4: placements, attendance, payroll */
#include "store/auth_schema.h" /* jy_sqlite_migration_5: accounts, sessions, second factor */
#include "store/api_schema.h" /* jy_sqlite_migration_6: the API's idempotency keys */
#include "store/access_log_schema.h" /* jy_sqlite_migration_7: the access log (issue 11) */
#include "store/import_schema.h" /* jy_sqlite_migration_10: the API's roster import jobs */
#include "store/settings_schema.h" /* jy_sqlite_migration_11: settings, batch transfers (issue 13) */
#include "store/policy_version_schema.h" /* jy_sqlite_migration_12: rule versions (issue 14) */
#include "store/counters_schema.h" /* jy_sqlite_migration_14: the dashboard's counters, work-list indexes (issue 12) */
#include "store/factvec_schema.h" /* jy_sqlite_migration_15: fact vectors of cases (issue 14) */

/* Migration "audit MAC" (issue 10 item 14, the keyed chain; docs/audit.md): each entry may
 * carry an HMAC-SHA256 of its hash under a key the database does not hold (32 bytes; NULL =
 * written without the key). Not part of the hash input, so the chain's hashes are unchanged.
 * Adding a column fires no UPDATE trigger. */
static const char jy_sqlite_migration_audit_mac[] =
    "ALTER TABLE audit_log ADD COLUMN mac BLOB CHECK (mac IS NULL OR length(mac) = 32);\n";

/* Migration 13 "roster marks" (issue 11, bench/http.sh): a trainee claim's exam result and
 * whether it has a certificate, copied out of its facts when the case is written
 * (jy_store_roster_marks), so that a class's roster summary — on every read of the class's
 * page — is one grouped read of the covering index cases_roster (trainee claims only) instead
 * of a read of every trainee's row and a parse of its facts. roster_exam: the facts' top-level "exam" when a string, else NULL; roster_cert: 1 when
 * the facts have a top-level "certificate". Filled here for the trainee claims already written
 * (facts that are not valid JSON count as neither, as the parse in C does; json_each, not
 * json_extract, because it reads a key spelt with escapes as jansson does; the last of a
 * repeated key, as jansson keeps). */
static const char jy_sqlite_migration_13[] =
    "ALTER TABLE cases ADD COLUMN roster_exam TEXT;\n"
    "ALTER TABLE cases ADD COLUMN roster_cert INTEGER NOT NULL DEFAULT 0;\n"
    "CREATE INDEX cases_roster ON cases(parent_id, kind, state, county, roster_exam, roster_cert, amount)"
    " WHERE kind = 'trainee_claim';\n"
    "UPDATE cases SET roster_exam = (SELECT CASE WHEN type = 'text' THEN value END FROM json_each(facts)"
    " WHERE key = 'exam' ORDER BY id DESC LIMIT 1),"
    " roster_cert = EXISTS (SELECT 1 FROM json_each(facts) WHERE key = 'certificate')"
    " WHERE kind = 'trainee_claim' AND json_valid(facts);\n";

/* Migration 16 "organisations' statuses" (issue 12, pages3): dated statuses of an organisation
 * (定点培训机构, 就业见习基地, 限期整改, 暂停补贴资格 …), as person_statuses are a person's; each
 * add and edit is in the audit log (entity org_status). */
static const char jy_sqlite_migration_16[] =
    "CREATE TABLE org_statuses (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  county TEXT NOT NULL,\n"
    "  org_id INTEGER NOT NULL REFERENCES orgs(id),\n"
    "  kind TEXT NOT NULL,\n"
    "  since TEXT,\n"
    "  until TEXT,\n"
    "  detail TEXT NOT NULL DEFAULT ''\n"
    ");\n"
    "CREATE INDEX org_statuses_org ON org_statuses(org_id, kind);\n";

typedef struct jy_sqlite_migration {
    int version;
    const char *description;
    const char *sql;
} jy_sqlite_migration;

static const jy_sqlite_migration jy_sqlite_migrations[] = {
    {1, "persons, statuses, organisations, licences, audit log", jy_sqlite_migration_1},
    {2, "users and roles, cases, case events", jy_sqlite_migration_2},
    {3, "fund ledger, payables, social security cards, payment batches", jy_sqlite_migration_3},
    {4, "placements, monthly attendance, payroll runs and lines", jy_sqlite_migration_4},
    {5, "accounts: credentials, recovery codes, sessions, login addresses", jy_sqlite_migration_5},
    {6, "the API's idempotency keys", jy_sqlite_migration_6},
    {7, "access log of unmasked views and exports of personal data", jy_sqlite_migration_7},
    {8, "audit log: MAC column for the keyed chain", jy_sqlite_migration_audit_mac},
    {9, "money safeguards: one payable per claim, funded tracks, idempotency keys, payroll runners", jy_sqlite_migration_9},
    {10, "roster import jobs of the API: counts, state, error report", jy_sqlite_migration_10},
    {11, "settings; payment-batch transfers", jy_sqlite_migration_11},
    {12, "rule versions; the version of each decision", jy_sqlite_migration_12},
    {13, "cases: roster marks of trainee claims (exam, certificate)", jy_sqlite_migration_13},
    {14, "case counters kept by triggers for the dashboard; work-list indexes", jy_sqlite_migration_14},
    {15, "cases: fact vectors for the budget simulation", jy_sqlite_migration_15},
    {16, "organisations' dated statuses", jy_sqlite_migration_16},
};

#endif
