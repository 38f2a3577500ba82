/* Unit tests of the store (store.h) on its SQLite backend: migrations, round-trips of every
 * field, idempotent puts, statuses and licences, transactions and their rollback (record and
 * audit entry alike), list filters, and the audit chain's verification after tampering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "domain/idcard.h"
#include "store/store.h"
#include "store/store_impl.h" /* JY_STORE_SCHEMA_VERSION */
#include "test_db.h"

/* A fresh SQLite database for each test (test_db.h); its path goes to path. */
static jy_store *open_fresh(char *path, size_t n)
{
    return test_db_open_new(path, n, 0);
}

/* A valid ID number: division + birth + sequence, with its check character. */
static void make_idcard(char out[19], const char *div, const char *ymd, int seq)
{
    char first[24];
    snprintf(first, sizeof first, "%.6s%.8s%03d", div, ymd, seq % 1000);
    memcpy(out, first, 17);
    out[17] = jy_idcard_check_char(first);
    out[18] = '\0';
}

static void sample_person(jy_person *p, int seq)
{
    memset(p, 0, sizeof *p);
    make_idcard(p->idcard, "640522", "19900307", seq);
    snprintf(p->name, sizeof p->name, "马%s", seq % 2 ? "小军" : "玉兰");
    snprintf(p->ethnicity, sizeof p->ethnicity, "回族");
    snprintf(p->education, sizeof p->education, "高中");
    snprintf(p->hukou_division, sizeof p->hukou_division, "640522105");
    p->hukou_kind = JY_HUKOU_RURAL;
    snprintf(p->phone, sizeof p->phone, "13995%06d", seq);
    snprintf(p->address, sizeof p->address, "海原县七营镇张堡村%d号", seq);
}

static int64_t audit_count(jy_store *st)
{
    jy_store_counts c;
    jy_err err;
    assert_int_equal(jy_store_counts_get(st, &c, &err), 0);
    return c.audit_entries;
}

static void verify_ok(jy_store *st, int64_t want_entries)
{
    jy_err err = {0};
    int64_t n = -1;
    int rc = jy_store_audit_verify(st, &n, &err);
    if (rc != 0) fail_msg("audit verify: %s", err.msg);
    assert_int_equal(n, want_entries);
}

