/* The fast case reader and `policy eval`'s stream (issue 14 item 6).
 *
 * jy_policy_reader_parse reads a JSON case line straight into the evaluator's fact slots: one
 * pass over the text (no jansson tree), fact names found by a hash table built once per rule set
 * (no string comparisons against every declared name), occupation names resolved once per
 * distinct spelling (a memo of the reference reader's own answer). It reads only what it is sure
 * of; on anything else — an escape in a string, a number it does not read plainly, a duplicate
 * or unknown name, a value the reference reader refuses, a shape it does not expect — it gives
 * the line to the reference reader (jy_policy_case_parse_inputs, case.c, jansson) and returns
 * its answer. So its answer is the reference reader's on every line: the same return code, the
 * same facts and values, the same id, the same error text (every error comes from the
 * reference). tests/cli/policy_eval_fast.sh compares `policy eval` on both paths byte for byte;
 * fuzz/fuzz_cases.c compares the two readers on arbitrary lines.
 *
 * What it does read itself is strict JSON as jansson reads it: strings without escapes or
 * control characters, valid UTF-8 (no overlong forms, surrogates or values past U+10FFFF), whole
 * numbers of at most 18 digits, decimals without an exponent, true/false/null, nested arrays and
 * objects (duplicate names refused), nothing after the object but white space. */
#include <math.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/internal.h"

#define PRESENT(c, f) (((c)->present[(f) >> 6] >> ((f) & 63)) & 1)

enum { JV_STR = 1, JV_INT, JV_REAL, JV_TRUE, JV_FALSE, JV_NULL, JV_ARR, JV_OBJ };
typedef struct jv {
    int kind;
    const char *s; /* JV_STR: the text without quotes; JV_ARR/JV_OBJ/JV_REAL: the whole value */
    size_t n;
    int64_t i;     /* JV_INT */
} jv;

/* fact names: open addressing; code = fact index, or one of the compound inputs */
enum { NAME_SLOTS = 1024, CODE_OCC = 0x7000, CODE_PRIOR = 0x7001 };
/* occupation spellings already resolved */
enum { OCC_SLOTS = 2048, OCC_MAX = 1024, OCC_LEN = 255 };
enum { PROG_SLOTS = 512, DATE_SLOTS = 1024, SYM_SLOTS = 2048, IN_SLOTS = 256 };

typedef struct occ_memo {
    char *s;
    uint32_t n;
    int rc, oi;
    const jp_syn *y;
} occ_memo;

struct jy_policy_reader {
    const jy_policy *p;
    const char *name[NAME_SLOTS];
    uint16_t name_len[NAME_SLOTS];
    uint16_t code[NAME_SLOTS];
    int fact_level;
    /* per fact: its range (jp_fact_range), precomputed */
    uint8_t ranged[JY_POLICY_MAX_FACTS];
    int64_t lo[JY_POLICY_MAX_FACTS], hi[JY_POLICY_MAX_FACTS];
    int sym_complete; /* every symbol is in the table (else jp_sym_index is asked) */
    /* programme ids: open addressing, value = index + 1 */
    const char *prog[PROG_SLOTS];
    uint16_t prog_n[PROG_SLOTS];
    int16_t prog_i[PROG_SLOTS];
    /* the symbols of enum and set facts: (fact, symbol) → its index (jp_sym_index) */
    const char *sym[SYM_SLOTS];
    uint16_t sym_n[SYM_SLOTS], sym_f[SYM_SLOTS], sym_i[SYM_SLOTS];
    /* case dates already read (jy_date_parse_loose is a function of the text alone) */
    char date_s[DATE_SLOTS][16];
    uint8_t date_n[DATE_SLOTS];
    jy_date date_v[DATE_SLOTS];
    int kind_track, kind_uncat; /* occupation_kind's symbols, or -1 */
    int *occ_kind;              /* per catalogue row: occupation_kind's symbol of its kind */
    occ_memo occ[OCC_SLOTS];
    int nocc_memo;
    long nfast, nref; /* lines read here, lines given to the reference reader */
    long nvec;        /* cases read from their fact vectors (jy_policy_factvec_read) */
    jy_sb line;       /* jy_policy_reader_parse_parts: the line written for the reference reader */
    /* the compound inputs' names of the last list seen (by its address), hashed: a name that is
     * not a fact is looked up once, not compared with every input's name */
    const char *const *in_for;
    int in_all;       /* 0: the list did not fit the table (is_input_n answers) */
    const char *in_name[IN_SLOTS];
    uint16_t in_len[IN_SLOTS];
    /* fact vectors: the catalogue's key (0: the rule set has no content hash, no vectors), and
     * the key with the inputs list folded in, for the list at vec_for */
    uint64_t vec_base, vec_key;
    const char *const *vec_for;
};

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint64_t h;
    if (n >= 8) { /* the first and the last eight bytes */
        uint64_t a, b;
        memcpy(&a, s, 8);
        memcpy(&b, s + n - 8, 8);
        h = a * 0x9E3779B97F4A7C15u ^ (b + n) * 0xC2B2AE3D27D4EB4Fu;
    } else if (n >= 4) { /* the first and the last four bytes (overlapping when n < 8) */
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        h = ((uint64_t)a << 32 | b) * 0x9E3779B97F4A7C15u ^ n * 0xC2B2AE3D27D4EB4Fu;
    } else {
        h = n;
        for (size_t i = 0; i < n; i++) h = h << 8 | (unsigned char)s[i];
        h *= 0x9E3779B97F4A7C15u;
    }
    return (uint32_t)(h >> 32 ^ h);
}

/* n bytes at a and b equal; n ≥ 8 compares two overlapping words */
static inline int same_bytes(const char *a, const char *b, size_t n)
{
    if (n >= 8 && n <= 16) {
        uint64_t x0, x1, y0, y1;
        memcpy(&x0, a, 8);
        memcpy(&y0, b, 8);
        memcpy(&x1, a + n - 8, 8);
        memcpy(&y1, b + n - 8, 8);
        return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
    return memcmp(a, b, n) == 0;
}

static void name_put(jy_policy_reader *r, const char *s, uint16_t code)
{
    size_t n = strlen(s);
    if (n > 0xffff) return; /* never found: the reference reader answers */
    for (uint32_t h = hash_bytes(s, n) & (NAME_SLOTS - 1);; h = (h + 1) & (NAME_SLOTS - 1)) {
        if (!r->name[h]) {
            r->name[h] = s;
            r->name_len[h] = (uint16_t)n;
            r->code[h] = code;
            return;
        }
        if (r->name_len[h] == n && memcmp(r->name[h], s, n) == 0) return; /* the first one wins */
    }
}

/* The code of a name in a case's facts, or -1 when it is neither a fact nor a compound input. */
static int name_code(const jy_policy_reader *r, const char *s, size_t n)
{
    for (uint32_t h = hash_bytes(s, n) & (NAME_SLOTS - 1); r->name[h]; h = (h + 1) & (NAME_SLOTS - 1))
        if (r->name_len[h] == n && same_bytes(r->name[h], s, n)) return r->code[h];
    return -1;
}

static uint32_t sym_hash(int f, const char *s, size_t n)
{
    return (hash_bytes(s, n) ^ (uint32_t)f * 0x9E3779B1u) & (SYM_SLOTS - 1);
}

/* jp_sym_index(&p->facts[f], the n bytes at s) by the table; -1 when not a symbol of f */
static int sym_lookup(const jy_policy_reader *r, int f, const char *s, size_t n)
{
    for (uint32_t h = sym_hash(f, s, n); r->sym[h]; h = (h + 1) & (SYM_SLOTS - 1))
        if (r->sym_f[h] == f && r->sym_n[h] == n && memcmp(r->sym[h], s, n) == 0) return r->sym_i[h];
    return -1;
}

/* ---- fact vectors: keys and the text hash ---- */

enum { FACTVEC_FORMAT = 2, FACTVEC_HEAD = 8 + 16 + 2 + 1 };

static inline uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53u;
    h ^= h >> 33;
    return h;
}

