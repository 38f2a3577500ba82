/* Rule-language parser: recursive descent over the lexer's tokens, type-checking as it goes and
 * emitting the flat instruction array directly (one pass, no syntax tree). Declarations (fact,
 * param, clause, program, target, budget, source) fill the rule set's tables; statements
 * (require, exclude, review, note, pay, cap, let, if, decide) become code of the current
 * programme. Grammar and semantics: docs/policy.md. Errors go to the diagnostics as
 * "file:line:col: error: …" and parsing resumes at the next line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/internal.h"

typedef struct ex {
    int type;
    int efact;     /* T_ENUM/T_SET: the fact whose symbols apply; -1 otherwise */
    int is_const;
    int const_pc;
    int64_t cval;
    int fact;      /* a lone fact load: its index, else -1 */
} ex;

/* An instruction whose skip target (b) is set at the end of its statement: a fact, parameter,
 * local or calendar look-up that may be missing (reason in k), or an arithmetic operation that
 * may overflow (s/len: the expression's text; reason in a). */
typedef struct pend_ent {
    int pc;
    const char *s;
    int len, line, col;
} pend_ent;

typedef struct parser {
    jy_policy *p;
    jp_diag *d;
    jp_lexer lx;
    jp_tok_t tok, la; /* current and one token of lookahead */
    int have_la;
    const char *file;
    int prog;         /* current programme or -1 */
    jmp_buf fail;
    /* pending skip patches: instructions whose b/k are set at the end of their statement */
    int npend, cappend;
    pend_ent *pend;
    const char *prev_end; /* just after the last token consumed (for an expression's text) */
    int depth;            /* nesting of expressions and blocks (JP_MAX_NEST) */
    int sp;               /* evaluation stack depth after the code emitted so far (JP_STACK) */
} parser;

static void next(parser *ps)
{
    ps->prev_end = ps->tok.s ? ps->tok.s + ps->tok.len + (ps->tok.kind == K_STRING) : NULL;
    if (ps->have_la) {
        ps->tok = ps->la;
        ps->have_la = 0;
    } else {
        jp_lex_next(&ps->lx, &ps->tok);
    }
}

static jp_tok_t *peek(parser *ps)
{
    if (!ps->have_la) {
        jp_lex_next(&ps->lx, &ps->la);
        ps->have_la = 1;
    }
    return &ps->la;
}

/* An error at t: the catalogue message m with its arguments (through perr2), or the lexer's own
 * message when t is the lexer's error token; parsing resumes at the next line. */
static void __attribute__((noreturn)) perr_m(parser *ps, const jp_tok_t *t, const jy_msg *m, ...)
{
    if (t->kind == K_ERROR) {
        jp_diag_err(ps->d, 1, ps->file, t->line, t->col, &ps->lx.err);
    } else {
        va_list ap;
        va_start(ap, m);
        jp_diag_addv(ps->d, 1, ps->file, t->line, t->col, m, ap);
        va_end(ap);
    }
    longjmp(ps->fail, 1);
}
#define perr2(ps, t, key, en, zh, ...) __extension__({ \
        JP_MSG(key, en, zh, ##__VA_ARGS__);             \
        perr_m((ps), (t), &jy_msg_, ##__VA_ARGS__);     \
    })

static int is_kw(const jp_tok_t *t, const char *kw)
{
    return t->kind == K_IDENT && (size_t)t->len == strlen(kw) && memcmp(t->s, kw, (size_t)t->len) == 0;
}

static char *tokdup(parser *ps, const jp_tok_t *t)
{
    return jy_arena_strndup(ps->p->arena, t->s, (size_t)t->len);
}

/* what: the token expected, in English and in Chinese. */
static void expect(parser *ps, int kind, const char *what, const char *what_zh)
{
    if (ps->tok.kind != kind) perr2(ps, &ps->tok, "policy.expected", "expected %1$s%2$.0s", "此处应为 %2$s%1$.0s", what, what_zh);
    next(ps);
}

static void expect_eol(parser *ps)
{
    if (ps->tok.kind != K_NL && ps->tok.kind != K_EOF)
        perr2(ps, &ps->tok, "policy.trailing", "unexpected \"%.*s\" at the end of the statement", "语句末尾多出“%.*s”", ps->tok.len, ps->tok.s);
}

/* How an instruction of the parser's code changes the evaluation stack (JZK/JNZK: on the path
 * that goes on; the value they keep when they jump is the one the other operand leaves). */
static int stack_effect(int op)
{
    switch (op) {
    case OP_CONST: case OP_FACT: case OP_PARAM: case OP_LOCAL: return 1;
    case OP_NEG: case OP_NOT: case OP_HAS: case OP_YEAR: case OP_JMP: case OP_OUT: case OP_HALT: return 0;
    default: return -1; /* binary operators, JZ/JZK/JNZK, SETLOCAL, POP, CHECK, PAY, CAP, DECIDE */
    }
}

static int emit(parser *ps, int op, int t, int a, int32_t b, int64_t k)
{
    ps->sp += stack_effect(op);
    if (ps->sp > JP_STACK)
        perr2(ps, &ps->tok, "policy.stack_deep", "the expression needs more than %d values at once (split it with let)", "表达式同时需要超过 %d 个值（请用 let 拆分）", JP_STACK);
    return jp_emit(ps->p, op, t, a, b, k, ps->tok.line);
}

/* Entering a nested expression or block: the parser recurses, so the nesting is bounded (a rule
 * file of 10,000 "(" is an error at the 65th, not a stack overflow). */
static void enter(parser *ps)
{
    if (++ps->depth > JP_MAX_NEST) perr2(ps, &ps->tok, "policy.nest_deep", "nested more than %d deep", "嵌套超过 %d 层", JP_MAX_NEST);
}

static void leave(parser *ps)
{
    ps->depth--;
}

static void pend_add(parser *ps, int pc)
{
    ps->pend = jp_grow(ps->pend, &ps->cappend, ps->npend + 1, sizeof *ps->pend);
    ps->pend[ps->npend++] = (pend_ent){pc, NULL, 0, 0, 0};
}

/* Emits arithmetic operator op, which may overflow, for the expression that began at `start`
 * (at line/col) and ends with the last token consumed: on overflow the evaluator skips the
 * statement and records a needs_review reason naming the expression (pend_close_k). */
static void emit_arith(parser *ps, int op, int t, const char *start, int line, int col)
{
    int pc = emit(ps, op, t, 0, 0, 0);
    const char *end = ps->prev_end && ps->prev_end > start ? ps->prev_end : start;
    ps->pend = jp_grow(ps->pend, &ps->cappend, ps->npend + 1, sizeof *ps->pend);
    ps->pend[ps->npend++] = (pend_ent){pc, start, (int)(end - start), line, col};
}

/* Patches the skip targets of instructions emitted since mark to end_pc, with missing-value
 * reasons citing clause. */
static void pend_close_k(parser *ps, int mark, int end_pc, int clause, int given)
{
    jy_policy *p = ps->p;
    for (int i = mark; i < ps->npend; i++) {
        const pend_ent *pe = &ps->pend[i];
        jp_ins *in = &p->code[pe->pc];
        in->b = end_pc;
        char text[400];
        if (pe->s) {
            /* an arithmetic operation: the reason names the expression and where it is */
            int n = pe->len > 160 ? 160 : pe->len;
            while (n > 0 && n < pe->len && ((unsigned char)pe->s[n] & 0xC0) == 0x80) n--; /* whole characters */
            snprintf(text, sizeof text, "%s:%d:%d 的算式 %.*s%s 超出可计算的范围（溢出），本条无法判断，需人工审核",
                     ps->file, pe->line, pe->col, n, pe->s, n < pe->len ? "…" : "");
            int cl[1] = {clause};
            in->a = (uint16_t)jp_add_reason(p, R_REVIEW, cl, clause >= 0 ? 1 : 0, jy_arena_strdup(p->arena, text));
            if (in->op != OP_WORKDAYS && in->op != OP_ADDWD) continue; /* these have a missing reason too */
        }
        if (in->op == OP_FACT)
            snprintf(text, sizeof text, "缺少事实 %s，本条无法判断，需人工审核", p->facts[in->a].name);
        else if (in->op == OP_PARAM)
            snprintf(text, sizeof text, "参数 %s 在该日期没有生效值，需人工审核", p->params[in->a].name);
        else if (in->op == OP_WORKDAYS || in->op == OP_ADDWD)
            snprintf(text, sizeof text, "工作日历没有所涉日期的年份（policy/calendar.txt），本条无法判断，需人工审核");
        else
            snprintf(text, sizeof text, "中间值 %s 未能算出（所需事实缺失），需人工审核", p->locals[in->a]);
        if (given && in->op == OP_FACT)
            snprintf(text, sizeof text, "案例未提供 %s，本条受理条件未核验（由受理环节核验）", p->facts[in->a].name);
        int cl[1] = {clause};
        in->k = jp_add_reason(p, given && in->op == OP_FACT ? R_NOTE : R_MISSING, cl, clause >= 0 ? 1 : 0,
                              jy_arena_strdup(p->arena, text));
    }
    ps->npend = mark;
}

