/* cases_pg.c — the PostgreSQL side of the case ops (users, cases, case history and the batch
 * reads of the conflict checks), on the connection of store_pg.c (jy_store_pg_conn), so every
 * statement joins the handle's open transaction. A failed statement inside a transaction is
 * reported to store_pg.c (jy_store_pg_failed): PostgreSQL aborted it, so commit must refuse.
 *
 * Statements run with PQexecParams and text parameters (never text built from data). Id and
 * ID-number sets arrive as JSON arrays and are expanded with json_array_elements_text: one
 * parameter, one statement for a whole roster. Lists read their rows in one result, then call
 * back, so callbacks may use the connection again. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store/store_impl.h"

#define CASE_COLS_BRIEF                                                                           \
    "id, county, program, kind, person_id, org_id, parent_id, year, filed_on, occupation, level, " \
    "start_on, end_on, state, due_on, publicity_end, amount, decision, ruleset, created_at, updated_at, " \
    "policy_version"
#define CASE_COLS CASE_COLS_BRIEF ", facts, reasons, conflicts"
#define USER_COLS "id, name, role, area, org_id, display, created_at, person_id"
#define EVENT_COLS "id, case_id, at, on_date, actor, step, from_state, to_state, reason"

static int fail(jy_store *st, const PGresult *r, const char *what, jy_err *err)
{
    PGconn *c = jy_store_pg_conn(st);
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!msg || !*msg) msg = PQerrorMessage(c);
    int code = (state && (strcmp(state, "23505") == 0 || strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0))
                   ? JY_ECONFLICT
                   : JY_EDB;
    jy_store_pg_failed(st);
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) n--;
    return jy_err_set2(err, code, "store.db.error_pg_what", "database: %.*s (%s)", "数据库操作失败（%3$s）：%2$.*1$s",
                       (int)(n > 300 ? 300 : n), msg, what);
}

/* Runs sql with n text parameters (NULL = SQL NULL); the result or NULL with err filled. */
static PGresult *run(jy_store *st, const char *sql, int n, const char *const *vals, const char *what, jy_err *err)
{
    PGresult *r = PQexecParams(jy_store_pg_conn(st), sql, n, NULL, vals, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        fail(st, r, what, err);
        PQclear(r);
        return NULL;
    }
    return r;
}

static const char *i64(char buf[24], int64_t v)
{
    snprintf(buf, 24, "%" PRId64, v);
    return buf;
}

static const char *opt_id(char buf[24], int64_t v)
{
    return v ? i64(buf, v) : NULL;
}

static const char *day(char buf[JY_DATE_BUFSZ], jy_date d)
{
    return d ? jy_date_format(d, buf) : NULL;
}

static const char *txt(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? "" : PQgetvalue(r, row, col);
}

static void col_str(const PGresult *r, int row, int col, char *dst, size_t cap)
{
    jy_store_copy_utf8(dst, cap, txt(r, row, col));
}

