/* Who may move money, on the command line and in the API: one table (policy/workflows.txt's
 * operations block). Every money operation × every role: the CLI's check (jy_actor_may with the
 * operation's roles, as jy_wf_op_check does) and the API's route permission (jy_role_holds, checked
 * before the handler) must agree — for the compiled permission table against the shipped file
 * (the table a server uses without a policy directory), and once the block is bound
 * (jy_wf_ops_bind_perms, `jiuye serve`) for an edited file too. A permission of two operations
 * whose roles differ is refused, and an operation the file lacks is nobody's on both sides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "service/users.h"
#include "service/workflow.h"

static const char *policy_dir(void)
{
    const char *d = getenv("JY_POLICY_DIR");
    return d && *d ? d : JY_POLICY_DIR;
}

/* the CLI's decision for role on operation op of w: 1 may, 0 refused */
static int cli_may(const jy_workflows *w, const char *op, int role)
{
    const jy_wf_op *o = jy_workflows_op(w, op);
    if (!o) return 0; /* jy_wf_op_check: an operation the file lacks is refused (fail closed) */
    jy_actor a;
    memset(&a, 0, sizeof a);
    snprintf(a.user.name, sizeof a.user.name, "u-%s", jy_role_name(role));
    a.role = role;
    return jy_actor_may(&a, o->roles, "640522", "test", NULL) == 0;
}

/* the API's decision: the route's permission for a signed-in user of role (every role's account
 * exists, so the administrator has no fallback powers) */
static int api_may(int perm, int role)
{
    jy_principal p;
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "u-%s", jy_role_name(role));
    p.role = role;
    p.second_factor_done = 1;
    p.roles_present = (1u << JY_ROLE__COUNT) - 1;
    return jy_perm_check(&p, perm, NULL, NULL) == 0;
}

/* every money permission × operation × role; returns the number of disagreements (printed) */
static int disagreements(const jy_workflows *w)
{
    int perms[16];
    const char *ops[16][2];
    size_t n = jy_wf_money_perms(perms, ops, 16);
    assert_true(n >= 7);
    int bad = 0;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 2 && ops[i][k]; k++)
            for (int r = 0; r < JY_ROLE__COUNT; r++) {
                int c = cli_may(w, ops[i][k], r), a = api_may(perms[i], r);
                if (c != a) {
                    print_message("disagree: %s as %s: CLI %s, API (%s) %s\n", ops[i][k], jy_role_name(r),
                                  c ? "may" : "refuses", jy_perm_name(perms[i]), a ? "may" : "refuses");
                    bad++;
                }
            }
    return bad;
}

static void shipped_file_and_compiled_table_agree(void **state)
{
    (void)state;
    jy_perm_unbind_all();
    jy_workflows *w = NULL;
    jy_err err = {0};
    if (jy_workflows_load(policy_dir(), &w, &err)) fail_msg("%s", err.msg);
    assert_int_equal(disagreements(w), 0);
    /* the separation of duties the block says (MLPS level 3): finance moves the money, the
     * county reviewer decides cases and neither does the other's part */
    assert_true(cli_may(w, "batch_build", JY_ROLE_FINANCE) && api_may(JY_PERM_BATCH_BUILD, JY_ROLE_FINANCE));
    assert_false(cli_may(w, "batch_build", JY_ROLE_COUNTY_REVIEWER));
    assert_false(cli_may(w, "batch_approve", JY_ROLE_COUNTY_REVIEWER));
    assert_false(cli_may(w, "batch_pay", JY_ROLE_COUNTY_REVIEWER));
    assert_false(cli_may(w, "ledger_budget", JY_ROLE_COUNTY_REVIEWER));
    assert_true(cli_may(w, "ledger_approve", JY_ROLE_COUNTY_REVIEWER));
    assert_false(cli_may(w, "ledger_approve", JY_ROLE_FINANCE));
    assert_false(cli_may(w, "payroll_commit", JY_ROLE_FINANCE));
    for (int r = 0; r < JY_ROLE__COUNT; r++)
        if ((1u << r) & JY_ROLES_SEPARATED) assert_false(cli_may(w, "batch_pay", r) || api_may(JY_PERM_BATCH_PAY, r));
    /* binding the shipped file changes nothing */
    if (jy_wf_ops_bind_perms(w, &err)) fail_msg("%s", err.msg);
    assert_int_equal(disagreements(w), 0);
    int perms[16];
    size_t n = jy_wf_money_perms(perms, NULL, 16);
    for (size_t i = 0; i < n; i++) assert_int_equal(jy_perm_roles(perms[i]), jy_perm_roles_compiled(perms[i]));
    jy_perm_unbind_all();
    jy_workflows_free(w);
}

