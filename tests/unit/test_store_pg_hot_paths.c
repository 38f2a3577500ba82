/* Unit tests of the store paths the HTTP server runs on every request (issue 11's speed work),
 * on either backend (the name puts it in the PostgreSQL pass of `make test`):
 *   - a class's roster summary (one aggregate over the roster marks that the store writes with
 *     each trainee claim, migration 13) counts what the jansson walk counted: live trainees, exam
 *     results, certificates at the top level only, paid amounts, within the handle's scope; a
 *     trainee's facts changed by an update change the marks; migration 13 fills the marks of
 *     the claims written before it, with the same counts;
 *   - case lists whose SQL names only the filter's set fields return exactly the cases a walk of
 *     every case picks with the same filter (every field, limit and after_id);
 * and on SQLite only:
 *   - statements are prepared once per handle and kept, none is left mid-read after a call, and
 *     a list whose callback runs the same list again still works;
 *   - commits that change money or security rows sync the WAL, others do not;
 *   - writers of one process on one file queue on the writer gate: two threads with their own
 *     handles never fail, and a transaction may end on another thread than began it.
 *
 * Backend: PostgreSQL when JY_TEST_BACKEND=postgresql (JY_TEST_PG_URL names the test server),
 * else a fresh SQLite file per test (test_db.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <pthread.h>
#include <sqlite3.h>

#include "domain/idcard.h"
#include "service/class_app.h"
#include "store/store.h"
#include "store/auth_store.h"
#include "store/ledger_db.h"
#include "store/store_impl.h"
#include "test_db.h"

static int group_setup(void **state)
{
    (void)state;
    return test_db_setup("hot_paths");
}

static int group_teardown(void **state)
{
    (void)state;
    return test_db_teardown();
}

static int64_t put_case(jy_store *st, const char *county, const char *program, const char *kind, int64_t person,
                        int64_t org, int64_t parent, const char *state, int64_t amount, const char *facts)
{
    jy_case c;
    memset(&c, 0, sizeof c);
    snprintf(c.county, sizeof c.county, "%s", county);
    snprintf(c.program, sizeof c.program, "%s", program);
    snprintf(c.kind, sizeof c.kind, "%s", kind);
    c.person_id = person;
    c.org_id = org;
    c.parent_id = parent;
    c.year = 2024;
    c.filed_on = jy_date_from_ymd(2024, 5, 1);
    c.due_on = parent % 2 ? jy_date_from_ymd(2024, 6, (int)(1 + parent % 20)) : 0;
    snprintf(c.state, sizeof c.state, "%s", state);
    memcpy(c.decision, "eligible", 9);
    if (amount >= 0) c.has_amount = 1, c.amount = amount;
    c.facts = facts;
    jy_case_event ev;
    memset(&ev, 0, sizeof ev);
    memcpy(ev.step, "file", 5);
    ev.on = c.filed_on;
    ev.reason = "test";
    jy_err err = {0};
    if (jy_store_case_insert(st, &c, &ev, "tester", &err)) fail_msg("case: %s", err.msg);
    return c.id;
}

static json_t *roster_of(jy_store *st, int64_t cls_id)
{
    jy_case c;
    jy_sb text = JY_SB_INIT, out = JY_SB_INIT;
    jy_err err = {0};
    if (jy_store_case_get(st, cls_id, &c, &text, &err)) fail_msg("class: %s", err.msg);
    jy_sb_append(&out, "{\"x\":0");
    if (jy_class_roster_json(st, &c, &out, &err)) fail_msg("roster: %s", err.msg);
    jy_sb_append(&out, "}");
    json_t *j = json_loads(jy_sb_cstr(&out), 0, NULL);
    assert_non_null(j);
    json_t *r = json_incref(json_object_get(j, "roster"));
    json_decref(j);
    jy_sb_free(&text);
    jy_sb_free(&out);
    return r;
}

static long long num(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (!json_is_integer(v)) fail_msg("roster.%s missing", k);
    return (long long)json_integer_value(v);
}

static void roster_counts_what_the_full_parse_counted(void **state)
{
    (void)state;
    char url[600];
    jy_store *st = test_db_open_fresh(url, sizeof url);
    int64_t cls = put_case(st, "640522", "P1", "training_class", 0, 0, 0, "running", -1, "{\"planned_trainees\":9}");
    int64_t other = put_case(st, "640522", "P1", "training_class", 0, 0, 0, "running", -1, "{}");
    /* counted: */
    put_case(st, "640522", "P1", "trainee_claim", 0, 0, cls, "paid", 100000, "{\"exam\":\"pass\",\"certificate\":\"level5\"}");
    put_case(st, "640522", "P1", "trainee_claim", 0, 0, cls, "paid", 50000, "{\"exam\":\"fail\"}");
    put_case(st, "640522", "P1", "trainee_claim", 0, 0, cls, "recognised", -1, "{\"exam\":\"absent\",\"certificate\":null}");
    put_case(st, "640522", "P1", "trainee_claim", 0, 0, cls, "filed", -1,
             "{\"prior_trainings\":[{\"certificate\":\"x\",\"exam\":\"pass\"}],\"note\":\"\\\"exam\\\":\\\"pass\\\"\"}");
    put_case(st, "640522", "P1", "trainee_claim", 0, 0, cls, "paid", -1, "{\"ex\\u0061m\":\"pass\"}"); /* jansson path */
    put_case(st, "640522", "P1", "trainee_claim", 0, 0, cls, "filed", -1, "{\"exam\":\"\"}");
    put_case(st, "640523", "P1", "trainee_claim", 0, 0, cls, "filed", -1, "{\"exam\":\"pass\"}"); /* another county */
    /* not counted: */
    put_case(st, "640522", "P1", "trainee_claim", 0, 0, cls, "rejected", -1, "{\"exam\":\"pass\",\"certificate\":\"x\"}");
    put_case(st, "640522", "P1", "trainee_claim", 0, 0, cls, "withdrawn", -1, "{\"exam\":\"pass\"}");
    put_case(st, "640522", "P1", "trainee_claim", 0, 0, cls, "cancelled", -1, "{\"exam\":\"pass\"}");
    put_case(st, "640522", "P1", "individual_claim", 0, 0, cls, "paid", 7, "{\"exam\":\"pass\"}");
    put_case(st, "640522", "P1", "trainee_claim", 0, 0, other, "paid", 9, "{\"exam\":\"pass\"}");

    json_t *r = roster_of(st, cls);
    assert_int_equal(num(r, "planned"), 9);
    assert_int_equal(num(r, "trainees"), 7);
    assert_int_equal(num(r, "examined"), 5); /* pass, fail, escaped pass, "" and the other county's pass */
    assert_int_equal(num(r, "passed"), 3);
    assert_int_equal(num(r, "certificates"), 2); /* level5 and null; not the nested one */
    assert_int_equal(num(r, "claims_paid"), 3);
    assert_string_equal(json_string_value(json_object_get(r, "amount_paid")), "1500.00");
    json_decref(r);
    int n = 0;
    jy_err err = {0};
    assert_int_equal(jy_class_enrolled(st, cls, &n, &err), 0);
    assert_int_equal(n, 7);

    /* a handle scoped to 640522 does not see the trainee filed in 640523 */
    assert_int_equal(jy_store_set_scope(st, "640522", &err), 0);
    r = roster_of(st, cls);
    assert_int_equal(num(r, "trainees"), 6);
    assert_int_equal(num(r, "examined"), 4);
    json_decref(r);
    jy_store_close(st);
}

