/* Unit tests of src/service/privacy.h: who may unmask (the role table, by name, so the roles of
 * issue 11 item 4 — finance, auditor, security, sysadmin — are decided before users.c knows
 * them), the reason rules, jy_privacy_grant writing exactly one access-log entry (view/export or
 * refused) and its list, and the masking of a report's cells. On the backend under test
 * (tests/unit/test_db.h: JY_TEST_BACKEND=postgresql for PostgreSQL). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "service/privacy.h"
#include "test_db.h"

static void roles(void **state)
{
    (void)state;
    static const struct {
        const char *role;
        int unmask, bank, log;
    } t[] = {
        {"admin", 1, 1, 1},          {"county_reviewer", 1, 0, 0}, {"city_reviewer", 1, 0, 0},
        {"finance", 1, 1, 0},        {"auditor", 0, 0, 1},         {"security", 0, 0, 0},
        {"sysadmin", 0, 0, 0},       {"township_staff", 0, 0, 0},  {"training_body", 0, 0, 0},
        {"employer", 0, 0, 0},       {"applicant", 0, 0, 0},       {"station", 0, 0, 0},
        {"", 0, 0, 0},               {"Admin", 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        if (jy_privacy_role_may(t[i].role, JY_PRIV_UNMASK) != t[i].unmask ||
            jy_privacy_role_may(t[i].role, JY_PRIV_BANK) != t[i].bank ||
            jy_privacy_role_may(t[i].role, JY_PRIV_ACCESS_LOG) != t[i].log)
            fail_msg("role %s: want unmask %d bank %d log %d", t[i].role, t[i].unmask, t[i].bank, t[i].log);
    }
    assert_int_equal(jy_privacy_role_may(NULL, JY_PRIV_UNMASK), 0);
    assert_int_equal(jy_privacy_role_may("admin", 99), 0);
}

static void reasons(void **state)
{
    (void)state;
    jy_err err;
    jy_access_req rq = {"rev", "cli:test@host", 1, NULL};
    assert_int_equal(jy_privacy_req_check(&rq, &err), JY_EUSAGE);
    assert_non_null(strstr(err.msg, "--unmask needs --reason"));
    rq.reason = " \t";
    assert_int_equal(jy_privacy_req_check(&rq, &err), JY_EINVAL);
    char long_reason[JY_PRIVACY_REASON_MAX + 2];
    memset(long_reason, 'x', sizeof long_reason - 1);
    long_reason[sizeof long_reason - 1] = '\0';
    rq.reason = long_reason;
    assert_int_equal(jy_privacy_req_check(&rq, &err), JY_EINVAL);
    long_reason[JY_PRIVACY_REASON_MAX] = '\0'; /* exactly the limit */
    assert_int_equal(jy_privacy_req_check(&rq, &err), 0);
    rq.unmask = 0;
    assert_int_equal(jy_privacy_req_check(&rq, &err), JY_EUSAGE); /* a reason without --unmask */
    rq.reason = NULL;
    assert_int_equal(jy_privacy_req_check(&rq, &err), 0); /* the masked view */
}

typedef struct rows {
    int n;
    jy_access_entry last;
} rows;

static int count(void *ctx, const jy_access_entry *e)
{
    rows *r = ctx;
    r->n++;
    r->last = *e;
    return 0;
}

static rows log_of(jy_store *st, const char *actor)
{
    rows r = {0};
    jy_err err;
    jy_access_filter f = {.actor = actor};
    if (jy_store_access_log_list(st, &f, count, &r, &err) != 0) fail_msg("list: %s", err.msg);
    return r;
}

static void add_user(jy_store *st, const char *name, const char *role)
{
    jy_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "%s", name);
    snprintf(u.role, sizeof u.role, "%s", role);
    jy_err err;
    if (jy_store_user_put(st, &u, "test", NULL, &err) != 0) fail_msg("user %s: %s", name, err.msg);
}

