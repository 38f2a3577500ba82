/* jiuye org: the registry of organisations (单位/机构).
 *
 *   jiuye org add --uscc X --name N --kind employer,training_body [--size micro|small|medium|large]
 *                 [--division CODE] [--legal-person P] [--phone P] [--address A]
 *                 [--bank-name B] [--bank-account ACCT] [--licence KIND:NUMBER:FROM[:UNTIL]]...
 *   jiuye org show ID|USCC [--unmask --reason WHY]
 *   jiuye org list [--kind K[,K…]] [--name STR] [--limit N] [--after ID] [--unmask --reason WHY]
 *   jiuye org import FILE …            (cmd_import.c)
 *
 * add and show print one JSON object: the organisation with its "licences" array (and for add
 * a "result"). list prints JSON lines, one organisation per line in id order (--limit defaults
 * to 100, 0 = all).
 *
 * The basic account (基本账户) and the phone are masked (1045****1234; docs/privacy.md): a
 * sole trader's account and phone are a person's. --unmask --reason WHY shows them whole for a
 * role that may (service/privacy.h), after the access log has recorded it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_privacy.h"
#include "domain/division.h"
#include "domain/uscc.h"
#include "service/registry.h"
#include "store/store.h"

#define ADD_USAGE                                                                                   \
    "jiuye org add --uscc X --name N --kind K[,K…] [--size micro|small|medium|large] [--division CODE] " \
    "[--legal-person P] [--phone P] [--address A] [--bank-name B] [--bank-account ACCT] "            \
    "[--licence KIND:NUMBER:FROM[:UNTIL]]..."
#define USAGE "jiuye org add|show|list|import …"
#define ADD_USAGE_ZH                                                                                \
    "jiuye org add --uscc 统一社会信用代码 --name 名称 --kind 类别[,类别…] [--size micro|small|medium|large] [--division 区划代码] " \
    "[--legal-person 法定代表人] [--phone 电话] [--address 地址] [--bank-name 开户银行] [--bank-account 基本账户] "            \
    "[--licence 类别:编号:起始日期[:截止日期]]..."
#define USAGE_ZH "jiuye org add|show|list|import …（单位信息：登记、查看、列出、导入）"
#define MAX_LICENCES 16

static int set_field(char *dst, size_t cap, const char *opt, const char *val, jy_err *err)
{
    size_t n = strlen(val);
    if (n >= cap) return jy_err_set2(err, JY_EINVAL, "cli.option_too_long", "%s: longer than %zu bytes", "%s：超过%zu字节", opt, cap - 1);
    memcpy(dst, val, n + 1);
    return 0;
}

static int parse_i64(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || end == s || *end || v < 0) return JY_EINVAL;
    *out = v;
    return 0;
}

/* Splits "a:b:c:d" into at most 4 parts (in place in buf). Returns the count. */
static int split_colons(char *buf, char *parts[4])
{
    int n = 0;
    char *p = buf;
    parts[n++] = p;
    while (n < 4 && (p = strchr(p, ':')) != NULL) {
        *p++ = '\0';
        parts[n++] = p;
    }
    return n;
}

/* "KIND:NUMBER:FROM[:UNTIL]" — dates in ISO or the loose roster forms; UNTIL empty = open-ended. */
static int parse_licence(const char *spec, jy_licence *l, jy_err *err)
{
    char buf[256];
    char *parts[4];
    memset(l, 0, sizeof *l);
    if (strlen(spec) >= sizeof buf) return jy_err_set2(err, JY_EINVAL, "cli.licence_long", "--licence: too long", "--licence：过长");
    memcpy(buf, spec, strlen(spec) + 1);
    int n = split_colons(buf, parts);
    if (n < 3) return jy_err_set2(err, JY_EINVAL, "cli.licence_form", "--licence %s: expected KIND:NUMBER:FROM[:UNTIL]", "--licence %s：应为 类别:编号:起始日期[:截止日期]", spec);
    if (set_field(l->kind, sizeof l->kind, "--licence kind", parts[0], err) ||
        set_field(l->number, sizeof l->number, "--licence number", parts[1], err))
        return JY_EINVAL;
    if (!l->kind[0]) return jy_err_set2(err, JY_EINVAL, "cli.licence_kind_empty", "--licence %s: the kind is empty", "--licence %s：类别为空", spec);
    if (jy_date_parse_loose(parts[2], &l->valid_from, err) != 0)
        return jy_err_prefix2(err, "--licence %s: valid from: ", "--licence %s：起始日期：", spec);
    if (n == 4 && parts[3][0] && jy_date_parse_loose(parts[3], &l->valid_until, err) != 0)
        return jy_err_prefix2(err, "--licence %s: valid until: ", "--licence %s：截止日期：", spec);
    return 0;
}

