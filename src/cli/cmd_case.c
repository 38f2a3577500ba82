/* jiuye case: cases from filing to payment (docs/cases.md).
 *
 *   jiuye case file --program P10 (--person IDCARD | --org USCC | --parent ID) [--kind K]
 *                   [--facts JSON] [--date D]
 *   jiuye case show ID
 *   jiuye case list [--program P] [--state S] [--kind K] [--person IDCARD] [--parent ID]
 *                   [--decision D] [--overdue] [--limit N] [--after ID]   (--decision needs_review:
 *                   the cases flagged for a person's review; filtered after the limit)
 *   jiuye case advance ID STEP --reason TEXT [--date D]
 *   jiuye case approve|reject|publish|object|recognise|pay ID --reason TEXT [--date D]
 *   jiuye case overdue [--on D]               overdue as of D (else today; --date D alike)
 *   jiuye case objections ID                  the case's objections (异议) and their outcome
 *   jiuye case resolve-objection ID --outcome upheld|dismissed --reason TEXT [--date D]
 *   jiuye case check-roster FILE --program P [--kind K] [--date D] [--org USCC]
 *   jiuye case settle-dates [--dry-run]      recount provisional dates once the calendar has the year
 *                   [--occupation X] [--level N]
 *   jiuye case workflows
 *
 * file and advance print the case as `case show` does; list and overdue print JSON lines;
 * check-roster prints one object with the findings and the time taken, and exits 1 when a hard
 * conflict was found. The actor is --as NAME (global option). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/csv.h"
#include "cli/cli.h"
#include "policy/policy.h"
#include "service/case.h"
#include "service/case_views.h"
#include "service/conflict.h"
#include "store/store.h"

#define USAGE                                                                                                  \
    "jiuye case file|show|list|advance|approve|reject|publish|object|recognise|pay|overdue|objections|"           \
    "resolve-objection|check-roster|workflows|settle-dates …"
#define USAGE_ZH "jiuye case file|show|list|advance|approve|reject|publish|object|recognise|pay|overdue|objections|" \
    "resolve-objection|check-roster|workflows|settle-dates …（案件：申报、查看、列出、办理各步骤、超期、异议、花名册比对、暂定日期）"

static int parse_id(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v <= 0) return JY_EINVAL;
    *out = v;
    return 0;
}

static int parse_day(const char *s, jy_date *out, jy_err *err)
{
    if (jy_date_parse_loose(s, out, err)) return jy_err_prefix2(err, "--date %s: ", "--date %s：", s);
    return 0;
}

/* Opens the store and the case service (rules, calendar, workflows). */
static int open_all(const jy_cli *cli, jy_store **st, jy_cases **cs, jy_err *err)
{
    *st = NULL;
    *cs = NULL;
    int rc = jy_cli_store_open(cli, st, err);
    if (rc == 0) rc = jy_cases_open(*st, cli->policy_dir, cs, err);
    if (rc == 0) jy_cli_calendar_warn((*cs)->cal);
    return rc;
}

static void close_all(jy_store *st, jy_cases *cs)
{
    jy_cases_close(cs);
    jy_store_close(st);
}

static int show(jy_cases *cs, int64_t id, jy_err *err)
{
    jy_sb sb = JY_SB_INIT;
    int rc = jy_case_show_json(cs, id, jy_date_today(), &sb, err);
    if (rc == 0) jy_cli_print(&sb);
    jy_sb_free(&sb);
    return rc;
}

static int cmd_file(const jy_cli *cli, int argc, char **argv)
{
    static const char usage[] = "jiuye case file --program P (--person IDCARD | --org USCC | --parent ID) [--kind K] "
                                "[--facts JSON] [--date D]";
    static const char usage_zh[] = "jiuye case file --program 项目 (--person 身份证号码 | --org 统一社会信用代码 | --parent 上级案件) [--kind 类别] "
                                   "[--facts JSON] [--date 日期]";
    jy_case_filing f = {0};
    jy_err err = {0};
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return jy_cli_usage2(usage, usage_zh);
        if (strcmp(a, "--program") == 0) f.program = v;
        else if (strcmp(a, "--kind") == 0) f.kind = v;
        else if (strcmp(a, "--person") == 0) f.idcard = v;
        else if (strcmp(a, "--org") == 0) f.uscc = v;
        else if (strcmp(a, "--facts") == 0) f.facts_json = v;
        else if (strcmp(a, "--parent") == 0) {
            if (parse_id(v, &f.parent_id)) return jy_cli_usage2(usage, usage_zh);
        } else if (strcmp(a, "--date") == 0) {
            if (parse_day(v, &f.on, &err)) return jy_cli_fail(&err);
        } else {
            return jy_cli_usage2(usage, usage_zh);
        }
    }
    if (!f.program) return jy_cli_usage2(usage, usage_zh);
    jy_store *st;
    jy_cases *cs;
    int64_t id = 0;
    int rc = open_all(cli, &st, &cs, &err);
    if (rc == 0) rc = jy_case_file(cs, &f, cli->actor, &id, &err);
    if (rc == 0) rc = show(cs, id, &err);
    close_all(st, cs);
    return rc ? jy_cli_fail(&err) : JY_EXIT_OK;
}

