/* jiuye person: the registry of persons (人员).
 *
 *   jiuye person add --idcard X --name N [--ethnicity E] [--education E] [--hukou-division CODE]
 *                    [--hukou-kind urban|rural|城镇|农村] [--phone P] [--address A]
 *                    [--status KIND[:SINCE[:DETAIL]]]...
 *   jiuye person show ID|IDCARD [--unmask --reason WHY]
 *   jiuye person list [--town CODE] [--name STR] [--limit N] [--after ID] [--unmask --reason WHY]
 *   jiuye person import FILE …            (cmd_import.c)
 *
 * add and show print one JSON object: the person, its "statuses" array (and for add a
 * "result": created|updated|unchanged). list prints JSON lines, one person per line in id
 * order, so a long registry streams; --limit defaults to 100 (0 = all) and the last id seen is
 * the --after of the next page.
 *
 * Personal data is masked (ID number 640522********1234, phone 139****5678, birth date
 * 1990-**-**, a disability status's kind, label and grade "***"; docs/privacy.md). show and list print it whole with
 * --unmask --reason WHY for a role that may (service/privacy.h), after the access log has
 * recorded who, what and why. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_privacy.h"
#include "domain/division.h"
#include "domain/idcard.h"
#include "domain/mobile.h"
#include "service/registry.h"
#include "store/store.h"

#define ADD_USAGE                                                                                  \
    "jiuye person add --idcard X --name N [--ethnicity E] [--education E] [--hukou-division CODE] " \
    "[--hukou-kind urban|rural] [--phone P] [--address A] [--status KIND[:SINCE[:DETAIL]]]..."
#define USAGE "jiuye person add|show|list|import …"
#define ADD_USAGE_ZH                                                                               \
    "jiuye person add --idcard 身份证号码 --name 姓名 [--ethnicity 民族] [--education 学历] [--hukou-division 户籍区划代码] " \
    "[--hukou-kind urban|rural] [--phone 电话] [--address 地址] [--status 类别[:起始日期[:说明]]]..."
#define USAGE_ZH "jiuye person add|show|list|import …（人员信息：登记、查看、列出、导入）"
#define MAX_STATUSES JY_REGISTRY_MAX_STATUSES

/* Copies an option value into a fixed field, refusing what does not fit. */
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

/* "KIND[:SINCE[:DETAIL]]": kind by English or Chinese name, since a date (loose forms allowed,
 * empty = unknown), detail the rest (may contain ':'). */
static int parse_status(const char *spec, jy_person_status *s, jy_err *err)
{
    memset(s, 0, sizeof *s);
    char kind[64];
    const char *c1 = strchr(spec, ':');
    size_t kn = c1 ? (size_t)(c1 - spec) : strlen(spec);
    if (kn >= sizeof kind) return jy_err_set2(err, JY_EINVAL, "cli.status_kind_long", "--status %s: unknown status kind", "--status %s：未知的身份类别", spec);
    memcpy(kind, spec, kn);
    kind[kn] = '\0';
    if (jy_status_kind_parse(kind, &s->kind) != 0)
        return jy_err_set2(err, JY_EINVAL, "cli.status_kind",
                           "--status %s: unknown status kind \"%s\" (registered_unemployed, poverty_alleviated, "
                           "monitored, disability, veteran, graduate, dibao, zero_employment_family, "
                           "public_welfare_post, fiscal_payroll, enrolled_student, retired, employer_insured, "
                           "or the Chinese term)",
                           "--status %s：未知的身份类别“%s”（可用 registered_unemployed、poverty_alleviated、monitored、"
                           "disability、veteran、graduate、dibao、zero_employment_family、public_welfare_post、"
                           "fiscal_payroll、enrolled_student、retired、employer_insured，或相应的中文名称）",
                           spec, kind);
    if (!c1) return 0;
    const char *c2 = strchr(c1 + 1, ':');
    size_t dn = c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
    if (dn > 0) {
        char date[32];
        if (dn >= sizeof date) return jy_err_set2(err, JY_EINVAL, "cli.status_since", "--status %s: since is not a date", "--status %s：起始日期不是日期", spec);
        memcpy(date, c1 + 1, dn);
        date[dn] = '\0';
        if (jy_date_parse_loose(date, &s->since, err) != 0) return jy_err_prefix2(err, "--status %s: since: ", "--status %s：起始日期：", spec);
    }
    if (c2 && set_field(s->detail, sizeof s->detail, "--status detail", c2 + 1, err)) return JY_EINVAL;
    return 0;
}

