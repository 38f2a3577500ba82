/* mask.c — masking of personal data for display (mask.h). */
#include "domain/mask.h"

#include <stdint.h>
#include <string.h>

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
    return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* Copies in into out (cap ≥ 1) and returns its length; a value that does not fit is not cut
 * (a cut value would be masked as a shorter one, showing digits of its middle): out is then
 * cap - 1 '*' and the length returned 0, so the caller masks nothing more. */
static size_t copy_in(const char *in, char *out, size_t cap)
{
    size_t n = in ? strlen(in) : 0;
    if (n >= cap) {
        memset(out, '*', cap - 1);
        out[cap - 1] = '\0';
        return 0;
    }
    if (n) memcpy(out, in, n);
    out[n] = '\0';
    return n;
}

void jy_mask_idcard(const char *in, char *out, size_t cap)
{
    if (!cap) return;
    size_t n = copy_in(in, out, cap);
    /* 18 (or the old 15) characters: keep 6 and 4; shorter oddities keep at most the last 2 */
    size_t keep_head = n >= 11 ? 6 : 0, keep_tail = n >= 11 ? 4 : n >= 6 ? 2 : 0;
    for (size_t i = keep_head; i + keep_tail < n; i++) out[i] = '*';
}

/* Masks the digits at digit positions [from, to) of out; a '*' holds a position too (so a
 * masked number masks to itself), other characters (spaces, '-', '+') stay and hold none. */
static void mask_digits(char *out, size_t from, size_t to)
{
    size_t d = 0;
    for (char *p = out; *p; p++) {
        if (!is_digit(*p) && *p != '*') continue;
        if (d >= from && d < to) *p = '*';
        d++;
    }
}

static size_t count_digits(const char *s)
{
    size_t d = 0;
    for (; *s; s++) d += is_digit(*s) || *s == '*';
    return d;
}

void jy_mask_bankcard(const char *in, char *out, size_t cap)
{
    if (!cap) return;
    copy_in(in, out, cap);
    size_t d = count_digits(out);
    if (d >= 9) mask_digits(out, 4, d - 4);
    else if (d > 4) mask_digits(out, 0, d - 4);
    else mask_digits(out, 0, d);
}

void jy_mask_phone(const char *in, char *out, size_t cap)
{
    if (!cap) return;
    copy_in(in, out, cap);
    size_t d = count_digits(out);
    if (d >= 8) mask_digits(out, d - 8, d - 4);
    else if (d > 4) mask_digits(out, 0, d - 4);
    else mask_digits(out, 0, d);
}

void jy_mask_birth(const char *in, char *out, size_t cap)
{
    if (!cap) return;
    size_t n = copy_in(in, out, cap);
    for (size_t i = 4; i < n; i++)
        if (is_digit(out[i])) out[i] = '*';
}

/* Length of the UTF-8 character starting at s (1 for a stray byte). */
static size_t u8len(const unsigned char *s)
{
    if (*s < 0x80) return 1;
    size_t n = (*s & 0xE0) == 0xC0 ? 2 : (*s & 0xF0) == 0xE0 ? 3 : (*s & 0xF8) == 0xF0 ? 4 : 1;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 1;
    return n;
}

void jy_mask_name(const char *in, char *out, size_t cap)
{
    if (!cap) return;
    out[0] = '\0';
    if (!in || !*in) return;
    const unsigned char *s = (const unsigned char *)in;
    size_t total = strlen(in), nchars = 0, first = 0, last_at = 0;
    for (size_t i = 0; i < total; i += u8len(s + i)) {
        if (nchars == 0) first = u8len(s + i);
        last_at = i;
        nchars++;
    }
    size_t o = 0;
    /* first character, then one '*' per hidden character, then the last from three on */
    if (first < cap) {
        memcpy(out, in, first);
        o = first;
    }
    size_t hidden = nchars == 2 ? 1 : nchars >= 3 ? nchars - 2 : 1;
    if (nchars == 1) o = 0; /* a one-character name: "*" */
    for (size_t i = 0; i < hidden && o + 1 < cap; i++) out[o++] = '*';
    if (nchars >= 3) {
        size_t ln = total - last_at;
        if (o + ln < cap) {
            memcpy(out + o, in + last_at, ln);
            o += ln;
        }
    }
    out[o] = '\0';
}

