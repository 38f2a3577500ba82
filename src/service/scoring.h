/* scoring.h — the award programmes' scoring forms (评分表, policy/scoring-forms.tsv) as the case
 * service checks them (issue 12): a form's items and bonus items with their maximum points, its
 * veto items (否决项). Filing a case whose facts carry score_items or veto_items checks each name
 * against the programme's form: an unknown item is refused naming it, points over the item's
 * maximum are refused, a veto item scored as an item is refused (it belongs in veto_items, which
 * makes the case's veto fact true). A programme without a form in the file is not checked. */
#ifndef JY_SCORING_H
#define JY_SCORING_H

#include <jansson.h>

#include "base/err.h"

enum jy_scoring_kind { JY_SCORE_ITEM = 0, JY_SCORE_VETO = 1, JY_SCORE_BONUS = 2 };

typedef struct jy_scoring_row {
    char program[8];
    char form[16];
    int kind;      /* enum jy_scoring_kind */
    char item[256];
    int max;       /* points; -1: the seed's form gives none ("-") */
    char clause[64];
} jy_scoring_row;

typedef struct jy_scoring {
    jy_scoring_row *rows;
    size_t n;
} jy_scoring;

/* Loads <policy_dir>/scoring-forms.tsv (program, form, kind, item, max, clause; # comments). A
 * missing file is no forms; a malformed line is JY_EIO naming the line (the rules are the
 * operator's to fix: the API answers 500, not a client error). */
int jy_scoring_load(const char *policy_dir, jy_scoring **out, jy_err *err);
void jy_scoring_free(jy_scoring *s);

/* 1 when program has a form in s. */
int jy_scoring_has_form(const jy_scoring *s, const char *program);

/* The row a score_items name refers to: the item or bonus item of that exact name, or "N" /
 * "第N项" for the form's N-th item (kind item, in file order); NULL when none. A veto item's name
 * is found too (the caller refuses it as a scored item). */
const jy_scoring_row *jy_scoring_find(const jy_scoring *s, const char *program, const char *name);

/* Checks facts.score_items and facts.veto_items of a case of program against its form (nothing
 * when the programme has none or the facts carry neither). JY_EINVAL naming the item. */
int jy_scoring_check(const jy_scoring *s, const char *program, json_t *facts, jy_err *err);

#endif