/* Two independent 64-bit lanes over n bytes, continuing from h[0], h[1]: sixteen bytes a step,
 * the first eight into one lane, the next eight into the other (each step a bijection of its
 * lane's state, so a difference in one word always reaches the end), the tail and the length
 * into both; then both lanes mixed into both halves. */
static void hash128(uint64_t h[2], const void *data, size_t n)
{
    const unsigned char *s = data;
    uint64_t a = h[0], b = h[1];
    size_t len = n;
    while (n >= 16) {
        uint64_t w0, w1;
        memcpy(&w0, s, 8);
        memcpy(&w1, s + 8, 8);
        a = (a ^ w0) * 0x9E3779B97F4A7C15u;
        a ^= a >> 29;
        b = (b ^ w1) * 0xC2B2AE3D27D4EB4Fu;
        b ^= b >> 31;
        s += 16;
        n -= 16;
    }
    uint64_t w0 = 0, w1 = 0;
    if (n > 8) {
        memcpy(&w0, s, 8);
        memcpy(&w1, s + 8, n - 8);
    } else {
        memcpy(&w0, s, n);
    }
    a = (a ^ w0 ^ (uint64_t)len << 40) * 0x9E3779B97F4A7C15u;
    b = (b ^ w1 ^ len) * 0xC2B2AE3D27D4EB4Fu;
    h[0] = mix64(a ^ b >> 17);
    h[1] = mix64(b + a);
}

static void hash_str(uint64_t h[2], const char *s)
{
    hash128(h, s, strlen(s) + 1);
}

/* The rule set's fact catalogue, as far as a reading depends on it: its content hash (every
 * rules file, the occupation catalogue, the synonyms), the facts' names, types, ranges and
 * symbols in index order, and the format of a vector. 0 when the rule set has no content hash. */
static uint64_t catalogue_key(const jy_policy *p)
{
    const char *ph = jy_policy_hash(p);
    if (strlen(ph) != 16 || strspn(ph, "0123456789abcdef") != 16) return 0;
    uint64_t h[2] = {0x6a79666163747665u, FACTVEC_FORMAT};
    hash_str(h, ph);
    int head[2] = {p->nfacts, (int)sizeof(jy_policy_case)};
    hash128(h, head, sizeof head);
    for (int f = 0; f < p->nfacts; f++) {
        const jp_fact *fa = &p->facts[f];
        hash_str(h, fa->name);
        int64_t t[5] = {fa->type, fa->has_range, fa->lo, fa->hi, fa->derived * 2 + fa->nsyms * 4};
        hash128(h, t, sizeof t);
        for (int i = 0; i < fa->nsyms; i++) hash_str(h, fa->syms[i]);
    }
    return h[0] | 1;
}

/* The reader's key with the inputs list's names folded in (the list is kept by its address). */
static uint64_t vec_key(jy_policy_reader *r, const char *const *inputs)
{
    if (!r->vec_base) return 0;
    if (r->vec_for != inputs || !r->vec_key) {
        uint64_t h[2] = {r->vec_base, 0x696e70757473u};
        for (const char *const *s = inputs; s && *s; s++) hash_str(h, *s);
        r->vec_for = inputs;
        r->vec_key = h[0] | 1;
    }
    return r->vec_key;
}

/* The seed of a vector's checksum: its programme and date (the facts' bytes are not hashed: the
 * store clears a vector whose row's facts change without it — migration 15's trigger). */
static void parts_hash(uint64_t h[2], const char *program, size_t program_len, jy_date date)
{
    h[0] = 0x7061727473u ^ (uint64_t)program_len << 32;
    h[1] = (uint64_t)(uint32_t)date ^ (uint64_t)FACTVEC_FORMAT << 40;
    hash128(h, program, program_len);
}

jy_policy_reader *jy_policy_reader_new(const jy_policy *p)
{
    jy_policy_reader *r = calloc(1, sizeof *r);
    if (!r) abort();
    r->p = p;
    /* compound names first: the reference reader tests them by name before using a fact */
    name_put(r, "occupation", CODE_OCC);
    name_put(r, "prior_trainings", CODE_PRIOR);
    int nf = p->nfacts < JY_POLICY_MAX_FACTS ? p->nfacts : JY_POLICY_MAX_FACTS;
    for (int i = 0; i < nf && i < NAME_SLOTS / 2; i++) name_put(r, p->facts[i].name, (uint16_t)i);
    r->fact_level = jy_policy_fact_index(p, "level");
    for (int f = 0; f < nf; f++) r->ranged[f] = (uint8_t)jp_fact_range(&p->facts[f], &r->lo[f], &r->hi[f]);
    int nsym = 0;
    for (int f = 0; f < nf; f++) {
        const jp_fact *fa = &p->facts[f];
        if (fa->type != T_ENUM && fa->type != T_SET) continue;
        for (int i = 0; i < fa->nsyms && nsym < SYM_SLOTS / 2; i++) {
            size_t n = strlen(fa->syms[i]);
            if (n > 0xffff || sym_lookup(r, f, fa->syms[i], n) >= 0) continue; /* the first one wins */
            uint32_t h = sym_hash(f, fa->syms[i], n);
            while (r->sym[h]) h = (h + 1) & (SYM_SLOTS - 1);
            r->sym[h] = fa->syms[i];
            r->sym_n[h] = (uint16_t)n;
            r->sym_f[h] = (uint16_t)f;
            r->sym_i[h] = (uint16_t)i;
            nsym++;
        }
    }
    r->sym_complete = nsym < SYM_SLOTS / 2;
    for (int i = 0; i < p->nprograms && i < PROG_SLOTS / 2; i++) {
        const char *id = p->programs[i].id;
        size_t n = strlen(id);
        if (n > 0xffff) continue;
        uint32_t h = hash_bytes(id, n) & (PROG_SLOTS - 1);
        int dup = 0;
        for (; r->prog[h]; h = (h + 1) & (PROG_SLOTS - 1))
            if (r->prog_n[h] == n && memcmp(r->prog[h], id, n) == 0) dup = 1; /* the first one wins */
        if (dup) continue;
        r->prog[h] = id;
        r->prog_n[h] = (uint16_t)n;
        r->prog_i[h] = (int16_t)i;
    }
    r->vec_base = catalogue_key(p);
    r->kind_track = r->kind_uncat = -1;
    r->occ_kind = calloc((size_t)(p->nocc > 0 ? p->nocc : 1), sizeof *r->occ_kind);
    if (!r->occ_kind) abort();
    if (p->fact_occupation_kind >= 0) {
        const jp_fact *kf = &p->facts[p->fact_occupation_kind];
        r->kind_track = jp_sym_index(kf, "track");
        r->kind_uncat = jp_sym_index(kf, "uncatalogued");
        for (int i = 0; i < p->nocc; i++) r->occ_kind[i] = p->occ[i].kind ? jp_sym_index(kf, p->occ[i].kind) : -1;
    }
    return r;
}