static int64_t col_i64(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static jy_date col_day(const PGresult *r, int row, int col)
{
    jy_date d = 0;
    if (PQgetisnull(r, row, col) || jy_date_parse(PQgetvalue(r, row, col), &d, NULL) != 0) d = 0;
    return d;
}

/* ---------------------------------------------------------------- users */

static void read_user(const PGresult *r, int i, jy_user *u)
{
    memset(u, 0, sizeof *u);
    u->id = col_i64(r, i, 0);
    col_str(r, i, 1, u->name, sizeof u->name);
    col_str(r, i, 2, u->role, sizeof u->role);
    col_str(r, i, 3, u->area, sizeof u->area);
    u->org_id = col_i64(r, i, 4);
    col_str(r, i, 5, u->display, sizeof u->display);
    col_str(r, i, 6, u->created_at, sizeof u->created_at);
    u->person_id = col_i64(r, i, 7);
}

static int pq_user_get(jy_store *st, const char *name, jy_user *out, jy_err *err)
{
    const char *v[1] = {name};
    PGresult *r = run(st, "SELECT " USER_COLS " FROM users WHERE name = $1", 1, v, "reading a user", err);
    if (!r) return err ? err->code : JY_EDB;
    int rc = 0;
    if (PQntuples(r) == 1) read_user(r, 0, out);
    else rc = jy_err_set2(err, JY_ENOTFOUND, "store.user.not_found", "no user named \"%s\"", "没有名为“%s”的用户", name);
    PQclear(r);
    return rc;
}

static int pq_user_insert(jy_store *st, jy_user *u, jy_err *err)
{
    char b[24], c[24];
    const char *v[7] = {u->name, u->role, u->area, opt_id(b, u->org_id), u->display, u->created_at,
                        opt_id(c, u->person_id)};
    PGresult *r = run(st, "INSERT INTO users(name, role, area, org_id, display, created_at, person_id)"
                          " VALUES ($1, $2, $3, $4::bigint, $5, $6, $7::bigint) RETURNING id",
                      7, v, "adding a user", err);
    if (!r) return err ? err->code : JY_EDB;
    u->id = col_i64(r, 0, 0);
    PQclear(r);
    return 0;
}

static int pq_user_update(jy_store *st, const jy_user *u, jy_err *err)
{
    char a[24], b[24], c[24];
    const char *v[6] = {i64(a, u->id), u->role, u->area, opt_id(b, u->org_id), u->display, opt_id(c, u->person_id)};
    PGresult *r = run(st,
                      "UPDATE users SET role = $2, area = $3, org_id = $4::bigint, display = $5, person_id = $6::bigint "
                      "WHERE id = $1::bigint",
                      6, v, "updating a user", err);
    if (!r) return err ? err->code : JY_EDB;
    PQclear(r);
    return 0;
}

static int pq_user_list(jy_store *st, int (*fn)(void *ctx, const jy_user *u), void *ctx, jy_err *err)
{
    PGresult *r = run(st, "SELECT " USER_COLS " FROM users ORDER BY id", 0, NULL, "listing users", err);
    if (!r) return err ? err->code : JY_EDB;
    jy_user u;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        read_user(r, i, &u);
        if (fn(ctx, &u)) break;
    }
    PQclear(r);
    return 0;
}

static int pq_user_count(jy_store *st, int64_t *n, jy_err *err)
{
    PGresult *r = run(st, "SELECT count(*) FROM users", 0, NULL, "counting users", err);
    if (!r) return err ? err->code : JY_EDB;
    *n = col_i64(r, 0, 0);
    PQclear(r);
    return 0;
}

/* ---------------------------------------------------------------- cases */

/* The case's fact vector (migration 15) as hex for decode(…, 'hex'), or NULL (free it). */
static char *vec_hex(const jy_case *c)
{
    if (!c->fact_vec || !c->fact_vec_len) return NULL;
    char *h = malloc(c->fact_vec_len * 2 + 1);
    if (!h) return NULL; /* written without a vector: the simulation reads the facts */
    static const char X[] = "0123456789abcdef";
    for (size_t i = 0; i < c->fact_vec_len; i++) {
        h[2 * i] = X[c->fact_vec[i] >> 4];
        h[2 * i + 1] = X[c->fact_vec[i] & 15];
    }
    h[2 * c->fact_vec_len] = 0;
    return h;
}