static int cmd_show(const jy_cli *cli, int argc, char **argv)
{
    int64_t id;
    if (argc != 2 || parse_id(argv[1], &id)) return jy_cli_usage2("jiuye case show ID", "jiuye case show 案件编号");
    jy_err err = {0};
    jy_store *st;
    jy_cases *cs;
    int rc = open_all(cli, &st, &cs, &err);
    if (rc == 0) rc = show(cs, id, &err);
    close_all(st, cs);
    return rc ? jy_cli_fail(&err) : JY_EXIT_OK;
}

static int cmd_advance(const jy_cli *cli, int argc, char **argv, const char *alias)
{
    static const char usage[] = "jiuye case advance ID STEP --reason TEXT [--date D]  (or: case approve|reject|"
                                "publish|object|recognise|pay ID --reason TEXT [--date D])";
    static const char usage_zh[] = "jiuye case advance 案件编号 步骤 --reason 理由 [--date 日期]（或：case approve|reject|"
                                   "publish|object|recognise|pay 案件编号 --reason 理由 [--date 日期]）";
    int64_t id;
    int first_opt = alias ? 2 : 3;
    if (argc < first_opt || parse_id(argv[1], &id)) return jy_cli_usage2(usage, usage_zh);
    const char *step = alias ? alias : argv[2];
    const char *reason = NULL;
    jy_date on = 0;
    jy_err err = {0};
    for (int i = first_opt; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return jy_cli_usage2(usage, usage_zh);
        if (strcmp(a, "--reason") == 0) reason = v;
        else if (strcmp(a, "--date") == 0) {
            if (parse_day(v, &on, &err)) return jy_cli_fail(&err);
        } else {
            return jy_cli_usage2(usage, usage_zh);
        }
    }
    jy_store *st;
    jy_cases *cs;
    int rc = open_all(cli, &st, &cs, &err);
    if (rc == 0 && alias) {
        jy_case c;
        jy_sb text = JY_SB_INIT;
        rc = jy_store_case_get(st, id, &c, &text, &err);
        const jy_workflow *wf = rc == 0 ? jy_workflow_for(cs->wf, c.program, c.kind) : NULL;
        if (wf) step = jy_case_step_alias(wf, c.state, alias);
        jy_sb_free(&text);
    }
    if (rc == 0) rc = jy_case_advance(cs, id, step, on, reason, cli->actor, &err);
    if (rc == 0) rc = show(cs, id, &err);
    close_all(st, cs);
    return rc ? jy_cli_fail(&err) : JY_EXIT_OK;
}

typedef struct list_ctx {
    jy_sb sb;
    jy_date today;
    jy_cases *cs;
    int overdue_view;
    const char *decision; /* NULL: any */
} list_ctx;

static int print_case(void *ctx, const jy_case *c)
{
    list_ctx *L = ctx;
    if (L->decision && strcmp(c->decision, L->decision) != 0) return 0;
    jy_sb_reset(&L->sb);
    jy_case_json(&L->sb, c);
    jy_cli_print(&L->sb);
    return 0;
}

/* A case overdue on L->today by the state it was in that day (jy_case_overdue_on). */
static int print_overdue(void *ctx, const jy_case *c, const jy_case_then *t)
{
    list_ctx *L = ctx;
    if (L->decision && strcmp(c->decision, L->decision) != 0) return 0;
    jy_sb_reset(&L->sb);
    jy_case_overdue_json(&L->sb, c, t, L->today);
    jy_cli_print(&L->sb);
    return 0;
}

