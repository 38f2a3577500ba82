#!/usr/bin/env bash
# Which cases on record count against a person (issue 10 item 7): a cancelled, rejected or
# withdrawn case never counts — neither in the prior trainings the rules read (同一工种同一等级,
# P1 二; one subsidised training a year, P1 八(二)) nor in the conflict checks — and a training
# counts against a claim only when it came first (dated before it, or the same day and filed
# before it). At filing, at approval, and in the roster check.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
source "$JY_SOURCE_DIR/tests/flow_lib.sh"
flow_setup
# the P1 budget loaded from policy/ funds the brand tracks only (P1 六(一)3): a line for ordinary training
$J --as admin ledger budget set P1 2024 central 100000.00 --tracks general --clause "P1 六(三)" >/dev/null ||
  fail "budget set P1 general"
BODY=$(org_add 1 海原县德隆职业培训学校 training_body)
A=$(person_add 1 马小军)
B=$(person_add 2 杨帆)
C=$(person_add 3 李娟)
D=$(person_add 4 王强)
E=$(person_add 5 赵敏)
claim() { # claim PERSON DATE: a P1 trainee claim, 电工 level 5, by the body
  $J --as body case file --program P1 --kind trainee_claim --org "$BODY" --person "$1" --date "$2" \
     --facts '{"certificate":"level5","occupation":"电工","level":5}'
}

# ---- A: a recognised claim is cancelled; a later, correct claim is not refused by it ----
x=$(claim "$A" 2024-06-03 | idof)
step county_approved rev 2024-06-04 approve "$x"
step publicity rev 2024-06-05 publish "$x"
step recognised rev 2024-06-14 recognise "$x"
step cancelled rev 2024-06-25 advance "$x" cancel
out=$(claim "$A" 2024-07-20)
expect_contains "after a cancelled case: eligible" '"decision":"eligible","amount":"1000.00"' "$out"
expect_contains "after a cancelled case: no prior training" '"prior_trainings":[]' "$out"
expect_contains "after a cancelled case: no conflict" '"conflicts":[]' "$out"
a2=$(echo "$out" | idof)
step county_approved rev 2024-07-22 approve "$a2"

# ---- B: a claim dated before a live case on record is not refused by that later case ----
later=$(claim "$B" 2024-06-03 | idof)
out=$(claim "$B" 2024-05-20)
expect_contains "a later case is not prior: eligible" '"decision":"eligible","amount":"1000.00"' "$out"
expect_contains "a later case is not prior: no prior training" '"prior_trainings":[]' "$out"
expect_contains "a later case is not prior: no conflict" '"conflicts":[]' "$out"
earlier=$(echo "$out" | idof)
step county_approved rev 2024-05-22 approve "$earlier"
# … while the later case meets the earlier one when it is approved (the approval re-checks)
expect_rc "the later case now collides" 1 $J --as rev case approve "$later" --reason ok --date 2024-06-04
expect_contains "with the earlier case named" "已参加过同一职业（工种）同一等级的补贴性培训：电工五级（案件 $earlier" "$(cat "$T/stderr")"
# the roster check of a date before both sees neither (exit 0); after both, both
{ echo "身份证号,姓名,工种,等级"; echo "$B,杨帆,电工,五级"; } >"$T/roster.csv"
expect_rc "roster dated before B's cases: clean" 0 $J case check-roster "$T/roster.csv" --program P1 --date 2024-05-01
expect_rc "roster dated after B's cases: hard" 1 $J case check-roster "$T/roster.csv" --program P1 --date 2024-10-08

# ---- C: withdrawn and rejected cases do not count ----
w=$(claim "$C" 2024-03-01 | idof)
$J --as body case advance "$w" withdraw --reason "申报有误" --date 2024-03-02 >/dev/null || fail "withdraw"
r=$(claim "$C" 2024-03-05 | idof)
$J --as rev case reject "$r" --reason "材料不全" --date 2024-03-06 >/dev/null || fail "reject"
out=$(claim "$C" 2024-04-01)
expect_contains "after withdrawn and rejected: eligible" '"decision":"eligible","amount":"1000.00"' "$out"
expect_contains "after withdrawn and rejected: no conflict" '"conflicts":[]' "$out"

# ---- D: on the same day, the one filed first counts against the second ----
claim "$D" 2024-08-01 >/dev/null
out=$(claim "$D" 2024-08-01)
expect_contains "same day, filed second: 同一工种同一等级" '"clause":"P1 二","kind":"fail","text":"同一工种同一等级参培人员除外"' "$out"
expect_contains "same day, filed second: repeat conflict" '"kind":"repeat_occupation_level","hard":true' "$out"

# ---- E: a live earlier case still counts (the guard is not switched off) ----
claim "$E" 2023-06-01 >/dev/null
out=$(claim "$E" 2024-06-03)
expect_contains "a live earlier case counts" '"decision":"ineligible"' "$out"
expect_contains "named by the rules" '"clause":"P1 二","kind":"fail"' "$out"
books "end"
finish
