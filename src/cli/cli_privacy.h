/* cli_privacy.h — the command-line side of personal-data masking (issue 11 item 6; the rules are
 * src/service/privacy.h, docs/privacy.md).
 *
 * Every command prints through jy_cli_print, which masks ID numbers, card and account numbers,
 * telephone numbers and the disability status in what it prints (domain/mask.h jy_mask_json);
 * jy_cli_fail masks its message the same way. The commands that can show the values whole take
 *   --unmask --reason "why"
 * (person show|list, org show|list, batch show|export, report roster, audit list): they ask
 * jy_privacy_grant, which checks the role and writes the access log, and only then print with
 * jy_cli_print_unmasked. */
#ifndef JY_CLI_PRIVACY_H
#define JY_CLI_PRIVACY_H

#include "base/err.h"
#include "base/sb.h"
#include "cli/cli.h"
#include "service/privacy.h"

typedef struct jy_cli_privacy {
    int unmask;          /* --unmask given */
    const char *reason;  /* --reason TEXT, or NULL */
    char origin[160];    /* "cli:<os user>@<host>", and " ssh:<client address>" over SSH */
} jy_cli_privacy;

/* Takes --unmask (a flag, the only option without a value) and --reason TEXT out of
 * argv[1..*argc), moving the other arguments down (argv[0], the command, stays; the value of
 * any other --option is skipped over, so "--address --unmask" stays an address), and fills p
 * (origin included). JY_EUSAGE when --reason has no value or either is given twice. */
int jy_cli_privacy_take(int *argc, char **argv, jy_cli_privacy *p, jy_err *err);

/* The request for the service functions: the actor is cli->actor. */
jy_access_req jy_cli_access_req(const jy_cli *cli, const jy_cli_privacy *p);

/* JY_EUSAGE "--unmask does not apply to <what>" when --unmask or --reason was given. */
int jy_cli_privacy_none(const jy_cli_privacy *p, const char *what, jy_err *err);

/* From where this command runs: "cli:<os user>@<host>" (the operating-system account, not --as),
 * with " ssh:<address>" when SSH_CONNECTION names the client. */
void jy_cli_origin(char *buf, size_t n);

/* Prints sb's text and a newline on stdout as it is: only after jy_privacy_grant returned 0. */
void jy_cli_print_unmasked(const jy_sb *sb);

/* jy_cli_print_unmasked when unmasked (its grant given), jy_cli_print otherwise. */
void jy_cli_print_as(const jy_sb *sb, int unmasked);

/* The grant a show of one record asks for: nothing when rq is NULL or does not unmask; else
 * jy_privacy_grant(perm, "view", entity, county, "<id>") — the role checked and the access log
 * written before anything is shown. */
int jy_cli_unmask_record(jy_store *st, const jy_access_req *rq, int perm, const char *entity, const char *county,
                         int64_t id, jy_err *err);

#endif
