/* Unit tests of the roster import (service/import) against a real SQLite store and the fixture
 * rosters in tests/data/ (made by tests/data/make_fixtures.py): good rows stored and bad rows
 * reported with row, column and reason; re-import changes nothing; GB18030 and UTF-8 with BOM;
 * the 5-20-2 workshop layout with title lines and 人员类别; organisations; a missing required
 * column; an import that never clears stored fields. */
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

#include "base/csv.h"
#include "service/import.h"

static char tmpdir[512];
static int dbn;
static jy_divisions *divs;

/* Fixture values from tests/data/fixtures.txt. */
static char fx[32][2][32];
static int nfx;

static const char *fixture(const char *key)
{
    for (int i = 0; i < nfx; i++)
        if (strcmp(fx[i][0], key) == 0) return fx[i][1];
    fail_msg("no fixture %s", key);
    return "";
}

static void data_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/tests/data/%s", JY_SOURCE_DIR, name);
}

static int setup(void **state)
{
    const char *t = getenv("JY_TEST_TMP");
    snprintf(tmpdir, sizeof tmpdir, "%s/import.%d", t && *t ? t : "/tmp", (int)getpid());
    mkdir(t && *t ? t : "/tmp", 0777);
    mkdir(tmpdir, 0777);
    jy_err err;
    if (jy_divisions_load(JY_POLICY_DIR, &divs, &err) != 0) fail_msg("divisions: %s", err.msg);
    char path[600];
    data_path(path, sizeof path, "fixtures.txt");
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s", path);
    char line[128];
    while (nfx < 32 && fgets(line, sizeof line, f)) {
        char *eq = strchr(line, '=');
        if (!eq) continue;
        *eq = '\0';
        line[strcspn(eq + 1, "\n") + (size_t)(eq + 1 - line)] = '\0';
        snprintf(fx[nfx][0], sizeof fx[nfx][0], "%.31s", line);
        snprintf(fx[nfx][1], sizeof fx[nfx][1], "%.31s", eq + 1);
        nfx++;
    }
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    jy_divisions_free(divs);
    return 0;
}

static jy_store *open_fresh(void)
{
    char path[600];
    snprintf(path, sizeof path, "%s/import%d.db", tmpdir, ++dbn);
    unlink(path);
    jy_store *st;
    jy_err err;
    if (jy_store_open(path, &st, &err) != 0) fail_msg("open %s: %s", path, err.msg);
    return st;
}

static int run(jy_store *st, jy_import_kind kind, const char *file, const char *report,
               int batch, jy_import_result *res)
{
    char path[600];
    data_path(path, sizeof path, file);
    jy_import_opts o;
    memset(&o, 0, sizeof o);
    o.kind = kind;
    o.path = path;
    o.report_path = report;
    o.actor = "test";
    o.divs = divs;
    o.batch_rows = batch;
    o.today = jy_date_from_ymd(2025, 1, 1);
    jy_err err = {0};
    jy_import_result_init(res);
    int rc = jy_import_run(st, &o, res, &err);
    if (rc) print_message("import %s: %s\n", file, err.msg);
    return rc;
}

/* The report's lines as "row|column|reason-prefix" checks. */
typedef struct rline { char row[16], column[64], value[256], reason[600]; } rline;

static int read_report(const char *path, rline *out, int max)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    jy_csv *c = jy_csv_new_mem(buf, n, ',');
    jy_err err;
    int k = -1;
    while (jy_csv_next(c, &err) == 1) {
        assert_int_equal(jy_csv_nfields(c), 4);
        if (k == -1) { /* header */
            assert_string_equal(jy_csv_field(c, 0, NULL), "row");
            assert_string_equal(jy_csv_field(c, 3, NULL), "reason");
            k = 0;
            continue;
        }
        if (k == max) break;
        snprintf(out[k].row, sizeof out[k].row, "%s", jy_csv_field(c, 0, NULL));
        snprintf(out[k].column, sizeof out[k].column, "%s", jy_csv_field(c, 1, NULL));
        snprintf(out[k].value, sizeof out[k].value, "%s", jy_csv_field(c, 2, NULL));
        snprintf(out[k].reason, sizeof out[k].reason, "%s", jy_csv_field(c, 3, NULL));
        k++;
    }
    jy_csv_free(c);
    return k < 0 ? 0 : k;
}

