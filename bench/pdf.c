/* bench/pdf — what a printable report costs (issue 13 item 3): a roster-shaped table of N rows
 * (序号, 姓名, 性别, 身份证号, 家庭住址, 培训工种, 起止日期, 金额, 状态) rendered to an A4 PDF by
 * service/pdf, for N = 10, 100, 1000 and 5000: seconds, pages and bytes.
 *
 * Usage: bench_pdf [max rows (default 5000)]. Prints figures; never fails on a time.
 * docs/reports.md quotes them. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/arena.h"
#include "service/pdf.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    long max = argc > 1 ? atol(argv[1]) : 5000;
    static const jy_pdf_col cols[] = {{"序号", 6, JY_PDF_RIGHT},       {"姓名", 10, JY_PDF_LEFT},
                                      {"性别", 6, JY_PDF_LEFT},        {"身份证号", 20, JY_PDF_LEFT},
                                      {"家庭住址", 30, JY_PDF_LEFT},    {"培训工种", 14, JY_PDF_LEFT},
                                      {"培训起止日期", 22, JY_PDF_LEFT}, {"补贴金额（元）", 14, JY_PDF_RIGHT},
                                      {"办理状态", 10, JY_PDF_LEFT}};
    static const char *const sign[] = {"填报人：", "审核人：", "单位（盖章）：", "日期：    年    月    日", NULL};
    enum { NC = sizeof cols / sizeof cols[0] };
    static const long sizes[] = {10, 100, 1000, 5000};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0] && sizes[s] <= max; s++) {
        long n = sizes[s];
        jy_arena *a = jy_arena_new(0);
        const char **cells = jy_arena_alloc(a, (size_t)n * NC * sizeof *cells);
        for (long i = 0; i < n; i++) {
            char b[96];
            const char **r = cells + i * NC;
            snprintf(b, sizeof b, "%ld", i + 1);
            r[0] = jy_arena_strdup(a, b);
            snprintf(b, sizeof b, "学员%ld", i + 1);
            r[1] = jy_arena_strdup(a, b);
            r[2] = i % 2 ? "男" : "女";
            snprintf(b, sizeof b, "640522********%04ld", i % 10000);
            r[3] = jy_arena_strdup(a, b);
            snprintf(b, sizeof b, "宁夏回族自治区中卫市海原县海城镇山门村%ld组%ld号", i % 9 + 1, i % 200 + 1);
            r[4] = jy_arena_strdup(a, b);
            r[5] = "中式烹调师";
            r[6] = "2024-03-11至2024-04-30";
            r[7] = "1,000.00";
            r[8] = "已拨付";
        }
        jy_pdf_table t = {.form = "附件 5-1-3", .title = "培训取证人员花名册", .cols = cols, .ncols = NC,
                          .cells = cells, .nrows = (size_t)n, .sign = sign};
        jy_sb out = JY_SB_INIT;
        jy_err err = {0};
        int pages = 0;
        double t0 = now_s();
        int rc = jy_pdf_table_render(&t, &out, &pages, &err);
        double dt = now_s() - t0;
        if (rc) fprintf(stderr, "bench_pdf: %s\n", err.msg);
        else printf("rows %5ld  pages %4d  bytes %8zu  seconds %.2f\n", n, pages, out.len, dt);
        jy_sb_free(&out);
        jy_arena_free(a);
    }
    return 0;
}