/* The exam recorded on a trainee's claim later (an update of its facts) moves the figures. */
static void roster_follows_updated_facts(void **state)
{
    (void)state;
    char url[600];
    jy_store *st = test_db_open_fresh(url, sizeof url);
    int64_t cls = put_case(st, "640522", "P1", "training_class", 0, 0, 0, "running", -1, "{}");
    int64_t t = put_case(st, "640522", "P1", "trainee_claim", 0, 0, cls, "filed", -1, "{\"level\":5}");
    json_t *r = roster_of(st, cls);
    assert_int_equal(num(r, "examined"), 0);
    assert_int_equal(num(r, "certificates"), 0);
    json_decref(r);
    jy_case c;
    jy_sb text = JY_SB_INIT;
    jy_err err = {0};
    assert_int_equal(jy_store_case_get(st, t, &c, &text, &err), 0);
    c.facts = "{\"level\":5,\"exam\":\"pass\",\"certificate\":\"level5\"}";
    jy_case_event ev;
    memset(&ev, 0, sizeof ev);
    memcpy(ev.step, "record", 7);
    ev.on = c.filed_on;
    ev.reason = "test";
    assert_int_equal(jy_store_case_update(st, &c, "filed", &ev, "tester", &err), 0);
    jy_sb_free(&text);
    r = roster_of(st, cls);
    assert_int_equal(num(r, "examined"), 1);
    assert_int_equal(num(r, "passed"), 1);
    assert_int_equal(num(r, "certificates"), 1);
    json_decref(r);
    jy_store_close(st);
}