static void expect_person(jy_store *st, const char *idcard, const char *name, const char *div,
                          int hukou_kind, const char *phone, const char *ethnicity)
{
    jy_person p;
    jy_err err;
    if (jy_store_person_get_by_idcard(st, idcard, &p, &err) != 0) fail_msg("%s: %s", idcard, err.msg);
    assert_string_equal(p.name, name);
    assert_string_equal(p.hukou_division, div);
    assert_int_equal(p.hukou_kind, hukou_kind);
    assert_string_equal(p.phone, phone);
    assert_string_equal(p.ethnicity, ethnicity);
}

static void test_good_rows_stored_bad_rows_reported(void **state)
{
    jy_store *st = open_fresh();
    char report[600];
    snprintf(report, sizeof report, "%s/mixed.errors.csv", tmpdir);
    jy_import_result res;
    assert_int_equal(run(st, JY_IMPORT_PERSONS, "roster_mixed.csv", report, 2, &res), 0);
    assert_int_equal(res.stats.rows, 9);
    assert_int_equal(res.stats.created, 4);
    assert_int_equal(res.stats.rejected, 5);
    assert_int_equal(res.stats.updated + res.stats.unchanged, 0);
    assert_int_equal(res.header_row, 1);
    assert_int_equal(res.encoding, JY_ENC_UTF8);
    assert_string_equal(res.report_path, report);
    assert_non_null(strstr(jy_sb_cstr(&res.ignored), "\"务工时间\""));
    assert_non_null(strstr(jy_sb_cstr(&res.ignored), "\"备注\""));
    assert_null(strstr(jy_sb_cstr(&res.ignored), "序号"));
    jy_import_result_free(&res);

    rline r[16];
    int n = read_report(report, r, 16);
    assert_int_equal(n, 5);
    /* row numbers are spreadsheet rows: the header is row 1 */
    assert_string_equal(r[0].row, "4");
    assert_string_equal(r[0].column, "身份证号");
    assert_string_equal(r[0].value, fixture("BAD"));
    assert_non_null(strstr(r[0].reason, "check character should be"));
    assert_string_equal(r[1].row, "5");
    assert_string_equal(r[1].column, "身份证号");
    assert_non_null(strstr(r[1].reason, "1999-02-29"));
    assert_string_equal(r[2].row, "6");
    assert_string_equal(r[2].column, "性别");
    assert_non_null(strstr(r[2].reason, "disagrees with the ID number"));
    assert_string_equal(r[3].row, "7");
    assert_string_equal(r[3].column, "姓名");
    assert_non_null(strstr(r[3].reason, "empty"));
    assert_string_equal(r[4].row, "8");
    assert_string_equal(r[4].column, "身份证号");
    assert_non_null(strstr(r[4].reason, "row 3"));

    expect_person(st, fixture("A"), "马小明", "640522105", JY_HUKOU_RURAL, "13995512345", "回族");
    expect_person(st, fixture("B"), "李秀兰", "640522101", JY_HUKOU_RURAL, "13709551234", "汉族");
    /* quoted name with a comma, a full provincial address, a hyphenated mobile number */
    expect_person(st, fixture("G"), "马,福", "640522100", JY_HUKOU_URBAN, "13995510000", "回族");
    /* after the multi-line record, rows still line up; a landline is kept as written */
    expect_person(st, fixture("H"), "周敏", "640522104", JY_HUKOU_URBAN, "0955-4012345", "汉族");
    jy_person p;
    jy_err err;
    assert_int_equal(jy_store_person_get_by_idcard(st, fixture("E"), &p, &err), JY_ENOTFOUND);
    assert_int_equal(jy_store_person_get_by_idcard(st, fixture("F"), &p, &err), JY_ENOTFOUND);

    /* the same file again: nothing created, nothing duplicated */
    jy_store_counts before, after;
    assert_int_equal(jy_store_counts_get(st, &before, &err), 0);
    assert_int_equal(run(st, JY_IMPORT_PERSONS, "roster_mixed.csv", report, 0, &res), 0);
    assert_int_equal(res.stats.created, 0);
    assert_int_equal(res.stats.updated, 0);
    assert_int_equal(res.stats.unchanged, 4);
    assert_int_equal(res.stats.rejected, 5);
    jy_import_result_free(&res);
    assert_int_equal(jy_store_counts_get(st, &after, &err), 0);
    assert_int_equal(after.persons, 4);
    assert_int_equal(after.audit_entries, before.audit_entries);
    jy_store_close(st);
}