static void pend_close(parser *ps, int mark, int end_pc, int clause)
{
    pend_close_k(ps, mark, end_pc, clause, 0);
}

static int find_fact(const jy_policy *p, const char *s, int n)
{
    for (int i = 0; i < p->nfacts; i++)
        if ((int)strlen(p->facts[i].name) == n && memcmp(p->facts[i].name, s, (size_t)n) == 0) return i;
    return -1;
}

static int find_sym(const jp_fact *f, const char *s, int n)
{
    for (int i = 0; i < f->nsyms; i++)
        if ((int)strlen(f->syms[i]) == n && memcmp(f->syms[i], s, (size_t)n) == 0) return i;
    return -1;
}

static void mark_used(parser *ps, int fact)
{
    if (ps->prog >= 0 && ps->prog < 64) ps->p->facts[fact].used_by[0] |= (uint64_t)1 << ps->prog;
}

/* Converts a decimal literal (value × 10000) to type t. */
static int64_t conv_num(parser *ps, const jp_tok_t *at, int64_t v, int t)
{
    switch (t) {
    case T_INT:
    case T_DATE:
        if (v % 10000 != 0) perr2(ps, at, "policy.whole_number", "a whole number is needed here", "此处需要整数");
        return v / 10000;
    case T_MONEY:
        if (v % 100 != 0) perr2(ps, at, "policy.fen", "an amount has more than two decimals (fen)", "金额的小数超过两位（最小单位为分）");
        return v / 100;
    case T_RATIO:
        return v;
    default:
        perr2(ps, at, "policy.num_compare", "a number cannot be compared with a %s", "数字不能与 %s 比较", jp_type_name(t));
    }
}

/* Gives an untyped literal operand the type of the other side. */
static void unify(parser *ps, const jp_tok_t *at, ex *a, ex *b)
{
    if (a->type == T_NUM && b->type != T_NUM) {
        int64_t v = conv_num(ps, at, a->cval, b->type);
        ps->p->code[a->const_pc].k = v;
        a->cval = v;
        a->type = b->type;
    } else if (b->type == T_NUM && a->type != T_NUM) {
        unify(ps, at, b, a);
    }
}

static ex ex_plain(int type)
{
    ex e = {type, -1, 0, -1, 0, -1};
    return e;
}

static ex parse_expr(parser *ps);

static ex parse_const(parser *ps, int type, int64_t v)
{
    ex e = ex_plain(type);
    e.is_const = 1;
    e.cval = v;
    e.const_pc = emit(ps, OP_CONST, 0, 0, 0, v);
    next(ps);
    return e;
}

/* Parses a symbol or {sym, sym} of enum/set fact f into a bit mask. */
static uint64_t parse_syms(parser *ps, const jp_fact *f)
{
    uint64_t mask = 0;
    int braces = ps->tok.kind == K_LB;
    if (braces) next(ps);
    for (;;) {
        if (ps->tok.kind != K_IDENT) perr2(ps, &ps->tok, "policy.enum_value_expected", "expected a value of %s", "此处应为 %s 的一个取值", f->name);
        int s = find_sym(f, ps->tok.s, ps->tok.len);
        if (s < 0) perr2(ps, &ps->tok, "policy.not_enum_value", "\"%.*s\" is not a value of %s", "“%.*s”不是 %s 的取值", ps->tok.len, ps->tok.s, f->name);
        mask |= (uint64_t)1 << s;
        next(ps);
        if (!braces || ps->tok.kind != K_COMMA) break;
        next(ps);
    }
    if (braces) expect(ps, K_RB, "}", "}");
    return mask;
}

static ex parse_call(parser *ps, const jp_tok_t *name)
{
    static const struct { const char *n; int op, nargs, a0, a1, ret; } FN[] = {
        {"min", OP_MIN, 2, 0, 0, 0}, {"max", OP_MAX, 2, 0, 0, 0},
        {"workdays", OP_WORKDAYS, 2, T_DATE, T_DATE, T_INT}, {"days", OP_DAYS, 2, T_DATE, T_DATE, T_INT},
        {"add_workdays", OP_ADDWD, 2, T_DATE, T_INT, T_DATE}, {"add_days", OP_ADDDAYS, 2, T_DATE, T_INT, T_DATE},
        {"year", OP_YEAR, 1, T_DATE, 0, T_INT}, {"ratio", OP_RATIO, 2, T_INT, T_INT, T_RATIO},
        {"within", OP_WITHIN, 2, T_CODE, T_INT, T_BOOL},
    };
    next(ps); /* ( */
    if (is_kw(name, "known")) {
        if (ps->tok.kind != K_IDENT) perr2(ps, &ps->tok, "policy.known_arg", "known() takes a fact name", "known() 的参数应为信息项名称");
        int f = find_fact(ps->p, ps->tok.s, ps->tok.len);
        if (f < 0) perr2(ps, &ps->tok, "policy.unknown_fact", "unknown fact \"%.*s\"", "未知的信息项“%.*s”", ps->tok.len, ps->tok.s);
        mark_used(ps, f);
        emit(ps, OP_FACT, 1, f, 0, 0);
        next(ps);
        expect(ps, K_RP, ")", ")");
        return ex_plain(T_BOOL);
    }
    for (size_t i = 0; i < sizeof FN / sizeof FN[0]; i++) {
        if (!is_kw(name, FN[i].n)) continue;
        jp_tok_t at = ps->tok;
        ex a = parse_expr(ps);
        ex b = ex_plain(T_NONE);
        if (FN[i].nargs == 2) {
            expect(ps, K_COMMA, ",", ",");
            if (FN[i].op == OP_WITHIN) {
                /* within(code, prefix): prefix is a literal division code */
                if (ps->tok.kind != K_NUM || ps->tok.num % 10000) perr2(ps, &ps->tok, "policy.within_code", "within() needs a division code", "within() 需要行政区划代码");
                emit(ps, OP_CONST, 0, 0, 0, ps->tok.num / 10000);
                next(ps);
                b = ex_plain(T_INT);
            } else {
                b = parse_expr(ps);
            }
        }
        expect(ps, K_RP, ")", ")");
        if (FN[i].a0) {
            if (a.type == T_NUM) unify(ps, &at, &a, &(ex){FN[i].a0, -1, 0, -1, 0, -1});
            if (a.type != FN[i].a0) perr2(ps, &at, "policy.fn_arg1", "%s() takes a %s first", "%s() 的第一个参数应为 %s", FN[i].n, jp_type_name(FN[i].a0));
            if (FN[i].nargs == 2) {
                if (b.type == T_NUM) unify(ps, &at, &b, &(ex){FN[i].a1, -1, 0, -1, 0, -1});
                if (b.type != FN[i].a1) perr2(ps, &at, "policy.fn_arg2", "%s() takes a %s second", "%s() 的第二个参数应为 %s", FN[i].n, jp_type_name(FN[i].a1));
            }
            int op = FN[i].op;
            if (op == OP_WITHIN) emit(ps, op, 0, 0, 0, 0);
            else emit_arith(ps, op, 0, name->s, name->line, name->col); /* a date or share out of range */
            return ex_plain(FN[i].ret);
        }
        unify(ps, &at, &a, &b);
        if (a.type != b.type || (a.type != T_INT && a.type != T_MONEY && a.type != T_RATIO && a.type != T_DATE))
            perr2(ps, &at, "policy.fn_same_type", "%s() needs two numbers of one type", "%s() 需要两个同一类型的数", FN[i].n);
        emit(ps, FN[i].op, 0, 0, 0, 0);
        return ex_plain(a.type);
    }
    perr2(ps, name, "policy.unknown_function", "unknown function \"%.*s\"", "未知的函数“%.*s”", name->len, name->s);
}

