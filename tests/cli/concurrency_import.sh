#!/bin/bash
# Several jiuye processes on one database (issue 3): two `jiuye person import` of the same roster
# at once, plus one importing it in reverse order, store each person once; between them every
# row is created exactly once and otherwise found unchanged; the audit chain verifies (no fork,
# no gap). Runs on the backend under test (JY_TEST_BACKEND): SQLite's busy timeout and
# BEGIN IMMEDIATE, PostgreSQL's writer lock, must give the same outcome.
source "$JY_SOURCE_DIR/tests/lib.sh"
N=600

# GB 11643 check character of 17 digits
check_char() {
  local w=(7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2) c=(1 0 X 9 8 7 6 5 4 3 2) s=0 i
  for i in $(seq 0 16); do s=$((s + ${1:i:1} * w[i])); done
  echo "${c[s % 11]}"
}
{
  echo "姓名,身份证号,户籍所在地,联系电话"
  for i in $(seq 1 $N); do
    first=$(printf '64052219%02d0307%03d' $((60 + i / 1000)) $((i % 1000)))
    echo "马$i,$first$(check_char "$first"),640522105,139955$(printf '%05d' "$i")"
  done
} >"$T/roster.csv"
{ head -n 1 "$T/roster.csv"; tail -n +2 "$T/roster.csv" | tac; } >"$T/reverse.csv"

expect_rc "init" 0 "$JIUYE" init
"$JIUYE" person import "$T/roster.csv" --batch 50 >"$T/a.json" 2>"$T/a.err" & pa=$!
"$JIUYE" person import "$T/roster.csv" --batch 50 >"$T/b.json" 2>"$T/b.err" & pb=$!
"$JIUYE" person import "$T/reverse.csv" --batch 50 >"$T/c.json" 2>"$T/c.err" & pc=$!
wait $pa && ra=0 || ra=$?
wait $pb && rb=0 || rb=$?
wait $pc && rc=0 || rc=$?
for x in a b c; do sed "s/^/  import $x: /" "$T/$x.err" >&2; done
[ "$ra$rb$rc" = 000 ] || fail "the imports exited $ra $rb $rc, want 0 0 0: $(cat "$T"/*.json)"

num() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$2"; }
created=0
for x in a b c; do
  c=$(num created "$T/$x.json"); u=$(num unchanged "$T/$x.json"); r=$(num rows "$T/$x.json")
  [ "$r" = "$N" ] || fail "import $x read ${r:-?} rows, want $N"
  [ $((c + u)) = "$N" ] || fail "import $x: created $c + unchanged $u != $N: $(cat "$T/$x.json")"
  created=$((created + c))
done
[ "$created" = "$N" ] || fail "created $created persons between the imports, want each of the $N once"

got=$("$JIUYE" audit verify) || fail "audit verify failed: $got"
expect_contains "chain intact" '"ok":true' "$got"
expect_contains "one entry per person" "\"entries\":$N," "$got"
n=$("$JIUYE" person list --limit 100000 | grep -o '"idcard"' | wc -l)
[ "$n" = "$N" ] || fail "person list has $n persons, want $N"

# once more, all three again: nothing changes
"$JIUYE" person import "$T/roster.csv" >"$T/d.json" 2>/dev/null & pd=$!
"$JIUYE" person import "$T/reverse.csv" >"$T/e.json" 2>/dev/null & pe=$!
wait $pd; wait $pe
expect_contains "re-import A unchanged" "\"unchanged\":$N" "$(cat "$T/d.json")"
expect_contains "re-import B unchanged" "\"unchanged\":$N" "$(cat "$T/e.json")"
expect_contains "chain still intact" "\"entries\":$N," "$("$JIUYE" audit verify)"
finish
