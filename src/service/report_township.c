/* report_township.c — the targets report by township (report_township.h), from the store's
 * township tally (store/report_township.h). */
#include "service/report_township.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/report_township.h"

#define MAX_TOWNS 128

typedef struct town_row {
    char code[13];
    jy_report_counts c;
} town_row;

typedef struct town_acc {
    town_row rows[MAX_TOWNS + 1];
    int n;
    const char *county;
    jy_report_counts all; /* the whole county's, for each township's share */
} town_acc;

static town_row *row_of(town_acc *a, const char *code)
{
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->rows[i].code, code) == 0) return &a->rows[i];
    if (a->n > MAX_TOWNS) return NULL;
    town_row *r = &a->rows[a->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->code, sizeof r->code, "%s", code);
    return r;
}

static int on_group(void *ctx, const jy_township_tally *t)
{
    town_acc *a = ctx;
    if (jy_report_state_dropped(t->state)) return 0;
    jy_report_counts_add(&a->all, t->state, t->cases, t->amount);
    /* a township the table does not list (a former code, a mistyped division) keeps its own
     * row, named by its code; no township: the county's row */
    town_row *r = row_of(a, strlen(t->township) == 9 ? t->township : a->county);
    if (!r) return 0; /* more than MAX_TOWNS codes: the rest counted in the county's share only */
    jy_report_counts_add(&r->c, t->state, t->cases, t->amount);
    return 0;
}

static int by_code(const void *x, const void *y)
{
    return strcmp(((const town_row *)x)->code, ((const town_row *)y)->code);
}

enum { C_CODE, C_NAME, C_FILED, C_ACHIEVED, C_PAID, C_SHARE, C_AMOUNT };
_Static_assert(C_AMOUNT == C_FILED + 4, "jy_report_counts_cells fills five cells in a row");

int jy_report_targets_by_township(jy_store *st, const jy_divisions *divs, const char *county, const char *area,
                                  int year, const char *program, jy_report **out, jy_err *err)
{
    *out = NULL;
    town_acc *a = calloc(1, sizeof *a);
    if (!a) return jy_err_set2(err, JY_ENOMEM, "sys.out_of_memory", "out of memory", "内存不足");
    a->county = county;
    /* every current township first, so one with nothing filed shows its zeros */
    if (divs) {
        const jy_division *kids[MAX_TOWNS];
        size_t n = jy_division_children(divs, county, kids, MAX_TOWNS);
        if (n > MAX_TOWNS) n = MAX_TOWNS;
        for (size_t i = 0; i < n; i++)
            if (!kids[i]->former && strlen(kids[i]->code) == 9) row_of(a, kids[i]->code);
    }
    int rc = jy_store_report_township_tally(st, county, year, program, on_group, a, err);
    if (rc) {
        free(a);
        return rc;
    }
    qsort(a->rows, (size_t)a->n, sizeof a->rows[0], by_code);
    jy_report *r = jy_report_new("targets-township", "目标任务完成情况表（分乡镇）", "");
    char rest[128], yr[16] = "全部年度";
    if (year) snprintf(yr, sizeof yr, "%d年", year);
    snprintf(rest, sizeof rest, "    统计范围：%s%s%s", yr, program && *program ? "    项目：" : "", program && *program ? program : "");
    jy_report_unit_head(r, st, county, NULL, rest);
    jy_report_col_add(r, "township", "乡镇代码", 12);
    jy_report_col_add(r, "name", "乡镇", 14);
    jy_report_counts_cols(r, "share", "占全县完成数", 10);
    size_t alen = area ? strlen(area) : 0;
    jy_report_counts sum = {0, 0, 0, 0};
    for (int i = 0; i < a->n; i++) {
        const town_row *t = &a->rows[i];
        if (alen > 6 && strncmp(t->code, area, alen < 9 ? alen : 9) != 0) continue;
        const char *name = divs ? jy_division_name(divs, t->code) : NULL;
        jy_cell *row = jy_report_row(r);
        jy_cell_text(r, &row[C_CODE], t->code);
        jy_cell_text(r, &row[C_NAME], strcmp(t->code, county) == 0 ? "未落到乡镇" : name ? name : t->code);
        jy_report_counts_cells(row, C_FILED, &t->c, a->all.achieved);
        jy_report_counts_sum(&sum, &t->c);
    }
    r->has_total = 1;
    jy_cell_text(r, &r->total[C_CODE], "合计");
    jy_report_counts_cells(r->total, C_FILED, &sum, a->all.achieved);
    r->note = "按案件对象所在乡镇统计（个人按户籍，单位按注册地）；口径同目标任务完成情况表：申报数不含已驳回、撤回、取消的案件，"
              "完成数为已认定、已在岗、已举办或已拨付的案件，培训按学员计。目标任务按县下达，不分解到乡镇。";
    free(a);
    *out = r;
    return 0;
}