static ex parse_primary(parser *ps)
{
    jy_policy *p = ps->p;
    jp_tok_t t = ps->tok;
    switch (t.kind) {
    case K_NUM: return parse_const(ps, T_NUM, t.num);
    case K_MONEY: return parse_const(ps, T_MONEY, t.num);
    case K_PERCENT: return parse_const(ps, T_RATIO, t.num / 100);
    case K_DATE: return parse_const(ps, T_DATE, t.num);
    case K_LP: {
        next(ps);
        ex e = parse_expr(ps);
        expect(ps, K_RP, ")", ")");
        e.fact = -1;
        return e;
    }
    case K_IDENT: break;
    default: perr2(ps, &t, "policy.value_expected", "expected a value, found \"%.*s\"", "此处应为一个值，实为“%.*s”", t.len, t.s);
    }
    if (is_kw(&t, "true") || is_kw(&t, "false")) return parse_const(ps, T_BOOL, is_kw(&t, "true"));
    if (peek(ps)->kind == K_LP) {
        next(ps);
        return parse_call(ps, &t);
    }
    char *name = tokdup(ps, &t);
    int i = jp_find_local(p, name);
    if (i >= 0) {
        pend_add(ps, emit(ps, OP_LOCAL, 0, i, 0, 0));
        next(ps);
        ex e = ex_plain(p->local_type[i]);
        e.efact = p->local_efact[i];
        return e;
    }
    i = find_fact(p, t.s, t.len);
    if (i >= 0) {
        mark_used(ps, i);
        pend_add(ps, emit(ps, OP_FACT, 0, i, 0, 0));
        next(ps);
        ex e = ex_plain(p->facts[i].type);
        e.efact = (e.type == T_ENUM || e.type == T_SET) ? i : -1;
        e.fact = i;
        return e;
    }
    i = jp_find_param(p, name);
    if (i >= 0) {
        pend_add(ps, emit(ps, OP_PARAM, 0, i, 0, 0));
        p->clauses[p->params[i].clause].used = 1;
        next(ps);
        return ex_plain(p->params[i].type);
    }
    perr2(ps, &t, "policy.unknown_name", "unknown fact or parameter \"%s\"", "未知的信息项或参数“%s”", name);
}

static ex parse_unary(parser *ps)
{
    if (ps->tok.kind == K_MINUS) {
        jp_tok_t at = ps->tok;
        next(ps);
        enter(ps);
        ex e = parse_unary(ps);
        leave(ps);
        if (e.is_const) {
            if (e.cval == INT64_MIN) perr2(ps, &at, "policy.number_large", "this number is too large", "这个数太大");
            e.cval = -e.cval;
            ps->p->code[e.const_pc].k = e.cval;
            return e;
        }
        if (e.type != T_INT && e.type != T_MONEY && e.type != T_RATIO) perr2(ps, &at, "policy.negate", "cannot negate a %s", "不能对 %s 取负", jp_type_name(e.type));
        emit_arith(ps, OP_NEG, 0, at.s, at.line, at.col);
        e.fact = -1;
        return e;
    }
    return parse_primary(ps);
}

/* Folds two literal decimals (value × 10000); returns 1 when folded. A result beyond int64 is
 * an error at the operator. */
static int fold(parser *ps, const jp_tok_t *at, ex *a, const ex *b)
{
    if (!(a->is_const && b->is_const && a->type == T_NUM && b->type == T_NUM)) return 0;
    int64_t x = a->cval, y = b->cval, r = 0;
    __int128 w = 0;
    int over = 0;
    if (at->kind == K_PLUS) over = __builtin_add_overflow(x, y, &r);
    else if (at->kind == K_MINUS) over = __builtin_sub_overflow(x, y, &r);
    else if (at->kind == K_STAR) w = (__int128)x * y / 10000;
    else if (y == 0) perr2(ps, at, "policy.div_zero", "division by zero", "除数为零");
    else w = (__int128)x * 10000 / y;
    if (at->kind == K_STAR || at->kind == K_SLASH) {
        over = w < INT64_MIN || w > INT64_MAX;
        r = (int64_t)w;
    }
    if (over) perr2(ps, at, "policy.result_large", "the result of \"%.*s\" on these numbers is too large", "“%.*s”对这些数的运算结果太大", at->len, at->s);
    ps->p->ncode--; /* drop b's CONST */
    ps->sp--;
    a->cval = r;
    ps->p->code[a->const_pc].k = r;
    return 1;
}

static ex parse_mul(parser *ps)
{
    jp_tok_t first = ps->tok;
    ex a = parse_unary(ps);
    while (ps->tok.kind == K_STAR || ps->tok.kind == K_SLASH) {
        jp_tok_t at = ps->tok;
        next(ps);
        ex b = parse_unary(ps);
        if (fold(ps, &at, &a, &b)) continue;
        if (a.type == T_NUM && b.type == T_NUM) perr2(ps, &at, "policy.literal_mix", "arithmetic on literals mixed with values is not supported here", "此处不支持字面数字与取值混合运算");
        /* a literal next to money/ratio is a count; next to int an int */
        if (a.type == T_NUM) unify(ps, &at, &a, &(ex){b.type == T_INT ? T_INT : (b.type == T_MONEY ? T_INT : b.type), -1, 0, -1, 0, -1});
        if (b.type == T_NUM) unify(ps, &at, &b, &(ex){a.type == T_RATIO && at.kind == K_STAR ? T_INT : T_INT, -1, 0, -1, 0, -1});
        int res;
        int op;
        if (at.kind == K_STAR) {
            if ((a.type == T_MONEY && b.type == T_RATIO) || (a.type == T_RATIO && b.type == T_MONEY)) { op = OP_MULR; res = T_MONEY; }
            else if ((a.type == T_MONEY && b.type == T_INT) || (a.type == T_INT && b.type == T_MONEY)) { op = OP_MUL; res = T_MONEY; }
            else if (a.type == T_INT && b.type == T_INT) { op = OP_MUL; res = T_INT; }
            else perr2(ps, &at, "policy.mul_types", "cannot multiply %s by %s", "不能用 %s 乘 %s", jp_type_name(a.type), jp_type_name(b.type));
        } else {
            if (a.type == T_MONEY && b.type == T_INT) { op = OP_DIVR; res = T_MONEY; }
            else if (a.type == T_INT && b.type == T_INT) { op = OP_DIV; res = T_INT; }
            else perr2(ps, &at, "policy.div_types", "cannot divide %s by %s", "不能用 %s 除以 %s", jp_type_name(a.type), jp_type_name(b.type));
        }
        emit_arith(ps, op, 0, first.s, first.line, first.col);
        a = ex_plain(res);
    }
    return a;
}

static ex parse_add(parser *ps)
{
    jp_tok_t first = ps->tok;
    ex a = parse_mul(ps);
    while (ps->tok.kind == K_PLUS || ps->tok.kind == K_MINUS) {
        jp_tok_t at = ps->tok;
        next(ps);
        ex b = parse_mul(ps);
        if (fold(ps, &at, &a, &b)) continue;
        unify(ps, &at, &a, &b);
        if (a.type != b.type || (a.type != T_INT && a.type != T_MONEY && a.type != T_RATIO))
            perr2(ps, &at, "policy.add_types", "cannot add or subtract %s and %s", "不能对 %s 和 %s 做加减", jp_type_name(a.type), jp_type_name(b.type));
        emit_arith(ps, at.kind == K_PLUS ? OP_ADD : OP_SUB, 0, first.s, first.line, first.col);
        a = ex_plain(a.type);
    }
    return a;
}

