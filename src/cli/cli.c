/* Helpers shared by the commands (output, opening the store in the actor's area); see cli.h. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

void jy_cli_print(const jy_sb *sb)
{
    fputs(jy_sb_cstr(sb), stdout);
    fputc('\n', stdout);
}

int jy_cli_fail(const jy_err *err)
{
    fprintf(stderr, "jiuye: %s\n", err && err->msg[0] ? err->msg : "failed");
    return err && err->code == JY_EUSAGE ? JY_EXIT_USAGE : JY_EXIT_FAIL;
}

int jy_cli_usage(const char *usage)
{
    fprintf(stderr, "usage: %s\n", usage);
    return JY_EXIT_USAGE;
}

int jy_cli_store_open(const jy_cli *cli, jy_store **st, jy_err *err)
{
    *st = NULL;
    int rc = jy_store_open(cli->db_url, st, err);
    if (rc) return rc;
    int64_t users = 0;
    jy_user u;
    jy_err e;
    /* bootstrap (no user yet), or an actor that is not registered: unscoped here; the commands
     * that need a registered actor refuse it themselves (jy_actor_resolve). */
    if (jy_store_user_count(*st, &users, &e) || users == 0) return 0;
    rc = jy_store_user_get(*st, cli->actor, &u, &e);
    if (rc == JY_ENOTFOUND) return 0;
    if (rc == 0 && u.area[0]) {
        /* a township user's area (9 or 12 digits) is scoped to its county: records carry the
         * county, not the township */
        char scope[7];
        size_t n = strlen(u.area);
        if (n > 6) n = 6;
        memcpy(scope, u.area, n);
        scope[n] = '\0';
        rc = jy_store_set_scope(*st, scope, &e);
    }
    if (rc) {
        jy_err_set(err, rc, "user \"%s\": cannot apply its area \"%s\" as the scope: %s", cli->actor, u.area, e.msg);
        jy_store_close(*st);
        *st = NULL;
        return rc;
    }
    return 0;
}