static void read_case(const PGresult *r, int i, jy_case *c, int with_text)
{
    memset(c, 0, sizeof *c);
    c->id = col_i64(r, i, 0);
    col_str(r, i, 1, c->county, sizeof c->county);
    col_str(r, i, 2, c->program, sizeof c->program);
    col_str(r, i, 3, c->kind, sizeof c->kind);
    c->person_id = col_i64(r, i, 4);
    c->org_id = col_i64(r, i, 5);
    c->parent_id = col_i64(r, i, 6);
    c->year = (int)col_i64(r, i, 7);
    c->filed_on = col_day(r, i, 8);
    col_str(r, i, 9, c->occupation, sizeof c->occupation);
    c->level = (int)col_i64(r, i, 10);
    c->start_on = col_day(r, i, 11);
    c->end_on = col_day(r, i, 12);
    col_str(r, i, 13, c->state, sizeof c->state);
    c->due_on = col_day(r, i, 14);
    c->publicity_end = col_day(r, i, 15);
    c->has_amount = !PQgetisnull(r, i, 16);
    c->amount = col_i64(r, i, 16);
    col_str(r, i, 17, c->decision, sizeof c->decision);
    col_str(r, i, 18, c->ruleset, sizeof c->ruleset);
    col_str(r, i, 19, c->created_at, sizeof c->created_at);
    col_str(r, i, 20, c->updated_at, sizeof c->updated_at);
    c->policy_version = col_i64(r, i, 21);
    if (with_text) {
        c->facts = txt(r, i, 22);
        c->reasons = txt(r, i, 23);
        c->conflicts = txt(r, i, 24);
    }
}

static int pq_case_insert(jy_store *st, jy_case *c, jy_err *err)
{
    char p[24], o[24], pa[24], y[24], lv[24], am[24], pv[24];
    char d1[JY_DATE_BUFSZ], d2[JY_DATE_BUFSZ], d3[JY_DATE_BUFSZ], d4[JY_DATE_BUFSZ], d5[JY_DATE_BUFSZ];
    jy_roster_marks m;
    jy_store_roster_marks(c, &m);
    char *vec = vec_hex(c);
    const char *v[27] = {c->county, c->program, c->kind, opt_id(p, c->person_id), opt_id(o, c->org_id),
                         opt_id(pa, c->parent_id), i64(y, c->year), day(d1, c->filed_on), c->occupation,
                         i64(lv, c->level), day(d2, c->start_on), day(d3, c->end_on), c->state, day(d4, c->due_on),
                         day(d5, c->publicity_end), c->has_amount ? i64(am, c->amount) : NULL, c->decision,
                         c->ruleset, c->created_at, c->updated_at, c->facts ? c->facts : "{}",
                         c->reasons ? c->reasons : "[]", c->conflicts ? c->conflicts : "[]",
                         opt_id(pv, c->policy_version), m.has_exam ? m.exam : NULL, m.cert ? "1" : "0", vec};
    PGresult *r = run(st, "INSERT INTO cases(county, program, kind, person_id, org_id, parent_id, year, filed_on,"
                          " occupation, level, start_on, end_on, state, due_on, publicity_end, amount, decision, ruleset,"
                          " created_at, updated_at, facts, reasons, conflicts, policy_version, roster_exam, roster_cert, fact_vec)"
                          " VALUES ($1, $2, $3, $4::bigint, $5::bigint, $6::bigint, $7::int, $8::date, $9, $10::int,"
                          " $11::date, $12::date, $13, $14::date, $15::date, $16::bigint, $17, $18, $19, $20, $21, $22,"
                          " $23, $24::bigint, $25, $26::int, decode($27, 'hex')) RETURNING id",
                      27, v, "filing a case", err);
    free(vec);
    if (!r) return err ? err->code : JY_EDB;
    c->id = col_i64(r, 0, 0);
    PQclear(r);
    return 0;
}

