/* counters_schema.h — migration 14 (issue 12 item 3): the dashboard's figures kept current as
 * cases move, and the indexes of the work list (待办). Included by store_sqlite_schema.h and
 * store_pg_schema.h. Released migrations are never edited.
 *
 * case_counters  one row per group of `report targets` (report_store.h jy_report_tally): county,
 *                programme, year, kind, state, occupation and the four sub-target facts (track,
 *                p2_group, entrepreneurship, target_group: the case's fact, else its parent's,
 *                else ''), with the number of cases (n_cases) and the sum of their decided
 *                amounts in fen (amount; a case without an amount adds 0). Counted as the
 *                recount counts: not the container and per-month kinds (training_class,
 *                monthly_payment), not the cases under a parent other than a training class.
 *                A group whose cases all moved away keeps its row with n_cases 0 (readers skip
 *                it). Kept by triggers on `cases`, so every insert (one by one, the bulk load's
 *                INSERT and PostgreSQL's COPY), every workflow transition and every restore
 *                changes the figures in the same transaction as the case; no caller can forget.
 *                SQLite: row triggers (an upsert per changed case). PostgreSQL: statement
 *                triggers over the transition tables (one grouped upsert per statement, so a
 *                COPY of 10,000 cases is one upsert of a few hundred groups), rows locked in key
 *                order so concurrent filings cannot deadlock. A training class whose facts change
 *                moves its trainees between sub-target groups (they inherit its facts).
 *                The migration fills the table from the cases already written.
 *
 * Work-list indexes (EXPLAINed in docs/scale.md): a county's page of its cases in id order
 * without walking the others — cases_due (county, id) over the cases waiting for a step (due_on
 * set) for `GET /cases?overdue=1` and `jiuye case overdue`; cases_county_state (county, state, id)
 * for `?state=publicity`, `?state=filed` and every list by state; cases_county_id (county, id)
 * for a county's list with no state (the cases page, `policy simulate`'s read: without it the
 * planner took cases_county_state and sorted the whole county for every page); case_events_object over the
 * objection (异议) events, for `?objection=open`. The lists name a county by equality
 * (cases_pg.c, cases_sqlite.c), so these indexes give the page in order and stop at its limit.
 *
 * docs/store.md and docs/scale.md describe them; `jiuye report counters check` recounts. */
#ifndef JY_COUNTERS_SCHEMA_H
#define JY_COUNTERS_SCHEMA_H

#include "store/counters_sql.h"

static const char jy_sqlite_migration_14[] =
    "CREATE TABLE case_counters (\n"
    "  county TEXT NOT NULL,\n"
    "  program TEXT NOT NULL,\n"
    "  year INTEGER NOT NULL,\n"
    "  kind TEXT NOT NULL,\n"
    "  state TEXT NOT NULL,\n"
    "  occupation TEXT NOT NULL,\n"
    "  track TEXT NOT NULL,\n"
    "  p2_group TEXT NOT NULL,\n"
    "  entrepreneurship TEXT NOT NULL,\n"
    "  target_group TEXT NOT NULL,\n"
    "  n_cases INTEGER NOT NULL DEFAULT 0,\n"
    "  amount INTEGER NOT NULL DEFAULT 0,\n"
    "  PRIMARY KEY (" JY_COUNTER_COLS ")\n"
    ");\n"
    "INSERT INTO case_counters(" JY_COUNTER_COLS ", n_cases, amount) SELECT " JY_SQ_KEY("c", "pc.facts")
    ", COUNT(*), COALESCE(SUM(c.amount), 0) FROM cases c LEFT JOIN cases pc ON pc.id = c.parent_id"
    " WHERE c.kind <> 'training_class' AND c.kind <> 'monthly_payment'"
    " AND (c.parent_id IS NULL OR pc.kind = 'training_class') GROUP BY " JY_COUNTER_GROUP ";\n"
    "CREATE TRIGGER case_counters_insert AFTER INSERT ON cases BEGIN\n" JY_SQ_ADD("NEW", "1") "END;\n"
    "CREATE TRIGGER case_counters_update AFTER UPDATE OF county, program, year, kind, state, occupation, facts,"
    " amount, parent_id ON cases WHEN OLD.county IS NOT NEW.county OR OLD.program IS NOT NEW.program"
    " OR OLD.year IS NOT NEW.year OR OLD.kind IS NOT NEW.kind OR OLD.state IS NOT NEW.state"
    " OR OLD.occupation IS NOT NEW.occupation OR OLD.facts IS NOT NEW.facts OR OLD.amount IS NOT NEW.amount"
    " OR OLD.parent_id IS NOT NEW.parent_id BEGIN\n" JY_SQ_ADD("OLD", "-1") JY_SQ_ADD("NEW", "1") "END;\n"
    "CREATE TRIGGER case_counters_delete AFTER DELETE ON cases BEGIN\n" JY_SQ_ADD("OLD", "-1") "END;\n"
    "CREATE TRIGGER case_counters_class AFTER UPDATE OF facts ON cases WHEN NEW.kind = 'training_class'"
    " AND OLD.kind = 'training_class' AND OLD.facts IS NOT NEW.facts BEGIN\n" JY_SQ_CHILDREN("OLD.facts", "-1")
        JY_SQ_CHILDREN("NEW.facts", "1") "END;\n"
    "CREATE INDEX cases_due ON cases(county, id) WHERE due_on IS NOT NULL;\n"
    "CREATE INDEX cases_county_state ON cases(county, state, id);\n"
    "CREATE INDEX cases_county_id ON cases(county, id);\n"
    "CREATE INDEX case_events_object ON case_events(case_id) WHERE step = 'object';\n";