/* a copy of the shipped workflows.txt in a directory of its own, with sed-like line edits */
static char *edited_policy(const char *from, const char *to)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", policy_dir(), JY_WORKFLOWS_FILE);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[1 << 17];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *tmp = getenv("JY_TEST_TMP");
    static char dir[1024];
    snprintf(dir, sizeof dir, "%s/money_roles_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    mkdir(tmp && *tmp ? tmp : "/tmp", 0700);
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/%s", dir, JY_WORKFLOWS_FILE);
    FILE *o = fopen(path, "w");
    assert_non_null(o);
    char *hit = from ? strstr(buf, from) : NULL;
    if (from) assert_non_null(hit);
    if (hit) {
        fwrite(buf, 1, (size_t)(hit - buf), o);
        fputs(to, o);
        fputs(hit + strlen(from), o);
    } else {
        fputs(buf, o);
    }
    fclose(o);
    return dir;
}

static void cleanup(const char *dir)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", dir, JY_WORKFLOWS_FILE);
    unlink(path);
    rmdir(dir);
}

static void an_edited_file_binds_the_api_too(void **state)
{
    (void)state;
    jy_perm_unbind_all();
    const char *dir = edited_policy("  operation payroll_run roles county_reviewer ",
                                    "  operation payroll_run roles county_reviewer,city_reviewer ");
    jy_workflows *w = NULL;
    jy_err err = {0};
    if (jy_workflows_load(dir, &w, &err)) fail_msg("%s", err.msg);
    /* unbound, the compiled table disagrees with the edited file (the CLI lets the city run) */
    assert_true(cli_may(w, "payroll_run", JY_ROLE_CITY_REVIEWER));
    assert_false(api_may(JY_PERM_PAYROLL_RUN, JY_ROLE_CITY_REVIEWER));
    assert_true(disagreements(w) > 0);
    /* bound (as `jiuye serve` does at start-up), the API follows the file */
    if (jy_wf_ops_bind_perms(w, &err)) fail_msg("%s", err.msg);
    assert_true(api_may(JY_PERM_PAYROLL_RUN, JY_ROLE_CITY_REVIEWER));
    assert_int_equal(disagreements(w), 0);
    jy_perm_unbind_all();
    jy_workflows_free(w);
    cleanup(dir);
}

static void two_operations_of_one_permission_must_agree(void **state)
{
    (void)state;
    jy_perm_unbind_all();
    const char *dir = edited_policy("  operation payroll_commit roles county_reviewer ",
                                    "  operation payroll_commit roles county_reviewer,finance ");
    jy_workflows *w = NULL;
    jy_err err = {0};
    if (jy_workflows_load(dir, &w, &err)) fail_msg("%s", err.msg);
    assert_int_equal(jy_wf_ops_bind_perms(w, &err), JY_EINVAL);
    assert_string_equal(err.key, "perm.ops_disagree");
    assert_non_null(strstr(err.msg, "payroll.review"));
    assert_non_null(strstr(err.zh, "须列出相同的角色"));
    /* nothing was bound */
    assert_int_equal(jy_perm_roles(JY_PERM_PAYROLL_REVIEW), jy_perm_roles_compiled(JY_PERM_PAYROLL_REVIEW));
    jy_workflows_free(w);
    cleanup(dir);
}

static void a_missing_operation_is_nobodys(void **state)
{
    (void)state;
    jy_perm_unbind_all();
    const char *dir = edited_policy("  operation batch_pay roles finance ", "  # (batch_pay removed) ");
    jy_workflows *w = NULL;
    jy_err err = {0};
    if (jy_workflows_load(dir, &w, &err)) fail_msg("%s", err.msg);
    assert_null(jy_workflows_op(w, "batch_pay"));
    if (jy_wf_ops_bind_perms(w, &err)) fail_msg("%s", err.msg);
    for (int r = 0; r < JY_ROLE__COUNT; r++) assert_false(api_may(JY_PERM_BATCH_PAY, r));
    assert_int_equal(disagreements(w), 0);
    jy_perm_unbind_all();
    jy_workflows_free(w);
    cleanup(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shipped_file_and_compiled_table_agree),
        cmocka_unit_test(an_edited_file_binds_the_api_too),
        cmocka_unit_test(two_operations_of_one_permission_must_agree),
        cmocka_unit_test(a_missing_operation_is_nobodys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
