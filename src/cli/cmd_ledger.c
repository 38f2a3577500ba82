/* jiuye ledger: the fund ledger (资金台账), payables and social security cards.
 *
 *   jiuye ledger budget load [--year Y]                    budget lines from the policy data (and
 *                                                          policy/funding.txt: the tracks they fund)
 *   jiuye ledger budget set PROGRAM YEAR SOURCE AMOUNT [--tracks T,T|'*' [--clause C]]
 *                                                          e.g. P13 2024 region 7130000.00
 *   jiuye ledger show [--program P] [--year Y]             budget lines (JSON lines); also
 *   jiuye ledger show [PROGRAM [YEAR]]                     as words: show P13 2024
 *   jiuye ledger approve --program P --year Y (--person IDCARD | --org USCC) --amount X
 *                        [--source S] [--case ID] [--month YYYY-MM] [--account A] [--memo T]
 *                        [--claim NAME] [--track T] [--idempotency-key K]
 *   jiuye ledger cancel PAYABLE [--reason T]               release an approved payable
 *   jiuye ledger recover PAYABLE --reason T [--amount X]   追回 of a paid payable
 *   jiuye ledger payable PAYABLE                           one payable
 *   jiuye ledger payables [--program P] [--status S] [--month M] [--limit N] [--after ID]
 *   jiuye ledger journal [--after ID] [--limit N]          journal entries (JSON lines)
 *   jiuye ledger check                                     the books balance (exit 1 if not)
 *   jiuye ledger card IDCARD ACCOUNT [--bank NAME]         a person's social security card
 *
 * Every subcommand takes --county CODE (else cli.h jy_cli_county: $JIUYE_COUNTY, the --as user's county, else 640522). Money is yuan with at
 * most two decimals on input and "1750.00" strings in JSON. The subcommands that change money
 * check the actor's (--as) role in the operations block of policy/workflows.txt (ledger_budget,
 * ledger_approve, ledger_cancel, ledger_recover, ledger_card). docs/ledger.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/bankcard.h"
#include "policy/policy.h"
#include "service/ledger.h"
#include "service/money.h"
#include "store/ledger_guard.h"
#include "store/store.h"

#define USAGE "jiuye ledger budget load|budget set|show|approve|cancel|recover|payable|payables|journal|check|card …"
#define USAGE_ZH "jiuye ledger budget load|budget set|show|approve|cancel|recover|payable|payables|journal|check|card …（资金台账：预算、应付款、流水、对账、社会保障卡）"

/* Options every subcommand takes besides its own. */
static const char *const county_opt[] = {"county", NULL};

static int check_program(const char *p, jy_err *err)
{
    if (!p || p[0] != 'P' || strlen(p) > 3 || strlen(p) < 2 || strspn(p + 1, "0123456789") != strlen(p + 1))
        return jy_err_set2(err, JY_EUSAGE, "cli.programme_quoted", "programme \"%s\": expected P1 … P26", "项目“%s”：应为 P1 … P26", p ? p : "");
    return 0;
}

/* ---------------------------------------------------------------- subcommands */

typedef struct line_print {
    jy_store *st;
    jy_sb *sb;
    int rc;
    jy_err *err;
} line_print;

/* A budget line, with the tracks it funds when it is restricted (policy/funding.txt). */
static int print_line(void *ctx, const jy_ledger_line *l)
{
    line_print *c = ctx;
    jy_sb_reset(c->sb);
    if ((c->rc = jy_ledger_line_full_json(c->st, l, c->sb, c->err))) return 1;
    jy_cli_print(c->sb);
    return 0;
}

static int print_entry(void *ctx, const jy_ledger_entry *e)
{
    jy_sb *sb = ctx;
    jy_sb_reset(sb);
    jy_ledger_entry_json(sb, e);
    jy_cli_print(sb);
    return 0;
}

static int print_payable(void *ctx, const jy_payable *p)
{
    jy_sb *sb = ctx;
    jy_sb_reset(sb);
    jy_payable_json(sb, p);
    jy_cli_print(sb);
    return 0;
}