void jy_policy_reader_free(jy_policy_reader *r)
{
    if (!r) return;
    for (int i = 0; i < OCC_SLOTS; i++) free(r->occ[i].s);
    free(r->occ_kind);
    jy_sb_free(&r->line);
    free(r);
}

/* The reference reader's resolution of an occupation name s (NUL-terminated, n bytes), once per
 * distinct spelling. */
static int occ_resolve(jy_policy_reader *r, const char *s, size_t n, int *oi, const jp_syn **y)
{
    uint32_t h = hash_bytes(s, n) & (OCC_SLOTS - 1);
    for (; r->occ[h].s; h = (h + 1) & (OCC_SLOTS - 1))
        if (r->occ[h].n == n && memcmp(r->occ[h].s, s, n) == 0) {
            *oi = r->occ[h].oi;
            *y = r->occ[h].y;
            return r->occ[h].rc;
        }
    int rc = jp_resolve_occupation(r->p, s, oi, y);
    if (r->nocc_memo < OCC_MAX) {
        occ_memo *m = &r->occ[h];
        m->s = malloc(n + 1);
        if (!m->s) abort();
        memcpy(m->s, s, n + 1);
        m->n = (uint32_t)n;
        m->rc = rc;
        m->oi = *oi;
        m->y = *y;
        r->nocc_memo++;
    }
    return rc;
}

/* jy_policy_occupation_name through the memo */
static const char *occ_name_of(jy_policy_reader *r, const char *s, size_t n)
{
    int oi;
    const jp_syn *y;
    if (occ_resolve(r, s, n, &oi, &y) != 0) return NULL;
    return oi >= 0 ? r->p->occ[oi].name : y->means;
}

/* jy_date_parse_loose of the n bytes at s (no NUL among them), remembered per text. */
static int read_date(jy_policy_reader *r, const char *s, size_t n, jy_date *out)
{
    char buf[64];
    if (n >= sizeof buf) return -1;
    uint32_t h = 0;
    if (n > 0 && n < 16) {
        h = hash_bytes(s, n) & (DATE_SLOTS - 1);
        if (r->date_n[h] == n && memcmp(r->date_s[h], s, n) == 0) {
            *out = r->date_v[h];
            return 0;
        }
    }
    /* YYYY-MM-DD: the strict reading, which the loose one gives on every such text */
    if (n != 10 || jy_date_parse_n(s, n, out, NULL) != 0) {
        memcpy(buf, s, n);
        buf[n] = 0;
        if (jy_date_parse_loose(buf, out, NULL) != 0) return -1;
    }
    if (n > 0 && n < 16) {
        memcpy(r->date_s[h], s, n);
        r->date_n[h] = (uint8_t)n;
        r->date_v[h] = *out;
    }
    return 0;
}

/* ---- the scanner: every function returns NULL where the reference reader must decide ---- */

static inline const char *skip_ws(const char *p, const char *e)
{
    if (p < e && (unsigned char)*p > ' ') return p; /* the usual case: no white space */
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

/* The length of the valid UTF-8 sequence at p (2–4), or 0. */
static inline int utf8_seq(const unsigned char *p, const unsigned char *e)
{
    unsigned c = p[0];
    if (c >= 0xC2 && c <= 0xDF) return e - p >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (e - p < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && p[1] < 0xA0) return 0; /* overlong */
        if (c == 0xED && p[1] > 0x9F) return 0; /* surrogates */
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (e - p < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80) return 0;
        if (c == 0xF0 && p[1] < 0x90) return 0;   /* overlong */
        if (c == 0xF4 && p[1] > 0x8F) return 0;   /* past U+10FFFF */
        return 4;
    }
    return 0;
}

/* p at '"': past the closing quote. Sixteen bytes at a time (SSE2; else eight, where the lowest
 * byte flagged in a word is the first quote, backslash, control character or byte of a
 * multi-byte character: a flag can be wrong only above a true one): the plain bytes before the
 * first such byte are skipped at once. */
static inline const char *scan_string(const char *p, const char *e)
{
    for (p++; p < e;) {
#if defined(__SSE2__)
        if (e - p >= 16) { /* sixteen at a time: the first quote, backslash, byte < 0x20 or ≥ 0x80 */
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
            __m128i sp = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('"')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\\')));
            /* signed: bytes ≥ 0x80 are negative, so "< 0x20" catches them too */
            sp = _mm_or_si128(sp, _mm_cmplt_epi8(x, _mm_set1_epi8(0x20)));
            unsigned m = (unsigned)_mm_movemask_epi8(sp);
            if (!m) {
                p += 16;
                continue;
            }
            p += __builtin_ctz(m);
        }
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        if (e - p >= 8) {
            const uint64_t ONES = 0x0101010101010101u, HIGH = 0x8080808080808080u;
            uint64_t x;
            memcpy(&x, p, 8);
            uint64_t q = x ^ (ONES * '"'), b = x ^ (ONES * '\\');
            uint64_t m = (((q - ONES) & ~q) | ((b - ONES) & ~b) | (x - ONES * 0x20) | x) & HIGH;
            if (!m) {
                p += 8;
                continue;
            }
            p += __builtin_ctzll(m) >> 3;
        }
#endif
        unsigned char ch = (unsigned char)*p;
        if (ch == '"') return p + 1;
        if (ch == '\\' || ch < 0x20) return NULL;
        if (ch < 0x80) {
            p++;
            continue;
        }
        int k = utf8_seq((const unsigned char *)p, (const unsigned char *)e);
        if (!k) return NULL;
        p += k;
    }
    return NULL;
}

static const char *scan_value(const char *p, const char *e, jv *v, int depth);

/* p at '{' or '[': past the closing bracket, every member checked (and an object's names
 * distinct, as JSON_REJECT_DUPLICATES wants). */
static const char *scan_nested(const char *p, const char *e, int depth)
{
    int obj = *p == '{';
    enum { MAXK = 32 };
    const char *ks[MAXK];
    size_t kn[MAXK];
    int nk = 0;
    if (depth > 16) return NULL;
    p = skip_ws(p + 1, e);
    if (p < e && *p == (obj ? '}' : ']')) return p + 1;
    for (;;) {
        jv v;
        if (obj) {
            if (p >= e || *p != '"') return NULL;
            const char *q = scan_string(p, e);
            if (!q) return NULL;
            const char *k = p + 1;
            size_t n = (size_t)(q - p - 2);
            if (nk == MAXK) return NULL;
            for (int i = 0; i < nk; i++)
                if (kn[i] == n && memcmp(ks[i], k, n) == 0) return NULL;
            ks[nk] = k;
            kn[nk++] = n;
            p = skip_ws(q, e);
            if (p >= e || *p != ':') return NULL;
            p = skip_ws(p + 1, e);
        }
        if (!(p = scan_value(p, e, &v, depth + 1))) return NULL;
        p = skip_ws(p, e);
        if (p >= e) return NULL;
        if (*p == ',') {
            p = skip_ws(p + 1, e);
            continue;
        }
        if (*p == (obj ? '}' : ']')) return p + 1;
        return NULL;
    }
}