static int cmd_list(const jy_cli *cli, int argc, char **argv, int overdue_cmd)
{
    static const char usage[] = "jiuye case list [--program P] [--state S] [--kind K] [--person IDCARD] [--parent ID] "
                                "[--decision eligible|ineligible|needs_review] [--county AREA] [--overdue] [--date|--on D] [--limit N] [--after ID]";
    static const char usage_zh[] = "jiuye case list [--program 项目] [--state 状态] [--kind 类别] [--person 身份证号码] [--parent 上级案件] "
                                   "[--decision eligible|ineligible|needs_review] [--county 区划] [--overdue] [--date|--on 日期] [--limit 条数] [--after 编号]";
    jy_case_filter f = {.limit = overdue_cmd ? 0 : 100};
    const char *decision = NULL;
    const char *idcard = NULL;
    int overdue = overdue_cmd;
    jy_date today = jy_date_today();
    jy_err err = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--overdue") == 0) {
            overdue = 1;
            continue;
        }
        const char *v = i + 1 < argc ? argv[++i] : NULL;
        int64_t n;
        if (!v) return jy_cli_usage2(usage, usage_zh);
        if (strcmp(a, "--program") == 0) f.program = v;
        else if (strcmp(a, "--state") == 0) f.state = v;
        else if (strcmp(a, "--kind") == 0) f.kind = v;
        else if (strcmp(a, "--county") == 0 && strlen(v) <= 6 && strspn(v, "0123456789") == strlen(v)) f.county = v;
        else if (strcmp(a, "--decision") == 0) decision = v;
        else if (strcmp(a, "--person") == 0) idcard = v;
        else if (strcmp(a, "--parent") == 0 && parse_id(v, &n) == 0) f.parent_id = n;
        else if (strcmp(a, "--limit") == 0 && (strcmp(v, "0") == 0 || parse_id(v, &n) == 0)) f.limit = (int)atoi(v);
        else if (strcmp(a, "--after") == 0 && parse_id(v, &n) == 0) f.after_id = n;
        else if (strcmp(a, "--date") == 0 || strcmp(a, "--on") == 0) { /* --on: the day to count against */
            if (parse_day(v, &today, &err)) return jy_cli_fail(&err);
        } else {
            return jy_cli_usage2(usage, usage_zh);
        }
    }
    jy_store *st;
    list_ctx L = {JY_SB_INIT, today, NULL, overdue, decision};
    int rc = open_all(cli, &st, &L.cs, &err);
    if (rc == 0 && idcard) {
        jy_person p;
        rc = jy_store_person_get_by_idcard(st, idcard, &p, &err);
        f.person_id = p.id;
    }
    if (rc == 0 && overdue) rc = jy_case_overdue_on(L.cs, &f, today, print_overdue, &L, &err);
    else if (rc == 0) rc = jy_store_case_list(st, &f, print_case, &L, &err);
    jy_sb_free(&L.sb);
    close_all(st, L.cs);
    return rc ? jy_cli_fail(&err) : JY_EXIT_OK;
}

/* ---------------------------------------------------------------- roster check */

