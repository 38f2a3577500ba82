#!/usr/bin/env bash
# Issue 10 item 6: the same manual approval twice must not pay twice. One payable per payee ×
# programme × period (the claim key, a partial UNIQUE index in the store) — a second approval is
# refused naming the first, a second claim the rules allow (--claim) is not; an idempotency key
# repeats the first answer for the same request and refuses a different one, across processes;
# the store itself refuses a second live payable of the same claim; and a batch build holds two
# payables paying the same payee for the same programme × period (here one from before the
# constraint, claim key NULL) with a finding naming both. Either backend.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
J=$JIUYE
$J init >/dev/null || fail "init"
$J ledger budget set P12 2023 region 100000.00 >/dev/null || fail "budget"
A=$(idcard 31); B=$(idcard 32)
$J person add --idcard "$A" --name 马小军 --hukou-division 640522101 >/dev/null || fail "person A"
$J person add --idcard "$B" --name 李梅 --hukou-division 640522101 >/dev/null || fail "person B"
$J ledger card "$A" "$(luhn 621700001000000031)" >/dev/null || fail "card A"
$J ledger card "$B" "$(luhn 621700001000000032)" >/dev/null || fail "card B"
approve() { $J ledger approve --program P12 --year 2023 --amount 500.00 "$@"; }

# ---- the issue's repro: the same approval twice ----
out=$(approve --person "$A" --month 2023-07) || fail "first approval"
expect_contains "first approval" '"id":1,' "$out"
expect_contains "its claim key" '"claim_key":"p1|2023-07|"' "$out"
expect_rc "the same approval again is refused" 1 approve --person "$A" --month 2023-07
expect_contains "names the existing payable (409-style conflict)" \
  "P12 2023-07: payable 1 (approved, 500.00) already pays 马小军 ($(mask_id "$A")) for this period" "$(cat "$T/stderr")"
expect_contains "says what to do" "jiuye ledger cancel 1" "$(cat "$T/stderr")"
expect_out "one payable" "1" 0 sql "SELECT count(*) FROM payables"
# another period, another payee, or a second claim the rules allow: each its own payable
approve --person "$A" --month 2023-08 >/dev/null || fail "August"
approve --person "$B" --month 2023-07 >/dev/null || fail "another person"
out=$(approve --person "$A" --month 2023-07 --claim settling_in) || fail "P12 settling-in grant in the same month"
expect_contains "the second claim is named" '"claim":"settling_in"' "$out"
expect_rc "that claim twice is refused too" 1 approve --person "$A" --month 2023-07 --claim settling_in
expect_contains "names it" "payable 4 (approved, 500.00, claim settling_in)" "$(cat "$T/stderr")"
# a cancelled payable no longer holds its period
$J ledger cancel 2 --reason 重复录入 >/dev/null || fail "cancel August"
approve --person "$A" --month 2023-08 >/dev/null || fail "August again after the cancellation"
books_balance "after the approvals"

# ---- the store refuses a second live payable of the same claim (both backends) ----
if sql "INSERT INTO payables(county, program, year, month, payee_kind, person_id, amount, status, approved_by, created_at, claim_key)
        VALUES ('640522', 'P12', 2023, '2023-07', 'person', 1, 50000, 'approved', 'x', 'x', 'p1|2023-07|')" 2>/dev/null; then
  fail "the store accepted a second live payable for p1|2023-07|"
fi
sql "INSERT INTO payables(county, program, year, month, payee_kind, person_id, amount, status, approved_by, created_at, claim_key)
     VALUES ('640522', 'P12', 2023, '2023-07', 'person', 1, 50000, 'cancelled', 'x', 'x', 'p1|2023-07|')" ||
  fail "a cancelled payable of the same claim must be allowed"
sql "DELETE FROM payables WHERE status = 'cancelled' AND approved_by = 'x'" || fail "cleanup"

# ---- idempotency keys: the same request repeats the first answer, another is refused ----
first=$(approve --person "$B" --month 2023-09 --idempotency-key req-0001) || fail "keyed approval"
again=$(approve --person "$B" --month 2023-09 --idempotency-key req-0001) || fail "keyed approval repeated"
expect_out "the same answer" "$first" 0 echo "$again"
expect_out "one payable for the key" "1" 0 sql "SELECT count(*) FROM payables WHERE month = '2023-09'"
expect_rc "the key with another request" 1 $J ledger approve --program P12 --year 2023 --amount 600.00 --person "$B" \
  --month 2023-09 --idempotency-key req-0001