#define WORD(w) {w, sizeof w - 1}

int jy_mask_is_disability(const char *s, size_t n)
{
    static const struct {
        const char *w;
        size_t n;
    } words[] = {WORD("disability"), WORD("disabled"), WORD("disability_grade_1_2"), WORD("残疾人")};
    if (n < 8 || n > 20) return 0; /* every value passes here: the common case leaves at once */
    if (s[0] != 'd' && s[0] != '\xE6') return 0; /* "d…" or 残 (E6 AE 8B): dates and names leave here */
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (words[i].n == n && memcmp(words[i].w, s, n) == 0) return 1;
    return 0;
}

/* ---------------------------------------------------------------- free text */

/* Appends token t[0..n) masked when it is shaped like an identifier (mask.h). */
static void token(jy_sb *out, const char *t, size_t n)
{
    size_t digits = 0;
    while (digits < n && is_digit(t[digits])) digits++;
    int id = n == 18 && digits >= 17 && (digits == 18 || t[17] == 'X' || t[17] == 'x');
    int all = digits == n;
    int mobile = all && ((n == 11 && t[0] == '1' && t[1] >= '3') ||
                         (n == 13 && t[0] == '8' && t[1] == '6' && t[2] == '1' && t[3] >= '3'));
    if (!id && !(all && n >= 16 && n <= 19) && !mobile) {
        jy_sb_appendn(out, t, n);
        return;
    }
    char in[32], buf[32];
    memcpy(in, t, n);
    in[n] = '\0';
    if (id) jy_mask_idcard(in, buf, sizeof buf);
    else if (mobile) jy_mask_phone(in, buf, sizeof buf);
    else jy_mask_bankcard(in, buf, sizeof buf);
    jy_sb_appendn(out, buf, n);
}

/* json: a backslash escape (\n, \", \u00e9 …) is copied whole and separates tokens. */
static void mask_text(jy_sb *out, const char *s, size_t n, int json)
{
    size_t i = 0;
    while (i < n) {
        if (json && s[i] == '\\' && i + 1 < n) {
            size_t k = s[i + 1] == 'u' ? 6 : 2;
            if (i + k > n) k = n - i;
            jy_sb_appendn(out, s + i, k);
            i += k;
            continue;
        }
        if (!is_alnum(s[i])) {
            size_t j = i;
            while (j < n && !is_alnum(s[j]) && !(json && s[j] == '\\')) j++;
            if (j == i) j++;
            jy_sb_appendn(out, s + i, j - i);
            i = j;
            continue;
        }
        size_t j = i;
        while (j < n && is_alnum(s[j])) j++;
        token(out, s + i, j - i);
        i = j;
    }
}

void jy_mask_text(jy_sb *out, const char *s, size_t n)
{
    mask_text(out, s, n, 0);
}

/* ---------------------------------------------------------------- JSON */

enum { K_OTHER = 0, K_ID, K_CARD, K_PHONE, K_BIRTH, K_KIND, K_STATUS_TEXT };

#define KEY(k, c) {k, sizeof k - 1, c}

