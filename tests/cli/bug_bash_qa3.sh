#!/usr/bin/env bash
# What a bug bash as the users found (a county reviewer, a training body, an employer, a job
# seeker; wrong input on purpose), one section per bug; each check fails on the code before its
# fix. Runs on either backend (JY_TEST_BACKEND).
source "$JY_SOURCE_DIR/tests/lib.sh"
J=$JIUYE
export JIUYE_TODAY=2024-12-01

$J init >/dev/null
$J --as admin user add admin --role admin >/dev/null
J="$J --as admin"
$J ledger budget load --year 2024 >/dev/null || fail "budget load"

# ---- a budget line for a programme the rules do not have is refused (it held money no case
# could draw and stood in the budget report) ----
expect_rc "budget set P99 refused" 1 $J ledger budget set P99 2024 central 5.00
expect_contains "names the programme and why" "program P99: unknown programme (P1 … P26)" "$(cat "$T/stderr")"
expect_rc "budget set p13 (lower case) refused" 2 $J ledger budget set p13 2024 central 5.00
expect_out "no line was made" "" 0 sh -c "$J ledger show | grep -E '\"program\":\"(P99|p13)\"' || true"
expect_out "report budget has no P99 row" "" 0 sh -c "$J report budget | grep -o 'P99' || true"
expect_rc "a real programme still set" 0 $J ledger budget set P13 2024 central 5.00

finish
