/* cases_bulk.c — jy_store_case_bulk_insert (store.h): many cases on record at once, for loading
 * claims migrated from an earlier system and for bench/scale (issue 3's 5,000,000 claims).
 *
 * The same rows as jy_store_case_insert (the case and its first history row), but:
 *  - one audit entry per county per call ("case" / "bulk_load", after = {"count":k,"ids":[…]},
 *    entity_id the county's first id) instead of one per case, so the chain still names every
 *    row that was loaded and by whom, without a hash and a JSON rendering per case;
 *  - SQLite: two statements prepared once per call and stepped per row;
 *  - PostgreSQL: ids assigned from max(id) + 1 under the writer lock (the outermost
 *    jy_store_begin's advisory lock makes this handle the only writer until commit, as
 *    store_pg.c does for persons), rows sent with COPY … FROM STDIN (text format), then the
 *    identity sequences moved past the new ids so later default inserts do not collide.
 * All or nothing: the call runs in its own transaction, or joins the caller's (a savepoint). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "store/store_impl.h"

static int check_one(const jy_store *st, const jy_case *c, const jy_case_event *ev, size_t i, jy_err *err)
{
    if (!c->program[0] || !c->kind[0] || !c->state[0] || !c->filed_on || !ev->step[0] || !ev->on)
        return jy_err_set2(err, JY_EINVAL, "store.bulk_case.required",
                           "bulk case %zu: program, kind, state, filing date and step are required",
                           "批量写入第 %zu 个案件：项目、类别、状态、申报日期和办理环节均为必填", i + 1);
    if (strlen(c->county) != 6)
        return jy_err_set2(err, JY_EINVAL, "store.bulk_case.county", "bulk case %zu: county \"%s\" is not 6 digits",
                           "批量写入第 %zu 个案件：县“%s”不是 6 位数字", i + 1, c->county);
    if (!jy_store_in_scope(st->scope, c->county))
        return jy_err_set2(err, JY_ECONFLICT, "store.bulk_case.scope",
                           "bulk case %zu: county %s lies outside this handle's scope %s",
                           "批量写入第 %zu 个案件：县 %s 不在本次操作的辖区 %s 内", i + 1, c->county, st->scope);
    return 0;
}

/* ---------------------------------------------------------------- SQLite */

static void b_text(sqlite3_stmt *s, int i, const char *v)
{
    sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_STATIC);
}
static void b_id(sqlite3_stmt *s, int i, int64_t v)
{
    if (v) sqlite3_bind_int64(s, i, v);
    else sqlite3_bind_null(s, i);
}
static void b_day(sqlite3_stmt *s, int i, jy_date d, char *buf)
{
    if (d) sqlite3_bind_text(s, i, jy_date_format(d, buf), -1, SQLITE_STATIC);
    else sqlite3_bind_null(s, i);
}

