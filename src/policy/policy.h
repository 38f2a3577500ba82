/* The policy engine: loads policy/<name>.rules (the rule language of docs/policy.md), compiles them
 * once to flat instruction arrays, and evaluates cases (facts → eligible with an amount /
 * ineligible / needs_review, with the reasons and the clauses that produced them).
 *
 * Ownership: jy_policy_load returns a rule set the caller frees with jy_policy_free; everything
 * inside (names, clause texts, code) lives in the rule set's arena. jy_policy_eval does no
 * parsing and no allocation: the caller supplies the fact vector and the decision struct. */
#ifndef JY_POLICY_H
#define JY_POLICY_H

#include <stdint.h>
#include <stdio.h>

#include "base/date.h"
#include "base/err.h"
#include "base/money.h"
#include "base/sb.h"

typedef struct jy_policy jy_policy;

enum jy_policy_outcome { JY_ELIGIBLE = 0, JY_INELIGIBLE = 1, JY_NEEDS_REVIEW = 2 };

#define JY_POLICY_MAX_REASONS 24
#define JY_POLICY_MAX_FACTS 256
/* The range of a money fact declared without one: 0 .. 100,000,000.00 yuan (in fen); of a whole
 * number declared without one: 0 .. 1,000,000,000. A value outside is an error naming the fact. */
#define JY_FACT_MONEY_MAX ((int64_t)10000000000)
#define JY_FACT_INT_MAX ((int64_t)1000000000)

/* A case as the evaluator sees it: one int64 per declared fact (money in fen, ratios in 1/10000,
 * dates as jy_date, enums as the symbol's index, sets as a bit mask) and a presence bit. */
#define JY_POLICY_NAME_MAX 64
typedef struct jy_policy_case {
    int program;  /* index from jy_policy_program_index */
    jy_date date; /* the date the case is decided on (selects parameter periods) */
    uint64_t present[JY_POLICY_MAX_FACTS / 64];
    int64_t v[JY_POLICY_MAX_FACTS];
    /* the occupation (training) name as written when neither policy/occupations.tsv nor
     * policy/synonyms.tsv knows it ("" otherwise): the review that follows names it. Last, so
     * the evaluator never touches its cache line (it only passes its address on). */
    char name[JY_POLICY_NAME_MAX];
} jy_policy_case;

typedef struct jy_decision {
    int outcome;       /* enum jy_policy_outcome */
    int has_amount;
    jy_fen amount;
    int nreasons;      /* reason indices (jy_policy_reason); truncated at JY_POLICY_MAX_REASONS */
    uint16_t reasons[JY_POLICY_MAX_REASONS];
    /* the case's unrecognised occupation name (its name field) or NULL: points into the case,
     * so render the decision while the case is alive (every caller renders at once) */
    const char *name;
} jy_decision;

/* One step of an explain trace (see jy_policy_eval_trace). */
typedef struct jy_policy_step {
    int kind;    /* JY_STEP_* */
    int index;   /* fact, param, reason or decide-table index */
    int64_t value;
    int line;    /* rule-file line of the instruction */
} jy_policy_step;

enum { JY_STEP_FACT = 1, JY_STEP_PARAM, JY_STEP_CHECK_OK, JY_STEP_CHECK_FAIL, JY_STEP_OUTCOME,
       JY_STEP_PAY, JY_STEP_CAP, JY_STEP_DECIDE, JY_STEP_LET };

typedef struct jy_policy_trace {
    int n, cap;
    jy_policy_step *steps;
} jy_policy_trace;

/* Loads and compiles every *.rules file under dir (facts.rules first, then by name) and
 * policy/occupations.tsv. On error returns JY_EINVAL with "file:line:col: message" in err. */
int jy_policy_load(const char *dir, jy_policy **out, jy_err *err);
void jy_policy_free(jy_policy *p);

/* Validates dir: appends one line per finding ("file:line:col: error: …" or "… warning: …",
 * gaps and overlaps included) to report; sets *nerrors and *nwarnings. Returns 0 when the
 * files could be read at all. */
