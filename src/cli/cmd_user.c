/* jiuye user: accounts, roles, passwords and the second factor (用户、角色与密码; issues 5, 11).
 *
 *   jiuye user add NAME --role ROLE [--area DIVISION] [--org USCC|ID] [--person IDCARD|ID]
 *                       [--display TEXT] [--password-file FILE|-]
 *   jiuye user passwd NAME [--password-file FILE|-]
 *   jiuye user list
 *   jiuye user lock NAME | jiuye user unlock NAME
 *   jiuye user totp NAME enroll|show-uri|disable
 *   jiuye user recovery-codes NAME
 *   jiuye user keygen FILE
 *   jiuye user roles
 *
 * add prints the user with "result": created|updated|unchanged and, when it made one, the
 * generated password ("password": shown this once, never stored in the clear) — a password set
 * by an administrator must be changed at the first login. passwd likewise. list prints one JSON
 * line per account the actor may see, with its login state and never a hash or secret. totp
 * enroll and show-uri print the otpauth:// URI (the secret: hand it to the user once);
 * recovery-codes prints ten single-use codes. keygen writes the key file that seals TOTP
 * secrets (set JIUYE_KEY_FILE to it here and for `jiuye serve`). roles prints the permission
 * table (docs/security.md).
 *
 * Who may: user.manage / user.read (the security administrator; admin only while no security
 * administrator exists; the first actor in bootstrap). The command line trusts --as: whoever
 * can run jiuye on this database is the operator (docs/security.md) — the audit entries record
 * the operating-system user beside it, as "NAME (os:USER)". */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli/cli.h"
#include "service/auth.h"
#include "service/users.h"
#include "service/workflow.h"
#include "store/auth_store.h"
#include "store/store.h"

#define USAGE                                                                                              \
    "jiuye user add NAME --role ROLE [--area DIVISION] [--org USCC|ID] [--person IDCARD|ID] [--display TEXT] " \
    "[--password-file FILE|-] | user passwd NAME [--password-file FILE|-] | user list | user lock|unlock NAME | " \
    "user totp NAME enroll|show-uri|disable | user recovery-codes NAME | user keygen FILE | user roles"
#define USAGE_ZH "jiuye user add 用户名 --role 角色 [--area 辖区] [--org 统一社会信用代码|编号] [--person 身份证号码|编号] [--display 显示名] " \
    "[--password-file 文件|-] | user passwd 用户名 [--password-file 文件|-] | user list | user lock|unlock 用户名 | " \
    "user totp 用户名 enroll|show-uri|disable | user recovery-codes 用户名 | user keygen 文件 | user roles"

static void os_user(char out[64])
{
    struct passwd *pw = getpwuid(geteuid());
    if (pw && pw->pw_name && *pw->pw_name) snprintf(out, 64, "%s", pw->pw_name);
    else snprintf(out, 64, "uid %u", (unsigned)geteuid());
}

/* The first line of path ("-": standard input), without its line end. */
static int read_password_file(const char *path, char *out, size_t cap, jy_err *err)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) return jy_err_set2(err, JY_EIO, "cli.password_file_open", "--password-file %s: cannot open it", "--password-file %s：无法打开", path);
    int rc = 0;
    if (!fgets(out, (int)cap, f)) rc = jy_err_set2(err, JY_EINVAL, "cli.password_file_empty", "--password-file %s: empty", "--password-file %s：文件为空", path);
    else if (!strchr(out, '\n') && !feof(f))
        rc = jy_err_set2(err, JY_EINVAL, "cli.password_file_long", "--password-file %s: the first line is longer than %zu bytes", "--password-file %s：第一行超过%zu字节", path, cap - 2);
    if (f != stdin) fclose(f);
    if (rc == 0) {
        size_t n = strlen(out);
        while (n && (out[n - 1] == '\n' || out[n - 1] == '\r')) out[--n] = '\0';
    }
    return rc;
}

