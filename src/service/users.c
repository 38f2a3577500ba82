/* users.c — roles, the permission table and its check, the three-way separation, and the
 * workflow's actor checks (see users.h; docs/security.md has the table as prose). */
#include "service/users.h"

#include <stdio.h>
#include <string.h>

#include "store/auth_store.h"

static const struct {
    const char *name, *label;
} roles_tab[JY_ROLE__COUNT] = {
    [JY_ROLE_ADMIN] = {"admin", "业务管理员"},
    [JY_ROLE_COUNTY_REVIEWER] = {"county_reviewer", "县级审核"},
    [JY_ROLE_CITY_REVIEWER] = {"city_reviewer", "市级审核"},
    [JY_ROLE_TOWNSHIP_STAFF] = {"township_staff", "乡镇工作人员"},
    [JY_ROLE_TRAINING_BODY] = {"training_body", "培训机构"},
    [JY_ROLE_EMPLOYER] = {"employer", "用人单位"},
    [JY_ROLE_APPLICANT] = {"applicant", "申请人"},
    [JY_ROLE_STATION] = {"station", "零工驿站"},
    [JY_ROLE_FINANCE] = {"finance", "财务"},
    [JY_ROLE_AUDITOR] = {"auditor", "审计管理员"},
    [JY_ROLE_SECURITY] = {"security", "安全管理员"},
    [JY_ROLE_SYSADMIN] = {"sysadmin", "系统管理员"},
};

const char *jy_role_name(int role)
{
    return role >= 0 && role < JY_ROLE__COUNT ? roles_tab[role].name : "";
}

const char *jy_role_label(int role)
{
    return role >= 0 && role < JY_ROLE__COUNT ? roles_tab[role].label : "";
}

int jy_role_parse(const char *s, int *role, jy_err *err)
{
    for (int i = 0; s && i < JY_ROLE__COUNT; i++)
        if (strcmp(s, roles_tab[i].name) == 0 || strcmp(s, roles_tab[i].label) == 0) {
            *role = i;
            return 0;
        }
    return jy_err_set2(err, JY_EINVAL, "users.role_unknown",
                      "unknown role \"%s\" (admin, county_reviewer, city_reviewer, township_staff, training_body, "
                      "employer, applicant, station, finance, auditor, security, sysadmin)", "未知的角色“%s”（admin 管理员、county_reviewer 县级审核、city_reviewer 市级审核、township_staff 乡镇经办、training_body 培训机构、employer 用人单位、applicant 申请人、station 就业服务站、finance 财务、auditor 审计员、security 安全管理员、sysadmin 系统管理员）",
                      s ? s : "");
}

int jy_roles_parse(const char *list, unsigned *roles, jy_err *err)
{
    *roles = 0;
    const char *p = list;
    while (*p) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        char one[40];
        if (n == 0 || n >= sizeof one) return jy_err_set2(err, JY_EINVAL, "users.roles_item", "roles \"%s\": empty or overlong item", "角色列表“%s”：有空项或过长的项", list);
        memcpy(one, p, n);
        one[n] = '\0';
        if (strcmp(one, "*") == 0) {
            *roles |= JY_ROLE_ANY;
        } else {
            int r = 0;
            if (jy_role_parse(one, &r, err)) return JY_EINVAL;
            *roles |= 1u << r;
        }
        p += n;
        if (*p == ',') p++;
    }
    if (!*roles) return jy_err_set2(err, JY_EINVAL, "users.roles_none", "roles: none given", "角色：未填写");
    return 0;
}

void jy_roles_text(jy_sb *sb, unsigned roles, const char *sep)
{
    int first = 1;
    if (roles & JY_ROLE_ANY) {
        jy_sb_append(sb, "any registered user");
        return;
    }
    for (int i = 0; i < JY_ROLE__COUNT; i++)
        if (roles & (1u << i)) {
            if (!first) jy_sb_append(sb, sep);
            jy_sb_append(sb, roles_tab[i].name);
            first = 0;
        }
}

int jy_area_check(const char *area, jy_err *err)
{
    size_t n = area ? strlen(area) : 0;
    if (n && (strspn(area, "0123456789") != n || (n != 2 && n != 4 && n != 6 && n != 9 && n != 12)))
        return jy_err_set2(err, JY_EINVAL, "users.area", "area \"%s\": expected a division code prefix (2, 4, 6, 9 or 12 digits)", "辖区“%s”：应为行政区划代码的前缀（2、4、6、9或12位数字）",
                          area);
    return 0;
}