/* (含) / （含16个工作日） / (不含) after a comparison: returns 1 include, 0 exclude, -1 none. */
static int parse_han(parser *ps)
{
    if (ps->tok.kind != K_LP) return -1;
    jp_tok_t *n = peek(ps);
    if (n->kind != K_HAN && n->kind != K_BUHAN) return -1;
    int inc = n->kind == K_HAN;
    next(ps);
    next(ps);
    while (ps->tok.kind != K_RP) {
        if (ps->tok.kind == K_NL || ps->tok.kind == K_EOF || ps->tok.kind == K_ERROR)
            perr2(ps, &ps->tok, "policy.unclosed_han", "unclosed (含 …)", "（含 …）没有闭合");
        next(ps);
    }
    next(ps);
    return inc;
}

static int apply_han(int cmp, int han)
{
    if (han == 1) { if (cmp == C_LT) return C_LE; if (cmp == C_GT) return C_GE; }
    if (han == 0) { if (cmp == C_LE) return C_LT; if (cmp == C_GE) return C_GT; }
    return cmp;
}

static int starts_value(int k)
{
    return k == K_NUM || k == K_MONEY || k == K_PERCENT || k == K_DATE || k == K_IDENT || k == K_LP || k == K_MINUS;
}

static void emit_cmp(parser *ps, const jp_tok_t *at, ex *a, ex *b, int cmp)
{
    unify(ps, at, a, b);
    if (a->type != b->type) perr2(ps, at, "policy.compare_types", "cannot compare %s with %s", "不能比较 %s 与 %s", jp_type_name(a->type), jp_type_name(b->type));
    if ((a->type == T_BOOL || a->type == T_ENUM || a->type == T_SET) && cmp != C_EQ && cmp != C_NE)
        perr2(ps, at, "policy.equality_only", "a %s can only be tested for equality", "%s 只能判断是否相等", jp_type_name(a->type));
    static const int OPS[] = {0, OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE};
    emit(ps, OPS[cmp], 0, 0, 0, 0);
}

static ex parse_cmp(parser *ps)
{
    ex a = parse_add(ps);
    jp_tok_t at = ps->tok;
    int cmp = 0;
    switch (at.kind) {
    case K_EQ: cmp = C_EQ; break;
    case K_NE: cmp = C_NE; break;
    case K_LT: cmp = C_LT; break;
    case K_LE: cmp = C_LE; break;
    case K_GT: cmp = C_GT; break;
    case K_GE: cmp = C_GE; break;
    default: break;
    }
    if (cmp) {
        next(ps);
        if ((cmp == C_EQ || cmp == C_NE) && a.type == T_ENUM && ps->tok.kind == K_IDENT &&
            find_sym(&ps->p->facts[a.efact], ps->tok.s, ps->tok.len) >= 0) {
            uint64_t m = parse_syms(ps, &ps->p->facts[a.efact]);
            emit(ps, OP_HAS, 1, 0, 0, (int64_t)m);
            if (cmp == C_NE) emit(ps, OP_NOT, 0, 0, 0, 0);
            return ex_plain(T_BOOL);
        }
        ex b = parse_add(ps);
        emit_cmp(ps, &at, &a, &b, cmp);
        return ex_plain(T_BOOL);
    }
    if (at.kind == K_CMPWORD) {
        if (at.postfix) perr2(ps, &at, "policy.word_after_number", "\"%.*s\" follows its number (write: value N %.*s)", "“%.*s”应写在数字后面（写作：值 N %.*s）", at.len, at.s, at.len, at.s);
        next(ps);
        ex b = parse_add(ps);
        emit_cmp(ps, &at, &a, &b, apply_han(at.cmp, parse_han(ps)));
        return ex_plain(T_BOOL);
    }
    if (is_kw(&at, "in") || is_kw(&at, "has") || is_kw(&at, "has_any")) {
        if (a.type != T_ENUM && a.type != T_SET) perr2(ps, &at, "policy.needs_enum", "\"%.*s\" needs an enum or set fact", "“%.*s”需要枚举或集合类信息项", at.len, at.s);
        next(ps);
        uint64_t m = parse_syms(ps, &ps->p->facts[a.efact]);
        emit(ps, OP_HAS, a.type == T_ENUM, 0, 0, (int64_t)m);
        return ex_plain(T_BOOL);
    }
    if (starts_value(at.kind) && !is_kw(&at, "and") && !is_kw(&at, "or")) {
        /* value N 以上: the word after the number */
        ex b = parse_add(ps);
        if (ps->tok.kind != K_CMPWORD || !ps->tok.postfix) perr2(ps, &ps->tok, "policy.comparison_word", "expected a comparison word such as 以上 or 以下 after the number", "数字后应有比较词，如“以上”或“以下”");
        int c = ps->tok.cmp;
        jp_tok_t w = ps->tok;
        next(ps);
        emit_cmp(ps, &w, &a, &b, apply_han(c, parse_han(ps)));
        return ex_plain(T_BOOL);
    }
    return a;
}

static ex parse_not(parser *ps)
{
    if (ps->tok.kind == K_NOT || is_kw(&ps->tok, "not")) {
        jp_tok_t at = ps->tok;
        next(ps);
        enter(ps);
        ex e = parse_not(ps);
        leave(ps);
        if (e.type != T_BOOL) perr2(ps, &at, "policy.not_condition", "\"not\" needs a condition", "“not”后需要条件");
        emit(ps, OP_NOT, 0, 0, 0, 0);
        return ex_plain(T_BOOL);
    }
    return parse_cmp(ps);
}

static ex parse_logic(parser *ps, int level)
{
    ex a = level ? parse_not(ps) : parse_logic(ps, 1);
    for (;;) {
        int is_and = ps->tok.kind == K_AND || is_kw(&ps->tok, "and");
        int is_or = ps->tok.kind == K_OR || is_kw(&ps->tok, "or");
        if (!(level ? is_and : is_or)) return a;
        jp_tok_t at = ps->tok;
        if (a.type != T_BOOL) perr2(ps, &at, "policy.joins_conditions", "\"%.*s\" joins conditions", "“%.*s”用于连接条件", at.len, at.s);
        next(ps);
        int j = emit(ps, level ? OP_JZK : OP_JNZK, 0, 0, 0, 0);
        ex b = level ? parse_not(ps) : parse_logic(ps, 1);
        if (b.type != T_BOOL) perr2(ps, &at, "policy.joins_conditions", "\"%.*s\" joins conditions", "“%.*s”用于连接条件", at.len, at.s);
        ps->p->code[j].b = ps->p->ncode;
        a = ex_plain(T_BOOL);
    }
}

static ex parse_expr(parser *ps)
{
    enter(ps);
    ex e = parse_logic(ps, 0);
    leave(ps);
    return e;
}

static int parse_clause_ref(parser *ps)
{
    if (ps->tok.kind != K_STRING) perr2(ps, &ps->tok, "policy.clause_id_expected", "expected a clause id such as \"P10 二(三)\"", "此处应为条款编号，如 \"P10 二(三)\"");
    char *id = tokdup(ps, &ps->tok);
    int c = jp_find_clause(ps->p, id);
    if (c < 0) perr2(ps, &ps->tok, "policy.clause_undeclared", "clause \"%s\" is not declared (add: clause \"%s\" \"<text>\")", "条款“%s”未声明（请添加：clause \"%s\" \"<条文>\"）", id, id);
    ps->p->clauses[c].used = 1;
    next(ps);
    return c;
}

static const char *parse_text(parser *ps)
{
    if (ps->tok.kind != K_STRING) perr2(ps, &ps->tok, "policy.reason_expected", "expected the reason text in quotes", "此处应为带引号的理由文字");
    const char *s = tokdup(ps, &ps->tok);
    next(ps);
    return s;
}