static const char *scan_value(const char *p, const char *e, jv *v, int depth)
{
    if (p >= e) return NULL;
    const char *q;
    switch (*p) {
    case '"':
        if (!(q = scan_string(p, e))) return NULL;
        v->kind = JV_STR;
        v->s = p + 1;
        v->n = (size_t)(q - p - 2);
        return q;
    case '{':
    case '[':
        if (!(q = scan_nested(p, e, depth))) return NULL;
        v->kind = *p == '{' ? JV_OBJ : JV_ARR;
        v->s = p;
        v->n = (size_t)(q - p);
        return q;
    case 't':
        if (e - p < 4 || memcmp(p, "true", 4) != 0) return NULL;
        v->kind = JV_TRUE;
        return p + 4;
    case 'f':
        if (e - p < 5 || memcmp(p, "false", 5) != 0) return NULL;
        v->kind = JV_FALSE;
        return p + 5;
    case 'n':
        if (e - p < 4 || memcmp(p, "null", 4) != 0) return NULL;
        v->kind = JV_NULL;
        return p + 4;
    default: break;
    }
    /* a number: -?(0|[1-9][0-9]*)(.[0-9]+)? ; no exponent, at most 18 digits before the point */
    q = p;
    int neg = 0;
    if (*q == '-') {
        neg = 1;
        q++;
    }
    if (q >= e) return NULL;
    int64_t x = 0;
    int nd = 0;
    if (*q == '0') {
        q++;
        nd = 1;
    } else if (*q >= '1' && *q <= '9') {
        while (q < e && *q >= '0' && *q <= '9') {
            if (++nd > 18) return NULL;
            x = x * 10 + (*q++ - '0');
        }
    } else {
        return NULL;
    }
    if (q < e && (*q == 'e' || *q == 'E')) return NULL;
    if (q < e && *q == '.') {
        const char *d = ++q;
        while (q < e && *q >= '0' && *q <= '9') q++;
        if (q == d || q - p > 40 || (q < e && (*q == 'e' || *q == 'E'))) return NULL;
        v->kind = JV_REAL;
        v->s = p;
        v->n = (size_t)(q - p);
        return q;
    }
    v->kind = JV_INT;
    v->i = neg ? -x : x;
    return q;
}

/* The members of an object already scanned (v->s .. v->s + v->n): calls on each name/value. */
typedef struct members {
    const char *p, *e;
} members;

static void members_begin(members *m, const jv *obj)
{
    m->p = skip_ws(obj->s + 1, obj->s + obj->n);
    m->e = obj->s + obj->n;
}

/* Next member: 1 with name k/kn and value v, 0 at the end (the text was checked already). */
static int members_next(members *m, const char **k, size_t *kn, jv *v)
{
    const char *p = m->p;
    if (*p == '}') return 0;
    const char *q = scan_string(p, m->e);
    *k = p + 1;
    *kn = (size_t)(q - p - 2);
    p = skip_ws(skip_ws(q, m->e) + 1, m->e); /* past ':' */
    p = skip_ws(scan_value(p, m->e, v, 0), m->e);
    if (*p == ',') p = skip_ws(p + 1, m->e);
    m->p = p;
    return 1;
}

/* The items of an array already scanned. */
static int items_next(members *m, jv *v)
{
    const char *p = m->p;
    if (*p == ']') return 0;
    p = skip_ws(scan_value(p, m->e, v, 0), m->e);
    if (*p == ',') p = skip_ws(p + 1, m->e);
    m->p = p;
    return 1;
}

/* A string value as a C string in buf (cap bytes): 0, or -1 when it does not fit. */
static int cstr(const jv *v, char *buf, size_t cap)
{
    if (v->n >= cap) return -1;
    memcpy(buf, v->s, v->n);
    buf[v->n] = 0;
    return 0;
}

/* json_int's reading of a string (case.c): an optional "level", an optional '-', digits. */
static int str_int(const char *s, int64_t *out)
{
    if (strncmp(s, "level", 5) == 0) s += 5;
    if (!*s) return -1;
    int64_t r = 0;
    int neg = *s == '-';
    if (neg) s++;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || r > INT64_MAX / 10 - 10) return -1;
        r = r * 10 + (*s - '0');
    }
    *out = neg ? -r : r;
    return 0;
}

/* The n bytes at s (-?digits.digits, as scan_value read a decimal) as strtod reads them, when
 * that is one correctly rounded division: at most 15 digits, so the digits M are exact in a
 * double, and 10^k is exact; M / 10^k is then rounded once, as strtod rounds (Clinger's fast
 * path). 0: use strtod. */
static int decimal_exact(const char *s, size_t n, double *out)
{
    static const double P10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    const char *e = s + n;
    int neg = s < e && *s == '-';
    if (neg) s++;
    uint64_t m = 0;
    int nd = 0, k = -1;
    for (; s < e; s++) {
        if (*s == '.') {
            if (k >= 0) return 0;
            k = 0;
            continue;
        }
        if (*s < '0' || *s > '9' || ++nd > 15) return 0;
        m = m * 10 + (uint64_t)(*s - '0');
        if (k >= 0) k++;
    }
    if (nd == 0 || k < 0) return 0;
    double d = (double)m / P10[k];
    *out = neg ? -d : d;
    return 1;
}

/* fact_value (case.c) where it succeeds: 0 with *out, 1 for "no value", -1: the reference
 * reader decides (an error, or a form read here only by it). */
static int fact_value_fast(jy_policy_reader *r, const jp_fact *f, const jv *v0, int64_t *out)
{
    const jy_policy *p = r->p;
    char buf[256];
    jv v = *v0;
    int fi = (int)(f - p->facts);
    if (v.kind == JV_STR && f->type == T_ENUM && r->sym_complete) {
        int si = sym_lookup(r, fi, v.s, v.n);
        if (si >= 0) {
            *out = si;
            goto range;
        }
    }
    if (v.kind == JV_STR && (f->type == T_INT || f->type == T_ENUM || f->type == T_CODE)) {
        if (cstr(&v, buf, sizeof buf)) return -1;
        int64_t tmp = 0;
        int direct = f->type == T_ENUM ? jp_sym_index(f, buf) >= 0 : str_int(buf, &tmp) == 0;
        if (direct && f->type != T_ENUM) { /* the number the switch below would read again */
            if (f->type == T_CODE && tmp < 0) return -1;
            *out = tmp;
            goto range;
        }
        const char *m = direct ? NULL : jp_value_syn(p, f, buf);
        if (m && strcmp(m, "-") == 0) return 1;
        if (m) {
            size_t n = strlen(m);
            if (n >= sizeof buf) return -1;
            memcpy(buf, m, n + 1);
        }
        v.s = buf;
        v.n = strlen(buf);
    }
    switch (f->type) {
    case T_INT:
    case T_CODE:
        if (v.kind == JV_INT) *out = v.i;
        else if (v.kind != JV_STR || v.s != buf || str_int(buf, out) != 0) return -1;
        if (f->type == T_CODE && *out < 0) return -1;
        break;
    case T_MONEY:
        if (v.kind == JV_STR) {
            if (jy_money_parse_n(v.s, v.n, out, NULL) != 0) return -1; /* = jy_money_parse: no NUL in v */
        } else if (v.kind == JV_INT) {
            if (v.i > INT64_MAX / 100 || v.i < INT64_MIN / 100) return -1;
            *out = v.i * 100;
        } else {
            return -1;
        }
        break;
    case T_RATIO:
        if (v.kind == JV_INT || v.kind == JV_REAL) {
            double d;
            if (v.kind == JV_INT) {
                d = (double)v.i;
            } else if (!decimal_exact(v.s, v.n, &d)) {
                char nb[48];
                if (v.n >= sizeof nb) return -1;
                memcpy(nb, v.s, v.n);
                nb[v.n] = 0;
                d = strtod(nb, NULL);
            }
            if (!(d >= -1e9 && d <= 1e9)) return -1;
            *out = (int64_t)llround(d * 10000.0);
        } else if (v.kind == JV_STR) {
            if (cstr(&v, buf, sizeof buf)) return -1;
            size_t n = v.n;
            int pct = n > 0 && buf[n - 1] == '%';
            jy_fen x;
            if (jy_money_parse_n(buf, pct ? n - 1 : n, &x, NULL) != 0) return -1;
            if (pct) *out = x;
            else if (__builtin_mul_overflow(x, (int64_t)100, out)) return -1;
        } else {
            return -1;
        }
        break;
    case T_BOOL:
        if (v.kind != JV_TRUE && v.kind != JV_FALSE) return -1;
        *out = v.kind == JV_TRUE;
        break;
    case T_DATE: {
        jy_date d;
        if (v.kind != JV_STR || read_date(r, v.s, v.n, &d) != 0) return -1;
        *out = d;
        break;
    }
    case T_ENUM: {
        if (v.kind != JV_STR) return -1;
        if (v.s != buf && cstr(&v, buf, sizeof buf)) return -1;
        int s = jp_sym_index(f, buf);
        if (s < 0) return -1;
        *out = s;
        break;
    }
    case T_SET: {
        if (v.kind != JV_ARR) return -1;
        uint64_t mask = 0;
        members it;
        it.p = skip_ws(v.s + 1, v.s + v.n);
        it.e = v.s + v.n;
        jv x;
        while (items_next(&it, &x)) {
            if (x.kind != JV_STR) return -1;
            int s = r->sym_complete ? sym_lookup(r, fi, x.s, x.n) : -2;
            if (s >= 0) {
                mask |= (uint64_t)1 << s;
                continue;
            }
            if (cstr(&x, buf, sizeof buf)) return -1;
            s = jp_sym_index(f, buf);
            if (s < 0) {
                const char *means = jp_value_syn(p, f, buf);
                if (means && strcmp(means, "-") == 0) continue;
                if (means) s = jp_sym_index(f, means);
            }
            if (s < 0) return -1;
            mask |= (uint64_t)1 << s;
        }
        *out = (int64_t)mask;
        break;
    }
    default:
        return -1;
    }
range:
    if (r->ranged[fi] && (*out < r->lo[fi] || *out > r->hi[fi])) return -1;
    return 0;
}

