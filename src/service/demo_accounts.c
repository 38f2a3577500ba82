/* demo_accounts.c — one login account per role for the demo county (demo_accounts.h). */
#include "service/demo_accounts.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "service/users.h"
#include "store/auth_store.h"

typedef struct first_org {
    int64_t id;
} first_org;

static int on_org(void *ctx, const jy_org *o)
{
    ((first_org *)ctx)->id = o->id;
    return 1; /* the first is enough */
}

static int on_person(void *ctx, const jy_person *p)
{
    *(int64_t *)ctx = p->id;
    return 1;
}

static int64_t org_of_kind(jy_store *st, unsigned kind, jy_err *err)
{
    first_org f = {0};
    jy_org_filter flt = {.kinds_any = kind, .limit = 1};
    if (jy_store_org_list(st, &flt, on_org, &f, err) < 0) return -1;
    return f.id;
}

/* The otpauth:// URI's secret= value. */
static void secret_of(const char *uri, char out[64])
{
    out[0] = '\0';
    const char *s = strstr(uri, "secret=");
    if (!s) return;
    s += 7;
    size_t n = strcspn(s, "&");
    if (n >= 64) n = 63;
    memcpy(out, s, n);
    out[n] = '\0';
}

int jy_demo_accounts(jy_auth *a, jy_store *st, const jy_divisions *divs, const char *county, const char *actor,
                     jy_demo_account out[JY_DEMO_ACCOUNTS], int *n, jy_err *err)
{
    *n = 0;
    jy_user existing;
    jy_err probe = {0};
    if (jy_store_user_get(st, "demo-admin", &existing, &probe) == 0)
        return jy_err_set2(err, JY_ECONFLICT, "demo.accounts_exist", "demo accounts exist already (demo-admin): they are made once, on a "
                                             "fresh demo database", "演示账户已存在（demo-admin）：它们只在新建的演示数据库上生成一次");

    /* where the bound accounts sit: the first township, organisations of each kind, a person */
    const jy_division *kids[1];
    char town[13] = "";
    size_t nk = divs ? jy_division_children(divs, county, kids, 1) : 0;
    if (nk == 0) return jy_err_set2(err, JY_ENOTFOUND, "demo.county_no_township", "county %s: no township in the division table", "县 %s：区划表中没有乡镇（街道）", county);
    snprintf(town, sizeof town, "%s", kids[0]->code);
    int64_t body = org_of_kind(st, JY_ORG_TRAINING_BODY, err);
    int64_t employer = org_of_kind(st, JY_ORG_EMPLOYER, err);
    int64_t station = org_of_kind(st, JY_ORG_GIG_STATION, err);
    if (body < 0 || employer < 0 || station < 0) return err->code;
    if (!station) station = employer;
    int64_t person = 0;
    jy_person_filter pf = {.division_prefix = town, .limit = 1};
    if (jy_store_person_list(st, &pf, on_person, &person, err) < 0) return err->code;
    if (!body || !employer || !person)
        return jy_err_set2(err, JY_ENOTFOUND, "demo.county_lacks", "county %1$s has no %2$s yet: run `jiuye demo` first%3$.0s",
                           "县 %1$s 还没有%3$s：请先运行 `jiuye demo`%2$.0s", county,
                           !body ? "training body" : !employer ? "employer" : "person in the first township",
                           !body ? "培训机构" : !employer ? "用人单位" : "第一个乡镇（街道）的人员");

    char city[5];
    snprintf(city, sizeof city, "%.4s", county);
    const struct {
        const char *name, *role, *area, *display;
        int64_t org, person;
    } plan[JY_DEMO_ACCOUNTS] = {
        {"demo-admin", "admin", "", "演示：业务管理员", 0, 0},
        {"demo-county", "county_reviewer", county, "演示：县人社局就业股", 0, 0},
        {"demo-city", "city_reviewer", city, "演示：市人社局就业科", 0, 0},
        {"demo-town", "township_staff", town, "演示：乡镇劳动保障所", 0, 0},
        {"demo-body", "training_body", county, "演示：培训机构经办人", body, 0},
        {"demo-employer", "employer", county, "演示：用人单位经办人", employer, 0},
        {"demo-applicant", "applicant", town, "演示：申请人", 0, person},
        {"demo-station", "station", county, "演示：零工驿站运营方", station, 0},
        {"demo-finance", "finance", county, "演示：县人社局财务股", 0, 0},
        {"demo-auditor", "auditor", county, "演示：审计管理员", 0, 0},
        {"demo-sysadmin", "sysadmin", "", "演示：系统管理员", 0, 0},
        {"demo-security", "security", county, "演示：安全管理员", 0, 0}, /* last: see the header */
    };

    int64_t now = (int64_t)time(NULL);
    for (int i = 0; i < JY_DEMO_ACCOUNTS; i++) {
        jy_demo_account *d = &out[i];
        memset(d, 0, sizeof *d);
        /* the demo's administrator; on a database without users (no demo year) the first actor
         * is bootstrap admin until demo-admin exists, then demo-admin acts */
        jy_principal by;
        int rc = jy_principal_for_actor(st, actor, &by, err);
        if (rc == JY_ENOTFOUND && i > 0) {
            jy_err_clear(err);
            rc = jy_principal_for_actor(st, "demo-admin", &by, err);
        }
        if (rc) return rc;
        jy_auth_ctx ctx = {.by = &by, .address = "", .os_user = "demo", .now = now};
        jy_user u;
        memset(&u, 0, sizeof u);
        snprintf(u.name, sizeof u.name, "%s", plan[i].name);
        snprintf(u.role, sizeof u.role, "%s", plan[i].role);
        snprintf(u.area, sizeof u.area, "%s", plan[i].area);
        snprintf(u.display, sizeof u.display, "%s", plan[i].display);
        u.org_id = plan[i].org;
        u.person_id = plan[i].person;
        /* a generated password the checks accept (it never contains the account name) */
        jy_auth_password_generate(d->password);
        int result = 0;
        if ((rc = jy_account_put(a, st, &ctx, &u, d->password, NULL, &result, err)))
            return jy_err_prefix2(err, "demo account %s: ", "演示账户 %s：", plan[i].name);
        /* the demo's password need not be changed at the first login: store it again without
         * the must-change mark (same hash function, same audit trail as a password change) */
        char hash[128];
        jy_auth_event ev = {.user = u.name, .address = "", .outcome = "ok", .os_user = "demo",
                            .detail = "demo account", .at = now};
        if ((rc = jy_auth_hash_password(a, d->password, hash, err)) ||
            (rc = jy_store_cred_password(st, u.id, hash, 0, actor, "password_set", &ev, err)))
            return jy_err_prefix2(err, "demo account %s: ", "演示账户 %s：", plan[i].name);
        int role = 0;
        if ((rc = jy_role_parse(plan[i].role, &role, err))) return rc;
        if ((1u << role) & JY_ROLES_SECOND_FACTOR) {
            /* the security administrator enrols itself: the administrator lost account powers to it */
            jy_principal self;
            const jy_principal *enroller = &by;
            if (role == JY_ROLE_SECURITY) {
                if ((rc = jy_principal_for_actor(st, u.name, &self, err))) return rc;
                enroller = &self;
            }
            jy_auth_ctx ectx = {.by = enroller, .address = "", .os_user = "demo", .now = now};
            char uri[512];
            if ((rc = jy_account_totp_enroll(a, st, &ectx, u.name, uri, err)))
                return jy_err_prefix2(err, "demo account %s (second factor; set JIUYE_KEY_FILE): ",
                                      "演示账户 %s（第二步验证；请设置 JIUYE_KEY_FILE）：", plan[i].name);
            secret_of(uri, d->totp_secret);
        }
        snprintf(d->role, sizeof d->role, "%s", plan[i].role);
        snprintf(d->label, sizeof d->label, "%s", jy_role_label(role));
        snprintf(d->name, sizeof d->name, "%s", plan[i].name);
        snprintf(d->area, sizeof d->area, "%s", plan[i].area);
        d->org_id = plan[i].org;
        d->person_id = plan[i].person;
        (*n)++;
    }
    return 0;
}
