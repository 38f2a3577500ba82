/* cases_sqlite.c — the SQLite side of the case ops (users, cases, case history and the batch
 * reads of the conflict checks), on the connection of store_sqlite.c (jy_store_sqlite_db), so
 * every statement joins the handle's open transaction.
 *
 * Statements are prepared once per handle and kept (jy_store_sqlite_prepare: the HTTP server
 * runs these on every request); a list whose callback runs the same statement again gets a
 * fresh one, so callbacks may use the store again. Id and ID-number sets arrive as JSON arrays and are expanded with json_each:
 * one bound parameter, one statement, however long the roster. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/store_impl.h"

#define CASE_COLS_BRIEF                                                                           \
    "id, county, program, kind, person_id, org_id, parent_id, year, filed_on, occupation, level, " \
    "start_on, end_on, state, due_on, publicity_end, amount, decision, ruleset, created_at, updated_at, " \
    "policy_version"
#define CASE_COLS CASE_COLS_BRIEF ", facts, reasons, conflicts"
#define USER_COLS "id, name, role, area, org_id, display, created_at, person_id"
#define EVENT_COLS "id, case_id, at, on_date, actor, step, from_state, to_state, reason"

static int fail(jy_store *st, const char *what, jy_err *err)
{
    sqlite3 *db = jy_store_sqlite_db(st);
    int src = sqlite3_extended_errcode(db);
    int code = JY_EDB;
    if ((src & 0xff) == SQLITE_BUSY || (src & 0xff) == SQLITE_LOCKED || src == SQLITE_CONSTRAINT_UNIQUE)
        code = JY_ECONFLICT;
    return jy_err_set2(err, code, "store.db.error", "database: %s (%s)", "数据库操作失败（%2$s）：%1$s",
                       sqlite3_errmsg(db), what);
}

static int prep(jy_store *st, const char *sql, sqlite3_stmt **s, jy_err *err)
{
    if (jy_store_sqlite_prepare(st, sql, s) != SQLITE_OK) {
        *s = NULL;
        return fail(st, "preparing a case statement", err);
    }
    return 0;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    sqlite3_bind_text(s, i, v ? v : "", -1, SQLITE_STATIC);
}

/* the case's fact vector (migration 15), or NULL */
static void bind_vec(sqlite3_stmt *s, int i, const jy_case *c)
{
    if (c->fact_vec && c->fact_vec_len) sqlite3_bind_blob(s, i, c->fact_vec, (int)c->fact_vec_len, SQLITE_STATIC);
    else sqlite3_bind_null(s, i);
}

static void bind_id(sqlite3_stmt *s, int i, int64_t v)
{
    if (v) sqlite3_bind_int64(s, i, v);
    else sqlite3_bind_null(s, i);
}

/* Dates as ISO text in buf (which outlives the step); 0 binds NULL. */
static void bind_day(sqlite3_stmt *s, int i, jy_date d, char *buf)
{
    if (d) sqlite3_bind_text(s, i, jy_date_format(d, buf), -1, SQLITE_STATIC);
    else sqlite3_bind_null(s, i);
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    const char *t = (const char *)sqlite3_column_text(s, i);
    return t ? t : "";
}

static void col_str(sqlite3_stmt *s, int i, char *dst, size_t cap)
{
    jy_store_copy_utf8(dst, cap, col_text(s, i));
}

static jy_date col_day(sqlite3_stmt *s, int i)
{
    jy_date d = 0;
    const char *t = (const char *)sqlite3_column_text(s, i);
    if (t && jy_date_parse(t, &d, NULL) != 0) d = 0;
    return d;
}

/* Steps to the end; 0 or the failure. */
static int step_all(jy_store *st, sqlite3_stmt *s, const char *what, jy_err *err)
{
    int src;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {}
    return src == SQLITE_DONE ? 0 : fail(st, what, err);
}

/* ---------------------------------------------------------------- users */

static void read_user(sqlite3_stmt *s, jy_user *u)
{
    memset(u, 0, sizeof *u);
    u->id = sqlite3_column_int64(s, 0);
    col_str(s, 1, u->name, sizeof u->name);
    col_str(s, 2, u->role, sizeof u->role);
    col_str(s, 3, u->area, sizeof u->area);
    u->org_id = sqlite3_column_int64(s, 4);
    col_str(s, 5, u->display, sizeof u->display);
    col_str(s, 6, u->created_at, sizeof u->created_at);
    u->person_id = sqlite3_column_int64(s, 7);
}