static int open_store(const jy_cli *cli, jy_store **st, jy_err *err)
{
    return jy_cli_store_open(cli, st, err);
}

static int cmd_add(const jy_cli *cli, int argc, char **argv)
{
    jy_err err = {0};
    jy_person p;
    memset(&p, 0, sizeof p);
    const char *idcard = NULL, *hukou_kind = NULL;
    jy_person_status statuses[MAX_STATUSES];
    int nstat = 0, rc = JY_EXIT_FAIL, result = 0;
    jy_divisions *divs = NULL;
    jy_store *st = NULL;
    jy_sb sb = JY_SB_INIT;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v || strncmp(a, "--", 2) != 0) return jy_cli_usage2(ADD_USAGE, ADD_USAGE_ZH);
        i++;
        int bad = 0;
        if (strcmp(a, "--idcard") == 0) idcard = v;
        else if (strcmp(a, "--name") == 0) bad = set_field(p.name, sizeof p.name, a, v, &err);
        else if (strcmp(a, "--ethnicity") == 0) bad = set_field(p.ethnicity, sizeof p.ethnicity, a, v, &err);
        else if (strcmp(a, "--education") == 0) bad = set_field(p.education, sizeof p.education, a, v, &err);
        else if (strcmp(a, "--hukou-division") == 0) bad = set_field(p.hukou_division, sizeof p.hukou_division, a, v, &err);
        else if (strcmp(a, "--hukou-kind") == 0) hukou_kind = v;
        else if (strcmp(a, "--phone") == 0) bad = set_field(p.phone, sizeof p.phone, a, v, &err);
        else if (strcmp(a, "--address") == 0) bad = set_field(p.address, sizeof p.address, a, v, &err);
        else if (strcmp(a, "--status") == 0) {
            if (nstat == MAX_STATUSES) {
                jy_err_set2(&err, JY_EUSAGE, "cli.status_max", "at most %d --status options", "--status 最多%d个", MAX_STATUSES);
                return jy_cli_fail(&err);
            }
            bad = parse_status(v, &statuses[nstat++], &err);
        } else {
            jy_cli_say2("jiuye: ", "cli.unknown_option_plain", "unknown option %s", "未知的选项 %s", a);
            return jy_cli_usage2(ADD_USAGE, ADD_USAGE_ZH);
        }
        if (bad) return jy_cli_fail(&err);
    }
    if (!idcard || !p.name[0]) return jy_cli_usage2(ADD_USAGE, ADD_USAGE_ZH);
    if (hukou_kind && jy_hukou_kind_parse(hukou_kind, &p.hukou_kind) != 0) {
        jy_err_set2(&err, JY_EINVAL, "cli.hukou_kind", "--hukou-kind %s: expected urban|rural (城镇|农村)", "--hukou-kind %s：应为 urban|rural（城镇|农村）", hukou_kind);
        return jy_cli_fail(&err);
    }

    if (jy_divisions_load(cli->policy_dir, &divs, &err) != 0) goto done;
    const char *field = NULL;
    if (jy_registry_person_check(divs, idcard, &p, &field, &err) != 0) {
        int hukou = field && strcmp(field, "hukou_division") == 0, phone = field && strcmp(field, "phone") == 0;
        jy_err_prefix2(&err, "--%s %s: ", "--%s %s：", hukou ? "hukou-division" : field ? field : "idcard",
                       hukou ? p.hukou_division : phone ? p.phone : field && strcmp(field, "name") == 0 ? p.name : idcard);
        goto done;
    }
    if (open_store(cli, &st, &err) != 0) goto done;
    if (jy_registry_person_save(st, &p, statuses, nstat, cli->actor, &result, &err) != 0) goto done;
    if (jy_registry_person_json(&sb, st, &p, jy_put_result_name(result), 0, &err) != 0) goto done;
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
    if (argc != 2) return jy_cli_usage2("jiuye person show ID|IDCARD [--unmask --reason WHY]", "jiuye person show 编号|身份证号码 [--unmask --reason 理由]");
    jy_err err = {0};
    jy_access_req rq = jy_cli_access_req(cli, pv);
    if (jy_privacy_req_check(&rq, &err) != 0) return jy_cli_fail(&err);
    jy_store *st = NULL;
    jy_person p;
    jy_sb sb = JY_SB_INIT;
    int rc = JY_EXIT_FAIL;
    int64_t id = 0;
    if (open_store(cli, &st, &err) != 0) goto done;
    if (strlen(argv[1]) == 18) {
        if (jy_store_person_get_by_idcard(st, argv[1], &p, &err) != 0) goto done;
    } else if (parse_i64(argv[1], &id) == 0) {
        if (jy_store_person_get(st, id, &p, &err) != 0) goto done;
    } else {
        jy_err_set2(&err, JY_EUSAGE, "cli.person_show_key", "person show %s: give an id (digits) or an 18-character ID number", "person show %s：请给出编号（数字）或18位身份证号码", argv[1]);
        goto done;
    }
    if (jy_cli_unmask_record(st, &rq, JY_PRIV_UNMASK, "person", p.county, p.id, &err) != 0) goto done;
    if (jy_registry_person_json(&sb, st, &p, NULL, rq.unmask, &err) != 0) goto done;
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

