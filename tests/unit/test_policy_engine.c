/* Unit tests of the policy engine (src/policy): the legal comparison words on both sides of
 * their bound, the （含…） override, parameters with effective periods, soft rules (原则上),
 * gap and conflict detection in a small inline rule text, no allocation per evaluation, and the
 * equivalence of the three evaluators (the parser's code, the image specialised at load time,
 * a batch over columns) and of the two JSON renderers over random cases of the shipped rules. */
/* internal.h first: its R_OK (reason kind) must be declared before <unistd.h> defines R_OK */
#include "policy/internal.h"
#include "policy/policy.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

/* ---- a small rule set written into a temporary directory ---- */

static const char *FACTS =
    "fact x int 0..1000 \"a number\"\n"
    "fact y int 0..1000 \"another number\"\n"
    "fact m money \"an amount\"\n";

static const char *RULES =
    "program T1 \"legal words\"\n"
    "clause \"T1 一\" \"一\"\n"
    "target 2024 1 \"T1 一\"\n"
    "budget 1元 \"T1 一\"\n"
    "param t.rate money \"T1 一\"\n"
    "  from 2024-01-01 to 2024-06-30 100元\n"
    "  from 2024-07-01 120元\n"
    "end\n"
    "pay t.rate \"T1 一\" \"rate\"\n"
    "program T2 \"soft\"\n"
    "clause \"T2 一\" \"原则上每班不得超过50人\"\n"
    "target 2024 1 \"T2 一\"\n"
    "budget 1元 \"T2 一\"\n"
    "require 原则上 x 不超过 50 \"T2 一\" \"（原则上）每班不得超过50人\"\n"
    "require y 10 以上 \"T2 一\" \"hard\"\n"
    "pay 5元 \"T2 一\" \"five\"\n"
    "program T3 \"gap\"\n"
    "clause \"T3 一\" \"不足15无，超过16给\"\n"
    "clause \"T3 二\" \"90以下整改，90以上认定\"\n"
    "target 2024 1 \"T3 一\"\n"
    "budget 1元 \"T3 一\"\n"
    "decide x \"T3 一\"\n"
    "  不足 15 -> ineligible \"不足15\"\n"
    "  超过 16 -> pay 930元 \"超过16\"\n"
    "end\n"
    "decide y \"T3 二\"\n"
    "  90 以下 -> ineligible \"90以下\"\n"
    "  90 以上 -> note \"90以上\"\n"
    "end\n";