/* The store, the auth service and the asking principal, as every subcommand needs them. */
typedef struct env {
    jy_store *st;
    jy_auth *auth;
    jy_principal by;
    jy_auth_ctx ctx;
    char os[64];
} env;

static int env_open(const jy_cli *cli, env *e, jy_err *err)
{
    memset(e, 0, sizeof *e);
    jy_auth_config cfg;
    jy_auth_config_default(&cfg);
    char common[1024];
    snprintf(common, sizeof common, "%s/common-passwords.txt", cli->policy_dir);
    cfg.common_passwords = common;
    int rc = jy_auth_config_env(&cfg, err);
    if (rc == 0) rc = jy_auth_new(&cfg, &e->auth, err);
    if (rc == 0) rc = jy_cli_store_open(cli, &e->st, err);
    if (rc == 0) rc = jy_principal_for_actor(e->st, cli->actor, &e->by, err);
    os_user(e->os);
    e->ctx.by = &e->by;
    e->ctx.address = "";
    e->ctx.os_user = e->os;
    e->ctx.now = (int64_t)time(NULL);
    return rc;
}

static void env_close(env *e)
{
    jy_store_close(e->st);
    jy_auth_free(e->auth);
}

static int parse_ref(const char *v, const char *opt, int64_t *id, int *is_id)
{
    size_t n = strlen(v);
    *is_id = n > 0 && n < 18 && strspn(v, "0123456789") == n;
    if (*is_id) *id = strtoll(v, NULL, 10);
    (void)opt;
    return 0;
}

static int cmd_add(const jy_cli *cli, int argc, char **argv)
{
    jy_cli_opts o;
    jy_err err = {0};
    static const char *const allowed[] = {"role", "area", "org", "person", "display", "password-file", NULL};
    if (jy_cli_opts_parse(argc - 1, argv + 1, &o, &err) || jy_cli_opts_only(&o, allowed, NULL, &err))
        return jy_cli_fail(&err);
    if (o.npos != 1 || !jy_cli_opt(&o, "role")) return jy_cli_usage2(USAGE, USAGE_ZH);
    jy_user u;
    memset(&u, 0, sizeof u);
    const char *name = o.pos[0], *area = jy_cli_opt(&o, "area"), *display = jy_cli_opt(&o, "display");
    const char *org = jy_cli_opt(&o, "org"), *person = jy_cli_opt(&o, "person");
    const char *pwfile = jy_cli_opt(&o, "password-file");
    if (strlen(name) >= sizeof u.name || !*name) {
        jy_err_set2(&err, JY_EINVAL, "cli.user_name", "user name \"%s\": 1 to %zu bytes", "用户名“%s”：应为1至%zu字节", name, sizeof u.name - 1);
        return jy_cli_fail(&err);
    }
    memcpy(u.name, name, strlen(name) + 1);
    int role = -1;
    if (jy_role_parse(jy_cli_opt(&o, "role"), &role, &err)) return jy_cli_fail(&err);
    snprintf(u.role, sizeof u.role, "%s", jy_role_name(role));
    if (area) {
        if (jy_area_check(area, &err)) return jy_cli_fail(&err);
        snprintf(u.area, sizeof u.area, "%s", area);
    }
    if (display) snprintf(u.display, sizeof u.display, "%s", display);
    char pw[640];
    pw[0] = '\0';
    if (pwfile && read_password_file(pwfile, pw, sizeof pw, &err)) return jy_cli_fail(&err);
    env e;
    jy_sb sb = JY_SB_INIT;
    char generated[32];
    generated[0] = '\0';
    int rc = JY_EXIT_FAIL, result = 0;
    if (env_open(cli, &e, &err)) goto done;
    if (org) {
        int64_t id = 0;
        int is_id = 0;
        parse_ref(org, "--org", &id, &is_id);
        jy_org og;
        if (is_id ? jy_store_org_get(e.st, id, &og, &err) : jy_store_org_get_by_uscc(e.st, org, &og, &err)) goto done;
        u.org_id = og.id;
    }
    if (person) {
        int64_t id = 0;
        int is_id = 0;
        parse_ref(person, "--person", &id, &is_id);
        jy_person pp;
        if (is_id ? jy_store_person_get(e.st, id, &pp, &err) : jy_store_person_get_by_idcard(e.st, person, &pp, &err))
            goto done;
        u.person_id = pp.id;
    }
    if (jy_account_put(e.auth, e.st, &e.ctx, &u, pwfile ? pw : NULL, generated, &result, &err)) goto done;
    jy_user_json(&sb, &u);
    sb.len--; /* reopen the object */
    jy_sb_append(&sb, ",\"result\":");
    jy_sb_json_str(&sb, result == JY_PUT_CREATED ? "created" : result == JY_PUT_UPDATED ? "updated" : "unchanged");
    if (generated[0]) jy_sb_json_kv_str(&sb, "password", generated);
    if (generated[0] || pwfile) jy_sb_json_kv_bool(&sb, "must_change", 1);
    if (e.by.bootstrap) jy_sb_append(&sb, ",\"bootstrap\":true");
    jy_sb_appendc(&sb, '}');
    jy_cli_print(&sb);
    rc = JY_EXIT_OK;
done:
    if (rc != JY_EXIT_OK) rc = jy_cli_fail(&err);
    sodium_memzero(pw, sizeof pw);
    sodium_memzero(generated, sizeof generated);
    if (sb.buf) sodium_memzero(sb.buf, sb.len);
    jy_sb_free(&sb);
    env_close(&e);
    return rc;
}

