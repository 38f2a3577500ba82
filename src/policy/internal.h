/* Internals shared by the policy engine's files (lexer.c, parser.c, compile.c, eval.c, case.c).
 * Not for use outside src/policy. All memory hangs off the rule set's arena (jp_set.arena),
 * except the growable arrays below, which the compiler reallocs and jy_policy_free releases. */
#ifndef JY_POLICY_INTERNAL_H
#define JY_POLICY_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/sb.h"
#include "policy/policy.h"

/* ---- values and types ---- */
enum jp_type { T_NONE = 0, T_NUM, T_INT, T_MONEY, T_RATIO, T_BOOL, T_DATE, T_ENUM, T_SET, T_CODE };
const char *jp_type_name(int t);

/* Limits that keep hostile rule files and facts from crashing the engine (issue 10):
 * JP_STACK values on the evaluator's stack at once (the parser refuses code that needs more),
 * JP_MAX_NEST nested expressions/blocks (the parser recurses), and the dates the evaluator
 * computes with (0001-01-01 .. 9999-12-31 as jy_date; a date outside is an overflow). */
#define JP_STACK 64
#define JP_MAX_NEST 64
#define JP_DATE_LO (-719162)
#define JP_DATE_HI 2932896

/* ---- lexer ---- */
enum jp_tok {
    K_EOF = 0, K_NL, K_IDENT, K_NUM, K_MONEY, K_PERCENT, K_DATE, K_STRING,
    K_LP, K_RP, K_LB, K_RB, K_COMMA, K_ARROW, K_ASSIGN, K_EQ, K_NE, K_LT, K_LE, K_GT, K_GE,
    K_PLUS, K_MINUS, K_STAR, K_SLASH, K_DOTDOT,
    K_CMPWORD, /* a legal comparison word: op and whether it stands after its number */
    K_AND, K_OR, K_NOT, K_HAN, K_BUHAN, K_SOFT, K_ZHI, K_ERROR
};
enum jp_cmp { C_LT = 1, C_LE, C_GT, C_GE, C_EQ, C_NE };

typedef struct jp_tok_t {
    int kind;
    const char *s; /* points into the source */
    int len;
    int line, col;
    int64_t num;   /* K_NUM/K_PERCENT: value × 10000; K_MONEY: fen; K_DATE: jy_date */
    int cmp;       /* K_CMPWORD: enum jp_cmp */
    int postfix;   /* K_CMPWORD: the word follows its number (以上, 以下 …) */
} jp_tok_t;

typedef struct jp_lexer {
    const char *src, *end, *p;
    int line, col;
    const char *file;
    jy_err err; /* the last K_ERROR's message, in English and Chinese with its key */
} jp_lexer;

void jp_lex_init(jp_lexer *lx, const char *file, const char *src, size_t len);
void jp_lex_next(jp_lexer *lx, jp_tok_t *t); /* K_ERROR: message in lx->err */