static void need_program(parser *ps, const jp_tok_t *at)
{
    if (ps->prog < 0) perr2(ps, at, "policy.rule_outside", "a rule outside a programme (start one with: program P1 \"…\")", "规则不在任何项目内（请先写：program P1 \"…\"）");
}

static void skip_nl(parser *ps)
{
    while (ps->tok.kind == K_NL) next(ps);
}

static void parse_stmt(parser *ps);

/* Statements until one of the keywords in stop (end / elif / else); returns with tok on it. */
static void parse_block(parser *ps, const char *const *stop)
{
    enter(ps);
    for (;;) {
        skip_nl(ps);
        if (ps->tok.kind == K_EOF) perr2(ps, &ps->tok, "policy.missing_end", "missing \"end\"", "缺少“end”");
        for (const char *const *s = stop; *s; s++)
            if (is_kw(&ps->tok, *s)) {
                leave(ps);
                return;
            }
        parse_stmt(ps);
    }
}

static int64_t parse_value_of_type(parser *ps, int type)
{
    jp_tok_t t = ps->tok;
    int64_t v;
    if (type == T_MONEY && t.kind == K_MONEY) v = t.num;
    else if (type == T_RATIO && t.kind == K_PERCENT) v = t.num / 100;
    else if (type == T_DATE && t.kind == K_DATE) v = t.num;
    else if (type == T_BOOL && (is_kw(&t, "true") || is_kw(&t, "false"))) v = is_kw(&t, "true");
    else if (t.kind == K_NUM && (type == T_INT || type == T_MONEY || type == T_RATIO)) v = conv_num(ps, &t, t.num, type);
    else perr2(ps, &t, "policy.type_value", "expected a %s value", "此处应为 %s 类型的值", jp_type_name(type));
    next(ps);
    return v;
}

static int parse_type(parser *ps)
{
    static const struct { const char *n; int t; } TY[] = {
        {"int", T_INT}, {"money", T_MONEY}, {"ratio", T_RATIO}, {"bool", T_BOOL}, {"date", T_DATE},
        {"enum", T_ENUM}, {"set", T_SET}, {"code", T_CODE},
    };
    for (size_t i = 0; i < sizeof TY / sizeof TY[0]; i++)
        if (is_kw(&ps->tok, TY[i].n)) { next(ps); return TY[i].t; }
    perr2(ps, &ps->tok, "policy.type_expected", "expected a type (int, money, ratio, bool, date, enum, set, code)", "此处应为类型（int、money、ratio、bool、date、enum、set、code）");
}

static void parse_fact(parser *ps)
{
    jy_policy *p = ps->p;
    next(ps);
    if (ps->tok.kind != K_IDENT) perr2(ps, &ps->tok, "policy.fact_name_expected", "expected the fact's name", "此处应为信息项名称");
    jp_tok_t nt = ps->tok;
    if (find_fact(p, nt.s, nt.len) >= 0) perr2(ps, &nt, "policy.fact_twice", "fact \"%.*s\" is declared twice", "信息项“%.*s”重复声明", nt.len, nt.s);
    next(ps);
    int type = parse_type(ps);
    jp_fact f;
    memset(&f, 0, sizeof f);
    f.name = tokdup(ps, &nt);
    f.type = type;
    if (type == T_ENUM || type == T_SET) {
        expect(ps, K_LB, "{ and the values", "{ 和取值");
        const char *syms[64];
        int n = 0;
        while (ps->tok.kind == K_IDENT) {
            if (n == 64) perr2(ps, &ps->tok, "policy.too_many_values", "at most 64 values", "最多 64 个取值");
            syms[n++] = tokdup(ps, &ps->tok);
            next(ps);
            if (ps->tok.kind == K_COMMA) next(ps);
        }
        expect(ps, K_RB, "}", "}");
        f.nsyms = n;
        f.syms = jy_arena_alloc(p->arena, sizeof(char *) * (size_t)(n ? n : 1));
        memcpy(f.syms, syms, sizeof(char *) * (size_t)n);
    } else if (ps->tok.kind != K_STRING && ps->tok.kind != K_NL && ps->tok.kind != K_EOF &&
               !is_kw(&ps->tok, "derived")) {
        f.lo = parse_value_of_type(ps, type);
        expect(ps, K_DOTDOT, ".. (a range lo..hi)", "..（取值范围 lo..hi）");
        f.hi = parse_value_of_type(ps, type);
        f.has_range = 1;
        if (f.lo > f.hi) perr2(ps, &nt, "policy.range_empty", "the range of %s is empty", "%s 的取值范围为空", f.name);
    }
    if (is_kw(&ps->tok, "derived")) { f.derived = 1; next(ps); }
    if (ps->tok.kind == K_STRING) f.doc = parse_text(ps);
    expect_eol(ps);
    if (p->nfacts >= JY_POLICY_MAX_FACTS) perr2(ps, &nt, "policy.too_many_facts", "too many facts (at most %d)", "信息项过多（最多 %d 个）", JY_POLICY_MAX_FACTS);
    p->facts = jp_grow(p->facts, &p->capfacts, p->nfacts + 1, sizeof *p->facts);
    p->facts[p->nfacts++] = f;
}

static void parse_param(parser *ps)
{
    jy_policy *p = ps->p;
    next(ps);
    if (ps->tok.kind != K_IDENT) perr2(ps, &ps->tok, "policy.param_name_expected", "expected the parameter's name", "此处应为参数名");
    jp_tok_t nt = ps->tok;
    char *name = tokdup(ps, &nt);
    if (jp_find_param(p, name) >= 0) perr2(ps, &nt, "policy.param_twice", "parameter \"%s\" is declared twice", "参数“%s”重复声明", name);
    if (find_fact(p, nt.s, nt.len) >= 0) perr2(ps, &nt, "policy.param_is_fact", "\"%s\" is already a fact", "“%s”已经是信息项", name);
    next(ps);
    int type = parse_type(ps);
    if (type == T_ENUM || type == T_SET || type == T_CODE) perr2(ps, &nt, "policy.param_type", "a parameter is int, money, ratio, bool or date", "参数类型只能是 int、money、ratio、bool 或 date");
    int clause = parse_clause_ref(ps);
    jp_period per[32];
    int n = 0;
    if (ps->tok.kind != K_NL && ps->tok.kind != K_EOF) {
        per[0].from = INT32_MIN;
        per[0].to = INT32_MAX;
        per[0].line = nt.line;
        per[0].value = parse_value_of_type(ps, type);
        n = 1;
        expect_eol(ps);
    } else {
        for (;;) {
            skip_nl(ps);
            if (is_kw(&ps->tok, "end")) { next(ps); break; }
            if (!is_kw(&ps->tok, "from")) perr2(ps, &ps->tok, "policy.period_syntax", "expected \"from DATE [to DATE] VALUE\" or \"end\"", "此处应为“from 日期 [to 日期] 取值”或“end”");
            if (n == 32) perr2(ps, &ps->tok, "policy.too_many_periods", "at most 32 periods", "最多 32 个有效期段");
            jp_tok_t ft = ps->tok;
            next(ps);
            if (ps->tok.kind != K_DATE) perr2(ps, &ps->tok, "policy.date_expected", "expected a date YYYY-MM-DD", "此处应为日期 YYYY-MM-DD");
            per[n].from = (jy_date)ps->tok.num;
            per[n].to = INT32_MAX;
            per[n].line = ft.line;
            next(ps);
            if (is_kw(&ps->tok, "to")) {
                next(ps);
                if (ps->tok.kind != K_DATE) perr2(ps, &ps->tok, "policy.date_expected", "expected a date YYYY-MM-DD", "此处应为日期 YYYY-MM-DD");
                per[n].to = (jy_date)ps->tok.num;
                next(ps);
            }
            if (per[n].to < per[n].from) perr2(ps, &ft, "policy.period_reversed", "the period ends before it starts", "有效期段的截止日期早于起始日期");
            per[n].value = parse_value_of_type(ps, type);
            for (int i = 0; i < n; i++)
                if (per[i].from <= per[n].to && per[n].from <= per[i].to)
                    jp_diag_add2(ps->d, 1, ps->file, ft.line, ft.col,
                                "policy.period_overlap",
                                "parameter %s: this period overlaps the one on line %d", "参数 %s：这个有效期段与第 %d 行的有效期段重叠", name, per[i].line);
            n++;
            expect_eol(ps);
        }
        if (n == 0) perr2(ps, &nt, "policy.param_no_period", "parameter %s has no period", "参数 %s 没有有效期段", name);
    }
    jp_param pm = {name, type, clause, n, NULL, ps->file, nt.line};
    pm.per = jy_arena_alloc(p->arena, sizeof(jp_period) * (size_t)n);
    memcpy(pm.per, per, sizeof(jp_period) * (size_t)n);
    p->params = jp_grow(p->params, &p->capparams, p->nparams + 1, sizeof *p->params);
    p->params[p->nparams++] = pm;
}