/* ---------------------------------------------------------------- the permission table */

#define R(x) (1u << JY_ROLE_##x)
/* Business roles that work on the registry and cases as officers (area-bound, not owner-bound). */
#define OFFICERS (R(ADMIN) | R(COUNTY_REVIEWER) | R(CITY_REVIEWER) | R(TOWNSHIP_STAFF))
#define OUTSIDERS (R(TRAINING_BODY) | R(EMPLOYER) | R(APPLICANT) | R(STATION))

static const struct {
    const char *name;
    unsigned roles;
    int fallback; /* separated role whose absence lends its power to admin, or -1 */
    int scoped;   /* 1: about an area's records */
} perm_tab[JY_PERM__COUNT] = {
    [JY_PERM_PERSON_READ] = {"person.read", OFFICERS | OUTSIDERS | R(FINANCE), -1, 1},
    [JY_PERM_PERSON_READ_UNMASKED] = {"person.read_unmasked",
                                      R(ADMIN) | R(COUNTY_REVIEWER) | R(CITY_REVIEWER) | R(FINANCE) | R(APPLICANT), -1,
                                      1},
    [JY_PERM_PERSON_WRITE] = {"person.write", OFFICERS, -1, 1},
    [JY_PERM_ORG_READ] = {"org.read", OFFICERS | OUTSIDERS | R(FINANCE), -1, 1},
    [JY_PERM_ORG_WRITE] = {"org.write", R(ADMIN) | R(COUNTY_REVIEWER) | R(CITY_REVIEWER), -1, 1},
    [JY_PERM_IMPORT_RUN] = {"import.run", R(ADMIN) | R(COUNTY_REVIEWER) | R(TOWNSHIP_STAFF), -1, 1},
    [JY_PERM_POLICY_READ] = {"policy.read", OFFICERS | OUTSIDERS | R(FINANCE), -1, 0},
    [JY_PERM_POLICY_EVAL] = {"policy.eval", OFFICERS, -1, 0},
    [JY_PERM_POLICY_REDECIDE] = {"policy.redecide", R(ADMIN) | R(COUNTY_REVIEWER), -1, 0},
    [JY_PERM_CASE_READ] = {"case.read", OFFICERS | OUTSIDERS | R(FINANCE), -1, 1},
    [JY_PERM_CASE_FILE] = {"case.file", OFFICERS | OUTSIDERS, -1, 1},
    [JY_PERM_CASE_STEP] = {"case.step", OFFICERS | OUTSIDERS, -1, 1},
    [JY_PERM_PLACEMENT_READ] = {"placement.read", OFFICERS | R(EMPLOYER) | R(FINANCE), -1, 1},
    [JY_PERM_PLACEMENT_WRITE] = {"placement.write", R(ADMIN) | R(COUNTY_REVIEWER), -1, 1},
    [JY_PERM_ATTENDANCE_WRITE] = {"attendance.write",
                                  R(ADMIN) | R(COUNTY_REVIEWER) | R(TOWNSHIP_STAFF) | R(EMPLOYER), -1, 1},
    [JY_PERM_PAYROLL_RUN] = {"payroll.run", R(ADMIN) | R(COUNTY_REVIEWER), -1, 1},
    [JY_PERM_PAYROLL_REVIEW] = {"payroll.review", R(ADMIN) | R(COUNTY_REVIEWER), -1, 1},
    [JY_PERM_LEDGER_READ] = {"ledger.read", R(ADMIN) | R(COUNTY_REVIEWER) | R(CITY_REVIEWER) | R(FINANCE), -1, 1},
    [JY_PERM_LEDGER_WRITE] = {"ledger.write", R(ADMIN) | R(FINANCE), -1, 1},
    [JY_PERM_BATCH_READ] = {"batch.read", R(ADMIN) | R(COUNTY_REVIEWER) | R(FINANCE), -1, 1},
    [JY_PERM_BATCH_BUILD] = {"batch.build", R(ADMIN) | R(FINANCE), -1, 1},
    [JY_PERM_BATCH_APPROVE] = {"batch.approve", R(ADMIN) | R(FINANCE), -1, 1},
    [JY_PERM_BATCH_EXPORT] = {"batch.export", R(ADMIN) | R(FINANCE), -1, 1},
    [JY_PERM_BATCH_PAY] = {"batch.pay", R(ADMIN) | R(FINANCE), -1, 1},
    [JY_PERM_REPORT_READ] = {"report.read", OFFICERS | R(FINANCE), -1, 1},
    [JY_PERM_AUDIT_READ] = {"audit.read", R(AUDITOR), JY_ROLE_AUDITOR, 0},
    [JY_PERM_AUDIT_VERIFY] = {"audit.verify", R(AUDITOR), JY_ROLE_AUDITOR, 0},
    [JY_PERM_ACCESS_LOG_READ] = {"access_log.read", R(AUDITOR), JY_ROLE_AUDITOR, 0},
    [JY_PERM_USER_READ] = {"user.read", R(SECURITY), JY_ROLE_SECURITY, 1},
    [JY_PERM_USER_MANAGE] = {"user.manage", R(SECURITY), JY_ROLE_SECURITY, 1},
    [JY_PERM_BACKUP_RUN] = {"backup.run", R(SYSADMIN), JY_ROLE_SYSADMIN, 0},
    [JY_PERM_CONFIG_MANAGE] = {"config.manage", R(SYSADMIN), JY_ROLE_SYSADMIN, 0},
    [JY_PERM_SYSTEM_STATUS] = {"system.status", R(SYSADMIN) | R(SECURITY) | R(AUDITOR) | R(ADMIN), -1, 0},
};

