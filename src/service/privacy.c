/* privacy.c — who may see personal data whole, the access-log entries of those who do, and the
 * masking of the records (privacy.h). */
#include "service/privacy.h"

#include <stdio.h>
#include <string.h>

#include "domain/mask.h"

/* ---------------------------------------------------------------- permissions */

/* Role names per permission. The role set of src/service/users.h is growing (finance, auditor,
 * security, sysadmin: issue 11 item 4); the names are matched as text so this table needs no
 * enum from there. A role not listed holds none of these. */
static const char *const may_unmask[] = {"admin", "county_reviewer", "city_reviewer", "finance", NULL};
static const char *const may_bank[] = {"finance", "admin", NULL};
static const char *const may_read_log[] = {"auditor", "admin", NULL};

static const char *const *roles_of(int perm)
{
    switch (perm) {
    case JY_PRIV_UNMASK: return may_unmask;
    case JY_PRIV_BANK: return may_bank;
    case JY_PRIV_ACCESS_LOG: return may_read_log;
    default: return NULL;
    }
}

int jy_privacy_role_may(const char *role, int perm)
{
    const char *const *list = roles_of(perm);
    for (int i = 0; role && list && list[i]; i++)
        if (strcmp(role, list[i]) == 0) return 1;
    return 0;
}

const char *jy_privacy_roles(int perm)
{
    switch (perm) {
    case JY_PRIV_UNMASK: return "admin, county_reviewer, city_reviewer, finance";
    case JY_PRIV_BANK: return "finance, admin";
    case JY_PRIV_ACCESS_LOG: return "auditor, admin";
    default: return "";
    }
}

static const char *perm_what(int perm)
{
    switch (perm) {
    case JY_PRIV_UNMASK: return "查看未脱敏的个人信息 (see personal data unmasked)";
    case JY_PRIV_BANK: return "查看或导出未脱敏的收款账户 (see or export payees' accounts unmasked)";
    case JY_PRIV_ACCESS_LOG: return "查看查询日志 (read the access log)";
    default: return "";
    }
}

/* The same in Chinese alone, for the Chinese text of a refusal. */
static const char *perm_what_zh(int perm)
{
    switch (perm) {
    case JY_PRIV_UNMASK: return "查看未脱敏的个人信息";
    case JY_PRIV_BANK: return "查看或导出未脱敏的收款账户";
    case JY_PRIV_ACCESS_LOG: return "查看查询日志";
    default: return "";
    }
}

/* "用户 %s（角色 %s）无权…": the refusal of perm to actor in role. */
static int refuse_perm(jy_err *err, const char *actor, const char *role, int perm)
{
    return jy_err_set2(err, JY_ECONFLICT, "privacy.role_refused",
                       "用户 %1$s（角色 %2$s）无权%3$s: the roles that may are %4$s%5$.0s",
                       "用户 %1$s（角色 %2$s）无权%5$s（有此权限的角色：%4$s）%3$.0s", actor, role, perm_what(perm),
                       jy_privacy_roles(perm), perm_what_zh(perm));
}

/* ---------------------------------------------------------------- requests */

int jy_privacy_req_check(const jy_access_req *rq, jy_err *err)
{
    int has_reason = rq->reason != NULL;
    if (rq->unmask && !has_reason)
        return jy_err_set2(err, JY_EUSAGE,
                          "privacy.unmask_needs_reason",
                          "--unmask needs --reason \"…\": why the full values are needed (it is written to the access "
                          "log with your name)", "--unmask 需要同时给出 --reason \"…\"：说明为什么需要查看完整信息（连同您的姓名写入查询日志）");
    if (!rq->unmask && has_reason) return jy_err_set2(err, JY_EUSAGE, "privacy.reason_without_unmask", "--reason goes with --unmask", "--reason 只能与 --unmask 一起使用");
    if (!rq->unmask) return 0;
    const char *p = rq->reason;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    if (!*p) return jy_err_set2(err, JY_EINVAL, "privacy.reason_blank", "--reason is blank: say why the full values are needed", "--reason 为空：请说明为什么需要查看完整信息");
    if (strlen(rq->reason) > JY_PRIVACY_REASON_MAX)
        return jy_err_set2(err, JY_EINVAL, "privacy.reason_long", "--reason is %zu bytes: at most %d", "--reason 有 %zu 字节：最多 %d 字节", strlen(rq->reason), JY_PRIVACY_REASON_MAX);
    return 0;
}