static void parse_decide(parser *ps, int mark)
{
    jy_policy *p = ps->p;
    jp_tok_t at = ps->tok;
    next(ps);
    const char *subj_start = ps->tok.s;
    ex subj = parse_expr(ps);
    const char *subj_end = ps->tok.s;
    if (subj_end > subj_start && subj_end[-1] == '"') subj_end--;
    while (subj_end > subj_start && subj_end[-1] == ' ') subj_end--;
    const char *subj_text = jy_arena_strndup(p->arena, subj_start, (size_t)(subj_end - subj_start));
    int clause = parse_clause_ref(ps);
    int info = 0;
    if (is_kw(&ps->tok, "info")) { info = 1; next(ps); }
    expect_eol(ps);
    if (subj.type == T_NUM) perr2(ps, &at, "policy.decide_literal", "decide needs a fact or expression, not a literal", "decide 需要信息项或表达式，不能是字面值");
    if (subj.type == T_SET || subj.type == T_CODE) perr2(ps, &at, "policy.decide_type", "decide cannot branch on a %s", "decide 不能按 %s 分支", jp_type_name(subj.type));
    int table = jp_table_new(p);
    int dpc = emit(ps, OP_DECIDE, 0, table, 0, 0);
    jp_branch br[48];
    int nbr = 0;
    int jumps[64], nj = 0;
    int64_t dlo = 0, dhi = (int64_t)1e15;
    if (subj.type == T_ENUM) { dlo = 0; dhi = p->facts[subj.efact].nsyms - 1; }
    else if (subj.type == T_BOOL) { dlo = 0; dhi = 1; }
    else if (subj.type == T_DATE) { dlo = -1000000; dhi = 1000000; }
    if (subj.fact >= 0 && p->facts[subj.fact].has_range) { dlo = p->facts[subj.fact].lo; dhi = p->facts[subj.fact].hi; }
    for (;;) {
        skip_nl(ps);
        if (is_kw(&ps->tok, "end")) { next(ps); break; }
        if (ps->tok.kind == K_EOF) perr2(ps, &ps->tok, "policy.decide_no_end", "decide without \"end\"", "decide 缺少“end”");
        if (nbr == 48) perr2(ps, &ps->tok, "policy.too_many_branches", "at most 48 branches", "最多 48 个分支");
        jp_branch *b = &br[nbr];
        memset(b, 0, sizeof *b);
        b->line = ps->tok.line;
        b->clause = clause;
        if (is_kw(&ps->tok, "otherwise")) {
            b->is_otherwise = 1;
            next(ps);
        } else if (subj.type == T_ENUM || subj.type == T_BOOL) {
            for (;;) {
                int64_t v;
                if (subj.type == T_BOOL) {
                    if (!is_kw(&ps->tok, "true") && !is_kw(&ps->tok, "false")) perr2(ps, &ps->tok, "policy.bool_expected", "expected true or false", "此处应为 true 或 false");
                    v = is_kw(&ps->tok, "true");
                } else {
                    if (ps->tok.kind != K_IDENT) perr2(ps, &ps->tok, "policy.enum_value_expected", "expected a value of %s", "此处应为 %s 的一个取值", p->facts[subj.efact].name);
                    v = find_sym(&p->facts[subj.efact], ps->tok.s, ps->tok.len);
                    if (v < 0) perr2(ps, &ps->tok, "policy.not_enum_value", "\"%.*s\" is not a value of %s", "“%.*s”不是 %s 的取值", ps->tok.len, ps->tok.s, p->facts[subj.efact].name);
                }
                if (b->nint == 8) perr2(ps, &ps->tok, "policy.branch_values", "at most 8 values per branch", "每个分支最多 8 个取值");
                b->lo[b->nint] = b->hi[b->nint] = v;
                b->nint++;
                next(ps);
                if (ps->tok.kind != K_COMMA) break;
                next(ps);
            }
        } else {
            /* an interval: conditions on the subject joined by 且, or  A 至 B, or a single value */
            int64_t lo = INT64_MIN, hi = INT64_MAX;
            b->nint = 1;
            for (;;) {
                jp_tok_t ct = ps->tok;
                int cmp;
                int64_t v;
                int tokty = subj.type;
                if (ct.kind == K_CMPWORD && !ct.postfix) {
                    next(ps);
                    v = parse_value_of_type(ps, tokty);
                    cmp = apply_han(ct.cmp, parse_han(ps));
                } else if (ct.kind == K_LT || ct.kind == K_LE || ct.kind == K_GT || ct.kind == K_GE || ct.kind == K_EQ) {
                    next(ps);
                    v = parse_value_of_type(ps, tokty);
                    cmp = ct.kind == K_LT ? C_LT : ct.kind == K_LE ? C_LE : ct.kind == K_GT ? C_GT : ct.kind == K_GE ? C_GE : C_EQ;
                } else {
                    v = parse_value_of_type(ps, tokty);
                    if (ps->tok.kind == K_CMPWORD && ps->tok.postfix) {
                        cmp = ps->tok.cmp;
                        next(ps);
                        cmp = apply_han(cmp, parse_han(ps));
                    } else if (ps->tok.kind == K_ZHI || ps->tok.kind == K_MINUS) {
                        next(ps);
                        int64_t v2 = parse_value_of_type(ps, tokty);
                        parse_han(ps);
                        if (v > lo) lo = v;
                        if (v2 < hi) hi = v2;
                        cmp = 0;
                    } else {
                        cmp = C_EQ;
                    }
                }
                switch (cmp) {
                case C_LT: if (v - 1 < hi) hi = v - 1; break;
                case C_LE: if (v < hi) hi = v; break;
                case C_GT: if (v + 1 > lo) lo = v + 1; break;
                case C_GE: if (v > lo) lo = v; break;
                case C_EQ: if (v > lo) lo = v; if (v < hi) hi = v; break;
                default: break;
                }
                if (ps->tok.kind == K_AND || is_kw(&ps->tok, "and")) { next(ps); continue; }
                break;
            }
            if (lo > hi) perr2(ps, &ps->tok, "policy.branch_empty", "this branch matches no value", "这个分支不匹配任何取值");
            b->lo[0] = lo;
            b->hi[0] = hi;
        }
        jp_tok_t arrow = ps->tok;
        expect(ps, K_ARROW, "->", "->");
        /* the action */
        b->pc = p->ncode;
        const char *act_start = ps->tok.s;
        jp_tok_t a = ps->tok;
        if (is_kw(&a, "pay")) {
            next(ps);
            jp_tok_t et = ps->tok;
            ex e = parse_expr(ps);
            if (e.type == T_NUM) unify(ps, &et, &e, &(ex){T_MONEY, -1, 0, -1, 0, -1});
            if (e.type != T_MONEY) perr2(ps, &et, "policy.pay_money", "pay needs an amount of money", "pay 需要金额");
            const char *txt = parse_text(ps);
            if (ps->tok.kind == K_STRING) b->clause = parse_clause_ref(ps);
            int cl[1] = {b->clause};
            emit(ps, OP_PAY, 0, jp_add_reason(p, R_PAY, cl, 1, txt), 0, 0);
        } else if (is_kw(&a, "ineligible") || is_kw(&a, "review") || is_kw(&a, "note") || is_kw(&a, "ok")) {
            next(ps);
            int kind = is_kw(&a, "ineligible") ? R_FAIL : is_kw(&a, "review") ? R_REVIEW : is_kw(&a, "note") ? R_NOTE : R_OK;
            const char *txt = parse_text(ps);
            if (ps->tok.kind == K_STRING) b->clause = parse_clause_ref(ps);
            int cl[1] = {b->clause};
            int r = jp_add_reason(p, kind, cl, 1, txt);
            if (kind != R_OK) emit(ps, OP_OUT, kind == R_FAIL ? JY_INELIGIBLE : kind == R_REVIEW ? JY_NEEDS_REVIEW : 9, r, 0, 0);
            else emit(ps, OP_OUT, 10, r, 0, 0);
        } else {
            perr2(ps, &arrow, "policy.action_expected", "expected an action after -> (pay, ineligible, review, note, ok)", "-> 后应为动作（pay、ineligible、review、note、ok）");
        }
        b->action_key = (int)((ps->tok.s - act_start) * 131 + (int)(ps->tok.s - act_start));
        {
            /* key: hash of the action's source text */
            uint32_t h = 2166136261u;
            for (const char *s = act_start; s < ps->tok.s; s++) h = (h ^ (uint8_t)*s) * 16777619u;
            b->action_key = (int)(h & 0x7fffffff);
        }
        expect_eol(ps);
        if (nj == 64) perr2(ps, &ps->tok, "policy.decide_long", "decide too long", "decide 过长");
        jumps[nj++] = emit(ps, OP_JMP, 0, 0, 0, 0);
        nbr++;
    }
    if (nbr == 0) perr2(ps, &at, "policy.decide_no_branch", "decide without branches", "decide 没有分支");
    const char *sname = subj_text;
    const char *const *syms = subj.type == T_ENUM ? p->facts[subj.efact].syms : NULL;
    /* gap/conflict code is appended by jp_decide_build; it jumps to end_pc, patched below */
    int end_marker_start = p->ncode;
    (void)end_marker_start;
    jp_decide_build(p, ps->d, ps->file, at.line, table, subj.type, dlo, dhi, br, nbr, info, -1, sname, syms);
    int end_pc = p->ncode;
    for (int i = 0; i < nj; i++) p->code[jumps[i]].b = end_pc;
    for (int i = dpc + 1; i < end_pc; i++)
        if (p->code[i].op == OP_JMP && p->code[i].b == -1) p->code[i].b = end_pc;
    pend_close(ps, mark, end_pc, clause);
}