static int sq_bulk(jy_store *st, jy_case *cs, jy_case_event *evs, size_t n, jy_err *err)
{
    sqlite3 *db = jy_store_sqlite_db(st);
    sqlite3_stmt *ic = NULL, *ie = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO cases(county, program, kind, person_id, org_id, parent_id, year, filed_on,"
                           " occupation, level, start_on, end_on, state, due_on, publicity_end, amount, decision,"
                           " ruleset, created_at, updated_at, facts, reasons, conflicts, roster_exam, roster_cert, fact_vec)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
                           " ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)",
                           -1, &ic, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO case_events(county, case_id, at, on_date, actor, step, from_state, to_state,"
                           " reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                           -1, &ie, NULL) != SQLITE_OK) {
        rc = jy_err_set2(err, JY_EDB, "store.bulk_case.db", "bulk loading cases: %s", "批量写入案件时数据库出错：%s",
                         sqlite3_errmsg(db));
        goto done;
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        jy_case *c = &cs[i];
        jy_case_event *ev = &evs[i];
        char d1[JY_DATE_BUFSZ], d2[JY_DATE_BUFSZ], d3[JY_DATE_BUFSZ], d4[JY_DATE_BUFSZ], d5[JY_DATE_BUFSZ];
        b_text(ic, 1, c->county);
        b_text(ic, 2, c->program);
        b_text(ic, 3, c->kind);
        b_id(ic, 4, c->person_id);
        b_id(ic, 5, c->org_id);
        b_id(ic, 6, c->parent_id);
        sqlite3_bind_int(ic, 7, c->year);
        b_day(ic, 8, c->filed_on, d1);
        b_text(ic, 9, c->occupation);
        sqlite3_bind_int(ic, 10, c->level);
        b_day(ic, 11, c->start_on, d2);
        b_day(ic, 12, c->end_on, d3);
        b_text(ic, 13, c->state);
        b_day(ic, 14, c->due_on, d4);
        b_day(ic, 15, c->publicity_end, d5);
        if (c->has_amount) sqlite3_bind_int64(ic, 16, c->amount);
        else sqlite3_bind_null(ic, 16);
        b_text(ic, 17, c->decision);
        b_text(ic, 18, c->ruleset);
        b_text(ic, 19, c->created_at);
        b_text(ic, 20, c->updated_at);
        b_text(ic, 21, c->facts ? c->facts : "{}");
        b_text(ic, 22, c->reasons ? c->reasons : "[]");
        b_text(ic, 23, c->conflicts ? c->conflicts : "[]");
        jy_roster_marks m;
        jy_store_roster_marks(c, &m);
        if (m.has_exam) b_text(ic, 24, m.exam);
        else sqlite3_bind_null(ic, 24);
        sqlite3_bind_int(ic, 25, m.cert);
        if (c->fact_vec && c->fact_vec_len)
            sqlite3_bind_blob(ic, 26, c->fact_vec, (int)c->fact_vec_len, SQLITE_STATIC);
        else sqlite3_bind_null(ic, 26);
        if (sqlite3_step(ic) != SQLITE_DONE) {
            rc = jy_err_set2(err, JY_EDB, "store.bulk_case.row_db", "bulk case %zu (%s %s): %s",
                             "批量写入第 %zu 个案件（%s %s）时数据库出错：%s", i + 1, c->program, c->kind,
                             sqlite3_errmsg(db));
            break;
        }
        sqlite3_reset(ic);
        c->id = sqlite3_last_insert_rowid(db);
        ev->case_id = c->id;
        b_text(ie, 1, c->county);
        sqlite3_bind_int64(ie, 2, c->id);
        b_text(ie, 3, ev->at);
        b_day(ie, 4, ev->on, d1);
        b_text(ie, 5, ev->actor);
        b_text(ie, 6, ev->step);
        b_text(ie, 7, ev->from_state);
        b_text(ie, 8, ev->to_state);
        b_text(ie, 9, ev->reason);
        if (sqlite3_step(ie) != SQLITE_DONE) {
            rc = jy_err_set2(err, JY_EDB, "store.bulk_case.history_db", "bulk case %zu: history row: %s",
                             "批量写入第 %zu 个案件的办理记录时数据库出错：%s", i + 1, sqlite3_errmsg(db));
            break;
        }
        sqlite3_reset(ie);
        ev->id = sqlite3_last_insert_rowid(db);
    }
done:
    sqlite3_finalize(ic);
    sqlite3_finalize(ie);
    return rc;
}

/* ---------------------------------------------------------------- PostgreSQL */

/* Appends v to sb escaped for COPY's text format. */
static void copy_text(jy_sb *sb, const char *v)
{
    for (const char *p = v ? v : ""; *p; p++) {
        switch (*p) {
        case '\\': jy_sb_append(sb, "\\\\"); break;
        case '\t': jy_sb_append(sb, "\\t"); break;
        case '\n': jy_sb_append(sb, "\\n"); break;
        case '\r': jy_sb_append(sb, "\\r"); break;
        default: jy_sb_appendc(sb, *p);
        }
    }
}
static void copy_i64(jy_sb *sb, int64_t v, int null_if_zero)
{
    if (null_if_zero && !v) jy_sb_append(sb, "\\N");
    else jy_sb_append_i64(sb, v);
}
static void copy_day(jy_sb *sb, jy_date d)
{
    char b[JY_DATE_BUFSZ];
    if (d) jy_sb_append(sb, jy_date_format(d, b));
    else jy_sb_append(sb, "\\N");
}

static int pq_fail(jy_store *st, PGconn *conn, const char *what, jy_err *err)
{
    jy_store_pg_failed(st);
    return jy_err_set2(err, JY_EDB, "store.bulk_case.db_what", "bulk loading cases: %s: %s",
                       "批量写入案件时数据库出错（%s）：%s", what, PQerrorMessage(conn));
}

static int pq_cmd(jy_store *st, PGconn *conn, const char *sql, const char *what, int64_t *first_col, jy_err *err)
{
    PGresult *r = PQexec(conn, sql); /* constant text, no parameters */
    ExecStatusType s = PQresultStatus(r);
    int ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
    if (ok && first_col) *first_col = PQntuples(r) && !PQgetisnull(r, 0, 0) ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
    PQclear(r);
    return ok ? 0 : pq_fail(st, conn, what, err);
}

/* Sends sb's rows through COPY sql; sb is reset. */
static int pq_copy(jy_store *st, PGconn *conn, const char *sql, jy_sb *sb, jy_err *err)
{
    PGresult *r = PQexec(conn, sql);
    int ok = PQresultStatus(r) == PGRES_COPY_IN;
    PQclear(r);
    if (!ok) return pq_fail(st, conn, "COPY", err);
    ok = PQputCopyData(conn, sb->buf ? sb->buf : "", (int)sb->len) == 1;
    ok = PQputCopyEnd(conn, ok ? NULL : "client error") == 1 && ok;
    int bad = 0;
    while ((r = PQgetResult(conn))) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK) bad = 1;
        PQclear(r);
    }
    jy_sb_reset(sb);
    return ok && !bad ? 0 : pq_fail(st, conn, "COPY", err);
}