static const char jy_pg_migration_14[] =
    "CREATE TABLE case_counters (\n"
    "  county text COLLATE \"C\" NOT NULL,\n"
    "  program text COLLATE \"C\" NOT NULL,\n"
    "  year integer NOT NULL,\n"
    "  kind text COLLATE \"C\" NOT NULL,\n"
    "  state text COLLATE \"C\" NOT NULL,\n"
    "  occupation text NOT NULL,\n"
    "  track text NOT NULL,\n"
    "  p2_group text NOT NULL,\n"
    "  entrepreneurship text NOT NULL,\n"
    "  target_group text NOT NULL,\n"
    "  n_cases bigint NOT NULL DEFAULT 0,\n"
    "  amount bigint NOT NULL DEFAULT 0,\n"
    "  PRIMARY KEY (" JY_COUNTER_COLS ")\n"
    ");\n" JY_PG_JSONB_OR_NULL
    "INSERT INTO case_counters(" JY_COUNTER_COLS ", n_cases, amount)\n"
    "  SELECT " JY_COUNTER_COLS ", SUM(n), SUM(a) FROM (" JY_PG_ROWS("cases", "1") ") d GROUP BY " JY_COUNTER_GROUP
    ";\n"
    "CREATE FUNCTION jy_case_counters() RETURNS trigger LANGUAGE plpgsql AS $$\n"
    "BEGIN\n"
    "  IF TG_OP = 'INSERT' THEN\n" JY_PG_UPSERT(JY_PG_ROWS("jy_new", "1"))
    "  ELSIF TG_OP = 'DELETE' THEN\n" JY_PG_UPSERT(JY_PG_ROWS("jy_old", "-1"))
    "  ELSE\n" JY_PG_UPSERT(JY_PG_ROWS("jy_new", "1") " UNION ALL " JY_PG_ROWS("jy_old", "-1") " UNION ALL "
                             JY_PG_CHILDREN("w", "1") " UNION ALL " JY_PG_CHILDREN("o", "-1"))
    "  END IF;\n"
    "  RETURN NULL;\n"
    "END $$;\n"
    "CREATE TRIGGER case_counters_insert AFTER INSERT ON cases REFERENCING NEW TABLE AS jy_new\n"
    "  FOR EACH STATEMENT EXECUTE FUNCTION jy_case_counters();\n"
    "CREATE TRIGGER case_counters_update AFTER UPDATE ON cases REFERENCING OLD TABLE AS jy_old NEW TABLE AS jy_new\n"
    "  FOR EACH STATEMENT EXECUTE FUNCTION jy_case_counters();\n"
    "CREATE TRIGGER case_counters_delete AFTER DELETE ON cases REFERENCING OLD TABLE AS jy_old\n"
    "  FOR EACH STATEMENT EXECUTE FUNCTION jy_case_counters();\n"
    "CREATE INDEX cases_due ON cases(county, id) WHERE due_on IS NOT NULL;\n"
    "CREATE INDEX cases_county_state ON cases(county, state, id);\n"
    "CREATE INDEX cases_county_id ON cases(county, id);\n"
    "CREATE INDEX case_events_object ON case_events(case_id) WHERE step = 'object';\n";

#endif
