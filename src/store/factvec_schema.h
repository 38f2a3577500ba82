/* Migration 15 "fact vectors" (issue 14 item 4; docs/policy.md "Fact vectors", docs/store.md):
 * a case's facts as the engine's reader reads them, packed at filing time
 * (jy_policy_factvec_make) so that the budget simulation copies them instead of reading the
 * JSON again. NULL for the cases stored before (and for any case written without one): the
 * simulation then reads the facts as before. A vector names the rule set's catalogue (a vector
 * of other rules is refused) and carries a checksum of its own bytes, programme and date; that
 * it belongs to its row's facts is the store's to keep: a trigger clears the vector of a row
 * whose facts, programme or filing date change in a statement that does not write the vector
 * too (an UPDATE by hand in sqlite3 or psql, any path that forgets it), so a stored vector is
 * always that of its row's facts as they are. */
#ifndef JY_STORE_FACTVEC_SCHEMA_H
#define JY_STORE_FACTVEC_SCHEMA_H

static const char jy_sqlite_migration_15[] =
    "ALTER TABLE cases ADD COLUMN fact_vec BLOB;\n"
    "CREATE TRIGGER cases_fact_vec_stale AFTER UPDATE OF facts, program, filed_on ON cases\n"
    "  WHEN NEW.fact_vec IS NOT NULL AND NEW.fact_vec IS OLD.fact_vec AND (NEW.facts IS NOT OLD.facts\n"
    "    OR NEW.program IS NOT OLD.program OR NEW.filed_on IS NOT OLD.filed_on)\n"
    "BEGIN UPDATE cases SET fact_vec = NULL WHERE id = NEW.id; END;\n";
static const char jy_pg_migration_15[] =
    "ALTER TABLE cases ADD COLUMN fact_vec bytea;\n"
    "CREATE FUNCTION jy_cases_fact_vec_stale() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    "  IF NEW.fact_vec IS NOT NULL AND NEW.fact_vec IS NOT DISTINCT FROM OLD.fact_vec\n"
    "     AND (NEW.facts IS DISTINCT FROM OLD.facts OR NEW.program IS DISTINCT FROM OLD.program\n"
    "          OR NEW.filed_on IS DISTINCT FROM OLD.filed_on) THEN\n"
    "    NEW.fact_vec := NULL;\n"
    "  END IF;\n"
    "  RETURN NEW;\n"
    "END $$;\n"
    "CREATE TRIGGER cases_fact_vec_stale BEFORE UPDATE OF facts, program, filed_on ON cases\n"
    "  FOR EACH ROW EXECUTE FUNCTION jy_cases_fact_vec_stale();\n";

#endif
