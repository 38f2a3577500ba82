#!/usr/bin/env bash
# Budget simulation (issue 14 item 4): `jiuye policy simulate` on a demo year gives exactly the
# money difference that re-deciding every stored case and payroll line one by one under the changed
# rules gives — computed here independently: the rows' stored facts read straight from the
# database, `jiuye policy eval` run on them with the current rules and with a copy of policy/
# edited here, the stored conflict findings folded in. Bad --set changes are errors naming them,
# and nothing in the store changes (every table's row count and the audit head). Both backends.
. "$(dirname "$0")/../lib.sh"
POLICY=$(cd "$(dirname "$0")/../../policy" && pwd)
export JIUYE_POLICY=$POLICY
# every row read through the memo of stored facts is also read by the engine and compared
export JY_SIM_VERIFY=1
"$JIUYE" demo --persons 300 --orgs 40 --year-cases small >"$T/demo.json" 2>"$T/demo.err" || {
  cat "$T/demo.err" >&2
  fail "demo"
  finish
}
python3 "$(dirname "$0")/../policy/simulate_check.py" "$POLICY" "$T" || fail "simulation check"

# bad changes: errors naming the parameter, the value or the date; exit 1
expect_rc "unknown parameter" 1 "$JIUYE" policy simulate --set p99.nothing=5 from 2024-01-01
expect_contains "unknown parameter named" "unknown parameter p99.nothing" "$(cat "$T/stderr")"
expect_rc "bad value" 1 "$JIUYE" policy simulate --set p1.level5=abc
expect_contains "bad value named" "p1.level5=abc" "$(cat "$T/stderr")"
expect_rc "bad date" 1 "$JIUYE" policy simulate --set p13.monthly=1800元 from 2024-02-30
expect_contains "bad date named" "2024-02-30" "$(cat "$T/stderr")"
expect_rc "date after every period" 1 "$JIUYE" policy simulate --set p13.monthly=1800元 from 2025-06-01
expect_contains "period named" "p13.monthly has no period on or after" "$(cat "$T/stderr")"
expect_rc "no change given" 1 "$JIUYE" policy simulate
expect_rc "no such rules directory" 1 "$JIUYE" policy simulate --policy-dir "$T/nowhere"
expect_contains "directory named" "$T/nowhere" "$(cat "$T/stderr")"
finish