/* ---- instructions ---- */
enum jp_op {
    OP_HALT = 0, OP_CONST, OP_FACT, OP_PARAM, OP_LOCAL, OP_SETLOCAL, OP_POP,
    OP_ADD, OP_SUB, OP_MUL, OP_MULR, OP_DIV, OP_DIVR, OP_RATIO, OP_NEG, OP_MIN, OP_MAX,
    OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_NOT,
    OP_JMP, OP_JZ, OP_JZK, OP_JNZK,
    OP_HAS, OP_IN, OP_WITHIN, OP_WORKDAYS, OP_DAYS, OP_ADDWD, OP_ADDDAYS, OP_YEAR,
    OP_CHECK, OP_OUT, OP_PAY, OP_CAP, OP_DECIDE, OP_MISSING,
    /* only in specialised images (fast.c): */
    OP_ABSENT,   /* a fact known to be missing: reason k, review when t or the reason is R_MISSING, jump b */
    OP_COL,      /* push column a's value of the current row (batch) */
    OP_COLP,     /* the same when the column has a presence vector; missing → like OP_FACT */
    OP_KNOWNCOL, /* push whether column a is present in the current row */
    OP_EQK, OP_NEK, OP_LTK, OP_LEK, OP_GTK, OP_GEK, /* top OP k */
    OP_ADDK, OP_SUBK, OP_MULK, OP_MULRK, OP_DIVK, OP_DIVRK,
    OP_BINK,     /* top (op t) k for the other binary operators */
    OP_KNOWN,    /* push whether fact a is present */
    /* superinstructions (fast.c fuse): a statement on one fact in one dispatch. Slot 0: t = the
     * check's t, a = fact, b = skip target when the fact is missing, k = the operand; slot 1 is
     * OP_EXT: t = the missing reason's JP_T_UNIQUE | HAS's t, a = the check's reason (OP_FDEC:
     * the table), k = the missing reason; a third slot (the original check) is left unused. */
    OP_FCHK,     /* FACT CHECK            (2 slots) */
    OP_FCHK_EQ, OP_FCHK_NE, OP_FCHK_LT, OP_FCHK_LE, OP_FCHK_GT, OP_FCHK_GE, OP_FCHK_HAS, /* FACT op CHECK (3) */
    OP_FDEC,     /* FACT DECIDE           (2 slots) */
    OP_EXT,      /* operand slot of a superinstruction; never executed */
    OP_OUTJ,     /* OUT then jump b                        (OUT JMP) */
    OP_PAYKJ,    /* pay the constant k (reason a), jump b  (CONST PAY [JMP]) */
    OP_PAYJ,     /* PAY then jump b                        (PAY JMP) */
    OP_JUNKNOWN, /* jump b when fact a is missing          (KNOWN JZ) */
    OP_JNZ,      /* pop; jump b when the value is not 0 (jump threading, fast.c) */
    /* conditional jumps on one fact (fast.c fuse): "[KNOWN f JZ M] FACT f [test k] [NOT] JZ M" in
     * one dispatch. Slot 0: a = fact, b = M (the target when the test is false), k = operand,
     * t = JP_FJ_* flags; slot 1 is OP_EXT: a = slots to skip after slot 0 when the test holds,
     * b = the target when the fact is missing (unguarded), k = its missing reason, t = that
     * reason's JP_T_UNIQUE. */
    OP_FJZ,      /* the fact itself (truthy) */
    OP_FJZ_EQ, OP_FJZ_NE, OP_FJZ_LT, OP_FJZ_LE, OP_FJZ_GT, OP_FJZ_GE, OP_FJZ_HAS,
    /* decide tables whose branches act at once (fast.c acts): the segment's action (pay a
     * constant, an outcome, or only where to go) is applied in the same dispatch. OP_FDECA is
     * OP_FDEC's layout, OP_DECIDEA OP_DECIDE's. */
    OP_FDECA, OP_DECIDEA,
    OP__COUNT
};
enum { CHK_REQUIRE = 0, CHK_EXCLUDE = 1 };
enum { SEV_HARD = 0, SEV_SOFT = 1, SEV_NOTE = 2 };

/* In specialised images, bit 7 of t marks an instruction whose reason no other instruction can
 * add (the code only jumps forward), so the evaluator appends it without looking for a duplicate. */
#define JP_T_UNIQUE 0x80
/* OP_FJZ* flags (slot 0's t): HAS tests an enum index (else a set mask); GUARD: a missing fact
 * jumps to b silently (the pattern began with known(f)); NOT: the test is inverted. */
/* On OP_PAYKJ and OP_OUTJ: the jump goes to the end of the programme (evaluation stops). */
#define JP_T_END 0x40
#define JP_FJ_BIT 0x01
#define JP_FJ_GUARD 0x20
#define JP_FJ_NOT 0x40

typedef struct jp_ins {
    uint8_t op;
    uint8_t t;   /* CHECK: severity; OUT: outcome; CHECK mode in bit 4 */
    uint16_t a;  /* fact / param / local / reason / table index */
    int32_t b;   /* jump target (stmt end for FACT/PARAM/LOCAL) */
    int64_t k;   /* constant, mask, reason for a missing value */
} jp_ins;

/* ---- rule-set tables ---- */
typedef struct jp_fact {
    const char *name, *doc;
    int type;
    int has_range;
    int64_t lo, hi;
    int nsyms;
    const char **syms;
    uint64_t used_by[1]; /* programme bitmap (≤ 64 programmes) */
    int derived;         /* set by the case reader, not by the caller */
} jp_fact;

typedef struct jp_period {
    jy_date from, to; /* inclusive; INT32_MIN / INT32_MAX when open */
    int64_t value;
    int line;
} jp_period;