static int sq_user_get(jy_store *st, const char *name, jy_user *out, jy_err *err)
{
    sqlite3_stmt *s;
    int rc = prep(st, "SELECT " USER_COLS " FROM users WHERE name = ?1", &s, err);
    if (rc) return rc;
    bind_text(s, 1, name);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW) read_user(s, out);
    else if (src == SQLITE_DONE)
        rc = jy_err_set2(err, JY_ENOTFOUND, "store.user.not_found", "no user named \"%s\"", "没有名为“%s”的用户", name);
    else rc = fail(st, "reading a user", err);
    jy_store_sqlite_release(st, s);
    return rc;
}

static int sq_user_insert(jy_store *st, jy_user *u, jy_err *err)
{
    sqlite3_stmt *s;
    int rc = prep(st, "INSERT INTO users(name, role, area, org_id, display, created_at, person_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                      " RETURNING id", &s, err);
    if (rc) return rc;
    bind_text(s, 1, u->name);
    bind_text(s, 2, u->role);
    bind_text(s, 3, u->area);
    bind_id(s, 4, u->org_id);
    bind_text(s, 5, u->display);
    bind_text(s, 6, u->created_at);
    bind_id(s, 7, u->person_id);
    if (sqlite3_step(s) == SQLITE_ROW) u->id = sqlite3_column_int64(s, 0);
    else rc = fail(st, "adding a user", err);
    jy_store_sqlite_release(st, s);
    return rc;
}

static int sq_user_update(jy_store *st, const jy_user *u, jy_err *err)
{
    sqlite3_stmt *s;
    int rc = prep(st, "UPDATE users SET role = ?2, area = ?3, org_id = ?4, display = ?5, person_id = ?6 WHERE id = ?1", &s, err);
    if (rc) return rc;
    sqlite3_bind_int64(s, 1, u->id);
    bind_text(s, 2, u->role);
    bind_text(s, 3, u->area);
    bind_id(s, 4, u->org_id);
    bind_text(s, 5, u->display);
    bind_id(s, 6, u->person_id);
    rc = step_all(st, s, "updating a user", err);
    jy_store_sqlite_release(st, s);
    return rc;
}

static int sq_user_list(jy_store *st, int (*fn)(void *ctx, const jy_user *u), void *ctx, jy_err *err)
{
    sqlite3_stmt *s;
    int rc = prep(st, "SELECT " USER_COLS " FROM users ORDER BY id", &s, err), src;
    if (rc) return rc;
    jy_user u;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        read_user(s, &u);
        if (fn(ctx, &u)) break;
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE) rc = fail(st, "listing users", err);
    jy_store_sqlite_release(st, s);
    return rc;
}

static int sq_user_count(jy_store *st, int64_t *n, jy_err *err)
{
    sqlite3_stmt *s;
    int rc = prep(st, "SELECT count(*) FROM users", &s, err);
    if (rc) return rc;
    if (sqlite3_step(s) == SQLITE_ROW) *n = sqlite3_column_int64(s, 0);
    else rc = fail(st, "counting users", err);
    jy_store_sqlite_release(st, s);
    return rc;
}

/* ---------------------------------------------------------------- cases */

/* Reads the columns of CASE_COLS (texts too when with_text). */
static void read_case(sqlite3_stmt *s, jy_case *c, int with_text)
{
    memset(c, 0, sizeof *c);
    c->id = sqlite3_column_int64(s, 0);
    col_str(s, 1, c->county, sizeof c->county);
    col_str(s, 2, c->program, sizeof c->program);
    col_str(s, 3, c->kind, sizeof c->kind);
    c->person_id = sqlite3_column_int64(s, 4);
    c->org_id = sqlite3_column_int64(s, 5);
    c->parent_id = sqlite3_column_int64(s, 6);
    c->year = sqlite3_column_int(s, 7);
    c->filed_on = col_day(s, 8);
    col_str(s, 9, c->occupation, sizeof c->occupation);
    c->level = sqlite3_column_int(s, 10);
    c->start_on = col_day(s, 11);
    c->end_on = col_day(s, 12);
    col_str(s, 13, c->state, sizeof c->state);
    c->due_on = col_day(s, 14);
    c->publicity_end = col_day(s, 15);
    c->has_amount = sqlite3_column_type(s, 16) != SQLITE_NULL;
    c->amount = sqlite3_column_int64(s, 16);
    col_str(s, 17, c->decision, sizeof c->decision);
    col_str(s, 18, c->ruleset, sizeof c->ruleset);
    col_str(s, 19, c->created_at, sizeof c->created_at);
    col_str(s, 20, c->updated_at, sizeof c->updated_at);
    c->policy_version = sqlite3_column_int64(s, 21);
    if (with_text) {
        c->facts = col_text(s, 22);
        c->reasons = col_text(s, 23);
        c->conflicts = col_text(s, 24);
    }
}