static int read_file(const char *path, jy_sb *out, jy_err *err)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return jy_err_set2(err, JY_EIO, "cli.file_open", "%s: cannot open: %s", "%s：无法打开：%s", path, strerror(errno));
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0) jy_sb_appendn(out, buf, n);
    int bad = ferror(fp);
    fclose(fp);
    return bad ? jy_err_set2(err, JY_EIO, "cli.file_read", "%s: read error", "%s：读取出错", path) : 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmd_check_roster(const jy_cli *cli, int argc, char **argv)
{
    static const char usage[] = "jiuye case check-roster FILE --program P [--kind K] [--date D] [--org USCC] "
                                "[--occupation X] [--level N]";
    static const char usage_zh[] = "jiuye case check-roster 文件 --program 项目 [--kind 类别] [--date 日期] [--org 统一社会信用代码] "
                                   "[--occupation 工种] [--level 等级]";
    if (argc < 2 || argv[1][0] == '-') return jy_cli_usage2(usage, usage_zh);
    const char *path = argv[1], *program = NULL, *kind = NULL, *org = NULL, *occupation = NULL;
    int level = 0;
    jy_date on = jy_date_today();
    jy_err err = {0};
    for (int i = 2; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return jy_cli_usage2(usage, usage_zh);
        if (strcmp(a, "--program") == 0) program = v;
        else if (strcmp(a, "--kind") == 0) kind = v;
        else if (strcmp(a, "--org") == 0) org = v;
        else if (strcmp(a, "--occupation") == 0) occupation = v;
        else if (strcmp(a, "--level") == 0) level = jy_roster_level(v);
        else if (strcmp(a, "--date") == 0) {
            if (parse_day(v, &on, &err)) return jy_cli_fail(&err);
        } else {
            return jy_cli_usage2(usage, usage_zh);
        }
    }
    if (!program) return jy_cli_usage2(usage, usage_zh);
    if (!kind) kind = jy_case_default_kind(program, 1);
    if (!kind) {
        jy_err_set2(&err, JY_EINVAL, "cli.program_unknown", "--program %s: unknown programme (P1 … P26)", "--program %s：未知的项目（应为 P1 … P26）", program);
        return jy_cli_fail(&err);
    }
    jy_store *st = NULL;
    jy_sb text = JY_SB_INIT, out = JY_SB_INIT;
    jy_conflict_subject *rows = NULL;
    size_t n = 0;
    jy_conflict_report rep = {0};
    int rc = 0;
    int64_t default_org = 0;
    double t0 = now_ms(), t_read = 0;
    jy_policy *pol = NULL; /* the catalogue and policy/synonyms.tsv: 中式烹调 = 中式烹调师 */
    if ((rc = jy_cli_store_open(cli, &st, &err)) || (rc = jy_policy_load(cli->policy_dir, &pol, &err))) goto done;
    if (org) {
        jy_org o;
        if ((rc = jy_store_org_get_by_uscc(st, org, &o, &err))) goto done;
        default_org = o.id;
    }
    if ((rc = read_file(path, &text, &err))) goto done;
    if ((rc = jy_roster_read(st, path, text.buf, text.len, occupation, level, default_org, &rows, &n, &err))) goto done;
    jy_roster_normalise(pol, rows, n);
    t_read = now_ms();
    int y, m, d;
    jy_date_to_ymd(on, &y, &m, &d);
    jy_conflict_query q = {.program = program, .kind = kind, .year = y, .on = on, .rows = rows, .n = n, .roster = 1, .pol = pol};
    if ((rc = jy_conflicts_check(st, &q, &rep, &err))) goto done;
    double t_end = now_ms();
    jy_sb_appendf(&out, "{\"file\":");
    jy_sb_json_str(&out, path);
    jy_sb_appendf(&out, ",\"program\":\"%s\",\"kind\":\"%s\",\"rows\":%ld,\"registered\":%ld,\"hard\":%d,\"soft\":%d,"
                        "\"read_ms\":%.1f,\"check_ms\":%.1f,\"conflicts\":",
                  program, kind, rep.rows, rep.registered, rep.nhard, rep.nsoft, t_read - t0, t_end - t_read);
    jy_conflict_report_json(&out, &rep);
    jy_sb_appendc(&out, '}');
    jy_cli_print(&out);
    rc = rep.nhard ? 1 : 0;
done:
    free(rows);
    jy_conflict_report_free(&rep);
    jy_sb_free(&text);
    jy_sb_free(&out);
    jy_policy_free(pol);
    jy_store_close(st);
    if (rc < 0) return jy_cli_fail(&err);
    return rc ? JY_EXIT_FAIL : JY_EXIT_OK;
}

static int cmd_workflows(const jy_cli *cli, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    jy_err err = {0};
    jy_workflows *wf = NULL;
    if (jy_workflows_load(cli->policy_dir, &wf, &err)) return jy_cli_fail(&err);
    jy_sb sb = JY_SB_INIT;
    jy_workflows_json(wf, &sb);
    jy_cli_print(&sb);
    jy_sb_free(&sb);
    jy_workflows_free(wf);
    return JY_EXIT_OK;
}

/* jiuye case objections ID: the objections of a case as a JSON array (case_views.h). */
static int cmd_objections(const jy_cli *cli, int argc, char **argv)
{
    int64_t id;
    if (argc != 2 || parse_id(argv[1], &id)) return jy_cli_usage2("jiuye case objections ID", "jiuye case objections 案件编号");
    jy_err err = {0};
    jy_store *st;
    jy_cases *cs;
    jy_sb sb = JY_SB_INIT;
    int rc = open_all(cli, &st, &cs, &err);
    if (rc == 0) rc = jy_case_objections_json(cs, id, &sb, &err);
    if (rc == 0) jy_cli_print(&sb);
    jy_sb_free(&sb);
    close_all(st, cs);
    return rc ? jy_cli_fail(&err) : JY_EXIT_OK;
}

/* jiuye case resolve-objection ID --outcome upheld|dismissed --reason TEXT [--date D]: upheld
 * rejects the case, dismissed approves it again (the same service as POST
 * /api/v1/cases/{id}/objections/resolve). Prints the case. */