static inline void set_fact(jy_policy_case *c, int f, int64_t v)
{
    c->v[f] = v;
    c->present[f >> 6] |= (uint64_t)1 << (f & 63);
}

static int is_input_n(const char *const *inputs, const char *k, size_t n)
{
    for (const char *const *s = inputs; s && *s; s++)
        if (strlen(*s) == n && memcmp(*s, k, n) == 0) return 1;
    return 0;
}

/* is_input_n through the reader's table of the list's names (built when the list changes; the
 * lists are static arrays such as jy_case_form_inputs, so the address names the list). */
static int is_input(jy_policy_reader *r, const char *const *inputs, const char *k, size_t n)
{
    if (!inputs) return 0;
    if (r->in_for != inputs) {
        memset(r->in_name, 0, sizeof r->in_name);
        r->in_for = inputs;
        r->in_all = 1;
        int cnt = 0;
        for (const char *const *s = inputs; *s && r->in_all; s++) {
            size_t sn = strlen(*s);
            if (sn > 0xffff || ++cnt > IN_SLOTS / 2) {
                r->in_all = 0;
                break;
            }
            uint32_t h = hash_bytes(*s, sn) & (IN_SLOTS - 1);
            while (r->in_name[h]) h = (h + 1) & (IN_SLOTS - 1);
            r->in_name[h] = *s;
            r->in_len[h] = (uint16_t)sn;
        }
    }
    if (!r->in_all) return is_input_n(inputs, k, n);
    for (uint32_t h = hash_bytes(k, n) & (IN_SLOTS - 1); r->in_name[h]; h = (h + 1) & (IN_SLOTS - 1))
        if (r->in_len[h] == n && memcmp(r->in_name[h], k, n) == 0) return 1;
    return 0;
}

/* What the facts object leaves for after it: the compound inputs and the level. */
typedef struct facts_state {
    uint64_t seen[JY_POLICY_MAX_FACTS / 64];
    int seen_occ, seen_prior;
    const char *in_k[16];
    size_t in_n[16];
    int nin;
    char occupation[OCC_LEN + 1];
    int has_occ;
    size_t occ_len;
    jv priors;
    int64_t level;
    int has_level;
} facts_state;

static inline void fs_init(facts_state *fs)
{
    fs->seen_occ = fs->seen_prior = fs->nin = fs->has_occ = fs->has_level = 0;
    memset(fs->seen, 0, sizeof fs->seen);
    fs->priors.kind = 0;
    fs->level = 0;
    fs->occ_len = 0;
}

/* An object member's name at s ('"' expected): its text (escapes left as they are) in *k, *kn,
 * and the position after the ':' and the blanks that follow; NULL when s holds no "name": . */
static const char *scan_key(const char *s, const char *e, const char **k, size_t *kn)
{
    if (s >= e || *s != '"') return NULL;
    const char *q = scan_string(s, e);
    if (!q) return NULL;
    *k = s + 1;
    *kn = (size_t)(q - s - 2);
    s = skip_ws(q, e);
    if (s >= e || *s != ':') return NULL;
    return skip_ws(s + 1, e);
}

/* The facts object at *sp ('{'), read member by member into c in the same pass that checks it;
 * *sp past it. 0, or -1 (the reference reader decides). */
static int read_facts(jy_policy_reader *r, const char **sp, const char *e, const char *const *inputs,
                      jy_policy_case *c, facts_state *fs)
{
    const jy_policy *p = r->p;
    const char *s = skip_ws(*sp + 1, e);
    if (s < e && *s == '}') {
        *sp = s + 1;
        return 0;
    }
    for (;;) {
        const char *k;
        size_t kn;
        if (!(s = scan_key(s, e, &k, &kn))) return -1;
        jv v;
        if (!(s = scan_value(s, e, &v, 1))) return -1;
        s = skip_ws(s, e);
        if (s >= e) return -1;
        int last = *s == '}';
        if (*s == ',') s = skip_ws(s + 1, e);
        else if (last) s++;
        else return -1;
        int code = name_code(r, k, kn);
        if (code < 0) {
            if (!is_input(r, inputs, k, kn)) return -1; /* unknown fact: the reference names it */
            for (int i = 0; i < fs->nin; i++)
                if (fs->in_n[i] == kn && memcmp(fs->in_k[i], k, kn) == 0) return -1;
            if (fs->nin == 16) return -1;
            fs->in_k[fs->nin] = k;
            fs->in_n[fs->nin++] = kn;
        } else if (code == CODE_OCC) {
            if (fs->seen_occ++) return -1;
            if (v.kind != JV_NULL) {
                if (v.kind != JV_STR || v.n == 0 || cstr(&v, fs->occupation, sizeof fs->occupation)) return -1;
                fs->has_occ = 1;
                fs->occ_len = v.n;
            }
        } else if (code == CODE_PRIOR) {
            if (fs->seen_prior++) return -1;
            if (v.kind != JV_NULL) {
                if (v.kind != JV_ARR) return -1;
                fs->priors = v;
            }
        } else {
            if ((fs->seen[code >> 6] >> (code & 63)) & 1) return -1;
            fs->seen[code >> 6] |= (uint64_t)1 << (code & 63);
            if (v.kind != JV_NULL) {
                const jp_fact *f = &p->facts[code];
                int64_t x;
                int rc;
                if (f->derived || (rc = fact_value_fast(r, f, &v, &x)) < 0) return -1;
                if (rc == 0) {
                    if (code == r->fact_level) {
                        fs->level = x;
                        fs->has_level = 1;
                    }
                    set_fact(c, code, x);
                }
            }
        }
        if (last) break;
    }
    *sp = s; /* past the closing brace */
    return 0;
}