const char *jy_perm_name(int perm)
{
    return perm >= 0 && perm < JY_PERM__COUNT ? perm_tab[perm].name : "";
}

int jy_perm_parse(const char *name, int *perm, jy_err *err)
{
    for (int i = 0; name && i < JY_PERM__COUNT; i++)
        if (strcmp(name, perm_tab[i].name) == 0) {
            *perm = i;
            return 0;
        }
    return jy_err_set2(err, JY_EINVAL, "users.perm_unknown", "unknown permission \"%s\"", "未知的权限“%s”", name ? name : "");
}

/* The roles of the permissions that are money operations, as bound from the operations block of
 * policy/workflows.txt (jy_wf_ops_bind_perms, at start-up, before any thread): the compiled table
 * above says the same as the shipped file (tests/unit/test_money_roles.c), the file wins. */
static unsigned perm_bound_roles[JY_PERM__COUNT];
static unsigned char perm_bound[JY_PERM__COUNT];

void jy_perm_bind_roles(int perm, unsigned roles)
{
    if (perm < 0 || perm >= JY_PERM__COUNT) return;
    perm_bound_roles[perm] = roles;
    perm_bound[perm] = 1;
}

void jy_perm_unbind_all(void)
{
    memset(perm_bound, 0, sizeof perm_bound);
    memset(perm_bound_roles, 0, sizeof perm_bound_roles);
}

unsigned jy_perm_roles_compiled(int perm)
{
    return perm >= 0 && perm < JY_PERM__COUNT ? perm_tab[perm].roles : 0;
}

unsigned jy_perm_roles(int perm)
{
    if (perm < 0 || perm >= JY_PERM__COUNT) return 0;
    return perm_bound[perm] ? perm_bound_roles[perm] : perm_tab[perm].roles;
}

int jy_perm_fallback_role(int perm)
{
    return perm >= 0 && perm < JY_PERM__COUNT ? perm_tab[perm].fallback : -1;
}

int jy_perm_is_scoped(int perm)
{
    return perm >= 0 && perm < JY_PERM__COUNT ? perm_tab[perm].scoped : 0;
}

int jy_role_holds(const jy_principal *p, int perm)
{
    if (!p || perm < 0 || perm >= JY_PERM__COUNT || p->role < 0 || p->role >= JY_ROLE__COUNT) return 0;
    if (jy_perm_roles(perm) & (1u << p->role)) return 1;
    int fb = perm_tab[perm].fallback;
    return p->role == JY_ROLE_ADMIN && fb >= 0 && !(p->roles_present & (1u << fb));
}

