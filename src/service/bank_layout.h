/* bank_layout.h — bank-file layouts (代发文件格式) as data: policy/bank-layouts/NAME.layout, read
 * when a batch is exported, so a county adds its bank's layout without a rebuild (issue 13).
 *
 * A layout file, one directive a line ('#' starts a comment; text in double quotes):
 *
 *   title "通用代发"                      what the layout is for (shown in errors and export output)
 *   encoding gb18030 | utf-8-bom          optional: the bank's encoding, else the setting bank_encoding
 *   header yes | no                       the header row (default yes)
 *   total yes | no                        a 合计 row after the transfers (default no)
 *   memo_max N                            the memo (摘要) the bank takes, in characters (default 60):
 *                                         longer name lists end with "等N人"
 *   payees person | org | any             whose transfers the layout may carry (default any): a
 *                                         social-security-card file pays persons only
 *   column "HEADER" FIELD                 one column, in order; FIELD is one of
 *       seq          the transfer's number (1, 2, …)
 *       payee_kind   个人（社保卡） / 单位（基本账户）
 *       payee_name   payee_id  account  bank_name
 *       amount       yuan with two decimals ("3000.00");  amount_fen: integer fen
 *       program      the programme number (P1);  program_title: its title from policy/
 *       memo         the programme and the people or class the transfer pays
 *       lines        how many payables the transfer pays;  payables: their ids ("4;5;6")
 *       ref          the transfer's reference "jy-<batch>-<transfer>"
 *       const "TEXT" a fixed text (币种 "CNY", 证件类型 "身份证")
 *
 * Unknown directives or fields, a layout without columns, bad numbers: JY_EINVAL "FILE:LINE: …". */
#ifndef JY_SERVICE_BANK_LAYOUT_H
#define JY_SERVICE_BANK_LAYOUT_H

#include <stddef.h>

#include "base/err.h"
#include "base/sb.h"

enum jy_bank_field {
    JY_BF_SEQ = 0, JY_BF_PAYEE_KIND, JY_BF_PAYEE_NAME, JY_BF_PAYEE_ID, JY_BF_ACCOUNT, JY_BF_BANK_NAME, JY_BF_AMOUNT,
    JY_BF_AMOUNT_FEN, JY_BF_PROGRAM, JY_BF_PROGRAM_TITLE, JY_BF_MEMO, JY_BF_LINES, JY_BF_PAYABLES, JY_BF_REF,
    JY_BF_CONST, JY_BF__COUNT
};

#define JY_BANK_MAX_COLS 32
typedef struct jy_bank_column {
    char header[96];
    int field;          /* enum jy_bank_field */
    char text[96];      /* JY_BF_CONST */
} jy_bank_column;

typedef struct jy_bank_layout {
    char name[48];      /* the file's name without .layout */
    char title[128];
    char encoding[16];  /* "" (the setting decides), "gb18030", "utf-8-bom" */
    int header, total;
    int memo_max;
    int payees;         /* 0 any, 1 persons only, 2 organisations only (enum jy_payee_kind) */
    int ncols;
    jy_bank_column cols[JY_BANK_MAX_COLS];
} jy_bank_layout;

/* Reads policy_dir/bank-layouts/NAME.layout. name must be a word of [a-z0-9_-]; JY_ENOTFOUND
 * naming the file and the layouts there when it does not exist. */
int jy_bank_layout_load(const char *policy_dir, const char *name, jy_bank_layout *out, jy_err *err);
/* Parses a layout from text (path names it in errors). */
int jy_bank_layout_parse(const char *path, const char *text, size_t n, jy_bank_layout *out, jy_err *err);

/* Converts UTF-8 text to the encoding ("gb18030" or "utf-8-bom": a BOM first), appending to out. */
int jy_bank_encode(const char *encoding, const char *utf8, size_t n, jy_sb *out, jy_err *err);

#endif
