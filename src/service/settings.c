/* settings.c — the county's settings (settings.h). */
#include "service/settings.h"

#include <stdio.h>
#include <string.h>

#include "service/workflow.h"
#include "store/settings_store.h"

const char *const jy_settings_keys[] = {"unit_name", "bank_encoding", "bank_layout", NULL};

static const char *default_of(const char *key)
{
    if (strcmp(key, "bank_encoding") == 0) return "gb18030";
    if (strcmp(key, "bank_layout") == 0) return "generic";
    return "";
}

static int known(const char *key)
{
    for (size_t i = 0; jy_settings_keys[i]; i++)
        if (strcmp(jy_settings_keys[i], key) == 0) return 1;
    return 0;
}

/* A layout name: 1–40 of [a-z0-9_-], so it names a file under policy/bank-layouts/ and nothing else. */
static int layout_word(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 40) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-')) return 0;
    return 1;
}

/* UTF-8 characters in s. */
static size_t u8len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

int jy_settings_set(jy_cases *cs, const char *county, const char *key, const char *value, const char *actor,
                    jy_err *err)
{
    if (!key || !known(key)) {
        return jy_err_set2(err, JY_EINVAL, "settings.unknown_key", "setting %s: unknown key (known: unit_name, bank_encoding, bank_layout)", "设置项 %s：未知的设置项（可用：unit_name、bank_encoding、bank_layout）",
                          key ? key : "");
    }
    if (!value) value = "";
    if (strcmp(key, "unit_name") == 0) {
        if (!*value || u8len(value) > 60 || strpbrk(value, "\r\n\t"))
            return jy_err_set2(err, JY_EINVAL, "settings.unit_name", "setting unit_name: the unit's name must be 1–60 characters on one line, got \"%s\"", "设置项 unit_name：单位名称应为一行内 1–60 个字符，实为“%s”",
                              value);
    } else if (strcmp(key, "bank_encoding") == 0) {
        if (strcmp(value, "gb18030") != 0 && strcmp(value, "utf-8-bom") != 0)
            return jy_err_set2(err, JY_EINVAL, "settings.bank_encoding", "setting bank_encoding: \"%s\" is not gb18030 or utf-8-bom", "设置项 bank_encoding：“%s”不是 gb18030 或 utf-8-bom", value);
    } else if (strcmp(key, "bank_layout") == 0) {
        if (!layout_word(value))
            return jy_err_set2(err, JY_EINVAL,
                              "settings.bank_layout",
                              "setting bank_layout: \"%s\" is not a layout name (a-z, 0-9, _ and -; the file "
                              "policy/bank-layouts/NAME.layout)", "设置项 bank_layout：“%s”不是代发文件格式的名称（只能用 a-z、0-9、_ 和 -；对应文件 policy/bank-layouts/NAME.layout）",
                              value);
    }
    char record[96];
    snprintf(record, sizeof record, "setting %s of county %s", key, county ? county : "");
    int rc = jy_wf_op_check(cs->wf, cs->st, "settings", record, actor, county, NULL, 0, err);
    if (rc) return rc;
    return jy_store_setting_set(cs->st, county, key, value, actor, NULL, err);
}

void jy_settings_get(jy_store *st, const char *county, const char *key, char *out, size_t cap)
{
    jy_setting s;
    jy_err e;
    if (cap == 0) return;
    if (st && county && jy_store_setting_get(st, county, key, &s, &e) == 0 && s.value[0])
        snprintf(out, cap, "%s", s.value);
    else
        snprintf(out, cap, "%s", default_of(key));
}

void jy_settings_unit_name(jy_store *st, const char *county, char *out, size_t cap)
{
    jy_settings_get(st, county, "unit_name", out, cap);
    if (!out[0] && cap) snprintf(out, cap, "%s", county ? county : "");
}

int jy_settings_show_json(jy_store *st, const char *county, jy_sb *out, jy_err *err)
{
    jy_sb_appendc(out, '{');
    jy_sb_json_kv_str(out, "county", county);
    jy_sb_json_key(out, "settings");
    jy_sb_appendc(out, '[');
    for (size_t i = 0; jy_settings_keys[i]; i++) {
        const char *k = jy_settings_keys[i];
        jy_setting s;
        jy_err e2;
        int rc = jy_store_setting_get(st, county, k, &s, &e2);
        if (rc && rc != JY_ENOTFOUND) {
            if (err) *err = e2;
            return rc;
        }
        if (i) jy_sb_appendc(out, ',');
        jy_sb_appendc(out, '{');
        jy_sb_json_kv_str(out, "key", k);
        jy_sb_json_kv_str(out, "value", rc == 0 ? s.value : default_of(k));
        jy_sb_json_kv_bool(out, "default", rc != 0);
        if (rc == 0) {
            jy_sb_json_kv_str(out, "updated_by", s.updated_by);
            jy_sb_json_kv_str(out, "updated_at", s.updated_at);
        }
        jy_sb_appendc(out, '}');
    }
    jy_sb_append(out, "]}");
    return 0;
}
