/* placement_schema.h — migration 4 (issue 5): placements with monthly pay (P10, P12, P13, P14,
 * P24), their monthly attendance (考勤) and the monthly payroll runs and lines, SQLite and
 * PostgreSQL dialects of the same tables (included by store_sqlite_schema.h and
 * store_pg_schema.h, which list it as migration 4). Released migrations are never edited.
 * docs/payroll.md explains the rules.
 *
 * placements      one post / internship / traineeship: person, host organisation, programme,
 *                 start, planned end, actual end and reason, status; case_id links the
 *                 placement case (kind "placement") the conflict checks see.
 * attendance      one row per placement × month: duty days, 事假, 病假 (with the certificate
 *                 flag), contract with the host, and the flexible-worker social insurance paid
 *                 (si_paid, fen, with the months it covers) when the subsidy is claimed.
 * payroll_runs    one per county × programme × month (re-running a month updates it).
 * payroll_lines   one per run × placement × claim (monthly allowance, P12 settling-in grant,
 *                 social-insurance subsidy): the decision, amount, facts and decision JSON with
 *                 the ruleset hash, and the payable it created. A line whose payable is batched
 *                 or paid is never changed by a re-run. */
#ifndef JY_PLACEMENT_SCHEMA_H
#define JY_PLACEMENT_SCHEMA_H

#define JY_PLACEMENT_TABLES(ID, I)                                                                 \
    "CREATE TABLE placements (\n"                                                                 \
    "  id " ID ",\n"                                                                              \
    "  county text NOT NULL,\n"                                                                   \
    "  case_id " I " REFERENCES cases(id),\n"                                                     \
    "  program text NOT NULL,\n"                                                                  \
    "  person_id " I " NOT NULL REFERENCES persons(id),\n"                                        \
    "  host_org_id " I " NOT NULL REFERENCES orgs(id),\n"                                         \
    "  start_on text NOT NULL,\n"                                                                 \
    "  planned_end text NOT NULL DEFAULT '',\n"                                                   \
    "  actual_end text NOT NULL DEFAULT '',\n"                                                    \
    "  end_reason text NOT NULL DEFAULT '',\n"                                                    \
    "  status text NOT NULL CHECK (status = 'active' OR status = 'ended' OR status = 'cancelled'),\n" \
    "  new_recruit " I " NOT NULL DEFAULT 1,\n"                                                   \
    "  created_by text NOT NULL,\n"                                                               \
    "  created_at text NOT NULL\n"                                                                \
    ");\n"                                                                                        \
    "CREATE INDEX placements_run ON placements(county, program, status);\n"                       \
    "CREATE INDEX placements_person ON placements(person_id);\n"                                  \
    "CREATE TABLE attendance (\n"                                                                 \
    "  placement_id " I " NOT NULL REFERENCES placements(id),\n"                                  \
    "  month text NOT NULL,\n"                                                                    \
    "  county text NOT NULL,\n"                                                                   \
    "  duty_days " I " NOT NULL CHECK (duty_days >= 0 AND duty_days <= 31),\n"                    \
    "  personal_leave " I " NOT NULL DEFAULT 0 CHECK (personal_leave >= 0 AND personal_leave <= 31),\n" \
    "  sick_leave " I " NOT NULL DEFAULT 0 CHECK (sick_leave >= 0 AND sick_leave <= 31),\n"       \
    "  sick_certificate " I " NOT NULL DEFAULT 0,\n"                                              \
    "  contract_with_host " I " NOT NULL DEFAULT 0,\n"                                            \
    "  si_paid " I " NOT NULL DEFAULT 0 CHECK (si_paid >= 0),\n"                                  \
    "  si_months " I " NOT NULL DEFAULT 0 CHECK (si_months >= 0),\n"                              \
    "  reported_at text NOT NULL,\n"                                                              \
    "  reported_by text NOT NULL,\n"                                                              \
    "  PRIMARY KEY (placement_id, month)\n"                                                       \
    ");\n"                                                                                        \
    "CREATE TABLE payroll_runs (\n"                                                               \
    "  id " ID ",\n"                                                                              \
    "  county text NOT NULL,\n"                                                                   \
    "  program text NOT NULL,\n"                                                                  \
    "  month text NOT NULL,\n"                                                                    \
    "  ruleset text NOT NULL,\n"                                                                  \
    "  runs " I " NOT NULL DEFAULT 1,\n"                                                          \
    "  created_by text NOT NULL,\n"                                                               \
    "  created_at text NOT NULL,\n"                                                               \
    "  updated_at text NOT NULL,\n"                                                               \
    "  UNIQUE (county, program, month)\n"                                                         \
    ");\n"                                                                                        \
    "CREATE TABLE payroll_lines (\n"                                                              \
    "  id " ID ",\n"                                                                              \
    "  run_id " I " NOT NULL REFERENCES payroll_runs(id),\n"                                      \
    "  county text NOT NULL,\n"                                                                   \
    "  placement_id " I " NOT NULL REFERENCES placements(id),\n"                                  \
    "  claim text NOT NULL CHECK (claim = 'monthly' OR claim = 'settling_in' OR claim = 'social_insurance'),\n" \
    "  decision text NOT NULL,\n"                                                                 \
    "  amount " I " NOT NULL DEFAULT 0 CHECK (amount >= 0),\n"                                    \
    "  status text NOT NULL CHECK (status = 'approved' OR status = 'held' OR status = 'refused'"  \
    " OR status = 'rejected' OR status = 'cancelled' OR status = 'recovered'),\n"                 \
    "  payable_id " I " REFERENCES payables(id),\n"                                               \
    "  facts text NOT NULL,\n"                                                                    \
    "  decision_json text NOT NULL,\n"                                                            \
    "  ruleset text NOT NULL,\n"                                                                  \
    "  reviewed_by text NOT NULL DEFAULT '',\n"                                                   \
    "  review_reason text NOT NULL DEFAULT '',\n"                                                 \
    "  updated_at text NOT NULL,\n"                                                               \
    "  UNIQUE (run_id, placement_id, claim)\n"                                                    \
    ");\n"                                                                                        \
    "CREATE INDEX payroll_lines_placement ON payroll_lines(placement_id, claim);\n"

static const char jy_sqlite_migration_4[] = JY_PLACEMENT_TABLES("INTEGER PRIMARY KEY", "INTEGER");

static const char jy_pg_migration_4[] =
    JY_PLACEMENT_TABLES("bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", "bigint");

#endif
