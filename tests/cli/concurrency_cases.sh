#!/usr/bin/env bash
# Several jiuye processes on one database (issue 3), on either backend: reviewers racing to take
# the same step on the same case — exactly one wins, every other gets a conflict naming the
# case's state and the money is committed once; and several runs of the same payment batch at
# once — exactly one runs and pays every line, every other is refused at once with a conflict
# naming the batch (the batch's run lock, store/run_lock.h) or, started after the winner ended,
# pays nobody; every case ends paid once, and the books balance.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
source "$JY_SOURCE_DIR/tests/flow_lib.sh"
flow_setup
EMP=$(org_add 1 海原县宏达农业科技有限公司 employer)
RACERS=6

declare -a CASES
for i in 1 2 3; do
  p=$(person_add "$i" "职工$i")
  x=$($J --as emp case file --program P21 --org "$EMP" --person "$p" --date 2024-06-28 --facts \
    '{"enterprise_size":"small","new_hire_this_year":true,"unemployed_months":8,"contract_months":12,"social_insurance":true}' | idof)
  [ -n "$x" ] || fail "P21 $i not filed"
  step county_approved rev 2024-07-01 approve "$x"
  step publicity rev 2024-07-02 publish "$x"
  CASES+=("$x")
done

# ---- the same recognition, RACERS processes at once, for each case ----
for x in "${CASES[@]}"; do
  pids=()
  for r in $(seq "$RACERS"); do
    $J --as rev case recognise "$x" --reason "race $r" --date 2024-07-10 >"$T/rec.$x.$r.out" 2>"$T/rec.$x.$r.err" &
    pids+=($!)
  done
  wins=0
  for r in $(seq "$RACERS"); do
    if wait "${pids[$((r - 1))]}"; then wins=$((wins + 1)); else
      expect_contains "case $x racer $r: refusal names the state" "recognised" "$(cat "$T/rec.$x.$r.err")"
    fi
  done
  [ "$wins" -eq 1 ] || fail "case $x: $wins recognitions succeeded, want exactly 1"
  expect_out "case $x recognised" "recognised" 0 state "$x"
  live=$($J ledger payables --case "$x" --limit 0 | grep -vc '"status":"cancelled"')
  [ "$live" = 1 ] || fail "case $x: $live live payables, want 1 (money committed once)"
done
books "after the recognition races"

# ---- one batch, RACERS runs of mark-paid at once ----
BATCH=$($J --as acct batch build --program P21 2>"$T/batch.err") || fail "batch build: $(cat "$T/batch.err")"
id=$(echo "$BATCH" | idof)
$J --as chief batch approve "$id" >/dev/null || fail "batch approve $id"
# JIUYE_TEST_DELAY_MS keeps each line's transaction open 2 s, so the winner holds the batch for
# about six seconds: every racer starts while it runs, even on a loaded machine under ASan.
pids=()
for r in $(seq "$RACERS"); do
  JIUYE_TEST_DELAY_MS=2000 $J --as acct batch mark-paid "$id" >"$T/pay.$r.out" 2>"$T/pay.$r.err" &
  pids+=($!)
done
# A run that started only after the winner had finished (a very slow start on a loaded machine)
# legitimately finds everything paid; it must pay nobody.
payers=0 refused=0
for r in $(seq "$RACERS"); do
  if wait "${pids[$((r - 1))]}"; then
    out=$(cat "$T/pay.$r.out")
    case $out in
      *"\"paid_now\":${#CASES[@]},\"already_paid\":0"*) payers=$((payers + 1)) ;;
      *"\"paid_now\":0,\"already_paid\":${#CASES[@]}"*) echo "note: run $r started after the winner had finished" >&2 ;;
      *) fail "run $r: went ahead, yet neither paid every line nor found them paid: $out" ;;
    esac
  else
    refused=$((refused + 1))
    expect_contains "run $r: refused naming the batch" "payment batch $id is being paid by another run" "$(cat "$T/pay.$r.err")"
    [ -s "$T/pay.$r.out" ] && fail "run $r: refused, yet printed a result: $(cat "$T/pay.$r.out")"
  fi
done
[ "$payers" -eq 1 ] || fail "$payers mark-paid runs paid lines, want exactly 1"
[ "$refused" -ge 1 ] || fail "no run was refused while the winner held the batch"
# after the winner, a run finds nothing to do and changes nothing
expect_contains "a later run pays nobody" "\"paid_now\":0,\"already_paid\":${#CASES[@]}" "$($J --as acct batch mark-paid "$id")"
pays=$($J ledger journal --limit 0 | grep -c '"kind":"pay"')
[ "$pays" -eq "${#CASES[@]}" ] || fail "$pays pay entries in the journal, want ${#CASES[@]}"
for x in "${CASES[@]}"; do expect_out "case $x paid" "paid" 0 state "$x"; done
expect_out "P21 paid 6000" "6000.00" 0 paid P21
books "after the batch races"
finish
