/* Migration 15 "fact vectors" (issue 14 item 4; docs/policy.md "Fact vectors", docs/store.md):
 * a case's facts as the engine's reader reads them, packed at filing time
 * (jy_policy_factvec_make) so that the budget simulation copies them instead of reading the
 * JSON again. NULL for the cases stored before (and for any case written without one): the
 * simulation then reads the facts as before. A vector names the rule set's catalogue and the
 * hash of the facts it was made from, so a stale one is refused, never used. */
#ifndef JY_STORE_FACTVEC_SCHEMA_H
#define JY_STORE_FACTVEC_SCHEMA_H

static const char jy_sqlite_migration_15[] = "ALTER TABLE cases ADD COLUMN fact_vec BLOB;\n";
static const char jy_pg_migration_15[] = "ALTER TABLE cases ADD COLUMN fact_vec bytea;\n";

#endif