static int cmd_passwd(const jy_cli *cli, int argc, char **argv)
{
    jy_cli_opts o;
    jy_err err = {0};
    static const char *const allowed[] = {"password-file", NULL};
    if (jy_cli_opts_parse(argc - 1, argv + 1, &o, &err) || jy_cli_opts_only(&o, allowed, NULL, &err))
        return jy_cli_fail(&err);
    if (o.npos != 1) return jy_cli_usage2(USAGE, USAGE_ZH);
    const char *pwfile = jy_cli_opt(&o, "password-file");
    char pw[640], generated[32];
    pw[0] = generated[0] = '\0';
    if (pwfile && read_password_file(pwfile, pw, sizeof pw, &err)) return jy_cli_fail(&err);
    env e;
    jy_sb sb = JY_SB_INIT;
    int rc = JY_EXIT_FAIL;
    if (env_open(cli, &e, &err) ||
        jy_account_set_password(e.auth, e.st, &e.ctx, o.pos[0], pwfile ? pw : NULL, generated, &err))
        goto done;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_str(&sb, "name", o.pos[0]);
    jy_sb_json_kv_str(&sb, "result", "password_set");
    if (generated[0]) jy_sb_json_kv_str(&sb, "password", generated);
    jy_sb_json_kv_bool(&sb, "must_change", 1);
    jy_sb_json_kv_bool(&sb, "sessions_ended", 1);
    jy_sb_appendc(&sb, '}');
    jy_cli_print(&sb);
    rc = JY_EXIT_OK;
done:
    if (rc != JY_EXIT_OK) rc = jy_cli_fail(&err);
    sodium_memzero(pw, sizeof pw);
    sodium_memzero(generated, sizeof generated);
    if (sb.buf) sodium_memzero(sb.buf, sb.len);
    jy_sb_free(&sb);
    env_close(&e);
    return rc;
}

static int print_line(void *ctx, const char *json)
{
    (void)ctx;
    fputs(json, stdout);
    fputc('\n', stdout);
    return 0;
}

