/* Files jiuye creates (issue 10 item 15): backups, report exports, bank files, import error
 * reports, audit checkpoints and keys hold ID numbers and bank accounts, so they are created
 * readable by their owner only (0600), whatever the umask. The CLI also sets umask 077 at
 * start (main.c); these helpers make the mode explicit where a file is created, so library
 * callers (the HTTP server, tests) get the same. */
#ifndef JY_FILE_H
#define JY_FILE_H

#include <stdio.h>

/* fopen for writing with mode 0600: mode is "w"/"wb" (create or truncate) or "a"/"ab" (create
 * or append). An existing regular file with group or other permissions is narrowed to 0600
 * first. NULL with errno set on failure, as fopen. */
FILE *jy_fopen_private(const char *path, const char *mode);

/* For files another library opens by name (libxlsxwriter's workbook, SQLite's database, the
 * file pg_dump writes): creates path empty with mode 0600 when it does not exist, else narrows
 * an existing regular file to 0600; never truncates. 0, or -1 with errno set. */
int jy_file_make_private(const char *path);

/* Creates path empty with mode 0600 when it does not exist; an existing file (a database the
 * administrator gave its own mode) is left as it is. 0, or -1 with errno set. */
int jy_file_create_if_missing(const char *path);

#endif