static int cmd_budget(const jy_cli *cli, jy_cases *cs, const char *county, const jy_cli_opts *o, jy_sb *out,
                      jy_err *err)
{
    int rc;
    if (o->npos >= 2 && strcmp(o->pos[1], "load") == 0) {
        static const char *const allowed[] = {"year", NULL};
        if ((rc = jy_cli_opts_only(o, allowed, county_opt, err))) return rc;
        int64_t year = 2024;
        if (jy_cli_opt(o, "year") && (rc = jy_cli_parse_int(jy_cli_opt(o, "year"), "--year", 2000, 2100, &year, err))) return rc;
        rc = jy_ledger_budget_load_request(cs, cli->policy_dir, county, (int)year, cli->actor, out, err);
        if (rc == 0 && out->len) {
            out->len--; /* the last newline: jy_cli_print adds one */
            out->buf[out->len] = '\0';
            jy_cli_print(out);
        }
        return rc;
    }
    if (o->npos == 6 && strcmp(o->pos[1], "set") == 0) {
        static const char *const allowed[] = {"tracks", "clause", NULL};
        if ((rc = jy_cli_opts_only(o, allowed, county_opt, err))) return rc;
        if (jy_cli_opt(o, "clause") && !jy_cli_opt(o, "tracks"))
            return jy_err_set2(err, JY_EUSAGE, "cli.clause_with_tracks", "--clause goes with --tracks", "--clause 须与 --tracks 一起使用");
        int64_t year = 0;
        int source = 0;
        jy_fen amount = 0;
        if ((rc = check_program(o->pos[2], err)) || (rc = jy_cli_parse_int(o->pos[3], "year", 2000, 2100, &year, err)))
            return rc;
        if (jy_fund_source_parse(o->pos[4], &source, err)) return JY_EUSAGE;
        if (jy_money_parse(o->pos[5], &amount, err)) return jy_err_prefix2(err, "amount: ", "金额：");
        if ((rc = jy_ledger_budget_set_request(cs, county, o->pos[2], (int)year, source, amount, jy_cli_opt(o, "tracks"),
                                               jy_cli_opt(o, "clause"), cli->actor, out, err)))
            return rc;
        jy_cli_print(out);
        return 0;
    }
    return jy_err_set2(err, JY_EUSAGE, "cli.usage_ledger_budget",
                       "usage: jiuye ledger budget load [--year Y] | budget set PROGRAM YEAR SOURCE AMOUNT [--tracks T [--clause C]]",
                       "用法：jiuye ledger budget load [--year 年度] | budget set 项目 年度 资金来源 金额 [--tracks 方向 [--clause 条款]]");
}

