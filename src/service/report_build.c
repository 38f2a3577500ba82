/* report_build.c — the reports of issue 5 item 6, built into the report model (report.h):
 * targets against achievements, budget against committed and paid, rosters (花名册) and lists
 * (名单) in the seed's forms, the publicity list (公示名单) and P4's acceptance figures (附件
 * 5-4-2). Figures come from the store's aggregate reads (store/report_store.h), the ledger's
 * budget lines and the policy's targets; docs/reports.md says which figure comes from where. */
#include "service/report.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/division.h"
#include "domain/mask.h"
#include "service/settings.h"
#include "store/placement_store.h"
#include "store/report_store.h"
#include "service/report_township.h"

/* ---------------------------------------------------------------- helpers */

static int prog_num(const char *p)
{
    return p && p[0] == 'P' ? atoi(p + 1) : 0;
}

/* The programme list of the policy (jy_policy_list_json) as a JSON array (caller decrefs). */
static json_t *policy_programs(const jy_policy *pol, jy_err *err)
{
    jy_sb js;
    jy_sb_init(&js);
    jy_policy_list_json(pol, &js);
    json_error_t jerr;
    json_t *root = json_loads(jy_sb_cstr(&js), 0, &jerr);
    jy_sb_free(&js);
    if (!json_is_array(root)) {
        json_decref(root);
        jy_err_set2(err, JY_EINVAL, "report.program_list_json", "policy programme list: not a JSON array (%s)", "政策项目清单：不是 JSON 数组（%s）", jerr.text);
        return NULL;
    }
    return root;
}

static const char *program_title(json_t *progs, const char *id)
{
    size_t i;
    json_t *p;
    json_array_foreach(progs, i, p) {
        const char *pid = json_string_value(json_object_get(p, "program"));
        if (pid && strcmp(pid, id) == 0) return json_string_value(json_object_get(p, "title"));
    }
    return "";
}

static int state_dropped(const char *s)
{
    return strcmp(s, "rejected") == 0 || strcmp(s, "withdrawn") == 0 || strcmp(s, "cancelled") == 0;
}

/* Recognised (认定), in post, held, or paid: the case counts as achieved. */
static int state_achieved(const char *s)
{
    return strcmp(s, "recognised") == 0 || strcmp(s, "paid") == 0 || strcmp(s, "active") == 0 ||
           strcmp(s, "ended") == 0 || strcmp(s, "held") == 0;
}

static const char *level_label(int level)
{
    static const char *const L[] = {"", "一级", "二级", "三级", "四级", "五级"};
    return level >= 1 && level <= 5 ? L[level] : "";
}

/* 等级 and 取得证书 as a certificate reads (国家职业资格 levels): 初级（五级） … 高级技师（一级）. */
static const char *level_full_label(int level)
{
    static const char *const L[] = {"", "高级技师（一级）", "技师（二级）", "高级（三级）", "中级（四级）", "初级（五级）"};
    return level >= 1 && level <= 5 ? L[level] : "";
}

/* A workflow state in Chinese (办理状态); the code itself when unknown. */
static const char *state_label(const char *s)
{
    static const char *const S[][2] = {
        {"filed", "已申报"},           {"county_approved", "县级初审通过"}, {"city_approved", "市级审核通过"},
        {"government_approved", "县政府审定"}, {"publicity", "公示中"},   {"bureau_publicity", "公示中"},
        {"bureau_published", "已公示"}, {"acceptance_publicity", "验收公示中"}, {"recognised", "已认定"},
        {"paid", "已拨付"},            {"rejected", "未通过"},            {"withdrawn", "已撤回"},
        {"cancelled", "已撤销"},       {"recovered", "已追回"},           {"approved", "已批准"},
        {"running", "培训中"},         {"finished", "已结业"},            {"held", "已举办"},
        {"ended", "已结束"},           {"closed", "已结班"},              {"active", "在岗"},
        {"accepted", "已验收"},
    };
    for (size_t i = 0; s && i < sizeof S / sizeof S[0]; i++)
        if (strcmp(S[i][0], s) == 0) return S[i][1];
    return s ? s : "";
}

/* The Chinese label of a coded fact value (policy/facts.rules enums), or the value itself. */
static const char *fact_label(const char *fact, const char *v)
{
    static const char *const F[][3] = {
        {"certificate", "level5", "初级（五级）"},   {"certificate", "level4", "中级（四级）"},
        {"certificate", "level3", "高级（三级）"},   {"certificate", "special_operation", "特种作业操作证"},
        {"certificate", "special_equipment", "特种设备作业人员证"}, {"certificate", "training_pass", "培训合格证书"},
        {"certificate", "special_ability", "专项职业能力证书"},
        {"exam", "pass", "合格"}, {"exam", "fail", "不合格"}, {"exam", "absent", "缺考"},
        {"route", "institution", "培训机构申领"}, {"route", "direct", "直补个人"},
        {"track", "general", "通用"}, {"track", "gouqi", "枸杞技工"}, {"track", "driver", "海原司机"},
        {"p2_group", "rural", "农村劳动力"}, {"p2_group", "unemployed", "登记失业人员"},
        {"p2_group", "hard_to_employ", "就业困难人员"}, {"p2_group", "new_forms", "新业态从业人员"},
        {"p2_group", "entrepreneur", "创业人员"},
        {"target_group", "veteran", "退役军人"}, {"target_group", "disabled", "残疾人"},
        {"hire_group", "rural", "农村劳动力"}, {"hire_group", "hard_to_employ", "就业困难人员"},
        {"hire_group", "graduate", "高校毕业生"}, {"hire_group", "unemployed", "登记失业人员"},
        {"hire_group", "youth_unemployed", "失业青年"}, {"hire_group", "key_group", "重点群体"},
        {"hire_group", "none", "其他"},
        {"wage_arrears", "none", "无"}, {"wage_arrears", "minor", "轻微"}, {"wage_arrears", "serious", "严重"},
    };
    if (!fact || !v) return v;
    for (size_t i = 0; i < sizeof F / sizeof F[0]; i++)
        if (strcmp(F[i][0], fact) == 0 && strcmp(F[i][1], v) == 0) return F[i][2];
    return v;
}

static const char *kind_label(const char *kind)
{
    static const char *const K[][2] = {
        {"individual_claim", "个人培训补贴"}, {"training_class", "开班申请"}, {"trainee_claim", "培训补贴"},
        {"placement", "岗位安置"},            {"monthly_payment", "月度补贴"}, {"employer_reward", "吸纳就业奖补"},
        {"broker_award", "劳务经纪人奖补"},   {"org_award", "评选奖补"},       {"project", "项目制培训"},
        {"event", "活动"},                    {"infrastructure", "建设补贴"},
    };
    for (size_t i = 0; i < sizeof K / sizeof K[0]; i++)
        if (strcmp(K[i][0], kind) == 0) return K[i][1];
    return kind;
}

/* ---------------------------------------------------------------- targets */

/* The sub-target a group of cases counts toward (the labels of the policy's targets), or NULL.
 * P1 by track, else by occupation (P1 四(二) 中式烹调、中式面点、特色牛杂、酿皮 → 海原厨师;
 * 四(三) 养老护理、育婴员、保育师、家政服务员 → 海原家政; everything else → 急需紧缺: 四(一)
 * names 养老护理、育婴员、保育师 too, a reading recorded in docs/reports.md); P2 by p2_group
 * (a course under entrepreneurship → 创业培训); P23 by target_group. */
static const char *subtarget_of(const jy_report_tally *t)
{
    int n = prog_num(t->program);
    if (n == 1) {
        if (strcmp(t->track, "driver") == 0) return "海原司机";
        if (strcmp(t->track, "gouqi") == 0) return "枸杞技工";
        static const char *const chef[] = {"烹调", "面点", "厨", "牛杂", "酿皮"};
        static const char *const home[] = {"家政", "养老护理", "育婴", "保育"};
        for (size_t i = 0; i < sizeof chef / sizeof *chef; i++)
            if (strstr(t->occupation, chef[i])) return "地方特色（海原厨师）";
        for (size_t i = 0; i < sizeof home / sizeof *home; i++)
            if (strstr(t->occupation, home[i])) return "民生领域（海原家政）";
        return "急需紧缺";
    }
    if (n == 2) {
        if (t->entrepreneurship[0] || strcmp(t->p2_group, "entrepreneur") == 0) return "创业培训";
        if (strcmp(t->p2_group, "rural") == 0) return "农村劳动力";
        if (strcmp(t->p2_group, "unemployed") == 0) return "登记失业人员";
        if (strcmp(t->p2_group, "hard_to_employ") == 0) return "就业困难人员";
        if (strcmp(t->p2_group, "new_forms") == 0) return "新业态从业人员";
        return NULL;
    }
    if (n == 23) {
        if (strcmp(t->target_group, "veteran") == 0) return "退役军人";
        if (strcmp(t->target_group, "disabled") == 0) return "残疾人";
    }
    return NULL;
}

typedef struct tally_vec {
    jy_report_tally *v;
    size_t n, cap;
} tally_vec;

static int on_tally(void *ctx, const jy_report_tally *t)
{
    tally_vec *tv = ctx;
    if (tv->n == tv->cap) {
        size_t cap = tv->cap ? tv->cap * 2 : 64;
        jy_report_tally *n = realloc(tv->v, cap * sizeof *n);
        if (!n) abort();
        tv->v = n;
        tv->cap = cap;
    }
    tv->v[tv->n++] = *t;
    return 0;
}

typedef jy_report_counts counts;

void jy_report_counts_add(jy_report_counts *c, const char *state, int64_t cases, jy_fen amount)
{
    if (state_dropped(state)) return;
    c->filed += cases;
    if (state_achieved(state)) c->achieved += cases;
    if (strcmp(state, "paid") == 0) {
        c->paid += cases;
        c->paid_amount += amount;
    }
}

void jy_report_counts_sum(jy_report_counts *to, const jy_report_counts *c)
{
    to->filed += c->filed;
    to->achieved += c->achieved;
    to->paid += c->paid;
    to->paid_amount += c->paid_amount;
}

void jy_report_counts_cols(jy_report *r, const char *pct_key, const char *pct_title, int pct_width)
{
    jy_report_col_add(r, "filed", "申报数", 8);
    jy_report_col_add(r, "achieved", "完成数（已认定）", 10);
    jy_report_col_add(r, "paid", "已拨付数", 8);
    jy_report_col_add(r, pct_key, pct_title, pct_width);
    jy_report_col_add(r, "paid_amount", "已拨付金额（元）", 16);
}

void jy_report_counts_cells(jy_cell *row, int col, const jy_report_counts *c, int64_t base)
{
    jy_cell_int(&row[col], c->filed);
    jy_cell_int(&row[col + 1], c->achieved);
    jy_cell_int(&row[col + 2], c->paid);
    jy_cell_pct(&row[col + 3], c->achieved, base);
    jy_cell_money(&row[col + 4], c->paid_amount);
}

void jy_report_unit_head(jy_report *r, jy_store *st, const char *county, const char *label, const char *rest)
{
    char h[512], unit[160];
    jy_settings_unit_name(st, county, unit, sizeof unit);
    snprintf(h, sizeof h, "%s：%s%s", label ? label : "填报单位", unit, rest ? rest : "");
    jy_report_head(r, h);
}

/* Counts of program's groups in year (0: all years) toward sub-target sub (NULL: all). */
static counts count_groups(const tally_vec *tv, const char *program, int year, const char *sub)
{
    counts c = {0, 0, 0, 0};
    for (size_t i = 0; i < tv->n; i++) {
        const jy_report_tally *t = &tv->v[i];
        if (strcmp(t->program, program) != 0 || (year && t->year != year) || state_dropped(t->state)) continue;
        if (sub) {
            const char *s = subtarget_of(t);
            if (!s || strcmp(s, sub) != 0) continue;
        }
        jy_report_counts_add(&c, t->state, t->cases, t->amount);
    }
    return c;
}

enum { T_PROG, T_TITLE, T_YEAR, T_SUB, T_TARGET, T_FILED, T_ACHIEVED, T_PAID, T_RATE, T_AMOUNT, T_NOTE, T_CLAUSE };
_Static_assert(T_AMOUNT == T_FILED + 4, "jy_report_counts_cells fills five cells in a row");

/* tot (may be NULL): the 合计 the row's figures add to — main rows only, so a sub-target, the
 * sum of the yearly targets and a year inside a period are not counted twice. */
static void target_row(jy_report *r, const char *prog, const char *title, const char *year, const char *sub,
                       int64_t target, const counts *c, const char *note, const char *clause, counts *tot)
{
    if (tot && c) jy_report_counts_sum(tot, c);
    jy_cell *row = jy_report_row(r);
    jy_cell_text(r, &row[T_PROG], prog);
    jy_cell_text(r, &row[T_TITLE], title);
    jy_cell_text(r, &row[T_YEAR], year);
    jy_cell_text(r, &row[T_SUB], sub);
    jy_cell_int(&row[T_TARGET], target);
    if (c) jy_report_counts_cells(row, T_FILED, c, target);
    jy_cell_text(r, &row[T_NOTE], note);
    jy_cell_text(r, &row[T_CLAUSE], clause);
}

/* "退役军人50 + 残疾人50" → two labels and counts; 0 when what has another shape. */
static int split_what(const char *what, char lab[2][64], int64_t num[2])
{
    const char *plus = strstr(what, " + ");
    if (!plus) return 0;
    const char *part[2] = {what, plus + 3};
    size_t len[2] = {(size_t)(plus - what), strlen(plus + 3)};
    for (int k = 0; k < 2; k++) {
        size_t d = len[k];
        while (d > 0 && part[k][d - 1] >= '0' && part[k][d - 1] <= '9') d--;
        if (d == len[k] || d == 0 || d >= 64) return 0;
        memcpy(lab[k], part[k], d);
        lab[k][d] = '\0';
        num[k] = strtoll(part[k] + d, NULL, 10);
    }
    return 1;
}

/* ---- programme periods (实施期): policy/periods.txt ---- */

typedef struct prog_period {
    char program[16];
    jy_date from, to;
    char clause[128];
} prog_period;