static int cmd_add(const jy_cli *cli, int argc, char **argv)
{
    jy_err err = {0};
    jy_org o;
    memset(&o, 0, sizeof o);
    const char *uscc = NULL, *kinds = NULL, *size = NULL;
    jy_licence lics[MAX_LICENCES];
    int nlic = 0, rc = JY_EXIT_FAIL, result = 0;
    jy_divisions *divs = NULL;
    jy_store *st = NULL;
    jy_sb sb = JY_SB_INIT;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v || strncmp(a, "--", 2) != 0) return jy_cli_usage2(ADD_USAGE, ADD_USAGE_ZH);
        i++;
        int bad = 0;
        if (strcmp(a, "--uscc") == 0) uscc = v;
        else if (strcmp(a, "--name") == 0) bad = set_field(o.name, sizeof o.name, a, v, &err);
        else if (strcmp(a, "--kind") == 0 || strcmp(a, "--kinds") == 0) kinds = v;
        else if (strcmp(a, "--size") == 0) size = v;
        else if (strcmp(a, "--division") == 0) bad = set_field(o.division, sizeof o.division, a, v, &err);
        else if (strcmp(a, "--legal-person") == 0) bad = set_field(o.legal_person, sizeof o.legal_person, a, v, &err);
        else if (strcmp(a, "--phone") == 0) bad = set_field(o.phone, sizeof o.phone, a, v, &err);
        else if (strcmp(a, "--address") == 0) bad = set_field(o.address, sizeof o.address, a, v, &err);
        else if (strcmp(a, "--bank-name") == 0) bad = set_field(o.bank_name, sizeof o.bank_name, a, v, &err);
        else if (strcmp(a, "--bank-account") == 0) bad = set_field(o.bank_account, sizeof o.bank_account, a, v, &err);
        else if (strcmp(a, "--licence") == 0 || strcmp(a, "--license") == 0) {
            if (nlic == MAX_LICENCES) {
                jy_err_set2(&err, JY_EUSAGE, "cli.licence_max", "at most %d --licence options", "--licence 最多%d个", MAX_LICENCES);
                return jy_cli_fail(&err);
            }
            bad = parse_licence(v, &lics[nlic++], &err);
        } else {
            jy_cli_say2("jiuye: ", "cli.unknown_option_plain", "unknown option %s", "未知的选项 %s", a);
            return jy_cli_usage2(ADD_USAGE, ADD_USAGE_ZH);
        }
        if (bad) return jy_cli_fail(&err);
    }
    if (!uscc || !o.name[0] || !kinds) return jy_cli_usage2(ADD_USAGE, ADD_USAGE_ZH);
    if (jy_org_kinds_parse(kinds, &o.kinds, &err) != 0) return jy_cli_fail(&err);
    if (size && jy_size_class_parse(size, &o.size_class) != 0) {
        jy_err_set2(&err, JY_EINVAL, "cli.org_size", "--size %s: expected micro|small|medium|large (微型|小型|中型|大型)", "--size %s：应为 micro|small|medium|large（微型|小型|中型|大型）", size);
        return jy_cli_fail(&err);
    }

    if (jy_divisions_load(cli->policy_dir, &divs, &err) != 0) goto done;
    const char *field = NULL;
    if (jy_registry_org_check(divs, uscc, &o, &field, &err) != 0) {
        int acct = field && strcmp(field, "bank_account") == 0, div = field && strcmp(field, "division") == 0;
        jy_err_prefix2(&err, "--%s%s%s: ", "--%s%s%s：", acct ? "bank-account" : field && strcmp(field, "kinds") == 0 ? "kind" : field,
                       acct || div || (field && strcmp(field, "uscc") == 0) ? " " : "",
                       acct ? o.bank_account : div ? o.division : field && strcmp(field, "uscc") == 0 ? uscc : "");
        goto done;
    }
    if (jy_cli_store_open(cli, &st, &err) != 0) goto done;
    if (jy_registry_org_save(st, &o, lics, nlic, cli->actor, &result, &err) != 0) goto done;
    if (jy_registry_org_json(&sb, st, &o, jy_put_result_name(result), 0, &err) != 0) goto done;
    jy_cli_print(&sb);
    rc = JY_EXIT_OK;
done:
    if (rc != JY_EXIT_OK) rc = jy_cli_fail(&err);
    jy_sb_free(&sb);
    jy_store_close(st);
    jy_divisions_free(divs);
    return rc;
}

static int cmd_show(const jy_cli *cli, int argc, char **argv, const jy_cli_privacy *pv)
{
    if (argc != 2) return jy_cli_usage2("jiuye org show ID|USCC [--unmask --reason WHY]", "jiuye org show 编号|统一社会信用代码 [--unmask --reason 理由]");
    jy_err err = {0};
    jy_access_req rq = jy_cli_access_req(cli, pv);
    if (jy_privacy_req_check(&rq, &err) != 0) return jy_cli_fail(&err);
    jy_store *st = NULL;
    jy_org o;
    jy_sb sb = JY_SB_INIT;
    int rc = JY_EXIT_FAIL;
    int64_t id = 0;
    if (jy_cli_store_open(cli, &st, &err) != 0) goto done;
    if (strlen(argv[1]) == 18) {
        if (jy_store_org_get_by_uscc(st, argv[1], &o, &err) != 0) goto done;
    } else if (parse_i64(argv[1], &id) == 0) {
        if (jy_store_org_get(st, id, &o, &err) != 0) goto done;
    } else {
        jy_err_set2(&err, JY_EUSAGE, "cli.org_show_key", "org show %s: give an id (digits) or an 18-character USCC", "org show %s：请给出编号（数字）或18位统一社会信用代码", argv[1]);
        goto done;
    }
    if (jy_cli_unmask_record(st, &rq, JY_PRIV_UNMASK, "org", o.county, o.id, &err) != 0) goto done;
    if (jy_registry_org_json(&sb, st, &o, NULL, rq.unmask, &err) != 0) goto done;
    jy_cli_print_as(&sb, rq.unmask);
    rc = JY_EXIT_OK;
done:
    if (rc != JY_EXIT_OK) rc = jy_cli_fail(&err);
    jy_sb_free(&sb);
    jy_store_close(st);
    return rc;
}