int jy_policy_check(const char *dir, jy_sb *report, int *nerrors, int *nwarnings);

/* Compiles one rule file's text on its own (no facts.rules): findings to report (may be NULL).
 * For fuzzing and editors. */
int jy_policy_compile_text(const char *name, const char *src, size_t len, jy_sb *report, int *nerrors);

const char *jy_policy_hash(const jy_policy *p); /* content hash of the rule set (hex) */
int jy_policy_program_index(const jy_policy *p, const char *id); /* -1 when unknown */
int jy_policy_program_count(const jy_policy *p);
int jy_policy_fact_index(const jy_policy *p, const char *name); /* -1 when unknown */

/* Evaluates one case. Never allocates; returns the outcome (also in dec->outcome). */
int jy_policy_eval(const jy_policy *p, const jy_policy_case *c, jy_decision *dec);
/* Evaluates a block of n cases (any mix of programmes): dec[i] is exactly what
 * jy_policy_eval(p, &cases[i], &dec[i]) gives, but the cases are taken grouped by programme (a
 * stable counting sort of their indices into order, n entries the caller provides), so the
 * processor runs one programme's code many times in a row instead of jumping between 26.
 * `policy eval` evaluates its input in blocks this way. No allocation. */
void jy_policy_eval_many(const jy_policy *p, const jy_policy_case *cases, size_t n, jy_decision *dec,
                         uint32_t *order);
/* The same with a trace of the steps taken (for `policy explain`); trace may be NULL. */
int jy_policy_eval_trace(const jy_policy *p, const jy_policy_case *c, jy_decision *dec,
                         jy_policy_trace *trace);

/* ---- batch evaluation over columns of facts (payroll runs, budget simulations) ----
 * Every row shares base's programme, date and facts; the columns override (or add) facts per
 * row. The programme is specialised once for the batch (date, constant facts, absent facts,
 * columns: see fast.c), then run over the rows; no allocation per row. */
#define JY_POLICY_MAX_COLS 32
typedef struct jy_policy_columns {
    const jy_policy_case *base;           /* programme, date, and the facts common to every row */
    size_t n;                             /* rows */
    int ncols;
    int fact[JY_POLICY_MAX_COLS];         /* fact index of each column (jy_policy_fact_index) */
    const int64_t *col[JY_POLICY_MAX_COLS];   /* n values each, encoded as in jy_policy_case.v */
    const uint8_t *present[JY_POLICY_MAX_COLS]; /* NULL: present in every row; else 0/1 per row */
} jy_policy_columns;

typedef struct jy_policy_totals {
    long count[3]; /* rows per outcome (enum jy_policy_outcome) */
    long npaid;    /* eligible rows with an amount */
    jy_fen paid;   /* their sum */
} jy_policy_totals;

/* Evaluates every row of b. Each output may be NULL: outcome[i], amount[i] (0 unless eligible
 * with an amount), decisions[i] (with reasons, as jy_policy_eval would give), totals.
 * Returns 0, or JY_EINVAL naming the bad column / programme. */
int jy_policy_eval_columns(const jy_policy *p, const jy_policy_columns *b, uint8_t *outcome, jy_fen *amount,
                           jy_decision *decisions, jy_policy_totals *totals, jy_err *err);

/* Reads one JSON case line {"id","program","date","facts":{…}} into c. The id (or NULL) is
 * copied into id_buf. Returns JY_EINVAL with a message naming the field on a malformed line. */
int jy_policy_case_parse(const jy_policy *p, const char *line, size_t len, jy_policy_case *c,
                         char *id_buf, size_t id_cap, int *has_id, jy_err *err);
/* The same, also accepting (and ignoring) the caller's own input names: inputs is a NULL-terminated
 * list (the case service's form fields: start, end, site …), or NULL. A name in "facts" that is
 * neither a declared fact, a compound input (occupation, prior_trainings) nor one of inputs is an
 * error naming the closest known name: unknown fact "certifcate" — did you mean "certificate"? */
