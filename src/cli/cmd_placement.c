/* jiuye placement / jiuye attendance: placements with monthly pay and their attendance
 * (docs/payroll.md).
 *
 *   jiuye placement start --program P13 --person IDCARD --host USCC --start D [--end D]
 *                         [--new-recruit] [--facts JSON]
 *   jiuye placement approve CASE --reason TEXT [--date D]           a start held for review
 *   jiuye placement end ID --date D --reason TEXT
 *   jiuye placement recover ID --reason TEXT [--since YYYY-MM]      追回 (payroll.h)
 *   jiuye placement show ID
 *   jiuye placement list [--program P] [--status S] [--person IDCARD]
 *   jiuye attendance set PLACEMENT YYYY-MM --duty N [--personal N] [--sick N] [--certificate]
 *                         [--contract] [--si-paid YUAN --si-months N]
 *   jiuye attendance import FILE --program P --month YYYY-MM
 *
 * Output is JSON (list: one line per placement). The actor is --as NAME (global option). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "service/money.h"
#include "service/payroll.h"
#include "service/placement.h"

#define MAXOPT 16

typedef struct opts {
    const char *pos[4];
    int npos;
    const char *key[MAXOPT];
    const char *val[MAXOPT];
    int n;
} opts;

/* flags take no value */
static int is_flag(const char *k)
{
    return strcmp(k, "new-recruit") == 0 || strcmp(k, "certificate") == 0 || strcmp(k, "contract") == 0;
}

static int parse_opts(int argc, char **argv, int from, opts *o, jy_err *err)
{
    memset(o, 0, sizeof *o);
    for (int i = from; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) == 0) {
            const char *k = argv[i] + 2;
            if (o->n == MAXOPT) return jy_err_set2(err, JY_EUSAGE, "cli.too_many_options", "too many options", "选项过多");
            o->key[o->n] = k;
            if (is_flag(k)) {
                o->val[o->n++] = "1";
                continue;
            }
            if (i + 1 >= argc) return jy_err_set2(err, JY_EUSAGE, "cli.dashed_option_value", "--%s needs a value", "--%s 需要一个值", k);
            o->val[o->n++] = argv[++i];
        } else {
            if (o->npos == 4) return jy_err_set2(err, JY_EUSAGE, "cli.unexpected_arg", "unexpected argument %s", "多余的参数 %s", argv[i]);
            o->pos[o->npos++] = argv[i];
        }
    }
    return 0;
}

static const char *opt(const opts *o, const char *k)
{
    for (int i = 0; i < o->n; i++)
        if (strcmp(o->key[i], k) == 0) return o->val[i];
    return NULL;
}

static int only(const opts *o, const char *const *allowed, jy_err *err)
{
    for (int i = 0; i < o->n; i++) {
        int ok = 0;
        for (int k = 0; allowed[k]; k++) ok |= strcmp(o->key[i], allowed[k]) == 0;
        if (!ok) return jy_err_set2(err, JY_EUSAGE, "cli.unknown_option", "unknown option --%s", "未知的选项 --%s", o->key[i]);
    }
    return 0;
}

static int parse_id(const char *s, int64_t *out, jy_err *err)
{
    char *end;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || errno || end == s || *end || v <= 0) return jy_err_set2(err, JY_EUSAGE, "cli.expected_id", "expected an id, got %1$s%2$.0s", "应为编号，实际为%2$s%1$.0s", s ? s : "nothing", s ? s : "空");
    *out = v;
    return 0;
}

static int parse_int_opt(const opts *o, const char *k, int *out, jy_err *err)
{
    const char *s = opt(o, k);
    if (!s) return 0;
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || v < 0 || v > 600) return jy_err_set2(err, JY_EUSAGE, "cli.whole_number", "--%s %s: expected a whole number", "--%s %s：应为整数", k, s);
    *out = (int)v;
    return 0;
}