static int sq_case_insert(jy_store *st, jy_case *c, jy_err *err)
{
    sqlite3_stmt *s;
    int rc = prep(st, "INSERT INTO cases(county, program, kind, person_id, org_id, parent_id, year, filed_on,"
                      " occupation, level, start_on, end_on, state, due_on, publicity_end, amount, decision, ruleset,"
                      " created_at, updated_at, facts, reasons, conflicts, policy_version, roster_exam, roster_cert, fact_vec)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,"
                      " ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27) RETURNING id",
                  &s, err);
    if (rc) return rc;
    char d1[JY_DATE_BUFSZ], d2[JY_DATE_BUFSZ], d3[JY_DATE_BUFSZ], d4[JY_DATE_BUFSZ], d5[JY_DATE_BUFSZ];
    bind_text(s, 1, c->county);
    bind_text(s, 2, c->program);
    bind_text(s, 3, c->kind);
    bind_id(s, 4, c->person_id);
    bind_id(s, 5, c->org_id);
    bind_id(s, 6, c->parent_id);
    sqlite3_bind_int(s, 7, c->year);
    bind_day(s, 8, c->filed_on, d1);
    bind_text(s, 9, c->occupation);
    sqlite3_bind_int(s, 10, c->level);
    bind_day(s, 11, c->start_on, d2);
    bind_day(s, 12, c->end_on, d3);
    bind_text(s, 13, c->state);
    bind_day(s, 14, c->due_on, d4);
    bind_day(s, 15, c->publicity_end, d5);
    if (c->has_amount) sqlite3_bind_int64(s, 16, c->amount);
    else sqlite3_bind_null(s, 16);
    bind_text(s, 17, c->decision);
    bind_text(s, 18, c->ruleset);
    bind_text(s, 19, c->created_at);
    bind_text(s, 20, c->updated_at);
    bind_text(s, 21, c->facts ? c->facts : "{}");
    bind_text(s, 22, c->reasons ? c->reasons : "[]");
    bind_text(s, 23, c->conflicts ? c->conflicts : "[]");
    bind_id(s, 24, c->policy_version);
    jy_roster_marks m;
    jy_store_roster_marks(c, &m);
    if (m.has_exam) bind_text(s, 25, m.exam);
    else sqlite3_bind_null(s, 25);
    sqlite3_bind_int(s, 26, m.cert);
    bind_vec(s, 27, c);
    if (sqlite3_step(s) == SQLITE_ROW) c->id = sqlite3_column_int64(s, 0);
    else rc = fail(st, "filing a case", err);
    jy_store_sqlite_release(st, s);
    return rc;
}

static int sq_case_update(jy_store *st, const jy_case *c, const char *expect_state, int *changed, jy_err *err)
{
    sqlite3_stmt *s;
    *changed = 0;
    int rc = prep(st, "UPDATE cases SET state = ?3, due_on = ?4, publicity_end = ?5, amount = ?6, decision = ?7,"
                      " ruleset = ?8, updated_at = ?9, facts = ?10, reasons = ?11, conflicts = ?12, policy_version = ?13,"
                      " roster_exam = ?14, roster_cert = ?15,"
                      " fact_vec = CASE WHEN ?16 IS NOT NULL THEN ?16 WHEN facts = ?10 THEN fact_vec END"
                      " WHERE id = ?1 AND state = ?2",
                  &s, err);
    if (rc) return rc;
    char d1[JY_DATE_BUFSZ], d2[JY_DATE_BUFSZ];
    sqlite3_bind_int64(s, 1, c->id);
    bind_text(s, 2, expect_state);
    bind_text(s, 3, c->state);
    bind_day(s, 4, c->due_on, d1);
    bind_day(s, 5, c->publicity_end, d2);
    if (c->has_amount) sqlite3_bind_int64(s, 6, c->amount);
    else sqlite3_bind_null(s, 6);
    bind_text(s, 7, c->decision);
    bind_text(s, 8, c->ruleset);
    bind_text(s, 9, c->updated_at);
    bind_text(s, 10, c->facts ? c->facts : "{}");
    bind_text(s, 11, c->reasons ? c->reasons : "[]");
    bind_text(s, 12, c->conflicts ? c->conflicts : "[]");
    bind_id(s, 13, c->policy_version);
    jy_roster_marks m;
    jy_store_roster_marks(c, &m);
    if (m.has_exam) bind_text(s, 14, m.exam);
    else sqlite3_bind_null(s, 14);
    sqlite3_bind_int(s, 15, m.cert);
    bind_vec(s, 16, c);
    rc = step_all(st, s, "updating a case", err);
    if (rc == 0) *changed = sqlite3_changes(jy_store_sqlite_db(st)) > 0;
    jy_store_sqlite_release(st, s);
    return rc;
}

