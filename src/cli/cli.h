/* The command-line interface: one function per top-level command, each in its own cmd_*.c.
 *
 * Contract for every command: print JSON (or the documented text) on stdout, messages for a
 * person on stderr, and return the process exit code: 0 success / valid, 1 failure / invalid,
 * 2 usage error. Commands parse their own arguments (argv[0] is the command name). */
#ifndef JY_CLI_H
#define JY_CLI_H

#include <stdint.h>

#include "base/err.h"
#include "base/sb.h"
#include "domain/calendar.h"
#include "store/store.h"

enum { JY_EXIT_OK = 0, JY_EXIT_FAIL = 1, JY_EXIT_USAGE = 2 };

typedef struct jy_cli {
    const char *db_url;     /* --db URL, else $JIUYE_DB, else "jiuye.db" */
    const char *policy_dir; /* --policy DIR, else $JIUYE_POLICY, else the source tree's policy/ */
    const char *actor;      /* --as NAME, else $JIUYE_ACTOR, else $USER, else "cli" */
} jy_cli;

typedef int (*jy_cli_fn)(const jy_cli *cli, int argc, char **argv);

int jy_cmd_check(const jy_cli *cli, int argc, char **argv);
int jy_cmd_calendar(const jy_cli *cli, int argc, char **argv);
int jy_cmd_init(const jy_cli *cli, int argc, char **argv);
int jy_cmd_person(const jy_cli *cli, int argc, char **argv);
int jy_cmd_org(const jy_cli *cli, int argc, char **argv);
int jy_cmd_audit(const jy_cli *cli, int argc, char **argv);
int jy_cmd_serve(const jy_cli *cli, int argc, char **argv);
int jy_cmd_demo(const jy_cli *cli, int argc, char **argv);
int jy_cmd_policy(const jy_cli *cli, int argc, char **argv);
int jy_cmd_backup(const jy_cli *cli, int argc, char **argv);  /* cmd_backup.c (issue 3) */
int jy_cmd_restore(const jy_cli *cli, int argc, char **argv); /* cmd_backup.c (issue 3) */
int jy_cmd_case(const jy_cli *cli, int argc, char **argv);    /* cmd_case.c (issue 5) */
int jy_cmd_user(const jy_cli *cli, int argc, char **argv);    /* cmd_user.c (issues 5, 11) */
int jy_cmd_ledger(const jy_cli *cli, int argc, char **argv);  /* cmd_ledger.c (issue 5) */
int jy_cmd_batch(const jy_cli *cli, int argc, char **argv);   /* cmd_batch.c (issue 5) */
int jy_cmd_placement(const jy_cli *cli, int argc, char **argv);  /* cmd_placement.c (issue 5) */
int jy_cmd_attendance(const jy_cli *cli, int argc, char **argv); /* cmd_placement.c (issue 5) */
int jy_cmd_payroll(const jy_cli *cli, int argc, char **argv);    /* cmd_payroll.c (issue 5) */
int jy_cmd_report(const jy_cli *cli, int argc, char **argv);  /* cmd_report.c (issue 5) */
int jy_cmd_access_log(const jy_cli *cli, int argc, char **argv); /* cmd_access_log.c (issue 11) */
int jy_cmd_settings(const jy_cli *cli, int argc, char **argv);   /* cmd_settings.c (issue 13) */
int jy_cmd_messages(const jy_cli *cli, int argc, char **argv);   /* cmd_messages.c (issue 13) */

/* `jiuye person import …` and `jiuye org import …` (cmd_import.c); what is "person" or "org". */
int jy_cli_import(const jy_cli *cli, const char *what, int argc, char **argv);

/* Opens cli->db_url (jy_store_open) and, when cli->actor is a registered user with an area
 * (users.h: "640522" a county, "6405" a city, "64" the region), scopes the handle to that area
 * (jy_store_set_scope; docs/scale.md): the command then sees and changes only the area's
 * records. Users with an empty area (an administrator), unregistered actors and the bootstrap
 * state (no user yet) stay unscoped. Every command that opens a store uses this. */