static void parse_stmt(parser *ps)
{
    jy_policy *p = ps->p;
    jp_tok_t t = ps->tok;
    if (t.kind != K_IDENT) perr2(ps, &t, "policy.statement_expected", "expected a statement, found \"%.*s\"", "此处应为语句，实为“%.*s”", t.len, t.s);
    if (p->nreasons >= 65535 || p->nparams >= 65535 || p->ntables >= 65535)
        perr2(ps, &t, "policy.rules_too_large", "the rule set is too large (at most 65535 reasons, parameters and decide tables)", "规则集过大（理由、参数和 decide 表合计最多 65535 个）");
    int mark = ps->npend;
    ps->sp = 0; /* every statement starts and ends with an empty stack */
    if (is_kw(&t, "fact")) { parse_fact(ps); return; }
    if (is_kw(&t, "param")) { parse_param(ps); return; }
    if (is_kw(&t, "program")) {
        next(ps);
        if (ps->tok.kind != K_IDENT) perr2(ps, &ps->tok, "policy.program_id_expected", "expected the programme id (P1 … P26)", "此处应为项目编号（P1 … P26）");
        char *id = tokdup(ps, &ps->tok);
        if (jy_policy_program_index(p, id) >= 0) perr2(ps, &ps->tok, "policy.program_twice", "programme %s is defined twice", "项目 %s 重复定义", id);
        next(ps);
        const char *title = ps->tok.kind == K_STRING ? parse_text(ps) : "";
        expect_eol(ps);
        if (p->nprograms >= 64) perr2(ps, &t, "policy.too_many_programs", "at most 64 programmes", "最多 64 个项目");
        p->programs = jp_grow(p->programs, &p->capprograms, p->nprograms + 1, sizeof *p->programs);
        jp_program *pr = &p->programs[p->nprograms];
        memset(pr, 0, sizeof *pr);
        pr->id = id;
        pr->title = title;
        pr->entry = p->ncode;
        if (p->nprograms > 0) emit(ps, OP_HALT, 0, 0, 0, 0), pr->entry = p->ncode;
        ps->prog = p->nprograms++;
        /* the programme itself is a citable clause (for reasons without a finer one) */
        p->clauses = jp_grow(p->clauses, &p->capclauses, p->nclauses + 1, sizeof *p->clauses);
        p->clauses[p->nclauses++] = (jp_clause){id, title, ps->prog, 1, ps->file, t.line};
        return;
    }
    if (is_kw(&t, "clause")) {
        next(ps);
        if (ps->tok.kind != K_STRING) perr2(ps, &ps->tok, "policy.clause_quoted", "expected the clause id in quotes", "此处应为带引号的条款编号");
        char *id = tokdup(ps, &ps->tok);
        if (jp_find_clause(p, id) >= 0) perr2(ps, &ps->tok, "policy.clause_twice", "clause \"%s\" is declared twice", "条款“%s”重复声明", id);
        next(ps);
        const char *text = ps->tok.kind == K_STRING ? parse_text(ps) : "";
        expect_eol(ps);
        p->clauses = jp_grow(p->clauses, &p->capclauses, p->nclauses + 1, sizeof *p->clauses);
        p->clauses[p->nclauses++] = (jp_clause){id, text, ps->prog, 0, ps->file, t.line};
        return;
    }
    need_program(ps, &t);
    jp_program *pr = &p->programs[ps->prog];
    if (is_kw(&t, "target")) {
        next(ps);
        if (pr->ntargets == 16) perr2(ps, &t, "policy.too_many_targets", "at most 16 targets", "最多 16 个目标任务");
        jp_target *tg = &pr->targets[pr->ntargets];
        tg->year = 0;
        if (is_kw(&ps->tok, "total")) next(ps);
        else {
            jp_tok_t yt = ps->tok;
            int64_t y = parse_value_of_type(ps, T_INT);
            if (y < 1900 || y > 2200) perr2(ps, &yt, "policy.target_year", "a target's year is between 1900 and 2200", "目标任务的年份应在 1900 到 2200 之间");
            tg->year = (int)y;
        }
        tg->count = parse_value_of_type(ps, T_INT);
        tg->what = "";
        if (ps->tok.kind == K_STRING && peek(ps)->kind == K_STRING) tg->what = parse_text(ps);
        tg->clause = parse_clause_ref(ps);
        expect_eol(ps);
        pr->ntargets++;
        return;
    }
    if (is_kw(&t, "budget") || is_kw(&t, "source")) {
        int is_budget = is_kw(&t, "budget");
        next(ps);
        jp_money_line ml;
        ml.what = "";
        if (!is_budget) ml.what = parse_text(ps);
        ml.amount = parse_value_of_type(ps, T_MONEY);
        if (is_budget && ps->tok.kind == K_STRING && peek(ps)->kind == K_STRING) ml.what = parse_text(ps);
        ml.clause = parse_clause_ref(ps);
        expect_eol(ps);
        if (is_budget) { if (pr->nbudget == 8) perr2(ps, &t, "policy.too_many_budget", "at most 8 budget lines", "最多 8 条预算线"); pr->budget[pr->nbudget++] = ml; }
        else { if (pr->nsources == 8) perr2(ps, &t, "policy.too_many_sources", "at most 8 sources", "最多 8 个资金来源"); pr->sources[pr->nsources++] = ml; }
        return;
    }
    if (is_kw(&t, "let")) {
        next(ps);
        if (ps->tok.kind != K_IDENT) perr2(ps, &ps->tok, "policy.name_expected", "expected a name", "此处应为名称");
        char *name = tokdup(ps, &ps->tok);
        jp_tok_t nt = ps->tok;
        if (find_fact(p, nt.s, nt.len) >= 0 || jp_find_param(p, name) >= 0) perr2(ps, &nt, "policy.name_taken", "\"%s\" is already a fact or parameter", "“%s”已经是信息项或参数", name);
        next(ps);
        expect(ps, K_ASSIGN, "=", "=");
        ex e = parse_expr(ps);
        if (e.type == T_NUM) unify(ps, &nt, &e, &(ex){T_INT, -1, 0, -1, 0, -1});
        int li = jp_find_local(p, name);
        if (li < 0) {
            if (p->nlocals == 64) perr2(ps, &nt, "policy.too_many_locals", "at most 64 local names", "最多 64 个局部名称");
            li = p->nlocals++;
            p->locals[li] = name;
            p->local_type[li] = 0;
        }
        if (p->local_type[li] && p->local_type[li] != e.type)
            perr2(ps, &nt, "policy.local_type", "\"%s\" was a %s before", "“%s”此前是 %s 类型", name, jp_type_name(p->local_type[li]));
        p->local_type[li] = e.type;
        p->local_efact[li] = e.efact;
        emit(ps, OP_SETLOCAL, 0, li, 0, 0);
        int clause = ps->tok.kind == K_STRING ? parse_clause_ref(ps) : jp_find_clause(p, pr->id);
        expect_eol(ps);
        pend_close(ps, mark, p->ncode, clause);
        return;
    }
    if (is_kw(&t, "require") || is_kw(&t, "exclude") || is_kw(&t, "review") || is_kw(&t, "note")) {
        next(ps);
        int sev = SEV_HARD;
        int mode = is_kw(&t, "exclude") || is_kw(&t, "review") || is_kw(&t, "note") ? CHK_EXCLUDE : CHK_REQUIRE;
        if (is_kw(&t, "review")) sev = SEV_SOFT;
        if (is_kw(&t, "note")) sev = SEV_NOTE;
        int given = 0;
        for (;;) {
            if (ps->tok.kind == K_SOFT || is_kw(&ps->tok, "soft")) { sev = SEV_SOFT; next(ps); continue; }
            if (is_kw(&ps->tok, "given")) { given = 1; next(ps); continue; }
            break;
        }
        jp_tok_t et = ps->tok;
        if (ps->tok.kind == K_STRING) {
            /* unconditional review/note: `review "clause" "text"` */
            emit(ps, OP_CONST, 0, 0, 0, 1);
        } else {
            ex e = parse_expr(ps);
            if (e.type != T_BOOL) perr2(ps, &et, "policy.condition_expected", "expected a condition", "此处应为条件");
        }
        int clause = parse_clause_ref(ps);
        const char *txt = parse_text(ps);
        expect_eol(ps);
        int cl[1] = {clause};
        int r = jp_add_reason(p, sev == SEV_HARD ? R_FAIL : sev == SEV_SOFT ? R_REVIEW : R_NOTE, cl, 1, txt);
        emit(ps, OP_CHECK, (uint8_t)(sev | (mode << 4)), r, 0, 0);
        pend_close_k(ps, mark, p->ncode, clause, given);
        return;
    }
    if (is_kw(&t, "ineligible")) {
        next(ps);
        int clause = parse_clause_ref(ps);
        const char *txt = parse_text(ps);
        expect_eol(ps);
        int cl[1] = {clause};
        emit(ps, OP_OUT, JY_INELIGIBLE, jp_add_reason(p, R_FAIL, cl, 1, txt), 0, 0);
        return;
    }
    if (is_kw(&t, "pay") || is_kw(&t, "cap")) {
        next(ps);
        jp_tok_t et = ps->tok;
        ex e = parse_expr(ps);
        if (e.type == T_NUM) unify(ps, &et, &e, &(ex){T_MONEY, -1, 0, -1, 0, -1});
        if (e.type != T_MONEY) perr2(ps, &et, "policy.money_expected", "expected an amount of money", "此处应为金额");
        int clause = parse_clause_ref(ps);
        const char *txt = parse_text(ps);
        expect_eol(ps);
        int cl[1] = {clause};
        int pay = is_kw(&t, "pay");
        emit(ps, pay ? OP_PAY : OP_CAP, 0, jp_add_reason(p, pay ? R_PAY : R_CAP, cl, 1, txt), 0, 0);
        pend_close(ps, mark, p->ncode, clause);
        return;
    }
    if (is_kw(&t, "if")) {
        int ends[32], ne = 0;
        int clause = jp_find_clause(p, pr->id);
        next(ps);
        for (;;) {
            jp_tok_t et = ps->tok;
            ex c = parse_expr(ps);
            if (c.type != T_BOOL) perr2(ps, &et, "policy.condition_expected", "expected a condition", "此处应为条件");
            if (ps->tok.kind == K_STRING) clause = parse_clause_ref(ps);
            expect_eol(ps);
            int jz = emit(ps, OP_JZ, 0, 0, 0, 0);
            int inner = ps->npend;
            static const char *const STOP[] = {"end", "elif", "else", NULL};
            /* facts of the condition skip the whole if; those of the body are their own statements */
            int cond_mark_end = inner;
            (void)cond_mark_end;
            parse_block(ps, STOP);
            if (ne == 32) perr2(ps, &t, "policy.too_many_elif", "too many elif", "elif 过多");
            ends[ne++] = emit(ps, OP_JMP, 0, 0, 0, 0);
            p->code[jz].b = p->ncode;
            if (is_kw(&ps->tok, "elif")) { next(ps); continue; }
            if (is_kw(&ps->tok, "else")) {
                next(ps);
                expect_eol(ps);
                static const char *const STOP2[] = {"end", NULL};
                parse_block(ps, STOP2);
            }
            next(ps); /* end */
            expect_eol(ps);
            break;
        }
        for (int i = 0; i < ne; i++) p->code[ends[i]].b = p->ncode;
        pend_close(ps, mark, p->ncode, clause);
        return;
    }
    if (is_kw(&t, "decide")) { parse_decide(ps, mark); expect_eol(ps); return; }
    perr2(ps, &t, "policy.unknown_statement", "unknown statement \"%.*s\"", "未知的语句“%.*s”", t.len, t.s);
}