static char dir[256];

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_dir(void)
{
    const char *names[] = {"facts.rules", "t.rules", "occupations.tsv"};
    for (int i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* Loads FACTS + body as a rule set; fails the test when it does not compile. */
static jy_policy *load_text(const char *body)
{
    const char *tmp = getenv("JY_TEST_TMP");
    snprintf(dir, sizeof dir, "%s/policy-unit-%d", tmp && *tmp ? tmp : "/tmp", (int)getpid());
    mkdir(tmp && *tmp ? tmp : "/tmp", 0755);
    mkdir(dir, 0755);
    write_file("facts.rules", FACTS);
    write_file("t.rules", body);
    write_file("occupations.tsv", "name\tkind\tcode\tlevels\tnote\n");
    jy_policy *p = NULL;
    jy_err err;
    int rc = jy_policy_load(dir, &p, &err);
    if (rc != 0) fprintf(stderr, "load: %s\n", err.msg);
    assert_int_equal(rc, 0);
    return p;
}

static void set(const jy_policy *p, jy_policy_case *c, const char *fact, int64_t v)
{
    int f = jy_policy_fact_index(p, fact);
    assert_true(f >= 0);
    c->v[f] = v;
    c->present[f >> 6] |= (uint64_t)1 << (f & 63);
}

static void init_case(const jy_policy *p, jy_policy_case *c, const char *prog, int y, int m, int d)
{
    memset(c, 0, sizeof *c);
    c->program = jy_policy_program_index(p, prog);
    assert_true(c->program >= 0);
    c->date = jy_date_from_ymd(y, m, d);
}

static int has_clause(const jy_policy *p, const jy_decision *d, const char *clause)
{
    for (int i = 0; i < d->nreasons; i++)
        for (int k = 0; k < jy_policy_reason_nclauses(p, d->reasons[i]); k++)
            if (strcmp(jy_policy_reason_clause(p, d->reasons[i], k), clause) == 0) return 1;
    return 0;
}

/* ---- the legal comparison words ---- */

typedef struct word_case {
    const char *cond; /* with the bound 10 */
    int below, at, above; /* does 9 / 10 / 11 satisfy it */
} word_case;

static void legal_words_include_or_exclude_their_bound(void **state)
{
    (void)state;
    static const word_case W[] = {
        {"x 10 以上", 0, 1, 1},       {"x 10 及以上", 0, 1, 1},   {"x 不少于 10", 0, 1, 1},
        {"x 不低于 10", 0, 1, 1},     {"x 10 以下", 1, 1, 0},     {"x 10 以内", 1, 1, 0},
        {"x 不超过 10", 1, 1, 0},     {"x 不得超过 10", 1, 1, 0}, {"x 超过 10", 0, 0, 1},
        {"x 高于 10", 0, 0, 1},       {"x 不满 10", 1, 0, 0},     {"x 不足 10", 1, 0, 0},
        {"x 少于 10", 1, 0, 0},       {"x 低于 10", 1, 0, 0},
        {"x 超过 10（含10）", 0, 1, 1}, {"x 少于 10（含）", 1, 1, 0}, {"x 10 以上（不含10）", 0, 0, 1},
        {"x 10 以下（不含）", 1, 0, 0},
    };
    for (size_t w = 0; w < sizeof W / sizeof W[0]; w++) {
        char body[1024];
        snprintf(body, sizeof body,
                 "program W1 \"word\"\nclause \"W1 一\" \"一\"\ntarget 2024 1 \"W1 一\"\nbudget 1元 \"W1 一\"\n"
                 "require %s \"W1 一\" \"the condition\"\npay 1元 \"W1 一\" \"ok\"\n", W[w].cond);
        jy_policy *p = load_text(body);
        int want[3] = {W[w].below, W[w].at, W[w].above};
        for (int k = 0; k < 3; k++) {
            jy_policy_case c;
            jy_decision d;
            init_case(p, &c, "W1", 2024, 3, 1);
            set(p, &c, "x", 9 + k);
            int o = jy_policy_eval(p, &c, &d);
            if (o != (want[k] ? JY_ELIGIBLE : JY_INELIGIBLE))
                fail_msg("\"%s\" with x = %d: outcome %d, want %s", W[w].cond, 9 + k, o, want[k] ? "eligible" : "ineligible");
        }
        jy_policy_free(p);
        remove_dir();
    }
}

/* ---- parameter periods ---- */

static void parameter_period_changes_on_its_date_and_keeps_both_values(void **state)
{
    (void)state;
    jy_policy *p = load_text(RULES);
    jy_policy_case c;
    jy_decision d;
    const struct { int m, d; int64_t fen; } D[] = {{1, 1, 10000}, {6, 30, 10000}, {7, 1, 12000}, {12, 31, 12000}};
    for (int i = 0; i < 4; i++) {
        init_case(p, &c, "T1", 2024, D[i].m, D[i].d);
        assert_int_equal(jy_policy_eval(p, &c, &d), JY_ELIGIBLE);
        assert_true(d.has_amount);
        assert_int_equal(d.amount, D[i].fen);
    }
    /* before the first period: no value in force, a review naming the parameter, never a guess */
    init_case(p, &c, "T1", 2023, 12, 31);
    assert_int_equal(jy_policy_eval(p, &c, &d), JY_NEEDS_REVIEW);
    int named = 0;
    for (int i = 0; i < d.nreasons; i++)
        if (strstr(jy_policy_reason_text(p, d.reasons[i]), "t.rate")) named = 1;
    assert_true(named);
    jy_policy_free(p);
    remove_dir();
}

/* ---- soft rules ---- */

static void soft_rule_broken_gives_review_hard_rule_refuses(void **state)
{
    (void)state;
    jy_policy *p = load_text(RULES);
    jy_policy_case c;
    jy_decision d;
    init_case(p, &c, "T2", 2024, 3, 1);
    set(p, &c, "x", 50);
    set(p, &c, "y", 10);
    assert_int_equal(jy_policy_eval(p, &c, &d), JY_ELIGIBLE);
    assert_int_equal(d.amount, 500);
    set(p, &c, "x", 51); /* 原则上 broken: review, not refusal */
    assert_int_equal(jy_policy_eval(p, &c, &d), JY_NEEDS_REVIEW);
    assert_true(has_clause(p, &d, "T2 一"));
    set(p, &c, "y", 9); /* the hard rule still refuses */
    assert_int_equal(jy_policy_eval(p, &c, &d), JY_INELIGIBLE);
    /* a missing fact the rule needs: review naming it */
    init_case(p, &c, "T2", 2024, 3, 1);
    set(p, &c, "x", 10);
    assert_int_equal(jy_policy_eval(p, &c, &d), JY_NEEDS_REVIEW);
    int named = 0;
    for (int i = 0; i < d.nreasons; i++)
        if (strstr(jy_policy_reason_text(p, d.reasons[i]), "缺少事实 y")) named = 1;
    assert_true(named);
    jy_policy_free(p);
    remove_dir();
}

/* ---- gaps and conflicts ---- */

static void gap_and_conflict_are_found_and_sent_to_review(void **state)
{
    (void)state;
    jy_policy *p = load_text(RULES);
    jy_sb rep = JY_SB_INIT;
    int ne = 0, nw = 0;
    assert_int_equal(jy_policy_check(dir, &rep, &ne, &nw), 0);
    assert_int_equal(ne, 0);
    assert_non_null(strstr(jy_sb_cstr(&rep), "gap: x = 15 至 16"));
    assert_non_null(strstr(jy_sb_cstr(&rep), "conflict: y = 90"));
    jy_sb_free(&rep);
    jy_policy_case c;
    jy_decision d;
    const struct { int x; int o; } X[] = {{14, JY_INELIGIBLE}, {15, JY_NEEDS_REVIEW}, {16, JY_NEEDS_REVIEW}, {17, JY_ELIGIBLE}};
    for (int i = 0; i < 4; i++) {
        init_case(p, &c, "T3", 2024, 3, 1);
        set(p, &c, "x", X[i].x);
        set(p, &c, "y", 95);
        assert_int_equal(jy_policy_eval(p, &c, &d), X[i].o);
        if (X[i].o == JY_NEEDS_REVIEW) assert_true(has_clause(p, &d, "T3 一"));
    }
    init_case(p, &c, "T3", 2024, 3, 1);
    set(p, &c, "x", 20);
    set(p, &c, "y", 90); /* both 90以下 and 90以上 */
    assert_int_equal(jy_policy_eval(p, &c, &d), JY_NEEDS_REVIEW);
    assert_true(has_clause(p, &d, "T3 二"));
    set(p, &c, "y", 89);
    assert_int_equal(jy_policy_eval(p, &c, &d), JY_INELIGIBLE);
    jy_policy_free(p);
    remove_dir();
}

/* ---- the shipped rules: no allocation per case, three evaluators agree ---- */

static jy_policy *shipped;

static int setup_shipped(void **state)
{
    (void)state;
    const char *d = getenv("JY_POLICY_DIR");
    jy_err err;
    if (jy_policy_load(d && *d ? d : JY_POLICY_DIR, &shipped, &err) != 0) {
        fprintf(stderr, "cannot load policy: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown_shipped(void **state)
{
    (void)state;
    jy_policy_free(shipped);
    return 0;
}

static uint64_t rng = 88172645463325252u;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A random case: each fact present with probability 3/4, values near the rules' bounds. */
static void random_case(const jy_policy *p, jy_policy_case *c, int prog)
{
    memset(c, 0, sizeof *c);
    c->program = prog;
    c->date = jy_date_from_ymd(2023, 6, 1) + (jy_date)(next_rand() % 700);
    for (int f = 0; f < p->nfacts; f++) {
        const jp_fact *fa = &p->facts[f];
        if (next_rand() % 4 == 0) continue;
        int64_t v;
        uint64_t r = next_rand();
        switch (fa->type) {
        case T_BOOL: v = (int64_t)(r & 1); break;
        case T_ENUM: v = (int64_t)(r % (uint64_t)fa->nsyms); break;
        case T_SET: v = (int64_t)(r & (((uint64_t)1 << fa->nsyms) - 1) & (r >> 17) & (r >> 29)); break;
        case T_MONEY: v = (int64_t)(r % 20000000); break;
        case T_RATIO: v = (int64_t)(r % 10001); break;
        case T_DATE: v = c->date - 40 + (int64_t)(r % 60); break;
        case T_CODE: v = (r & 1) ? 640522 : 640502001; break;
        default: v = fa->has_range ? fa->lo + (int64_t)(r % (uint64_t)(fa->hi - fa->lo + 1)) : (int64_t)(r % 200);
        }
        if (fa->type == T_INT && fa->has_range && fa->hi > 200) v = fa->lo + (int64_t)(r % 200);
        c->v[f] = v;
        c->present[f >> 6] |= (uint64_t)1 << (f & 63);
    }
}

/* The table rows of tests/policy/NAME.tsv as cases (rows of programme prog), to mutate: they reach
 * deep into the rules, where random cases stop at the first failed intake check. */
#include <dirent.h>
static jy_policy_case rows[2000];
static int nrows;
static void load_rows(const jy_policy *p)
{
    if (nrows) return;
    char tdir[1024];
    snprintf(tdir, sizeof tdir, "%s/../tests/policy", JY_POLICY_DIR);
    DIR *dh = opendir(tdir);
    assert_non_null(dh);
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".tsv") != 0) continue;
        char path[1400], line[8192];
        snprintf(path, sizeof path, "%s/%s", tdir, e->d_name);
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        while (fgets(line, sizeof line, f) && nrows < 2000) {
            if (line[0] == '#' || line[0] == '\n') continue;
            char *col[8];
            int nc = 0;
            for (char *q = line; nc < 8;) {
                col[nc++] = q;
                char *t = strchr(q, '\t');
                if (!t) break;
                *t = 0;
                q = t + 1;
            }
            if (nc < 4) continue;
            char js[8400], id[64];
            int has_id;
            snprintf(js, sizeof js, "{\"program\":\"%s\",\"date\":\"%s\",\"facts\":%s}", col[1], col[2], col[3]);
            if (jy_policy_case_parse(p, js, strlen(js), &rows[nrows], id, sizeof id, &has_id, NULL) == 0) nrows++;
        }
        fclose(f);
    }
    closedir(dh);
    assert_true(nrows >= 100);
}

/* A mutation of a table row of programme prog (or a random case when it has none): one to three
 * facts the programme uses set to a bound of its code ±1, toggled, re-drawn or removed. */
static void mutated_case(const jy_policy *p, jy_policy_case *c, int prog)
{
    int idx[2000], n = 0;
    for (int i = 0; i < nrows; i++)
        if (rows[i].program == prog) idx[n++] = i;
    if (n == 0) { random_case(p, c, prog); return; }
    *c = rows[idx[next_rand() % (uint64_t)n]];
    int64_t consts[512];
    int nk = 0;
    for (int i = p->programs[prog].entry; i < p->ncode && p->code[i].op != OP_HALT && nk < 512; i++)
        if (p->code[i].op == OP_CONST) consts[nk++] = p->code[i].k;
    int muts = 1 + (int)(next_rand() % 3);
    for (int m = 0; m < muts; m++) {
        int f = (int)(next_rand() % (uint64_t)p->nfacts);
        for (int tries = 0; tries < 64 && !(p->facts[f].used_by[0] & ((uint64_t)1 << prog)); tries++)
            f = (int)(next_rand() % (uint64_t)p->nfacts);
        const jp_fact *fa = &p->facts[f];
        uint64_t r = next_rand();
        int64_t v = c->v[f];
        if (r % 8 == 0) { c->present[f >> 6] &= ~((uint64_t)1 << (f & 63)); continue; }
        if (fa->type == T_BOOL) v = !v;
        else if (fa->type == T_ENUM) v = (int64_t)((r >> 8) % (uint64_t)fa->nsyms);
        else if (fa->type == T_SET) v = (int64_t)((r >> 8) & (((uint64_t)1 << fa->nsyms) - 1) & (r >> 23));
        else if (nk) v = consts[(r >> 8) % (uint64_t)nk] + (int64_t)((r >> 40) % 3) - 1;
        if (fa->has_range && (v < fa->lo || v > fa->hi)) v = fa->lo;
        c->v[f] = v;
        c->present[f >> 6] |= (uint64_t)1 << (f & 63);
    }
}

static void same_decision(const jy_decision *a, const jy_decision *b, const char *what, int prog, int i)
{
    if (a->outcome != b->outcome || a->has_amount != b->has_amount || (a->has_amount && a->amount != b->amount) ||
        a->nreasons != b->nreasons || memcmp(a->reasons, b->reasons, sizeof a->reasons[0] * (size_t)a->nreasons) != 0)
        fail_msg("%s differs for programme %d case %d: outcome %d/%d amount %lld/%lld reasons %d/%d", what, prog, i,
                 a->outcome, b->outcome, (long long)a->amount, (long long)b->amount, a->nreasons, b->nreasons);
}

/* Runs the batch b and checks every row against ref (the parser's code on the same cases): the
 * decision, the outcome column, the amount column (the amount when paid, else 0), and the
 * totals. */
static void columns_decide_as(const jy_policy *p, const jy_policy_columns *b, const jy_decision *ref,
                              jy_decision *got, uint8_t *outc, jy_fen *amt, const char *what, int prog)
{
    jy_policy_totals t;
    jy_err err;
    assert_int_equal(jy_policy_eval_columns(p, b, outc, amt, got, &t, &err), 0);
    jy_fen sum = 0;
    long np = 0;
    for (int i = 0; i < (int)b->n; i++) {
        same_decision(&ref[i], &got[i], what, prog, i);
        assert_int_equal(outc[i], ref[i].outcome);
        int paid = ref[i].outcome == JY_ELIGIBLE && ref[i].has_amount;
        assert_int_equal(amt[i], paid ? ref[i].amount : 0);
        if (paid) {
            sum += ref[i].amount;
            np++;
        }
    }
    assert_int_equal(t.paid, sum);
    assert_int_equal(t.npaid, np);
}

/* jy_policy_eval_many (the block path of `policy eval`): a mixed block gives, at every input
 * position, the decision of a single call on that case — also for blocks of one, two or a few
 * cases (programmes with one case, a group at the block's end), and with unknown programme
 * indices (negative, and one past the last) first, inside and last. */
static void eval_many_decides_each_case_as_a_single_call(void **state)
{
    (void)state;
    const jy_policy *p = shipped;
    enum { N = 2000 };
    static jy_policy_case cs[N];
    static jy_decision one[N], many[N];
    static uint32_t order[N];
    load_rows(p);
    for (int i = 0; i < N; i++) {
        int prog = (int)(next_rand() % (uint64_t)p->nprograms);
        if (i % 3 == 0) random_case(p, &cs[i], prog);
        else mutated_case(p, &cs[i], prog);
        if (i == 7 || i == 0) cs[i].program = -1; /* an unknown programme stays at its place */
        if (i == 500 || i == N - 1) cs[i].program = p->nprograms;
        jy_policy_eval(p, &cs[i], &one[i]);
    }
    memset(many, 0xab, sizeof many);
    jy_policy_eval_many(p, cs, N, many, order);
    for (int i = 0; i < N; i++) same_decision(&one[i], &many[i], "jy_policy_eval_many", cs[i].program, i);
    /* small blocks at every offset of the first 100 cases */
    static const size_t sizes[] = {1, 2, 3, 5, 27, 64};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (size_t at = 0; at + sizes[s] <= 100; at += sizes[s]) {
            memset(many, 0xab, sizeof(jy_decision) * sizes[s]);
            jy_policy_eval_many(p, &cs[at], sizes[s], many, order);
            for (size_t i = 0; i < sizes[s]; i++)
                same_decision(&one[at + i], &many[i], "jy_policy_eval_many (small block)", cs[at + i].program, (int)(at + i));
        }
    jy_policy_eval_many(p, cs, 0, many, order); /* an empty block writes nothing */
}

static void specialised_image_and_batch_decide_as_the_parser_code(void **state)
{
    (void)state;
    const jy_policy *p = shipped;
    enum { N = 3000 };
    static jy_policy_case cs[N];
    static jy_decision ref[N], got[N];
    load_rows(p);
    for (int prog = 0; prog < p->nprograms; prog++) {
        for (int i = 0; i < N; i++) {
            if (i % 4 == 0) random_case(p, &cs[i], prog);
            else mutated_case(p, &cs[i], prog);
            jy_policy_eval_trace(p, &cs[i], &ref[i], NULL); /* the parser's code */
            jy_policy_eval(p, &cs[i], &got[i]);              /* the image of load time */
            same_decision(&ref[i], &got[i], "jy_policy_eval", prog, i);
        }
        /* a batch: facts of case 0 as the base, three facts as columns, one with a presence vector */
        static int64_t col[3][N];
        static uint8_t pres[N];
        jy_policy_columns b;
        memset(&b, 0, sizeof b);
        jy_policy_case base = cs[0];
        b.base = &base;
        b.n = N;
        int chosen = 0;
        for (int f = 0; f < p->nfacts && chosen < 3; f++) {
            if (!(p->facts[f].used_by[0] & ((uint64_t)1 << prog)) || (next_rand() % 2)) continue;
            b.fact[chosen] = f;
            b.col[chosen] = col[chosen];
            b.present[chosen] = chosen == 2 ? pres : NULL;
            chosen++;
        }
        b.ncols = chosen;
        for (int i = 0; i < N; i++) {
            jy_policy_case c = base;
            for (int k = 0; k < chosen; k++) {
                int f = b.fact[k];
                int on = k < 2 || ((cs[i].present[f >> 6] >> (f & 63)) & 1);
                col[k][i] = cs[i].v[f];
                if (k == 2) pres[i] = (uint8_t)on;
                if (on) {
                    c.v[f] = cs[i].v[f];
                    c.present[f >> 6] |= (uint64_t)1 << (f & 63);
                } else {
                    c.present[f >> 6] &= ~((uint64_t)1 << (f & 63));
                }
            }
            jy_policy_eval_trace(p, &c, &ref[i], NULL);
        }
        static uint8_t outc[N];
        static jy_fen amt[N];
        columns_decide_as(p, &b, ref, got, outc, amt, "jy_policy_eval_columns", prog);
    }
}

/* Batches whose columns have no presence vector (the interval tables of cells.c apply when
 * every use of a column compares it): every row decides as the parser's code on the same case,
 * values on both sides of every bound and enum indexes outside 0..63 included; and the tables
 * do apply to most programmes of the shipped rules. */
static void batch_interval_tables_decide_as_the_parser_code(void **state)
{
    (void)state;
    const jy_policy *p = shipped;
    enum { N = 4000 };
    static jy_policy_case cs[N];
    static jy_decision ref[N], got[N];
    static int64_t col[2][N];
    static uint8_t outc[N];
    static jy_fen amt[N];
    load_rows(p);
    int planned = 0;
    for (int prog = 0; prog < p->nprograms; prog++) {
        for (int i = 0; i < N; i++) mutated_case(p, &cs[i], prog);
        jy_policy_case base = cs[0];
        jy_policy_columns b;
        memset(&b, 0, sizeof b);
        b.base = &base;
        b.n = N;
        /* up to two facts of the programme as columns, values taken from the cases (a case
         * without the fact gets a value near another case's) */
        for (int f = 0; f < p->nfacts && b.ncols < 2; f++) {
            if (!(p->facts[f].used_by[0] & ((uint64_t)1 << prog)) || (next_rand() % 3 == 0)) continue;
            b.fact[b.ncols] = f;
            b.col[b.ncols] = col[b.ncols];
            b.ncols++;
        }
        for (int i = 0; i < N; i++) {
            jy_policy_case c = base;
            for (int k = 0; k < b.ncols; k++) {
                int f = b.fact[k];
                int64_t v = ((cs[i].present[f >> 6] >> (f & 63)) & 1) ? cs[i].v[f] : cs[(i * 7 + 1) % N].v[f];
                if (i % 97 == 5) v = p->facts[f].type == T_ENUM ? 70 : -3; /* outside an enum's indexes */
                col[k][i] = v;
                c.v[f] = v;
                c.present[f >> 6] |= (uint64_t)1 << (f & 63);
            }
            jy_policy_eval_trace(p, &c, &ref[i], NULL);
        }
        columns_decide_as(p, &b, ref, got, outc, amt, "jy_policy_eval_columns (interval tables)", prog);
        /* were the interval tables used? (the same image the batch built) */
        jp_spec *spec = calloc(1, sizeof *spec);
        assert_non_null(spec);
        spec->date_known = 1;
        spec->date = base.date;
        for (int f = 0; f < p->nfacts; f++) {
            spec->kind[f] = ((base.present[f >> 6] >> (f & 63)) & 1) ? JP_FACT_CONST : JP_FACT_ABSENT;
            spec->value[f] = base.v[f];
        }
        for (int k = 0; k < b.ncols; k++) {
            spec->kind[b.fact[k]] = JP_FACT_COLUMN;
            spec->col[b.fact[k]] = (int16_t)k;
        }
        jp_image im;
        jp_image_build(p, spec, &im);
        jp_cells *cl = malloc(sizeof *cl);
        assert_non_null(cl);
        if (jp_cells_plan(&im, im.entry[prog], b.ncols, cl) == 0 && b.ncols > 0) planned++;
        jp_cells_free(cl);
        free(cl);
        jp_image_free(&im);
        free(spec);
    }
    assert_true(planned >= p->nprograms / 2);
}

static void evaluation_allocates_nothing(void **state)
{
    (void)state;
    const jy_policy *p = shipped;
    size_t before = jy_arena_used(p->arena);
    jy_policy_case c;
    jy_decision d;
    for (int i = 0; i < 20000; i++) {
        random_case(p, &c, i % p->nprograms);
        jy_policy_eval(p, &c, &d);
    }
    assert_int_equal(jy_arena_used(p->arena), before);
}

static void precomputed_reason_json_equals_escaped_rendering(void **state)
{
    (void)state;
    jy_policy *p = shipped;
    jy_policy_case c;
    jy_decision d;
    jy_sb fast = JY_SB_INIT, slow = JY_SB_INIT;
    for (int i = 0; i < 3000; i++) {
        random_case(p, &c, i % p->nprograms);
        jy_policy_eval(p, &c, &d);
        jy_sb_reset(&fast);
        jy_sb_reset(&slow);
        jy_policy_decision_json(p, i % 3 ? "c\"1" : "c1", i % 5 != 0, &d, 1, &fast);
        char **saved = p->reason_json;
        p->reason_json = NULL; /* the escaping renderer */
        jy_policy_decision_json(p, i % 3 ? "c\"1" : "c1", i % 5 != 0, &d, 1, &slow);
        p->reason_json = saved;
        assert_string_equal(jy_sb_cstr(&fast), jy_sb_cstr(&slow));
    }
    jy_sb_free(&fast);
    jy_sb_free(&slow);
}

int main(void)
{
    const struct CMUnitTest small[] = {
        cmocka_unit_test(legal_words_include_or_exclude_their_bound),
        cmocka_unit_test(parameter_period_changes_on_its_date_and_keeps_both_values),
        cmocka_unit_test(soft_rule_broken_gives_review_hard_rule_refuses),
        cmocka_unit_test(gap_and_conflict_are_found_and_sent_to_review),
    };
    const struct CMUnitTest big[] = {
        cmocka_unit_test(specialised_image_and_batch_decide_as_the_parser_code),
        cmocka_unit_test(batch_interval_tables_decide_as_the_parser_code),
        cmocka_unit_test(eval_many_decides_each_case_as_a_single_call),
        cmocka_unit_test(evaluation_allocates_nothing),
        cmocka_unit_test(precomputed_reason_json_equals_escaped_rendering),
    };
    int rc = cmocka_run_group_tests_name("policy rule language", small, NULL, NULL);
    rc += cmocka_run_group_tests_name("policy shipped rules", big, setup_shipped, teardown_shipped);
    return rc;
}