int jy_privacy_actor_role(jy_store *st, const char *actor, char role[32], jy_err *err)
{
    role[0] = '\0';
    if (!actor || !*actor) return jy_err_set2(err, JY_EINVAL, "privacy.no_actor", "no actor: give --as NAME", "没有指明操作人：请给出 --as 用户名");
    int64_t n = 0;
    int rc = jy_store_user_count(st, &n, err);
    if (rc) return rc;
    if (n == 0) { /* bootstrap: users.h */
        memcpy(role, "admin", 6);
        return 0;
    }
    jy_user u;
    rc = jy_store_user_get(st, actor, &u, err);
    if (rc == JY_ENOTFOUND)
        return jy_err_set2(err, JY_ENOTFOUND, "privacy.user_unknown", "user \"%s\" is not registered: an administrator adds it with "
                          "`jiuye user add %s --role ROLE`", "用户“%s”未登记：请管理员用 `jiuye user add %s --role ROLE` 添加", actor, actor);
    if (rc) return rc;
    snprintf(role, 32, "%s", u.role);
    return 0;
}

/* Copies s into a fixed field; JY_EINVAL naming the field when it does not fit. */
static int put(char *dst, size_t cap, const char *s, const char *field, jy_err *err)
{
    size_t n = s ? strlen(s) : 0;
    if (n >= cap) return jy_err_set2(err, JY_EINVAL, "privacy.log_field_long", "access log: %s is %zu bytes, at most %zu", "查询日志：%s 有 %zu 字节，最多 %zu 字节", field, n, cap - 1);
    if (n) memcpy(dst, s, n);
    dst[n] = '\0';
    return 0;
}

/* Copies s into a fixed field, cut at a UTF-8 character boundary with "…" when it does not fit
 * (the target: a description of what was viewed, never the reason). */
static void put_cut(char *dst, size_t cap, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < cap) {
        if (n) memcpy(dst, s, n);
        dst[n] = '\0';
        return;
    }
    size_t keep = cap - 4; /* room for "…" (3 bytes) and the NUL */
    while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80) keep--;
    memcpy(dst, s, keep);
    memcpy(dst + keep, "…", 4);
}

static int log_entry(jy_store *st, const jy_access_req *rq, const char *role, const char *action, const char *entity,
                     const char *county, const char *target, jy_err *err)
{
    jy_access_entry e;
    memset(&e, 0, sizeof e);
    int rc;
    if ((rc = put(e.actor, sizeof e.actor, rq->actor, "actor", err)) ||
        (rc = put(e.role, sizeof e.role, role, "role", err)) ||
        (rc = put(e.origin, sizeof e.origin, rq->origin, "origin", err)) ||
        (rc = put(e.action, sizeof e.action, action, "action", err)) ||
        (rc = put(e.entity, sizeof e.entity, entity, "entity", err)) ||
        (rc = put(e.county, sizeof e.county, county, "county", err)) ||
        (rc = put(e.reason, sizeof e.reason, rq->reason, "reason", err)))
        return rc;
    put_cut(e.target, sizeof e.target, target);
    return jy_store_access_log_append(st, &e, err);
}

int jy_privacy_grant(jy_store *st, const jy_access_req *rq, int perm, const char *action, const char *entity,
                     const char *county, const char *target, jy_err *err)
{
    int rc = jy_privacy_req_check(rq, err);
    if (rc) return rc;
    if (!rq->unmask) return jy_err_set2(err, JY_EINVAL, "privacy.no_unmask", "no unmasked view was asked for", "没有要求查看未脱敏的信息");
    char role[32];
    jy_err why;
    int found = jy_privacy_actor_role(st, rq->actor, role, &why);
    if (found == 0 && jy_privacy_role_may(role, perm)) return log_entry(st, rq, role, action, entity, county, target, err);
    if (found != 0 && found != JY_ENOTFOUND) {
        if (err) *err = why;
        return found;
    }
    /* refused: recorded with what was asked and why, then the refusal */
    jy_err logerr;
    if (log_entry(st, rq, role, "refused", entity, county, target, &logerr) != 0)
        return jy_err_wrap2(err, JY_EDB, &logerr, "refused, and the refusal could not be logged: ",
                            "已拒绝，但这次拒绝未能写入查询日志：");
    if (found == JY_ENOTFOUND) {
        if (err) *err = why;
        return JY_ENOTFOUND;
    }
    return refuse_perm(err, rq->actor, role, perm);
}

int jy_privacy_may_read_log(jy_store *st, const char *actor, jy_err *err)
{
    char role[32];
    int rc = jy_privacy_actor_role(st, actor, role, err);
    if (rc) return rc;
    if (jy_privacy_role_may(role, JY_PRIV_ACCESS_LOG)) return 0;
    return refuse_perm(err, actor, role, JY_PRIV_ACCESS_LOG);
}

/* ---------------------------------------------------------------- masking */