/* Migration 13 fills the roster marks of the trainee claims written before it: the columns and
 * the migration's row are taken away (the database as it was at version 12 plus the claims),
 * and opening the store again runs the migration. */
static void migration_13_fills_the_roster_marks(void **state)
{
    (void)state;
    char url[600];
    jy_store *st = test_db_open_fresh(url, sizeof url);
    int64_t cls = put_case(st, "640522", "P1", "training_class", 0, 0, 0, "running", -1, "{}");
    put_case(st, "640522", "P1", "trainee_claim", 0, 0, cls, "paid", 100000, "{\"exam\":\"pass\",\"certificate\":\"level5\"}");
    put_case(st, "640522", "P1", "trainee_claim", 0, 0, cls, "filed", -1, "{\"exam\":\"absent\",\"certificate\":null}");
    put_case(st, "640522", "P1", "trainee_claim", 0, 0, cls, "filed", -1, "{\"exam\":\"fail\",\"x\":{\"certificate\":1}}");
    put_case(st, "640522", "P1", "trainee_claim", 0, 0, cls, "filed", -1, "{\"ex\\u0061m\":\"pass\"}");
    put_case(st, "640522", "P1", "trainee_claim", 0, 0, cls, "filed", -1, "{\"exam\":5}");
    put_case(st, "640522", "P1", "trainee_claim", 0, 0, cls, "filed", -1, "not json"); /* neither, as in C */
    json_t *before = roster_of(st, cls);
    jy_err err = {0};
    /* migrations 16 (organisations' statuses), 15 (fact vectors) and 14 (the case counters) go too,
     * so that 13 to 16 run again in order */
    int pg = strcmp(jy_store_backend(st), "postgresql") == 0;
    static const char *const undo14_sqlite[] = {"DROP TRIGGER case_counters_insert", "DROP TRIGGER case_counters_update",
                                                "DROP TRIGGER case_counters_delete", "DROP TRIGGER case_counters_class",
                                                "DROP TABLE case_counters", "DROP TRIGGER cases_fact_vec_stale"};
    static const char *const undo14_pg[] = {"DROP TRIGGER case_counters_insert ON cases",
                                            "DROP TRIGGER case_counters_update ON cases",
                                            "DROP TRIGGER case_counters_delete ON cases", "DROP FUNCTION jy_case_counters()",
                                            "DROP TABLE case_counters", "DROP FUNCTION jy_jsonb_or_null(text)",
                                            "DROP TRIGGER cases_fact_vec_stale ON cases", /* migration 15's */
                                            "DROP FUNCTION jy_cases_fact_vec_stale()"};
    for (size_t i = 0; i < (pg ? sizeof undo14_pg / sizeof *undo14_pg : sizeof undo14_sqlite / sizeof *undo14_sqlite); i++)
        if (jl_run(st, pg ? undo14_pg[i] : undo14_sqlite[i], NULL, 0, NULL, NULL, NULL, "going back to version 13", &err))
            fail_msg("%s", err.msg);
    static const char *const undo[] = {"DROP TABLE org_statuses", "DELETE FROM schema_migrations WHERE version = 16",
                                       "ALTER TABLE cases DROP COLUMN fact_vec", /* migration 15 */
                                       "DELETE FROM schema_migrations WHERE version = 15", "DROP INDEX cases_due", "DROP INDEX cases_county_state", "DROP INDEX cases_county_id",
                                       "DROP INDEX case_events_object", "DELETE FROM schema_migrations WHERE version = 14",
                                       "DROP INDEX cases_roster", "ALTER TABLE cases DROP COLUMN roster_exam",
                                       "ALTER TABLE cases DROP COLUMN roster_cert",
                                       "DELETE FROM schema_migrations WHERE version = 13"};
    for (size_t i = 0; i < sizeof undo / sizeof *undo; i++)
        if (jl_run(st, undo[i], NULL, 0, NULL, NULL, NULL, "going back to version 12", &err)) fail_msg("%s", err.msg);
    jy_store_close(st);
    st = test_db_open(url);
    int v = 0;
    assert_int_equal(jy_store_schema_version(st, &v, &err), 0);
    assert_int_equal(v, JY_STORE_SCHEMA_VERSION);
    json_t *after = roster_of(st, cls);
    assert_int_equal(num(before, "trainees"), 6);
    assert_int_equal(num(before, "examined"), 3); /* pass, fail, escaped pass */
    assert_int_equal(num(before, "passed"), 2);
    assert_int_equal(num(before, "certificates"), 2);
    if (!json_equal(before, after)) {
        char *a = json_dumps(before, JSON_COMPACT), *b = json_dumps(after, JSON_COMPACT);
        fail_msg("before %s, after the migration %s", a, b);
    }
    json_decref(before);
    json_decref(after);
    jy_store_close(st);
}