int jy_policy_case_parse_inputs(const jy_policy *p, const char *line, size_t len, const char *const *inputs,
                                jy_policy_case *c, char *id_buf, size_t id_cap, int *has_id, jy_err *err);
/* The fast case reader (reader.c, issue 14 item 6): its answer is exactly the reference reader's
 * (jy_policy_case_parse_inputs: the same return code, facts, values, id and error text) on every
 * line, read in one pass without a jansson tree, fact names found by a hash table; a line it does
 * not read plainly (escapes, a number it does not read, any error) goes to the reference reader.
 * One reader per thread (it remembers resolved occupation names, and the names of the last inputs
 * list by its address: pass static lists such as jy_case_form_inputs); free with jy_policy_reader_free
 * before the rule set. */
typedef struct jy_policy_reader jy_policy_reader;
jy_policy_reader *jy_policy_reader_new(const jy_policy *p);
void jy_policy_reader_free(jy_policy_reader *r);
int jy_policy_reader_parse(jy_policy_reader *r, const char *line, size_t len, const char *const *inputs,
                           jy_policy_case *c, char *id_buf, size_t id_cap, int *has_id, jy_err *err);
/* The same answer as jy_policy_reader_parse on the line {"program":PROGRAM,"date":"DATE","facts":FACTS}
 * (the programme written as a JSON string, DATE as YYYY-MM-DD, "" when 0; FACTS up to its first
 * NUL), without the line being written when the fast reading takes it: the budget simulation's
 * stored rows. date must be 0 or a date jy_date_parse_n gave. */
int jy_policy_reader_parse_parts(jy_policy_reader *r, const char *program, size_t program_len, jy_date date,
                                 const char *facts, size_t facts_len, const char *const *inputs, jy_policy_case *c,
                                 jy_err *err);

/* Fact vectors (docs/policy.md "Fact vectors"): the reading of a stored case's facts by
 * jy_policy_reader_parse_parts, packed at filing time so that the budget simulation copies it
 * instead of reading the JSON again. A vector names what it was read under — a key of the rule
 * set's fact catalogue (its content hash, every fact's name, type and symbols, the inputs list,
 * the format) — and carries a 128-bit checksum of the programme, the date and its own body; it
 * is used only when the key is the reader's and the checksum matches the row's programme and
 * date; anything else (NULL, another rule set, another programme or date, a damaged vector) is
 * refused and the caller reads the facts as before. The facts' bytes are NOT checked here: that
 * a stored vector is its row's facts' is kept by the store (migration 15's trigger clears it when
 * the facts change without it), and a caller holding a vector from elsewhere must hash the facts
 * itself. jy_policy_factvec_make: the vector of these parts into out (reset first); 0, or -1 when
 * the parts have none (the reader refuses them, or the rule set has no content hash: a policy
 * compiled from text). jy_policy_factvec_read: 0 with *c as jy_policy_reader_parse_parts would
 * fill it for the facts the vector was made from (present facts, values, name, programme,
 * date), or -1 (read the facts instead). */
enum { JY_FACTVEC_MAX = 3000 }; /* the largest vector, bytes */
int jy_policy_factvec_make(jy_policy_reader *r, const char *program, size_t program_len, jy_date date,
                           const char *facts, size_t facts_len, const char *const *inputs, jy_sb *out);
int jy_policy_factvec_read(jy_policy_reader *r, const void *vec, size_t vec_len, const char *program,
                           size_t program_len, jy_date date, const char *const *inputs, jy_policy_case *c);

/* `policy eval`: JSON Lines cases from in, one decision (or {"id","error"}) line each to out, in
 * input order; blank lines skipped, trailing CR and spaces ignored. Read in blocks of 1,024 lines
 * evaluated with jy_policy_eval_many. JY_EVAL_REASONS: with reasons. JY_EVAL_REFERENCE: the
 * reading as before the fast reader (getline, jy_policy_case_parse with jansson): the same bytes
 * out, kept as the reference the fast path is tested against. 0, or JY_EIO. */