static void migration_from_empty_file_and_reopen(void **state)
{
    (void)state;
    char path[600];
    jy_err err = {0};
    jy_store *st = open_fresh(path, sizeof path);
    int v = 0;
    assert_int_equal(jy_store_schema_version(st, &v, &err), 0);
    assert_int_equal(v, JY_STORE_SCHEMA_VERSION);
    assert_string_equal(jy_store_backend(st), "sqlite");
    jy_store_close(st);

    /* re-open: already at the newest version, nothing re-applied */
    st = NULL;
    assert_int_equal(jy_store_open(path, &st, &err), 0);
    assert_int_equal(jy_store_schema_version(st, &v, &err), 0);
    assert_int_equal(v, JY_STORE_SCHEMA_VERSION);
    jy_store_close(st);
    sqlite3 *db;
    sqlite3_stmt *s;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    /* each migration recorded once, the newest last (numbers are taken by branches, issue 13:
     * a branch may hold 11 before another's 10 is merged, so the count is not the version) */
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) - count(DISTINCT version), max(version) FROM schema_migrations",
                                        -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 0), 0);
    assert_int_equal(sqlite3_column_int(s, 1), JY_STORE_SCHEMA_VERSION);
    sqlite3_finalize(s);
    /* WAL mode stuck to the file */
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
    sqlite3_finalize(s);
    /* a database from a newer jiuye is refused with a clear message */
    assert_int_equal(sqlite3_exec(db, "INSERT INTO schema_migrations VALUES (99, 'future', 'x')", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    st = NULL;
    assert_int_not_equal(jy_store_open(path, &st, &err), 0);
    assert_null(st);
    assert_non_null(strstr(err.msg, "newer"));
}

static void person_round_trip_every_field(void **state)
{
    (void)state;
    char path[600];
    jy_err err = {0};
    jy_store *st = open_fresh(path, sizeof path);
    jy_person p, got;
    sample_person(&p, 7);
    p.idcard[17] = p.idcard[17] == 'X' ? 'x' : p.idcard[17]; /* lower-case x is normalised */
    int result = 0;
    if (jy_store_person_put(st, &p, "tester", &result, &err)) fail_msg("%s", err.msg);
    assert_int_equal(result, JY_PUT_CREATED);
    assert_true(p.id > 0);
    assert_string_equal(p.county, "640522");
    assert_int_equal(p.sex, 'M'); /* 17th digit 7: odd */
    assert_int_equal(p.birth, jy_date_from_ymd(1990, 3, 7));

    assert_int_equal(jy_store_person_get(st, p.id, &got, &err), 0);
    assert_memory_equal(&got.id, &p.id, sizeof p.id);
    assert_string_equal(got.idcard, p.idcard);
    assert_string_equal(got.name, p.name);
    assert_int_equal(got.sex, p.sex);
    assert_string_equal(got.ethnicity, "回族");
    assert_string_equal(got.education, "高中");
    assert_int_equal(got.birth, p.birth);
    assert_string_equal(got.hukou_division, "640522105");
    assert_int_equal(got.hukou_kind, JY_HUKOU_RURAL);
    assert_string_equal(got.county, "640522");
    assert_string_equal(got.phone, p.phone);
    assert_string_equal(got.address, p.address);

    memset(&got, 0, sizeof got);
    assert_int_equal(jy_store_person_get_by_idcard(st, p.idcard, &got, &err), 0);
    assert_true(got.id == p.id);
    assert_int_equal(jy_store_person_get(st, 999, &got, &err), JY_ENOTFOUND);
    assert_int_equal(jy_store_person_get_by_idcard(st, "640522199003070000", &got, &err), JY_ENOTFOUND);
    assert_int_equal(audit_count(st), 1);
    verify_ok(st, 1);
    jy_store_close(st);
}

typedef struct seen_entry {
    int n;
    char before[1024], after[1024], actor[64], action[32];
} seen_entry;

static int see_entry(void *ctx, const jy_audit_entry *e)
{
    seen_entry *s = ctx;
    s->n++;
    snprintf(s->before, sizeof s->before, "%s", e->before_json ? e->before_json : "");
    snprintf(s->after, sizeof s->after, "%s", e->after_json ? e->after_json : "");
    snprintf(s->actor, sizeof s->actor, "%s", e->actor);
    snprintf(s->action, sizeof s->action, "%s", e->action);
    return 0;
}

static void reput_identical_is_unchanged_and_update_is_audited(void **state)
{
    (void)state;
    char path[600];
    jy_err err = {0};
    jy_store *st = open_fresh(path, sizeof path);
    jy_person p;
    sample_person(&p, 11);
    int result = 0;
    assert_int_equal(jy_store_person_put(st, &p, "a", &result, &err), 0);
    int64_t id = p.id;
    sample_person(&p, 11);
    assert_int_equal(jy_store_person_put(st, &p, "a", &result, &err), 0);
    assert_int_equal(result, JY_PUT_UNCHANGED);
    assert_true(p.id == id);
    assert_int_equal(audit_count(st), 1);

    snprintf(p.phone, sizeof p.phone, "18009550000");
    assert_int_equal(jy_store_person_put(st, &p, "b", &result, &err), 0);
    assert_int_equal(result, JY_PUT_UPDATED);
    assert_true(p.id == id);
    assert_int_equal(audit_count(st), 2);

    /* the update's entry records before and after */
    seen_entry seen = {0};
    assert_int_equal(jy_store_audit_list(st, 1, 0, see_entry, &seen, &err), 0);
    assert_int_equal(seen.n, 1);
    assert_string_equal(seen.action, "update");
    assert_string_equal(seen.actor, "b");
    assert_non_null(strstr(seen.before, "13995000011"));
    assert_non_null(strstr(seen.after, "18009550000"));
    verify_ok(st, 2);
    jy_store_close(st);
}

static void statuses_round_trip_and_dedupe(void **state)
{
    (void)state;
    char path[600];
    jy_err err = {0};
    jy_store *st = open_fresh(path, sizeof path);
    jy_person p;
    sample_person(&p, 3);
    assert_int_equal(jy_store_person_put(st, &p, "a", NULL, &err), 0);
    jy_person_status s1 = {.kind = JY_ST_DISABILITY, .since = jy_date_from_ymd(2015, 6, 1)};
    snprintf(s1.detail, sizeof s1.detail, "2");
    jy_person_status s2 = {.kind = JY_ST_GRADUATE, .since = jy_date_from_ymd(2023, 7, 1),
                           .until = jy_date_from_ymd(2025, 6, 30)};
    snprintf(s2.detail, sizeof s2.detail, "2023");
    jy_person_status s3 = {.kind = JY_ST_REGISTERED_UNEMPLOYED}; /* since unknown */
    assert_int_equal(jy_store_person_status_add(st, p.id, &s1, "a", &err), 0);
    assert_int_equal(jy_store_person_status_add(st, p.id, &s2, "a", &err), 0);
    assert_int_equal(jy_store_person_status_add(st, p.id, &s3, "a", &err), 0);
    jy_person_status again = s1;
    again.id = 0;
    assert_int_equal(jy_store_person_status_add(st, p.id, &again, "a", &err), 0);
    assert_true(again.id == s1.id); /* identical: not added twice */
    assert_int_equal(audit_count(st), 4);

    jy_person_status out[8];
    int n = 0;
    assert_int_equal(jy_store_person_statuses(st, p.id, out, 8, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(out[0].kind, JY_ST_DISABILITY);
    assert_int_equal(out[0].since, s1.since);
    assert_int_equal(out[0].until, 0);
    assert_string_equal(out[0].detail, "2");
    assert_int_equal(out[1].kind, JY_ST_GRADUATE);
    assert_int_equal(out[1].until, s2.until);
    assert_string_equal(out[1].detail, "2023");
    assert_int_equal(out[2].kind, JY_ST_REGISTERED_UNEMPLOYED);
    assert_int_equal(out[2].since, 0);
    assert_true(out[2].person_id == p.id);
    /* max bounds the fill */
    assert_int_equal(jy_store_person_statuses(st, p.id, out, 2, &n, &err), 0);
    assert_int_equal(n, 2);

    jy_person_status bad = {.kind = JY_ST_VETERAN};
    assert_int_equal(jy_store_person_status_add(st, 4242, &bad, "a", &err), JY_ENOTFOUND);
    bad.kind = 0;
    assert_int_equal(jy_store_person_status_add(st, p.id, &bad, "a", &err), JY_EINVAL);
    assert_int_equal(audit_count(st), 4);
    verify_ok(st, 4);
    jy_store_close(st);
}

static void org_and_licences_round_trip(void **state)
{
    (void)state;
    char path[600];
    jy_err err = {0};
    jy_store *st = open_fresh(path, sizeof path);
    jy_org o = {0}, got;
    snprintf(o.uscc, sizeof o.uscc, "91640522mA76XYZ12B");
    snprintf(o.name, sizeof o.name, "海原县德隆职业培训学校");
    o.kinds = JY_ORG_TRAINING_BODY | JY_ORG_EMPLOYER;
    o.size_class = JY_SIZE_SMALL;
    snprintf(o.division, sizeof o.division, "640522100");
    snprintf(o.legal_person, sizeof o.legal_person, "田志强");
    snprintf(o.phone, sizeof o.phone, "09534012345");
    snprintf(o.address, sizeof o.address, "海原县海城镇文化街");
    snprintf(o.bank_name, sizeof o.bank_name, "宁夏银行海原支行");
    snprintf(o.bank_account, sizeof o.bank_account, "6228480123456789012");
    int result = 0;
    if (jy_store_org_put(st, &o, "a", &result, &err)) fail_msg("%s", err.msg);
    assert_int_equal(result, JY_PUT_CREATED);
    assert_string_equal(o.uscc, "91640522MA76XYZ12B");
    assert_int_equal(jy_store_org_get_by_uscc(st, "91640522ma76xyz12b", &got, &err), 0);
    assert_true(got.id == o.id);
    assert_string_equal(got.name, o.name);
    assert_int_equal(got.kinds, o.kinds);
    assert_int_equal(got.size_class, JY_SIZE_SMALL);
    assert_string_equal(got.division, "640522100");
    assert_string_equal(got.county, "640522");
    assert_string_equal(got.legal_person, "田志强");
    assert_string_equal(got.phone, o.phone);
    assert_string_equal(got.address, o.address);
    assert_string_equal(got.bank_name, o.bank_name);
    assert_string_equal(got.bank_account, o.bank_account);
    assert_int_equal(jy_store_org_put(st, &got, "a", &result, &err), 0);
    assert_int_equal(result, JY_PUT_UNCHANGED);

    jy_licence l = {.valid_from = jy_date_from_ymd(2022, 1, 1), .valid_until = jy_date_from_ymd(2026, 12, 31)};
    snprintf(l.kind, sizeof l.kind, "办学许可证");
    snprintf(l.number, sizeof l.number, "教民164052270000123");
    assert_int_equal(jy_store_org_licence_add(st, o.id, &l, "a", &err), 0);
    jy_licence l2 = l;
    l2.id = 0;
    assert_int_equal(jy_store_org_licence_add(st, o.id, &l2, "a", &err), 0);
    assert_true(l2.id == l.id);
    jy_licence out[4];
    int n = 0;
    assert_int_equal(jy_store_org_licences(st, o.id, out, 4, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_string_equal(out[0].kind, "办学许可证");
    assert_string_equal(out[0].number, l.number);
    assert_int_equal(out[0].valid_from, l.valid_from);
    assert_int_equal(out[0].valid_until, l.valid_until);
    assert_int_equal(jy_store_org_licence_add(st, 777, &l2, "a", &err), JY_ENOTFOUND);

    jy_store_counts c;
    assert_int_equal(jy_store_counts_get(st, &c, &err), 0);
    assert_int_equal(c.orgs, 1);
    assert_int_equal(c.licences, 1);
    assert_int_equal(c.audit_entries, 2);
    verify_ok(st, 2);
    jy_store_close(st);
}

static void rollback_leaves_nothing(void **state)
{
    (void)state;
    char path[600];
    jy_err err = {0};
    jy_store *st = open_fresh(path, sizeof path);
    jy_person p;
    assert_int_equal(jy_store_begin(st, &err), 0);
    for (int i = 0; i < 5; i++) {
        sample_person(&p, i);
        assert_int_equal(jy_store_person_put(st, &p, "a", NULL, &err), 0);
    }
    jy_person_status s = {.kind = JY_ST_DIBAO};
    assert_int_equal(jy_store_person_status_add(st, p.id, &s, "a", &err), 0);
    assert_int_equal(jy_store_audit_append(st, "a", "case", 1, "note", NULL, "{\"x\":1}", &err), 0);
    assert_int_equal(jy_store_rollback(st, &err), 0);
    jy_store_counts c;
    assert_int_equal(jy_store_counts_get(st, &c, &err), 0);
    assert_int_equal(c.persons, 0);
    assert_int_equal(c.statuses, 0);
    assert_int_equal(c.audit_entries, 0);

    /* nested: the inner rollback undoes only its part; the chain stays whole */
    assert_int_equal(jy_store_begin(st, &err), 0);
    sample_person(&p, 1);
    assert_int_equal(jy_store_person_put(st, &p, "a", NULL, &err), 0);
    assert_int_equal(jy_store_begin(st, &err), 0);
    sample_person(&p, 2);
    assert_int_equal(jy_store_person_put(st, &p, "a", NULL, &err), 0);
    assert_int_equal(jy_store_rollback(st, &err), 0);
    sample_person(&p, 3);
    assert_int_equal(jy_store_person_put(st, &p, "a", NULL, &err), 0);
    assert_int_equal(jy_store_begin(st, &err), 0);
    sample_person(&p, 4);
    assert_int_equal(jy_store_person_put(st, &p, "a", NULL, &err), 0);
    assert_int_equal(jy_store_commit(st, &err), 0); /* inner commit: kept for the outer level */
    assert_int_equal(jy_store_commit(st, &err), 0);
    assert_int_equal(jy_store_counts_get(st, &c, &err), 0);
    assert_int_equal(c.persons, 3);
    assert_int_equal(c.audit_entries, 3);
    sample_person(&p, 2);
    assert_int_equal(jy_store_person_get_by_idcard(st, p.idcard, &p, &err), JY_ENOTFOUND);
    verify_ok(st, 3);

    assert_int_equal(jy_store_commit(st, &err), JY_EINVAL); /* unpaired */
    assert_int_equal(jy_store_rollback(st, &err), JY_EINVAL);
    jy_store_close(st);
}

static void invalid_records_are_refused_with_reasons(void **state)
{
    (void)state;
    char path[600];
    jy_err err = {0};
    jy_store *st = open_fresh(path, sizeof path);
    jy_person p;
    sample_person(&p, 1);
    snprintf(p.idcard, sizeof p.idcard, "64052219900307");
    assert_int_equal(jy_store_person_put(st, &p, "a", NULL, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "idcard"));
    sample_person(&p, 1);
    p.name[0] = '\0';
    assert_int_equal(jy_store_person_put(st, &p, "a", NULL, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "name"));
    sample_person(&p, 1);
    snprintf(p.hukou_division, sizeof p.hukou_division, "6405");
    assert_int_equal(jy_store_person_put(st, &p, "a", NULL, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "hukou_division"));
    jy_org o = {0};
    snprintf(o.uscc, sizeof o.uscc, "91XXXXXXMA76XYZ12B");
    snprintf(o.name, sizeof o.name, "x");
    assert_int_equal(jy_store_org_put(st, &o, "a", NULL, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "county"));
    assert_int_equal(audit_count(st), 0);
    jy_store_close(st);
}

typedef struct collect {
    int n;
    int64_t ids[64];
} collect;

static int collect_person(void *ctx, const jy_person *p)
{
    collect *c = ctx;
    if (c->n < 64) c->ids[c->n] = p->id;
    c->n++;
    return 0;
}

static int collect_org(void *ctx, const jy_org *o)
{
    collect *c = ctx;
    if (c->n < 64) c->ids[c->n] = o->id;
    c->n++;
    return 0;
}

static void lists_filter_and_paginate(void **state)
{
    (void)state;
    char path[600];
    jy_err err = {0};
    jy_store *st = open_fresh(path, sizeof path);
    jy_person p;
    assert_int_equal(jy_store_begin(st, &err), 0);
    for (int i = 0; i < 10; i++) {
        sample_person(&p, i);
        snprintf(p.hukou_division, sizeof p.hukou_division, "%s", i < 4 ? "640522101" : "640522105");
        assert_int_equal(jy_store_person_put(st, &p, "a", NULL, &err), 0);
    }
    assert_int_equal(jy_store_commit(st, &err), 0);
    collect c = {0};
    jy_person_filter f = {.division_prefix = "640522101"};
    assert_int_equal(jy_store_person_list(st, &f, collect_person, &c, &err), 0);
    assert_int_equal(c.n, 4);
    memset(&c, 0, sizeof c);
    f = (jy_person_filter){.name_contains = "小军"};
    assert_int_equal(jy_store_person_list(st, &f, collect_person, &c, &err), 0);
    assert_int_equal(c.n, 5);
    memset(&c, 0, sizeof c);
    f = (jy_person_filter){.limit = 3, .after_id = 2};
    assert_int_equal(jy_store_person_list(st, &f, collect_person, &c, &err), 0);
    assert_int_equal(c.n, 3);
    assert_true(c.ids[0] == 3 && c.ids[2] == 5);
    memset(&c, 0, sizeof c);
    assert_int_equal(jy_store_person_list(st, NULL, collect_person, &c, &err), 0);
    assert_int_equal(c.n, 10);

    const char *usccs[3] = {"91640522MA76XYZ12B", "52640522MJX000001C", "93640522MA7700002D"};
    unsigned kinds[3] = {JY_ORG_EMPLOYER, JY_ORG_TRAINING_BODY, JY_ORG_COOPERATIVE | JY_ORG_WORKSHOP};
    for (int i = 0; i < 3; i++) {
        jy_org o = {0};
        snprintf(o.uscc, sizeof o.uscc, "%s", usccs[i]);
        snprintf(o.name, sizeof o.name, "单位%d", i);
        o.kinds = kinds[i];
        assert_int_equal(jy_store_org_put(st, &o, "a", NULL, &err), 0);
    }
    memset(&c, 0, sizeof c);
    jy_org_filter of = {.kinds_any = JY_ORG_WORKSHOP | JY_ORG_TRAINING_BODY};
    assert_int_equal(jy_store_org_list(st, &of, collect_org, &c, &err), 0);
    assert_int_equal(c.n, 2);
    jy_store_close(st);
}

static void names_tables_parse_both_languages(void **state)
{
    (void)state;
    jy_status_kind k;
    assert_int_equal(jy_status_kind_parse("登记失业", &k), 0);
    assert_int_equal(k, JY_ST_REGISTERED_UNEMPLOYED);
    assert_int_equal(jy_status_kind_parse("zero_employment_family", &k), 0);
    assert_int_equal(k, JY_ST_ZERO_EMPLOYMENT_FAMILY);
    assert_int_not_equal(jy_status_kind_parse("nonsense", &k), 0);
    for (int i = 1; i < JY_ST__COUNT; i++) {
        assert_int_equal(jy_status_kind_parse(jy_status_kind_name((jy_status_kind)i), &k), 0);
        assert_int_equal(k, i);
        assert_int_equal(jy_status_kind_parse(jy_status_kind_label((jy_status_kind)i), &k), 0);
        assert_int_equal(k, i);
    }
    unsigned kinds = 0;
    jy_err err;
    assert_int_equal(jy_org_kinds_parse("employer, 帮扶车间、培训机构", &kinds, &err), 0);
    assert_int_equal(kinds, JY_ORG_EMPLOYER | JY_ORG_WORKSHOP | JY_ORG_TRAINING_BODY);
    assert_int_equal(jy_org_kinds_parse("employer,spaceport", &kinds, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "spaceport"));
    int v;
    assert_int_equal(jy_hukou_kind_parse("农业", &v), 0);
    assert_int_equal(v, JY_HUKOU_RURAL);
    assert_int_equal(jy_hukou_kind_parse("城镇", &v), 0);
    assert_int_equal(v, JY_HUKOU_URBAN);
    assert_int_equal(jy_size_class_parse("小型企业", &v), 0);
    assert_int_equal(v, JY_SIZE_SMALL);
    assert_int_equal(jy_size_class_parse("medium", &v), 0);
    assert_int_equal(v, JY_SIZE_MEDIUM);
    jy_sb sb = JY_SB_INIT;
    jy_org_kinds_json(&sb, JY_ORG_EMPLOYER | JY_ORG_GIG_STATION);
    assert_string_equal(jy_sb_cstr(&sb), "[\"employer\",\"gig_station\"]");
    jy_sb_free(&sb);
}

/* Runs SQL on the file behind the store's back, as someone with the sqlite3 shell would. */
static void tamper(const char *path, const char *sql)
{
    sqlite3 *db;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("tamper: %s", msg);
    sqlite3_close(db);
}

static void audit_chain_catches_edits_and_deletions(void **state)
{
    (void)state;
    char path[600];
    jy_err err = {0};
    jy_store *st = open_fresh(path, sizeof path);
    jy_person p;
    for (int i = 0; i < 6; i++) {
        sample_person(&p, i);
        assert_int_equal(jy_store_person_put(st, &p, "a", NULL, &err), 0);
    }
    verify_ok(st, 6);
    int64_t head_seq;
    char head[65];
    assert_int_equal(jy_store_audit_head(st, &head_seq, head, &err), 0);
    assert_int_equal(head_seq, 6);
    assert_int_equal(strlen(head), 64);
    jy_store_close(st);

    /* the trigger refuses plain edits */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "UPDATE audit_log SET actor = 'x' WHERE seq = 3", NULL, NULL, NULL), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit_log WHERE seq = 3", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    /* past the trigger: an edit is named */
    tamper(path, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
                 "UPDATE audit_log SET after_json = replace(after_json, '回族', '汉族') WHERE seq = 4");
    assert_int_equal(jy_store_open(path, &st, &err), 0);
    int64_t n = -1;
    assert_int_equal(jy_store_audit_verify(st, &n, &err), JY_ETAMPER);
    assert_int_equal(n, 3);
    assert_non_null(strstr(err.msg, "entry 4: content does not match"));
    jy_store_close(st);

    /* ... and a deletion of a middle entry */
    tamper(path, "DELETE FROM audit_log WHERE seq = 4");
    assert_int_equal(jy_store_open(path, &st, &err), 0);
    assert_int_equal(jy_store_audit_verify(st, &n, &err), JY_ETAMPER);
    assert_non_null(strstr(err.msg, "entry 4: missing"));
    jy_store_close(st);
}

static void audit_chain_catches_a_rewritten_hash(void **state)
{
    (void)state;
    char path[600];
    jy_err err = {0};
    jy_store *st = open_fresh(path, sizeof path);
    for (int i = 0; i < 3; i++)
        assert_int_equal(jy_store_audit_append(st, "a", "case", i, "note", NULL, "{}", &err), 0);
    jy_store_close(st);
    /* someone edits entry 2 and recomputes a plausible-looking hash for it */
    tamper(path, "DROP TRIGGER audit_log_no_update;"
                 "UPDATE audit_log SET hash = (SELECT hash FROM audit_log WHERE seq = 1) WHERE seq = 2");
    assert_int_equal(jy_store_open(path, &st, &err), 0);
    int64_t n;
    assert_int_equal(jy_store_audit_verify(st, &n, &err), JY_ETAMPER);
    assert_non_null(strstr(err.msg, "entry 2"));
    jy_store_close(st);
}

static int setup(void **state)
{
    (void)state;
    if (test_db_setup("store")) return -1;
    setenv("JIUYE_TODAY", "2025-06-01", 1);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return test_db_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(migration_from_empty_file_and_reopen),
        cmocka_unit_test(person_round_trip_every_field),
        cmocka_unit_test(reput_identical_is_unchanged_and_update_is_audited),
        cmocka_unit_test(statuses_round_trip_and_dedupe),
        cmocka_unit_test(org_and_licences_round_trip),
        cmocka_unit_test(rollback_leaves_nothing),
        cmocka_unit_test(invalid_records_are_refused_with_reasons),
        cmocka_unit_test(lists_filter_and_paginate),
        cmocka_unit_test(names_tables_parse_both_languages),
        cmocka_unit_test(audit_chain_catches_edits_and_deletions),
        cmocka_unit_test(audit_chain_catches_a_rewritten_hash),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