static void test_gb18030_and_bom_files_read_alike(void **state)
{
    jy_store *st = open_fresh();
    jy_import_result res;
    assert_int_equal(run(st, JY_IMPORT_PERSONS, "roster_gb18030.csv", NULL, 0, &res), 0);
    assert_int_equal(res.encoding, JY_ENC_GB18030);
    assert_int_equal(res.stats.created, 3);
    assert_int_equal(res.stats.rejected, 0);
    assert_string_equal(res.report_path, ""); /* no rejected rows: no default report left behind */
    jy_import_result_free(&res);
    expect_person(st, fixture("C"), "杨光", "640522202", JY_HUKOU_RURAL, "15009551111", "回族");

    /* the same rows as UTF-8 with BOM and CRLF: all unchanged */
    assert_int_equal(run(st, JY_IMPORT_PERSONS, "roster_bom.csv", NULL, 0, &res), 0);
    assert_int_equal(res.encoding, JY_ENC_UTF8);
    assert_int_equal(res.stats.unchanged, 3);
    assert_int_equal(res.stats.created + res.stats.updated + res.stats.rejected, 0);
    jy_import_result_free(&res);
    jy_store_close(st);
}

static void test_workshop_layout_with_title_rows_and_categories(void **state)
{
    jy_store *st = open_fresh();
    jy_import_result res;
    assert_int_equal(run(st, JY_IMPORT_PERSONS, "roster_workshop.csv", NULL, 0, &res), 0);
    assert_int_equal(res.header_row, 4);
    assert_int_equal(res.stats.rows, 3); /* the template row and the footnote are not data */
    assert_int_equal(res.stats.created, 3);
    assert_int_equal(res.stats.rejected, 0);
    assert_non_null(strstr(jy_sb_cstr(&res.ignored), "在车间工作起止时间"));
    jy_import_result_free(&res);

    jy_person p;
    jy_err err;
    assert_int_equal(jy_store_person_get_by_idcard(st, fixture("Q"), &p, &err), 0);
    assert_string_equal(p.hukou_division, "640522200"); /* 户籍地址 史店乡 */
    assert_string_equal(p.address, "海原县海城镇");    /* 常住地址 */
    assert_int_equal(p.sex, 'F');
    jy_person_status s[8];
    int n = 0;
    assert_int_equal(jy_store_person_statuses(st, p.id, s, 8, &n, &err), 0);
    assert_int_equal(n, 2);
    int monitored = 0, dibao = 0;
    for (int i = 0; i < n; i++) {
        monitored |= s[i].kind == JY_ST_MONITORED;
        dibao |= s[i].kind == JY_ST_DIBAO;
    }
    assert_true(monitored && dibao);
    assert_int_equal(jy_store_person_get_by_idcard(st, fixture("R"), &p, &err), 0);
    assert_int_equal(jy_store_person_statuses(st, p.id, s, 8, &n, &err), 0);
    assert_int_equal(n, 0); /* 农村劳动力: a valid category without a status */

    jy_store_counts before, after;
    assert_int_equal(jy_store_counts_get(st, &before, &err), 0);
    assert_int_equal(before.statuses, 3);
    assert_int_equal(run(st, JY_IMPORT_PERSONS, "roster_workshop.csv", NULL, 0, &res), 0);
    assert_int_equal(res.stats.unchanged, 3);
    jy_import_result_free(&res);
    assert_int_equal(jy_store_counts_get(st, &after, &err), 0);
    assert_int_equal(after.statuses, 3);
    assert_int_equal(after.audit_entries, before.audit_entries);
    jy_store_close(st);
}

