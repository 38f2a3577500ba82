#!/usr/bin/env bash
# Kill -9 in the middle of paying a batch, then run it again: no line is paid twice, none is
# lost, and the books balance. The test hook JIUYE_TEST_DELAY_MS makes `batch mark-paid` sleep
# inside each line's transaction (before its commit), so the kill lands while a line is half
# written. Either backend.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
J=$JIUYE
N=${JY_KILL9_LINES:-120}
$J init >/dev/null || fail "init"
$J ledger budget load --year 2024 >/dev/null || fail "budget"

# 10 persons with social security cards, N monthly P14 payables between them (1,700.00 each
# plus the line number in fen, so every line's amount differs): one per person and month of 2024
# (one payable per payee × programme × period, issue 10), a further claim name per round of 120
for i in 1 2 3 4 5 6 7 8 9 10; do
  id=$(idcard $((20 + i)))
  $J person add --idcard "$id" --name "见习$i" --hukou-division 640522101 >/dev/null || fail "person $i"
  $J ledger card "$id" "$(luhn 6217000010000002$(printf %02d "$i"))" >/dev/null || fail "card $i"
  ids[$i]=$id
done
total=0
for k in $(seq 1 "$N"); do
  amount=$((170000 + k))
  total=$((total + amount))
  round=$(( (k - 1) / 120 ))
  $J ledger approve --program P14 --year 2024 --person "${ids[$(( (k - 1) % 10 + 1 ))]}" \
    --amount "$((amount / 100)).$(printf %02d $((amount % 100)))" --month "2024-$(printf %02d $(( (k - 1) / 10 % 12 + 1 )))" \
    $([ "$round" -gt 0 ] && echo "--claim round$round") >/dev/null || fail "approve $k"
done
$J --as 出纳 batch build --program P14 --year 2024 >/dev/null || fail "build"
$J --as 科长 batch approve 1 >/dev/null || fail "approve"

paid_lines() { sql "SELECT count(*) FROM pay_batch_lines WHERE status = 'paid'"; }

# pay with 40 ms inside each line's transaction, kill -9 once a quarter has gone through
JIUYE_TEST_DELAY_MS=40 $J --as 出纳 batch mark-paid 1 >"$T/run1.out" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  n=$(paid_lines)
  [ "$n" -ge $((N / 4)) ] && break
  sleep 0.05
done
kill -9 "$pid" 2>/dev/null || fail "mark-paid ended before the kill (raise JIUYE_TEST_DELAY_MS)"
wait "$pid" 2>/dev/null
k1=$(paid_lines)
[ "$k1" -gt 0 ] && [ "$k1" -lt "$N" ] || fail "after the kill: $k1 of $N lines paid, want some but not all"
echo "killed after $k1 of $N lines"

# after the kill: every paid line has exactly one pay entry, and the books balance
pays=$(sql "SELECT count(*) FROM ledger_entries WHERE kind = 'pay'")
expect_out "pay entries = paid lines" "$k1" 0 echo "$pays"
expect_out "paid payables = paid lines" "$k1" 0 sql "SELECT count(*) FROM payables WHERE status = 'paid'"
books_balance "after kill -9"

# the restart pays the rest, once
out=$($J --as 出纳 batch mark-paid 1)
expect_contains "rest paid" "\"paid_now\":$((N - k1)),\"already_paid\":$k1,\"failed\":0,\"pending\":0" "$out"
expect_contains "batch paid" '"status":"paid"' "$out"
out=$($J --as 出纳 batch mark-paid 1)
expect_contains "third run pays nobody" "\"paid_now\":0,\"already_paid\":$N" "$out"
expect_out "one pay entry per line" "$N" 0 sql "SELECT count(*) FROM ledger_entries WHERE kind = 'pay'"
expect_out "no key twice" "0" 0 sql "SELECT count(*) FROM (SELECT idem_key FROM ledger_entries WHERE idem_key IS NOT NULL GROUP BY idem_key HAVING count(*) > 1) d"
expect_out "every line's payable paid" "$N" 0 sql "SELECT count(*) FROM payables WHERE status = 'paid'"
expect_out "paid total" "$total" 0 sql "SELECT sum(balance) FROM ledger_accounts WHERE program = 'P14' AND kind = 'paid'"
expect_out "nothing committed" "0" 0 sql "SELECT sum(balance) FROM ledger_accounts WHERE program = 'P14' AND kind = 'committed'"
books_balance "after the restart"
finish