int jy_perm_check(const jy_principal *p, int perm, const jy_perm_target *t, jy_err *err)
{
    if (!p) return jy_err_set2(err, JY_EAUTH, "auth.not_logged_in", "not logged in", "尚未登录");
    if (perm < 0 || perm >= JY_PERM__COUNT) return jy_err_set2(err, JY_EDENIED, "users.perm_unknown_n", "unknown permission %d", "未知的权限 %d", perm);
    const char *pn = perm_tab[perm].name;
    if (p->second_factor_required && !p->second_factor_done)
        return jy_err_set2(err, JY_EAUTH, "perm.second_factor", "用户 %s 需先完成第二步验证 (second factor required before %s)", "用户 %s 需先完成第二步验证，才能 %s", p->name, pn);
    if (p->must_change)
        return jy_err_set2(err, JY_EDENIED, "perm.must_change_password", "用户 %s 须先修改管理员设置的密码 (password must be changed before %s)", "用户 %s 须先修改管理员设置的密码，才能 %s",
                          p->name, pn);
    if (!jy_role_holds(p, perm)) {
        int fb = perm_tab[perm].fallback;
        if (p->role == JY_ROLE_ADMIN && fb >= 0)
            return jy_err_set2(err, JY_EDENIED, "perm.admin_separated",
                              "用户 %s（角色 admin）无权 %s: that power belongs to the %s role now that a %s account "
                              "exists (三员分立)", "用户 %s（角色 admin）无权 %s：已设立 %s 账户，此权限归 %s 角色（三员分立）",
                              p->name, pn, jy_role_name(fb), jy_role_name(fb));
        jy_sb holders = JY_SB_INIT;
        jy_roles_text(&holders, jy_perm_roles(perm), ", ");
        jy_err_set2(err, JY_EDENIED, "perm.role", "用户 %s（角色 %s）无权 %s (held by %s)", "用户 %s（角色 %s）无权 %s（拥有此权限的角色：%s）", p->name, jy_role_name(p->role), pn,
                   jy_sb_cstr(&holders));
        jy_sb_free(&holders);
        return JY_EDENIED;
    }
    if (!t || !perm_tab[perm].scoped) return 0;
    size_t n = strlen(p->area);
    const char *ra = t->area ? t->area : "";
    if (n && (strlen(ra) < n || strncmp(ra, p->area, n) != 0))
        return jy_err_set2(err, JY_EDENIED, "perm.area", "用户 %s 的辖区为 %s，该记录%s%s，无权 %s", "用户 %s 的辖区为 %s，该记录%s%s，无权 %s", p->name, p->area,
                          *ra ? "属于 " : "辖区不明", ra, pn);
    if ((1u << p->role) & JY_ROLES_OWNER_BOUND) {
        int own = (p->org_id && t->org_id == p->org_id) || (p->person_id && t->person_id == p->person_id);
        if (!own)
            return jy_err_set2(err, JY_EDENIED, "perm.owner", "用户 %s（角色 %s）只能访问本单位或本人的记录，无权 %s", "用户 %s（角色 %s）只能访问本单位或本人的记录，无权 %s", p->name,
                              jy_role_name(p->role), pn);
    }
    return 0;
}

int jy_role_change_check(const jy_principal *by, const char *account, int from, int to, jy_err *err)
{
    unsigned sep = JY_ROLES_SEPARATED;
    if (from >= 0 && by && by->name[0] && strcmp(by->name, account) == 0 && from != to)
        return jy_err_set2(err, JY_EDENIED, "users.own_role", "用户 %s 不能更改自己的角色 (%s → %s): another security administrator does", "用户 %s 不能更改自己的角色（%s → %s）：应由另一位安全管理员操作",
                          account, jy_role_name(from), jy_role_name(to));
    if (from < 0 || from == to) return 0;
    if ((sep & (1u << from)) || (sep & (1u << to)))
        return jy_err_set2(err, JY_EDENIED, "users.separated_role",
                          "三员分立: account %s cannot move from %s to %s — the security administrator, the auditor "
                          "and the system administrator are separate accounts that never change role; add a new "
                          "account and lock this one", "三员分立：账户 %s 不能从 %s 改为 %s——安全管理员、审计员和系统管理员是互相独立、永不改变角色的账户；请新建账户并锁定此账户",
                          account, jy_role_name(from), jy_role_name(to));
    return 0;
}