#define MAX_PERIODS 64

/* Reads dir/periods.txt: `period P13 2023-09-01 2024-08-31 "P13 二(一)"` lines ('#' comments).
 * A missing file is no periods; a bad line is JY_EINVAL "FILE:LINE: reason". */
static int load_periods(const char *dir, prog_period *out, int *n, jy_err *err)
{
    *n = 0;
    char path[1024];
    snprintf(path, sizeof path, "%s/periods.txt", dir && *dir ? dir : ".");
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[512];
    int ln = 0, rc = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        char *h = strchr(line, '#');
        if (h && !memchr(line, '"', (size_t)(h - line))) *h = '\0';
        char prog[16] = "", a[16] = "", b[16] = "", clause[128] = "";
        int k = sscanf(line, " period %15s %15s %15s \"%127[^\"]\"", prog, a, b, clause);
        if (k == EOF || (k <= 0 && strspn(line, " \t\r\n") == strlen(line))) continue;
        prog_period p;
        memset(&p, 0, sizeof p);
        jy_err e;
        if (k < 3 || prog[0] != 'P' || prog_num(prog) <= 0 || jy_date_parse_n(a, strlen(a), &p.from, &e) != 0 ||
            jy_date_parse_n(b, strlen(b), &p.to, &e) != 0 || p.to < p.from) {
            rc = jy_err_set2(err, JY_EINVAL, "report.period_syntax", "%s:%d: expected: period P13 2023-09-01 2024-08-31 \"clause\" (a programme, two dates in order)", "%s 第%d行：格式应为 period P13 2023-09-01 2024-08-31 \"条款\"（一个项目，两个先后有序的日期）",
                            path, ln);
            break;
        }
        if (*n == MAX_PERIODS) {
            rc = jy_err_set2(err, JY_EINVAL, "report.too_many_periods", "%s:%d: more than %d periods", "%s 第%d行：期间超过 %d 个", path, ln, MAX_PERIODS);
            break;
        }
        snprintf(p.program, sizeof p.program, "%s", prog);
        snprintf(p.clause, sizeof p.clause, "%s", clause);
        out[(*n)++] = p;
    }
    fclose(f);
    return rc;
}

static const prog_period *period_of(const prog_period *v, int n, const char *program)
{
    for (int i = 0; i < n; i++)
        if (strcmp(v[i].program, program) == 0) return &v[i];
    return NULL;
}

int jy_report_targets(jy_store *st, const jy_policy *pol, const char *county, int year, const char *program,
                      jy_report **out, jy_err *err)
{
    return jy_report_targets_from(st, pol, NULL, county, year, program, 0, out, err);
}

int jy_report_targets_in(jy_store *st, const jy_policy *pol, const char *policy_dir, const char *county, int year,
                         const char *program, jy_report **out, jy_err *err)
{
    return jy_report_targets_from(st, pol, policy_dir, county, year, program, 0, out, err);
}

/* ---- the counters against the recount ---- */

static int tally_cmp(const void *a, const void *b)
{
    const jy_report_tally *x = a, *y = b;
    int c;
    if ((c = strcmp(x->program, y->program))) return c;
    if (x->year != y->year) return x->year < y->year ? -1 : 1;
    if ((c = strcmp(x->kind, y->kind))) return c;
    if ((c = strcmp(x->state, y->state))) return c;
    if ((c = strcmp(x->occupation, y->occupation))) return c;
    if ((c = strcmp(x->track, y->track))) return c;
    if ((c = strcmp(x->p2_group, y->p2_group))) return c;
    if ((c = strcmp(x->entrepreneurship, y->entrepreneurship))) return c;
    return strcmp(x->target_group, y->target_group);
}

static void tally_json(jy_sb *out, const jy_report_tally *t)
{
    jy_sb_json_kv_str(out, "program", t->program);
    jy_sb_json_kv_i64(out, "year", t->year);
    jy_sb_json_kv_str(out, "kind", t->kind);
    jy_sb_json_kv_str(out, "state", t->state);
    jy_sb_json_kv_str(out, "occupation", t->occupation);
    jy_sb_json_kv_str(out, "track", t->track);
    jy_sb_json_kv_str(out, "p2_group", t->p2_group);
    jy_sb_json_kv_str(out, "entrepreneurship", t->entrepreneurship);
    jy_sb_json_kv_str(out, "target_group", t->target_group);
}

int jy_report_counters_check(jy_store *st, const char *county, jy_sb *out, int64_t *differences, jy_err *err)
{
    tally_vec kept = {NULL, 0, 0}, re = {NULL, 0, 0};
    int64_t nd = 0;
    /* both reads inside one write transaction: it holds the writer lock (SQLite BEGIN IMMEDIATE,
     * PostgreSQL's advisory lock), so no case moves between them; writers wait for the recount */
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    if ((rc = jy_store_report_counters(st, county, 0, NULL, on_tally, &kept, err)) ||
        (rc = jy_store_report_tally(st, county, 0, NULL, on_tally, &re, err))) {
        jy_store_rollback(st, NULL);
        goto done;
    }
    if ((rc = jy_store_commit(st, err))) goto done;
    if (kept.n) qsort(kept.v, kept.n, sizeof *kept.v, tally_cmp);
    if (re.n) qsort(re.v, re.n, sizeof *re.v, tally_cmp);
    jy_sb_appendc(out, '{');
    jy_sb_json_kv_str(out, "county", county);
    jy_sb_json_kv_i64(out, "groups", (int64_t)kept.n);
    jy_sb_json_kv_i64(out, "recounted_groups", (int64_t)re.n);
    jy_sb_json_key(out, "differences");
    jy_sb_appendc(out, '[');
    for (size_t i = 0, j = 0; i < kept.n || j < re.n;) {
        int c = i == kept.n ? 1 : j == re.n ? -1 : tally_cmp(&kept.v[i], &re.v[j]);
        const jy_report_tally *k = c <= 0 ? &kept.v[i] : NULL, *r = c >= 0 ? &re.v[j] : NULL;
        if (k) i++;
        if (r) j++;
        if (k && r && k->cases == r->cases && k->amount == r->amount) continue;
        nd++;
        if (nd > 1) jy_sb_appendc(out, ',');
        jy_sb_appendc(out, '{');
        tally_json(out, k ? k : r);
        jy_sb_json_kv_i64(out, "counted_cases", k ? k->cases : 0);
        jy_sb_json_kv_i64(out, "recounted_cases", r ? r->cases : 0);
        jy_sb_json_kv_i64(out, "counted_amount_fen", k ? k->amount : 0);
        jy_sb_json_kv_i64(out, "recounted_amount_fen", r ? r->amount : 0);
        jy_sb_appendc(out, '}');
    }
    jy_sb_append(out, "]}");
    *differences = nd;
done:
    free(kept.v);
    free(re.v);
    return rc;
}

int jy_report_targets_from(jy_store *st, const jy_policy *pol, const char *policy_dir, const char *county, int year,
                           const char *program, int recount, jy_report **out, jy_err *err)
{
    int rc = 0;
    prog_period periods[MAX_PERIODS];
    int nperiods = 0;
    counts tot = {0, 0, 0, 0};
    const char *pdir = policy_dir && *policy_dir ? policy_dir : getenv("JIUYE_POLICY");
    if (!pdir || !*pdir) pdir = JY_POLICY_DIR;
    if ((rc = load_periods(pdir, periods, &nperiods, err))) {
        *out = NULL;
        return rc;
    }
    tally_vec tv = {NULL, 0, 0};
    jy_report *r = NULL;
    json_t *progs = policy_programs(pol, err);
    if (!progs) return err->code;
    if ((rc = recount ? jy_store_report_tally(st, county, 0, program, on_tally, &tv, err)
                      : jy_store_report_counters(st, county, 0, program, on_tally, &tv, err)))
        goto done;
    r = jy_report_new("targets", "公共就业服务能力提升示范项目目标任务完成情况表", "");
    {
        char rest[64];
        if (year) snprintf(rest, sizeof rest, "    统计范围：%d年", year);
        else snprintf(rest, sizeof rest, "    统计范围：2023—2024年");
        jy_report_unit_head(r, st, county, NULL, rest);
    }
    jy_report_col_add(r, "program", "项目编号", 8);
    jy_report_col_add(r, "title", "项目名称", 30);
    jy_report_col_add(r, "year", "年度", 12);
    jy_report_col_add(r, "subtarget", "子目标", 20);
    jy_report_col_add(r, "target", "目标任务数", 10);
    jy_report_counts_cols(r, "rate", "完成率", 9);
    jy_report_col_add(r, "note", "说明", 24);
    jy_report_col_add(r, "clause", "依据", 12);
    size_t i;
    json_t *p;
    json_array_foreach(progs, i, p) {
        const char *id = json_string_value(json_object_get(p, "program"));
        const char *title = json_string_value(json_object_get(p, "title"));
        if (!id || (program && *program && strcmp(program, id) != 0)) continue;
        json_t *targets = json_object_get(p, "targets"), *t;
        size_t k;
        int nyears = 0;
        int64_t year_sum = 0;
        const prog_period *pp = period_of(periods, nperiods, id);
        json_array_foreach(targets, k, t) {
            json_t *y = json_object_get(t, "year");
            if (!json_is_integer(y)) continue;
            int ty = (int)json_integer_value(y);
            int64_t cnt = json_integer_value(json_object_get(t, "count"));
            const char *what = json_string_value(json_object_get(t, "what"));
            const char *clause = json_string_value(json_object_get(t, "clause"));
            nyears++;
            year_sum += cnt;
            if (pp) {
                /* a cohort target of the programme's own period (P13: 2023-09 — 2024-08): shown for
                 * every year the period touches, counting the cases of the whole period */
                int fy, fm, fd, ty2, tm, td;
                jy_date_to_ymd(pp->from, &fy, &fm, &fd);
                jy_date_to_ymd(pp->to, &ty2, &tm, &td);
                if (year && (year < fy || year > ty2)) continue;
                counts c = {0, 0, 0, 0};
                for (int yy = fy; yy <= ty2; yy++) {
                    counts cy = count_groups(&tv, id, yy, NULL);
                    jy_report_counts_sum(&c, &cy);
                }
                char ys[48];
                snprintf(ys, sizeof ys, "%04d-%02d—%04d-%02d", fy, fm, ty2, tm);
                jy_sb note = JY_SB_INIT;
                jy_sb_appendf(&note, "%s%s按项目实施期统计（%s）", what ? what : "", what && *what ? "；" : "",
                              pp->clause[0] ? pp->clause : "policy/periods.txt");
                target_row(r, id, title, ys, "", cnt, &c, jy_sb_cstr(&note), clause, &tot);
                jy_sb_free(&note);
                continue;
            }
            if (year && ty != year) continue;
            char ys[16];
            snprintf(ys, sizeof ys, "%d", ty);
            char lab[2][64];
            int64_t num[2];
            int split = what && split_what(what, lab, num);
            counts c = count_groups(&tv, id, ty, NULL);
            target_row(r, id, title, ys, "", cnt, &c, split ? "" : what ? what : "", clause, &tot);
            for (int s = 0; split && s < 2; s++) {
                counts cs = count_groups(&tv, id, ty, lab[s]);
                target_row(r, id, title, ys, lab[s], num[s], &cs, "", clause, NULL);
            }
        }
        if (!year && nyears >= 2 && !pp) {
            counts c = count_groups(&tv, id, 0, NULL);
            target_row(r, id, title, "2023—2024", "", year_sum, &c, "各年度目标之和", "", NULL);
        }
        if (year) continue; /* targets of the whole period (2023—2024) are not split by year */
        json_array_foreach(targets, k, t) {
            if (json_is_integer(json_object_get(t, "year"))) continue;
            int64_t cnt = json_integer_value(json_object_get(t, "count"));
            const char *what = json_string_value(json_object_get(t, "what"));
            const char *clause = json_string_value(json_object_get(t, "clause"));
            int n = prog_num(id);
            if (what && (n == 1 || n == 2)) {
                counts c = count_groups(&tv, id, 0, what);
                target_row(r, id, title, "2023—2024", what, cnt, &c, "", clause, NULL);
            } else if (what && strncmp(what, "带动就业", strlen("带动就业")) == 0) {
                /* jobs created by the bases: not recorded per case, so no achieved figure */
                target_row(r, id, title, "2023—2024", what, cnt, NULL, "带动就业人数未逐人登记，不统计", clause, NULL);
            } else {
                counts c = count_groups(&tv, id, 0, NULL);
                target_row(r, id, title, "2023—2024", "", cnt, &c, what ? what : "", clause, &tot);
            }
        }
    }
    r->has_total = 1;
    jy_cell_text(r, &r->total[T_PROG], "合计");
    jy_cell_text(r, &r->total[T_TITLE], "各项目（不含子目标与年度之和行）");
    jy_cell_int(&r->total[T_FILED], tot.filed);
    jy_cell_int(&r->total[T_ACHIEVED], tot.achieved);
    jy_cell_int(&r->total[T_PAID], tot.paid);
    jy_cell_money(&r->total[T_AMOUNT], tot.paid_amount);
    r->note = "申报数不含已驳回、撤回、取消的案件；完成数为已认定、已在岗、已举办或已拨付的案件；培训按学员计（开班申请不计），岗位按人计（月度补贴不计）。";
done:
    free(tv.v);
    json_decref(progs);
    if (rc) {
        jy_report_free(r);
        r = NULL;
    }
    *out = r;
    return rc;
}

/* ---------------------------------------------------------------- budget */

typedef struct line_vec {
    jy_ledger_line *v;
    size_t n, cap;
} line_vec;

static int on_line(void *ctx, const jy_ledger_line *l)
{
    line_vec *lv = ctx;
    if (lv->n == lv->cap) {
        size_t cap = lv->cap ? lv->cap * 2 : 64;
        jy_ledger_line *n = realloc(lv->v, cap * sizeof *n);
        if (!n) abort();
        lv->v = n;
        lv->cap = cap;
    }
    lv->v[lv->n++] = *l;
    return 0;
}