static int pq_bulk(jy_store *st, jy_case *cs, jy_case_event *evs, size_t n, jy_err *err)
{
    PGconn *conn = (PGconn *)jy_store_pg_conn(st); /* answers what is in flight first */
    int64_t case0 = 0, ev0 = 0;
    int rc;
    if ((rc = pq_cmd(st, conn, "SELECT max(id) FROM cases", "reading the last case id", &case0, err)) ||
        (rc = pq_cmd(st, conn, "SELECT max(id) FROM case_events", "reading the last history id", &ev0, err)))
        return rc;
    jy_sb sb = JY_SB_INIT;
    for (size_t i = 0; i < n; i++) {
        jy_case *c = &cs[i];
        c->id = case0 + (int64_t)i + 1;
        copy_i64(&sb, c->id, 0);
        const char *t1[3] = {c->county, c->program, c->kind};
        for (int k = 0; k < 3; k++) jy_sb_appendc(&sb, '\t'), copy_text(&sb, t1[k]);
        jy_sb_appendc(&sb, '\t'), copy_i64(&sb, c->person_id, 1);
        jy_sb_appendc(&sb, '\t'), copy_i64(&sb, c->org_id, 1);
        jy_sb_appendc(&sb, '\t'), copy_i64(&sb, c->parent_id, 1);
        jy_sb_appendc(&sb, '\t'), copy_i64(&sb, c->year, 0);
        jy_sb_appendc(&sb, '\t'), copy_day(&sb, c->filed_on);
        jy_sb_appendc(&sb, '\t'), copy_text(&sb, c->occupation);
        jy_sb_appendc(&sb, '\t'), copy_i64(&sb, c->level, 0);
        jy_sb_appendc(&sb, '\t'), copy_day(&sb, c->start_on);
        jy_sb_appendc(&sb, '\t'), copy_day(&sb, c->end_on);
        jy_sb_appendc(&sb, '\t'), copy_text(&sb, c->state);
        jy_sb_appendc(&sb, '\t'), copy_day(&sb, c->due_on);
        jy_sb_appendc(&sb, '\t'), copy_day(&sb, c->publicity_end);
        jy_sb_appendc(&sb, '\t');
        if (c->has_amount) jy_sb_append_i64(&sb, c->amount);
        else jy_sb_append(&sb, "\\N");
        const char *t2[8] = {c->decision, c->ruleset, c->created_at, c->updated_at, c->facts ? c->facts : "{}",
                             c->reasons ? c->reasons : "[]", c->conflicts ? c->conflicts : "[]", NULL};
        for (int k = 0; t2[k]; k++) jy_sb_appendc(&sb, '\t'), copy_text(&sb, t2[k]);
        jy_roster_marks m;
        jy_store_roster_marks(c, &m);
        jy_sb_appendc(&sb, '\t');
        if (m.has_exam) copy_text(&sb, m.exam);
        else jy_sb_append(&sb, "\\N");
        jy_sb_append(&sb, m.cert ? "\t1" : "\t0");
        jy_sb_appendc(&sb, '\t');
        if (c->fact_vec && c->fact_vec_len) { /* bytea's hex form, its backslash escaped for COPY */
            static const char X[] = "0123456789abcdef";
            jy_sb_append(&sb, "\\\\x");
            for (size_t k = 0; k < c->fact_vec_len; k++) {
                jy_sb_appendc(&sb, X[c->fact_vec[k] >> 4]);
                jy_sb_appendc(&sb, X[c->fact_vec[k] & 15]);
            }
        } else {
            jy_sb_append(&sb, "\\N");
        }
        jy_sb_appendc(&sb, '\n');
    }
    rc = pq_copy(st, conn,
                 "COPY cases(id, county, program, kind, person_id, org_id, parent_id, year, filed_on, occupation,"
                 " level, start_on, end_on, state, due_on, publicity_end, amount, decision, ruleset, created_at,"
                 " updated_at, facts, reasons, conflicts, roster_exam, roster_cert, fact_vec) FROM STDIN",
                 &sb, err);
    for (size_t i = 0; i < n && rc == 0; i++) {
        jy_case_event *ev = &evs[i];
        ev->case_id = cs[i].id;
        ev->id = ev0 + (int64_t)i + 1;
        copy_i64(&sb, ev->id, 0);
        jy_sb_appendc(&sb, '\t'), copy_text(&sb, cs[i].county);
        jy_sb_appendc(&sb, '\t'), copy_i64(&sb, ev->case_id, 0);
        jy_sb_appendc(&sb, '\t'), copy_text(&sb, ev->at);
        jy_sb_appendc(&sb, '\t'), copy_day(&sb, ev->on);
        const char *t[6] = {ev->actor, ev->step, ev->from_state, ev->to_state, ev->reason, NULL};
        for (int k = 0; t[k]; k++) jy_sb_appendc(&sb, '\t'), copy_text(&sb, t[k]);
        jy_sb_appendc(&sb, '\n');
    }
    if (rc == 0)
        rc = pq_copy(st, conn,
                     "COPY case_events(id, county, case_id, at, on_date, actor, step, from_state, to_state, reason)"
                     " FROM STDIN",
                     &sb, err);
    jy_sb_free(&sb);
    /* later inserts by default must not collide with the ids given here */
    if (rc == 0)
        rc = pq_cmd(st, conn,
                    "SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases)),"
                    " setval(pg_get_serial_sequence('case_events', 'id'), (SELECT max(id) FROM case_events))",
                    "moving the id sequences", NULL, err);
    return rc;
}