static int key_class(const char *k, size_t n)
{
    static const struct {
        const char *key;
        size_t n;
        int cls;
    } keys[] = {
        KEY("idcard", K_ID),      KEY("id_number", K_ID),      KEY("account", K_CARD),
        KEY("bank_account", K_CARD), KEY("sscard", K_CARD),     KEY("card", K_CARD),
        KEY("card_no", K_CARD),   KEY("phone", K_PHONE),       KEY("mobile", K_PHONE),
        KEY("tel", K_PHONE),      KEY("kind", K_KIND),         KEY("label", K_STATUS_TEXT),
        KEY("detail", K_STATUS_TEXT), KEY("birth", K_BIRTH),   KEY("birth_date", K_BIRTH),
        KEY("birthday", K_BIRTH),
    };
    /* every key of the table is 3 to 12 bytes and starts with one of "abcdklmpst": most keys of
     * an answer ("id", "state", "filed_on" …) leave here without a comparison (a case's answer
     * has ~200 keys; the table walk was 8 % of a case read) */
    if (n < 3 || n > 12) return K_OTHER;
    switch (k[0]) {
    case 'a': case 'b': case 'c': case 'd': case 'i': case 'k': case 'l': case 'm': case 'p': case 's': case 't':
        break;
    default:
        return K_OTHER;
    }
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (keys[i].n == n && keys[i].key[0] == k[0] && memcmp(keys[i].key, k, n) == 0) return keys[i].cls;
    return K_OTHER;
}

#define MAX_DEPTH 64

typedef struct level {
    char is_object;
    char disability; /* the object's "kind" was "disability" */
    int key;         /* class of the current key (objects), or of the array's key (arrays) */
} level;

/* Whether s[0..n) holds a run of 11 or more ASCII digits: every identifier mask_text masks has
 * one (a mobile number 11; an ID number 17), so a value without is copied as it is. A run of 11
 * covers one of the positions 10, 21, 32 …, so only those are looked at until one is a digit,
 * and then the run around it is measured (most values — names, dates, amounts, clause texts —
 * are passed at a twelfth of the reads of a byte-by-byte walk). */
#define DIGIT_RUN 11
static int has_digit_run(const char *s, size_t n)
{
    for (size_t i = DIGIT_RUN - 1; i < n; i += DIGIT_RUN) {
        if (!is_digit(s[i])) continue;
        size_t a = i, b = i + 1;
        while (a > 0 && is_digit(s[a - 1])) a--;
        while (b < n && is_digit(s[b])) b++;
        if (b - a >= DIGIT_RUN) return 1;
        /* s[b] is no digit: go on from the last probe at or before b (the step then passes it) */
        i = DIGIT_RUN - 1 + (b - (DIGIT_RUN - 1)) / DIGIT_RUN * DIGIT_RUN;
    }
    return 0;
}

/* Whether the string value v[0..n) (without quotes) under key class k comes out different from
 * the text (value() below then writes it); notes a "kind":"disability" in its object, as value()
 * does. Most values (names, dates, amounts, clause texts) do not, and are copied with the text
 * around them in one run. */
static int value_changes(const char *v, size_t n, int k, level *lv)
{
    if (jy_mask_is_disability(v, n) || (lv && lv->disability && k == K_STATUS_TEXT && n > 0)) {
        if (lv && k == K_KIND) lv->disability = 1;
        return 1;
    }
    if (n > 0 && n < 64 && (k == K_ID || k == K_CARD || k == K_PHONE || k == K_BIRTH) && !memchr(v, '\\', n)) return 1;
    return has_digit_run(v, n);
}

/* Appends one string value v[0..n) (without quotes) masked by key class k; closed: whether the
 * text had its closing quote. */
static void value(jy_sb *out, const char *v, size_t n, int k, level *lv, int closed)
{
    jy_sb_appendc(out, '"');
    int escaped = memchr(v, '\\', n) != NULL;
    if (jy_mask_is_disability(v, n) || (lv && lv->disability && k == K_STATUS_TEXT && n > 0)) {
        if (lv && k == K_KIND) lv->disability = 1;
        jy_sb_append(out, JY_MASK_HIDDEN);
    } else if (!escaped && n > 0 && n < 64 && (k == K_ID || k == K_CARD || k == K_PHONE || k == K_BIRTH)) {
        char in[64], buf[64];
        memcpy(in, v, n);
        in[n] = '\0';
        if (k == K_ID) jy_mask_idcard(in, buf, sizeof buf);
        else if (k == K_CARD) jy_mask_bankcard(in, buf, sizeof buf);
        else if (k == K_BIRTH) jy_mask_birth(in, buf, sizeof buf);
        else jy_mask_phone(in, buf, sizeof buf);
        jy_sb_append(out, buf);
    } else if (has_digit_run(v, n)) {
        mask_text(out, v, n, 1);
    } else { /* no token can be an identifier: most values (names, dates, amounts) */
        jy_sb_appendn(out, v, n);
    }
    if (closed) jy_sb_appendc(out, '"');
}