typedef struct list_ctx {
    jy_sb sb;
    int unmasked;
} list_ctx;

static int print_line(void *ctx, const jy_org *o)
{
    list_ctx *c = ctx;
    jy_sb_reset(&c->sb);
    jy_org shown = *o;
    if (!c->unmasked) jy_privacy_mask_org(&shown);
    jy_org_json(&c->sb, &shown);
    jy_cli_print_as(&c->sb, c->unmasked);
    return 0;
}

static int cmd_list(const jy_cli *cli, int argc, char **argv, const jy_cli_privacy *pv)
{
    static const char usage[] =
        "jiuye org list [--kind K[,K…]] [--name STR] [--limit N] [--after ID] [--unmask --reason WHY]";
    static const char usage_zh[] = "jiuye org list [--kind 类别[,类别…]] [--name 名称] [--limit 条数] [--after 编号] [--unmask --reason 理由]";
    jy_org_filter f = {.limit = 100};
    jy_err err = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return jy_cli_usage2(usage, usage_zh);
        i++;
        int64_t n;
        if (strcmp(a, "--kind") == 0 || strcmp(a, "--kinds") == 0) {
            if (jy_org_kinds_parse(v, &f.kinds_any, &err) != 0) return jy_cli_fail(&err);
        } else if (strcmp(a, "--name") == 0) f.name_contains = v;
        else if (strcmp(a, "--limit") == 0 && parse_i64(v, &n) == 0 && n <= 100000000) f.limit = (int)n;
        else if (strcmp(a, "--after") == 0 && parse_i64(v, &n) == 0) f.after_id = n;
        else return jy_cli_usage2(usage, usage_zh);
    }
    jy_access_req rq = jy_cli_access_req(cli, pv);
    if (jy_privacy_req_check(&rq, &err) != 0) return jy_cli_fail(&err);
    jy_store *st = NULL;
    list_ctx c = {JY_SB_INIT, rq.unmask};
    int rc = JY_EXIT_OK;
    jy_sb target = JY_SB_INIT;
    jy_sb_appendf(&target, "list kinds=%u name=%s after=%lld limit=%d", f.kinds_any,
                  f.name_contains ? f.name_contains : "", (long long)f.after_id, f.limit);
    if (jy_cli_store_open(cli, &st, &err) != 0 ||
        (rq.unmask && jy_privacy_grant(st, &rq, JY_PRIV_UNMASK, "view", "org", "", jy_sb_cstr(&target), &err) != 0) ||
        jy_store_org_list(st, &f, print_line, &c, &err) != 0)
        rc = jy_cli_fail(&err);
    jy_sb_free(&c.sb);
    jy_sb_free(&target);
    jy_store_close(st);
    return rc;
}

int jy_cmd_org(const jy_cli *cli, int argc, char **argv)
{
    jy_cli_privacy pv;
    jy_err err = {0};
    if (jy_cli_privacy_take(&argc, argv, &pv, &err) != 0) return jy_cli_fail(&err);
    if (argc < 2) return jy_cli_usage2(USAGE, USAGE_ZH);
    const char *sub = argv[1];
    if (strcmp(sub, "show") == 0) return cmd_show(cli, argc - 1, argv + 1, &pv);
    if (strcmp(sub, "list") == 0) return cmd_list(cli, argc - 1, argv + 1, &pv);
    if (jy_cli_privacy_none(&pv, "org add or import", &err) != 0) return jy_cli_fail(&err);
    if (strcmp(sub, "add") == 0) return cmd_add(cli, argc - 1, argv + 1);
    if (strcmp(sub, "import") == 0) return jy_cli_import(cli, "org", argc - 1, argv + 1);
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
        printf("%s%s\n       %s\n", jy_cli_usage_word(), jy_cli_usage_text(USAGE, USAGE_ZH), jy_cli_usage_text(ADD_USAGE, ADD_USAGE_ZH));
        return JY_EXIT_OK;
    }
    jy_cli_say2("jiuye: ", "cli.unknown_org_cmd", "unknown org command \"%s\"", "未知的 org 命令“%s”", sub);
    return jy_cli_usage2(USAGE, USAGE_ZH);
}
