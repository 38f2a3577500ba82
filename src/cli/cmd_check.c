/* jiuye check idcard|uscc|bankcard|mobile VALUE: validates one identifier and prints what it
 * learned as JSON (exit 0) or the reason it is invalid (exit 1). Contract in docs/domain.md. */
#include "cli/cli.h"
#include "cli/cli_privacy.h"

#include <stdio.h>
#include <string.h>

#include "base/date.h"
#include "domain/bankcard.h"
#include "domain/division.h"
#include "domain/idcard.h"
#include "domain/mobile.h"
#include "domain/uscc.h"

/* The one command that prints unmasked without --unmask (docs/privacy.md): it reads nothing stored,
 * and what it prints — the normalised number, the birth date and sex it encodes — is what the
 * caller typed and asked to have checked. */
static const char *usage_text = "jiuye check idcard|uscc|bankcard|mobile VALUE";
static const char *usage_zh = "jiuye check idcard|uscc|bankcard|mobile 号码（身份证号码、统一社会信用代码、银行卡号、手机号码）";

/* Prints {"error": msg} on stdout and the message on stderr; exit code 1. */
static int fail_json(const jy_err *err)
{
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_str(&sb, "error", jy_err_text(err));
    jy_sb_appendc(&sb, '}');
    jy_cli_print_unmasked(&sb);
    jy_sb_free(&sb);
    return jy_cli_fail(err);
}

static void print_invalid(jy_sb *sb, const jy_err *err)
{
    jy_sb_reset(sb);
    jy_sb_appendc(sb, '{');
    jy_sb_json_kv_bool(sb, "valid", 0);
    jy_sb_json_kv_str(sb, "reason", jy_err_text(err));
    jy_sb_appendc(sb, '}');
    jy_cli_print_unmasked(sb);
}

int jy_cmd_check(const jy_cli *cli, int argc, char **argv)
{
    if (argc != 3) return jy_cli_usage2(usage_text, usage_zh);
    const char *kind = argv[1], *value = argv[2];
    int is_id = strcmp(kind, "idcard") == 0, is_uscc = strcmp(kind, "uscc") == 0;
    int is_card = strcmp(kind, "bankcard") == 0, is_mobile = strcmp(kind, "mobile") == 0;
    if (!is_id && !is_uscc && !is_card && !is_mobile) {
        jy_cli_say2("jiuye: ", "cli.check_unknown_kind", "check: unknown kind \"%s\"", "check：未知的类别“%s”（应为 idcard、uscc、bankcard 或 mobile）", kind);
        return jy_cli_usage2(usage_text, usage_zh);
    }
    jy_err err;
    jy_err_clear(&err);
    jy_divisions *divs = NULL;
    jy_sb sb = JY_SB_INIT;
    int rc = JY_EXIT_OK;
    if ((is_id || is_uscc) && jy_divisions_load(cli->policy_dir, &divs, &err) != 0) {
        rc = fail_json(&err);
        goto done;
    }
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_bool(&sb, "valid", 1);
    if (is_id) {
        jy_idcard id;
        if (jy_idcard_check(value, divs, &id, &err) != 0) goto invalid;
        char b[JY_DATE_BUFSZ];
        jy_sb_json_kv_str(&sb, "birth", jy_date_format(id.birth, b));
        jy_sb_json_kv_str(&sb, "sex", id.sex == 'M' ? "M" : "F");
        jy_sb_json_kv_str(&sb, "division", id.division);
        jy_sb_json_kv_str(&sb, "number", id.number);
        jy_sb full = JY_SB_INIT;
        if (jy_division_full_name(divs, id.division, &full) == 0)
            jy_sb_json_kv_str(&sb, "division_name", jy_sb_cstr(&full));
        jy_sb_free(&full);
        if (id.lower_x) jy_sb_json_kv_str(&sb, "note", "lower-case x normalised to X");
    } else if (is_uscc) {
        jy_uscc u;
        if (jy_uscc_check(value, divs, &u, &err) != 0) goto invalid;
        jy_sb_json_kv_str(&sb, "code", u.code);
        jy_sb_json_kv_str(&sb, "division", u.division);
        jy_sb_json_kv_str(&sb, "authority", u.authority);
        jy_sb_json_kv_str(&sb, "type", u.type);
        jy_sb_json_kv_str(&sb, "orgcode", u.orgcode);
        jy_sb_json_kv_bool(&sb, "orgcode_ok", u.orgcode_ok);
        if (!u.orgcode_ok)
            jy_sb_json_kv_str(&sb, "warning",
                              "the embedded organisation code (characters 9-17) fails its GB "
                              "11714 check character");
    } else if (is_card) {
        jy_bankcard c;
        if (jy_bankcard_check(value, &c, &err) != 0) goto invalid;
        jy_sb_json_kv_str(&sb, "number", c.number);
        jy_sb_json_kv_i64(&sb, "length", c.length);
    } else {
        jy_mobile m;
        if (jy_mobile_check(value, &m, &err) != 0) goto invalid;
        jy_sb_json_kv_str(&sb, "number", m.number);
    }
    jy_sb_appendc(&sb, '}');
    jy_cli_print_unmasked(&sb);
    goto done;
invalid:
    print_invalid(&sb, &err);
    rc = JY_EXIT_FAIL;
done:
    jy_sb_free(&sb);
    jy_divisions_free(divs);
    return rc;
}