static int pq_case_update(jy_store *st, const jy_case *c, const char *expect_state, int *changed, jy_err *err)
{
    char id[24], am[24], pv[24], d1[JY_DATE_BUFSZ], d2[JY_DATE_BUFSZ];
    *changed = 0;
    jy_roster_marks m;
    jy_store_roster_marks(c, &m);
    char *vec = vec_hex(c);
    const char *v[16] = {i64(id, c->id), expect_state, c->state, day(d1, c->due_on), day(d2, c->publicity_end),
                         c->has_amount ? i64(am, c->amount) : NULL, c->decision, c->ruleset, c->updated_at,
                         c->facts ? c->facts : "{}", c->reasons ? c->reasons : "[]",
                         c->conflicts ? c->conflicts : "[]", opt_id(pv, c->policy_version),
                         m.has_exam ? m.exam : NULL, m.cert ? "1" : "0", vec};
    PGresult *r = run(st, "UPDATE cases SET state = $3, due_on = $4::date, publicity_end = $5::date,"
                          " amount = $6::bigint, decision = $7, ruleset = $8, updated_at = $9, facts = $10,"
                          " reasons = $11, conflicts = $12, policy_version = $13::bigint, roster_exam = $14,"
                          " roster_cert = $15::int,"
                          " fact_vec = CASE WHEN $16::text IS NOT NULL THEN decode($16, 'hex') WHEN facts = $10 THEN fact_vec END"
                          " WHERE id = $1::bigint AND state = $2",
                      16, v, "updating a case", err);
    free(vec);
    if (!r) return err ? err->code : JY_EDB;
    *changed = strtol(PQcmdTuples(r), NULL, 10) > 0;
    PQclear(r);
    return 0;
}

static int pq_case_get(jy_store *st, int64_t id, jy_case *out, jy_sb *text, jy_err *err)
{
    char b[24];
    const char *v[1] = {i64(b, id)};
    PGresult *r = run(st, "SELECT " CASE_COLS " FROM cases WHERE id = $1::bigint", 1, v, "reading a case", err);
    if (!r) return err ? err->code : JY_EDB;
    int rc = 0;
    if (PQntuples(r) == 1) {
        read_case(r, 0, out, 1);
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
    } else {
        rc = jy_err_set2(err, JY_ENOTFOUND, "store.case.not_found", "no case %lld", "没有编号为 %lld 的案件", (long long)id);
    }
    PQclear(r);
    return rc;
}

static int walk_cases(PGresult *r, int with_text, int (*fn)(void *ctx, const jy_case *c), void *ctx)
{
    jy_case c;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        read_case(r, i, &c, with_text);
        if (fn(ctx, &c)) break;
    }
    PQclear(r);
    return 0;
}