static int cmd_resolve_objection(const jy_cli *cli, int argc, char **argv)
{
    static const char usage[] = "jiuye case resolve-objection ID --outcome upheld|dismissed --reason TEXT [--date D]";
    static const char usage_zh[] = "jiuye case resolve-objection 案件编号 --outcome upheld|dismissed --reason 理由 [--date 日期]";
    int64_t id;
    if (argc < 2 || parse_id(argv[1], &id)) return jy_cli_usage2(usage, usage_zh);
    const char *outcome = NULL, *reason = NULL;
    jy_date on = 0;
    jy_err err = {0};
    for (int i = 2; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return jy_cli_usage2(usage, usage_zh);
        if (strcmp(a, "--outcome") == 0) outcome = v;
        else if (strcmp(a, "--reason") == 0) reason = v;
        else if (strcmp(a, "--date") == 0) {
            if (parse_day(v, &on, &err)) return jy_cli_fail(&err);
        } else {
            return jy_cli_usage2(usage, usage_zh);
        }
    }
    if (!outcome) return jy_cli_usage2(usage, usage_zh);
    jy_store *st;
    jy_cases *cs;
    int rc = open_all(cli, &st, &cs, &err);
    if (rc == 0) rc = jy_case_objection_resolve(cs, id, outcome, on, reason, cli->actor, &err);
    if (rc == 0) rc = show(cs, id, &err);
    close_all(st, cs);
    return rc ? jy_cli_fail(&err) : JY_EXIT_OK;
}

/* jiuye case settle-dates [--dry-run]: recounts the provisional dates (a deadline or publicity
 * counted into a year without a published holiday calendar) now that policy/calendar.txt may have
 * the year (case.h jy_cases_settle_dates). */
static int cmd_settle_dates(const jy_cli *cli, int argc, char **argv)
{
    int dry_run = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dry-run") == 0) dry_run = 1;
        else return jy_cli_usage2("jiuye case settle-dates [--dry-run]", "jiuye case settle-dates [--dry-run]（确定暂定日期；--dry-run 只列出）");
    }
    jy_err err = {0};
    jy_store *st = NULL;
    jy_cases *cs = NULL;
    jy_sb sb = JY_SB_INIT;
    int rc = open_all(cli, &st, &cs, &err);
    if (rc == 0) rc = jy_cases_settle_dates(cs, dry_run, cli->actor, &sb, &err);
    if (rc == 0) jy_cli_print(&sb);
    jy_sb_free(&sb);
    close_all(st, cs);
    return rc ? jy_cli_fail(&err) : JY_EXIT_OK;
}

int jy_cmd_case(const jy_cli *cli, int argc, char **argv)
{
    if (argc < 2) return jy_cli_usage2(USAGE, USAGE_ZH);
    const char *sub = argv[1];
    if (strcmp(sub, "file") == 0) return cmd_file(cli, argc - 1, argv + 1);
    if (strcmp(sub, "show") == 0) return cmd_show(cli, argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0) return cmd_list(cli, argc - 1, argv + 1, 0);
    if (strcmp(sub, "overdue") == 0) return cmd_list(cli, argc - 1, argv + 1, 1);
    if (strcmp(sub, "advance") == 0) return cmd_advance(cli, argc - 1, argv + 1, NULL);
    static const char *const aliases[] = {"approve", "reject", "publish", "object", "recognise", "pay", NULL};
    for (int i = 0; aliases[i]; i++)
        if (strcmp(sub, aliases[i]) == 0) return cmd_advance(cli, argc - 1, argv + 1, aliases[i]);
    if (strcmp(sub, "check-roster") == 0) return cmd_check_roster(cli, argc - 1, argv + 1);
    if (strcmp(sub, "objections") == 0) return cmd_objections(cli, argc - 1, argv + 1);
    if (strcmp(sub, "resolve-objection") == 0) return cmd_resolve_objection(cli, argc - 1, argv + 1);
    if (strcmp(sub, "workflows") == 0) return cmd_workflows(cli, argc - 1, argv + 1);
    if (strcmp(sub, "settle-dates") == 0) return cmd_settle_dates(cli, argc - 1, argv + 1);
    jy_cli_say2("jiuye: ", "cli.unknown_case_cmd", "unknown case command \"%s\"", "未知的 case 命令“%s”", sub);
    return jy_cli_usage2(USAGE, USAGE_ZH);
}