int jy_cli_store_open(const jy_cli *cli, jy_store **st, jy_err *err);
/* Warns on stderr, once per process, when the holiday calendar that should be known today is
 * missing (jy_calendar_missing_year: today's year, or from 1 November next year's): every command
 * that computes working days calls it after loading the calendar (cmd_calendar.c). */
void jy_cli_calendar_warn(const jy_calendar *cal);
/* Prints sb's text and a newline on stdout, personal data masked (domain/mask.h jy_mask_json;
 * cli_privacy.h has the unmasked view). */
void jy_cli_print(const jy_sb *sb);
/* Prints "jiuye: <msg>" on stderr in the chosen language (jy_err_text: Chinese unless --lang en),
 * identifiers masked (jy_mask_text), and returns the exit code for err (usage → 2, else 1). */
int jy_cli_fail(const jy_err *err);
/* Prints a usage line on stderr ("usage: …", in Chinese "用法：…") and returns JY_EXIT_USAGE. */
int jy_cli_usage(const char *usage);
/* The same with a Chinese text of the line (its placeholders in Chinese): zh is printed unless
 * the language is English (--lang en, JIUYE_LANG=en). */
int jy_cli_usage2(const char *en, const char *zh);
/* "usage: " or "用法：", by the language: for the commands that print a usage line themselves. */
const char *jy_cli_usage_word(void);
/* en or, unless the language is English, zh: a usage line's text in the chosen language. */
const char *jy_cli_usage_text(const char *en, const char *zh);
/* Prints a message for a person on stderr: prefix ("jiuye: ") and the text of a catalogued
 * message (jy_err_set2's key, English and Chinese formats and arguments) in the chosen language,
 * identifiers masked as jy_cli_fail masks them. */
#define jy_cli_say2(prefix, key, en, zh, ...)                                                      \
    __extension__({                                                                               \
        jy_err say_e_;                                                                            \
        jy_err_set2(&say_e_, JY_EINVAL, key, en, zh, ##__VA_ARGS__);                              \
        jy_cli_say_err((prefix), &say_e_);                                                        \
    })
void jy_cli_say_err(const char *prefix, const jy_err *e);

/* Command options: "--name value" pairs and positional arguments, in the order given.
 * Every option takes a value. Pointers point into argv. */
#define JY_CLI_MAX_OPTS 32
#define JY_CLI_MAX_POS 256
typedef struct jy_cli_opts {
    const char *name[JY_CLI_MAX_OPTS];
    const char *val[JY_CLI_MAX_OPTS];
    int n;
    const char *pos[JY_CLI_MAX_POS];
    int npos;
} jy_cli_opts;

/* The county (6-digit division code) a command acts on, into *out: given (the --county value,
 * NULL when absent), else $JIUYE_COUNTY, else the --as user's county when st is scoped to one
 * county (a county reviewer works in their own county without saying so), else
 * JY_LEDGER_DEFAULT_COUNTY (Haiyuan, the single-county default). A city or region user (scope of
 * 2 or 4 digits) gets the default too and is refused by the store when it lies outside their
 * area; they name --county. st may be NULL (not opened yet). Returns JY_EUSAGE naming the value
 * when it is not 6 digits. */
int jy_cli_county(const char *given, const jy_store *st, const char **out, jy_err *err);

/* Splits argv[0..argc) into options and positionals; JY_EUSAGE naming the problem. */
int jy_cli_opts_parse(int argc, char **argv, jy_cli_opts *o, jy_err *err);
/* The value of option name (the last one given wins), or NULL. */
const char *jy_cli_opt(const jy_cli_opts *o, const char *name);
/* Refuses (JY_EUSAGE) an option named in neither NULL-terminated list; also may be NULL. */
int jy_cli_opts_only(const jy_cli_opts *o, const char *const *allowed, const char *const *also, jy_err *err);
/* Parses a whole number in [lo, hi]; JY_EUSAGE naming what and the range otherwise. */
int jy_cli_parse_int(const char *s, const char *what, int64_t lo, int64_t hi, int64_t *out, jy_err *err);

#endif