static int pq_case_list(jy_store *st, const jy_case_filter *f, int (*fn)(void *ctx, const jy_case *c), void *ctx,
                        jy_err *err)
{
    char a[24], p[24], o[24], pa[24], lim[24], y[24], d[JY_DATE_BUFSZ], d2[JY_DATE_BUFSZ];
    /* a whole county by equality as well as by prefix: the (county, state, id) and (county, id)
     * indexes of migration 14 then give its cases in id order and the scan stops at the limit */
    const char *whole = f->county && strlen(f->county) == 6 ? f->county : NULL;
    int after_dl = f->by_deadline && f->after_deadline;
    const char *v[16] = {i64(a, f->after_id), f->program, f->state, f->kind, opt_id(p, f->person_id),
                         opt_id(o, f->org_id), opt_id(pa, f->parent_id), day(d, f->due_before),
                         f->limit > 0 ? i64(lim, f->limit) : NULL, f->county, f->objection_open ? "1" : NULL, whole,
                         f->year ? i64(y, f->year) : NULL, after_dl ? day(d2, f->after_deadline) : NULL,
                         f->town && *f->town ? f->town : NULL, f->waiting};
    const char *states = f->waiting ? (f->waiting_states ? f->waiting_states : "[]") : NULL;
    jy_sb sql = JY_SB_INIT;
    /* deadline order (the work list): due_on, else publicity_end, else none, then id */
#define PQ_DEADLINE "COALESCE(due_on, publicity_end, DATE '9999-12-31')"
    jy_sb_append(&sql, "SELECT " CASE_COLS " FROM cases WHERE ");
    jy_sb_append(&sql, after_dl ? "(" PQ_DEADLINE " > $14::date OR (" PQ_DEADLINE " = $14::date AND id > $1::bigint))"
                                : "id > $1::bigint AND $14::date IS NULL");
    jy_sb_append(&sql, " AND ($2::text IS NULL OR program = $2) AND ($3::text IS NULL OR state = $3)"
                       " AND ($4::text IS NULL OR kind = $4) AND ($5::bigint IS NULL OR person_id = $5)"
                       " AND ($6::bigint IS NULL OR org_id = $6) AND ($7::bigint IS NULL OR parent_id = $7)"
                       " AND ($8::date IS NULL OR (due_on IS NOT NULL AND due_on < $8))"
                       " AND ($10::text IS NULL OR (county >= $10 AND county < $10 || '~'))"
                       " AND ($12::text IS NULL OR county = $12)"
                       /* the objected cases first, from the partial index case_events_object (migration
                        * 14), as an array evaluated once (an IN inside this OR is not made a join: the
                        * planner would test every case of the county), then whether the objection is
                        * still the last step */
                       " AND ($11::text IS NULL OR (id = ANY (ARRAY(SELECT o.case_id FROM case_events o"
                       " WHERE o.step = 'object'))"
                       " AND (SELECT e.step FROM case_events e WHERE e.case_id = cases.id"
                       " ORDER BY e.id DESC LIMIT 1) = 'object'))"
                       " AND ($13::int IS NULL OR year = $13::int)"
                       /* the subject's township, through the person's or organisation's primary key */
                       " AND ($15::text IS NULL OR " JY_SQL_SUBJECT_TOWN " BETWEEN $15 AND $15 || '~')");
    if (states) {
        /* the work list: the states as an array (the (county, state, id) index), then programme,
         * kind and state together */
        jy_sb_append(&sql, " AND state = ANY (ARRAY(SELECT jsonb_array_elements_text($17::jsonb)))"
                           " AND program || '|' || kind || '|' || state = ANY (ARRAY(SELECT"
                           " jsonb_array_elements_text($16::jsonb)))");
    }
    jy_sb_append(&sql, f->by_deadline ? " ORDER BY " PQ_DEADLINE ", id LIMIT $9::bigint" : " ORDER BY id LIMIT $9::bigint");
#undef PQ_DEADLINE
    const char *w[17];
    memcpy(w, v, sizeof v);
    w[16] = states;
        /* every parameter passed is referenced ($16, $17 only with the work list's sets) */
    PGresult *r = run(st, jy_sb_cstr(&sql), states ? 17 : 15, w, "listing cases", err);
    jy_sb_free(&sql);
    if (!r) return err ? err->code : JY_EDB;
    return walk_cases(r, 1, fn, ctx);
}

/* The steps that enter no state (they recount dates or re-decide in place). */
#define NO_STATE_STEPS "('settle_dates', 'redecide')"

/* As sq_case_states_on (cases_sqlite.c): one statement, each case's steps read through
 * case_events(case_id, id). */
