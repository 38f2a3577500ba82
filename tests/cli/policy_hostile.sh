#!/bin/bash
# Hostile input through the policy CLI (issue 10, items 1 and 2), run under ASan/UBSan by ctest:
# the issue's `policy eval` reproducer of the heap overflow in the decision JSON; a rule file with
# 10,000 nested parentheses and one with 200000000000万0 (clean errors with file:line:col, not a
# SIGSEGV or signed overflow); a case whose arithmetic overflows (needs_review naming the
# expression, not a wrapped amount).
source "$JY_SOURCE_DIR/tests/lib.sh"
POL="$JY_SOURCE_DIR/policy"

# ---------------------------------------------------------------- the decision JSON (item 1)
# the issue's reproducer names an unknown fact, which is now refused on its line (item 8) ...
out=$(echo '{"id":"leveldiresc~rect","program":"P1","date":"2024-05-01","facts":{"roureup": true, "months_employed": 6}}' |
      "$JIUYE" policy eval --policy "$POL" 2>"$T/stderr") && rc=0 || rc=$?
[ "$rc" = 0 ] || fail "reproducer: exit $rc: $(cat "$T/stderr")"
expect_contains "reproducer: the unknown fact refused" '{"id":"leveldiresc~rect","error":"unknown fact \"roureup\"' "$out"
# ... so the same id and the known fact reach the decision JSON that overflowed
out=$(echo '{"id":"leveldiresc~rect","program":"P1","date":"2024-05-01","facts":{"months_employed": 6}}' |
      "$JIUYE" policy eval --policy "$POL" 2>"$T/stderr") && rc=0 || rc=$?
[ "$rc" = 0 ] || fail "reproducer, known facts: exit $rc: $(cat "$T/stderr")"
expect_contains "reproducer: a decision" '{"id":"leveldiresc~rect","decision":"' "$out"
case "$out" in *'"ruleset":"'*'"}') ;; *) fail "reproducer: the line does not end with the ruleset: $out" ;; esac
# many cases with ids of every length: each line whole JSON
for i in $(seq 1 300); do printf '{"id":"%0*d","program":"P10","date":"2024-08-20","facts":{"working_days":%d}}\n' "$i" 0 $((i % 30)); done >"$T/many.jsonl"
"$JIUYE" policy eval --policy "$POL" <"$T/many.jsonl" >"$T/many.out" 2>"$T/stderr" || fail "300 cases: $(cat "$T/stderr")"
[ "$(grep -c '"ruleset":"[0-9a-f]*"}$' "$T/many.out")" = 300 ] || fail "300 cases: not 300 whole decisions"

# ---------------------------------------------------------------- the rule reader (item 2)
mkdir -p "$T/deep" && cp "$POL/facts.rules" "$T/deep/"
{
  printf 'program P99 "t"\nclause "P99 一" "一"\n'
  printf 'require '; printf '(%.0s' $(seq 1 10000); printf 'age'; printf ')%.0s' $(seq 1 10000); printf ' > 1 "P99 一" "t"\n'
} >"$T/deep/deep.rules"
out=$("$JIUYE" policy check "$T/deep" 2>&1) && rc=0 || rc=$?
[ "$rc" = 1 ] || fail "10,000 parentheses: policy check exit $rc, want 1: $out"
expect_contains "10,000 parentheses: the place" 'deep.rules:3:73: error: nested more than 64 deep' "$out"
"$JIUYE" policy eval --policy "$T/deep" </dev/null >"$T/stdout" 2>"$T/stderr" && rc=0 || rc=$?
[ "$rc" = 1 ] || fail "10,000 parentheses: policy eval exit $rc, want 1"
expect_contains "eval names the place" 'deep.rules:3:73' "$(cat "$T/stderr")"

mkdir -p "$T/big" && cp "$POL/facts.rules" "$T/big/"
printf 'program P99 "t"\nclause "P99 一" "一"\npay 200000000000万0 "P99 一" "t"\n' >"$T/big/big.rules"
out=$("$JIUYE" policy check "$T/big" 2>&1) && rc=0 || rc=$?
[ "$rc" = 1 ] || fail "200000000000万0: policy check exit $rc, want 1: $out"
expect_contains "200000000000万0: the place" 'big.rules:3:5: error: a number is too large' "$out"

# a (含 … left open by a character cut short at the end of the file: the parser spun forever (found
# by fuzz_eval); now an error with its place
mkdir -p "$T/cut" && cp "$POL/facts.rules" "$T/cut/"
printf 'program P99 "t"\nclause "P99 一" "一"\ndecide age "P99 一"\n  60 至 70（含\xef' >"$T/cut/cut.rules"
out=$(timeout 20 "$JIUYE" policy check "$T/cut" 2>&1) && rc=0 || rc=$?
[ "$rc" = 1 ] || fail "cut character: policy check exit $rc, want 1: $out"
expect_contains "cut character: the place" 'cut.rules:4:' "$out"

# arithmetic that overflows while a case is evaluated: review naming the expression (each fact at the
# top of its range, 1亿元 and 10亿: their product is beyond int64 fen)
mkdir -p "$T/ov"
printf 'fact m money "an amount"\nfact n int "a count"\n' >"$T/ov/facts.rules"
printf 'program T1 "t"\nclause "T1 一" "一"\ntarget 2024 1 "T1 一"\nbudget 1元 "T1 一"\npay m * n "T1 一" "m × n"\n' >"$T/ov/t.rules"
out=$(printf '%s\n' '{"id":"big","program":"T1","date":"2024-05-01","facts":{"m":"100000000.00","n":1000000000}}' \
                    '{"id":"ok","program":"T1","date":"2024-05-01","facts":{"m":"900.00","n":3}}' |
      "$JIUYE" policy eval --policy "$T/ov" 2>"$T/stderr") && rc=0 || rc=$?
[ "$rc" = 0 ] || fail "overflow case: exit $rc: $(cat "$T/stderr")"
expect_contains "overflow: needs_review" '{"id":"big","decision":"needs_review","amount":null' "$(echo "$out" | sed -n 1p)"
expect_contains "overflow: the reason names the expression" '"kind":"review","text":"t.rules:5:5 的算式 m * n 超出可计算的范围（溢出），本条无法判断，需人工审核"' "$(echo "$out" | sed -n 1p)"
expect_contains "no overflow: paid" '{"id":"ok","decision":"eligible","amount":"2700.00"' "$(echo "$out" | sed -n 2p)"
finish
