/* report_township.c — the targets report by township (report_township.h), from the store's
 * township tally (store/report_township.h). */
#include "service/report_township.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/settings.h"
#include "store/report_township.h"

#define MAX_TOWNS 128

typedef struct town_row {
    char code[13];
    const char *name;
    int64_t filed, achieved, paid;
    jy_fen paid_amount;
} town_row;

typedef struct town_acc {
    town_row rows[MAX_TOWNS + 1];
    int n;
    const char *county;
    int64_t county_achieved;
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
    int achieved = jy_report_state_achieved(t->state);
    if (achieved) a->county_achieved += t->cases;
    /* a township the table does not list (a former code, a mistyped division) keeps its own
     * row, named by its code; no township: the county's row */
    town_row *r = row_of(a, strlen(t->township) == 9 ? t->township : a->county);
    if (!r) return 0; /* more than MAX_TOWNS codes: the rest counted in the county's share only */
    r->filed += t->cases;
    if (achieved) r->achieved += t->cases;
    if (strcmp(t->state, "paid") == 0) {
        r->paid += t->cases;
        r->paid_amount += t->amount;
    }
    return 0;
}

static int by_code(const void *x, const void *y)
{
    return strcmp(((const town_row *)x)->code, ((const town_row *)y)->code);
}

enum { C_CODE, C_NAME, C_FILED, C_ACHIEVED, C_PAID, C_SHARE, C_AMOUNT };

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
    char h[256], unit[160];
    jy_settings_unit_name(st, county, unit, sizeof unit);
    if (year) snprintf(h, sizeof h, "填报单位：%s    统计范围：%d年%s%s", unit, year, program && *program ? "    项目：" : "",
                       program && *program ? program : "");
    else snprintf(h, sizeof h, "填报单位：%s    统计范围：全部年度%s%s", unit, program && *program ? "    项目：" : "",
                  program && *program ? program : "");
    jy_report_head(r, h);
    jy_report_col_add(r, "township", "乡镇代码", 12);
    jy_report_col_add(r, "name", "乡镇", 14);
    jy_report_col_add(r, "filed", "申报数", 8);
    jy_report_col_add(r, "achieved", "完成数（已认定）", 10);
    jy_report_col_add(r, "paid", "已拨付数", 8);
    jy_report_col_add(r, "share", "占全县完成数", 10);
    jy_report_col_add(r, "paid_amount", "已拨付金额（元）", 16);
    size_t alen = area ? strlen(area) : 0;
    int64_t filed = 0, achieved = 0, paid = 0;
    jy_fen amount = 0;
    for (int i = 0; i < a->n; i++) {
        const town_row *t = &a->rows[i];
        if (alen > 6 && strncmp(t->code, area, alen < 9 ? alen : 9) != 0) continue;
        const char *name = divs ? jy_division_name(divs, t->code) : NULL;
        jy_cell *row = jy_report_row(r);
        jy_cell_text(r, &row[C_CODE], t->code);
        jy_cell_text(r, &row[C_NAME], strcmp(t->code, county) == 0 ? "未落到乡镇" : name ? name : t->code);
        jy_cell_int(&row[C_FILED], t->filed);
        jy_cell_int(&row[C_ACHIEVED], t->achieved);
        jy_cell_int(&row[C_PAID], t->paid);
        jy_cell_pct(&row[C_SHARE], t->achieved, a->county_achieved);
        jy_cell_money(&row[C_AMOUNT], t->paid_amount);
        filed += t->filed;
        achieved += t->achieved;
        paid += t->paid;
        amount += t->paid_amount;
    }
    r->has_total = 1;
    jy_cell_text(r, &r->total[C_CODE], "合计");
    jy_cell_int(&r->total[C_FILED], filed);
    jy_cell_int(&r->total[C_ACHIEVED], achieved);
    jy_cell_int(&r->total[C_PAID], paid);
    jy_cell_pct(&r->total[C_SHARE], achieved, a->county_achieved);
    jy_cell_money(&r->total[C_AMOUNT], amount);
    r->note = "按案件对象所在乡镇统计（个人按户籍，单位按注册地）；口径同目标任务完成情况表：申报数不含已驳回、撤回、取消的案件，"
              "完成数为已认定、已在岗、已举办或已拨付的案件，培训按学员计。目标任务按县下达，不分解到乡镇。";
    free(a);
    *out = r;
    return 0;
}