static int line_cmp(const void *a, const void *b)
{
    const jy_ledger_line *x = a, *y = b;
    int px = prog_num(x->program), py = prog_num(y->program);
    if (px != py) return px < py ? -1 : 1;
    if (x->year != y->year) return x->year < y->year ? -1 : 1;
    return x->source - y->source;
}

enum { B_PROG, B_TITLE, B_YEAR, B_SOURCE, B_BUDGET, B_COMMITTED, B_PAID, B_USED, B_AVAILABLE, B_RATE };

static void budget_cells(jy_report *r, jy_cell *row, const int64_t bal[JY_ACCT__COUNT])
{
    (void)r;
    jy_fen budget = -bal[JY_ACCT_BUDGET];
    jy_cell_money(&row[B_BUDGET], budget);
    jy_cell_money(&row[B_COMMITTED], bal[JY_ACCT_COMMITTED]);
    jy_cell_money(&row[B_PAID], bal[JY_ACCT_PAID]);
    jy_cell_money(&row[B_USED], bal[JY_ACCT_COMMITTED] + bal[JY_ACCT_PAID]);
    jy_cell_money(&row[B_AVAILABLE], bal[JY_ACCT_AVAILABLE]);
    jy_cell_pct(&row[B_RATE], bal[JY_ACCT_PAID], budget);
}

int jy_report_budget(jy_store *st, const jy_policy *pol, const char *county, int year, const char *program,
                     jy_report **out, jy_err *err)
{
    int rc = 0;
    line_vec lv = {NULL, 0, 0};
    jy_report *r = NULL;
    json_t *progs = policy_programs(pol, err);
    if (!progs) return err->code;
    if ((rc = jy_store_ledger_lines(st, county, program && *program ? program : NULL, year, on_line, &lv, err)))
        goto done;
    if (lv.n > 1) qsort(lv.v, lv.n, sizeof *lv.v, line_cmp);
    r = jy_report_new("budget", "就业补助资金预算执行情况表（按资金来源）", "");
    {
        char rest[64];
        if (year) snprintf(rest, sizeof rest, "    年度：%d    单位：元", year);
        else snprintf(rest, sizeof rest, "    年度：全部    单位：元");
        jy_report_unit_head(r, st, county, NULL, rest);
    }
    jy_report_col_add(r, "program", "项目编号", 8);
    jy_report_col_add(r, "title", "项目名称", 30);
    jy_report_col_add(r, "year", "年度", 8);
    jy_report_col_add(r, "source", "资金来源", 10);
    jy_report_col_add(r, "budget", "预算金额（元）", 16);
    jy_report_col_add(r, "committed", "已审批未拨付（元）", 16);
    jy_report_col_add(r, "paid", "已拨付（元）", 16);
    jy_report_col_add(r, "used", "已使用合计（元）", 16);
    jy_report_col_add(r, "available", "可用余额（元）", 16);
    jy_report_col_add(r, "rate", "拨付进度", 10);
    int64_t by_source[JY_FUND__COUNT][JY_ACCT__COUNT];
    int has_source[JY_FUND__COUNT] = {0};
    int64_t all[JY_ACCT__COUNT] = {0};
    memset(by_source, 0, sizeof by_source);
    for (size_t i = 0; i < lv.n; i++) {
        const jy_ledger_line *l = &lv.v[i];
        jy_cell *row = jy_report_row(r);
        char ys[16];
        snprintf(ys, sizeof ys, "%d", l->year);
        jy_cell_text(r, &row[B_PROG], l->program);
        jy_cell_text(r, &row[B_TITLE], program_title(progs, l->program));
        jy_cell_text(r, &row[B_YEAR], ys);
        jy_cell_text(r, &row[B_SOURCE], jy_fund_source_label(l->source));
        budget_cells(r, row, l->bal);
        if (l->source >= 0 && l->source < JY_FUND__COUNT) {
            has_source[l->source] = 1;
            for (int a = 0; a < JY_ACCT__COUNT; a++) by_source[l->source][a] += l->bal[a];
        }
        for (int a = 0; a < JY_ACCT__COUNT; a++) all[a] += l->bal[a];
    }
    for (int s = 0; s < JY_FUND__COUNT; s++) {
        if (!has_source[s]) continue;
        jy_cell *row = jy_report_row(r);
        jy_cell_text(r, &row[B_PROG], "小计");
        jy_cell_text(r, &row[B_TITLE], "按资金来源");
        jy_cell_text(r, &row[B_SOURCE], jy_fund_source_label(s));
        budget_cells(r, row, by_source[s]);
    }
    r->has_total = 1;
    jy_cell_text(r, &r->total[B_PROG], "合计");
    budget_cells(r, r->total, all);
    r->note = "已审批未拨付：审批（认定）后尚未拨付的金额；已拨付为拨付金额减去追回；可用余额 = 预算 − 已审批未拨付 − 已拨付。";
done:
    free(lv.v);
    json_decref(progs);
    if (rc) {
        jy_report_free(r);
        r = NULL;
    }
    *out = r;
    return rc;
}

/* ---------------------------------------------------------------- rosters and lists */

enum src {
    S_SEQ = 1, S_NAME, S_SEX, S_ETHNICITY, S_EDUCATION, S_IDCARD, S_HUKOU_KIND, S_HUKOU_PLACE, S_ADDRESS, S_PHONE,
    S_PERIOD,       /* start_on 至 end_on */
    S_PERIOD_MONTH, /* 2024-03 至 2024-08 */
    S_FACT_TEXT, S_FACT_MONEY, S_FACT_BOOL, S_FACT_INT,
    S_FACT_CODE,    /* a coded fact (facts.rules enum) shown by its Chinese label: 取得证书 初级（五级） */
    S_LEVEL_FULL,   /* 等级 as 初级（五级） */
    S_OCCUPATION, S_LEVEL, S_AMOUNT, S_STATE, S_BLANK,
    S_ORG_NAME, S_ORG_ADDRESS, S_ORG_PHONE,
    S_DAYS_ON_DUTY, S_DAYS_LEAVE, /* sums over the placement's monthly payments */
    S_ORG_BANK, S_ORG_ACCOUNT,    /* the organisation's basic account: 开户行, 账号 (registry) */
    S_FACT_PCT,     /* a ratio fact ("86%", "0.86", 86) as a percentage */
    S_FACT_RATE,    /* fact "a/b": the fact a over the fact b as a percentage (留用率) */
};

typedef struct form_col {
    const char *key, *title;
    int src;
    const char *fact; /* S_FACT_*: the fact's name; S_ORG_*: a fact that overrides the registry */
    int width;
} form_col;

typedef struct form_def {
    const char *id, *program, *title;
    int workers;      /* 1: rows are the persons under an award case (child cases with a person) */
    int orgs;         /* 1: rows are organisations (a list, 名单) */
    const char *kind; /* rows of this case kind only, or NULL */
    const char *unit_label; /* heading: "填报单位" … */
    form_col cols[16];
} form_def;

static const form_def forms[] = {
    {"5-7-2", "P7", "零工驿站名单", 0, 1, NULL, "填报单位",
     {{"seq", "序号", S_SEQ, NULL, 6}, {"station", "申请站点名称", S_ORG_NAME, "station_name", 28},
      {"address", "详细地址", S_ORG_ADDRESS, "address", 30}, {"staff", "站点业务工作人员", S_FACT_TEXT, "staff", 16},
      {"phone", "联系方式", S_ORG_PHONE, "phone", 14}, {"remark", "备注", S_BLANK, NULL, 12}}},
    {"5-8-3", "P8", "劳务服务中心外出务工人员花名册", 1, 0, NULL, "填报单位",
     {{"seq", "序号", S_SEQ, NULL, 6}, {"name", "姓名", S_NAME, NULL, 10}, {"sex", "性别", S_SEX, NULL, 6},
      {"ethnicity", "民族", S_ETHNICITY, NULL, 8}, {"education", "文化程度", S_EDUCATION, NULL, 10},
      {"idcard", "身份证号", S_IDCARD, NULL, 20}, {"hukou_kind", "户籍性质", S_HUKOU_KIND, NULL, 8},
      {"hukou_place", "户籍所在地", S_HUKOU_PLACE, NULL, 16}, {"period", "务工时间", S_PERIOD, NULL, 24},
      {"post", "从事岗位", S_FACT_TEXT, "post", 14}, {"income", "月收入", S_FACT_MONEY, "monthly_income", 12},
      {"insured", "是否缴纳社保", S_FACT_BOOL, "insured", 10}, {"phone", "联系电话", S_PHONE, NULL, 14},
      {"remark", "备注", S_BLANK, NULL, 10}}},
    {"5-10-2", "P10", "大学生社会实践、跟岗学习活动考勤表", 0, 0, "placement", "填报单位（盖章）",
     {{"seq", "序号", S_SEQ, NULL, 6}, {"name", "姓名", S_NAME, NULL, 10}, {"sex", "性别", S_SEX, NULL, 6},
      {"idcard", "身份证号码", S_IDCARD, NULL, 20}, {"period", "服务时间", S_PERIOD, NULL, 24},
      {"days_on_duty", "在岗天数（出勤）", S_DAYS_ON_DUTY, NULL, 10},
      {"days_leave", "在岗天数（事假）", S_DAYS_LEAVE, NULL, 10}, {"signature", "本人签字", S_BLANK, NULL, 10},
      {"remark", "备注", S_BLANK, NULL, 10}}},
    {"5-15-3", "P14", "参加就业见习人员花名册", 0, 0, "placement", "用人单位名称（盖章）",
     {{"seq", "序号", S_SEQ, NULL, 6}, {"name", "姓名", S_NAME, NULL, 10}, {"idcard", "身份证号", S_IDCARD, NULL, 20},
      {"post", "见习岗位", S_FACT_TEXT, "post", 14}, {"period", "见习起止年月", S_PERIOD_MONTH, NULL, 18},
      {"retained", "是否留用", S_FACT_BOOL, "retained", 8},
      {"contract", "如留用，签订合同起止日期", S_FACT_TEXT, "contract_period", 22},
      {"employed", "未留用，是否实现就业", S_FACT_BOOL, "employed", 12},
      {"employer", "如就业，请提供就业单位名称", S_FACT_TEXT, "employer", 24}, {"remark", "备注", S_BLANK, NULL, 10}}},
    /* 附件 5-15-4: the county's recommendation list of its best traineeship bases (P15 二 / 四),
     * one row per P15 case; 留用率 is computed (retained_count / trainees, exact), the rest from
     * the case's facts and the organisation's basic account */
    {"5-15-4", "P15", "中卫市优秀就业见习基地推荐名单汇总表", 0, 1, NULL, "推荐部门（盖章）",
     {{"seq", "序号", S_SEQ, NULL, 6}, {"base", "用人单位名称", S_ORG_NAME, NULL, 28},
      {"trainees", "见习人数", S_FACT_INT, "trainees", 10}, {"retained", "期满留用数", S_FACT_INT, "retained_count", 10},
      {"retention", "留用率", S_FACT_RATE, "retained_count/trainees", 10},
      {"employment_rate", "见习终止或期满就业率", S_FACT_PCT, "employment_rate", 14},
      {"score", "评价分值", S_FACT_INT, "score", 10}, {"bank", "开户行", S_ORG_BANK, NULL, 20},
      {"account", "账号", S_ORG_ACCOUNT, NULL, 24}, {"remark", "备注", S_BLANK, NULL, 10}}},
    {"5-17-2", "P17", "带动就业人员花名册", 1, 0, NULL, "申请企业名称",
     {{"name", "姓名", S_NAME, NULL, 10}, {"idcard", "身份证号", S_IDCARD, NULL, 20},
      {"post", "工作内容", S_FACT_TEXT, "post", 16}, {"income", "月工资收入", S_FACT_MONEY, "monthly_income", 12},
      {"insured", "是否缴纳社保", S_FACT_BOOL, "insured", 10}, {"phone", "联系电话", S_PHONE, NULL, 14}}},
    {"5-19-2", "P19", "劳动力转移就业花名册", 1, 0, NULL, "填报单位",
     {{"seq", "序号", S_SEQ, NULL, 6}, {"name", "姓名", S_NAME, NULL, 10}, {"idcard", "身份证号", S_IDCARD, NULL, 20},
      {"address", "家庭住址", S_ADDRESS, NULL, 24}, {"employer", "就业单位", S_FACT_TEXT, "employer", 24},
      {"period", "就业起止年月", S_PERIOD_MONTH, NULL, 18}, {"post", "工作岗位", S_FACT_TEXT, "post", 14},
      {"income", "平均月工资", S_FACT_MONEY, "monthly_income", 12}, {"remark", "备注", S_BLANK, NULL, 10}}},
    {"5-20-2", "P20", "帮扶车间带动就业花名册", 1, 0, NULL, "填报单位（盖章）",
     {{"seq", "序号", S_SEQ, NULL, 6}, {"name", "姓名", S_NAME, NULL, 10}, {"idcard", "身份证号", S_IDCARD, NULL, 20},
      {"hukou_kind", "户籍性质", S_HUKOU_KIND, NULL, 8}, {"hukou_place", "户籍地址", S_HUKOU_PLACE, NULL, 18},
      {"address", "常住地址", S_ADDRESS, NULL, 20}, {"period", "在车间工作起止时间", S_PERIOD, NULL, 24},
      {"post", "岗位", S_FACT_TEXT, "post", 12}, {"income", "月收入（元/人/月）", S_FACT_MONEY, "monthly_income", 14},
      {"category", "人员类别", S_FACT_TEXT, "person_category", 12}, {"phone", "联系方式", S_PHONE, NULL, 14},
      {"signature", "本人签字", S_BLANK, NULL, 10}, {"remark", "备注", S_BLANK, NULL, 10}}},
    {"5-25-2", "P25", "村（社区）就业服务平台名单", 0, 1, NULL, "填报单位",
     {{"seq", "序号", S_SEQ, NULL, 6}, {"platform", "就业服务平台名称", S_ORG_NAME, "platform_name", 28},
      {"address", "详细地址", S_ORG_ADDRESS, "address", 30}, {"staff", "平台业务工作人员", S_FACT_TEXT, "staff", 16},
      {"phone", "联系方式", S_ORG_PHONE, "phone", 14}, {"remark", "备注", S_BLANK, NULL, 12}}},
};