#define MASK_FIELD(fn, field)                            \
    do {                                                 \
        char tmp_[sizeof(field)];                        \
        fn((field), tmp_, sizeof tmp_);                  \
        memcpy((field), tmp_, sizeof tmp_);              \
    } while (0)

void jy_privacy_mask_person(jy_person *p)
{
    MASK_FIELD(jy_mask_idcard, p->idcard);
    MASK_FIELD(jy_mask_phone, p->phone);
}

void jy_privacy_person_json(jy_sb *sb, const jy_person *p, int masked)
{
    if (!masked) {
        jy_person_json(sb, p);
        return;
    }
    jy_person m = *p;
    jy_privacy_mask_person(&m);
    size_t from = sb->len;
    jy_person_json(sb, &m);
    /* "birth":"1990-01-01" → "1990-**-**" (jy_mask_birth), in place: same length */
    static const char key[] = "\"birth\":\"";
    char *b = strstr(sb->buf + from, key);
    if (b) {
        b += sizeof key - 1;
        char *q = strchr(b, '"');
        if (q && q - b < 32) {
            char in[32], out[32];
            memcpy(in, b, (size_t)(q - b));
            in[q - b] = '\0';
            jy_mask_birth(in, out, sizeof out);
            memcpy(b, out, (size_t)(q - b));
        }
    }
}

static int status_hidden(const jy_person_status *s)
{
    return s->kind == JY_ST_DISABILITY;
}

void jy_privacy_mask_status(jy_person_status *s)
{
    if (status_hidden(s)) snprintf(s->detail, sizeof s->detail, "%s", JY_MASK_HIDDEN);
}

void jy_privacy_status_json(jy_sb *sb, const jy_person_status *s, int masked)
{
    if (!masked || !status_hidden(s)) {
        jy_person_status_json(sb, s);
        return;
    }
    /* jy_person_status_json's shape with the kind, label and detail hidden */
    jy_person_status m = *s;
    jy_privacy_mask_status(&m);
    jy_sb tmp = JY_SB_INIT;
    jy_person_status_json(&tmp, &m);
    jy_mask_json(sb, tmp.buf ? tmp.buf : "", tmp.len); /* kind "disability" → *** and the rest of the object */
    jy_sb_free(&tmp);
}

void jy_privacy_mask_org(jy_org *o)
{
    MASK_FIELD(jy_mask_bankcard, o->bank_account);
    MASK_FIELD(jy_mask_phone, o->phone);
}

void jy_privacy_mask_batch_line(jy_batch_line *l)
{
    if (l->payee_kind != JY_PAYEE_ORG) MASK_FIELD(jy_mask_idcard, l->payee_id);
    MASK_FIELD(jy_mask_bankcard, l->account);
}

void jy_privacy_mask_report(jy_report *r)
{
    jy_sb sb = JY_SB_INIT;
    char buf[512];
    for (int k = 0; k < r->ncols; k++) {
        const char *key = r->cols[k].key;
        void (*fn)(const char *, char *, size_t) = strcmp(key, "idcard") == 0 ? jy_mask_idcard
                                                   : strcmp(key, "phone") == 0 ? jy_mask_phone
                                                   : strcmp(key, "account") == 0 || strcmp(key, "bank_account") == 0
                                                       ? jy_mask_bankcard
                                                       : NULL;
        for (size_t i = 0; i < r->nrows; i++) {
            jy_cell *c = &r->cells[i * (size_t)r->ncols + (size_t)k];
            if (c->type != JY_CELL_TEXT || !c->s || !*c->s) continue;
            if (jy_mask_is_disability(c->s, strlen(c->s))) {
                jy_cell_text(r, c, JY_MASK_HIDDEN);
            } else if (fn && strlen(c->s) < sizeof buf) {
                fn(c->s, buf, sizeof buf);
                jy_cell_text(r, c, buf);
            } else {
                jy_sb_reset(&sb);
                jy_mask_text(&sb, c->s, strlen(c->s));
                if (strcmp(jy_sb_cstr(&sb), c->s) != 0) jy_cell_text(r, c, jy_sb_cstr(&sb));
            }
        }
    }
    jy_sb_free(&sb);
}

void jy_privacy_mask_json(jy_sb *sb)
{
    jy_sb out = JY_SB_INIT;
    jy_mask_json(&out, sb->buf ? sb->buf : "", sb->len);
    jy_sb_free(sb);
    *sb = out; /* the masked copy takes the place of the text (no second copy) */
}

void jy_privacy_mask_text(jy_sb *sb)
{
    jy_sb out = JY_SB_INIT;
    jy_mask_text(&out, sb->buf ? sb->buf : "", sb->len);
    jy_sb_reset(sb);
    jy_sb_appendn(sb, out.buf ? out.buf : "", out.len);
    jy_sb_free(&out);
}