/* ---------------------------------------------------------------- principals */

static int on_role_bit(void *ctx, const char *role)
{
    int r = 0;
    if (jy_role_parse(role, &r, NULL) == 0) *(unsigned *)ctx |= 1u << r;
    return 0;
}

int jy_roles_present(jy_store *st, unsigned *present, jy_err *err)
{
    *present = 0;
    return jy_store_user_roles(st, on_role_bit, present, err);
}

int jy_principal_for_actor(jy_store *st, const char *name, jy_principal *out, jy_err *err)
{
    memset(out, 0, sizeof *out);
    jy_actor a;
    int rc = jy_actor_resolve(st, name, &a, err);
    if (rc) return rc;
    out->user_id = a.user.id;
    snprintf(out->name, sizeof out->name, "%s", a.user.name);
    out->role = a.role;
    snprintf(out->area, sizeof out->area, "%s", a.user.area);
    out->org_id = a.user.org_id;
    out->person_id = a.user.person_id;
    out->bootstrap = a.bootstrap;
    out->second_factor_required = ((1u << a.role) & JY_ROLES_SECOND_FACTOR) != 0;
    out->second_factor_done = 1;
    return a.bootstrap ? 0 : jy_roles_present(st, &out->roles_present, err);
}

/* ---------------------------------------------------------------- the workflow's actor */

int jy_actor_resolve(jy_store *st, const char *name, jy_actor *out, jy_err *err)
{
    memset(out, 0, sizeof *out);
    if (!name || !*name) return jy_err_set2(err, JY_EINVAL, "users.no_actor", "no actor: give --as NAME", "未指明操作人：请用 --as 姓名");
    int64_t n = 0;
    int rc = jy_store_user_count(st, &n, err);
    if (rc) return rc;
    if (n == 0) {
        snprintf(out->user.name, sizeof out->user.name, "%s", name);
        memcpy(out->user.role, "admin", 6);
        out->role = JY_ROLE_ADMIN;
        out->bootstrap = 1;
        return 0;
    }
    rc = jy_store_user_get(st, name, &out->user, err);
    if (rc == JY_ENOTFOUND)
        return jy_err_set2(err, JY_ENOTFOUND, "users.not_registered",
                          "user \"%s\" is not registered: an administrator adds it with "
                          "`jiuye user add %s --role ROLE [--area CODE]`", "用户“%s”尚未登记：由管理员用 `jiuye user add %s --role ROLE [--area CODE]` 添加",
                          name, name);
    if (rc) return rc;
    jy_err ignored;
    if (jy_role_parse(out->user.role, &out->role, &ignored))
        return jy_err_set2(err, JY_EINVAL, "users.role_bad", "user \"%s\" has an unknown role \"%s\"", "用户“%s”的角色“%s”未知", name, out->user.role);
    return 0;
}

int jy_actor_may(const jy_actor *a, unsigned roles, const char *county, const char *what, jy_err *err)
{
    unsigned me = 1u << a->role;
    int role_ok;
    if (me & JY_ROLES_SEPARATED) role_ok = 0; /* 三员: no business step, not even "*" */
    else if (a->role == JY_ROLE_ADMIN) role_ok = 1;
    else if (roles & me) role_ok = 1;
    else role_ok = (roles & JY_ROLE_ANY) && a->role != JY_ROLE_FINANCE;
    if (!role_ok) {
        jy_sb allowed = JY_SB_INIT;
        jy_roles_text(&allowed, roles, " or ");
        jy_err_set2(err, JY_ECONFLICT, "perm.step_role", "用户 %s（角色 %s）无权%s: the step needs %s", "用户 %s（角色 %s）无权%s：此步骤需要 %s", a->user.name,
                   jy_role_name(a->role), what, jy_sb_cstr(&allowed));
        jy_sb_free(&allowed);
        return JY_ECONFLICT;
    }
    size_t n = strlen(a->user.area);
    if (county && n && strncmp(county, a->user.area, n) != 0)
        return jy_err_set2(err, JY_ECONFLICT, "perm.step_area", "用户 %s 的辖区为 %s，无权%s（该案件属于 %s）", "用户 %s 的辖区为 %s，无权%s（该案件属于 %s）", a->user.name, a->user.area,
                          what, county);
    return 0;
}
