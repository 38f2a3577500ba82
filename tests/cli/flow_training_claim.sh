#!/usr/bin/env bash
# Filing to payment, individual training claims (P1), through the CLI on a fresh database:
# 直补个人 (an individual_claim paid to the person's social security card) and a claim by a
# training body (a trainee_claim paid to the body's basic account). Recognition commits the money
# in the ledger; a payment by hand is refused while it is committed; the batch re-runs the
# conflict checks and leaves out a claim that now collides with a public-welfare post (reason and
# clause); mark-paid moves each paid claim to paid; recovery (追回) moves a case to recovered.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
source "$JY_SOURCE_DIR/tests/flow_lib.sh"
flow_setup
# P1's four loaded lines fund the 海原司机 and 枸杞技工 brand training only (P1 六(一)3,
# policy/funding.txt); the general training of this test (六(一)1-2) is paid from the
# demonstration-project money of 六(三), which the plan gives no amount: the county sets it here,
# on its central line (docs/ledger.md "Which claims a budget line funds").
$J --as admin ledger budget set P1 2024 central 100000.00 --tracks general --clause "P1 六(三)" >/dev/null ||
  fail "P1 general training budget"
BODY=$(org_add 1 海原县德隆职业培训学校 training_body)
TOWN=$(org_add 2 七营镇政府 public_body)
A=$(person_add 1 马小军 card)
B=$(person_add 2 杨帆 card)
C=$(person_add 3 李娟 card)

# ---- 直补个人: the person claims, paid to the social security card ----
d=$($J --as rev case file --program P1 --kind individual_claim --person "$A" --date 2024-06-03 --facts \
  '{"route":"direct","certificate":"level4","occupation":"中式面点师","level":4,"key_group":true,"months_employed":4}' | idof)
[ -n "$d" ] || fail "direct claim not filed"
step county_approved rev 2024-06-04 approve "$d"
step publicity rev 2024-06-05 publish "$d"
step recognised rev 2024-06-14 recognise "$d"
expect_contains "level 4: 1500" '"amount":"1500.00"' "$LAST"
expect_contains "recognition commits the money" '承诺资金 1,500.00' "$LAST"
expect_out "P1 committed 1500" "1500.00" 0 committed P1
expect_rc "payment by hand refused while committed" 1 $J --as rev case pay "$d" --reason x --date 2024-06-17
expect_contains "names the batch route" "batch build --program P1" "$(cat "$T/stderr")"

# ---- a training body's claims: B (paid), C (collides with a P24 post found later) ----
b=$($J --as body case file --program P1 --kind trainee_claim --org "$BODY" --person "$B" --date 2024-06-03 \
    --facts '{"certificate":"level5","occupation":"电工","level":5}' | idof)
c=$($J --as body case file --program P1 --kind trainee_claim --org "$BODY" --person "$C" --date 2024-06-03 \
    --facts '{"certificate":"level5","occupation":"电工","level":5}' | idof)
for x in $b $c; do
  step county_approved rev 2024-06-04 approve "$x"
  step publicity rev 2024-06-05 publish "$x"
  step recognised rev 2024-06-14 recognise "$x"
done
expect_out "P1 committed 3500" "3500.00" 0 committed P1
# C turns out to hold a public-welfare post since May (filed late): the payment-time check finds it
$J --as rev case file --program P24 --org "$TOWN" --person "$C" --date 2024-06-20 \
   --facts '{"start":"2024-05-01","end":"2024-12-31"}' >/dev/null || fail "P24 post"
paybatch P1
expect_contains "three lines considered, two paid" '"lines":2' "$BATCH"
expect_contains "C left out with the conflict" "\"case_id\":$c,\"reason\":\"案件 $c 存在冲突" "$BATCH"
expect_contains "with its clause" '"kind":"excluded_status","hard":true' "$BATCH"
expect_contains "two paid now" '"paid_now":2' "$PAID"
expect_out "direct claim paid" "paid" 0 state "$d"
expect_out "body claim paid" "paid" 0 state "$b"
expect_out "conflicting claim not paid" "recognised" 0 state "$c"
csv=$(cat "$T"/bank-*.csv)
expect_contains "person paid to the social security card" "个人（社保卡）,马小军,$A,$(luhn 6217000010000001),宁夏银行,1500.00" "$csv"
expect_contains "body paid to its basic account" "单位（基本账户）,海原县德隆职业培训学校,$BODY,$(luhn 62310000000001)" "$csv"
expect_out "P1 paid 2500" "2500.00" 0 paid P1
expect_out "P1 committed 1000 (C)" "1000.00" 0 committed P1
out=$($J case show "$d")
expect_contains "history: pay by the batch" '"step":"pay","from":"recognised","to":"paid"' "$out"
expect_contains "history names the batch line" '拨付批次 1 第 1 行已支付' "$out"
# the same batch again pays nobody
expect_contains "idempotent" '"paid_now":0,"already_paid":2' "$($J --as acct batch mark-paid 1)"
books "after payment"

# ---- C's recognition is cancelled: its commitment is released ----
step cancelled rev 2024-06-25 advance "$c" cancel
expect_out "P1 committed 0 after rejection" "0.00" 0 committed P1
expect_contains "release in the history" '释放承诺资金 1,000.00' "$LAST"

# ---- recovery (追回) of the body's claim ----
step recovered rev 2024-07-01 advance "$b" recover
expect_contains "recovered in the history" '追回 1,000.00' "$LAST"
expect_out "P1 paid 1500 after recovery" "1500.00" 0 paid P1
books "end"
finish
