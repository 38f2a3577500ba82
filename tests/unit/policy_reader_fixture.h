/* The fixture the reader's unit tests share (test_policy_reader_parts, test_policy_factvec):
 * the rules of JY_POLICY_DIR (default: policy) loaded once with a reader over them, and `same`,
 * which fails the test when two readings of a case differ. Include after <cmocka.h> and
 * policy/policy.h; the statics are the including test's own. */
#ifndef JY_TEST_POLICY_READER_FIXTURE_H
#define JY_TEST_POLICY_READER_FIXTURE_H

static jy_policy *pol;
static jy_policy_reader *rd;
static const char *dir; /* the rules' folder setup loaded */

static int setup(void **state)
{
    (void)state;
    dir = getenv("JY_POLICY_DIR");
    if (!dir || !*dir) dir = "policy";
    jy_err err;
    if (jy_policy_load(dir, &pol, &err) != 0) {
        fprintf(stderr, "policy: %s\n", err.msg);
        return -1;
    }
    rd = jy_policy_reader_new(pol);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    jy_policy_reader_free(rd);
    jy_policy_free(pol);
    return 0;
}

/* Fails with WHAT unless a and b read the same programme, date, facts, values and name. */
static void same(const jy_policy_case *a, const jy_policy_case *b, const char *what)
{
    if (a->program != b->program || a->date != b->date || memcmp(a->present, b->present, sizeof a->present) != 0 ||
        strcmp(a->name, b->name) != 0)
        fail_msg("%s: programme, date, facts present or name differ", what);
    for (int f = 0; f < JY_POLICY_MAX_FACTS; f++)
        if (((a->present[f >> 6] >> (f & 63)) & 1) && a->v[f] != b->v[f])
            fail_msg("%s: fact %d: %lld against %lld", what, f, (long long)a->v[f], (long long)b->v[f]);
}

#endif
