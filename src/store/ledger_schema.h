/* ledger_schema.h — migration 3 (issue 5): the fund ledger (资金台账) and payment batches
 * (拨付批次), SQLite and PostgreSQL dialects of the same tables (included by
 * store_sqlite_schema.h and store_pg_schema.h, which list it as migration 3). Released
 * migrations are never edited. docs/ledger.md explains the postings.
 *
 * ledger_accounts  one row per programme × year × funding source × account kind (budget,
 *                  available, committed, paid); balance is the signed sum of the account's
 *                  postings (debit > 0, credit < 0), kept in the row so an approval can check
 *                  "available" without summing; `jiuye ledger check` recomputes it.
 * ledger_entries   the journal: one row per posting event (allocate, reduce, commit, release,
 *                  pay, recover); idem_key UNIQUE makes a payment post at most once.
 * ledger_postings  the entry's lines; an entry's amounts sum to zero (checked by the store on
 *                  write and by `ledger check` on read). Entries and postings are append-only.
 * payee_accounts   a person's social security card (社保卡) financial account: the registry of
 *                  issue 2 has no such field.
 * payables         an approved amount owed to one payee (a person or an organisation), linked
 *                  to its case when it has one; payable_splits says which funding sources its
 *                  commitment draws on and how much of each was recovered (追回).
 * pay_batches      a payment batch of one programme (and month), built → approved → paid;
 * pay_batch_lines  its lines, a snapshot of payee and account at build time; payable_id and
 *                  idem_key are UNIQUE: a payable is in one batch line, and paid at most once. */
#ifndef JY_LEDGER_SCHEMA_H
#define JY_LEDGER_SCHEMA_H

#define JY_LEDGER_SOURCE_CHECK(col) \
    "CHECK (" col " = 'central' OR " col " = 'region' OR " col " = 'city_county' OR " col " = 'other')"