static void test_import_never_clears_fields(void **state)
{
    jy_store *st = open_fresh();
    jy_import_result res;
    assert_int_equal(run(st, JY_IMPORT_PERSONS, "roster_good.csv", NULL, 0, &res), 0);
    jy_import_result_free(&res);
    /* a roster with fewer columns (the workshop file lacks 性别, 民族, 文化程度) leaves them */
    char path[600];
    snprintf(path, sizeof path, "%s/short.csv", tmpdir);
    FILE *f = fopen(path, "w");
    fprintf(f, "姓名,身份证号,联系电话\n马小明,%s,\n", fixture("A"));
    fclose(f);
    jy_import_opts o;
    memset(&o, 0, sizeof o);
    o.kind = JY_IMPORT_PERSONS;
    o.path = path;
    o.divs = divs;
    o.actor = "test";
    jy_err err;
    jy_import_result_init(&res);
    assert_int_equal(jy_import_run(st, &o, &res, &err), 0);
    assert_int_equal(res.stats.unchanged, 1);
    jy_import_result_free(&res);
    expect_person(st, fixture("A"), "马小明", "640522105", JY_HUKOU_RURAL, "13995512345", "回族");
    jy_store_close(st);
}

static void test_missing_required_column_is_a_clear_error(void **state)
{
    jy_store *st = open_fresh();
    char path[600];
    snprintf(path, sizeof path, "%s/noid.csv", tmpdir);
    FILE *f = fopen(path, "w");
    fprintf(f, "序号,姓名,性别,民族,联系电话\n1,张三,男,汉族,13995512345\n");
    fclose(f);
    jy_import_opts o;
    memset(&o, 0, sizeof o);
    o.kind = JY_IMPORT_PERSONS;
    o.path = path;
    o.divs = divs;
    jy_err err = {0};
    jy_import_result res;
    jy_import_result_init(&res);
    assert_int_equal(jy_import_run(st, &o, &res, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "no 身份证号 column"));
    jy_import_result_free(&res);

    f = fopen(path, "w");
    fprintf(f, "just,some,text\n1,2,3\n");
    fclose(f);
    jy_import_result_init(&res);
    assert_int_equal(jy_import_run(st, &o, &res, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "no header row"));
    jy_import_result_free(&res);
    jy_store_close(st);
}

/* A stray quote opens a field and never closes it: that row is rejected (the report names it),
 * the rows before and after it are imported — a bad row never costs the good ones. */
static void test_broken_record_rejected_rows_around_it_kept(void **state)
{
    jy_store *st = open_fresh();
    char path[600], report[600];
    snprintf(path, sizeof path, "%s/broken.csv", tmpdir);
    snprintf(report, sizeof report, "%s/broken.errors.csv", tmpdir);
    FILE *f = fopen(path, "w");
    fprintf(f, "姓名,身份证号\n马小明,%s\n\"李秀兰,%s\n杨帆,%s\n", fixture("A"), fixture("B"), fixture("C"));
    fclose(f);
    jy_import_opts o;
    memset(&o, 0, sizeof o);
    o.kind = JY_IMPORT_PERSONS;
    o.path = path;
    o.report_path = report;
    o.divs = divs;
    jy_err err = {0};
    jy_import_result res;
    jy_import_result_init(&res);
    assert_int_equal(jy_import_run(st, &o, &res, &err), 0);
    assert_int_equal(res.stats.rows, 3);
    assert_int_equal(res.stats.created, 2);
    assert_int_equal(res.stats.rejected, 1);
    assert_string_equal(res.stopped, ""); /* read on past it */
    jy_import_result_free(&res);
    rline r[4];
    assert_int_equal(read_report(report, r, 4), 1);
    assert_string_equal(r[0].row, "3");
    jy_person p;
    assert_int_equal(jy_store_person_get_by_idcard(st, fixture("C"), &p, &err), 0);
    assert_int_equal(jy_store_person_get_by_idcard(st, fixture("B"), &p, &err), JY_ENOTFOUND);
    jy_store_close(st);
}

