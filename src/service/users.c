/* users.c — roles and the actor checks of the workflow (see users.h). */
#include "service/users.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name, *label;
} roles_tab[JY_ROLE__COUNT] = {
    [JY_ROLE_ADMIN] = {"admin", "系统管理员"},
    [JY_ROLE_COUNTY_REVIEWER] = {"county_reviewer", "县级审核"},
    [JY_ROLE_CITY_REVIEWER] = {"city_reviewer", "市级审核"},
    [JY_ROLE_TOWNSHIP_STAFF] = {"township_staff", "乡镇工作人员"},
    [JY_ROLE_TRAINING_BODY] = {"training_body", "培训机构"},
    [JY_ROLE_EMPLOYER] = {"employer", "用人单位"},
    [JY_ROLE_APPLICANT] = {"applicant", "申请人"},
    [JY_ROLE_STATION] = {"station", "零工驿站"},
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
    for (int i = 0; i < JY_ROLE__COUNT; i++)
        if (strcmp(s, roles_tab[i].name) == 0 || strcmp(s, roles_tab[i].label) == 0) {
            *role = i;
            return 0;
        }
    return jy_err_set(err, JY_EINVAL,
                      "unknown role \"%s\" (admin, county_reviewer, city_reviewer, township_staff, training_body, "
                      "employer, applicant, station)",
                      s);
}

int jy_roles_parse(const char *list, unsigned *roles, jy_err *err)
{
    *roles = 0;
    const char *p = list;
    while (*p) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        char one[40];
        if (n == 0 || n >= sizeof one) return jy_err_set(err, JY_EINVAL, "roles \"%s\": empty or overlong item", list);
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
    if (!*roles) return jy_err_set(err, JY_EINVAL, "roles: none given");
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

int jy_actor_resolve(jy_store *st, const char *name, jy_actor *out, jy_err *err)
{
    memset(out, 0, sizeof *out);
    if (!name || !*name) return jy_err_set(err, JY_EINVAL, "no actor: give --as NAME");
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
        return jy_err_set(err, JY_ENOTFOUND,
                          "user \"%s\" is not registered: an administrator adds it with "
                          "`jiuye user add %s --role ROLE [--area CODE]`",
                          name, name);
    if (rc) return rc;
    jy_err ignored;
    if (jy_role_parse(out->user.role, &out->role, &ignored))
        return jy_err_set(err, JY_EINVAL, "user \"%s\" has an unknown role \"%s\"", name, out->user.role);
    return 0;
}

int jy_actor_may(const jy_actor *a, unsigned roles, const char *county, const char *what, jy_err *err)
{
    int role_ok = a->role == JY_ROLE_ADMIN || (roles & JY_ROLE_ANY) || (roles & (1u << a->role));
    if (!role_ok) {
        jy_sb allowed = JY_SB_INIT;
        jy_roles_text(&allowed, roles, " or ");
        jy_err_set(err, JY_ECONFLICT, "用户 %s（角色 %s）无权%s: the step needs %s", a->user.name,
                   jy_role_name(a->role), what, jy_sb_cstr(&allowed));
        jy_sb_free(&allowed);
        return JY_ECONFLICT;
    }
    size_t n = strlen(a->user.area);
    if (county && n && strncmp(county, a->user.area, n) != 0)
        return jy_err_set(err, JY_ECONFLICT, "用户 %s 的辖区为 %s，无权%s（该案件属于 %s）", a->user.name, a->user.area,
                          what, county);
    return 0;
}