typedef struct jp_param {
    const char *name;
    int type, clause;
    int nper;
    jp_period *per;
    const char *file;
    int line;
} jp_param;

typedef struct jp_clause {
    const char *id, *text;
    int program;
    int used;
    const char *file;
    int line;
} jp_clause;

enum jp_rkind { R_FAIL = 0, R_REVIEW, R_NOTE, R_PAY, R_CAP, R_MISSING, R_GAP, R_CONFLICT, R_OK };
typedef struct jp_reason {
    int kind;
    int subst; /* the text holds {occupation}: the case's unrecognised name goes there */
    int nclauses;
    int clauses[4];
    const char *text;
} jp_reason;

typedef struct jp_seg {
    int64_t lo, hi; /* inclusive */
    int32_t pc;
} jp_seg;

typedef struct jp_table {
    int nseg;
    jp_seg *seg;
    int32_t outside_pc; /* pc for a subject outside every segment */
    int clause;
} jp_table;

typedef struct jp_target { int year; int64_t count; const char *what; int clause; } jp_target;
typedef struct jp_money_line { const char *what; jy_fen amount; int clause; } jp_money_line;

typedef struct jp_program {
    const char *id, *title;
    int entry;     /* first instruction */
    int ntargets, nbudget, nsources;
    jp_target targets[16];
    jp_money_line budget[8];
    jp_money_line sources[8];
} jp_program;

typedef struct jp_occ {
    const char *name, *kind, *code, *levels, *note;
    const char *key; /* the name normalised (jp_norm_name) */
} jp_occ;

/* One row of policy/synonyms.tsv: what people write for a field (the occupation, or a fact's
 * value) and what it means: the catalogue's occupation name, or the fact's value as facts.rules
 * declares it ("-": no value, as if absent). An occupation row may imply facts (track=gouqi …). */
#define JP_SYN_IMPLIES 4
typedef struct jp_syn {
    int field;         /* fact index, or -1 for the occupation */
    const char *key;   /* what people write, normalised (jp_norm_name) */
    const char *means;
    int occ;           /* occupation rows: the catalogue row of means, or -1 (a track's own name) */
    int nimp;
    int imp_fact[JP_SYN_IMPLIES];
    int64_t imp_val[JP_SYN_IMPLIES];
    int line;
} jp_syn;

/* One row of policy/conflicts.tsv: whether a conflict finding of this kind refuses (hard) or
 * sends the case to a person (soft) in these programmes ("*" = any). The first matching row wins. */
typedef struct jp_conflict_rule {
    const char *kind;
    const char *programs; /* "*" or "P1,P23" */
    int hard;
    const char *clause;
    int line;
} jp_conflict_rule;

/* Normalises a name as people write it for lookups: drops ASCII and full-width spaces and the
 * quotation marks “”‘’"'《》, folds ASCII to lower case. Writes at most cap-1 bytes + NUL. */
void jp_norm_name(const char *s, size_t n, char *out, size_t cap);

/* case.c, for the fast reader (reader.c): the reference reader's helpers. jp_sym_index: the
 * symbol's index in an enum/set fact or -1; jp_value_syn: what policy/synonyms.tsv says a value
 * written for the fact means ("-" = no value) or NULL; jp_resolve_occupation: 0 with the
 * catalogue row (or -1) and the synonym row used, -1 when unknown; jp_fact_range: the range a
 * value must lie in (0: none). */
int jp_sym_index(const jp_fact *f, const char *s);
const char *jp_value_syn(const jy_policy *p, const jp_fact *f, const char *s);
int jp_resolve_occupation(const jy_policy *p, const char *written, int *occ, const jp_syn **syn);
int jp_fact_range(const jp_fact *f, int64_t *lo, int64_t *hi);