static int print_line(void *ctx, const jy_person *p)
{
    list_ctx *c = ctx;
    jy_sb_reset(&c->sb);
    jy_privacy_person_json(&c->sb, p, !c->unmasked);
    jy_cli_print_as(&c->sb, c->unmasked);
    return 0;
}

static int cmd_list(const jy_cli *cli, int argc, char **argv, const jy_cli_privacy *pv)
{
    static const char usage[] =
        "jiuye person list [--town CODE] [--name STR] [--limit N] [--after ID] [--unmask --reason WHY]";
    static const char usage_zh[] = "jiuye person list [--town 乡镇代码] [--name 姓名] [--limit 条数] [--after 编号] [--unmask --reason 理由]";
    jy_person_filter f = {.limit = 100};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return jy_cli_usage2(usage, usage_zh);
        i++;
        int64_t n;
        if (strcmp(a, "--town") == 0 || strcmp(a, "--division") == 0) f.division_prefix = v;
        else if (strcmp(a, "--name") == 0) f.name_contains = v;
        else if (strcmp(a, "--limit") == 0 && parse_i64(v, &n) == 0 && n <= 100000000) f.limit = (int)n;
        else if (strcmp(a, "--after") == 0 && parse_i64(v, &n) == 0) f.after_id = n;
        else return jy_cli_usage2(usage, usage_zh);
    }
    jy_err err = {0};
    jy_access_req rq = jy_cli_access_req(cli, pv);
    if (jy_privacy_req_check(&rq, &err) != 0) return jy_cli_fail(&err);
    jy_store *st = NULL;
    list_ctx c = {JY_SB_INIT, rq.unmask};
    int rc = JY_EXIT_OK;
    jy_sb target = JY_SB_INIT;
    jy_sb_appendf(&target, "list town=%s name=%s after=%lld limit=%d", f.division_prefix ? f.division_prefix : "",
                  f.name_contains ? f.name_contains : "", (long long)f.after_id, f.limit);
    if (open_store(cli, &st, &err) != 0 ||
        (rq.unmask && jy_privacy_grant(st, &rq, JY_PRIV_UNMASK, "view", "person", "", jy_sb_cstr(&target), &err) != 0) ||
        jy_store_person_list(st, &f, print_line, &c, &err) != 0)
        rc = jy_cli_fail(&err);
    jy_sb_free(&c.sb);
    jy_sb_free(&target);
    jy_store_close(st);
    return rc;
}

int jy_cmd_person(const jy_cli *cli, int argc, char **argv)
{
    jy_cli_privacy pv;
    jy_err err = {0};
    if (jy_cli_privacy_take(&argc, argv, &pv, &err) != 0) return jy_cli_fail(&err);
    if (argc < 2) return jy_cli_usage2(USAGE, USAGE_ZH);
    const char *sub = argv[1];
    if (strcmp(sub, "show") == 0) return cmd_show(cli, argc - 1, argv + 1, &pv);
    if (strcmp(sub, "list") == 0) return cmd_list(cli, argc - 1, argv + 1, &pv);
    if (jy_cli_privacy_none(&pv, "person add or import", &err) != 0) return jy_cli_fail(&err);
    if (strcmp(sub, "add") == 0) return cmd_add(cli, argc - 1, argv + 1);
    if (strcmp(sub, "import") == 0) return jy_cli_import(cli, "person", argc - 1, argv + 1);
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
        printf("%s%s\n       %s\n", jy_cli_usage_word(), jy_cli_usage_text(USAGE, USAGE_ZH), jy_cli_usage_text(ADD_USAGE, ADD_USAGE_ZH));
        return JY_EXIT_OK;
    }
    jy_cli_say2("jiuye: ", "cli.unknown_person_cmd", "unknown person command \"%s\"", "未知的 person 命令“%s”", sub);
    return jy_cli_usage2(USAGE, USAGE_ZH);
}