/* What follows the facts object's reading, on the case whose programme and date are set: the
 * occupation's name resolved and the prior trainings counted. 0, or -1 (the reference decides). */
static int finish(jy_policy_reader *r, jy_policy_case *c, const facts_state *fs)
{
    const jy_policy *p = r->p;
    const char *const occupation = fs->occupation;
    const int has_occ = fs->has_occ, has_level = fs->has_level;
    const size_t occ_len = fs->occ_len;
    const int64_t level = fs->level;
    const jv priors = fs->priors;
    const char *k;
    size_t kn;
    /* the occupation */
    const char *occ_name = NULL;
    if (has_occ) {
        int oi = -1;
        const jp_syn *y = NULL;
        if (occ_resolve(r, occupation, occ_len, &oi, &y) == 0) {
            occ_name = oi >= 0 ? p->occ[oi].name : y->means;
            for (int i = 0; y && i < y->nimp; i++) {
                int fi = y->imp_fact[i];
                if (PRESENT(c, fi) && c->v[fi] != y->imp_val[i]) return -1;
                set_fact(c, fi, y->imp_val[i]);
            }
        } else {
            size_t u = strnlen(occupation, JY_POLICY_NAME_MAX - 1);
            while (u > 0 && ((unsigned char)occupation[u] & 0xC0) == 0x80) u--;
            memcpy(c->name, occupation, u);
            c->name[u] = 0;
        }
        if (p->fact_occupation_kind >= 0) {
            int sk = !occ_name ? r->kind_uncat : oi >= 0 ? r->occ_kind[oi] : r->kind_track;
            if (sk >= 0) set_fact(c, p->fact_occupation_kind, sk);
        }
    }
    /* prior trainings (case.c: the same rules) */
    if (priors.kind) {
        int same = 0, this_year = 0, y0, m0, d0;
        jy_date_to_ymd(c->date, &y0, &m0, &d0);
        members pi;
        pi.p = skip_ws(priors.s + 1, priors.s + priors.n);
        pi.e = priors.s + priors.n;
        jv item;
        while (items_next(&pi, &item)) {
            if (item.kind != JV_OBJ) return -1;
            jv po = {0}, pl = {0}, pd = {0}, ps = {0}, x;
            members m;
            members_begin(&m, &item);
            while (members_next(&m, &k, &kn, &x)) {
                if (kn == 10 && memcmp(k, "occupation", 10) == 0) po = x;
                else if (kn == 5 && memcmp(k, "level", 5) == 0) pl = x;
                else if (kn == 4 && memcmp(k, "date", 4) == 0) pd = x;
                else if (kn == 10 && memcmp(k, "subsidised", 10) == 0) ps = x;
            }
            jy_date dd = 0;
            if (pd.kind) {
                if (pd.kind != JV_STR || read_date(r, pd.s, pd.n, &dd) != 0) return -1;
                if (dd > c->date) continue;
            }
            if (has_occ && has_level && po.kind == JV_STR && pl.kind) {
                char pob[OCC_LEN + 1];
                if (cstr(&po, pob, sizeof pob)) return -1;
                const char *pn = occ_name_of(r, pob, po.n);
                int same_occ = occ_name && pn ? strcmp(occ_name, pn) == 0 : !occ_name && !pn && strcmp(pob, occupation) == 0;
                int64_t a = 0;
                int pl_ok = 0;
                if (pl.kind == JV_STR) {
                    char lb[256];
                    int lv;
                    if (cstr(&pl, lb, sizeof lb)) return -1;
                    if (jy_policy_level_value(p, lb, &lv) == 0) {
                        a = lv;
                        pl_ok = 1;
                    }
                } else if (pl.kind == JV_INT) {
                    a = pl.i;
                    pl_ok = 1;
                } else if (pl.kind == JV_REAL) {
                    return -1;
                }
                if (same_occ && pl_ok && a == level) same = 1;
            }
            if (pd.kind) {
                int yy, mm, dy;
                jy_date_to_ymd(dd, &yy, &mm, &dy);
                if (yy == y0 && (ps.kind == 0 || ps.kind == JV_TRUE)) this_year++;
            }
        }
        if (p->fact_prior_same >= 0) set_fact(c, p->fact_prior_same, same);
        if (p->fact_prior_year >= 0) set_fact(c, p->fact_prior_year, this_year);
    }
    return 0;
}

/* The fast reading: 0 when done, -1 when the reference reader must read the line. */
static int parse_fast(jy_policy_reader *r, const char *line, size_t len, const char *const *inputs,
                      jy_policy_case *c, char *id_buf, size_t id_cap, int *has_id)
{
    const char *s = line, *e = line + len;
    jv vid = {0}, vprog = {0}, vdate = {0}, vfacts = {0};
    facts_state fs;
    fs_init(&fs);
    s = skip_ws(s, e);
    if (s >= e || *s != '{') return -1;
    s = skip_ws(s + 1, e);
    if (s < e && *s == '}') return -1; /* no programme */
    for (;;) {
        const char *k;
        size_t kn;
        if (!(s = scan_key(s, e, &k, &kn))) return -1;
        jv *slot = kn == 2 && memcmp(k, "id", 2) == 0        ? &vid
                   : kn == 7 && memcmp(k, "program", 7) == 0 ? &vprog
                   : kn == 4 && memcmp(k, "date", 4) == 0    ? &vdate
                   : kn == 5 && memcmp(k, "facts", 5) == 0   ? &vfacts
                                                             : NULL;
        if (!slot || slot->kind) return -1; /* another member, or a duplicate */
        if (slot == &vfacts && s < e && *s == '{') {
            if (read_facts(r, &s, e, inputs, c, &fs) != 0) return -1;
            vfacts.kind = JV_OBJ;
        } else if (!(s = scan_value(s, e, slot, 0))) {
            return -1;
        }
        s = skip_ws(s, e);
        if (s >= e) return -1;
        if (*s == ',') {
            s = skip_ws(s + 1, e);
            continue;
        }
        if (*s != '}') return -1;
        if (skip_ws(s + 1, e) != e) return -1;
        break;
    }
    /* the id */
    if (vid.kind == JV_STR) { /* as snprintf(id_buf, id_cap, "%s", id): cut at id_cap - 1 bytes */
        if (id_cap) {
            size_t n = vid.n < id_cap - 1 ? vid.n : id_cap - 1;
            memcpy(id_buf, vid.s, n);
            id_buf[n] = 0;
        }
        *has_id = 1;
    } else if (vid.kind == JV_INT) {
        if (id_cap) snprintf(id_buf, id_cap, "%lld", (long long)vid.i);
        *has_id = 1;
    }
    /* the programme and the date */
    if (vprog.kind != JV_STR) return -1;
    c->program = -1;
    for (uint32_t h = hash_bytes(vprog.s, vprog.n) & (PROG_SLOTS - 1); r->prog[h]; h = (h + 1) & (PROG_SLOTS - 1))
        if (r->prog_n[h] == vprog.n && memcmp(r->prog[h], vprog.s, vprog.n) == 0) {
            c->program = r->prog_i[h];
            break;
        }
    if (c->program < 0) return -1;
    if (vdate.kind != JV_STR || read_date(r, vdate.s, vdate.n, &c->date) != 0) return -1;
    if (vfacts.kind && vfacts.kind != JV_OBJ) return -1;
    return finish(r, c, &fs);
}