static void test_organisations(void **state)
{
    jy_store *st = open_fresh();
    char report[600];
    snprintf(report, sizeof report, "%s/orgs.errors.csv", tmpdir);
    jy_import_result res;
    assert_int_equal(run(st, JY_IMPORT_ORGS, "orgs.csv", report, 0, &res), 0);
    assert_int_equal(res.stats.rows, 5);
    assert_int_equal(res.stats.created, 3);
    assert_int_equal(res.stats.rejected, 2);
    jy_import_result_free(&res);
    rline r[8];
    assert_int_equal(read_report(report, r, 8), 2);
    assert_string_equal(r[0].row, "5");
    assert_string_equal(r[0].column, "统一社会信用代码");
    assert_non_null(strstr(r[0].reason, "check character"));
    assert_string_equal(r[1].row, "6");
    assert_non_null(strstr(r[1].reason, "row 3"));

    jy_org o;
    jy_err err;
    assert_int_equal(jy_store_org_get_by_uscc(st, fixture("U1"), &o, &err), 0);
    assert_string_equal(o.name, "海原县兴盛服装有限公司");
    assert_int_equal(o.kinds, JY_ORG_EMPLOYER | JY_ORG_WORKSHOP);
    assert_int_equal(o.size_class, JY_SIZE_SMALL);
    assert_string_equal(o.bank_account, "6228480012345678");
    assert_string_equal(o.county, "640522");
    assert_int_equal(jy_store_org_get_by_uscc(st, fixture("U2"), &o, &err), 0);
    assert_string_equal(o.phone, "0955-4011111");

    assert_int_equal(run(st, JY_IMPORT_ORGS, "orgs.csv", report, 0, &res), 0);
    assert_int_equal(res.stats.created, 0);
    assert_int_equal(res.stats.unchanged, 3);
    jy_import_result_free(&res);
    jy_store_close(st);
}

static void test_summary_json(void **state)
{
    jy_import_result res;
    jy_import_result_init(&res);
    res.stats.rows = 3;
    res.stats.created = 2;
    res.stats.rejected = 1;
    res.encoding = JY_ENC_GB18030;
    res.header_row = 1;
    snprintf(res.report_path, sizeof res.report_path, "r.csv");
    jy_sb_append(&res.ignored, "\"备注\"]");
    jy_sb sb = JY_SB_INIT;
    jy_import_result_json(&sb, "a.csv", &res);
    assert_string_equal(jy_sb_cstr(&sb),
                        "{\"file\":\"a.csv\",\"rows\":3,\"created\":2,\"updated\":0,\"unchanged\":0,"
                        "\"rejected\":1,\"report\":\"r.csv\",\"encoding\":\"gb18030\",\"header_row\":1,"
                        "\"ignored_columns\":[\"备注\"]}");
    jy_sb_free(&sb);
    jy_import_result_free(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_rows_stored_bad_rows_reported),
        cmocka_unit_test(test_gb18030_and_bom_files_read_alike),
        cmocka_unit_test(test_workshop_layout_with_title_rows_and_categories),
        cmocka_unit_test(test_import_never_clears_fields),
        cmocka_unit_test(test_missing_required_column_is_a_clear_error),
        cmocka_unit_test(test_broken_record_rejected_rows_around_it_kept),
        cmocka_unit_test(test_organisations),
        cmocka_unit_test(test_summary_json),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
