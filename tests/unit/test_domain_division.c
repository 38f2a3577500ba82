/* Unit tests of the division table (policy/divisions.tsv): lookups, parents, children (Haiyuan's
 * 21 township-level units), full names, and the loader's file:line errors. */
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

#include "domain/division.h"

static jy_divisions *divs;

static const char *policy_dir(void)
{
    const char *dir = getenv("JY_POLICY_DIR");
    return dir && *dir ? dir : JY_POLICY_DIR;
}

static int setup(void **state)
{
    (void)state;
    jy_err err;
    if (jy_divisions_load(policy_dir(), &divs, &err) != 0) {
        fprintf(stderr, "cannot load divisions: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    jy_divisions_free(divs);
    return 0;
}

static void lookups_by_code(void **state)
{
    (void)state;
    assert_string_equal(jy_division_name(divs, "640522"), "海原县");
    assert_string_equal(jy_division_name(divs, "640000"), "宁夏回族自治区");
    assert_string_equal(jy_division_name(divs, "640522105"), "七营镇");
    assert_string_equal(jy_division_name(divs, "640522105000"), "七营镇"); /* 12-digit form */
    assert_null(jy_division_name(divs, "640522999"));
    assert_null(jy_division_name(divs, "64052"));
    assert_null(jy_division_name(divs, "6405x2"));
    assert_null(jy_division_name(divs, NULL));
    assert_true(jy_division_is_known(divs, "110000"));
    assert_false(jy_division_is_known(divs, "990000"));
    const jy_division *d = jy_division_find(divs, "640522");
    assert_non_null(d);
    assert_int_equal(d->level, JY_DIV_COUNTY);
    assert_int_equal(d->former, 0);
    assert_int_equal(jy_division_find(divs, "640500")->level, JY_DIV_PREFECTURE);
    assert_int_equal(jy_division_find(divs, "640522200")->level, JY_DIV_TOWNSHIP);
    assert_string_equal(jy_division_find(divs, "640522200")->kind, "乡");
    assert_int_equal(jy_division_find(divs, "642222")->former, 1);
}

static void all_34_provinces(void **state)
{
    (void)state;
    size_t provinces = 0;
    for (size_t i = 0; i < jy_divisions_count(divs); i++) {
        const jy_division *d = jy_divisions_at(divs, i);
        if (d->level == JY_DIV_PROVINCE && strcmp(d->kind, "居住证") != 0) provinces++;
        if (i > 0) assert_true(strcmp(jy_divisions_at(divs, i - 1)->code, d->code) < 0);
    }
    assert_int_equal(provinces, 34);
    assert_true(jy_division_province_known(divs, "64"));
    assert_true(jy_division_province_known(divs, "82"));
    assert_false(jy_division_province_known(divs, "99"));
    assert_false(jy_division_province_known(divs, "6"));
}

static void ningxia_structure(void **state)
{
    (void)state;
    const jy_division *kids[40];
    /* 5 current prefectures (+ the former 固原地区) */
    size_t n = jy_division_children(divs, "640000", kids, 40);
    size_t current = 0;
    for (size_t i = 0; i < n; i++) current += !kids[i]->former;
    assert_int_equal(current, 5);
    /* 22 current county-level units */
    size_t counties = 0;
    for (size_t i = 0; i < jy_divisions_count(divs); i++) {
        const jy_division *d = jy_divisions_at(divs, i);
        if (d->level == JY_DIV_COUNTY && !d->former && strncmp(d->code, "64", 2) == 0) counties++;
    }
    assert_int_equal(counties, 22);
    n = jy_division_children(divs, "640500", kids, 40);
    assert_int_equal(n, 3);
    assert_string_equal(kids[0]->name, "沙坡头区");
    assert_string_equal(kids[2]->name, "海原县");
    assert_string_equal(jy_division_parent(divs, "640522")->code, "640500");
    assert_string_equal(jy_division_parent(divs, "640500")->code, "640000");
    assert_string_equal(jy_division_parent(divs, "640522105")->code, "640522");
    assert_null(jy_division_parent(divs, "640000"));
    assert_null(jy_division_parent(divs, "123456"));
}

static void haiyuan_townships(void **state)
{
    (void)state;
    const jy_division *kids[32];
    size_t n = jy_division_children(divs, "640522", kids, 32);
    assert_int_equal(n, 21);
    int towns = 0, townships = 0, other = 0;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(kids[i]->level, JY_DIV_TOWNSHIP);
        if (strcmp(kids[i]->kind, "镇") == 0) towns++;
        else if (strcmp(kids[i]->kind, "乡") == 0) townships++;
        else other++;
    }
    assert_int_equal(towns, 5);
    assert_int_equal(townships, 12);
    assert_int_equal(other, 4);
    assert_string_equal(kids[0]->name, "海城镇");
    /* the count is returned even when the buffer is small */
    assert_int_equal(jy_division_children(divs, "640522", kids, 2), 21);
    assert_int_equal(jy_division_children(divs, "640522100", kids, 2), 0);
    jy_sb sb = JY_SB_INIT;
    assert_int_equal(jy_division_full_name(divs, "640522105", &sb), 0);
    assert_string_equal(jy_sb_cstr(&sb), "宁夏回族自治区中卫市海原县七营镇");
    jy_sb_reset(&sb);
    assert_int_equal(jy_division_full_name(divs, "110000", &sb), 0);
    assert_string_equal(jy_sb_cstr(&sb), "北京市");
    assert_int_equal(jy_division_full_name(divs, "110101", &sb), JY_ENOTFOUND);
    jy_sb_free(&sb);
}

static int load_text(const char *text, jy_divisions **out, jy_err *err)
{
    const char *tmp = getenv("JY_TEST_TMP");
    char dir[512], path[600];
    snprintf(dir, sizeof dir, "%s", tmp && *tmp ? tmp : "/tmp");
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/divisions-%d.tsv", dir, (int)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    int rc = jy_divisions_load_file(path, out, err);
    remove(path);
    return rc;
}

static void loader_reports_file_and_line(void **state)
{
    (void)state;
    jy_divisions *d = NULL;
    jy_err err;
    assert_int_equal(load_text("# c\n640000\t宁夏\t自治区\tcurrent\t\n64052\t海原\t县\tcurrent\n", &d, &err),
                     JY_EINVAL);
    assert_non_null(strstr(err.msg, ":3: code \"64052\" must be 6 or 9 digits"));
    assert_int_equal(load_text("640000\t宁夏\t自治区\tnow\n", &d, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, ":1: status \"now\""));
    assert_int_equal(load_text("640000\t宁夏\n", &d, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, ":1: expected 4 or 5 TAB-separated columns"));
    assert_int_equal(load_text("640000\t宁夏\t区\tcurrent\n640000\t宁夏\t区\tcurrent\n", &d, &err),
                     JY_EINVAL);
    assert_non_null(strstr(err.msg, "640000 appears twice"));
    assert_int_equal(load_text("\xEF\xBB\xBF" "640000\t宁夏\t区\tcurrent\r\n", &d, &err), 0);
    assert_string_equal(jy_division_name(d, "640000"), "宁夏");
    jy_divisions_free(d);
    assert_int_equal(jy_divisions_load("/nonexistent-dir", &d, &err), JY_EIO);
    assert_non_null(strstr(err.msg, "/nonexistent-dir/divisions.tsv"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lookups_by_code),
        cmocka_unit_test(all_34_provinces),
        cmocka_unit_test(ningxia_structure),
        cmocka_unit_test(haiyuan_townships),
        cmocka_unit_test(loader_reports_file_and_line),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
