/* registry.c — see registry.h. */
#include "service/registry.h"

#include <string.h>

#include "domain/idcard.h"
#include "domain/mobile.h"
#include "domain/uscc.h"
#include "service/privacy.h"

static int known_division(const jy_divisions *divs, const char *code)
{
    size_t n = strlen(code);
    /* a 12-digit village code is checked by its township (9) prefix, else its county */
    return jy_division_find_n(divs, code, n == 12 ? 9 : n) || (n == 12 && jy_division_find_n(divs, code, 6));
}

long jy_registry_control_at(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F) return (long)i;
    return -1;
}

/* Length of the blank (ASCII space, tab, CR, LF; U+3000; U+00A0) at s[0..n), or 0. */
static size_t blank_at(const char *s, size_t n)
{
    if (n >= 1 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\r' || s[0] == '\n')) return 1;
    if (n >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0) return 3;
    if (n >= 2 && memcmp(s, "\xC2\xA0", 2) == 0) return 2;
    return 0;
}

int jy_registry_name_clean(char *name, jy_err *err)
{
    size_t n = strlen(name), k, from = 0;
    while (from < n && (k = blank_at(name + from, n - from)) > 0) from += k;
    for (;;) {
        if (n > from && blank_at(name + n - 1, 1)) n--;
        else if (n >= from + 3 && blank_at(name + n - 3, 3) == 3) n -= 3;
        else if (n >= from + 2 && blank_at(name + n - 2, 2) == 2) n -= 2;
        else break;
    }
    memmove(name, name + from, n - from);
    name[n - from] = '\0';
    long at = jy_registry_control_at(name, n - from);
    if (at >= 0)
        return jy_err_set2(err, JY_EINVAL, "registry.name_control",
                           "holds a line break or another control character (byte %ld): a name is one line of text",
                           "含有换行符或其他控制字符（第%ld字节）：名称只能是一行文字", at + 1);
    return 0;
}

int jy_registry_person_check(const jy_divisions *divs, const char *idcard, jy_person *p, const char **field,
                             jy_err *err)
{
    *field = "idcard";
    if (!idcard || !*idcard) return jy_err_set2(err, JY_EINVAL, "registry.idcard_required", "the ID number (身份证号) is required", "必须填写身份证号码");
    jy_idcard info;
    if (jy_idcard_check(idcard, divs, &info, err) != 0) return err->code;
    memcpy(p->idcard, info.number, sizeof p->idcard);
    p->birth = info.birth;
    p->sex = info.sex;
    *field = "name";
    if (jy_registry_name_clean(p->name, err)) return err->code;
    if (!p->name[0]) return jy_err_set2(err, JY_EINVAL, "registry.name_required", "the name (姓名) is required", "必须填写姓名");
    *field = "hukou_division";
    if (p->hukou_division[0] && !known_division(divs, p->hukou_division))
        return jy_err_set2(err, JY_EINVAL, "registry.division_unknown", "not a known division code", "不是已知的行政区划代码");
    *field = "phone";
    if (p->phone[0] && strlen(p->phone) == 11 && p->phone[0] == '1') {
        jy_mobile m;
        if (jy_mobile_check(p->phone, &m, err) != 0) return err->code;
    }
    *field = NULL;
    return 0;
}

int jy_registry_org_check(const jy_divisions *divs, const char *uscc, jy_org *o, const char **field, jy_err *err)
{
    *field = "uscc";
    if (!uscc || !*uscc) return jy_err_set2(err, JY_EINVAL, "registry.uscc_required", "the USCC (统一社会信用代码) is required", "必须填写统一社会信用代码");
    jy_uscc info;
    if (jy_uscc_check(uscc, divs, &info, err) != 0) return err->code;
    memcpy(o->uscc, info.code, sizeof o->uscc);
    *field = "name";
    if (jy_registry_name_clean(o->name, err)) return err->code;
    if (!o->name[0]) return jy_err_set2(err, JY_EINVAL, "registry.org_name_required", "the name (单位名称) is required", "必须填写单位名称");
    *field = "kinds";
    if (!o->kinds) return jy_err_set2(err, JY_EINVAL, "registry.kinds_required", "give at least one kind (training_body, employer …)", "至少填写一种单位类别（training_body、employer …）");
    *field = "bank_account";
    for (const char *c = o->bank_account; *c; c++)
        if (*c < '0' || *c > '9') return jy_err_set2(err, JY_EINVAL, "registry.bank_account_digits", "digits only", "银行账号只能由数字组成");
    *field = "division";
    if (o->division[0] && !known_division(divs, o->division))
        return jy_err_set2(err, JY_EINVAL, "registry.division_unknown", "not a known division code", "不是已知的行政区划代码");
    *field = NULL;
    return 0;
}

int jy_registry_person_save(jy_store *st, jy_person *p, jy_person_status *statuses, int n, const char *actor,
                            int *result, jy_err *err)
{
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    rc = jy_store_person_put(st, p, actor, result, err);
    for (int i = 0; rc == 0 && i < n; i++) rc = jy_store_person_status_add(st, p->id, &statuses[i], actor, err);
    if (rc == 0) return jy_store_commit(st, err);
    jy_store_rollback(st, NULL);
    return rc;
}

int jy_registry_org_save(jy_store *st, jy_org *o, jy_licence *licences, int n, const char *actor, int *result,
                         jy_err *err)
{
    int rc = jy_store_begin(st, err);
    if (rc) return rc;
    rc = jy_store_org_put(st, o, actor, result, err);
    for (int i = 0; rc == 0 && i < n; i++) rc = jy_store_org_licence_add(st, o->id, &licences[i], actor, err);
    if (rc == 0) return jy_store_commit(st, err);
    jy_store_rollback(st, NULL);
    return rc;
}

int jy_registry_person_json(jy_sb *sb, jy_store *st, const jy_person *p, const char *result, int unmasked,
                            jy_err *err)
{
    jy_person_status ss[JY_REGISTRY_MAX_STATUSES];
    int n = 0;
    if (jy_store_person_statuses(st, p->id, ss, JY_REGISTRY_MAX_STATUSES, &n, err) != 0) return err->code;
    jy_privacy_person_json(sb, p, !unmasked);
    sb->len--; /* reopen the object: drop its closing brace */
    jy_sb_json_key(sb, "statuses");
    jy_sb_appendc(sb, '[');
    for (int i = 0; i < n; i++) {
        if (i) jy_sb_appendc(sb, ',');
        jy_privacy_status_json(sb, &ss[i], !unmasked);
    }
    jy_sb_appendc(sb, ']');
    if (result) jy_sb_json_kv_str(sb, "result", result);
    jy_sb_appendc(sb, '}');
    return 0;
}

int jy_registry_org_json(jy_sb *sb, jy_store *st, const jy_org *o, const char *result, int unmasked, jy_err *err)
{
    jy_licence ls[JY_REGISTRY_MAX_LICENCES * 4];
    int n = 0;
    if (jy_store_org_licences(st, o->id, ls, JY_REGISTRY_MAX_LICENCES * 4, &n, err) != 0) return err->code;
    jy_org shown = *o;
    if (!unmasked) jy_privacy_mask_org(&shown);
    jy_org_json(sb, &shown);
    sb->len--; /* reopen the object */
    jy_sb_json_key(sb, "licences");
    jy_sb_appendc(sb, '[');
    for (int i = 0; i < n; i++) {
        if (i) jy_sb_appendc(sb, ',');
        jy_licence_json(sb, &ls[i]);
    }
    jy_sb_appendc(sb, ']');
    if (result) jy_sb_json_kv_str(sb, "result", result);
    jy_sb_appendc(sb, '}');
    return 0;
}

const char *jy_put_result_name(int result)
{
    return result == JY_PUT_CREATED ? "created" : result == JY_PUT_UPDATED ? "updated" : "unchanged";
}