int jy_policy_reader_parse(jy_policy_reader *r, const char *line, size_t len, const char *const *inputs,
                           jy_policy_case *c, char *id_buf, size_t id_cap, int *has_id, jy_err *err)
{
    *has_id = 0;
    if (id_cap) id_buf[0] = 0;
    memset(c->present, 0, sizeof c->present);
    c->name[0] = 0;
    if (parse_fast(r, line, len, inputs, c, id_buf, id_cap, has_id) == 0) {
        r->nfast++;
        return 0;
    }
    r->nref++;
    return jy_policy_case_parse_inputs(r->p, line, len, inputs, c, id_buf, id_cap, has_id, err);
}

/* The line {"program":PROGRAM,"date":"DATE","facts":FACTS} read without being written: the
 * programme's n bytes looked up, the date taken as it is, the facts object read in place. On
 * anything the fast reading leaves to the reference reader, the line is written (as the budget
 * simulation wrote it: the programme as a JSON string, the date as YYYY-MM-DD, the facts up to
 * their first NUL) and read by it. */
int jy_policy_reader_parse_parts(jy_policy_reader *r, const char *program, size_t program_len, jy_date date,
                                 const char *facts, size_t facts_len, const char *const *inputs, jy_policy_case *c,
                                 jy_err *err)
{
    memset(c->present, 0, sizeof c->present);
    c->name[0] = 0;
    c->program = -1;
    if (date && program_len <= 0xffff) {
        for (uint32_t h = hash_bytes(program, program_len) & (PROG_SLOTS - 1); r->prog[h]; h = (h + 1) & (PROG_SLOTS - 1))
            if (r->prog_n[h] == program_len && memcmp(r->prog[h], program, program_len) == 0) {
                c->program = r->prog_i[h];
                break;
            }
    }
    if (c->program >= 0) {
        c->date = date;
        const char *s = skip_ws(facts, facts + facts_len), *e = facts + facts_len;
        facts_state fs;
        fs_init(&fs);
        if (s < e && *s == '{' && read_facts(r, &s, e, inputs, c, &fs) == 0 && skip_ws(s, e) == e &&
            finish(r, c, &fs) == 0) {
            r->nfast++;
            return 0;
        }
    }
    /* the reference reader, on the line as written */
    char ds[JY_DATE_BUFSZ];
    jy_sb *L = &r->line;
    jy_sb_reset(L);
    jy_sb_append(L, "{\"program\":");
    jy_sb_json_strn(L, program, strnlen(program, program_len));
    jy_sb_append(L, ",\"date\":\"");
    jy_sb_append(L, date ? jy_date_format(date, ds) : "");
    jy_sb_append(L, "\",\"facts\":");
    jy_sb_appendn(L, facts, strnlen(facts, facts_len));
    jy_sb_appendc(L, '}');
    int has_id = 0;
    memset(c->present, 0, sizeof c->present);
    c->name[0] = 0;
    r->nref++;
    return jy_policy_case_parse_inputs(r->p, L->buf, L->len, inputs, c, NULL, 0, &has_id, err);
}

/* ---- fact vectors ----
 * [0,8) the key (vec_key), [8,24) a 128-bit checksum of the programme, the date and the rest of
 * the vector (so a vector damaged anywhere, or read for another programme or date, is refused), [24,26) the number of present facts n,
 * [26] the name's length m, then the name's m bytes, then n × (fact index: 1 byte, value:
 * zigzag LEB128, 1–10 bytes), little-endian. */

static void put_u64(unsigned char *d, uint64_t x)
{
    for (int i = 0; i < 8; i++) d[i] = (unsigned char)(x >> (8 * i));
}

static inline uint64_t get_u64(const unsigned char *d)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t x;
    memcpy(&x, d, 8);
    return x;
#else
    uint64_t x = 0;
    for (int i = 7; i >= 0; i--) x = x << 8 | d[i];
    return x;
#endif
}

int jy_policy_factvec_make(jy_policy_reader *r, const char *program, size_t program_len, jy_date date,
                           const char *facts, size_t facts_len, const char *const *inputs, jy_sb *out)
{
    jy_sb_reset(out);
    uint64_t key = vec_key(r, inputs);
    if (!key || !facts) return -1;
    jy_policy_case *c = malloc(sizeof *c);
    if (!c) return -1;
    jy_err e;
    if (jy_policy_reader_parse_parts(r, program, program_len, date, facts, facts_len, inputs, c, &e) != 0) {
        free(c);
        return -1;
    }
    unsigned char head[FACTVEC_HEAD];
    put_u64(head, key);
    memset(head + 8, 0, 16); /* the hash, once the body is written */
    int nf = r->p->nfacts < JY_POLICY_MAX_FACTS ? r->p->nfacts : JY_POLICY_MAX_FACTS, n = 0;
    for (int f = 0; f < JY_POLICY_MAX_FACTS; f++)
        if (PRESENT(c, f)) n++;
    size_t m = strnlen(c->name, sizeof c->name - 1);
    head[24] = (unsigned char)(n & 0xff);
    head[25] = (unsigned char)(n >> 8);
    head[26] = (unsigned char)m;
    jy_sb_appendn(out, (const char *)head, sizeof head);
    jy_sb_appendn(out, c->name, m);
    for (int f = 0; f < JY_POLICY_MAX_FACTS; f++) {
        if (!PRESENT(c, f)) continue;
        if (f >= nf) { /* a slot the catalogue does not have: no vector */
            free(c);
            jy_sb_reset(out);
            return -1;
        }
        unsigned char item[11];
        size_t k = 0;
        item[k++] = (unsigned char)f;
        uint64_t z = (uint64_t)c->v[f] << 1 ^ (uint64_t)(c->v[f] >> 63); /* zigzag: small either side of 0 */
        for (; z >= 0x80; z >>= 7) item[k++] = (unsigned char)(z | 0x80);
        item[k++] = (unsigned char)z;
        jy_sb_appendn(out, (const char *)item, k);
    }
    free(c);
    uint64_t h[2];
    parts_hash(h, program, program_len, date);
    hash128(h, out->buf + 24, out->len - 24); /* and the body: a damaged one is refused too */
    put_u64((unsigned char *)out->buf + 8, h[0]);
    put_u64((unsigned char *)out->buf + 16, h[1]);
    return 0;
}