static int pq_case_states_on(jy_store *st, const jy_case_filter *f, jy_date on, const char *states_json,
                             int (*fn)(void *ctx, const jy_case *c, const char *state, jy_date entered), void *ctx,
                             jy_err *err)
{
    char a[24], p[24], o[24], pa[24], lim[24], d[JY_DATE_BUFSZ];
    const char *v[11] = {i64(a, f->after_id), day(d, on), states_json, f->program, f->kind, opt_id(p, f->person_id),
                         opt_id(o, f->org_id), opt_id(pa, f->parent_id), f->limit > 0 ? i64(lim, f->limit) : NULL,
                         f->county && *f->county ? f->county : NULL, f->town && *f->town ? f->town : NULL};
    PGresult *r = run(st,
                      "SELECT " CASE_COLS ", ev_state, ev_on FROM (SELECT k.*, e.to_state AS ev_state, e.on_date AS ev_on FROM"
                      " (SELECT cases.*, (SELECT max(x.id) FROM case_events x WHERE x.case_id = cases.id"
                      " AND x.step NOT IN " NO_STATE_STEPS " AND x.id < coalesce((SELECT min(z.id) FROM case_events z"
                      " WHERE z.case_id = cases.id AND z.on_date > $2::date AND z.step NOT IN " NO_STATE_STEPS "),"
                      " 9223372036854775807)) AS entry_id FROM cases WHERE id > $1::bigint AND filed_on <= $2::date"
                      " AND ($4::text IS NULL OR program = $4) AND ($5::text IS NULL OR kind = $5)"
                      " AND ($6::bigint IS NULL OR person_id = $6) AND ($7::bigint IS NULL OR org_id = $7)"
                      " AND ($8::bigint IS NULL OR parent_id = $8)"
                      " AND ($10::text IS NULL OR (county >= $10 AND county < $10 || '~'))"
                      /* the subject's township (jy_case_filter.town) */
                      " AND ($11::text IS NULL OR " JY_SQL_SUBJECT_TOWN " BETWEEN $11 AND $11 || '~')"
                      " AND (state IN (SELECT json_array_elements_text($3::json)) OR EXISTS (SELECT 1 FROM case_events y"
                      " WHERE y.case_id = cases.id AND y.on_date > $2::date AND y.step NOT IN " NO_STATE_STEPS "))) k"
                      " JOIN case_events e ON e.id = k.entry_id) t"
                      " WHERE ev_on < $2::date AND ev_state IN (SELECT json_array_elements_text($3::json))"
                      " ORDER BY id LIMIT $9::bigint",
                      11, v, "listing cases as they stood on a day", err);
    if (!r) return err ? err->code : JY_EDB;
    jy_case c;
    char state[24];
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        read_case(r, i, &c, 1);
        col_str(r, i, 25, state, sizeof state);
        if (fn(ctx, &c, state, col_day(r, i, 26))) break;
    }
    PQclear(r);
    return 0;
}

static int pq_event_insert(jy_store *st, jy_case_event *ev, const char *county, jy_err *err)
{
    char id[24], d[JY_DATE_BUFSZ];
    const char *v[9] = {county, i64(id, ev->case_id), ev->at, day(d, ev->on), ev->actor, ev->step,
                        ev->from_state, ev->to_state, ev->reason ? ev->reason : ""};
    PGresult *r = run(st, "INSERT INTO case_events(county, case_id, at, on_date, actor, step, from_state, to_state,"
                          " reason) VALUES ($1, $2::bigint, $3, $4::date, $5, $6, $7, $8, $9) RETURNING id",
                      9, v, "recording a case step", err);
    if (!r) return err ? err->code : JY_EDB;
    ev->id = col_i64(r, 0, 0);
    PQclear(r);
    return 0;
}

static int pq_events(jy_store *st, int64_t case_id, int (*fn)(void *ctx, const jy_case_event *e), void *ctx,
                     jy_err *err)
{
    char id[24];
    const char *v[1] = {i64(id, case_id)};
    PGresult *r = run(st, "SELECT " EVENT_COLS " FROM case_events WHERE case_id = $1::bigint ORDER BY id", 1, v,
                      "reading a case's history", err);
    if (!r) return err ? err->code : JY_EDB;
    jy_case_event e;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        memset(&e, 0, sizeof e);
        e.id = col_i64(r, i, 0);
        e.case_id = col_i64(r, i, 1);
        col_str(r, i, 2, e.at, sizeof e.at);
        e.on = col_day(r, i, 3);
        col_str(r, i, 4, e.actor, sizeof e.actor);
        col_str(r, i, 5, e.step, sizeof e.step);
        col_str(r, i, 6, e.from_state, sizeof e.from_state);
        col_str(r, i, 7, e.to_state, sizeof e.to_state);
        e.reason = txt(r, i, 8);
        if (fn(ctx, &e)) break;
    }
    PQclear(r);
    return 0;
}