enum { JY_EVAL_REASONS = 1, JY_EVAL_REFERENCE = 2 };
int jy_policy_eval_stream(const jy_policy *p, FILE *in, FILE *out, int flags, jy_err *err);

/* The known name closest to name by edit distance (declared facts, compound inputs, inputs), or
 * NULL when there is none. */
const char *jy_policy_closest_fact(const jy_policy *p, const char *name, const char *const *inputs);

/* The occupation catalogue's name for an occupation (training) name as people write it: the
 * name itself, or what policy/synonyms.tsv maps it to (spaces, quotation marks, ASCII case and a
 * trailing 培训 do not matter); for a track decided by its own clauses (枸杞技工, 海原司机,
 * 创业培训) the track's name. NULL when neither table knows it. */
const char *jy_policy_occupation_name(const jy_policy *p, const char *written);
/* A skill level as people write it: 5 … 1, "level5", and the words policy/synonyms.tsv gives for
 * the fact level (五级, 初级 = 5, 中级 = 4, 高级 = 3, 技师 = 2, 高级技师 = 1; none/无 = no level).
 * Returns 0 with *level (0 = no level), or -1 when unreadable. */
int jy_policy_level_value(const jy_policy *p, const char *s, int *level);

/* Conflict findings (service/conflict.h): 1 when a finding of kind in programme program refuses
 * the case (hard), 0 when it sends it to a person (soft), per policy/conflicts.tsv; a kind and
 * programme no row covers is soft (a person decides). */
int jy_policy_conflict_hard(const jy_policy *p, const char *kind, const char *program);
/* The conflict kinds jiuye checks (NULL-terminated), the vocabulary of policy/conflicts.tsv. */
extern const char *const jy_policy_conflict_kinds[];

/* Appends the decision as the JSON object of the CLI contract (docs/policy.md). Reasons are
 * copied from JSON precomputed at load time; only the id is escaped per case. */
void jy_policy_decision_json(const jy_policy *p, const char *id, int has_id, const jy_decision *d,
                             int with_reasons, jy_sb *out);
/* Appends a readable Chinese trace of one evaluation. */
void jy_policy_explain_text(const jy_policy *p, const jy_policy_case *c, const jy_decision *d,
                            const jy_policy_trace *t, jy_sb *out);
/* The same trace as JSON: {"program","title","date","ruleset","steps":[…]}, each step with its
 * rule-file "line" and "kind": fact / let {name, value}; param {name, value, clause, clause_text,
 * period {from, to} (null when open) — the period the case's date fell in}; check {passed,
 * severity fail|review, text, clauses [{id, text}]}; decide {value, clause, clause_text};
 * outcome {outcome ineligible|needs_review|note, text, clauses}; pay / cap {amount, text, clauses}.
 * Values are formatted as the text trace writes them (元, %, 是/否, dates, choices). */
void jy_policy_explain_json(const jy_policy *p, const jy_policy_case *c, const jy_decision *d,
                            const jy_policy_trace *t, jy_sb *out);
/* Appends the programme list (targets, budgets, sources) as a JSON array. */
void jy_policy_list_json(const jy_policy *p, jy_sb *out);
/* Appends the fact catalogue as a Markdown table (name, type, meaning, programmes). */
void jy_policy_facts_md(const jy_policy *p, jy_sb *out);
/* Appends one programme's form as JSON: {"program","title","facts":[{"name","type","values"?,"min"?,
 * "max"?,"doc","derived"}] (the declared facts its rules use), "clauses":[{"id","text"}],
 * "params":[{"name","type","clause","periods":[{"from","to","value"}]}]}.
 * JY_ENOTFOUND for an unknown programme. */
int jy_policy_program_form_json(const jy_policy *p, const char *program, jy_sb *out);

/* Reason accessors: clause ids ("P10 二(三)") and texts of a reason index. */
int jy_policy_reason_nclauses(const jy_policy *p, int reason);
const char *jy_policy_reason_clause(const jy_policy *p, int reason, int k);
const char *jy_policy_reason_text(const jy_policy *p, int reason);

#endif
