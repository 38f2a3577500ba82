#!/bin/bash
# The policy CLI contract: eval output shape, malformed lines, editing a parameter file changes a
# decision without recompiling, `policy check` on good and broken rule files, list and explain.
source "$JY_SOURCE_DIR/tests/lib.sh"
POL="$JY_SOURCE_DIR/policy"
case='{"id":"c1","program":"P10","date":"2024-08-20","facts":{"working_days":17}}'
out=$(printf '%s\n{"id":"bad",\n%s\n' "$case" "$case" | "$JIUYE" policy eval --policy "$POL")
expect_contains "eligible line" '{"id":"c1","decision":"eligible","amount":"930.00","reasons":[' "$(echo "$out" | sed -n 1p)"
expect_contains "error line" '"error":' "$(echo "$out" | sed -n 2p)"
expect_contains "evaluation continues" '"amount":"930.00"' "$(echo "$out" | sed -n 3p)"
expect_contains "ruleset hash" '"ruleset":"' "$out"
# JIUYE_POLICY selects the directory too
out=$(echo "$case" | JIUYE_POLICY="$POL" "$JIUYE" policy eval --no-reasons)
expect_contains "JIUYE_POLICY" '"decision":"eligible"' "$out"
# edit a parameter in a copy: the decision changes, no rebuild
cp -r "$POL" "$T/pol"
sed -i 's/^param p10.allowance money "P10 二(三)" 930元/param p10.allowance money "P10 二(三)" 960元/' "$T/pol/p10-practice.rules"
out=$(echo "$case" | "$JIUYE" policy eval --policy "$T/pol" --no-reasons)
expect_contains "edited parameter" '"amount":"960.00"' "$out"
sed -i 's/^\( *\)不足 15 个工作日 -> ineligible/\1不足 18 个工作日 -> ineligible/' "$T/pol/p10-practice.rules"
out=$(echo "$case" | "$JIUYE" policy eval --policy "$T/pol" --no-reasons)
expect_contains "edited bound" '"decision":"needs_review"' "$out"
# check: the shipped rules are valid and their gaps are reported
expect_rc "check shipped" 0 "$JIUYE" policy check "$POL"
out=$("$JIUYE" policy check "$POL")
expect_contains "P10 gap found" 'gap: working_days = 15 至 16' "$out"
expect_contains "P22 conflict found" 'conflict: score = 90' "$out"
# check: broken fixtures
mkdir -p "$T/b1" && cp "$POL/facts.rules" "$JY_SOURCE_DIR/tests/policy/broken/unknown_fact.rules" "$T/b1/"
out=$("$JIUYE" policy check "$T/b1") && rc=0 || rc=$?
[ "$rc" = 1 ] || fail "unknown fact: rc $rc"
expect_contains "unknown fact" 'unknown_fact.rules:5:9: error: unknown fact or parameter "no_such_fact"' "$out"
mkdir -p "$T/b2" && cp "$POL/facts.rules" "$JY_SOURCE_DIR/tests/policy/broken/overlap_clause.rules" "$T/b2/"
out=$("$JIUYE" policy check "$T/b2") && rc=0 || rc=$?
[ "$rc" = 1 ] || fail "overlap: rc $rc"
expect_contains "overlap" 'overlap_clause.rules:7:3: error: parameter p98.a: this period overlaps the one on line 6' "$out"
expect_contains "unknown clause" 'error: clause "P98 二" is not declared' "$out"
expect_contains "syntax" 'overlap_clause.rules:10:15: error: "以上" follows its number' "$out"
expect_rc "eval refuses broken rules" 1 "$JIUYE" policy eval --policy "$T/b2"
# list: every programme with targets, budget and sources
out=$("$JIUYE" policy list --policy "$POL")
for p in P1 P2 P3 P4 P5 P6 P7 P8 P9 P10 P11 P12 P13 P14 P15 P16 P17 P18 P19 P20 P21 P22 P23 P24 P25 P26; do
  expect_contains "list $p" "{\"program\":\"$p\"," "$out"
done
expect_contains "P1 sources" '"source":"中央补助资金","amount":"17000000.00"' "$out"
# explain: a Chinese trace
out=$(echo "$case" | "$JIUYE" policy explain --policy "$POL")
expect_contains "explain" '结论：符合条件，金额 930.00 元' "$out"
expect_contains "explain param" '参数 p10.allowance = 930.00元' "$out"
finish