static void grants(void **state)
{
    (void)state;
    char url[512];
    jy_store *st = test_db_open_fresh(url, sizeof url);
    jy_err err;
    char role[32];
    /* bootstrap: nobody registered, the actor is admin */
    assert_int_equal(jy_privacy_actor_role(st, "anyone", role, &err), 0);
    assert_string_equal(role, "admin");
    add_user(st, "fin", "finance");
    add_user(st, "aud", "auditor");
    add_user(st, "ops", "sysadmin");
    add_user(st, "rev", "county_reviewer");

    jy_access_req rq = {"fin", "cli:test@host", 1, "交银行拨付"};
    assert_int_equal(jy_privacy_grant(st, &rq, JY_PRIV_BANK, "export", "pay_batch", "640522", "7 csv=b.csv", &err), 0);
    rows r = log_of(st, "fin");
    assert_int_equal(r.n, 1);
    assert_string_equal(r.last.role, "finance");
    assert_string_equal(r.last.action, "export");
    assert_string_equal(r.last.entity, "pay_batch");
    assert_string_equal(r.last.target, "7 csv=b.csv");
    assert_string_equal(r.last.reason, "交银行拨付");
    assert_string_equal(r.last.origin, "cli:test@host");
    assert_string_equal(r.last.county, "640522");
    assert_true(r.last.at[0] != '\0');

    /* the auditor reads the log, may not unmask; the system administrator neither */
    assert_int_equal(jy_privacy_may_read_log(st, "aud", &err), 0);
    rq.actor = "aud";
    assert_int_equal(jy_privacy_grant(st, &rq, JY_PRIV_UNMASK, "view", "person", "640522", "12", &err), JY_ECONFLICT);
    assert_non_null(strstr(err.msg, "admin, county_reviewer, city_reviewer, finance"));
    r = log_of(st, "aud");
    assert_int_equal(r.n, 1);
    assert_string_equal(r.last.action, "refused");
    assert_string_equal(r.last.target, "12");
    assert_int_equal(jy_privacy_may_read_log(st, "ops", &err), JY_ECONFLICT);
    assert_int_equal(jy_privacy_may_read_log(st, "rev", &err), JY_ECONFLICT);
    rq.actor = "rev";
    assert_int_equal(jy_privacy_grant(st, &rq, JY_PRIV_BANK, "export", "pay_batch", "640522", "7", &err), JY_ECONFLICT);
    assert_int_equal(jy_privacy_grant(st, &rq, JY_PRIV_UNMASK, "view", "person", "640522", "12", &err), 0);
    r = log_of(st, "rev");
    assert_int_equal(r.n, 2);
    assert_string_equal(r.last.action, "view");

    /* not registered: refused and logged; no reason: nothing logged */
    rq.actor = "ghost";
    assert_int_equal(jy_privacy_grant(st, &rq, JY_PRIV_UNMASK, "view", "person", "", "12", &err), JY_ENOTFOUND);
    assert_int_equal(log_of(st, "ghost").n, 1);
    rq.actor = "fin";
    rq.reason = NULL;
    assert_int_equal(jy_privacy_grant(st, &rq, JY_PRIV_UNMASK, "view", "person", "", "12", &err), JY_EUSAGE);
    assert_int_equal(log_of(st, "fin").n, 1);

    /* a long target is cut at a character boundary, never refused */
    jy_sb target = JY_SB_INIT;
    for (int i = 0; i < 300; i++) jy_sb_append(&target, "花名册");
    rq.reason = "长查询";
    assert_int_equal(jy_privacy_grant(st, &rq, JY_PRIV_UNMASK, "view", "report", "640522", jy_sb_cstr(&target), &err), 0);
    jy_sb_free(&target);
    r = log_of(st, "fin");
    assert_int_equal(r.n, 2);
    size_t n = strlen(r.last.target);
    assert_true(n < sizeof r.last.target);
    assert_string_equal(r.last.target + n - strlen("…"), "…");
    assert_int_equal(memcmp(r.last.target, "花名册花名册", strlen("花名册花名册")), 0);

    /* the store refuses what the service would never send */
    jy_access_entry e;
    memset(&e, 0, sizeof e);
    snprintf(e.actor, sizeof e.actor, "x");
    snprintf(e.origin, sizeof e.origin, "cli");
    snprintf(e.action, sizeof e.action, "edit");
    snprintf(e.entity, sizeof e.entity, "person");
    snprintf(e.reason, sizeof e.reason, "r");
    assert_int_equal(jy_store_access_log_append(st, &e, &err), JY_EINVAL);
    snprintf(e.action, sizeof e.action, "view");
    e.reason[0] = '\0';
    assert_int_equal(jy_store_access_log_append(st, &e, &err), JY_EINVAL);
    jy_store_close(st);
}

static void report_cells(void **state)
{
    (void)state;
    jy_report *r = jy_report_new("roster", "花名册", "");
    jy_report_col_add(r, "name", "姓名", 10);
    jy_report_col_add(r, "idcard", "身份证号", 20);
    jy_report_col_add(r, "phone", "联系电话", 14);
    jy_report_col_add(r, "category", "人员类别", 10);
    jy_report_col_add(r, "remark", "备注", 10);
    jy_cell *c = jy_report_row(r);
    jy_cell_text(r, &c[0], "李务工");
    jy_cell_text(r, &c[1], "640522199001010020");
    jy_cell_text(r, &c[2], "0954-4012345");
    jy_cell_text(r, &c[3], "残疾人");
    jy_cell_text(r, &c[4], "卡号 6217000010000000110 已核");
    jy_privacy_mask_report(r);
    assert_string_equal(c[0].s, "李务工");
    assert_string_equal(c[1].s, "640522********0020");
    assert_string_equal(c[2].s, "095*-***2345");
    assert_string_equal(c[3].s, "***");
    assert_string_equal(c[4].s, "卡号 6217***********0110 已核");
    jy_report_free(r);
}

static int setup(void **state)
{
    (void)state;
    return test_db_setup("privacy");
}

static int teardown(void **state)
{
    (void)state;
    return test_db_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roles),
        cmocka_unit_test(reasons),
        cmocka_unit_test(grants),
        cmocka_unit_test(report_cells),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