/* Training rosters of P1, P2 and P23: the seed names the 培训取证人员花名册 (P1 七) without a
 * form, so this layout is jiuye's. */
static const form_def training_form = {
    "training", "", "培训取证人员花名册", 0, 0, NULL, "填报单位",
    {{"seq", "序号", S_SEQ, NULL, 6}, {"name", "姓名", S_NAME, NULL, 10}, {"sex", "性别", S_SEX, NULL, 6},
     {"idcard", "身份证号", S_IDCARD, NULL, 20}, {"phone", "联系电话", S_PHONE, NULL, 14},
     {"body", "培训机构", S_ORG_NAME, NULL, 24}, {"occupation", "培训工种", S_OCCUPATION, NULL, 16},
     {"level", "等级", S_LEVEL_FULL, NULL, 12}, {"period", "培训起止日期", S_PERIOD, NULL, 24},
     {"certificate", "取得证书", S_FACT_CODE, "certificate", 16}, {"amount", "补贴金额（元）", S_AMOUNT, NULL, 14},
     {"state", "办理状态", S_STATE, NULL, 12}, {"remark", "备注", S_BLANK, NULL, 10}}};

/* P13 (高校毕业生到机关事业单位实习): the seed gives no roster form (P13 二(三) names the
 * 实习网络报名表 only), so these two layouts are jiuye's: the roster of the interns (one row per
 * placement case) and the month's allowance sheet (发放表, jy_report_roster with q->month). */
static const form_def p13_roster_form = {
    "p13-roster", "P13", "高校毕业生到机关事业单位实习人员花名册", 0, 0, "placement", "填报单位",
    {{"seq", "序号", S_SEQ, NULL, 6}, {"name", "姓名", S_NAME, NULL, 10}, {"sex", "性别", S_SEX, NULL, 6},
     {"idcard", "身份证号", S_IDCARD, NULL, 20}, {"school", "毕业院校", S_FACT_TEXT, "school", 20},
     {"major", "所学专业", S_FACT_TEXT, "major", 14}, {"host", "实习单位", S_ORG_NAME, "host_name", 24},
     {"post", "实习岗位", S_FACT_TEXT, "post", 14}, {"period", "实习起止时间", S_PERIOD, NULL, 24},
     {"phone", "联系电话", S_PHONE, NULL, 14}, {"state", "实习状态", S_STATE, NULL, 10},
     {"remark", "备注", S_BLANK, NULL, 10}}};
static const form_def p13_pay_form = {
    "p13-pay", "P13", "高校毕业生实习基本生活补贴发放表", 0, 0, NULL, "填报单位", {{NULL, NULL, 0, NULL, 0}}};
/* P22's two forms are one community's papers (--case names the P22 case): the application
 * 5-22-1 as 项目 / 内容 lines, the scoring form 5-22-2 with its 22 items (p22_items). */
static const form_def p22_apply_form = {
    "5-22-1", "P22", "充分就业社区认定申请表", 0, 1, NULL, "单位名称", {{NULL, NULL, 0, NULL, 0}}};
static const form_def p22_score_form = {
    "5-22-2", "P22", "充分就业社区认定评分表", 0, 1, NULL, "申请机构名称", {{NULL, NULL, 0, NULL, 0}}};

/* 附件 5-22-2's 22 items as the seed prints them: 序号 (the seven parts of plan 22 四), 考评内容
 * (the part, and the item's text: items 1–5 from the plan's list, 6–22 as the form prints them),
 * 基本分, 评分细则 (verbatim, the seed's slips included). Generated from the seed text; the base
 * points add up to 100. */
static const struct p22_item {
    int part;
    const char *part_name;
    int no;
    const char *text;
    int base;
    const char *rules;
} p22_items[] = {
    {1, "加强就业服务平台建设", 1, "设立就业服务专区。集合设置信息发布、对接洽谈、创业服务、政策咨询等功能，提供便捷优质服务。", 3,
     "0分：未设立就业服务专区不能提供相关服务。 1分：能够提供部分服务，但未设立就业服务专区。 2分：设立了就业服务专区，但功能不全，无法提供便捷优质服务。 3分：设立了就业服务专区，功能齐全，能够提供便捷优质服务。"},
    {1, "加强就业服务平台建设", 2, "完善服务设施设备。配备电子显示屏等设备设施，并摆放岗位信息、服务指南、政策宣传等资料。", 3,
     "0分：未完善服务设施设备，也没有摆放岗位信息、服务指南、政策宣传等资料。 1—2分：只配备了少量设施设备，或只摆放相关资料。 3分：配备了完备的设施设备，且资料摆放齐全。"},
    {1, "加强就业服务平台建设", 3, "配置就业服务人员。配置专（兼）职就业服务工作人员，制定相关工作制度、办事流程和服务指南，并定期开展业务培训，提升业务水平和服务意识。", 5,
     "0分：未配置就业服务人员，也未制定相关工作制度、办事流程和服务指南，更没有开展业务培训。 1—2分：仅配备了少数兼职就业服务工作人员，但未制定相关工作制度、办事流程和服务指南，也没有开展业务培训。 3—4分：配备了一定数量的专兼职就业服务工作人员，制定了相关工作制度、办事流程和服务指南。 5分：配备了充足的专兼职就业服务工作人员，制定了完善的相关工作制度、办事流程和服务指南，并定期开展高质量的业务培训，提升了服务人员的服务水平和服务质量。"},
    {2, "摸清社区就业状况", 4, "开展摸底调查。社区每月常态化组织开展调查摸底，全面掌握社区内劳动力的技能特长、培训意愿、就业需求等情况，建立内容详实、数据准确、动态调整的基础台账。", 6,
     "0分：未开展任何摸底调查。 1—2分：仅开展了一次不全面的摸底调查，数据不准确，未能全面掌握社区内劳动力的情况。 3—4分：组织开展至少一次全面的调查摸底，有较完整的数据。 5分：组织开展至少一次全面的调查摸底，数据详实，并建立了基础台账。 6分：每月开展常态化调查摸底，并建立了动态调整的基础台账，能够及时更新和补充社区内劳动力的情况，为提供精准的就业服务提供了有力支撑。"},
    {2, "摸清社区就业状况", 5, "及时录入数据。乡镇（街道）就业服务工作人员需将审核通过的数据及时录入宁夏人力资源和社会保障一体化系统。", 2,
     "0分：从不配合县（市、区）就业服务机构将审核通过的数据录入宁夏人社一体化系统。 1分：仅配合县（市、区）就业服务机构将部分数据录入宁夏人社一体化系统，但数据不完整，无法提供精准的就业服务。 2分：积极配合县（市、区）就业服务机构将审核通过的所有数据录入宁夏人社一体化系统，并保证数据的准确性和完整性，能够提供精准的就业服务。"},
    {3, "开发社区就业岗位", 6, "开发社区企业岗位。摸清辖区内餐馆、超市、便利店、打印店、幼儿园、场区管理等用人单位的招工信息,建立企业岗位台账。", 3,
     "0分:未摸任何情况。 1分:仅摸清了部分餐馆、超市、便利店、打印店等用人单位的招工信息,没有建立企业岗位台账。 2分:摸清了辖区内餐馆、超市、便利店、打印店、幼儿园、场区管理等用人单位的招工信息,建立了岗位信息台账。 3分:摸清了辖区内餐馆、超市、便利店、打印店、幼儿园、场区管理等用人单位的招工信息,建立了完整的企业岗位信息台账,并及时更新和补充数据。"},
    {3, "开发社区就业岗位", 7, "开发生活服务岗位。依托社区服务微信群,由社区网格员采取微信、电话联系、入户走访等方式,收集社区居民服务需求,建立生活服务岗位台账。", 6,
     "0分:未建立生活服务岗位台账。 1—2分:仅建立了简单的微信、电话联系方式,未能充分收集岗位。 3—4分:建立了生活服务岗位台账,并通过微信、电话联系、入户走访等方式,充分收集了社区居民的服务需求。台账内容详实,数据准确。 5—6分:建立了完善的生活服务岗位台账,通过微信、电话联系、入户走访等多种方式,及时更新和补充社区居民的服务需求,台账内容丰富、数据准确,提供精准的就就业服务。"},
    {3, "开发社区就业岗位", 8, "开发弹性用工岗位。加强与当地工业园区、重点用工企业联系,收集临时性、季节性用工需求。", 3,
     "0分:未与当地工业园区、重点用工企业联系,也未收集临时性、季节性用工需求。 1分:仅与少数当地工业园区、重点用工企业联系,未能充分收集临时性、季节性用工需求。 2分:与当地工业园区、重点用工企业建立了联系,收集了临时性、季节性用工需求。台账。 3分:与当地工业园区、重点用工企业建立了广泛的联系,并充分收集了临时性、季节性用工需求。台账内容丰富、数据准确,能够提供精准的弹性用工服务,为社区居民就业提供了更多选择。"},
    {3, "开发社区就业岗位", 9, "积极主动配合政府监管机构开展各项调查研究,并提供所需的相关信息数据。", 4,
     "0分:未积极主动配合政府监管机构开展各项调查研究,也未能提供所需的相关信息数据。 1—2分:仅在政府部门的调查要求下提供了部分相关信息数据。 3分:积极主动配合政府监管机构开展各项调查研究,并提供所需的相关信息数据。能够及时响应政府监管部门的要求,并积极配合完成相关工作。 4分:积极主动配合政府监管机构开展各项调查研究,并提供所需的相关信息数据。不仅能够及时响应政府监管部门的要求,还能够主动了解和掌握相关政策、法规等信息,为政府监管工作提供有力支持。"},
    {4, "促进供需精准对接", 10, "开展线上对接服务。为求职招聘双方提供不打烊的对接服务。", 4,
     "0分：未开展线上对接服务。 1—2分：仅提供简单的信息发布和简历投递功能，能够为求职招聘双方提供一定的对接服务。 3分：提供了较全面的线上不打烊的服务。 4分：提供了更加全面、精准的线上对接服务。"},
    {4, "促进供需精准对接", 11, "开展线下对接服务。社区可采取设置就业信息张贴栏等方式，在社区办公场所、居民小区、超市广场、农贸市场等场所发布社区就业岗位信息。", 5,
     "0分：未开展线下对接服务。 1—2分：仅在社区办公场所发布了少量就业岗位信息，未能覆盖到其他场所。 3—4分：在社区办公场所、居民小区、超市广场、农贸市场等场所发布了大量的就业岗位信息，但信息发布不够丰富、及时。 5分：在社区办公场所、居民小区、超市广场、农贸市场等场所设置了专门的就业信息张贴栏，并及时发布了较高质量的信息。"},
    {4, "促进供需精准对接", 12, "开展零工对接服务。依托现有办公场地或选择条件较好的社区建设区域性零工驿站，提供信息发布、政策咨询、用工指导、劳动维权、等候休息等基本服务。", 6,
     "0分：未开展零工对接服务。 1—2分：仅提供了简单的信息发布功能，未能提供其他服务。 3—4分：提供了信息发布、政策咨询、用工指导等基本服务，但等待休息等功能不够完善。 5—6分：依托现有办公场地或选择条件较好的社区建设了区域性零工驿站，提供了全面的零工对接服务，包括信息发布、政策咨询、用工指导、劳动维权、等候休息等功能。"},
    {4, "促进供需精准对接", 13, "开展点对点对接服务。根据求职人员就业需求，通过发送手机短信、微信联系、上门走访、电话访谈等方式，点对点精准推送符合服务对象需求的就业岗位及政策服务信息，促进求职人员尽快实现就业。", 6,
     "0分：未开展点对点对接服务。 1—2分：仅通过发送手机短信、微信联系等方式推送了部分就业岗位信息。 3—4分：通过多种方式点对点推送符合服务对象需求的就业岗位及政策服务信息，但推送频率较低，服务不够及时。 5—6分：根据求职人员就业需求，开展了全面的点对点对接服务，包括发送手机短信、微信联系、上门走访、电话访谈等多种方式。同时，还建立了个性化的就业推荐系统，实现了精准匹配和服务。有效提高了求职人员的就业成功率和服务质量。"},
    {5, "提升社区技能素质", 14, "收集培训需求。对辖区内劳动力和企业开展职业技能培训需求调查，及时将需求信息录入系统。", 5,
     "0分：未开展职业技能培训需求调查。 1—2分：仅开展了简单的问卷调查，未能充分收集和分析辖区内劳动力和企业的需求信息。 3—4分：开展了职业技能培训需求调查，并及时将需求信息录入系统。 5分：开展了全面的职业技能培训需求调查，建立了完善的培训需求数据库。"},
    {5, "提升社区技能素质", 15, "发布职业培训信息。加强培训补贴政策宣传，公开发布。就业服务机构提供的培训项目，确保培训信息知晓率达90%以上。", 6,
     "0分：未发布职业培训信息，也未开展相关宣传活动。 1—2分：仅发布了少量的培训信息。 3—4分：开展了职业培训信息宣传和推广活动，并公开发布了培训补贴政策。同时，还提供了多种培训项目，培训信息知晓率达70%以上。 5—6分：开展了全方位的职业培训信息宣传和推广活动，并公开发布了详细的培训补贴政策，培训信息知晓率达90%以上。"},
    {5, "提升社区技能素质", 16, "开展职业技能培训。掌握辖区劳动者培训意愿，摸清培训需求底数,结合市场需求,协助人社部门开展职业技能培训、落实培训补贴,促进社区参训人员就业率达到95%以上。", 5,
     "0分：未开展职业技能培训，也未能掌握辖区劳动者的培训意愿和需求。 1—2分:开展了职业技能培训,但未能摸清培训需求底数,参训人员的就业率较低。 3—4分:开展了职业技能培训,并掌握了辖区劳动者的培训意愿和需求。制定了符合实际需求的培训计划,并协助人社部门落实了培训补贴。 5分:开展了全方位的职业技能培训,并掌握了辖区劳动者的培训意愿和需求。制定了符合市场需求的培训计划,并协助人社部门落实了培训补贴。参训人员的就业率达到95%以上,有效提高了辖区内劳动力的就业能力和竞争力。"},
    {6, "开展社区就业援助", 17, "开展就业困难人员调查。对辖区内失业的“4050”人员、零就业家庭成员、残疾人、脱贫劳动力等就业困难人员开展调查摸底活动,了解其基本情况、就业失业状况、就业愿望、培训需求等情况,建立并动态更新工作台账。", 6,
     "0分:未开展就业困难人员调查。 1—2分:仅了解部分就业困难人员的基本情况和培训需求。 3—4分:开展了就业困难人员调查摸底活动,并建立了工作台账。但台账内容简单、不完整,未能动态更新。 5—6分:开展了全面的就业困难人员调查摸底活动,并建立了详细的工作台账。通过多种方式了解其基本情况、就业失业状况、就业愿望、培训需求等情况,并及时更新台账。同时,还积极开展相关服务和帮扶活动。"},
    {6, "开展社区就业援助", 18, "组织开展认定申报。协助乡镇(街道办)受理辖区内符合条件的就业困难人员和零就业家庭的认定申请,确保认定准确率达100%", 6,
     "0分:未组织开展认定申报工作。 1—2分:仅协助乡镇(街道办)受理了少量的认定申请,但政策不明,准确率不高。 3—4分:协助乡镇(街道办)受理了辖区内符合条件的就业困难人员和零就业家庭的认定申请,对政策有一定了解,准确率较高。 5—6分:协助乡镇(街道办)受理辖区内符合条件的就业困难人员和零就业家庭的认定申请,并确保认定准确率达到100%。"},
    {6, "开展社区就业援助", 19, "实施就业援助服务。制定就业困难人员就业援助方案,建立援助工作台账,对社区就业困难人员提供至少1次职业指导、3个适合岗位信息、1个培训项目的就业精准服务,实现就业困难人员尽早就业,零就业家庭动态清零。", 4,
     "0分:未实施就业援助服务。 1分:仅了解部分就业困难人员情况,但未能提供职业指导、岗位信息和培训项目等精准服务。 2—3分:根据就业困难人员情况,制定了简单的就业困难人员就业援助方案,提供了部分援助服务。 4分:制定了全面的就业困难人员就业援助方案,并建立了详细的援助工作台账。通过多种方式提供个性化的职业指导、适合的岗位信息和培训项目等精准服务,确保了就业困难人员尽早就业,零就业家庭动态清零。"},
    {7, "鼓励创业带动就业", 20, "推荐创业培训项目。宣传创业培训补贴政策,组织推荐辖区内有创业意愿、培训愿望的劳动者和创业者参加创业培训,促进社区创业培训应培尽培。", 6,
     "0分:没有开展任何工作。 1—2分:仅宣传了创业培训补贴政策。 3—4分:宣传了创业培训补贴政策,组织劳动 者参加创业培训。 5—6分:推荐了创业培训项目,宣传了创业培训补贴政策,组织推荐辖区内有创业意愿、培训愿望的劳动者和创业者参加创业培训,促进社区创业培训应培尽培。"},
    {7, "鼓励创业带动就业", 21, "提供创业融资服务。宣传创业担保贷款政策,协助受理辖区内创业人员的创业担保贷款申请,协助就业部门开展实地核查、后续跟踪、贷款回收等工作。", 3,
     "0分:没有开展任何工作。 1分:只提供了非常有限的创业融资服务。如宣传创业担保贷款政策不全面,协助受理的创业人员申请、就业部门开展后续服务不够到位。 2分:提供基本的创业融资服务。如宣传创业担保贷款政策较全面,协助部分受理的创业人员申请。 3分:提供全面的创业融资服务。如宣传创业担保贷款政策充分,协助受理的创业人员申请数量多且成功率高,就业部门的实地核查、后续跟踪和贷款回收工作效果显著。"},
    {7, "鼓励创业带动就业", 22, "协助落实创业补贴。宣传创业成功典型,推荐参加创业大赛,协助辖区内符合条件的创业者申请一次性创业补贴、创业场地租金补贴等。", 3,
     "0分:没有开展相关工作。 1分:只开展了简单的相关宣传工作。 2分:提供了一些基本的协助。例如,宣传了一些创业成功典型,但没有推荐创业者参加创业大赛,只宣传政策但没有解读政策。 3分:提供了全面的协助。例如,宣传了创业成功典型,并且推荐了创业者参加创业大赛;帮助创业者成功申请到了一次性创业补贴和创业场地租金补贴。"},
};