void jp_parse_file(jy_policy *p, jp_diag *d, const char *file, const char *src, size_t len)
{
    parser ps;
    memset(&ps, 0, sizeof ps);
    ps.p = p;
    ps.d = d;
    ps.file = file;
    ps.prog = -1;
    jp_lex_init(&ps.lx, file, src, len);
    next(&ps);
    for (;;) {
        if (setjmp(ps.fail) != 0) {
            /* resume at the next line; drop half-patched skips */
            ps.npend = 0;
            ps.depth = 0;
            while (ps.tok.kind != K_NL && ps.tok.kind != K_EOF) {
                if (ps.tok.kind == K_ERROR) {
                    /* skip the offending bytes up to the end of the line */
                    while (ps.lx.p < ps.lx.end && *ps.lx.p != '\n') ps.lx.p++;
                    ps.have_la = 0;
                }
                next(&ps);
            }
        }
        skip_nl(&ps);
        if (ps.tok.kind == K_EOF) break;
        if (ps.tok.kind == K_IDENT && (is_kw(&ps.tok, "end") || is_kw(&ps.tok, "elif") || is_kw(&ps.tok, "else")))
            perr2(&ps, &ps.tok, "policy.unmatched_end", "\"%.*s\" without a matching if/decide/param", "“%.*s”没有对应的 if/decide/param", ps.tok.len, ps.tok.s);
        parse_stmt(&ps);
    }
    if (p->nprograms > 0) jp_emit(p, OP_HALT, 0, 0, 0, 0, ps.tok.line);
    free(ps.pend);
}