struct jy_policy {
    jy_arena *arena;
    char hash[65];
    int nfacts, nparams, nclauses, nreasons, nprograms, ntables, nlocals, nocc;
    int capfacts, capparams, capclauses, capreasons, capprograms, captables, capcode, caplines;
    jp_fact *facts;
    jp_param *params;
    jp_clause *clauses;
    jp_reason *reasons;
    jp_program *programs;
    jp_table *tables;
    jp_occ *occ;
    jp_syn *syn;
    int nsyn;
    jp_conflict_rule *crule;
    int ncrule;
    const char *locals[64];
    int local_type[64], local_efact[64];
    int ncode;
    jp_ins *code;
    int *lines; /* rule-file line per instruction (explain) */
    int fact_occupation, fact_occupation_kind, fact_prior, fact_prior_same, fact_prior_year;
    int fact_occ_access;
    struct jy_calendar *cal; /* NULL when policy/calendar.txt could not be loaded */
    struct jp_image *fast;   /* the code specialised once for single-case evaluation (fast.c) */
    char **reason_json;      /* per reason: its JSON objects, one per clause, comma-joined */
    uint32_t *reason_json_len;
    jy_err calendar_err; /* why policy/calendar.txt could not be loaded (p->cal NULL) */
};

/* ---- compiler (compile.c) used by the parser ---- */
typedef struct jp_diag {
    jy_sb *out;     /* findings, one per line */
    int nerr, nwarn;
    int first_set;
    jy_err first;
} jp_diag;

/* A finding at file:line:col: the catalogue message m (English and Chinese) with its arguments.
 * The listing (d->out) is in the process's language (jy_lang); the first error is kept whole in
 * d->first (its key, both texts, each after "file:line:col: "). Use through jp_diag_add2. */
void jp_diag_addv(jp_diag *d, int is_error, const char *file, int line, int col, const jy_msg *m, va_list ap);
void jp_diag_addm(jp_diag *d, int is_error, const char *file, int line, int col, const jy_msg *m, ...);
/* The same for a message already made (the lexer's). */
void jp_diag_err(jp_diag *d, int is_error, const char *file, int line, int col, const jy_err *e);

/* Declares the catalogue entry jy_msg_ for key/en/zh (as jy_err_set2 does) and checks both formats
 * against the arguments. */