/* One account operation that prints {"name":…,"result":…} (lock, unlock, totp disable). */
static int cmd_simple(const jy_cli *cli, const char *name, const char *what)
{
    jy_err err = {0};
    env e;
    int rc = JY_EXIT_FAIL;
    if (env_open(cli, &e, &err)) goto done;
    int r;
    if (strcmp(what, "locked") == 0) r = jy_account_lock(e.auth, e.st, &e.ctx, name, 1, &err);
    else if (strcmp(what, "unlocked") == 0) r = jy_account_lock(e.auth, e.st, &e.ctx, name, 0, &err);
    else r = jy_account_totp_disable(e.auth, e.st, &e.ctx, name, &err);
    if (r) goto done;
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_str(&sb, "name", name);
    jy_sb_json_kv_str(&sb, "result", what);
    jy_sb_appendc(&sb, '}');
    jy_cli_print(&sb);
    jy_sb_free(&sb);
    rc = JY_EXIT_OK;
done:
    if (rc != JY_EXIT_OK) rc = jy_cli_fail(&err);
    env_close(&e);
    return rc;
}

static int cmd_totp(const jy_cli *cli, const char *name, const char *op)
{
    if (strcmp(op, "disable") == 0) return cmd_simple(cli, name, "second_factor_disabled");
    int enroll = strcmp(op, "enroll") == 0;
    if (!enroll && strcmp(op, "show-uri") != 0) return jy_cli_usage2(USAGE, USAGE_ZH);
    jy_err err = {0};
    env e;
    char uri[512];
    uri[0] = '\0';
    int rc = JY_EXIT_FAIL;
    if (env_open(cli, &e, &err)) goto done;
    if (enroll ? jy_account_totp_enroll(e.auth, e.st, &e.ctx, name, uri, &err)
               : jy_account_totp_uri(e.auth, e.st, &e.ctx, name, uri, &err))
        goto done;
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_str(&sb, "name", name);
    jy_sb_json_kv_str(&sb, "result", enroll ? "second_factor_enrolled" : "second_factor_uri");
    jy_sb_json_kv_str(&sb, "uri", uri);
    jy_sb_appendc(&sb, '}');
    jy_cli_print(&sb);
    sodium_memzero(sb.buf, sb.len);
    jy_sb_free(&sb);
    rc = JY_EXIT_OK;
done:
    if (rc != JY_EXIT_OK) rc = jy_cli_fail(&err);
    sodium_memzero(uri, sizeof uri);
    env_close(&e);
    return rc;
}

static int cmd_recovery(const jy_cli *cli, const char *name)
{
    jy_err err = {0};
    env e;
    char codes[JY_RECOVERY_CODES][24];
    int rc = JY_EXIT_FAIL;
    if (env_open(cli, &e, &err) || jy_account_recovery_codes(e.auth, e.st, &e.ctx, name, codes, &err)) goto done;
    jy_sb sb = JY_SB_INIT;
    jy_sb_appendc(&sb, '{');
    jy_sb_json_kv_str(&sb, "name", name);
    jy_sb_json_key(&sb, "recovery_codes");
    jy_sb_appendc(&sb, '[');
    for (int i = 0; i < JY_RECOVERY_CODES; i++) {
        if (i) jy_sb_appendc(&sb, ',');
        jy_sb_json_str(&sb, codes[i]);
    }
    jy_sb_append(&sb, "]}");
    jy_cli_print(&sb);
    sodium_memzero(sb.buf, sb.len);
    jy_sb_free(&sb);
    rc = JY_EXIT_OK;
done:
    if (rc != JY_EXIT_OK) rc = jy_cli_fail(&err);
    sodium_memzero(codes, sizeof codes);
    env_close(&e);
    return rc;
}

static int cmd_list(const jy_cli *cli)
{
    jy_err err = {0};
    env e;
    int rc = JY_EXIT_OK;
    if (env_open(cli, &e, &err) || jy_account_list(e.auth, e.st, &e.ctx, print_line, NULL, &err))
        rc = jy_cli_fail(&err);
    env_close(&e);
    return rc;
}