/* ID: the primary-key type; I: the integer type; both dialects share the rest. */
#define JY_LEDGER_TABLES(ID, I)                                                                   \
    "CREATE TABLE ledger_accounts (\n"                                                            \
    "  id " ID ",\n"                                                                              \
    "  county text NOT NULL,\n"                                                                   \
    "  program text NOT NULL,\n"                                                                  \
    "  year " I " NOT NULL,\n"                                                                    \
    "  source text NOT NULL " JY_LEDGER_SOURCE_CHECK("source") ",\n"                             \
    "  kind text NOT NULL CHECK (kind = 'budget' OR kind = 'available' OR kind = 'committed'"     \
    " OR kind = 'paid'),\n"                                                                       \
    "  balance " I " NOT NULL DEFAULT 0,\n"                                                       \
    "  UNIQUE (county, program, year, source, kind)\n"                                            \
    ");\n"                                                                                        \
    "CREATE TABLE payee_accounts (\n"                                                             \
    "  person_id " I " PRIMARY KEY REFERENCES persons(id),\n"                                     \
    "  county text NOT NULL,\n"                                                                   \
    "  sscard text NOT NULL CHECK (sscard <> ''),\n"                                              \
    "  bank_name text NOT NULL DEFAULT '',\n"                                                     \
    "  updated_at text NOT NULL\n"                                                                \
    ");\n"                                                                                        \
    "CREATE TABLE payables (\n"                                                                   \
    "  id " ID ",\n"                                                                              \
    "  county text NOT NULL,\n"                                                                   \
    "  program text NOT NULL,\n"                                                                  \
    "  year " I " NOT NULL,\n"                                                                    \
    "  month text NOT NULL DEFAULT '',\n"                                                         \
    "  case_id " I " REFERENCES cases(id),\n"                                                     \
    "  payee_kind text NOT NULL CHECK (payee_kind = 'person' OR payee_kind = 'org'),\n"           \
    "  person_id " I " REFERENCES persons(id),\n"                                                 \
    "  org_id " I " REFERENCES orgs(id),\n"                                                       \
    "  account text NOT NULL DEFAULT '',\n"                                                       \
    "  amount " I " NOT NULL CHECK (amount > 0),\n"                                               \
    "  recovered " I " NOT NULL DEFAULT 0 CHECK (recovered >= 0 AND recovered <= amount),\n"      \
    "  status text NOT NULL CHECK (status = 'approved' OR status = 'batched' OR status = 'paid'"  \
    " OR status = 'cancelled'),\n"                                                                \
    "  memo text NOT NULL DEFAULT '',\n"                                                          \
    "  approved_by text NOT NULL,\n"                                                              \
    "  created_at text NOT NULL,\n"                                                               \
    "  CHECK ((payee_kind = 'person' AND person_id IS NOT NULL AND org_id IS NULL)"              \
    " OR (payee_kind = 'org' AND org_id IS NOT NULL AND person_id IS NULL))\n"                    \
    ");\n"                                                                                        \
    "CREATE INDEX payables_open ON payables(county, program, status, month, id);\n"              \
    "CREATE INDEX payables_case ON payables(case_id);\n"                                          \
    "CREATE TABLE payable_splits (\n"                                                             \
    "  payable_id " I " NOT NULL REFERENCES payables(id),\n"                                      \
    "  source text NOT NULL " JY_LEDGER_SOURCE_CHECK("source") ",\n"                             \
    "  amount " I " NOT NULL CHECK (amount > 0),\n"                                               \
    "  recovered " I " NOT NULL DEFAULT 0 CHECK (recovered >= 0 AND recovered <= amount),\n"      \
    "  PRIMARY KEY (payable_id, source)\n"                                                        \
    ");\n"                                                                                        \
    "CREATE TABLE pay_batches (\n"                                                                \
    "  id " ID ",\n"                                                                              \
    "  county text NOT NULL,\n"                                                                   \
    "  program text NOT NULL,\n"                                                                  \
    "  month text NOT NULL DEFAULT '',\n"                                                         \
    "  status text NOT NULL CHECK (status = 'draft' OR status = 'approved' OR status = 'paid'"    \
    " OR status = 'cancelled'),\n"                                                                \
    "  built_by text NOT NULL,\n"                                                                 \
    "  built_at text NOT NULL,\n"                                                                 \
    "  approved_by text NOT NULL DEFAULT '',\n"                                                   \
    "  approved_at text NOT NULL DEFAULT '',\n"                                                   \
    "  exported_at text NOT NULL DEFAULT '',\n"                                                   \
    "  nlines " I " NOT NULL DEFAULT 0,\n"                                                        \
    "  total " I " NOT NULL DEFAULT 0\n"                                                          \
    ");\n"                                                                                        \
    "CREATE TABLE pay_batch_lines (\n"                                                            \
    "  id " ID ",\n"                                                                              \
    "  county text NOT NULL,\n"                                                                   \
    "  batch_id " I " NOT NULL REFERENCES pay_batches(id),\n"                                     \
    "  line_no " I " NOT NULL,\n"                                                                 \
    "  payable_id " I " NOT NULL UNIQUE REFERENCES payables(id),\n"                               \
    "  idem_key text NOT NULL UNIQUE,\n"                                                          \
    "  payee_kind text NOT NULL,\n"                                                               \
    "  payee_name text NOT NULL,\n"                                                               \
    "  payee_id text NOT NULL,\n"                                                                 \
    "  account text NOT NULL,\n"                                                                  \
    "  bank_name text NOT NULL DEFAULT '',\n"                                                     \
    "  amount " I " NOT NULL CHECK (amount > 0),\n"                                               \
    "  status text NOT NULL CHECK (status = 'pending' OR status = 'paid' OR status = 'failed'),\n" \
    "  attempts " I " NOT NULL DEFAULT 0,\n"                                                      \
    "  fail_reason text NOT NULL DEFAULT '',\n"                                                   \
    "  paid_at text NOT NULL DEFAULT '',\n"                                                       \
    "  UNIQUE (batch_id, line_no)\n"                                                              \
    ");\n"                                                                                        \
    "CREATE TABLE ledger_entries (\n"                                                             \
    "  id " ID ",\n"                                                                              \
    "  county text NOT NULL,\n"                                                                   \
    "  at text NOT NULL,\n"                                                                       \
    "  actor text NOT NULL,\n"                                                                    \
    "  kind text NOT NULL CHECK (kind = 'allocate' OR kind = 'reduce' OR kind = 'commit'"         \
    " OR kind = 'release' OR kind = 'pay' OR kind = 'recover'),\n"                                \
    "  program text NOT NULL,\n"                                                                  \
    "  year " I " NOT NULL,\n"                                                                    \
    "  payable_id " I " REFERENCES payables(id),\n"                                               \
    "  batch_line_id " I " REFERENCES pay_batch_lines(id),\n"                                     \
    "  idem_key text UNIQUE,\n"                                                                   \
    "  memo text NOT NULL DEFAULT ''\n"                                                           \
    ");\n"                                                                                        \
    "CREATE INDEX ledger_entries_payable ON ledger_entries(payable_id);\n"                        \
    "CREATE TABLE ledger_postings (\n"                                                            \
    "  id " ID ",\n"                                                                              \
    "  entry_id " I " NOT NULL REFERENCES ledger_entries(id),\n"                                  \
    "  account_id " I " NOT NULL REFERENCES ledger_accounts(id),\n"                               \
    "  amount " I " NOT NULL CHECK (amount <> 0)\n"                                               \
    ");\n"                                                                                        \
    "CREATE INDEX ledger_postings_entry ON ledger_postings(entry_id);\n"                          \
    "CREATE INDEX ledger_postings_account ON ledger_postings(account_id);\n"

static const char jy_sqlite_migration_3[] =
    JY_LEDGER_TABLES("INTEGER PRIMARY KEY", "INTEGER")
    /* the journal is append-only: a correction is a new entry */
    "CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries\n"
    "BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END;\n"
    "CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries\n"
    "BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END;\n"
    "CREATE TRIGGER ledger_postings_no_update BEFORE UPDATE ON ledger_postings\n"
    "BEGIN SELECT RAISE(ABORT, 'ledger_postings is append-only'); END;\n"
    "CREATE TRIGGER ledger_postings_no_delete BEFORE DELETE ON ledger_postings\n"
    "BEGIN SELECT RAISE(ABORT, 'ledger_postings is append-only'); END;\n";