#define JP_MSG(key, en, zh, ...)                                                                    \
    static const jy_msg jy_msg_ = {key, en, zh, __FILE__, __LINE__};                                \
    static const jy_msg *const jy_msgp_ __attribute__((section("jy_msgs"), used)) = &jy_msg_;       \
    (void)jy_msgp_;                                                                                 \
    if (0) {                                                                                        \
        jy_fmt_check_(en, ##__VA_ARGS__);                                                           \
        jy_fmt_check_(zh, ##__VA_ARGS__);                                                           \
    }

/* jp_diag_add2(d, is_error, file, line, col, "policy.key", "English %s", "中文%s", args…). */
#define jp_diag_add2(d, is_error, file, line, col, key, en, zh, ...)                                \
    __extension__({                                                                                 \
        JP_MSG(key, en, zh, ##__VA_ARGS__);                                                         \
        jp_diag_addm((d), (is_error), (file), (line), (col), &jy_msg_, ##__VA_ARGS__);              \
    })

int jp_emit(jy_policy *p, int op, int t, int a, int32_t b, int64_t k, int line);
int jp_add_reason(jy_policy *p, int kind, const int *clauses, int nclauses, const char *text);
int jp_find_clause(const jy_policy *p, const char *id);
int jp_find_param(const jy_policy *p, const char *name);
int jp_find_local(const jy_policy *p, const char *name);
int jp_table_new(jy_policy *p);
void *jp_grow(void *arr, int *cap, int need, size_t elem);

/* compile.c: loads one rule file's text on its own (no calendar, no occupation catalogue) as
 * jy_policy_load does a directory: for the evaluator fuzz target (fuzz/fuzz_eval.c). */
int jp_load_text(const char *name, const char *src, size_t len, jy_policy **out, jy_err *err);

/* parser.c: compiles one file's text into p; findings go to d. */
void jp_parse_file(jy_policy *p, jp_diag *d, const char *file, const char *src, size_t len);

/* compile.c: decide-table analysis. Branch intervals in, segments out; gaps and overlaps
 * reported to d and filled with review code. */
typedef struct jp_branch {
    int nint;
    int64_t lo[8], hi[8]; /* union of intervals, inclusive */
    int32_t pc;           /* action code */
    int clause;
    int line;
    int is_otherwise;
    int action_key;       /* equal keys = same action (no conflict) */
} jp_branch;

void jp_decide_build(jy_policy *p, jp_diag *d, const char *file, int line, int table, int subject_type,
                     int64_t dom_lo, int64_t dom_hi, jp_branch *br, int nbr, int info,
                     int32_t end_pc, const char *subject_name, const char *const *syms);

/* ---- specialised images (fast.c) ----
 * The parser's code is specialised for a context: what is known about each fact (nothing, a
 * constant, absent, or a column of a batch) and, optionally, the date. Constants are folded,
 * always-in-force parameters become constants, a comparison with a constant becomes one
 * instruction, branches decided by constants are resolved and dead code dropped. The image
 * computes exactly what the original code computes for every case matching the context. */
enum { JP_FACT_DYNAMIC = 0, JP_FACT_CONST, JP_FACT_ABSENT, JP_FACT_COLUMN };
typedef struct jp_spec {
    int date_known;
    jy_date date;
    uint8_t kind[JY_POLICY_MAX_FACTS];
    uint8_t col_presence[JY_POLICY_MAX_FACTS]; /* JP_FACT_COLUMN: the column has a presence vector */
    int16_t col[JY_POLICY_MAX_FACTS];          /* JP_FACT_COLUMN: column index */
    int64_t value[JY_POLICY_MAX_FACTS];        /* JP_FACT_CONST */
} jp_spec;

/* The action of one decide-table branch (or of the outside branch) in an image: ACT_PAY sets
 * the amount, ACT_OUT records an outcome (ineligible stops), ACT_GO only goes on; all but
 * ACT_GO add `reason` (t: JP_T_UNIQUE and, for ACT_OUT, the outcome). Then evaluation goes on
 * at `next`, or stops when `end`. */
enum { ACT_GO = 0, ACT_PAY, ACT_OUT };
typedef struct jp_act {
    int64_t amount;
    int32_t next;
    uint16_t reason;
    uint8_t kind, t, end;
} jp_act;

typedef struct jp_image {
    jp_ins *code;
    int ncode, capcode;
    jp_table *tables;
    int ntables;
    int32_t *entry; /* per programme */
    int nentry;
    jp_act *acts;     /* per table: one action per segment, then the outside branch's */
    int32_t *act_base; /* per table: its first action */
    int nacts, capacts;
} jp_image;

/* ---- interval tables for batches (cells.c) ----
 * Column j's sorted breakpoints cut its values into nbp[j] + 1 intervals; a row's cell is
 * Σ stride[j] × (the number of breakpoints ≤ its value in column j). Inside [dlo[j], dhi[j]]
 * every value of an interval gives the same decision. */
#define JP_CELLS_MAX_BP 80
#define JP_CELLS_MAX 4096
typedef struct jp_cells {
    int ncols;
    int nbp[JY_POLICY_MAX_COLS];
    int64_t bp[JY_POLICY_MAX_COLS][JP_CELLS_MAX_BP];
    int64_t dlo[JY_POLICY_MAX_COLS], dhi[JY_POLICY_MAX_COLS];
    size_t stride[JY_POLICY_MAX_COLS];
    size_t ncells;
    /* when a column's breakpoints span fewer than JP_CELLS_LUT values: lut[j][x - lut_lo[j]] is
     * the interval of x, for x clamped to [lut_lo[j], lut_lo[j] + lut_n[j] - 1] (else NULL) */
    uint16_t *lut[JY_POLICY_MAX_COLS];
    int64_t lut_lo[JY_POLICY_MAX_COLS], lut_n[JY_POLICY_MAX_COLS];
} jp_cells;
#define JP_CELLS_LUT 4096

/* Plans the cells of the programme starting at entry in a batch image with ncols columns
 * (no presence vectors): 0, or -1 when some use of a column is not a comparison or the cells
 * would be more than JP_CELLS_MAX. */
int jp_cells_plan(const jp_image *im, int entry, int ncols, jp_cells *cl);
/* A value of each column inside the intervals of cell `cell` (rep[ncols]). */
void jp_cells_rep(const jp_cells *cl, size_t cell, int64_t *rep);
/* Releases the lookup tables of a plan. */
void jp_cells_free(jp_cells *cl);

/* Builds the image of p's code for spec (all programmes); jp_image_free releases it. */
void jp_image_build(const jy_policy *p, const jp_spec *spec, jp_image *out);
void jp_image_free(jp_image *im);
/* Precomputes the JSON fragment of every reason (p->reason_json). */
void jp_reasons_json_build(jy_policy *p);

#endif