static int parse_day(const opts *o, const char *k, jy_date *out, jy_err *err)
{
    const char *s = opt(o, k);
    *out = 0;
    if (!s) return 0;
    if (jy_date_parse_loose(s, out, err)) return jy_err_prefix2(err, "--%s %s: ", "--%s %s：", k, s);
    return 0;
}

static int open_all(const jy_cli *cli, jy_store **st, jy_cases **cs, jy_err *err)
{
    *st = NULL;
    *cs = NULL;
    int rc = jy_cli_store_open(cli, st, err);
    if (rc == 0) rc = jy_cases_open(*st, cli->policy_dir, cs, err);
    if (rc == 0) jy_cli_calendar_warn((*cs)->cal);
    return rc;
}

static int on_list(void *ctx, const jy_placement *p)
{
    jy_sb *sb = ctx;
    jy_sb_reset(sb);
    jy_placement_json(sb, p);
    jy_cli_print(sb);
    return 0;
}

int jy_cmd_placement(const jy_cli *cli, int argc, char **argv)
{
    static const char usage[] = "jiuye placement start|approve|end|recover|show|list …";
    static const char usage_zh[] = "jiuye placement start|approve|end|recover|show|list …（岗位：开始、审核、结束、追回、查看、列出）";
    if (argc < 2) return jy_cli_usage2(usage, usage_zh);
    const char *sub = argv[1];
    jy_err err = {0};
    opts o;
    jy_store *st = NULL;
    jy_cases *cs = NULL;
    jy_sb sb = JY_SB_INIT;
    int rc = parse_opts(argc, argv, 2, &o, &err);
    if (rc) goto done;
    if (strcmp(sub, "start") == 0) {
        static const char *const ok[] = {"program", "person", "host", "start", "end", "new-recruit", "facts", NULL};
        jy_placement_start_in in = {0};
        if ((rc = only(&o, ok, &err))) goto done;
        in.program = opt(&o, "program");
        in.idcard = opt(&o, "person");
        in.host_uscc = opt(&o, "host");
        in.new_recruit = opt(&o, "new-recruit") != NULL;
        in.facts_json = opt(&o, "facts");
        if (!in.program || !in.idcard || !in.host_uscc || !opt(&o, "start")) {
            rc = jy_err_set2(&err, JY_EUSAGE, "cli.usage_placement_start",
                             "usage: jiuye placement start --program P --person IDCARD --host USCC --start D [--end D] "
                             "[--new-recruit] [--facts JSON]",
                             "用法：jiuye placement start --program 项目 --person 身份证号码 --host 统一社会信用代码 --start 日期 "
                             "[--end 日期] [--new-recruit] [--facts JSON]");
            goto done;
        }
        if ((rc = parse_day(&o, "start", &in.start, &err)) || (rc = parse_day(&o, "end", &in.planned_end, &err)))
            goto done;
        if ((rc = open_all(cli, &st, &cs, &err))) goto done;
        int held = 0;
        int64_t case_id = 0;
        if ((rc = jy_placement_start_json(cs, &in, cli->actor, &sb, &held, &case_id, &err))) goto done;
        if (held) /* held for review: the case waits, no placement yet */
            jy_cli_say2("jiuye: ", "cli.placement_held",
                        "%s placement of %s held for review (needs_review): case %lld waits for a reviewer "
                        "(jiuye placement approve %lld --reason …)",
                        "%s 岗位（%s）转人工审核（needs_review）：案件 %lld 等待审核人审核"
                        "（jiuye placement approve %lld --reason …）",
                        in.program, in.idcard, (long long)case_id, (long long)case_id);
        jy_cli_print(&sb);
    } else if (strcmp(sub, "approve") == 0) {
        static const char *const ok[] = {"reason", "date", NULL};
        int64_t id = 0;
        jy_date on;
        jy_placement p;
        if ((rc = only(&o, ok, &err)) || (rc = parse_id(o.pos[0], &id, &err)) || (rc = parse_day(&o, "date", &on, &err)))
            goto done;
        if ((rc = open_all(cli, &st, &cs, &err))) goto done;
        if ((rc = jy_placement_approve(cs, id, on, opt(&o, "reason"), cli->actor, &p, &err))) goto done;
        jy_placement_json(&sb, &p);
        jy_cli_print(&sb);
    } else if (strcmp(sub, "end") == 0) {
        static const char *const ok[] = {"date", "reason", NULL};
        int64_t id = 0;
        jy_date on;
        if ((rc = only(&o, ok, &err)) || (rc = parse_id(o.pos[0], &id, &err)) || (rc = parse_day(&o, "date", &on, &err)))
            goto done;
        if (!on) on = jy_date_today();
        if ((rc = open_all(cli, &st, &cs, &err))) goto done;
        if ((rc = jy_placement_end(cs, id, on, opt(&o, "reason"), cli->actor, &err))) goto done;
        if ((rc = jy_placement_show_json(cs, id, &sb, &err))) goto done;
        jy_cli_print(&sb);
    } else if (strcmp(sub, "recover") == 0) {
        static const char *const ok[] = {"reason", "since", NULL};
        int64_t id = 0;
        if ((rc = only(&o, ok, &err)) || (rc = parse_id(o.pos[0], &id, &err))) goto done;
        if ((rc = open_all(cli, &st, &cs, &err))) goto done;
        if ((rc = jy_payroll_recover(cs, id, opt(&o, "since"), opt(&o, "reason"), cli->actor, &sb, &err))) goto done;
        jy_cli_print(&sb);
    } else if (strcmp(sub, "show") == 0) {
        static const char *const ok[] = {NULL};
        int64_t id = 0;
        if ((rc = only(&o, ok, &err)) || (rc = parse_id(o.pos[0], &id, &err))) goto done;
        if ((rc = open_all(cli, &st, &cs, &err))) goto done;
        if ((rc = jy_placement_show_json(cs, id, &sb, &err))) goto done;
        jy_cli_print(&sb);
    } else if (strcmp(sub, "list") == 0) {
        static const char *const ok[] = {"program", "status", "person", "county", NULL};
        jy_placement_filter f = {.program = opt(&o, "program"), .status = opt(&o, "status"), .county = opt(&o, "county")};
        if ((rc = only(&o, ok, &err))) goto done;
        if ((rc = jy_cli_store_open(cli, &st, &err))) goto done;
        if (opt(&o, "person")) {
            jy_person p;
            if ((rc = jy_store_person_get_by_idcard(st, opt(&o, "person"), &p, &err))) goto done;
            f.person_id = p.id;
        }
        rc = jy_store_placement_list(st, &f, on_list, &sb, &err);
    } else {
        rc = jy_err_set2(&err, JY_EUSAGE, "cli.usage_text_zh", "%1$s%2$.0s", "用法：%2$s%1$.0s", usage, usage_zh);
    }
done:
    jy_sb_free(&sb);
    jy_cases_close(cs);
    jy_store_close(st);
    return rc ? jy_cli_fail(&err) : JY_EXIT_OK;
}