static int sq_case_get(jy_store *st, int64_t id, jy_case *out, jy_sb *text, jy_err *err)
{
    sqlite3_stmt *s;
    int rc = prep(st, "SELECT " CASE_COLS " FROM cases WHERE id = ?1", &s, err);
    if (rc) return rc;
    sqlite3_bind_int64(s, 1, id);
    int src = sqlite3_step(s);
    if (src == SQLITE_ROW) {
        read_case(s, out, 1);
        /* copy the texts into the caller's buffer: facts \0 reasons \0 conflicts \0 */
        const char *t[3] = {out->facts, out->reasons, out->conflicts};
        size_t off[3];
        jy_sb_reset(text);
        for (int i = 0; i < 3; i++) {
            off[i] = text->len;
            jy_sb_appendn(text, t[i], strlen(t[i]) + 1);
        }
        out->facts = text->buf + off[0];
        out->reasons = text->buf + off[1];
        out->conflicts = text->buf + off[2];
    } else if (src == SQLITE_DONE) {
        rc = jy_err_set2(err, JY_ENOTFOUND, "store.case.not_found", "no case %lld", "没有编号为 %lld 的案件", (long long)id);
    } else {
        rc = fail(st, "reading a case", err);
    }
    jy_store_sqlite_release(st, s);
    return rc;
}

static int walk_cases(jy_store *st, sqlite3_stmt *s, int with_text, int (*fn)(void *ctx, const jy_case *c),
                      void *ctx, const char *what, jy_err *err)
{
    int src, rc = 0;
    jy_case c;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        read_case(s, &c, with_text);
        if (fn(ctx, &c)) break;
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE) rc = fail(st, what, err);
    jy_store_sqlite_release(st, s);
    return rc;
}

