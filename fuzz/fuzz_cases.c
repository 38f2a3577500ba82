/* Fuzz target: the JSON case readers and the evaluator on arbitrary lines, against the shipped
 * rule set ($JY_POLICY_DIR, else the source tree's policy/). Differential (issue 14 item 6): the
 * fast reader (jy_policy_reader_parse, src/policy/reader.c) must answer exactly as the reference
 * reader (jy_policy_case_parse, jansson) — the same return code, id, error text, programme, date,
 * facts present and their values, unrecognised name — and the decision lines written from the
 * two must be the same bytes; any difference aborts. And the in-place reading of a stored row
 * (jy_policy_reader_parse_parts, the budget simulation's): the input's first byte picks the
 * programme and date, the rest is the facts text, read in place and as the line written from
 * them by the reference reader — the same answer or an abort; and the fact vector of those parts
 * (jy_policy_factvec_make) read back as the same case, refused for facts one bit different. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

static jy_policy *pol;
static jy_policy_reader *rd;

static void differ(const char *what)
{
    fprintf(stderr, "fuzz_cases: the fast reader differs from the reference: %s\n", what);
    abort();
}

/* The two readers on one input, with the caller's own input names (as the case service and the
 * simulation give them) or without. */
static void compare(const uint8_t *data, size_t size, const char *const *inputs);
static void compare_parts(const uint8_t *data, size_t size, const char *const *inputs);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const FORM[] = {"start", "end", "site", "teachers", NULL};
    if (!pol) {
        const char *dir = getenv("JY_POLICY_DIR");
        if (jy_policy_load(dir && *dir ? dir : JY_POLICY_DIR, &pol, NULL) != 0) abort();
        rd = jy_policy_reader_new(pol);
    }
    compare(data, size, NULL);
    compare(data, size, FORM);
    compare_parts(data, size, FORM);
    return 0;
}

static void compare_parts(const uint8_t *data, size_t size, const char *const *inputs)
{
    static const char *const PROG[] = {"P1", "P13", "P99", "P\"1"};
    static jy_policy_case c, f;
    if (size == 0) return;
    const char *program = PROG[data[0] & 3];
    jy_date date = 0;
    if (!(data[0] & 4)) jy_date_parse("2024-03-15", &date, NULL);
    const char *facts = (const char *)data + 1;
    size_t n = size - 1;
    jy_sb line = JY_SB_INIT;
    char ds[JY_DATE_BUFSZ];
    jy_sb_append(&line, "{\"program\":");
    jy_sb_json_str(&line, program);
    jy_sb_append(&line, ",\"date\":\"");
    jy_sb_append(&line, date ? jy_date_format(date, ds) : "");
    jy_sb_append(&line, "\",\"facts\":");
    jy_sb_appendn(&line, facts, strnlen(facts, n));
    jy_sb_appendc(&line, '}');
    jy_err e1, e2;
    memset(&e1, 0, sizeof e1);
    memset(&e2, 0, sizeof e2);
    int has_id = 0;
    int rc = jy_policy_case_parse_inputs(pol, line.buf, line.len, inputs, &c, NULL, 0, &has_id, &e1);
    int frc = jy_policy_reader_parse_parts(rd, program, strlen(program), date, facts, n, inputs, &f, &e2);
    jy_sb_free(&line);
    if (rc != frc) differ("parts: return code");
    if (rc != 0) {
        if (strcmp(e1.msg, e2.msg) != 0) differ("parts: error text");
        return;
    }
    if (c.program != f.program || c.date != f.date) differ("parts: programme or date");
    if (memcmp(c.present, f.present, sizeof c.present) != 0) differ("parts: facts present");
    for (int i = 0; i < JY_POLICY_MAX_FACTS; i++)
        if (((c.present[i >> 6] >> (i & 63)) & 1) && c.v[i] != f.v[i]) differ("parts: a fact's value");
    if (strcmp(c.name, f.name) != 0) differ("parts: unrecognised name");
    /* the fact vector of the same parts (jy_policy_factvec_make) reads back as the same case, and
     * is refused with one bit of it flipped */
    static jy_policy_case v;
    jy_sb vec = JY_SB_INIT;
    if (jy_policy_factvec_make(rd, program, strlen(program), date, facts, n, inputs, &vec) == 0) {
        if (jy_policy_factvec_read(rd, vec.buf, vec.len, program, strlen(program), date, inputs, &v) != 0) {
            if (date) differ("vector: refused for its own parts");
        } else {
            if (v.program != f.program || v.date != f.date) differ("vector: programme or date");
            if (memcmp(v.present, f.present, sizeof v.present) != 0) differ("vector: facts present");
            for (int i = 0; i < JY_POLICY_MAX_FACTS; i++)
                if (((v.present[i >> 6] >> (i & 63)) & 1) && v.v[i] != f.v[i]) differ("vector: a fact's value");
            if (strcmp(v.name, f.name) != 0) differ("vector: unrecognised name");
        }
        /* one bit of the vector flipped (anywhere: key, checksum, counts, body): refused */
        size_t at = n % vec.len;
        vec.buf[at] ^= (char)(1 << (n % 8));
        if (jy_policy_factvec_read(rd, vec.buf, vec.len, program, strlen(program), date, inputs, &v) == 0)
            differ("vector: used with a bit flipped");
    }
    jy_sb_free(&vec);
}

static void compare(const uint8_t *data, size_t size, const char *const *inputs)
{
    static jy_policy_case c, f;
    char id[64], fid[64];
    int has_id, fhas_id;
    jy_err e1, e2;
    memset(&e1, 0, sizeof e1);
    memset(&e2, 0, sizeof e2);
    int rc = jy_policy_case_parse_inputs(pol, (const char *)data, size, inputs, &c, id, sizeof id, &has_id, &e1);
    int frc = jy_policy_reader_parse(rd, (const char *)data, size, inputs, &f, fid, sizeof fid, &fhas_id, &e2);
    if (rc != frc) differ("return code");
    if (has_id != fhas_id || (has_id && strcmp(id, fid) != 0)) differ("id");
    if (rc != 0) {
        if (strcmp(e1.msg, e2.msg) != 0) differ("error text");
        return;
    }
    if (c.program != f.program || c.date != f.date) differ("programme or date");
    if (memcmp(c.present, f.present, sizeof c.present) != 0) differ("facts present");
    for (int i = 0; i < JY_POLICY_MAX_FACTS; i++)
        if (((c.present[i >> 6] >> (i & 63)) & 1) && c.v[i] != f.v[i]) differ("a fact's value");
    if (strcmp(c.name, f.name) != 0) differ("unrecognised name");
    jy_decision d1, d2;
    jy_policy_eval(pol, &c, &d1);
    jy_policy_eval(pol, &f, &d2);
    jy_sb a = JY_SB_INIT, b = JY_SB_INIT;
    jy_policy_decision_json(pol, id, has_id, &d1, 1, &a);
    jy_policy_decision_json(pol, fid, fhas_id, &d2, 1, &b);
    if (a.len != b.len || memcmp(a.buf, b.buf, a.len) != 0) differ("decision line");
    jy_sb_free(&a);
    jy_sb_free(&b);
}