/* ---------------------------------------------------------------- case lists */

typedef struct collected {
    int64_t ids[256];
    int n;
} collected;

static int collect(void *ctx, const jy_case *c)
{
    collected *k = ctx;
    if (k->n < 256) k->ids[k->n++] = c->id;
    return 0;
}

typedef struct walk_all {
    jy_case c[256];
    int n;
} walk_all;

static int keep_all(void *ctx, const jy_case *c)
{
    walk_all *w = ctx;
    if (w->n < 256) {
        w->c[w->n] = *c;
        w->c[w->n].facts = w->c[w->n].reasons = w->c[w->n].conflicts = NULL;
        w->n++;
    }
    return 0;
}

static int picks(const jy_case *c, const jy_case_filter *f)
{
    if (c->id <= f->after_id) return 0;
    if (f->program && strcmp(c->program, f->program) != 0) return 0;
    if (f->state && strcmp(c->state, f->state) != 0) return 0;
    if (f->kind && strcmp(c->kind, f->kind) != 0) return 0;
    if (f->person_id && c->person_id != f->person_id) return 0;
    if (f->org_id && c->org_id != f->org_id) return 0;
    if (f->parent_id && c->parent_id != f->parent_id) return 0;
    if (f->due_before && !(c->due_on && c->due_on < f->due_before)) return 0;
    if (f->county && *f->county && strncmp(c->county, f->county, strlen(f->county)) != 0) return 0;
    return 1;
}

static void case_lists_pick_what_a_full_walk_picks(void **state)
{
    (void)state;
    char url[600];
    jy_store *st = test_db_open_fresh(url, sizeof url);
    jy_err err = {0};
    /* persons and organisations for the foreign keys */
    int64_t persons[3], orgs[2];
    for (int i = 0; i < 3; i++) {
        jy_person p;
        memset(&p, 0, sizeof p);
        snprintf(p.county, sizeof p.county, "640522");
        snprintf(p.idcard, sizeof p.idcard, "64052219900101%03d", i + 1);
        p.idcard[17] = jy_idcard_check_char(p.idcard);
        snprintf(p.name, sizeof p.name, "人%d", i);
        p.sex = 'M';
        p.birth = jy_date_from_ymd(1990, 1, 1);
        snprintf(p.hukou_division, sizeof p.hukou_division, "640522100");
        if (jy_store_person_put(st, &p, "tester", NULL, &err)) fail_msg("person: %s", err.msg);
        persons[i] = p.id;
    }
    for (int i = 0; i < 2; i++) {
        jy_org o;
        memset(&o, 0, sizeof o);
        snprintf(o.county, sizeof o.county, "640522");
        snprintf(o.uscc, sizeof o.uscc, "%s", i ? "91640522MA76B2LC3F" : "91640522MA76B2LC2H");
        snprintf(o.name, sizeof o.name, "单位%d", i);
        snprintf(o.division, sizeof o.division, "640522100");
        if (jy_store_org_put(st, &o, "tester", NULL, &err)) fail_msg("org: %s", err.msg);
        orgs[i] = o.id;
    }
    static const char *const programs[] = {"P1", "P2", "P25"}, *const states[] = {"filed", "paid", "closed"},
                             *const kinds[] = {"individual_claim", "trainee_claim"},
                             *const counties[] = {"640522", "640521", "640302"};
    int64_t parent = 0;
    for (int i = 0; i < 40; i++) {
        int64_t id = put_case(st, counties[i % 3], programs[i % 3], kinds[(i / 3) % 2], i % 4 ? persons[i % 3] : 0,
                              i % 5 ? orgs[i % 2] : 0, i % 3 == 1 ? parent : 0, states[(i / 2) % 3], -1, "{}");
        if (i % 7 == 0) parent = id;
    }
    walk_all all = {0};
    jy_case_filter none = {0};
    assert_int_equal(jy_store_case_list(st, &none, keep_all, &all, &err), 0);
    assert_int_equal(all.n, 40);
    jy_case_filter filters[] = {
        {.program = "P2"},
        {.state = "paid", .kind = "trainee_claim"},
        {.person_id = persons[1]},
        {.org_id = orgs[0], .program = "P1"},
        {.parent_id = all.c[7].id},
        {.parent_id = all.c[0].id, .kind = "individual_claim"},
        {.due_before = jy_date_from_ymd(2024, 6, 10)},
        {.county = "640522"},
        {.county = "6405", .state = "filed"},
        {.county = "64"},
        {.after_id = all.c[10].id, .limit = 5},
        {.after_id = all.c[3].id, .program = "P25", .limit = 2},
        {.person_id = persons[0], .org_id = orgs[1], .state = "closed", .county = "640302"},
    };
    for (size_t f = 0; f < sizeof filters / sizeof filters[0]; f++) {
        collected got = {0};
        assert_int_equal(jy_store_case_list(st, &filters[f], collect, &got, &err), 0);
        collected want = {0};
        for (int i = 0; i < all.n; i++)
            if (picks(&all.c[i], &filters[f]) && (filters[f].limit == 0 || want.n < filters[f].limit))
                want.ids[want.n++] = all.c[i].id;
        if (got.n != want.n) fail_msg("filter %zu: %d cases, expected %d", f, got.n, want.n);
        for (int i = 0; i < got.n; i++)
            if (got.ids[i] != want.ids[i]) fail_msg("filter %zu: case %d is %lld, expected %lld", f, i,
                                                    (long long)got.ids[i], (long long)want.ids[i]);
    }
    jy_store_close(st);
}