int jy_policy_factvec_read(jy_policy_reader *r, const void *vec, size_t vec_len, const char *program,
                           size_t program_len, jy_date date, const char *const *inputs, jy_policy_case *c)
{
    const unsigned char *v = vec;
    if (!v || vec_len < FACTVEC_HEAD || !date || program_len > 0xffff) return -1;
    uint64_t key = vec_key(r, inputs);
    if (!key || get_u64(v) != key) return -1;
    size_t n = (size_t)v[24] | (size_t)v[25] << 8, m = v[26];
    if (m >= JY_POLICY_NAME_MAX || vec_len < FACTVEC_HEAD + m + 2 * n || vec_len > FACTVEC_HEAD + m + 11 * n)
        return -1;
    int prog = -1;
    for (uint32_t h = hash_bytes(program, program_len) & (PROG_SLOTS - 1); r->prog[h]; h = (h + 1) & (PROG_SLOTS - 1))
        if (r->prog_n[h] == program_len && memcmp(r->prog[h], program, program_len) == 0) {
            prog = r->prog_i[h];
            break;
        }
    if (prog < 0) return -1;
    uint64_t h[2];
    parts_hash(h, program, program_len, date);
    hash128(h, v + 24, vec_len - 24);
    if (get_u64(v + 8) != h[0] || get_u64(v + 16) != h[1]) return -1;
    int nf = r->p->nfacts < JY_POLICY_MAX_FACTS ? r->p->nfacts : JY_POLICY_MAX_FACTS;
    memset(c->present, 0, sizeof c->present);
    c->program = prog;
    c->date = date;
    memcpy(c->name, v + FACTVEC_HEAD, m);
    c->name[m] = 0;
    const unsigned char *it = v + FACTVEC_HEAD + m, *end = v + vec_len;
    for (size_t i = 0; i < n; i++) {
        if (end - it < 2) return -1; /* damaged: cut */
        unsigned f = it[0];
        uint64_t z = it[1];
        it += 2;
        if (z & 0x80) { /* more than one byte */
            z &= 0x7f;
            for (int sh = 7;; sh += 7) {
                if (it == end || sh > 63) return -1; /* damaged: cut, or more than 64 bits */
                unsigned char b = *it++;
                z |= (uint64_t)(b & 0x7f) << sh;
                if (!(b & 0x80)) break;
            }
        }
        uint64_t *w = &c->present[f >> 6], bit = (uint64_t)1 << (f & 63);
        if ((int)f >= nf || (*w & bit)) return -1; /* damaged: past the catalogue, or twice */
        *w |= bit;
        c->v[f] = (int64_t)(z >> 1 ^ (0 - (z & 1)));
    }
    if (it != end) return -1; /* damaged: bytes after the last fact */
    r->nvec++;
    return 0;
}

/* ---- policy eval's stream ---- */

enum { BLOCK = 1024 };

typedef struct block_line {
    char id[256];
    int has_id, bad;
    char error[512];
} block_line;

static void write_error_json(jy_sb *out, const char *id, int has_id, const char *msg)
{
    jy_sb_appendc(out, '{');
    jy_sb_json_key(out, "id");
    if (has_id) jy_sb_json_str(out, id);
    else jy_sb_append(out, "null");
    jy_sb_json_kv_str(out, "error", msg);
    jy_sb_append(out, "}\n");
}

typedef struct stream_state {
    const jy_policy *p;
    jy_policy_reader *r; /* NULL: the reference reader */
    int with_reasons;
    FILE *out;
    jy_policy_case *cases;
    block_line *meta;
    jy_decision *dec;
    uint32_t *order;
    int m, ngood;
    jy_sb sb;
    int werr;
} stream_state;

static void block_add(stream_state *st, const char *line, size_t len)
{
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ')) len--;
    if (len == 0) return;
    block_line *bl = &st->meta[st->m];
    jy_err err;
    jy_policy_case *c = &st->cases[st->ngood];
    bl->bad = (st->r ? jy_policy_reader_parse(st->r, line, len, NULL, c, bl->id, sizeof bl->id, &bl->has_id, &err)
                     : jy_policy_case_parse(st->p, line, len, c, bl->id, sizeof bl->id, &bl->has_id, &err)) != 0;
    if (bl->bad) snprintf(bl->error, sizeof bl->error, "%s", jy_err_text(&err));
    else st->ngood++;
    st->m++;
}

static void block_flush(stream_state *st)
{
    if (st->m == 0) return;
    jy_policy_eval_many(st->p, st->cases, (size_t)st->ngood, st->dec, st->order);
    jy_sb_reset(&st->sb);
    for (int i = 0, g = 0; i < st->m; i++) {
        block_line *bl = &st->meta[i];
        if (bl->bad) {
            write_error_json(&st->sb, bl->id, bl->has_id, bl->error);
            continue;
        }
        jy_policy_decision_json(st->p, bl->id, bl->has_id, &st->dec[g], st->with_reasons, &st->sb);
        jy_sb_appendc(&st->sb, '\n');
        g++;
    }
    if (st->sb.len && fwrite(st->sb.buf, 1, st->sb.len, st->out) != st->sb.len) st->werr = 1;
    st->m = st->ngood = 0;
}

int jy_policy_eval_stream(const jy_policy *p, FILE *in, FILE *out, int flags, jy_err *err)
{
    stream_state st;
    memset(&st, 0, sizeof st);
    st.p = p;
    st.out = out;
    st.with_reasons = (flags & JY_EVAL_REASONS) != 0;
    st.cases = malloc(sizeof *st.cases * BLOCK);
    st.meta = malloc(sizeof *st.meta * BLOCK);
    st.dec = malloc(sizeof *st.dec * BLOCK);
    st.order = malloc(sizeof *st.order * BLOCK);
    if (!st.cases || !st.meta || !st.dec || !st.order) abort();
    jy_sb_init(&st.sb);
    int rerr = 0;
    if (flags & JY_EVAL_REFERENCE) {
        /* the reading as it was before the fast reader: getline and jansson */
        char *line = NULL;
        size_t cap = 0;
        ssize_t n;
        while ((n = getline(&line, &cap, in)) > 0) {
            block_add(&st, line, (size_t)n);
            if (st.m == BLOCK) block_flush(&st);
        }
        rerr = ferror(in);
        free(line);
    } else {
        st.r = jy_policy_reader_new(p);
        size_t cap = 1 << 20, have = 0;
        char *buf = malloc(cap);
        if (!buf) abort();
        for (;;) {
            if (have == cap) { /* a line longer than the buffer */
                cap *= 2;
                buf = realloc(buf, cap);
                if (!buf) abort();
            }
            size_t got = fread(buf + have, 1, cap - have, in);
            int eof = got == 0;
            have += got;
            size_t pos = 0;
            for (;;) {
                const char *nl = memchr(buf + pos, '\n', have - pos);
                if (!nl) break;
                size_t end = (size_t)(nl - buf) + 1;
                block_add(&st, buf + pos, end - pos);
                if (st.m == BLOCK) block_flush(&st);
                pos = end;
            }
            if (eof) {
                if (pos < have) block_add(&st, buf + pos, have - pos); /* the last line, no newline */
                break;
            }
            memmove(buf, buf + pos, have - pos);
            have -= pos;
        }
        rerr = ferror(in);
        free(buf);
        /* JY_EVAL_STATS=1: how many lines each reader read (tests check the fast one is used) */
        const char *stats = getenv("JY_EVAL_STATS");
        if (stats && *stats == '1')
            fprintf(stderr, "policy eval: %ld lines by the fast reader, %ld by the reference reader\n", st.r->nfast, st.r->nref);
        jy_policy_reader_free(st.r);
    }
    block_flush(&st);
    free(st.cases);
    free(st.meta);
    free(st.dec);
    free(st.order);
    jy_sb_free(&st.sb);
    if (rerr) return jy_err_set2(err, JY_EIO, "policy.eval_read", "policy eval: cannot read the input", "政策测算：无法读取输入");
    if (st.werr || fflush(out) != 0) return jy_err_set2(err, JY_EIO, "policy.eval_write", "policy eval: cannot write the output", "政策测算：无法写出结果");
    return 0;
}