int jy_report_p22_items(void) { return (int)(sizeof p22_items / sizeof p22_items[0]); }

int jy_report_p22_item_base(int no) { return no >= 1 && no <= jy_report_p22_items() ? p22_items[no - 1].base : 0; }

void jy_report_forms_json(jy_sb *out)
{
    jy_sb_appendc(out, '[');
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        if (i) jy_sb_appendc(out, ',');
        jy_sb_appendc(out, '{');
        jy_sb_json_kv_str(out, "form", forms[i].id);
        jy_sb_json_kv_str(out, "program", forms[i].program);
        jy_sb_json_kv_str(out, "title", forms[i].title);
        jy_sb_appendc(out, '}');
    }
    jy_sb_append(out, ",{\"form\":\"training\",\"program\":\"P1 P2 P23\",\"title\":\"培训取证人员花名册\"}");
    jy_sb_append(out, ",{\"form\":\"p13-roster\",\"program\":\"P13\",\"title\":\"高校毕业生到机关事业单位实习人员花名册\"}");
    jy_sb_append(out, ",{\"form\":\"p13-pay\",\"program\":\"P13\",\"title\":\"高校毕业生实习基本生活补贴发放表\"}");
    jy_sb_append(out, ",{\"form\":\"5-22-1\",\"program\":\"P22\",\"title\":\"充分就业社区认定申请表\",\"one_case\":true}");
    jy_sb_append(out, ",{\"form\":\"5-22-2\",\"program\":\"P22\",\"title\":\"充分就业社区认定评分表\",\"one_case\":true}]");
}

static const form_def *form_find(const char *program, const char *form)
{
    int n = prog_num(program);
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        if (form && *form) {
            if (strcmp(forms[i].id, form) == 0) return &forms[i];
        } else if (strcmp(forms[i].program, program) == 0) {
            return &forms[i];
        }
    }
    if ((n == 1 || n == 2 || n == 23) && (!form || !*form || strcmp(form, "training") == 0)) return &training_form;
    if (form && strcmp(form, "p13-pay") == 0) return &p13_pay_form;
    if (form && strcmp(form, "5-22-1") == 0) return &p22_apply_form;
    if ((!form || !*form) ? n == 22 : strcmp(form, "5-22-2") == 0) return &p22_score_form;
    if ((!form || !*form) ? n == 13 : strcmp(form, "p13-roster") == 0) return &p13_roster_form;
    return NULL;
}

/* Sums of a placement's monthly payments (5-10-2's attendance). */
typedef struct att {
    int64_t parent;
    int64_t duty, leave;
} att;

typedef struct att_vec {
    att *v;
    size_t n, cap;
} att_vec;

static att *att_of(att_vec *av, int64_t id);

static int64_t fact_int(json_t *facts, const char *k, int *present)
{
    json_t *v = json_object_get(facts, k);
    if (present) *present = json_is_integer(v);
    return json_is_integer(v) ? json_integer_value(v) : 0;
}

static int on_month(void *ctx, const jy_report_case_row *row)
{
    att_vec *av = ctx;
    if (state_dropped(row->state) || !row->parent_id) return 0;
    json_t *f = json_loads(row->facts, 0, NULL);
    int has = 0;
    int64_t duty = fact_int(f, "days_on_duty", &has);
    if (!has) duty = fact_int(f, "working_days", NULL);
    int64_t leave = fact_int(f, "personal_leave_days", NULL);
    json_decref(f);
    att *a = att_of(av, row->parent_id);
    a->duty += duty;
    a->leave += leave;
    return 0;
}

/* The att entry of placement case id (created empty when absent). */
static att *att_of(att_vec *av, int64_t id)
{
    for (size_t i = 0; i < av->n; i++)
        if (av->v[i].parent == id) return &av->v[i];
    if (av->n == av->cap) {
        size_t cap = av->cap ? av->cap * 2 : 32;
        att *n = realloc(av->v, cap * sizeof *n);
        if (!n) abort();
        av->v = n;
        av->cap = cap;
    }
    av->v[av->n] = (att){id, 0, 0};
    return &av->v[av->n++];
}

/* Attendance (考勤) recorded against placements (placement_store.h) replaces what monthly
 * payment cases say for the same placement case. */
typedef struct att_sum {
    int64_t duty, leave;
    int any;
} att_sum;

static int on_attendance(void *ctx, const jy_attendance *a)
{
    att_sum *s = ctx;
    s->duty += a->duty_days;
    s->leave += a->personal_leave;
    s->any = 1;
    return 0;
}

typedef struct pl_ctx {
    jy_store *st;
    att_vec *av;
    jy_err *err;
    int rc;
} pl_ctx;

static int on_placement(void *ctx, const jy_placement *p)
{
    pl_ctx *c = ctx;
    if (!p->case_id) return 0;
    att_sum s = {0, 0, 0};
    if ((c->rc = jy_store_attendance_list(c->st, p->id, on_attendance, &s, c->err))) return 1;
    if (s.any) {
        att *a = att_of(c->av, p->case_id);
        a->duty = s.duty;
        a->leave = s.leave;
    }
    return 0;
}

typedef struct roster_ctx {
    jy_store *st;
    jy_report *r;
    const form_def *f;
    const jy_roster_query *q;
    att_vec att;
    int64_t seq;
    jy_org org; /* the last organisation looked up */
    jy_err *err;
    jy_fen amount_sum; /* the 合计 of S_AMOUNT */
    int64_t colsum[16]; /* the 合计 of S_FACT_INT columns */
    int colany[16];
    int64_t ratenum[16], rateden[16]; /* S_FACT_RATE: the sums over the rows that have both */
} roster_ctx;

static int fact_pct(json_t *facts, const char *k, int64_t *out);

/* The two fact names of an S_FACT_RATE column ("retained_count/trainees"). */
static void rate_facts(const char *spec, char a[48], char b[48])
{
    const char *slash = strchr(spec, '/');
    snprintf(a, 48, "%.*s", slash ? (int)(slash - spec) : 0, spec);
    snprintf(b, 48, "%s", slash ? slash + 1 : "");
}

/* A money fact: "3500.00" or a number of yuan. Returns 1 when present and valid. */
static int fact_money(json_t *facts, const char *k, jy_fen *out)
{
    json_t *v = json_object_get(facts, k);
    if (json_is_string(v)) return jy_money_parse(json_string_value(v), out, NULL) == 0;
    if (json_is_integer(v)) {
        *out = json_integer_value(v) * 100;
        return 1;
    }
    if (json_is_real(v)) {
        char buf[64];
        snprintf(buf, sizeof buf, "%.2f", json_real_value(v));
        return jy_money_parse(buf, out, NULL) == 0;
    }
    return 0;
}

