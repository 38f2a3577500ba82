/* jiuye user: users and their roles (用户与角色), who may take which workflow step.
 *
 *   jiuye user add NAME --role ROLE [--area DIVISION] [--org USCC] [--display TEXT]
 *   jiuye user list
 *
 * add prints the user with "result": created|updated|unchanged; list prints JSON lines. Only an
 * admin may add users — except while none exists (bootstrap: the first actor is treated as admin,
 * so a fresh database can register its first administrator). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "service/users.h"
#include "store/store.h"

#define USAGE "jiuye user add NAME --role ROLE [--area DIVISION] [--org USCC] [--display TEXT] | jiuye user list"

static int cmd_add(const jy_cli *cli, int argc, char **argv)
{
    if (argc < 2 || argv[1][0] == '-') return jy_cli_usage(USAGE);
    jy_user u;
    memset(&u, 0, sizeof u);
    const char *org = NULL;
    int role = -1;
    jy_err err = {0};
    if (strlen(argv[1]) >= sizeof u.name) {
        jy_err_set(&err, JY_EINVAL, "user name \"%s\" is longer than %zu bytes", argv[1], sizeof u.name - 1);
        return jy_cli_fail(&err);
    }
    memcpy(u.name, argv[1], strlen(argv[1]) + 1);
    for (int i = 2; i < argc; i += 2) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) return jy_cli_usage(USAGE);
        if (strcmp(a, "--role") == 0) {
            if (jy_role_parse(v, &role, &err)) return jy_cli_fail(&err);
        } else if (strcmp(a, "--area") == 0) {
            size_t n = strlen(v);
            if (n >= sizeof u.area || strspn(v, "0123456789") != n || (n != 0 && n != 2 && n != 4 && n != 6 && n != 9 && n != 12)) {
                jy_err_set(&err, JY_EINVAL, "--area %s: expected a division code prefix (2, 4, 6, 9 or 12 digits)", v);
                return jy_cli_fail(&err);
            }
            memcpy(u.area, v, n + 1);
        } else if (strcmp(a, "--org") == 0) {
            org = v;
        } else if (strcmp(a, "--display") == 0) {
            snprintf(u.display, sizeof u.display, "%s", v);
        } else {
            return jy_cli_usage(USAGE);
        }
    }
    if (role < 0) return jy_cli_usage(USAGE);
    snprintf(u.role, sizeof u.role, "%s", jy_role_name(role));
    jy_store *st = NULL;
    jy_sb sb = JY_SB_INIT;
    int rc = JY_EXIT_FAIL, result = 0;
    jy_actor who;
    if (jy_cli_store_open(cli, &st, &err)) goto done;
    if (jy_actor_resolve(st, cli->actor, &who, &err)) goto done;
    if (jy_actor_may(&who, 1u << JY_ROLE_ADMIN, NULL, "添加用户", &err)) goto done;
    if (org) {
        jy_org o;
        if (jy_store_org_get_by_uscc(st, org, &o, &err)) goto done;
        u.org_id = o.id;
    }
    if (jy_store_user_put(st, &u, who.user.name, &result, &err)) goto done;
    jy_user_json(&sb, &u);
    sb.len--; /* reopen the object */
    jy_sb_append(&sb, ",\"result\":");
    jy_sb_json_str(&sb, result == JY_PUT_CREATED ? "created" : result == JY_PUT_UPDATED ? "updated" : "unchanged");
    if (who.bootstrap) jy_sb_append(&sb, ",\"bootstrap\":true");
    jy_sb_appendc(&sb, '}');
    jy_cli_print(&sb);
    rc = JY_EXIT_OK;
done:
    if (rc != JY_EXIT_OK) rc = jy_cli_fail(&err);
    jy_sb_free(&sb);
    jy_store_close(st);
    return rc;
}

static int print_user(void *ctx, const jy_user *u)
{
    jy_sb *sb = ctx;
    jy_sb_reset(sb);
    jy_user_json(sb, u);
    jy_cli_print(sb);
    return 0;
}

int jy_cmd_user(const jy_cli *cli, int argc, char **argv)
{
    if (argc < 2) return jy_cli_usage(USAGE);
    if (strcmp(argv[1], "add") == 0) return cmd_add(cli, argc - 1, argv + 1);
    if (strcmp(argv[1], "list") == 0) {
        jy_err err = {0};
        jy_store *st = NULL;
        jy_sb sb = JY_SB_INIT;
        int rc = JY_EXIT_OK;
        if (jy_cli_store_open(cli, &st, &err) || jy_store_user_list(st, print_user, &sb, &err))
            rc = jy_cli_fail(&err);
        jy_sb_free(&sb);
        jy_store_close(st);
        return rc;
    }
    return jy_cli_usage(USAGE);
}