expect_contains "names the first use" "idempotency key req-0001 was used on" "$(cat "$T/stderr")"
expect_contains "for what" '"amount":"500.00"' "$(cat "$T/stderr")"
expect_rc "the key by another actor" 1 $J --as 别人 ledger approve --program P12 --year 2023 --amount 500.00 \
  --person "$B" --month 2023-09 --idempotency-key req-0001
expect_rc "a bad key" 1 approve --person "$B" --month 2023-10 --idempotency-key "has space"
expect_out "the key is kept in the database" "ledger_approve" 0 sql "SELECT operation FROM idempotency_keys WHERE idem_key = 'req-0001'"
# a refused request records no key: after a fix it may be sent again with the same key
expect_rc "refused over the budget" 1 $J ledger approve --program P12 --year 2023 --amount 999999.00 --person "$B" \
  --month 2023-11 --idempotency-key req-0002
out=$(approve --person "$B" --month 2023-11 --idempotency-key req-0002) || fail "req-0002 after the refusal"
expect_contains "a fresh answer" '"month":"2023-11"' "$out"

# ---- batch build: two payables paying one payee for one programme × period are held ----
# payable 1 (A, July) loses its key as a payable from before migration 5 would have none, so the
# same approval goes through again: the build must catch the pair
sql "UPDATE payables SET claim_key = NULL WHERE id = 1" || fail "legacy payable"
dup=$(approve --person "$A" --month 2023-07 | field "$(cat)" id) || fail "legacy duplicate"
[ -n "$dup" ] || fail "no duplicate payable id"
out=$($J --as 张会计 batch build --program P12 --idempotency-key build-1) || fail "build"
expect_contains "both duplicates held, naming each other" "\"payable_id\":1,\"reason\":\"duplicate payee: payable 1 (500.00) and payable $dup (approved) pay 马小军 ($(mask_id "$A")) for P12 2023-07" "$out"
expect_contains "the other one too" "\"payable_id\":$dup,\"reason\":\"duplicate payee: payable $dup (500.00) and payable 1 (approved) pay 马小军 ($(mask_id "$A")) for P12 2023-07" "$out"
expect_contains "duplicate_of" '"duplicate_of":[1]' "$out"
expect_contains "the rest is paid" '"lines":5,"total":"2500.00"' "$out"
again=$($J --as 张会计 batch build --program P12 --idempotency-key build-1) || fail "build repeated"
expect_out "the build's key repeats its answer" "$out" 0 echo "$again"
expect_out "one batch" "1" 0 sql "SELECT count(*) FROM pay_batches"
expect_out "held payables stay approved" "approved|approved" 0 sql "SELECT min(status) || '|' || max(status) FROM payables WHERE id IN (1, $dup)"
approved=$($J --as 李科长 batch approve 1 --idempotency-key ok-1) || fail "batch approve"
expect_out "approve repeated" "$approved" 0 $J --as 李科长 batch approve 1 --idempotency-key ok-1
expect_rc "the build's key with another request" 1 $J --as 张会计 batch build --program P12 --month 2023-07 \
  --idempotency-key build-1
expect_contains "refused as a different request" "idempotency key build-1 was used on" "$(cat "$T/stderr")"
$J batch mark-paid 1 >/dev/null || fail "mark-paid"
# the wrong one of the pair is cancelled: the other is paid in the next batch; a paid payable and a
# later duplicate of it: held, naming the paid one
$J ledger cancel "$dup" --reason 重复 >/dev/null || fail "cancel the duplicate"
sql "UPDATE payables SET claim_key = NULL WHERE id = 3" || fail "legacy paid payable"
dup2=$(approve --person "$B" --month 2023-07 | field "$(cat)" id)
out=$($J --as 张会计 batch build --program P12 --month 2023-07) || fail "July build"
expect_contains "payable 1 paid now" '"lines":1,"total":"500.00"' "$out"
expect_contains "held against the paid one" "duplicate payee: payable $dup2 (500.00) and payable 3 (paid) pay 李梅 ($(mask_id "$B"))" "$out"
$J --as 李科长 batch approve 2 >/dev/null || fail "approve 2"
$J batch mark-paid 2 >/dev/null || fail "mark-paid 2"
expect_out "each claim paid once" "0" 0 sql "SELECT count(*) FROM (SELECT person_id, month, claim FROM payables WHERE status = 'paid' GROUP BY person_id, month, claim HAVING count(*) > 1) d"
books_balance "at the end"
finish
