#!/usr/bin/env bash
# Filing to payment, per-person rewards through the CLI on a fresh database: an employer's
# rewards for each person hired (P21 2000/person, P9 1000/person, P3 200/person introduced) paid
# to the employer's basic account, and a labour broker's award (P19, a person: paid to the
# social security card). The budget line refuses an award that would overspend it, with the
# figures, and nothing is written; an objection during publicity sends a case back.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
source "$JY_SOURCE_DIR/tests/flow_lib.sh"
flow_setup
EMP=$(org_add 1 海原县宏达农业科技有限公司 employer)
AGENCY=$(org_add 2 海原县人力资源服务有限公司 labour_agency)
# P3 states no budget of its own (paid from P1's brand training money): give it a line
$J --as admin ledger budget set P3 2024 other 10000.00 >/dev/null || fail "P3 budget"
# award: award_county workflow (county approve → publish 5 wd → recognise → batch)
award() { # award CASE
  step county_approved rev 2024-07-01 approve "$1"
  step publicity rev 2024-07-02 publish "$1"
  step recognised rev 2024-07-10 recognise "$1"
}
declare -a R
for i in 1 2; do
  p=$(person_add "$i" "职工$i")
  x=$($J --as emp case file --program P21 --org "$EMP" --person "$p" --date 2024-06-28 --facts \
    '{"enterprise_size":"small","new_hire_this_year":true,"unemployed_months":8,"contract_months":12,"social_insurance":true}' | idof)
  [ -n "$x" ] || fail "P21 $i not filed"
  award "$x"
  expect_contains "P21 2000/person" '"amount":"2000.00"' "$LAST"
  R+=("$x")
done
p=$(person_add 3 职工3)
x9=$($J --as emp case file --program P9 --org "$EMP" --person "$p" --date 2024-06-28 --facts '{"hire_group":"rural","stable_months":6}' | idof)
award "$x9"
expect_contains "P9 1000/person" '"amount":"1000.00"' "$LAST"
p=$(person_add 4 脱贫户)
x3=$($J --as rev case file --program P3 --org "$AGENCY" --person "$p" --date 2024-06-28 --facts \
  '{"brand_years":1,"placement_agent":"hr_agency","poverty_person":true,"contract_years":1,"social_insurance":true}' | idof)
award "$x3"
expect_contains "P3 200/person introduced" '"amount":"200.00"' "$LAST"

# ---- P19 broker (a person): an objection sends the case back, then recognition ----
BROKER=$(person_add 5 马经纪 card)
x19=$($J --as rev case file --program P19 --person "$BROKER" --date 2024-06-28 --facts \
  '{"licence":true,"people_placed":60,"months_worked":4,"monthly_income":"3500.00"}' | idof)
step county_approved rev 2024-07-01 approve "$x19"
step publicity rev 2024-07-02 publish "$x19"
step filed emp 2024-07-03 object "$x19"
step county_approved rev 2024-07-04 approve "$x19"
step publicity rev 2024-07-05 publish "$x19"
# overspend: P19's line cut to 1000 — recognition refused with the figures, nothing written
$J --as admin ledger budget set P19 2024 central 1000.00 >/dev/null || fail "budget set"
entries=$($J ledger journal | wc -l)
expect_rc "overspend refused" 1 $J --as rev case recognise "$x19" --reason 公示无异议 --date 2024-07-15
expect_contains "refusal names the figures" "requested 2,000.00" "$(cat "$T/stderr")"
expect_out "still in publicity" "publicity" 0 state "$x19"
expect_out "no journal entry written" "$entries" 0 sh -c "$J ledger journal | wc -l"
$J --as admin ledger budget set P19 2024 central 200000.00 >/dev/null || fail "budget raised"
step recognised rev 2024-07-15 recognise "$x19"
expect_contains "P19 2000" '"amount":"2000.00"' "$LAST"

for prog in P21 P9 P3 P19; do
  paybatch "$prog"
  expect_contains "$prog: every line paid" '"failed":0,"pending":0' "$PAID"
done
for x in "${R[@]}" "$x9" "$x3" "$x19"; do expect_out "case $x paid" "paid" 0 state "$x"; done
expect_out "P21 paid 4000" "4000.00" 0 paid P21
csv=$(cat "$T"/bank-*.csv)
expect_contains "employer paid to its basic account" "单位（基本账户）,海原县宏达农业科技有限公司,$EMP" "$csv"
expect_contains "broker paid to the social security card" "个人（社保卡）,马经纪,$BROKER" "$csv"
books "end"
finish