static int sq_case_list(jy_store *st, const jy_case_filter *f, int (*fn)(void *ctx, const jy_case *c), void *ctx,
                        jy_err *err)
{
    /* only the conditions of the filter's set fields are in the text (fixed fragments, values
     * bound): "(?7 IS NULL OR parent_id = ?7)" cannot use an index, "parent_id = ?7" can (a
     * class's roster, a person's or an organisation's cases without walking every case) */
    char d[JY_DATE_BUFSZ];
    jy_sb sql = JY_SB_INIT;
    jy_sb_append(&sql, "SELECT " CASE_COLS " FROM cases WHERE ");
    /* deadline order: due_on, else publicity_end, else none (9999-12-31), then id; the cursor is
     * the previous page's last (deadline, id) */
#define SQ_DEADLINE "COALESCE(due_on, publicity_end, '9999-12-31')"
    if (f->by_deadline && f->after_deadline)
        jy_sb_append(&sql, "(" SQ_DEADLINE " > ?12 OR (" SQ_DEADLINE " = ?12 AND id > ?1))");
    else jy_sb_append(&sql, "id > ?1");
    if (f->program) jy_sb_append(&sql, " AND program = ?2");
    if (f->state) jy_sb_append(&sql, " AND state = ?3");
    if (f->kind) jy_sb_append(&sql, " AND kind = ?4");
    if (f->person_id) jy_sb_append(&sql, " AND person_id = ?5");
    if (f->org_id) jy_sb_append(&sql, " AND org_id = ?6");
    if (f->parent_id) jy_sb_append(&sql, " AND parent_id = ?7");
    if (f->due_before) jy_sb_append(&sql, " AND due_on IS NOT NULL AND due_on < ?8");
    if (f->objection_open)
        /* the objected cases first, from the partial index case_events_object (migration 14) */
        jy_sb_append(&sql, " AND id IN (SELECT o.case_id FROM case_events o WHERE o.step = 'object')"
                           " AND (SELECT e.step FROM case_events e WHERE e.case_id = cases.id ORDER BY e.id DESC LIMIT 1)"
                           " = 'object'");
    /* a whole county by equality: the (county, state, id) and (county, id) indexes of migration 14
     * give its cases in id order and the scan stops at the limit */
    if (f->county && strlen(f->county) == 6) jy_sb_append(&sql, " AND county = ?10");
    else if (f->county && *f->county) jy_sb_append(&sql, " AND county >= ?10 AND county < ?10 || '~'");
    if (f->year) jy_sb_append(&sql, " AND year = ?11");
    /* the subject's township: through the person's or organisation's primary key (the case's own
     * row gives no township; no index on cases is added for it) */
    if (f->town && *f->town)
        jy_sb_append(&sql, " AND " JY_SQL_SUBJECT_TOWN " BETWEEN ?13 AND ?13 || '~'");
    /* the work list: the states first (the (county, state, id) index), then the programme, kind
     * and state together */
    if (f->waiting)
        jy_sb_append(&sql, " AND state IN (SELECT value FROM json_each(?14))"
                           " AND program || '|' || kind || '|' || state IN (SELECT value FROM json_each(?15))");
    jy_sb_append(&sql, f->by_deadline ? " ORDER BY " SQ_DEADLINE ", id LIMIT ?9" : " ORDER BY id LIMIT ?9");
#undef SQ_DEADLINE
    sqlite3_stmt *s;
    int rc = prep(st, jy_sb_cstr(&sql), &s, err);
    jy_sb_free(&sql);
    if (rc) return rc;
    sqlite3_bind_int64(s, 1, f->after_id);
    if (f->program) bind_text(s, 2, f->program);
    if (f->state) bind_text(s, 3, f->state);
    if (f->kind) bind_text(s, 4, f->kind);
    if (f->person_id) bind_id(s, 5, f->person_id);
    if (f->org_id) bind_id(s, 6, f->org_id);
    if (f->parent_id) bind_id(s, 7, f->parent_id);
    if (f->due_before) bind_day(s, 8, f->due_before, d);
    sqlite3_bind_int64(s, 9, f->limit > 0 ? f->limit : -1);
    if (f->county && *f->county) bind_text(s, 10, f->county);
    if (f->year) sqlite3_bind_int(s, 11, f->year);
    char d2[JY_DATE_BUFSZ];
    if (f->by_deadline && f->after_deadline) bind_day(s, 12, f->after_deadline, d2);
    if (f->town && *f->town) bind_text(s, 13, f->town);
    if (f->waiting) {
        bind_text(s, 14, f->waiting_states ? f->waiting_states : "[]");
        bind_text(s, 15, f->waiting);
    }
    return walk_cases(st, s, 1, fn, ctx, "listing cases", err);
}

/* The steps that enter no state (they recount dates or re-decide in place). */
#define NO_STATE_STEPS "('settle_dates', 'redecide')"