static int cmd_roles(const jy_cli *cli)
{
    /* the money permissions as the operations block of policy/workflows.txt says (as `serve`) */
    jy_workflows *wf = NULL;
    jy_err err = {0};
    if (jy_workflows_load(cli->policy_dir, &wf, &err) == 0) {
        int brc = jy_wf_ops_bind_perms(wf, &err);
        jy_workflows_free(wf);
        if (brc) return jy_cli_fail(&err);
    }
    jy_sb sb = JY_SB_INIT;
    for (int r = 0; r < JY_ROLE__COUNT; r++) {
        jy_sb_reset(&sb);
        jy_sb_appendc(&sb, '{');
        jy_sb_json_kv_str(&sb, "role", jy_role_name(r));
        jy_sb_json_kv_str(&sb, "label", jy_role_label(r));
        jy_sb_json_kv_bool(&sb, "second_factor", ((1u << r) & JY_ROLES_SECOND_FACTOR) != 0);
        jy_sb_json_kv_bool(&sb, "separated", ((1u << r) & JY_ROLES_SEPARATED) != 0);
        jy_sb_json_kv_bool(&sb, "owner_bound", ((1u << r) & JY_ROLES_OWNER_BOUND) != 0);
        jy_sb_json_key(&sb, "permissions");
        jy_sb_appendc(&sb, '[');
        int first = 1;
        for (int p = 0; p < JY_PERM__COUNT; p++) {
            int fb = jy_perm_fallback_role(p);
            int holds = (jy_perm_roles(p) & (1u << r)) != 0;
            if (!holds && !(r == JY_ROLE_ADMIN && fb >= 0)) continue;
            if (!first) jy_sb_appendc(&sb, ',');
            first = 0;
            if (holds) {
                jy_sb_json_str(&sb, jy_perm_name(p));
            } else {
                char s[96];
                snprintf(s, sizeof s, "%s (until a %s account exists)", jy_perm_name(p), jy_role_name(fb));
                jy_sb_json_str(&sb, s);
            }
        }
        jy_sb_append(&sb, "]}");
        jy_cli_print(&sb);
    }
    jy_sb_free(&sb);
    return JY_EXIT_OK;
}

int jy_cmd_user(const jy_cli *cli, int argc, char **argv)
{
    if (argc < 2) return jy_cli_usage2(USAGE, USAGE_ZH);
    const char *sub = argv[1];
    if (strcmp(sub, "add") == 0) return cmd_add(cli, argc - 1, argv + 1);
    if (strcmp(sub, "passwd") == 0) return cmd_passwd(cli, argc - 1, argv + 1);
    if (strcmp(sub, "list") == 0 && argc == 2) return cmd_list(cli);
    if (strcmp(sub, "roles") == 0 && argc == 2) return cmd_roles(cli);
    if ((strcmp(sub, "lock") == 0 || strcmp(sub, "unlock") == 0) && argc == 3)
        return cmd_simple(cli, argv[2], sub[0] == 'l' ? "locked" : "unlocked");
    if (strcmp(sub, "totp") == 0 && argc == 4) return cmd_totp(cli, argv[2], argv[3]);
    if (strcmp(sub, "recovery-codes") == 0 && argc == 3) return cmd_recovery(cli, argv[2]);
    if (strcmp(sub, "keygen") == 0 && argc == 3) {
        jy_err err = {0};
        if (jy_auth_keygen(argv[2], &err)) return jy_cli_fail(&err);
        jy_sb sb = JY_SB_INIT;
        jy_sb_appendc(&sb, '{');
        jy_sb_json_kv_str(&sb, "key_file", argv[2]);
        jy_sb_json_kv_str(&sb, "result", "created");
        jy_sb_appendc(&sb, '}');
        jy_cli_print(&sb);
        jy_sb_free(&sb);
        return JY_EXIT_OK;
    }
    return jy_cli_usage2(USAGE, USAGE_ZH);
}