static const char *fact_text(json_t *facts, const char *k, char *buf, size_t n)
{
    json_t *v = json_object_get(facts, k);
    if (json_is_string(v)) return json_string_value(v);
    if (json_is_integer(v)) {
        snprintf(buf, n, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    if (json_is_boolean(v)) return json_is_true(v) ? "是" : "否";
    return NULL;
}

static void period_text(jy_date a, jy_date b, int months, char *buf, size_t n)
{
    char x[JY_DATE_BUFSZ], y[JY_DATE_BUFSZ];
    buf[0] = '\0';
    if (!a && !b) return;
    if (a) jy_date_format(a, x);
    if (b) jy_date_format(b, y);
    if (months) { /* YYYY-MM */
        if (a) x[7] = '\0';
        if (b) y[7] = '\0';
    }
    snprintf(buf, n, "%s至%s", a ? x : "", b ? y : "");
}

static const jy_org *org_of(roster_ctx *c, int64_t id)
{
    if (!id) return NULL;
    if (c->org.id == id) return &c->org;
    if (jy_store_org_get(c->st, id, &c->org, NULL) != 0) {
        c->org.id = 0;
        return NULL;
    }
    return &c->org;
}

static int on_roster_row(void *ctx, const jy_report_case_row *row)
{
    roster_ctx *c = ctx;
    if (!c->q->state && state_dropped(row->state)) return 0;
    jy_report *r = c->r;
    json_t *facts = json_loads(row->facts, 0, NULL);
    jy_cell *cells = jy_report_row(r);
    char buf[160];
    for (int k = 0; k < r->ncols; k++) {
        const form_col *fc = &c->f->cols[k];
        jy_cell *cell = &cells[k];
        jy_fen m;
        switch (fc->src) {
        case S_SEQ: jy_cell_int(cell, ++c->seq); break;
        case S_NAME: jy_cell_text(r, cell, row->name); break;
        case S_SEX: jy_cell_text(r, cell, row->sex[0] == 'M' ? "男" : row->sex[0] == 'F' ? "女" : ""); break;
        case S_ETHNICITY: jy_cell_text(r, cell, row->ethnicity); break;
        case S_EDUCATION: jy_cell_text(r, cell, row->education); break;
        case S_IDCARD: jy_cell_text(r, cell, row->idcard); break;
        case S_HUKOU_KIND:
            jy_cell_text(r, cell, strcmp(row->hukou_kind, "rural") == 0   ? "农村"
                                  : strcmp(row->hukou_kind, "urban") == 0 ? "城镇"
                                                                          : "");
            break;
        case S_HUKOU_PLACE: {
            const char *name = c->q->divisions && row->hukou_division[0]
                                   ? jy_division_name(c->q->divisions, row->hukou_division)
                                   : NULL;
            jy_cell_text(r, cell, name ? name : row->hukou_division);
            break;
        }
        case S_ADDRESS: jy_cell_text(r, cell, row->address); break;
        case S_PHONE: jy_cell_text(r, cell, row->phone); break;
        case S_PERIOD:
        case S_PERIOD_MONTH:
            period_text(row->start_on, row->end_on, fc->src == S_PERIOD_MONTH, buf, sizeof buf);
            jy_cell_text(r, cell, buf);
            break;
        case S_FACT_TEXT: jy_cell_text(r, cell, fact_text(facts, fc->fact, buf, sizeof buf)); break;
        case S_FACT_CODE: jy_cell_text(r, cell, fact_label(fc->fact, fact_text(facts, fc->fact, buf, sizeof buf))); break;
        case S_LEVEL_FULL: jy_cell_text(r, cell, level_full_label(row->level)); break;
        case S_FACT_BOOL: {
            json_t *v = json_object_get(facts, fc->fact);
            if (json_is_boolean(v)) jy_cell_text(r, cell, json_is_true(v) ? "是" : "否");
            break;
        }
        case S_FACT_INT: {
            int has = 0;
            int64_t v = fact_int(facts, fc->fact, &has);
            if (has) {
                jy_cell_int(cell, v);
                c->colsum[k] += v;
                c->colany[k] = 1;
            }
            break;
        }
        case S_FACT_PCT: {
            int64_t v;
            if (fact_pct(facts, fc->fact, &v)) {
                cell->type = JY_CELL_PERCENT;
                cell->v = v;
            }
            break;
        }
        case S_FACT_RATE: {
            char a[48], b[48];
            int ha = 0, hb = 0;
            rate_facts(fc->fact, a, b);
            int64_t num = fact_int(facts, a, &ha), den = fact_int(facts, b, &hb);
            if (ha && hb && den > 0 && num >= 0) {
                jy_cell_pct(cell, num, den);
                c->ratenum[k] += num;
                c->rateden[k] += den;
            }
            break;
        }
        case S_ORG_BANK:
        case S_ORG_ACCOUNT: {
            const jy_org *o = org_of(c, row->org_id);
            if (o) jy_cell_text(r, cell, fc->src == S_ORG_BANK ? o->bank_name : o->bank_account);
            break;
        }
        case S_FACT_MONEY:
            if (fact_money(facts, fc->fact, &m)) jy_cell_money(cell, m);
            break;
        case S_OCCUPATION: jy_cell_text(r, cell, row->occupation); break;
        case S_LEVEL: jy_cell_text(r, cell, level_label(row->level)); break;
        case S_AMOUNT:
            if (row->has_amount) {
                jy_cell_money(cell, row->amount);
                c->amount_sum += row->amount;
            }
            break;
        case S_STATE: jy_cell_text(r, cell, state_label(row->state)); break;
        case S_ORG_NAME:
        case S_ORG_ADDRESS:
        case S_ORG_PHONE: {
            const char *v = fc->fact ? fact_text(facts, fc->fact, buf, sizeof buf) : NULL;
            const jy_org *o = v ? NULL : org_of(c, row->org_id);
            if (!v && o) v = fc->src == S_ORG_NAME ? o->name : fc->src == S_ORG_ADDRESS ? o->address : o->phone;
            jy_cell_text(r, cell, v);
            break;
        }
        case S_DAYS_ON_DUTY:
        case S_DAYS_LEAVE:
            for (size_t i = 0; i < c->att.n; i++)
                if (c->att.v[i].parent == row->id)
                    jy_cell_int(cell, fc->src == S_DAYS_ON_DUTY ? c->att.v[i].duty : c->att.v[i].leave);
            if (cell->type == JY_CELL_EMPTY) jy_cell_int(cell, 0);
            break;
        default: break;
        }
    }
    json_decref(facts);
    return 0;
}

/* The 合计 row of a roster or list: 合计 under 序号, 共N人 (共N个 for a list) under the first name
 * column, the sum of the subsidy amounts; "合计（共N人）" in the first column when there is no 序号. */
static void roster_total(jy_report *r, const form_def *f, int64_t n, jy_fen amount, const roster_ctx *c)
{
    /* the sums of the counted columns (5-15-4: 见习人数, 期满留用数) and the rates over them */
    for (int k = 0; k < r->ncols; k++) {
        if (f->cols[k].src == S_FACT_INT && c->colany[k] && strcmp(f->cols[k].fact, "score") != 0)
            jy_cell_int(&r->total[k], c->colsum[k]);
        if (f->cols[k].src == S_FACT_RATE && c->rateden[k] > 0) jy_cell_pct(&r->total[k], c->ratenum[k], c->rateden[k]);
    }
    char who[48];
    snprintf(who, sizeof who, "共%lld%s", (long long)n, f->orgs ? "个" : "人");
    r->has_total = 1;
    int seq = -1, name = -1;
    for (int k = 0; k < r->ncols; k++) {
        int src = f->cols[k].src;
        if (src == S_SEQ && seq < 0) seq = k;
        else if ((src == S_NAME || src == S_ORG_NAME) && name < 0) name = k;
        else if (src == S_AMOUNT) jy_cell_money(&r->total[k], amount);
    }
    if (seq >= 0) {
        jy_cell_text(r, &r->total[seq], "合计");
        if (name >= 0) jy_cell_text(r, &r->total[name], who);
    } else {
        char both[64];
        snprintf(both, sizeof both, "合计（%s）", who);
        jy_cell_text(r, &r->total[0], both);
    }
}

/* ---- P13 发放表: one row per intern in post during the month ---- */

typedef struct pay_ctx {
    jy_store *st;
    jy_report *r;
    jy_date first, last; /* the month's first and last day */
    const char *month;
    int64_t seq, paid_rows;
    jy_fen sum;
    jy_err *err;
    int rc;
} pay_ctx;

typedef struct pay_line_pick {
    const char *month;
    int found;
    jy_payroll_line line;
} pay_line_pick;

static int pick_line(void *ctx, const jy_payroll_line *l)
{
    pay_line_pick *p = ctx;
    if (l->claim != JY_CLAIM_MONTHLY || strcmp(l->month, p->month) != 0 || strcmp(l->status, "cancelled") == 0) return 0;
    p->line = *l; /* lines come in id order: the month's latest run wins */
    p->line.facts = p->line.decision_json = NULL;
    p->found = 1;
    return 0;
}

static const char *pay_state_label(const pay_line_pick *pk)
{
    if (!pk->found) return "未核算";
    const jy_payroll_line *l = &pk->line;
    if (strcmp(l->payable_status, "paid") == 0) return "已拨付";
    if (strcmp(l->payable_status, "batched") == 0) return "拨付中";
    if (strcmp(l->payable_status, "approved") == 0) return "已审核待拨付";
    if (strcmp(l->status, "held") == 0) return "待复核";
    if (strcmp(l->status, "refused") == 0 || strcmp(l->status, "rejected") == 0) return "不予发放";
    if (strcmp(l->status, "recovered") == 0) return "已追回";
    return state_label(l->status);
}

static int on_pay_placement(void *ctx, const jy_placement *p)
{
    pay_ctx *c = ctx;
    jy_date end = p->actual_end ? p->actual_end : p->planned_end;
    if (strcmp(p->status, "cancelled") == 0 || p->start_on > c->last || (end && end < c->first)) return 0;
    jy_report *r = c->r;
    jy_attendance a;
    jy_err e;
    int has_att = jy_store_attendance_get(c->st, p->id, c->month, &a, &e) == 0;
    pay_line_pick pk;
    memset(&pk, 0, sizeof pk);
    pk.month = c->month;
    jy_payroll_line_filter lf = {.placement_id = p->id, .claim = JY_CLAIM_MONTHLY};
    if ((c->rc = jy_store_payroll_lines(c->st, &lf, pick_line, &pk, c->err))) return 1;
    char card[40] = "", bank[64] = "";
    if (jy_store_person_card_get(c->st, p->person_id, card, bank, &e) != 0) card[0] = '\0';
    jy_cell *cells = jy_report_row(r);
    jy_cell_int(&cells[0], ++c->seq);
    jy_cell_text(r, &cells[1], p->person_name);
    jy_cell_text(r, &cells[2], p->idcard);
    jy_cell_text(r, &cells[3], p->host_name);
    if (has_att) {
        jy_cell_int(&cells[4], a.duty_days);
        jy_cell_int(&cells[5], a.personal_leave);
        jy_cell_int(&cells[6], a.sick_leave);
    }
    int payable = pk.found && pk.line.payable_status[0];
    if (payable) {
        jy_cell_money(&cells[7], pk.line.amount);
        c->sum += pk.line.amount;
        c->paid_rows++;
    } else if (pk.found) {
        jy_cell_money(&cells[7], 0);
    }
    jy_cell_text(r, &cells[8], card);
    jy_cell_text(r, &cells[9], pay_state_label(&pk));
    if (pk.found && pk.line.review_reason[0]) jy_cell_text(r, &cells[11], pk.line.review_reason);
    return 0;
}

static int p13_pay(jy_store *st, const jy_roster_query *q, jy_report **out, jy_err *err)
{
    *out = NULL;
    jy_month m;
    if (!q->month || !*q->month) return jy_err_set2(err, JY_EINVAL, "report.p13_month", "the P13 发放表 is for one month: give --month YYYY-MM", "P13 发放表按月编制：请给出 --month YYYY-MM");
    if (jy_month_parse(q->month, &m, err)) return JY_EINVAL;
    pay_ctx c;
    memset(&c, 0, sizeof c);
    c.st = st;
    c.month = q->month;
    c.err = err;
    int my, mm;
    jy_month_to_ym(m, &my, &mm);
    c.first = jy_month_first_day(m);
    c.last = jy_month_last_day(m);
    jy_report *r = jy_report_new("roster", "高校毕业生实习基本生活补贴发放表", "");
    c.r = r;
    char h[256], unit[160];
    if (q->unit) snprintf(unit, sizeof unit, "%s", q->unit);
    else jy_settings_unit_name(st, q->county, unit, sizeof unit);
    snprintf(h, sizeof h, "填报单位：%s", unit);
    jy_report_head(r, h);
    snprintf(h, sizeof h, "项目：P13 高校毕业生到机关事业单位实习    发放月份：%04d年%02d月    单位：元", my, mm);
    jy_report_head(r, h);
    jy_report_col_add(r, "seq", "序号", 6);
    jy_report_col_add(r, "name", "姓名", 10);
    jy_report_col_add(r, "idcard", "身份证号", 20);
    jy_report_col_add(r, "host", "实习单位", 24);
    jy_report_col_add(r, "duty_days", "出勤天数", 8);
    jy_report_col_add(r, "personal_leave", "事假天数", 8);
    jy_report_col_add(r, "sick_leave", "病假天数", 8);
    jy_report_col_add(r, "amount", "发放金额（元）", 14);
    jy_report_col_add(r, "account", "社会保障卡号", 22);
    jy_report_col_add(r, "state", "发放状态", 12);
    jy_report_col_add(r, "signature", "本人签字", 10);
    jy_report_col_add(r, "remark", "备注", 16);
    jy_placement_filter pf = {.county = q->county, .program = "P13"};
    int rc = jy_store_placement_list(st, &pf, on_pay_placement, &c, err);
    if (rc == 0) rc = c.rc;
    if (rc) {
        jy_report_free(r);
        return rc;
    }
    r->has_total = 1;
    jy_cell_text(r, &r->total[0], "合计");
    char who[48];
    snprintf(who, sizeof who, "共%lld人", (long long)c.seq);
    jy_cell_text(r, &r->total[1], who);
    jy_cell_money(&r->total[7], c.sum);
    r->note = "发放金额为当月工资核算（jiuye payroll run / review）核定的基本生活补贴（P13 二(二)，每人每月1750元，按 P13 二(四)4-5 "
              "的请假与到岗规则）；未核算、待复核、不予发放的不计入合计。补贴发放至本人社会保障卡。";
    *out = r;
    return 0;
}

/* ---- P22's papers for one community: 5-22-1 (application) and 5-22-2 (scoring form) ---- */

typedef struct one_case {
    int found;
    int64_t id, org_id;
    int has_amount;
    jy_fen amount;
    char state[32];
    char *facts;
} one_case;

static int on_one_case(void *ctx, const jy_report_case_row *row)
{
    one_case *oc = ctx;
    oc->found = 1;
    oc->id = row->id;
    oc->org_id = row->org_id;
    oc->has_amount = row->has_amount;
    oc->amount = row->amount;
    snprintf(oc->state, sizeof oc->state, "%s", row->state);
    free(oc->facts);
    oc->facts = strdup(row->facts ? row->facts : "{}");
    if (!oc->facts) abort();
    return 0;
}

/* The item of 5-22-2 a score_items key names: "7", "第7项", or the item's name (its text up to
 * the first "。": 开发生活服务岗位). -1 when none. */
static int p22_item_of(const char *key)
{
    const char *k = key;
    if (strncmp(k, "第", 3) == 0) k += 3;
    if (*k >= '0' && *k <= '9') {
        char *end;
        long n = strtol(k, &end, 10);
        if ((*end == '\0' || strcmp(end, "项") == 0) && n >= 1 && n <= (long)(sizeof p22_items / sizeof p22_items[0])) return (int)n - 1;
        return -1;
    }
    for (size_t i = 0; i < sizeof p22_items / sizeof p22_items[0]; i++) {
        const char *dot = strstr(p22_items[i].text, "。");
        size_t n = dot ? (size_t)(dot - p22_items[i].text) : strlen(p22_items[i].text);
        if (strlen(key) == n && memcmp(key, p22_items[i].text, n) == 0) return (int)i;
    }
    return -1;
}

/* Points in tenths from a JSON number; 0 when not a number ≥ 0. */
static int tenths(json_t *v, int64_t *out)
{
    if (!json_is_number(v) || json_number_value(v) < 0) return 0;
    *out = (int64_t)(json_number_value(v) * 10 + 0.5);
    return 1;
}

static void points_cell(jy_report *r, jy_cell *c, int64_t t)
{
    if (t % 10 == 0) {
        jy_cell_int(c, t / 10);
    } else {
        char b[32];
        snprintf(b, sizeof b, "%lld.%lld", (long long)(t / 10), (long long)(t % 10));
        jy_cell_text(r, c, b);
    }
}

static int p22_form(jy_store *st, const jy_roster_query *q, int scoring, jy_report **out, jy_err *err)
{
    *out = NULL;
    const char *fid = scoring ? "5-22-2" : "5-22-1";
    if (q->parent_id <= 0)
        return jy_err_set2(err, JY_EINVAL, "report.form_needs_case", "form %s is one community's paper: give --case ID (the P22 case)", "表 %s 是一个社区的单张表：请给出 --case 编号（P22 案件）", fid);
    one_case oc;
    memset(&oc, 0, sizeof oc);
    /* org_id: an owner-bound account (the API) sees its own organisation's case only */
    jy_report_case_filter cf = {.county = q->county, .program = "P22", .id = q->parent_id, .org_id = q->org_id};
    int rc = jy_store_report_cases(st, &cf, on_one_case, &oc, err);
    if (rc) {
        free(oc.facts);
        return rc;
    }
    if (!oc.found)
        return jy_err_set2(err, JY_ENOTFOUND, "report.not_p22_case", "case %lld is not a P22 case of county %s (form %s)", "案件 %lld 不是县 %s 的 P22 案件（表 %s）", (long long)q->parent_id,
                          q->county, fid);
    jy_org org;
    memset(&org, 0, sizeof org);
    if (oc.org_id && (rc = jy_store_org_get(st, oc.org_id, &org, err))) {
        free(oc.facts);
        return rc;
    }
    json_t *facts = json_loads(oc.facts, 0, NULL);
    free(oc.facts);
    char form[32], h[512], today[JY_DATE_BUFSZ], b[512];
    snprintf(form, sizeof form, "附件 %s", fid);
    jy_report *r = jy_report_new("form", scoring ? "充分就业社区认定评分表" : "充分就业社区认定申请表", form);
    int64_t score_t = 0;
    int has_score = 0;
    json_t *sv = json_object_get(facts, "score");
    if (json_is_integer(sv)) has_score = 1, score_t = json_integer_value(sv) * 10;
    if (!scoring) {
        /* 单位名称: ____省 ____市 ____区（县） ____街道（镇） ____社区 */
        char place[256] = "";
        size_t pn = 0;
        static const int lens[] = {2, 4, 6, 9};
        for (int i = 0; i < 4 && q->divisions && org.division[0]; i++) {
            char code[16];
            snprintf(code, sizeof code, "%.*s%s", lens[i], org.division, lens[i] == 2 ? "0000" : lens[i] == 4 ? "00" : "");
            const char *nm = strlen(org.division) >= (size_t)lens[i] ? jy_division_name(q->divisions, code) : NULL;
            if (nm && pn < sizeof place) {
                snprintf(place + pn, sizeof place - pn, "%s ", nm);
                pn = strlen(place);
            }
        }
        snprintf(h, sizeof h, "单位名称：%s%s", place, org.name);
        jy_report_head(r, h);
        snprintf(h, sizeof h, "项目：P22    案件：%lld（%s）    填报日期：%s", (long long)oc.id, state_label(oc.state),
                 jy_date_format(jy_date_today(), today));
        jy_report_head(r, h);
        jy_report_col_add(r, "item", "项目", 30);
        jy_report_col_add(r, "content", "内容", 70);
        jy_cell *c = jy_report_row(r);
        jy_cell_text(r, &c[0], "单位名称");
        snprintf(b, sizeof b, "%s%s", place, org.name);
        jy_cell_text(r, &c[1], b);
        /* 基本工作和各项标准达标情况 (P22 二: the standards the rules check) */
        jy_sb t = JY_SB_INIT;
        static const struct {
            const char *fact, *label, *bar;
        } std[] = {{"employment_rate", "就业率", "80%以上"},
                   {"reemployment_rate", "登记失业人员再就业率", "80%以上"},
                   {"reemployment_4050", "“4050”人员再就业率", "70%以上"}};
        for (size_t i = 0; i < sizeof std / sizeof std[0]; i++) {
            int64_t v;
            if (!fact_pct(facts, std[i].fact, &v)) continue;
            jy_sb_appendf(&t, "%s%s %lld.%02lld%%（标准%s）", t.len ? "；" : "", std[i].label, (long long)(v / 100),
                          (long long)(v % 100), std[i].bar);
        }
        json_t *zf = json_object_get(facts, "zero_families_left");
        if (json_is_integer(zf))
            jy_sb_appendf(&t, "%s尚无人就业的零就业家庭 %lld 户（标准：零就业家庭至少一人就业）", t.len ? "；" : "",
                          (long long)json_integer_value(zf));
        if (has_score) jy_sb_appendf(&t, "%s评分 %lld 分（附件 5-22-2）", t.len ? "；" : "", (long long)(score_t / 10));
        c = jy_report_row(r);
        jy_cell_text(r, &c[0], "基本工作和各项标准达标情况");
        jy_cell_text(r, &c[1], jy_sb_cstr(&t));
        jy_sb_free(&t);
        c = jy_report_row(r);
        jy_cell_text(r, &c[0], "认定为星级充分就业社区的年份");
        jy_cell_text(r, &c[1], json_string_value(json_object_get(facts, "star_years")));
        c = jy_report_row(r);
        jy_cell_text(r, &c[0], "县（区）人力资源社会保障部门推荐意见");
        if (has_score)
            snprintf(b, sizeof b, "评分 %lld 分，%s    （公章）    年  月  日", (long long)(score_t / 10),
                     score_t >= 900 ? "90分以上，推荐认定（P22 四、五）" : "90分以下，限期整改（P22 四）");
        else
            snprintf(b, sizeof b, "（公章）    年  月  日");
        jy_cell_text(r, &c[1], b);
        c = jy_report_row(r);
        jy_cell_text(r, &c[0], "市人力资源社会保障部门复核意见");
        int done = strcmp(oc.state, "recognised") == 0 || strcmp(oc.state, "paid") == 0;
        snprintf(b, sizeof b, "%s（公章）    年  月  日", done ? "复核通过，予以认定。    " : "");
        jy_cell_text(r, &c[1], b);
        r->note = "（本表一式两份）";
        json_decref(facts);
        *out = r;
        return 0;
    }
    snprintf(h, sizeof h, "申请机构名称：%s", org.name);
    jy_report_head(r, h);
    snprintf(h, sizeof h, "项目：P22    案件：%lld（%s）    填报日期：%s", (long long)oc.id, state_label(oc.state),
             jy_date_format(jy_date_today(), today));
    jy_report_head(r, h);
    jy_report_col_add(r, "seq", "序号", 6);
    jy_report_col_add(r, "content", "考评内容", 40);
    jy_report_col_add(r, "base", "基本分", 8);
    jy_report_col_add(r, "rules", "评分细则", 70);
    jy_report_col_add(r, "self", "自评", 8);
    jy_report_col_add(r, "score", "考评", 8);
    enum { NI = sizeof p22_items / sizeof p22_items[0] };
    int64_t self[NI], got[NI];
    int has_self[NI], has_got[NI];
    memset(has_self, 0, sizeof has_self);
    memset(has_got, 0, sizeof has_got);
    jy_sb unmatched = JY_SB_INIT, over = JY_SB_INIT;
    json_t *items = json_object_get(facts, "score_items");
    if (json_is_object(items)) {
        const char *k;
        json_t *v;
        json_object_foreach(items, k, v) {
            int i = p22_item_of(k);
            if (i < 0) jy_sb_appendf(&unmatched, "%s%s", unmatched.len ? "、" : "", k);
            else if (tenths(v, &got[i])) has_got[i] = 1;
        }
    } else if (json_is_array(items)) {
        size_t j;
        json_t *it;
        json_array_foreach(items, j, it) {
            const char *k = json_string_value(json_object_get(it, "item"));
            int i = k ? p22_item_of(k) : -1;
            if (i < 0) {
                jy_sb_appendf(&unmatched, "%s%s", unmatched.len ? "、" : "", k ? k : "?");
                continue;
            }
            if (tenths(json_object_get(it, "score"), &got[i])) has_got[i] = 1;
            if (tenths(json_object_get(it, "self"), &self[i])) has_self[i] = 1;
        }
    }
    int64_t sum_self = 0, sum_got = 0, sum_base = 0;
    int any_self = 0, any_got = 0;
    for (int i = 0; i < NI; i++) {
        const struct p22_item *it = &p22_items[i];
        jy_cell *c = jy_report_row(r);
        if (i == 0 || p22_items[i - 1].part != it->part) {
            jy_cell_int(&c[0], it->part);
            snprintf(b, sizeof b, "%s：%d.%s", it->part_name, it->no, it->text);
        } else {
            snprintf(b, sizeof b, "%d.%s", it->no, it->text);
        }
        jy_cell_text(r, &c[1], b);
        jy_cell_int(&c[2], it->base);
        jy_cell_text(r, &c[3], it->rules);
        sum_base += it->base;
        if (has_self[i]) {
            points_cell(r, &c[4], self[i]);
            sum_self += self[i];
            any_self = 1;
        }
        if (has_got[i]) {
            points_cell(r, &c[5], got[i]);
            sum_got += got[i];
            any_got = 1;
            if (got[i] > (int64_t)it->base * 10)
                jy_sb_appendf(&over, "%s第%d项考评 %lld.%lld 分超过基本分 %d 分", over.len ? "；" : "", it->no,
                              (long long)(got[i] / 10), (long long)(got[i] % 10), it->base);
        }
    }
    r->has_total = 1;
    jy_cell_text(r, &r->total[0], "合计");
    jy_cell_int(&r->total[2], sum_base);
    if (any_self) points_cell(r, &r->total[4], sum_self);
    if (any_got) points_cell(r, &r->total[5], sum_got);
    jy_sb note = JY_SB_INIT;
    if (any_got)
        jy_sb_appendf(&note, "考评合计 %lld 分：", (long long)(sum_got / 10));
    else if (has_score)
        jy_sb_appendf(&note, "案件评分 %lld 分（未按本表逐项记录，facts.score_items）：", (long long)(score_t / 10));
    jy_sb_append(&note, "90分以下的限期整改，90分以上的推荐认定（P22 四、五）。");
    if (unmatched.len) jy_sb_appendf(&note, "score_items 中不对应本表项目的：%s（计入案件评分，未列入本表）。", jy_sb_cstr(&unmatched));
    if (over.len) jy_sb_appendf(&note, "%s。", jy_sb_cstr(&over));
    r->note = jy_arena_strdup(r->arena, jy_sb_cstr(&note));
    jy_sb_free(&note);
    jy_sb_free(&unmatched);
    jy_sb_free(&over);
    json_decref(facts);
    *out = r;
    return 0;
}

int jy_report_roster(jy_store *st, const jy_policy *pol, const jy_roster_query *q, jy_report **out, jy_err *err)
{
    *out = NULL;
    const form_def *f = form_find(q->program, q->form);
    if (!f) {
        jy_sb names;
        jy_sb_init(&names);
        jy_report_forms_json(&names);
        int rc = jy_err_set2(err, JY_EINVAL, "report.form_unknown", "%1$s --form %2$s: no such roster form; known: %4$s%3$.0s",
                             "%1$s --form %3$s：没有这种花名册表；现有的表：%4$s%2$.0s", q->program,
                             q->form ? q->form : "(default)", q->form ? q->form : "（默认）", jy_sb_cstr(&names));
        jy_sb_free(&names);
        return rc;
    }
    if (f != &training_form && strcmp(f->program, q->program) != 0)
        return jy_err_set2(err, JY_EINVAL, "report.form_program", "form %s (%s) belongs to %s, not %s", "表 %s（%s）属于 %s，不属于 %s", f->id, f->title, f->program,
                          q->program);
    (void)pol;
    int rc = 0;
    roster_ctx c;
    memset(&c, 0, sizeof c);
    c.st = st;
    c.f = f;
    c.q = q;
    c.err = err;
    if (f == &p13_pay_form) return p13_pay(st, q, out, err);
    if (f == &p22_apply_form || f == &p22_score_form) return p22_form(st, q, f == &p22_score_form, out, err);
    char form[32] = "";
    if (f != &training_form && f != &p13_roster_form) snprintf(form, sizeof form, "附件 %s", f->id);
    jy_report *r = jy_report_new(f->orgs ? "list" : "roster", f->title, form);
    c.r = r;
    {
        char h[256], county_unit[160];
        const char *unit = q->unit;
        if (!unit && q->org_id) {
            const jy_org *o = org_of(&c, q->org_id);
            unit = o ? o->name : NULL;
        }
        if (!unit) { /* the county's own roster: the unit's name from the settings (issue 13) */
            jy_settings_unit_name(st, q->county, county_unit, sizeof county_unit);
            unit = county_unit;
        }
        snprintf(h, sizeof h, "%s：%s", f->unit_label, unit);
        jy_report_head(r, h);
        char today[JY_DATE_BUFSZ];
        if (strcmp(f->id, "5-15-4") == 0) { /* 推荐部门（盖章）：… 联系人：… 时间：…年…月…日 */
            int yy, mm, dd;
            jy_date_to_ymd(jy_date_today(), &yy, &mm, &dd);
            snprintf(h, sizeof h, "项目：%s    联系人：            时间：%04d年%02d月%02d日", q->program, yy, mm, dd);
        } else {
            snprintf(h, sizeof h, "项目：%s    填报日期：%s", q->program, jy_date_format(jy_date_today(), today));
        }
        jy_report_head(r, h);
    }
    for (int k = 0; k < 16 && f->cols[k].key; k++) jy_report_col_add(r, f->cols[k].key, f->cols[k].title, f->cols[k].width);
    int needs_att = 0; /* 5-10-2: attendance summed over each placement's monthly payments */
    for (int k = 0; k < r->ncols; k++) needs_att |= f->cols[k].src == S_DAYS_ON_DUTY;
    if (needs_att) {
        jy_report_case_filter mf = {.county = q->county, .program = q->program, .kind = "monthly_payment"};
        if ((rc = jy_store_report_cases(st, &mf, on_month, &c.att, err))) goto done;
        pl_ctx pc = {st, &c.att, err, 0};
        jy_placement_filter pf = {.county = q->county, .program = q->program};
        if ((rc = jy_store_placement_list(st, &pf, on_placement, &pc, err)) || (rc = pc.rc)) goto done;
    }
    jy_report_case_filter cf = {.county = q->county, .program = q->program, .state = q->state, .year = q->year,
                                .parent_id = q->parent_id, .org_id = q->org_id, .kind = f->kind};
    if (f->orgs) {
        cf.with_person = 0;
    } else {
        cf.with_person = 1;
        if (f->workers && !q->parent_id) cf.parent_id = -1; /* the persons under award cases */
        if (f == &training_form) cf.kind = NULL;
    }
    /* training rosters: trainees and direct claims (a class itself has no person subject) */
    if ((rc = jy_store_report_cases(st, &cf, on_roster_row, &c, err))) goto done;
    roster_total(r, f, (int64_t)r->nrows, c.amount_sum, &c);
    if (f->workers)
        r->note = "花名册人员为该项目申报案件下登记的人员（jiuye case file --parent 案件号 --person 身份证号）。";
    /* the lines the seed's forms print under the table */
    if (strcmp(f->id, "5-17-2") == 0)
        r->note = "本人承诺：本企业所提交申报资料及信息均属实，如有弄虚作假的，本企业自愿承担所有责任。    承诺人：            承诺日期：";
    else if (strcmp(f->id, "5-20-2") == 0)
        r->note = "备注：人员类别包含脱贫人口、农村低收入人口、搬迁群众、农村劳动力及其他人员。";
    else if (strcmp(f->id, "5-15-4") == 0)
        r->note = "留用率 = 期满留用数 ÷ 见习人数；评价分值为《中卫市优秀就业见习基地评价表》（附件 5-15-2）得分，80分以上推荐（P15 四）。";
done:
    free(c.att.v);
    if (rc) {
        jy_report_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

/* ---------------------------------------------------------------- publicity list */

typedef struct pub_ctx {
    jy_store *st;
    jy_report *r;
    json_t *progs;
    int64_t seq;
    jy_fen total;
    int found;
    jy_org org;
} pub_ctx;

static int on_pub_row(void *ctx, const jy_report_case_row *row)
{
    pub_ctx *c = ctx;
    jy_report *r = c->r;
    jy_cell *cells = jy_report_row(r);
    char buf[160];
    c->found++;
    jy_cell_int(&cells[0], ++c->seq);
    jy_cell_text(r, &cells[1], row->program);
    jy_cell_text(r, &cells[2], program_title(c->progs, row->program));
    if (row->idcard[0]) { /* a published list: 张*丰, 640522********1234 (domain/mask.h, docs/privacy.md) */
        jy_mask_name(row->name, buf, sizeof buf);
        jy_cell_text(r, &cells[3], buf);
        jy_mask_idcard(row->idcard, buf, sizeof buf);
        jy_cell_text(r, &cells[4], buf);
    } else if (row->org_id && (c->org.id == row->org_id || jy_store_org_get(c->st, row->org_id, &c->org, NULL) == 0)) {
        jy_cell_text(r, &cells[3], c->org.name);
        jy_cell_text(r, &cells[4], c->org.uscc);
    }
    if (row->occupation[0]) snprintf(buf, sizeof buf, "%s（%s%s）", kind_label(row->kind), row->occupation, level_label(row->level));
    else snprintf(buf, sizeof buf, "%s", kind_label(row->kind));
    jy_cell_text(r, &cells[5], buf);
    if (row->has_amount) {
        jy_cell_money(&cells[6], row->amount);
        c->total += row->amount;
    }
    jy_cell_date(&cells[7], row->publicity_start);
    jy_cell_date(&cells[8], row->publicity_end);
    jy_cell_text(r, &cells[9], state_label(row->state));
    return 0;
}

int jy_report_publicity(jy_store *st, const jy_policy *pol, const char *county, const int64_t *ids, size_t n,
                        const char *program, const char *state, jy_report **out, jy_err *err)
{
    *out = NULL;
    json_t *progs = policy_programs(pol, err);
    if (!progs) return err->code;
    int rc = 0;
    char title[256];
    const char *pt = program && *program ? program_title(progs, program) : NULL;
    snprintf(title, sizeof title, "%s公示名单", pt && *pt ? pt : "");
    jy_report *r = jy_report_new("publicity", title, "");
    pub_ctx c;
    memset(&c, 0, sizeof c);
    c.st = st;
    c.r = r;
    c.progs = progs;
    jy_report_unit_head(r, st, county, "公示单位", NULL);
    jy_report_head(r, "公示期间如有异议，请向县人力资源和社会保障局（就业创业和人才服务局）反映。");
    jy_report_col_add(r, "seq", "序号", 6);
    jy_report_col_add(r, "program", "项目编号", 8);
    jy_report_col_add(r, "program_title", "项目名称", 26);
    jy_report_col_add(r, "name", "姓名（单位名称）", 24);
    jy_report_col_add(r, "id", "身份证号（统一社会信用代码）", 22);
    jy_report_col_add(r, "item", "申报事项", 24);
    jy_report_col_add(r, "amount", "拟补贴金额（元）", 14);
    jy_report_col_add(r, "publicity_start", "公示开始日期", 12);
    jy_report_col_add(r, "publicity_end", "公示截止日期", 12);
    jy_report_col_add(r, "state", "状态", 14);
    if (n > 0) {
        for (size_t i = 0; i < n && rc == 0; i++) {
            int before = c.found;
            jy_report_case_filter f = {.county = county, .id = ids[i]};
            rc = jy_store_report_cases(st, &f, on_pub_row, &c, err);
            if (rc == 0 && c.found == before)
                rc = jy_err_set2(err, JY_ENOTFOUND, "report.case_not_found", "case %lld: not found in county %s", "案件 %lld：县 %s 中没有这个案件", (long long)ids[i], county);
        }
    } else {
        jy_report_case_filter f = {.county = county, .program = program, .state = state ? state : "publicity"};
        rc = jy_store_report_cases(st, &f, on_pub_row, &c, err);
    }
    if (rc == 0) {
        r->has_total = 1;
        jy_cell_text(r, &r->total[0], "合计");
        char cnt[32];
        snprintf(cnt, sizeof cnt, "%lld 项", (long long)c.found);
        jy_cell_text(r, &r->total[5], cnt);
        jy_cell_money(&r->total[6], c.total);
        r->note = "个人姓名、身份证号已部分隐去。";
    }
    json_decref(progs);
    if (rc) {
        jy_report_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

/* ---------------------------------------------------------------- P4 acceptance */

typedef struct p4_ctx {
    int found;
    int64_t org_id;
    char occupation[64];
    int has_amount;
    jy_fen amount;
    char state[24];
    json_t *facts;
    int64_t trained, examined, passed, employed;
} p4_ctx;

static int on_p4(void *ctx, const jy_report_case_row *row)
{
    p4_ctx *c = ctx;
    c->found = 1;
    c->org_id = row->org_id;
    snprintf(c->occupation, sizeof c->occupation, "%s", row->occupation);
    snprintf(c->state, sizeof c->state, "%s", row->state);
    c->has_amount = row->has_amount;
    c->amount = row->amount;
    c->facts = json_loads(row->facts, 0, NULL);
    if (!c->facts) c->facts = json_object();
    return 0;
}

static int on_p4_trainee(void *ctx, const jy_report_case_row *row)
{
    p4_ctx *c = ctx;
    if (state_dropped(row->state) || !row->idcard[0]) return 0;
    json_t *f = json_loads(row->facts, 0, NULL);
    c->trained++;
    json_t *cert = json_object_get(f, "certificate");
    json_t *ex = json_object_get(f, "examined");
    if (json_is_true(ex) || (json_is_string(cert) && *json_string_value(cert))) c->examined++;
    if (json_is_string(cert) && *json_string_value(cert)) c->passed++;
    if (json_is_true(json_object_get(f, "employed"))) c->employed++;
    json_decref(f);
    return 0;
}

/* A percentage fact: "96.5%", "96.5" or a number (percent) → hundredths of a percent, exactly
 * from the text (at most two decimals). Returns 1 when present and valid. */
static int fact_pct(json_t *facts, const char *k, int64_t *out)
{
    json_t *v = json_object_get(facts, k);
    char buf[64];
    const char *s;
    if (json_is_integer(v)) {
        *out = json_integer_value(v) * 100;
        return 1;
    }
    if (json_is_real(v)) {
        snprintf(buf, sizeof buf, "%.2f", json_real_value(v));
        s = buf;
    } else if (json_is_string(v)) {
        s = json_string_value(v);
    } else {
        return 0;
    }
    int64_t whole = 0, frac = 0;
    int nd = 0, digits = 0;
    const char *p = s;
    while (*p >= '0' && *p <= '9') whole = whole * 10 + (*p++ - '0'), digits++;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9' && nd < 2) frac = frac * 10 + (*p++ - '0'), nd++;
        while (*p == '0') p++;
    }
    if (*p == '%') p++;
    if (*p || !digits || whole > 1000000) return 0;
    if (nd == 1) frac *= 10;
    *out = whole * 100 + frac;
    return 1;
}

static void p4_row(jy_report *r, int seq, const char *group, const char *item, jy_cell value, const char *unit)
{
    jy_cell *row = jy_report_row(r);
    jy_cell_int(&row[0], seq);
    jy_cell_text(r, &row[1], group);
    jy_cell_text(r, &row[2], item);
    row[3] = value;
    jy_cell_text(r, &row[4], unit);
}

int jy_report_p4_acceptance(jy_store *st, const char *county, int64_t case_id, jy_report **out, jy_err *err)
{
    *out = NULL;
    p4_ctx c;
    memset(&c, 0, sizeof c);
    jy_report_case_filter f = {.county = county, .id = case_id};
    int rc = jy_store_report_cases(st, &f, on_p4, &c, err);
    if (rc) goto done;
    if (!c.found) {
        rc = jy_err_set2(err, JY_ENOTFOUND, "report.case_not_found", "case %lld: not found in county %s", "案件 %lld：县 %s 中没有这个案件", (long long)case_id, county);
        goto done;
    }
    jy_report_case_filter kids = {.county = county, .parent_id = case_id, .with_person = 1};
    if ((rc = jy_store_report_cases(st, &kids, on_p4_trainee, &c, err))) goto done;
    jy_report *r = jy_report_new("p4-acceptance", "海原县公共就业服务能力提升项目制培训验收报告", "附件 5-4-2");
    char h[256];
    jy_org o;
    memset(&o, 0, sizeof o);
    if (c.org_id) jy_store_org_get(st, c.org_id, &o, NULL);
    snprintf(h, sizeof h, "（四）项目完成数据情况统计    项目（工种）名称：%s", c.occupation);
    jy_report_head(r, h);
    snprintf(h, sizeof h, "培训单位：%s    案件：%lld    状态：%s", o.name, (long long)case_id, c.state);
    jy_report_head(r, h);
    jy_report_col_add(r, "seq", "序号", 6);
    jy_report_col_add(r, "item", "项目", 12);
    jy_report_col_add(r, "content", "项目内容", 20);
    jy_report_col_add(r, "value", "考核情况", 16);
    jy_report_col_add(r, "remark", "备注", 10);
    json_t *F = c.facts;
    jy_cell v;
    int has;
    int64_t planned = fact_int(F, "planned_trainees", &has);
    if (!has) planned = fact_int(F, "class_size", &has);
    memset(&v, 0, sizeof v);
    if (has) jy_cell_int(&v, planned);
    p4_row(r, 8, "培训成效", "培训计划人数", v, "人");
    int64_t trained = fact_int(F, "trained", &has);
    if (!has) trained = c.trained;
    memset(&v, 0, sizeof v);
    jy_cell_int(&v, trained);
    p4_row(r, 9, "", "实际参培人数", v, "人");
    int64_t examined = fact_int(F, "examined", &has);
    if (!has) examined = c.examined;
    memset(&v, 0, sizeof v);
    jy_cell_int(&v, examined);
    p4_row(r, 10, "", "实际考核人数", v, "人");
    int64_t passed = fact_int(F, "passed", &has);
    if (!has) passed = c.passed;
    memset(&v, 0, sizeof v);
    jy_cell_int(&v, passed);
    p4_row(r, 11, "", "培训合格人数", v, "人");
    memset(&v, 0, sizeof v);
    jy_cell_pct(&v, passed, examined);
    p4_row(r, 12, "", "培训合格率", v, "%");
    jy_fen m;
    memset(&v, 0, sizeof v);
    if (c.has_amount) jy_cell_money(&v, c.amount);
    else if (fact_money(F, "approved", &m)) jy_cell_money(&v, m);
    p4_row(r, 13, "", "项目培训核定金额", v, "元");
    memset(&v, 0, sizeof v);
    if (fact_money(F, "actual_cost", &m) || fact_money(F, "budget", &m)) jy_cell_money(&v, m);
    p4_row(r, 14, "", "项目培训实际支出", v, "元");
    int64_t pct;
    memset(&v, 0, sizeof v);
    if (fact_pct(F, "satisfaction", &pct)) v.type = JY_CELL_PERCENT, v.v = pct;
    p4_row(r, 15, "社会效应", "培训学员满意率", v, "%");
    memset(&v, 0, sizeof v);
    if (fact_pct(F, "department_recognition", &pct)) v.type = JY_CELL_PERCENT, v.v = pct;
    p4_row(r, 16, "", "业务部门认可度", v, "%");
    memset(&v, 0, sizeof v);
    if (fact_pct(F, "employment_rate", &pct)) v.type = JY_CELL_PERCENT, v.v = pct;
    else jy_cell_pct(&v, c.employed, trained);
    p4_row(r, 17, "", "学员就业率", v, "%");
    int stars = (int)fact_int(F, "stars", &has);
    static const char *const S[] = {"不予评星", "", "", "三星", "四星", "五星"};
    snprintf(h, sizeof h, "（五）培训验收结果：%s", has && stars >= 0 && stars <= 5 ? (S[stars][0] ? S[stars] : "不予评星") : "未评");
    r->note = jy_arena_strdup(r->arena, h);
    *out = r;
done:
    json_decref(c.facts);
    return rc;
}

/* ---------------------------------------------------------------- shared state rules */

/* The counting rules above, for the township report (report_township.c). */
int jy_report_state_dropped(const char *state) { return state_dropped(state); }
int jy_report_state_achieved(const char *state) { return state_achieved(state); }