int jy_cmd_attendance(const jy_cli *cli, int argc, char **argv)
{
    static const char usage[] = "jiuye attendance set PLACEMENT YYYY-MM --duty N … | import FILE --program P --month YYYY-MM";
    static const char usage_zh[] = "jiuye attendance set 岗位案件 YYYY-MM --duty 出勤天数 … | import 文件 --program 项目 --month YYYY-MM";
    if (argc < 2) return jy_cli_usage2(usage, usage_zh);
    const char *sub = argv[1];
    jy_err err = {0};
    opts o;
    jy_store *st = NULL;
    jy_cases *cs = NULL;
    jy_sb sb = JY_SB_INIT;
    int rc = parse_opts(argc, argv, 2, &o, &err);
    if (rc) goto done;
    if (strcmp(sub, "set") == 0) {
        static const char *const ok[] = {"duty", "personal", "sick", "certificate", "contract", "si-paid", "si-months", NULL};
        jy_attendance a;
        memset(&a, 0, sizeof a);
        if ((rc = only(&o, ok, &err)) || (rc = parse_id(o.pos[0], &a.placement_id, &err))) goto done;
        if (!o.pos[1] || !opt(&o, "duty")) {
            rc = jy_err_set2(&err, JY_EUSAGE, "cli.usage_attendance_set",
                              "usage: jiuye attendance set PLACEMENT YYYY-MM --duty N [--personal N] "
                              "[--sick N] [--certificate] [--contract] [--si-paid YUAN --si-months N]",
                              "用法：jiuye attendance set 岗位案件 YYYY-MM --duty 出勤天数 [--personal 事假天数] "
                              "[--sick 病假天数] [--certificate] [--contract] [--si-paid 社保缴费（元） --si-months 月数]");
            goto done;
        }
        jy_month m; /* whole: "2024-07junk" or "2024-02-30" is not month 2024-07 or 2024-02 */
        jy_err e;
        if (jy_month_parse(o.pos[1], &m, &e)) {
            rc = jy_err_set2(&err, JY_EINVAL, "month.format_ym", "month %s: expected YYYY-MM", "月份 %s：应为 YYYY-MM", o.pos[1]);
            goto done;
        }
        snprintf(a.month, sizeof a.month, "%s", o.pos[1]);
        if ((rc = parse_int_opt(&o, "duty", &a.duty_days, &err)) || (rc = parse_int_opt(&o, "personal", &a.personal_leave, &err)) ||
            (rc = parse_int_opt(&o, "sick", &a.sick_leave, &err)) || (rc = parse_int_opt(&o, "si-months", &a.si_months, &err)))
            goto done;
        a.sick_certificate = opt(&o, "certificate") != NULL;
        a.contract_with_host = opt(&o, "contract") != NULL;
        if (opt(&o, "si-paid") && (rc = jy_money_parse(opt(&o, "si-paid"), &a.si_paid, &err))) {
            jy_err_prefix2(&err, "--si-paid: ", "--si-paid：");
            goto done;
        }
        if ((rc = open_all(cli, &st, &cs, &err))) goto done;
        if ((rc = jy_attendance_set_json(cs, &a, cli->actor, &sb, NULL, &err))) goto done;
        jy_cli_print(&sb);
    } else if (strcmp(sub, "import") == 0) {
        static const char *const ok[] = {"program", "month", NULL};
        if ((rc = only(&o, ok, &err))) goto done;
        if (!o.pos[0] || !opt(&o, "program") || !opt(&o, "month")) {
            rc = jy_err_set2(&err, JY_EUSAGE, "cli.usage_attendance_import", "usage: jiuye attendance import FILE --program P --month YYYY-MM", "用法：jiuye attendance import 文件 --program 项目 --month YYYY-MM");
            goto done;
        }
        if ((rc = open_all(cli, &st, &cs, &err))) goto done;
        int rejected = 0;
        if ((rc = jy_attendance_import(cs, opt(&o, "program"), opt(&o, "month"), o.pos[0], cli->actor, &sb, &rejected,
                                       &err)))
            goto done;
        jy_cli_print(&sb);
        if (rejected) { /* the good rows are kept; exit 1 so that the bad ones are not missed */
            jy_cli_say2("jiuye: ", "cli.attendance_rejected",
                        "attendance import %s: %d row(s) rejected (see \"errors\"), the other rows imported",
                        "考勤导入 %s：%d 行有误未导入（见 \"errors\"），其余各行已导入", o.pos[0], rejected);
            jy_sb_free(&sb);
            jy_cases_close(cs);
            jy_store_close(st);
            return JY_EXIT_FAIL;
        }
    } else {
        rc = jy_err_set2(&err, JY_EUSAGE, "cli.usage_text_zh", "%1$s%2$.0s", "用法：%2$s%1$.0s", usage, usage_zh);
    }
done:
    jy_sb_free(&sb);
    jy_cases_close(cs);
    jy_store_close(st);
    return rc ? jy_cli_fail(&err) : JY_EXIT_OK;
}