/* ---------------------------------------------------------------- batch reads */

static int pq_case_history(jy_store *st, const char *ids_json, int (*fn)(void *ctx, const jy_case *c), void *ctx,
                           jy_err *err)
{
    const char *v[1] = {ids_json};
    PGresult *r = run(st, "SELECT " CASE_COLS_BRIEF " FROM cases WHERE person_id IN"
                          " (SELECT json_array_elements_text($1::json)::bigint) ORDER BY person_id, id",
                      1, v, "reading the persons' cases", err);
    if (!r) return err ? err->code : JY_EDB;
    return walk_cases(r, 0, fn, ctx);
}

static int pq_persons_by_idcards(jy_store *st, const char *idcards_json, int (*fn)(void *ctx, const jy_person *p),
                                 void *ctx, jy_err *err)
{
    const char *v[1] = {idcards_json};
    PGresult *r = run(st, "SELECT id, county, idcard, name, sex, birth, hukou_division, hukou_kind FROM persons"
                          " WHERE idcard IN (SELECT json_array_elements_text($1::json))",
                      1, v, "looking up the roster's persons", err);
    if (!r) return err ? err->code : JY_EDB;
    jy_person p;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        memset(&p, 0, sizeof p);
        p.id = col_i64(r, i, 0);
        col_str(r, i, 1, p.county, sizeof p.county);
        col_str(r, i, 2, p.idcard, sizeof p.idcard);
        col_str(r, i, 3, p.name, sizeof p.name);
        p.sex = txt(r, i, 4)[0];
        p.birth = col_day(r, i, 5);
        col_str(r, i, 6, p.hukou_division, sizeof p.hukou_division);
        if (jy_hukou_kind_parse(txt(r, i, 7), &p.hukou_kind) != 0) p.hukou_kind = JY_HUKOU_UNKNOWN;
        if (fn(ctx, &p)) break;
    }
    PQclear(r);
    return 0;
}

static int pq_statuses_of(jy_store *st, const char *ids_json, int (*fn)(void *ctx, const jy_person_status *ps),
                          void *ctx, jy_err *err)
{
    const char *v[1] = {ids_json};
    PGresult *r = run(st, "SELECT id, person_id, kind, since, until, detail FROM person_statuses WHERE person_id IN"
                          " (SELECT json_array_elements_text($1::json)::bigint) ORDER BY person_id, id",
                      1, v, "reading the roster's statuses", err);
    if (!r) return err ? err->code : JY_EDB;
    jy_person_status ps;
    for (int i = 0, n = PQntuples(r); i < n; i++) {
        memset(&ps, 0, sizeof ps);
        ps.id = col_i64(r, i, 0);
        ps.person_id = col_i64(r, i, 1);
        if (jy_status_kind_parse(txt(r, i, 2), &ps.kind) != 0) continue;
        ps.since = col_day(r, i, 3);
        ps.until = col_day(r, i, 4);
        col_str(r, i, 5, ps.detail, sizeof ps.detail);
        if (fn(ctx, &ps)) break;
    }
    PQclear(r);
    return 0;
}

const jy_case_ops jy_pg_case_ops = {
    .user_get = pq_user_get,
    .user_insert = pq_user_insert,
    .user_update = pq_user_update,
    .user_list = pq_user_list,
    .user_count = pq_user_count,
    .case_insert = pq_case_insert,
    .case_update = pq_case_update,
    .case_get = pq_case_get,
    .case_list = pq_case_list,
    .case_states_on = pq_case_states_on,
    .event_insert = pq_event_insert,
    .events = pq_events,
    .case_history = pq_case_history,
    .persons_by_idcards = pq_persons_by_idcards,
    .statuses_of = pq_statuses_of,
};