/* ---------------------------------------------------------------- SQLite only */

typedef struct nested {
    jy_store *st;
    int outer, inner, depth;
} nested;

static int count_inner(void *ctx, const jy_case *c)
{
    (void)c;
    ((nested *)ctx)->inner++;
    return 0;
}

static int run_again(void *ctx, const jy_case *c)
{
    (void)c;
    nested *k = ctx;
    k->outer++;
    jy_case_filter f = {.kind = "trainee_claim"};
    jy_err err = {0};
    if (jy_store_case_list(k->st, &f, count_inner, k, &err)) fail_msg("inner list: %s", err.msg);
    return 0;
}

static int busy_statements(jy_store *st, int *total)
{
    sqlite3 *db = jy_store_sqlite_db(st);
    int busy = 0, n = 0;
    for (sqlite3_stmt *s = sqlite3_next_stmt(db, NULL); s; s = sqlite3_next_stmt(db, s)) {
        n++;
        if (sqlite3_stmt_busy(s)) busy++;
    }
    if (total) *total = n;
    return busy;
}

static void statements_are_kept_reset_and_reentrant(void **state)
{
    (void)state;
    if (test_db.use_pg) skip();
    char url[600];
    jy_store *st = test_db_open_new(url, sizeof url, 0);
    int64_t cls = put_case(st, "640522", "P1", "training_class", 0, 0, 0, "running", -1, "{}");
    for (int i = 0; i < 3; i++) put_case(st, "640522", "P1", "trainee_claim", 0, 0, cls, "filed", -1, "{\"exam\":\"pass\"}");
    json_decref(roster_of(st, cls));
    int before = 0, after = 0;
    assert_int_equal(busy_statements(st, &before), 0);
    for (int i = 0; i < 50; i++) json_decref(roster_of(st, cls));
    assert_int_equal(busy_statements(st, &after), 0); /* every read ended: no read transaction held */
    assert_int_equal(after, before);                  /* and nothing prepared again */
    assert_int_not_equal(sqlite3_get_autocommit(jy_store_sqlite_db(st)), 0);

    /* a list whose callback runs the same list: the inner one gets its own statement */
    nested k = {st, 0, 0, 0};
    jy_case_filter f = {.kind = "trainee_claim"};
    jy_err err = {0};
    assert_int_equal(jy_store_case_list(st, &f, run_again, &k, &err), 0);
    assert_int_equal(k.outer, 3);
    assert_int_equal(k.inner, 9);
    assert_int_equal(busy_statements(st, NULL), 0);
    jy_store_close(st);
}

/* The handle's read cache (store_rcache.c) answers a session or a class's summary again only
 * while nothing was committed anywhere: a commit through another handle (another server worker,
 * another process, a command) or through the handle itself is seen on the very next read. With
 * a cache that trusted a time instead (a TTL), the logout below would still find the session.
 * On PostgreSQL nothing is cached and the same reads must hold. */