/* A --claim or --track value: a lower-case word (letters, digits, _). */
static int check_word(const char *opt, const char *v, char *dst, size_t cap, jy_err *err)
{
    size_t n = strlen(v);
    if (n == 0 || n >= cap || strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_") != n)
        return jy_err_set2(err, JY_EUSAGE, "cli.lower_word", "--%s \"%s\": expected a lower-case word (a-z, 0-9, _)", "--%s“%s”：应为小写英文单词（a-z、0-9、_）", opt, v);
    snprintf(dst, cap, "%s", v);
    return 0;
}

static int cmd_approve(const jy_cli *cli, jy_cases *cs, const char *county, const jy_cli_opts *o, jy_sb *out,
                       jy_err *err)
{
    static const char *const allowed[] = {"program", "year", "person", "org", "amount", "source", "case", "month",
                                          "account", "memo", "claim", "track", "idempotency-key", NULL};
    int rc;
    jy_store *st = cs->st;
    if ((rc = jy_cli_opts_only(o, allowed, county_opt, err))) return rc;
    jy_payable p;
    memset(&p, 0, sizeof p);
    const char *program = jy_cli_opt(o, "program"), *person = jy_cli_opt(o, "person"), *org = jy_cli_opt(o, "org");
    int64_t year = 0;
    if ((rc = check_program(program, err))) return rc;
    if (!jy_cli_opt(o, "year") || (rc = jy_cli_parse_int(jy_cli_opt(o, "year"), "--year", 2000, 2100, &year, err)))
        return rc ? rc : jy_err_set2(err, JY_EUSAGE, "cli.year_required", "--year is required", "须给出 --year（年度）");
    if (!!person == !!org) return jy_err_set2(err, JY_EUSAGE, "cli.one_payee", "give one payee: --person IDCARD or --org USCC", "请给出一个收款人：--person 身份证号码 或 --org 统一社会信用代码");
    if (!jy_cli_opt(o, "amount") || jy_money_parse(jy_cli_opt(o, "amount"), &p.amount, err))
        return jy_cli_opt(o, "amount") ? jy_err_prefix2(err, "--amount: ", "--amount：") : jy_err_set2(err, JY_EUSAGE, "cli.amount_required", "--amount is required", "须给出 --amount（金额）");
    int source = -1;
    if (jy_cli_opt(o, "source") && jy_fund_source_parse(jy_cli_opt(o, "source"), &source, err)) return JY_EUSAGE;
    snprintf(p.county, sizeof p.county, "%s", county);
    snprintf(p.program, sizeof p.program, "%s", program);
    p.year = (int)year;
    if (jy_cli_opt(o, "case") && (rc = jy_cli_parse_int(jy_cli_opt(o, "case"), "--case", 1, INT64_MAX, &p.case_id, err))) return rc;
    if (jy_cli_opt(o, "month")) {
        jy_month m;
        if (jy_month_parse(jy_cli_opt(o, "month"), &m, err)) return jy_err_prefix2(err, "--month: ", "--month：");
        snprintf(p.month, sizeof p.month, "%s", jy_cli_opt(o, "month"));
    }
    if (jy_cli_opt(o, "memo")) snprintf(p.memo, sizeof p.memo, "%s", jy_cli_opt(o, "memo"));
    if (jy_cli_opt(o, "claim") && (rc = check_word("claim", jy_cli_opt(o, "claim"), p.claim, sizeof p.claim, err)))
        return rc;
    if (jy_cli_opt(o, "track") && (rc = check_word("track", jy_cli_opt(o, "track"), p.track, sizeof p.track, err)))
        return rc;
    if (person) {
        jy_person ps;
        if ((rc = jy_store_person_get_by_idcard(st, person, &ps, err))) return rc;
        p.payee_kind = JY_PAYEE_PERSON;
        p.person_id = ps.id;
        if (jy_cli_opt(o, "account")) {
            jy_bankcard card;
            if (jy_bankcard_check(jy_cli_opt(o, "account"), &card, err)) return jy_err_prefix2(err, "--account: ", "--account：");
            snprintf(p.account, sizeof p.account, "%s", card.number);
        }
    } else {
        jy_org og;
        if ((rc = jy_store_org_get_by_uscc(st, org, &og, err))) return rc;
        p.payee_kind = JY_PAYEE_ORG;
        p.org_id = og.id;
        if (jy_cli_opt(o, "account")) snprintf(p.account, sizeof p.account, "%s", jy_cli_opt(o, "account"));
    }
    if ((rc = jy_ledger_approve_request(cs, &p, source, jy_cli_opt(o, "idempotency-key"), cli->actor, out, NULL, err)))
        return rc;
    jy_cli_print(out);
    return 0;
}

static int cmd_payable_id(const jy_cli_opts *o, int64_t *id, jy_err *err)
{
    if (o->npos != 2) return jy_err_set2(err, JY_EUSAGE, "cli.usage_ledger_payable", "usage: jiuye ledger %s PAYABLE_ID", "用法：jiuye ledger %s 应付款编号", o->pos[0]);
    return jy_cli_parse_int(o->pos[1], "payable id", 1, INT64_MAX, id, err);
}

static int cmd_check(jy_store *st, jy_sb *out, jy_err *err)
{
    jy_ledger_check c;
    int rc = jy_ledger_check_json(st, out, &c, err);
    if (rc) return rc;
    jy_cli_print(out);
    if (!c.ok) {
        jy_cli_say2("jiuye: ", "cli.books_unbalanced", "the books do not balance: %s", "账目不平：%s", c.problem);
        return 1; /* exit 1, already reported */
    }
    return 0;
}

int jy_cmd_ledger(const jy_cli *cli, int argc, char **argv)
{
    jy_err err = {0};
    jy_cli_opts o;
    if (jy_cli_opts_parse(argc - 1, argv + 1, &o, &err)) return jy_cli_fail(&err);
    if (o.npos == 0) return jy_cli_usage2(USAGE, USAGE_ZH);
    const char *sub = o.pos[0];
    jy_store *st = NULL;
    jy_cases *cs = NULL; /* the rules and workflows (roles), for the subcommands that change money */
    jy_sb out = JY_SB_INIT;
    const char *county = NULL;
    int rc = jy_cli_store_open(cli, &st, &err);
    if (rc || (rc = jy_cli_county(jy_cli_opt(&o, "county"), st, &county, &err))) goto done;
    if ((strcmp(sub, "budget") == 0 || strcmp(sub, "show") == 0 || strcmp(sub, "approve") == 0 || strcmp(sub, "cancel") == 0 ||
         strcmp(sub, "recover") == 0 || strcmp(sub, "card") == 0) &&
        (rc = jy_cases_open(st, cli->policy_dir, &cs, &err)))
        goto done;
    if (strcmp(sub, "budget") == 0) {
        rc = cmd_budget(cli, cs, county, &o, &out, &err);
    } else if (strcmp(sub, "show") == 0) {
        /* the programme and year as options or as words: show P13 2024 = show --program P13 --year 2024 */
        static const char *const allowed[] = {"program", "year", NULL};
        int64_t year = 0;
        const char *program = jy_cli_opt(&o, "program"), *ys = jy_cli_opt(&o, "year");
        rc = jy_cli_opts_only(&o, allowed, county_opt, &err);
        if (!rc && (o.npos > 3 || (o.npos >= 2 && program) || (o.npos == 3 && ys)))
            rc = jy_err_set2(&err, JY_EUSAGE, "cli.usage_ledger_show", "usage: jiuye ledger show [PROGRAM [YEAR]] | show [--program P] [--year Y]", "用法：jiuye ledger show [项目 [年度]] | show [--program 项目] [--year 年度]");
        if (!rc && o.npos >= 2) program = o.pos[1];
        if (!rc && o.npos == 3) ys = o.pos[2];
        if (!rc && program && !(rc = check_program(program, &err)) && jy_policy_program_index(cs->pol, program) < 0)
            rc = jy_err_set2(&err, JY_EUSAGE, "cli.programme_unknown", "programme %s: unknown (P1 … P26)", "项目 %s：未知（应为 P1 … P26）", program);
        if (!rc && ys) rc = jy_cli_parse_int(ys, "--year", 2000, 2100, &year, &err);
        line_print lp = {st, &out, 0, &err};
        if (!rc) rc = jy_store_ledger_lines(st, county, program, (int)year, print_line, &lp, &err);
        if (!rc) rc = lp.rc;
    } else if (strcmp(sub, "approve") == 0) {
        rc = cmd_approve(cli, cs, county, &o, &out, &err);
    } else if (strcmp(sub, "cancel") == 0 || strcmp(sub, "recover") == 0 || strcmp(sub, "payable") == 0) {
        static const char *const allowed[] = {"reason", "amount", NULL};
        int64_t id = 0;
        jy_fen amount = 0;
        if ((rc = jy_cli_opts_only(&o, allowed, county_opt, &err)) || (rc = cmd_payable_id(&o, &id, &err))) goto done;
        if (jy_cli_opt(&o, "amount") && (rc = jy_money_parse(jy_cli_opt(&o, "amount"), &amount, &err))) goto done;
        if (strcmp(sub, "cancel") == 0) rc = jy_ledger_cancel_request(cs, id, jy_cli_opt(&o, "reason"), cli->actor, &err);
        else if (strcmp(sub, "recover") == 0)
            rc = jy_ledger_recover_request(cs, id, amount, jy_cli_opt(&o, "reason"), cli->actor, &err);
        jy_payable p;
        if (!rc && !(rc = jy_store_payable_get(st, id, &p, &err))) print_payable(&out, &p);
    } else if (strcmp(sub, "payables") == 0) {
        static const char *const allowed[] = {"program", "status", "month", "limit", "after", "case", NULL};
        int64_t limit = 100, after = 0, case_id = 0;
        if ((rc = jy_cli_opts_only(&o, allowed, county_opt, &err))) goto done;
        if (jy_cli_opt(&o, "limit") && (rc = jy_cli_parse_int(jy_cli_opt(&o, "limit"), "--limit", 0, INT32_MAX, &limit, &err))) goto done;
        if (jy_cli_opt(&o, "after") && (rc = jy_cli_parse_int(jy_cli_opt(&o, "after"), "--after", 0, INT64_MAX, &after, &err))) goto done;
        if (jy_cli_opt(&o, "case") && (rc = jy_cli_parse_int(jy_cli_opt(&o, "case"), "--case", 1, INT64_MAX, &case_id, &err))) goto done;
        jy_month m;
        if (jy_cli_opt(&o, "month") && jy_month_parse(jy_cli_opt(&o, "month"), &m, &err)) {
            rc = jy_err_prefix2(&err, "--month: ", "--month：");
            goto done;
        }
        jy_payable_filter f = {.county = county, .program = jy_cli_opt(&o, "program"), .status = jy_cli_opt(&o, "status"),
                               .month = jy_cli_opt(&o, "month"), .after_id = after, .limit = (int)limit, .case_id = case_id};
        rc = jy_store_payable_list(st, &f, print_payable, &out, &err);
    } else if (strcmp(sub, "journal") == 0) {
        static const char *const allowed[] = {"limit", "after", NULL};
        int64_t limit = 100, after = 0;
        if ((rc = jy_cli_opts_only(&o, allowed, county_opt, &err))) goto done;
        if (jy_cli_opt(&o, "limit") && (rc = jy_cli_parse_int(jy_cli_opt(&o, "limit"), "--limit", 0, INT32_MAX, &limit, &err))) goto done;
        if (jy_cli_opt(&o, "after") && (rc = jy_cli_parse_int(jy_cli_opt(&o, "after"), "--after", 0, INT64_MAX, &after, &err))) goto done;
        rc = jy_store_ledger_entries(st, after, (int)limit, print_entry, &out, &err);
    } else if (strcmp(sub, "check") == 0) {
        static const char *const allowed[] = {NULL};
        if (!(rc = jy_cli_opts_only(&o, allowed, county_opt, &err))) rc = cmd_check(st, &out, &err);
    } else if (strcmp(sub, "card") == 0) {
        static const char *const allowed[] = {"bank", NULL};
        if ((rc = jy_cli_opts_only(&o, allowed, county_opt, &err))) goto done;
        if (o.npos != 3) {
            rc = jy_err_set2(&err, JY_EUSAGE, "cli.usage_ledger_card", "usage: jiuye ledger card IDCARD ACCOUNT [--bank NAME]", "用法：jiuye ledger card 身份证号码 社会保障卡账号 [--bank 开户银行]");
            goto done;
        }
        jy_person ps;
        jy_bankcard card;
        if ((rc = jy_store_person_get_by_idcard(st, o.pos[1], &ps, &err))) goto done;
        /* the person's own division (within the county's books): a township's staff register the
         * cards of its residents */
        const char *div = strncmp(ps.hukou_division, ps.county, 6) == 0 ? ps.hukou_division : ps.county;
        if ((rc = jy_ledger_may(cs, "ledger_card", div, cli->actor, &err))) goto done;
        if ((rc = jy_bankcard_check(o.pos[2], &card, &err))) {
            jy_err_prefix2(&err, "social security card account: ", "社会保障卡账号：");
            goto done;
        }
        const char *bank = jy_cli_opt(&o, "bank") ? jy_cli_opt(&o, "bank") : "";
        if ((rc = jy_store_person_card_set(st, ps.id, card.number, bank, cli->actor, &err))) goto done;
        jy_sb_appendc(&out, '{');
        jy_sb_json_kv_i64(&out, "person_id", ps.id);
        jy_sb_json_kv_str(&out, "idcard", ps.idcard);
        jy_sb_json_kv_str(&out, "name", ps.name);
        jy_sb_json_kv_str(&out, "sscard", card.number);
        jy_sb_json_kv_str(&out, "bank_name", bank);
        jy_sb_appendc(&out, '}');
        jy_cli_print(&out);
    } else {
        rc = jy_err_set2(&err, JY_EUSAGE, "cli.unknown_subcommand", "unknown subcommand \"%s\"", "未知的子命令“%s”", sub);
    }
done:
    jy_sb_free(&out);
    jy_cases_close(cs);
    jy_store_close(st);
    if (rc == 1) return JY_EXIT_FAIL; /* reported already */
    if (rc == JY_EUSAGE) {
        fprintf(stderr, "jiuye: %s\n%s%s\n", jy_err_text(&err), jy_cli_usage_word(), jy_cli_usage_text(USAGE, USAGE_ZH));
        return JY_EXIT_USAGE;
    }
    if (rc) return jy_cli_fail(&err);
    return JY_EXIT_OK;
}