static const char jy_pg_migration_3[] =
    JY_LEDGER_TABLES("bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "bigint")
    "CREATE FUNCTION jy_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS\n"
    "  $$BEGIN RAISE EXCEPTION 'the ledger journal is append-only'; END$$;\n"
    "CREATE TRIGGER ledger_entries_no_change BEFORE UPDATE OR DELETE ON ledger_entries\n"
    "  FOR EACH ROW EXECUTE FUNCTION jy_ledger_append_only();\n"
    "CREATE TRIGGER ledger_postings_no_change BEFORE UPDATE OR DELETE ON ledger_postings\n"
    "  FOR EACH ROW EXECUTE FUNCTION jy_ledger_append_only();\n";

/* Migration 5 (issue 10, items 6, 11, 12): money safeguards.
 *
 * payables.claim, .claim_key, .track  what a payable pays for (store.h jy_payable). A partial
 *                  UNIQUE index keeps one live (not cancelled) payable per county × programme ×
 *                  claim_key: one per payee × programme × period unless the rules allow another
 *                  claim (docs/ledger.md "One payable per payee and period"). Payables from before
 *                  have no key (NULL) and are checked again when a batch is built; their claim is
 *                  taken from their payroll line (the monthly allowance is the main claim, "").
 * ledger_line_tracks  which claims a budget line funds: a line listed here funds only claims of
 *                  the tracks named (comma-separated, e.g. "gouqi,driver" for P1's brand lines, P1
 *                  六(一)3); a line not listed funds every claim of its programme.
 * idempotency_keys  one row per key a request carried (--idempotency-key, later the HTTP
 *                  Idempotency-Key header): the operation, the request as text, the actor and the
 *                  answer given, so the same request repeats the answer and another is refused.
 * payroll_run_actors  everyone who ran a payroll month (the four-eyes rule: none of them may
 *                  review or commit it); payroll_runs.committed_by / committed_at the last commit. */
#define JY_LEDGER_MIGRATION_5(I)                                                                   \
    "ALTER TABLE payables ADD COLUMN claim text NOT NULL DEFAULT '';\n"                           \
    "ALTER TABLE payables ADD COLUMN claim_key text;\n"                                           \
    "ALTER TABLE payables ADD COLUMN track text NOT NULL DEFAULT '';\n"                           \
    "UPDATE payables SET claim = coalesce((SELECT l.claim FROM payroll_lines l"                   \
    " WHERE l.payable_id = payables.id AND l.claim <> 'monthly'), '');\n"                          \
    "CREATE UNIQUE INDEX payables_one_per_claim ON payables(county, program, claim_key)"           \
    " WHERE claim_key IS NOT NULL AND status <> 'cancelled';\n"                                   \
    "CREATE INDEX payables_payee ON payables(county, program, person_id, org_id);\n"              \
    "CREATE TABLE ledger_line_tracks (\n"                                                         \
    "  county text NOT NULL,\n"                                                                   \
    "  program text NOT NULL,\n"                                                                  \
    "  year " I " NOT NULL,\n"                                                                    \
    "  source text NOT NULL " JY_LEDGER_SOURCE_CHECK("source") ",\n"                             \
    "  tracks text NOT NULL CHECK (tracks <> ''),\n"                                              \
    "  clause text NOT NULL DEFAULT '',\n"                                                        \
    "  updated_by text NOT NULL,\n"                                                               \
    "  updated_at text NOT NULL,\n"                                                               \
    "  PRIMARY KEY (county, program, year, source)\n"                                             \
    ");\n"                                                                                        \
    "CREATE TABLE idempotency_keys (\n"                                                           \
    "  idem_key text PRIMARY KEY CHECK (idem_key <> ''),\n"                                       \
    "  county text NOT NULL,\n"                                                                   \
    "  operation text NOT NULL,\n"                                                                \
    "  request text NOT NULL,\n"                                                                  \
    "  actor text NOT NULL,\n"                                                                    \
    "  response text NOT NULL,\n"                                                                 \
    "  created_at text NOT NULL\n"                                                                \
    ");\n"                                                                                        \
    "CREATE TABLE payroll_run_actors (\n"                                                         \
    "  run_id " I " NOT NULL REFERENCES payroll_runs(id),\n"                                      \
    "  actor text NOT NULL,\n"                                                                    \
    "  first_at text NOT NULL,\n"                                                                 \
    "  PRIMARY KEY (run_id, actor)\n"                                                             \
    ");\n"                                                                                        \
    "INSERT INTO payroll_run_actors(run_id, actor, first_at) SELECT id, created_by, created_at FROM payroll_runs;\n" \
    "ALTER TABLE payroll_runs ADD COLUMN committed_by text NOT NULL DEFAULT '';\n"                \
    "ALTER TABLE payroll_runs ADD COLUMN committed_at text NOT NULL DEFAULT '';\n"

static const char jy_sqlite_migration_9[] = JY_LEDGER_MIGRATION_5("INTEGER");
static const char jy_pg_migration_9[] = JY_LEDGER_MIGRATION_5("bigint");

#endif