static int sq_case_states_on(jy_store *st, const jy_case_filter *f, jy_date on, const char *states_json,
                             int (*fn)(void *ctx, const jy_case *c, const char *state, jy_date entered), void *ctx,
                             jy_err *err)
{
    /* per case, through case_events(case_id, id): the first step dated after `on` (z), the last
     * step before it (the entry into the state on `on`); the cases' own filters as in
     * sq_case_list, with filed_on <= on; a case now in no deadline state and without a step
     * after `on` is ruled out before its steps are read */
    char d[JY_DATE_BUFSZ];
    jy_sb sql = JY_SB_INIT;
    jy_sb_append(&sql,
                 "SELECT " CASE_COLS ", ev_state, ev_on FROM (SELECT k.*, e.to_state AS ev_state, e.on_date AS ev_on FROM"
                 " (SELECT cases.*, (SELECT max(x.id) FROM case_events x WHERE x.case_id = cases.id"
                 " AND x.step NOT IN " NO_STATE_STEPS " AND x.id < coalesce((SELECT min(z.id) FROM case_events z"
                 " WHERE z.case_id = cases.id AND z.on_date > ?2 AND z.step NOT IN " NO_STATE_STEPS "),"
                 " 9223372036854775807)) AS entry_id FROM cases WHERE id > ?1 AND filed_on <= ?2");
    if (f->program) jy_sb_append(&sql, " AND program = ?4");
    if (f->kind) jy_sb_append(&sql, " AND kind = ?5");
    if (f->person_id) jy_sb_append(&sql, " AND person_id = ?6");
    if (f->org_id) jy_sb_append(&sql, " AND org_id = ?7");
    if (f->parent_id) jy_sb_append(&sql, " AND parent_id = ?8");
    if (f->county && *f->county) jy_sb_append(&sql, " AND county >= ?10 AND county < ?10 || '~'");
    if (f->town && *f->town) jy_sb_append(&sql, " AND " JY_SQL_SUBJECT_TOWN " BETWEEN ?11 AND ?11 || '~'");
    jy_sb_append(&sql, " AND (state IN (SELECT value FROM json_each(?3)) OR EXISTS (SELECT 1 FROM case_events y"
                       " WHERE y.case_id = cases.id AND y.on_date > ?2 AND y.step NOT IN " NO_STATE_STEPS "))) k"
                       " JOIN case_events e ON e.id = k.entry_id)"
                       " WHERE ev_on < ?2 AND ev_state IN (SELECT value FROM json_each(?3)) ORDER BY id LIMIT ?9");
    sqlite3_stmt *s;
    int rc = prep(st, jy_sb_cstr(&sql), &s, err);
    jy_sb_free(&sql);
    if (rc) return rc;
    sqlite3_bind_int64(s, 1, f->after_id);
    bind_day(s, 2, on, d);
    bind_text(s, 3, states_json);
    if (f->program) bind_text(s, 4, f->program);
    if (f->kind) bind_text(s, 5, f->kind);
    if (f->person_id) bind_id(s, 6, f->person_id);
    if (f->org_id) bind_id(s, 7, f->org_id);
    if (f->parent_id) bind_id(s, 8, f->parent_id);
    sqlite3_bind_int64(s, 9, f->limit > 0 ? f->limit : -1);
    if (f->county && *f->county) bind_text(s, 10, f->county);
    if (f->town && *f->town) bind_text(s, 11, f->town);
    int src;
    jy_case c;
    char state[24];
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        read_case(s, &c, 1);
        col_str(s, 25, state, sizeof state);
        if (fn(ctx, &c, state, col_day(s, 26))) break;
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE) rc = fail(st, "listing cases as they stood on a day", err);
    jy_store_sqlite_release(st, s);
    return rc;
}

static int sq_event_insert(jy_store *st, jy_case_event *ev, const char *county, jy_err *err)
{
    sqlite3_stmt *s;
    int rc = prep(st, "INSERT INTO case_events(county, case_id, at, on_date, actor, step, from_state, to_state, reason)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
                  &s, err);
    if (rc) return rc;
    char d[JY_DATE_BUFSZ];
    bind_text(s, 1, county);
    sqlite3_bind_int64(s, 2, ev->case_id);
    bind_text(s, 3, ev->at);
    sqlite3_bind_text(s, 4, jy_date_format(ev->on, d), -1, SQLITE_STATIC);
    bind_text(s, 5, ev->actor);
    bind_text(s, 6, ev->step);
    bind_text(s, 7, ev->from_state);
    bind_text(s, 8, ev->to_state);
    bind_text(s, 9, ev->reason);
    if (sqlite3_step(s) == SQLITE_ROW) ev->id = sqlite3_column_int64(s, 0);
    else rc = fail(st, "recording a case step", err);
    jy_store_sqlite_release(st, s);
    return rc;
}

static int sq_events(jy_store *st, int64_t case_id, int (*fn)(void *ctx, const jy_case_event *e), void *ctx,
                     jy_err *err)
{
    sqlite3_stmt *s;
    int rc = prep(st, "SELECT " EVENT_COLS " FROM case_events WHERE case_id = ?1 ORDER BY id", &s, err), src;
    if (rc) return rc;
    sqlite3_bind_int64(s, 1, case_id);
    jy_case_event e;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        memset(&e, 0, sizeof e);
        e.id = sqlite3_column_int64(s, 0);
        e.case_id = sqlite3_column_int64(s, 1);
        col_str(s, 2, e.at, sizeof e.at);
        e.on = col_day(s, 3);
        col_str(s, 4, e.actor, sizeof e.actor);
        col_str(s, 5, e.step, sizeof e.step);
        col_str(s, 6, e.from_state, sizeof e.from_state);
        col_str(s, 7, e.to_state, sizeof e.to_state);
        e.reason = col_text(s, 8);
        if (fn(ctx, &e)) break;
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE) rc = fail(st, "reading a case's history", err);
    jy_store_sqlite_release(st, s);
    return rc;
}