/* The characters that end a run of numbers, literals and white space. */
static const unsigned char json_stop_tab[256] = {['"'] = 1, ['{'] = 1, ['}'] = 1, ['['] = 1, [']'] = 1, [','] = 1};

/* The closing quote of the string whose content starts at s[j]: the next '"' not escaped by an
 * odd run of '\\' before it, or n when there is none. */
static size_t string_end(const char *s, size_t j, size_t n)
{
    const size_t start = j;
    for (;;) {
        const char *q = j < n ? memchr(s + j, '"', n - j) : NULL;
        if (!q) return n;
        j = (size_t)(q - s);
        size_t bs = 0;
        while (j - bs > start && s[j - bs - 1] == '\\') bs++;
        if (bs % 2 == 0) return j;
        j++;
    }
}

void jy_mask_json(jy_sb *out, const char *s, size_t n)
{
    level stack[MAX_DEPTH];
    int depth = 0;    /* stack[depth - 1] is the innermost container */
    int overflow = 0; /* containers opened beyond MAX_DEPTH (not tracked; their values use text rules) */
    int pending_key = K_OTHER; /* the key just read, for the value after ':' */
    size_t i = 0;
    size_t copied = 0; /* s[copied .. i) is still to be copied as it is: keys, numbers, structure and
                        * the values that stay are written in runs, a value that changes on its own */
    jy_sb_reserve(out, n + 1);
    while (i < n) {
        char c = s[i];
        if (c == '"') {
            size_t j = string_end(s, i + 1, n);
            size_t end = j; /* content s[i+1 .. end) */
            size_t after = j < n ? j + 1 : n;
            size_t k = after;
            if (k < n && s[k] != ':')
                while (k < n && (s[k] == ' ' || s[k] == '\t' || s[k] == '\r' || s[k] == '\n')) k++;
            if (k < n && s[k] == ':') { /* a key */
                pending_key = key_class(s + i + 1, end - i - 1);
            } else {
                level *lv = depth && !overflow ? &stack[depth - 1] : NULL;
                int cls = overflow ? K_OTHER : lv && !lv->is_object ? lv->key : pending_key;
                level *olv = lv && lv->is_object ? lv : NULL;
                if (value_changes(s + i + 1, end - i - 1, cls, olv)) {
                    jy_sb_appendn(out, s + copied, i - copied);
                    value(out, s + i + 1, end - i - 1, cls, olv, j < n);
                    copied = after;
                }
            }
            i = after;
            continue;
        }
        if (c == '{' || c == '[') {
            if (overflow || depth == MAX_DEPTH) {
                overflow++;
            } else {
                stack[depth].is_object = c == '{';
                stack[depth].disability = 0;
                /* an array takes the key it is the value of: "statuses":["disability",…] */
                stack[depth].key = c == '[' ? (depth && !stack[depth - 1].is_object ? stack[depth - 1].key : pending_key)
                                            : K_OTHER;
                depth++;
            }
            pending_key = K_OTHER;
        } else if (c == '}' || c == ']') {
            if (overflow) overflow--;
            else if (depth) depth--;
            pending_key = K_OTHER;
        } else if (c == ',') {
            pending_key = K_OTHER;
        } else { /* numbers, literals, white space: up to the next character that matters, at once */
            size_t j = i + 1;
            while (j < n && !json_stop_tab[(unsigned char)s[j]]) j++;
            i = j;
            continue;
        }
        i++;
    }
    jy_sb_appendn(out, s + copied, n - copied);
}
