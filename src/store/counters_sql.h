/* counters_sql.h — the statement pieces of the case counters (migration 14, counters_schema.h),
 * shared by the migration's triggers and backfill and by report_store.c's recount and rebuild,
 * so that the counters and the recount read the same facts the same way. Store layer only. */
#ifndef JY_COUNTERS_SQL_H
#define JY_COUNTERS_SQL_H

#define JY_COUNTER_COLS "county, program, year, kind, state, occupation, track, p2_group, entrepreneurship, target_group"
#define JY_COUNTER_GROUP "1, 2, 3, 4, 5, 6, 7, 8, 9, 10"

/* ---- SQLite ---- */

/* The fact k of row R's facts, else of the parent facts P, else ''. */
/* Facts that are not valid JSON count as no facts (the store does not refuse them; the service
 * never writes them), so neither a trigger nor the recount fails on them. */
#define JY_SQ_VALID(X) "CASE WHEN json_valid(" X ") THEN " X " END"
#define JY_SQ_FACT(R, P, k)                                                                                        \
    "COALESCE(CAST(json_extract(" JY_SQ_VALID(R ".facts") ", '$." k "') AS TEXT), CAST(json_extract(" JY_SQ_VALID(P) \
    ", '$." k "') AS TEXT), '')"
#define JY_SQ_KEY(R, P)                                                                                            \
    R ".county, " R ".program, " R ".year, " R ".kind, " R ".state, " R ".occupation, " JY_SQ_FACT(R, P, "track") \
    ", " JY_SQ_FACT(R, P, "p2_group") ", " JY_SQ_FACT(R, P, "entrepreneurship") ", " JY_SQ_FACT(R, P, "target_group")
#define JY_SQ_UPSERT                                                                                              \
    " ON CONFLICT(" JY_COUNTER_COLS ") DO UPDATE SET n_cases = n_cases + excluded.n_cases,"                      \
    " amount = amount + excluded.amount;\n"
/* Adds (S "1") or takes away (S "-1") the row R (NEW or OLD) of a trigger. */
#define JY_SQ_ADD(R, S)                                                                                           \
    "  INSERT INTO case_counters(" JY_COUNTER_COLS ", n_cases, amount) SELECT " JY_SQ_KEY(R, "pc.facts") ", " S \
    ", " S " * COALESCE(" R ".amount, 0) FROM (SELECT 1) z LEFT JOIN cases pc ON pc.id = " R ".parent_id"      \
    " WHERE " R ".kind <> 'training_class' AND " R ".kind <> 'monthly_payment'"                                  \
    " AND (" R ".parent_id IS NULL OR pc.kind = 'training_class')" JY_SQ_UPSERT
/* The trainees of class NEW counted with the class facts P, added (S "1") or taken away. */
#define JY_SQ_CHILDREN(P, S)                                                                                      \
    "  INSERT INTO case_counters(" JY_COUNTER_COLS ", n_cases, amount) SELECT " JY_SQ_KEY("c", P) ", " S         \
    " * COUNT(*), " S " * COALESCE(SUM(c.amount), 0) FROM cases c WHERE c.parent_id = NEW.id"                   \
    " AND c.kind <> 'training_class' AND c.kind <> 'monthly_payment' GROUP BY " JY_COUNTER_GROUP JY_SQ_UPSERT

/* ---- PostgreSQL ---- */

/* The key columns and the signed count and amount (S "1" or "-1") of the cases c whose facts and
 * parent facts x.f and x.pf are parsed once per row in a LATERAL subquery (report_store.c). */
/* jy_jsonb_or_null (migration 14): the text as jsonb, NULL when it does not parse (no error), so
 * that facts which are not JSON count as no facts; '{}' and NULL skip the exception block and
 * its subtransaction. */
#define JY_PG_JSONB_OR_NULL                                                                                       \
    "CREATE FUNCTION jy_jsonb_or_null(t text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE STRICT AS $$\n"           \
    "BEGIN\n"                                                                                                     \
    "  IF t = '{}' THEN RETURN '{}'::jsonb; END IF;\n"                                                            \
    "  BEGIN\n"                                                                                                   \
    "    RETURN t::jsonb;\n"                                                                                      \
    "  EXCEPTION WHEN others THEN\n"                                                                              \
    "    RETURN NULL;\n"                                                                                          \
    "  END;\n"                                                                                                    \
    "END $$;\n"
#define JY_PG_FACT(k) "COALESCE(x.f ->> '" k "', x.pf ->> '" k "', '')"
#define JY_PG_SEL(S)                                                                                              \
    "SELECT c.county, c.program, c.year, c.kind, c.state, c.occupation, " JY_PG_FACT("track") " AS track, "     \
    JY_PG_FACT("p2_group") " AS p2_group, " JY_PG_FACT("entrepreneurship") " AS entrepreneurship, "               \
    JY_PG_FACT("target_group") " AS target_group, " S " AS n, " S " * COALESCE(c.amount, 0) AS a "
#define JY_PG_COUNTED "c.kind <> 'training_class' AND c.kind <> 'monthly_payment'"
/* The counted rows of table T (cases or a transition table), signed S. */
#define JY_PG_ROWS(T, S)                                                                                          \
    JY_PG_SEL(S) "FROM " T " c LEFT JOIN cases pc ON pc.id = c.parent_id "                                       \
    "CROSS JOIN LATERAL (SELECT jy_jsonb_or_null(c.facts) AS f, jy_jsonb_or_null(pc.facts) AS pf OFFSET 0) x "          \
    "WHERE " JY_PG_COUNTED " AND (c.parent_id IS NULL OR pc.kind = 'training_class')"
/* The trainees of the classes whose facts this statement changed, counted with the class facts
 * of transition table P (jy_old or jy_new), signed S. */
#define JY_PG_CHILDREN(P, S)                                                                                      \
    JY_PG_SEL(S) "FROM jy_old o JOIN jy_new w ON w.id = o.id JOIN cases c ON c.parent_id = o.id "                  \
    "CROSS JOIN LATERAL (SELECT jy_jsonb_or_null(c.facts) AS f, jy_jsonb_or_null(" P ".facts) AS pf OFFSET 0) x "       \
    "WHERE o.kind = 'training_class' AND w.kind = 'training_class' AND o.facts IS DISTINCT FROM w.facts AND "    \
    JY_PG_COUNTED
#define JY_PG_UPSERT(D)                                                                                           \
    "    INSERT INTO case_counters AS k (" JY_COUNTER_COLS ", n_cases, amount)\n"                                \
    "    SELECT " JY_COUNTER_COLS ", SUM(n), SUM(a) FROM (" D ") d GROUP BY " JY_COUNTER_GROUP                     \
    " HAVING SUM(n) <> 0 OR SUM(a) <> 0 ORDER BY " JY_COUNTER_GROUP "\n"                                        \
    "    ON CONFLICT (" JY_COUNTER_COLS ") DO UPDATE SET n_cases = k.n_cases + excluded.n_cases,"                 \
    " amount = k.amount + excluded.amount;\n"

#endif
