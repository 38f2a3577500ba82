/* cli_privacy.c — --unmask/--reason, the origin of a command, unmasked printing (cli_privacy.h). */
#include "cli/cli_privacy.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void jy_cli_origin(char *buf, size_t n)
{
    struct passwd *pw = getpwuid(geteuid());
    char host[256] = "";
    if (gethostname(host, sizeof host) != 0) host[0] = '\0';
    host[sizeof host - 1] = '\0';
    char user[64];
    if (pw && pw->pw_name) snprintf(user, sizeof user, "%s", pw->pw_name);
    else snprintf(user, sizeof user, "uid%ld", (long)geteuid());
    /* SSH_CONNECTION = "client_addr client_port server_addr server_port" */
    const char *ssh = getenv("SSH_CONNECTION");
    char client[64] = "";
    if (ssh && *ssh) {
        size_t k = strcspn(ssh, " ");
        if (k >= sizeof client) k = sizeof client - 1;
        memcpy(client, ssh, k);
        client[k] = '\0';
    }
    if (client[0]) snprintf(buf, n, "cli:%s@%s ssh:%s", user, host[0] ? host : "localhost", client);
    else snprintf(buf, n, "cli:%s@%s", user, host[0] ? host : "localhost");
}

int jy_cli_privacy_take(int *argc, char **argv, jy_cli_privacy *p, jy_err *err)
{
    memset(p, 0, sizeof p[0]);
    int out = 1, twice = 0;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--unmask") == 0) {
            twice |= p->unmask;
            p->unmask = 1;
            continue;
        }
        if (strcmp(a, "--reason") == 0) {
            if (i + 1 >= *argc) return jy_err_set2(err, JY_EUSAGE, "cli.unmask_reason_value", "--reason needs a value: why the full values are needed", "--reason 需要一个值：为什么需要查看完整信息");
            twice |= p->reason != NULL;
            p->reason = argv[++i];
            continue;
        }
        argv[out++] = argv[i];
        if (strncmp(a, "--", 2) == 0 && i + 1 < *argc) argv[out++] = argv[++i]; /* its value */
    }
    if (out < *argc) argv[out] = NULL; /* as argv ends */
    *argc = out;
    if (twice) return jy_err_set2(err, JY_EUSAGE, "cli.unmask_once", "--unmask and --reason are given once", "--unmask 和 --reason 只能各给一次");
    jy_cli_origin(p->origin, sizeof p->origin);
    return 0;
}

jy_access_req jy_cli_access_req(const jy_cli *cli, const jy_cli_privacy *p)
{
    jy_access_req rq = {cli->actor, p->origin, p->unmask, p->reason};
    return rq;
}

int jy_cli_privacy_none(const jy_cli_privacy *p, const char *what, jy_err *err)
{
    if (p->unmask || p->reason)
        return jy_err_set2(err, JY_EUSAGE, "cli.unmask_not_here",
                           "--unmask does not apply to %s (it applies to person show|list, org show|list, batch "
                           "show|export, report roster and audit list)",
                           "--unmask 不适用于 %s（仅适用于 person show|list、org show|list、batch show|export、report "
                           "roster 和 audit list）",
                           what);
    return 0;
}

void jy_cli_print_unmasked(const jy_sb *sb)
{
    fputs(jy_sb_cstr(sb), stdout);
    fputc('\n', stdout);
}

void jy_cli_print_as(const jy_sb *sb, int unmasked)
{
    if (unmasked) jy_cli_print_unmasked(sb);
    else jy_cli_print(sb);
}

int jy_cli_unmask_record(jy_store *st, const jy_access_req *rq, int perm, const char *entity, const char *county,
                         int64_t id, jy_err *err)
{
    if (!rq || !rq->unmask) return 0;
    char target[32];
    snprintf(target, sizeof target, "%lld", (long long)id);
    return jy_privacy_grant(st, rq, perm, "view", entity, county, target, err);
}
