#!/usr/bin/env bash
# The fund ledger through the CLI: budget lines loaded from the policy data (per funding
# source), set by hand, lowered only as far as the available balance allows; approvals split
# by source shares or drawn on one source, refused with the figures when they would overspend;
# cancellation and recovery (追回) give money back; `ledger check` finds a tampered balance.
# The books balance (ledger check + audit verify) after every step. Either backend.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
J=$JIUYE
$J init >/dev/null || fail "init"

# budget lines from the policy data: P1 has four sources, P13 one (自治区)
out=$($J ledger budget load --year 2024)
expect_contains "P1 central" '{"program":"P1","year":2024,"source":"central","amount":"17000000.00","tracks":"gouqi,driver","result":"allocated"}' "$out"
expect_contains "P1 region" '{"program":"P1","year":2024,"source":"region","amount":"2000000.00","tracks":"gouqi,driver","result":"allocated"}' "$out"
expect_contains "P1 city/county" '{"program":"P1","year":2024,"source":"city_county","amount":"4000000.00","tracks":"gouqi,driver","result":"allocated"}' "$out"
expect_contains "P1 other" '{"program":"P1","year":2024,"source":"other","amount":"10000000.00","tracks":"gouqi,driver","result":"allocated"}' "$out"
expect_contains "P12 county 10%" '{"program":"P12","year":2024,"source":"city_county","amount":"3753015.12","result":"allocated"}' "$out"
expect_contains "P13 region" '{"program":"P13","year":2024,"source":"region","amount":"7130000.00","result":"allocated"}' "$out"
books_balance "after load"
out=$($J ledger budget load --year 2024)
case "$out" in *allocated*|*reduced*) fail "loading again should change nothing: $out" ;; esac
n=$($J ledger journal --limit 0 | wc -l)
expect_out "journal: one allocate entry per line" "$(echo "$out" | wc -l)" 0 echo "$n"

# a hand-set line, then lowering it
expect_out "budget set" '{"county":"640522","program":"P13","year":2024,"source":"central","source_label":"中央","budget":"1000.00","available":"1000.00","committed":"0.00","paid":"0.00","result":"changed"}' 0 \
  $J ledger budget set P13 2024 central 1000.00
expect_rc "unknown source" 2 $J ledger budget set P13 2024 moon 1.00

# persons to pay
A=$(idcard 1); B=$(idcard 2)
$J person add --idcard "$A" --name 马小军 --hukou-division 640522101 >/dev/null || fail "person A"
$J person add --idcard "$B" --name 李梅 --hukou-division 640522101 >/dev/null || fail "person B"

# overspend: 1,750 from a line with 1,000 available is refused, with the figures, nothing written
before=$($J ledger journal --limit 0 | wc -l)
expect_rc "overspend refused" 1 $J ledger approve --program P13 --year 2024 --person "$A" --amount 1750 --source central
expect_contains "overspend figures" "P13 2024 中央: available 1,000.00, requested 1,750.00" "$(cat "$T/stderr")"
expect_out "nothing posted" "$before" 0 sh -c "$J ledger journal --limit 0 | wc -l"
expect_out "no payable" "" 0 $J ledger payables
books_balance "after refusal"

# exactly the available amount is allowed (以内 includes)
out=$($J ledger approve --program P13 --year 2024 --person "$A" --amount 1000 --source central --month 2024-03)
expect_contains "all of central" '"split":{"central":"1000.00"},' "$out"
expect_contains "approved" '"status":"approved"' "$out"
expect_out "central exhausted" '{"county":"640522","program":"P13","year":2024,"source":"central","source_label":"中央","budget":"1000.00","available":"0.00","committed":"1000.00","paid":"0.00"}' 0 \
  sh -c "$J ledger show --program P13 --year 2024 | head -1"
expect_rc "one fen more refused" 1 $J ledger approve --program P13 --year 2024 --person "$B" --amount 0.01 --source central
expect_contains "one fen figures" "P13 2024 中央: available 0.00, requested 0.01" "$(cat "$T/stderr")"
# lowering the budget below what is committed is refused
expect_rc "reduce refused" 1 $J ledger budget set P13 2024 central 500
expect_contains "reduce figures" "cannot lower the budget from 1,000.00 to 500.00: available 0.00" "$(cat "$T/stderr")"
books_balance "after approve"