/* ---------------------------------------------------------------- the public call */

static int id_cmp_county(const void *a, const void *b)
{
    const jy_case *x = *(const jy_case *const *)a, *y = *(const jy_case *const *)b;
    int c = strcmp(x->county, y->county);
    return c ? c : (x->id > y->id) - (x->id < y->id);
}

int jy_store_case_bulk_insert(jy_store *st, jy_case *cases, jy_case_event *evs, size_t n, const char *actor,
                              jy_err *err)
{
    if (!st || (n && (!cases || !evs)) || !actor || !actor[0])
        return jy_err_set2(err, JY_EINVAL, "store.bulk_case.args",
                           "bulk cases: store, cases, events and actor are required",
                           "批量写入案件：必须给出数据库、案件、办理事件和操作人");
    if (n == 0) return 0;
    int rc;
    for (size_t i = 0; i < n; i++)
        if ((rc = check_one(st, &cases[i], &evs[i], i, err))) return rc;
    char now[32];
    jy_store_now(now, sizeof now);
    for (size_t i = 0; i < n; i++) {
        memcpy(cases[i].created_at, now, sizeof now);
        memcpy(cases[i].updated_at, now, sizeof now);
        memcpy(evs[i].at, now, sizeof now);
        evs[i].from_state[0] = '\0';
        jy_store_copy_utf8(evs[i].to_state, sizeof evs[i].to_state, cases[i].state);
        jy_store_copy_utf8(evs[i].actor, sizeof evs[i].actor, actor);
    }
    const jy_case **order = malloc(n * sizeof *order);
    if (!order)
        return jy_err_set2(err, JY_ENOMEM, "store.bulk_case.oom", "bulk cases: out of memory for %zu cases",
                           "批量写入案件：内存不足，容纳不下 %zu 个案件", n);
    if ((rc = jy_store_begin(st, err))) {
        free(order);
        return rc;
    }
    rc = strcmp(jy_store_backend(st), "postgresql") == 0 ? pq_bulk(st, cases, evs, n, err)
                                                           : sq_bulk(st, cases, evs, n, err);
    /* one audit entry per county: every id loaded, in order */
    for (size_t i = 0; i < n; i++) order[i] = &cases[i];
    if (rc == 0) qsort(order, n, sizeof *order, id_cmp_county);
    jy_sb after = JY_SB_INIT;
    for (size_t i = 0; i < n && rc == 0;) {
        size_t j = i;
        while (j < n && strcmp(order[j]->county, order[i]->county) == 0) j++;
        jy_sb_reset(&after);
        jy_sb_append(&after, "{\"count\":");
        jy_sb_append_i64(&after, (int64_t)(j - i));
        jy_sb_append(&after, ",\"ids\":[");
        for (size_t k = i; k < j; k++) {
            if (k > i) jy_sb_appendc(&after, ',');
            jy_sb_append_i64(&after, order[k]->id);
        }
        jy_sb_append(&after, "]}");
        rc = st->ops->audit_append(st, actor, order[i]->county, "case", order[i]->id, "bulk_load", NULL,
                                   jy_sb_cstr(&after), err);
        i = j;
    }
    jy_sb_free(&after);
    free(order);
    if (rc) {
        jy_store_rollback(st, NULL);
        return rc;
    }
    return jy_store_commit(st, err);
}