/* ---------------------------------------------------------------- batch reads */

static int sq_case_history(jy_store *st, const char *ids_json, int (*fn)(void *ctx, const jy_case *c), void *ctx,
                           jy_err *err)
{
    sqlite3_stmt *s;
    int rc = prep(st, "SELECT " CASE_COLS_BRIEF " FROM cases"
                      " WHERE person_id IN (SELECT value FROM json_each(?1)) ORDER BY person_id, id",
                  &s, err);
    if (rc) return rc;
    bind_text(s, 1, ids_json);
    return walk_cases(st, s, 0, fn, ctx, "reading the persons' cases", err);
}

static int sq_persons_by_idcards(jy_store *st, const char *idcards_json, int (*fn)(void *ctx, const jy_person *p),
                                 void *ctx, jy_err *err)
{
    sqlite3_stmt *s;
    int rc = prep(st, "SELECT id, county, idcard, name, sex, birth, hukou_division, hukou_kind FROM persons"
                      " WHERE idcard IN (SELECT value FROM json_each(?1))",
                  &s, err), src;
    if (rc) return rc;
    bind_text(s, 1, idcards_json);
    jy_person p;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        memset(&p, 0, sizeof p);
        p.id = sqlite3_column_int64(s, 0);
        col_str(s, 1, p.county, sizeof p.county);
        col_str(s, 2, p.idcard, sizeof p.idcard);
        col_str(s, 3, p.name, sizeof p.name);
        p.sex = col_text(s, 4)[0];
        p.birth = col_day(s, 5);
        col_str(s, 6, p.hukou_division, sizeof p.hukou_division);
        if (jy_hukou_kind_parse(col_text(s, 7), &p.hukou_kind) != 0) p.hukou_kind = JY_HUKOU_UNKNOWN;
        if (fn(ctx, &p)) break;
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE) rc = fail(st, "looking up the roster's persons", err);
    jy_store_sqlite_release(st, s);
    return rc;
}

static int sq_statuses_of(jy_store *st, const char *ids_json, int (*fn)(void *ctx, const jy_person_status *ps),
                          void *ctx, jy_err *err)
{
    sqlite3_stmt *s;
    int rc = prep(st, "SELECT id, person_id, kind, since, until, detail FROM person_statuses"
                      " WHERE person_id IN (SELECT value FROM json_each(?1)) ORDER BY person_id, id",
                  &s, err), src;
    if (rc) return rc;
    bind_text(s, 1, ids_json);
    jy_person_status ps;
    while ((src = sqlite3_step(s)) == SQLITE_ROW) {
        memset(&ps, 0, sizeof ps);
        ps.id = sqlite3_column_int64(s, 0);
        ps.person_id = sqlite3_column_int64(s, 1);
        if (jy_status_kind_parse(col_text(s, 2), &ps.kind) != 0) continue; /* a kind this build does not know */
        ps.since = col_day(s, 3);
        ps.until = col_day(s, 4);
        col_str(s, 5, ps.detail, sizeof ps.detail);
        if (fn(ctx, &ps)) break;
    }
    if (src != SQLITE_ROW && src != SQLITE_DONE) rc = fail(st, "reading the roster's statuses", err);
    jy_store_sqlite_release(st, s);
    return rc;
}

const jy_case_ops jy_sqlite_case_ops = {
    .user_get = sq_user_get,
    .user_insert = sq_user_insert,
    .user_update = sq_user_update,
    .user_list = sq_user_list,
    .user_count = sq_user_count,
    .case_insert = sq_case_insert,
    .case_update = sq_case_update,
    .case_get = sq_case_get,
    .case_list = sq_case_list,
    .case_states_on = sq_case_states_on,
    .event_insert = sq_event_insert,
    .events = sq_events,
    .case_history = sq_case_history,
    .persons_by_idcards = sq_persons_by_idcards,
    .statuses_of = sq_statuses_of,
};