# split by shares (P1: 17 : 2 : 4 : 10 million of 33), largest remainder to the fen
# (a 海原司机 claim: P1's four lines fund the brand tracks only, policy/funding.txt)
out=$($J ledger approve --program P1 --year 2024 --person "$B" --amount 1000.00 --track driver)
expect_contains "P1 split" '"split":{"central":"515.15","region":"60.61","city_county":"121.21","other":"303.03"}' "$out"
P1ID=$(field "$out" id)
books_balance "after share split"

# no budget at all: refused naming the programme
expect_rc "no budget" 1 $J ledger approve --program P10 --year 2023 --person "$B" --amount 930
expect_contains "no budget message" "P10 2023 has no budget" "$(cat "$T/stderr")"

# cancel releases the commitment
out=$($J ledger cancel "$P1ID" --reason 撤回申请)
expect_contains "cancelled" '"status":"cancelled"' "$out"
expect_out "P1 central back" '{"county":"640522","program":"P1","year":2024,"source":"central","source_label":"中央","budget":"17000000.00","available":"17000000.00","committed":"0.00","paid":"0.00","tracks":"gouqi,driver","tracks_clause":"P1 六(一)3"}' 0 \
  sh -c "$J ledger show --program P1 | head -1"
expect_rc "cancel twice" 1 $J ledger cancel "$P1ID"
books_balance "after cancel"

# recovery needs a paid payable
expect_rc "recover unpaid" 1 $J ledger recover 1 --reason 提前终止
expect_contains "recover unpaid message" "only a paid payable can be recovered" "$(cat "$T/stderr")"

# pay payable 1 through a batch, then recover part of it
$J ledger card "$A" "$(luhn 621700001000123456)" --bank 宁夏银行 >/dev/null || fail "card"
$J --as 张会计 batch build --program P13 --month 2024-03 >/dev/null || fail "build"
$J --as 李科长 batch approve 1 >/dev/null || fail "approve"
$J batch mark-paid 1 >/dev/null || fail "mark-paid"
out=$($J ledger recover 1 --amount 250.00 --reason 提前终止见习)
expect_contains "recovered" '"recovered":"250.00"' "$out"
expect_out "P13 central after recovery" '{"county":"640522","program":"P13","year":2024,"source":"central","source_label":"中央","budget":"1000.00","available":"250.00","committed":"0.00","paid":"750.00"}' 0 \
  sh -c "$J ledger show --program P13 | head -1"
expect_rc "recover more than paid" 1 $J ledger recover 1 --amount 750.01 --reason 再追回
expect_contains "over-recovery figures" "750.00 can still be recovered, asked 750.01" "$(cat "$T/stderr")"
books_balance "after recovery"

# the journal is append-only, and a tampered balance is named by ledger check
if sql "UPDATE ledger_postings SET amount = amount + 1 WHERE id = 1" 2>/dev/null; then
  fail "ledger_postings should refuse UPDATE"
fi
sql "UPDATE ledger_accounts SET balance = balance - 100 WHERE program = 'P13' AND source = 'region' AND kind = 'available'"
expect_rc "tampered books" 1 $J ledger check
expect_contains "names the account" '"error":"P13 2024 自治区 available: balance 7,129,999.00, but its postings sum to 7,130,000.00"' "$(cat "$T/stdout")"
sql "UPDATE ledger_accounts SET balance = balance + 100 WHERE program = 'P13' AND source = 'region' AND kind = 'available'"
# a payable whose status no longer matches the books
sql "UPDATE payables SET status = 'approved' WHERE id = 1"
expect_rc "sub-ledger mismatch" 1 $J ledger check
expect_contains "names committed" "P13 2024 中央 committed: balance 0.00, but open payables commit 1,000.00" "$(cat "$T/stdout")"
sql "UPDATE payables SET status = 'paid' WHERE id = 1"
books_balance "repaired"
finish