static void read_cache_follows_every_commit(void **state)
{
    (void)state;
    char url[600];
    jy_store *st = test_db_open_fresh(url, sizeof url);
    jy_store *other = NULL;
    jy_err err = {0};
    if (jy_store_open(url, &other, &err)) fail_msg("second handle: %s", err.msg);
    int sqlite = strcmp(jy_store_backend(st), "sqlite") == 0;

    /* a class's summary */
    int64_t cls = put_case(st, "640522", "P1", "training_class", 0, 0, 0, "running", -1, "{}");
    put_case(st, "640522", "P1", "trainee_claim", 0, 0, cls, "filed", -1, "{}");
    int n = 0;
    assert_int_equal(jy_class_enrolled(st, cls, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_int_equal(jy_class_enrolled(st, cls, &n, &err), 0);
    assert_int_equal(n, 1);
    long long hits[3], misses[3];
    int result0 = 0;
    jy_rcache_stats(st, hits, misses);
    if (sqlite) assert_true(hits[1] >= 1); /* the second read was the cache's */
    put_case(other, "640522", "P1", "trainee_claim", 0, 0, cls, "filed", -1, "{}"); /* elsewhere */
    assert_int_equal(jy_class_enrolled(st, cls, &n, &err), 0);
    assert_int_equal(n, 2);
    put_case(st, "640522", "P1", "trainee_claim", 0, 0, cls, "filed", -1, "{}"); /* this handle */
    assert_int_equal(jy_class_enrolled(st, cls, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(jy_store_set_scope(st, "640523", &err), 0); /* another scope: its own entry */
    assert_int_equal(jy_class_enrolled(st, cls, &n, &err), 0);
    assert_int_equal(n, 0);
    assert_int_equal(jy_store_set_scope(st, "", &err), 0);

    /* an organisation by id (a case's page reads it for the township check): a change through
     * the other handle is seen at once, and the handle's scope applies to a cached row too */
    jy_org o, got;
    memset(&o, 0, sizeof o);
    snprintf(o.uscc, sizeof o.uscc, "91640522MA76B2LC3F");
    snprintf(o.name, sizeof o.name, "cache org");
    snprintf(o.division, sizeof o.division, "640522100");
    o.kinds = JY_ORG_EMPLOYER;
    snprintf(o.county, sizeof o.county, "640522");
    if (jy_store_org_put(st, &o, "tester", &result0, &err)) fail_msg("org: %s", err.msg);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(jy_store_org_get(st, o.id, &got, &err), 0);
        assert_string_equal(got.division, "640522100");
    }
    jy_rcache_stats(st, hits, misses);
    if (sqlite) assert_true(hits[2] >= 2);
    snprintf(o.division, sizeof o.division, "640522101");
    if (jy_store_org_put(other, &o, "tester", &result0, &err)) fail_msg("org update: %s", err.msg);
    assert_int_equal(jy_store_org_get(st, o.id, &got, &err), 0);
    assert_string_equal(got.division, "640522101");
    assert_int_equal(jy_store_set_scope(st, "640523", &err), 0);
    assert_int_equal(jy_store_org_get(st, o.id, &got, &err), JY_ENOTFOUND);
    assert_int_equal(jy_store_set_scope(st, "640522", &err), 0);
    assert_int_equal(jy_store_org_get(st, o.id, &got, &err), 0);
    assert_string_equal(got.division, "640522101");
    assert_int_equal(jy_store_set_scope(st, "", &err), 0);

    /* a session, ended through the other handle */
    jy_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "cache-user");
    snprintf(u.role, sizeof u.role, "county_reviewer");
    snprintf(u.area, sizeof u.area, "640522");
    int result = 0;
    if (jy_store_user_put(st, &u, "tester", &result, &err)) fail_msg("user: %s", err.msg);
    jy_session s;
    memset(&s, 0, sizeof s);
    s.user_id = u.id;
    memset(s.token_hash, 'a', 64);
    memset(s.csrf_hash, 'b', 64);
    s.created_at = s.last_seen = 1700000000;
    s.second_factor_done = 1;
    jy_auth_event ev = {.user = "cache-user", .address = "127.0.0.1", .outcome = "ok", .at = 1700000000};
    if (jy_store_session_open(st, &s, "login", &ev, &err)) fail_msg("session: %s", err.msg);
    jy_session_view v;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(jy_store_session_find(st, s.token_hash, &v, &err), 0);
        assert_int_equal(v.s.id, s.id);
        assert_string_equal(v.a.user.name, "cache-user");
    }
    jy_rcache_stats(st, hits, misses);
    if (sqlite) assert_true(hits[0] >= 2);
    /* touched through this handle: the next read shows the new last_seen */
    assert_int_equal(jy_store_session_touch(st, s.id, 1700000100, &err), 0);
    assert_int_equal(jy_store_session_find(st, s.token_hash, &v, &err), 0);
    assert_int_equal(v.s.last_seen, 1700000100);
    /* one request's lookups (jy_store_request_epoch, as the server brackets each request): the
     * session, then an organisation, on one data-version read; logged out elsewhere meanwhile,
     * the session is gone for the next request (which reads the version afresh) */
    jy_store_request_epoch(st, 1);
    assert_int_equal(jy_store_session_find(st, s.token_hash, &v, &err), 0);
    assert_int_equal(jy_store_org_get(st, o.id, &got, &err), 0);
    if (jy_store_session_end(other, s.id, u.id, "logout", &ev, &err)) fail_msg("end: %s", err.msg);
    jy_store_request_epoch(st, 0);
    jy_store_request_epoch(st, 1);
    assert_int_equal(jy_store_session_find(st, s.token_hash, &v, &err), JY_ENOTFOUND);
    jy_store_request_epoch(st, 0);
    /* and outside requests every lookup reads it */
    assert_int_equal(jy_store_session_find(st, s.token_hash, &v, &err), JY_ENOTFOUND);
    jy_store_close(other);
    jy_store_close(st);
}

/* While a reader keeps the WAL from restarting (a server always has one), the background
 * checkpointer is woken once per 1,000 pages written past the threshold, not at every commit
 * (which made a checkpoint, with its two fdatasyncs, every few filings). */
static void checkpointer_woken_per_thousand_pages(void **state)
{
    (void)state;
    if (test_db.use_pg) skip();
    char url[600];
    jy_store *st = test_db_open_new(url, sizeof url, 0);
    jy_store *reader = test_db_open(url);
    sqlite3 *rdb = jy_store_sqlite_db(reader);
    put_case(st, "640522", "P1", "individual_claim", 0, 0, 0, "filed", -1, "{}");
    assert_int_equal(sqlite3_exec(rdb, "BEGIN; SELECT count(*) FROM cases", NULL, NULL, NULL), SQLITE_OK);
    int64_t s0 = jy_store_sqlite_checkpoint_signals(st);
    /* write, one case a commit, until the WAL passes 1,000 pages and the checkpointer is woken */
    for (int commits = 0; commits < 5000 && jy_store_sqlite_checkpoint_signals(st) == s0; commits++)
        put_case(st, "640522", "P1", "individual_claim", 0, 0, 0, "filed", -1, "{\"note\":\"a filing\"}");
    int64_t first = jy_store_sqlite_checkpoint_signals(st);
    assert_true(first > s0); /* the threshold was passed: woken */
    /* 50 more commits (~400 pages): not woken again */
    for (int i = 0; i < 50; i++) put_case(st, "640522", "P1", "individual_claim", 0, 0, 0, "filed", -1, "{}");
    assert_int_equal(jy_store_sqlite_checkpoint_signals(st), first);
    assert_int_equal(sqlite3_exec(rdb, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    jy_store_close(reader);
    jy_store_close(st);
}

static void money_and_security_commits_sync_the_wal(void **state)
{
    (void)state;
    if (test_db.use_pg) skip();
    char url[600];
    jy_store *st = test_db_open_new(url, sizeof url, 0);
    sqlite3 *db = jy_store_sqlite_db(st);
    jy_err err = {0};
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE pay_probe(x); CREATE TABLE note_probe(x)", NULL, NULL, NULL), SQLITE_OK);
    int64_t s0 = jy_store_sqlite_durable_syncs(st);
    /* a case filing: no sync */
    put_case(st, "640522", "P1", "individual_claim", 0, 0, 0, "filed", -1, "{}");
    assert_int_equal(jy_store_sqlite_durable_syncs(st), s0);
    assert_int_equal(jy_store_begin(st, &err), 0);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO note_probe VALUES (1)", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(jy_store_commit(st, &err), 0);
    assert_int_equal(jy_store_sqlite_durable_syncs(st), s0);
    /* a change of a pay_ table: synced */
    assert_int_equal(jy_store_begin(st, &err), 0);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO pay_probe VALUES (1)", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(jy_store_commit(st, &err), 0);
    assert_int_equal(jy_store_sqlite_durable_syncs(st), s0 + 1);
    /* rolled back: nothing to sync, and the next plain commit does not sync either */
    assert_int_equal(jy_store_begin(st, &err), 0);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO pay_probe VALUES (2)", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(jy_store_rollback(st, &err), 0);
    assert_int_equal(jy_store_begin(st, &err), 0);
    assert_int_equal(sqlite3_exec(db, "INSERT INTO note_probe VALUES (2)", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(jy_store_commit(st, &err), 0);
    assert_int_equal(jy_store_sqlite_durable_syncs(st), s0 + 1);
    /* ending a session (logout) and changing a credential: synced */
    assert_int_equal(jy_store_begin(st, &err), 0);
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO users(name, role, area, display, created_at) VALUES ('u', 'county_clerk',"
                                  " '640522', 'u', 'now');"
                                  "INSERT INTO sessions(user_id, token_hash, csrf_hash, created_at, last_seen, address)"
                                  " SELECT id, printf('%064d', 7), printf('%064d', 8), 0, 0, '' FROM users WHERE name = 'u'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(jy_store_commit(st, &err), 0);
    assert_int_equal(jy_store_sqlite_durable_syncs(st), s0 + 1); /* a new session is not */
    assert_int_equal(jy_store_begin(st, &err), 0);
    assert_int_equal(sqlite3_exec(db, "DELETE FROM sessions WHERE token_hash = printf('%064d', 7)", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(jy_store_commit(st, &err), 0);
    assert_int_equal(jy_store_sqlite_durable_syncs(st), s0 + 2);
    jy_store_close(st);
}

typedef struct writer {
    const char *url;
    int id, failures;
    char msg[600];
} writer;

static void *write_many(void *arg)
{
    writer *w = arg;
    jy_store *st = NULL;
    jy_err err = {0};
    if (jy_store_open(w->url, &st, &err)) {
        w->failures++;
        snprintf(w->msg, sizeof w->msg, "%s", err.msg);
        return NULL;
    }
    sqlite3 *db = jy_store_sqlite_db(st);
    for (int i = 0; i < 200; i++) {
        if (jy_store_begin(st, &err)) {
            w->failures++;
            snprintf(w->msg, sizeof w->msg, "%s", err.msg);
            continue;
        }
        char sql[96];
        snprintf(sql, sizeof sql, "INSERT INTO note_probe VALUES (%d)", w->id * 1000 + i);
        if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) w->failures++;
        if (jy_store_commit(st, &err)) w->failures++;
    }
    jy_store_close(st);
    return NULL;
}

typedef struct handoff {
    jy_store *st;
    int rc;
} handoff;

static void *commit_elsewhere(void *arg)
{
    handoff *h = arg;
    jy_err err = {0};
    h->rc = jy_store_commit(h->st, &err);
    return NULL;
}

static void writers_of_one_process_queue(void **state)
{
    (void)state;
    if (test_db.use_pg) skip();
    char url[600];
    jy_store *st = test_db_open_new(url, sizeof url, 0);
    assert_int_equal(sqlite3_exec(jy_store_sqlite_db(st), "CREATE TABLE note_probe(x)", NULL, NULL, NULL), SQLITE_OK);
    writer w[3] = {{url, 1, 0, ""}, {url, 2, 0, ""}, {url, 3, 0, ""}};
    pthread_t t[3];
    for (int i = 0; i < 3; i++) assert_int_equal(pthread_create(&t[i], NULL, write_many, &w[i]), 0);
    for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < 3; i++)
        if (w[i].failures) fail_msg("writer %d: %d failures (%s)", i, w[i].failures, w[i].msg);
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_prepare_v2(jy_store_sqlite_db(st), "SELECT count(*) FROM note_probe", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 600);
    sqlite3_finalize(s);

    /* begun here, committed on another thread: the gate opens for the next writer */
    jy_err err = {0};
    assert_int_equal(jy_store_begin(st, &err), 0);
    handoff h = {st, -1};
    pthread_t c;
    assert_int_equal(pthread_create(&c, NULL, commit_elsewhere, &h), 0);
    pthread_join(c, NULL);
    assert_int_equal(h.rc, 0);
    writer again = {url, 4, 0, ""};
    write_many(&again);
    assert_int_equal(again.failures, 0);
    jy_store_close(st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roster_counts_what_the_full_parse_counted),
        cmocka_unit_test(roster_follows_updated_facts),
        cmocka_unit_test(read_cache_follows_every_commit),
        cmocka_unit_test(migration_13_fills_the_roster_marks),
        cmocka_unit_test(case_lists_pick_what_a_full_walk_picks),
        cmocka_unit_test(statements_are_kept_reset_and_reentrant),
        cmocka_unit_test(checkpointer_woken_per_thousand_pages),
        cmocka_unit_test(money_and_security_commits_sync_the_wal),
        cmocka_unit_test(writers_of_one_process_queue),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
