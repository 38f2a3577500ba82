/* Unit tests of the printable table form (service/pdf): A4 pages portrait or landscape as the
 * columns need, the page count growing with the rows, and bad input refused with its place. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "service/pdf.h"

/* cairo 1.16 loses 768 bytes per embedded CFF font (Noto CJK) when a PDF surface finishes; see
 * tests/lsan_cairo.supp. LeakSanitizer reads this hook at exit. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libcairo.so\n"; }

static const jy_pdf_col cols3[] = {{"序号", 6, JY_PDF_RIGHT}, {"姓名", 10, JY_PDF_LEFT}, {"金额（元）", 12, JY_PDF_RIGHT}};
static const char *const sign[] = {"填报人：", "审核人：", "单位（盖章）：", "日期：", NULL};

static size_t count(const jy_sb *sb, const char *needle)
{
    size_t n = 0, k = strlen(needle);
    const char *s = jy_sb_cstr(sb);
    for (size_t i = 0; i + k <= sb->len; i++)
        if (memcmp(s + i, needle, k) == 0) n++;
    return n;
}

/* The page objects cairo writes ("/Type /Page" not followed by "s"). */
static size_t page_objects(const jy_sb *sb) { return count(sb, "/Type /Page\n") + count(sb, "/Type /Page "); }

static void test_small_table_is_one_portrait_a4_page(void **state)
{
    (void)state;
    const char *cells[] = {"1", "李务工", "1,000.00", "2", "王务工", "2,000.00"};
    const char *total[] = {"合计", "", "3,000.00"};
    const char *heads[] = {"填报单位：海原县就业创业和人才服务局"};
    jy_pdf_table t = {.form = "附件 5-19-2", .title = "花名册", .heads = heads, .nheads = 1, .cols = cols3, .ncols = 3,
                      .cells = cells, .nrows = 2, .total = total, .note = "备注", .sign = sign};
    jy_sb out = JY_SB_INIT;
    jy_err err = {0};
    int pages = -1;
    assert_int_equal(jy_pdf_table_render(&t, &out, &pages, &err), 0);
    assert_int_equal(pages, 1);
    assert_memory_equal(jy_sb_cstr(&out), "%PDF-", 5);
    assert_true(count(&out, "/MediaBox [ 0 0 595.27") == 1); /* 210 mm wide, 297 mm tall */
    assert_true(count(&out, "841.88") >= 1);
    assert_int_equal(page_objects(&out), 1);
    jy_sb_free(&out);
}

static void test_rows_flow_onto_more_pages(void **state)
{
    (void)state;
    enum { N = 200 };
    static char buf[N][3][24];
    const char *cells[N * 3];
    for (int i = 0; i < N; i++) {
        snprintf(buf[i][0], sizeof buf[i][0], "%d", i + 1);
        snprintf(buf[i][1], sizeof buf[i][1], "学员%d", i + 1);
        snprintf(buf[i][2], sizeof buf[i][2], "%d.00", 1000 + i);
        for (int k = 0; k < 3; k++) cells[i * 3 + k] = buf[i][k];
    }
    jy_pdf_table t = {.title = "花名册", .cols = cols3, .ncols = 3, .cells = cells, .nrows = N, .sign = sign};
    jy_sb out = JY_SB_INIT;
    jy_err err = {0};
    int pages = 0;
    assert_int_equal(jy_pdf_table_render(&t, &out, &pages, &err), 0);
    assert_true(pages >= 4); /* at most ~40 rows on a portrait page */
    assert_int_equal(page_objects(&out), (size_t)pages);
    jy_sb_free(&out);
    /* fewer rows, fewer pages */
    t.nrows = 20;
    int few = 0;
    assert_int_equal(jy_pdf_table_render(&t, &out, &few, &err), 0);
    assert_int_equal(few, 1);
    jy_sb_free(&out);
}

static void test_wide_table_turns_landscape(void **state)
{
    (void)state;
    jy_pdf_col wide[14];
    const char *cells[14];
    for (int k = 0; k < 14; k++) {
        wide[k] = (jy_pdf_col){"宁夏回族自治区", 16, JY_PDF_LEFT};
        cells[k] = "宁夏回族自治区中卫市海原县";
    }
    jy_pdf_table t = {.title = "宽表", .cols = wide, .ncols = 14, .cells = cells, .nrows = 1};
    jy_sb out = JY_SB_INIT;
    jy_err err = {0};
    assert_int_equal(jy_pdf_table_render(&t, &out, NULL, &err), 0);
    assert_true(count(&out, "/MediaBox [ 0 0 841.88") == 1);
    jy_sb_free(&out);
    /* asked for portrait, it stays portrait */
    t.orientation = JY_PDF_PORTRAIT;
    assert_int_equal(jy_pdf_table_render(&t, &out, NULL, &err), 0);
    assert_true(count(&out, "/MediaBox [ 0 0 595.27") == 1);
    jy_sb_free(&out);
}

static void test_bad_input_is_refused_with_its_place(void **state)
{
    (void)state;
    const char *cells[] = {"1", "李务工", "1.00", "2", "\xe6\x9d", "2.00"}; /* row 2, column 2: cut UTF-8 */
    jy_pdf_table t = {.title = "花名册", .cols = cols3, .ncols = 3, .cells = cells, .nrows = 2};
    jy_sb out = JY_SB_INIT;
    jy_err err = {0};
    assert_int_equal(jy_pdf_table_render(&t, &out, NULL, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "row 2 column 2"));
    assert_int_equal(out.len, 0);
    t.ncols = 0;
    err = (jy_err){0};
    assert_int_equal(jy_pdf_table_render(&t, &out, NULL, &err), JY_EINVAL);
    assert_non_null(strstr(err.msg, "no columns"));
    jy_sb_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_table_is_one_portrait_a4_page),
        cmocka_unit_test(test_rows_flow_onto_more_pages),
        cmocka_unit_test(test_wide_table_turns_landscape),
        cmocka_unit_test(test_bad_input_is_refused_with_its_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
