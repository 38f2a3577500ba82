#!/usr/bin/env bash
# Filing to payment, organisation awards with a scoring form, through the CLI on a fresh
# database: the form's item scores are facts (score_items) and the total is computed, never
# typed (a typed score that differs is refused); a veto item (否决项) excludes; the thresholds
# are the programme's rules (P16 ≥60 → 500,000; P22 ≥90 → 100,000, below 90 refused). City tier:
# county review → city review → publicity → recognition (commits) → batch → paid.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
source "$JY_SOURCE_DIR/tests/flow_lib.sh"
flow_setup
BASE=$(org_add 1 海原县返乡创业园 startup_base)
COMM=$(org_add 2 海城镇东关社区 community)
P16F='"years_running":2,"businesses":30,"jobs":260,"migrant_share":0.4,"investment":"1600000.00"'
expect_rc "typed score that differs from the form refused" 1 $J --as rev case file --program P16 --org "$BASE" --date 2024-05-06 \
  --facts "{$P16F,\"score\":90,\"score_items\":{\"运营管理\":20,\"带动就业\":25}}"
expect_contains "says the total is computed" "computed from score_items (45.0)" "$(cat "$T/stderr")"
expect_rc "item above its maximum refused" 1 $J --as rev case file --program P16 --org "$BASE" --date 2024-05-06 \
  --facts "{$P16F,\"score_items\":[{\"item\":\"运营管理\",\"score\":25,\"max\":20}]}"
x=$($J --as rev case file --program P16 --org "$BASE" --date 2024-05-06 --facts \
  "{$P16F,\"score_items\":[{\"item\":\"运营管理\",\"score\":18,\"max\":20},{\"item\":\"入驻企业\",\"score\":22,\"max\":25},{\"item\":\"带动就业\",\"score\":21,\"max\":25},{\"item\":\"服务成效\",\"score\":12,\"max\":30}]}")
expect_contains "total computed: 73" '"score":73' "$x"
x=$(echo "$x" | idof)
step county_approved rev 2024-05-08 approve "$x"
step city_approved city 2024-05-10 approve "$x"
step publicity city 2024-05-13 publish "$x"
step recognised city 2024-05-20 recognise "$x"
expect_contains "P16 ≥60: 500,000" '"amount":"500000.00"' "$LAST"
# a veto item excludes whatever the score
v=$($J --as rev case file --program P16 --org "$BASE" --date 2024-05-06 --facts \
  "{$P16F,\"score_items\":{\"运营管理\":20,\"入驻企业\":25,\"带动就业\":25,\"服务成效\":25},\"veto_items\":[\"发生重大安全事故\"]}")
expect_contains "veto: ineligible" '"decision":"ineligible"' "$v"
expect_contains "veto set from the items" '"veto":true' "$v"
# P22: 88 points → refused (限期整改); 92 → 100,000
P22F='"employment_rate":0.9,"reemployment_rate":0.85,"reemployment_4050":0.75,"zero_families_left":0'
low=$($J --as rev case file --program P22 --org "$COMM" --date 2024-05-06 --facts "{$P22F,\"score_items\":{\"组织领导\":28,\"就业服务\":30,\"成效\":30}}")
expect_contains "P22 88 points: ineligible" '"decision":"ineligible"' "$low"
y=$($J --as rev case file --program P22 --org "$COMM" --date 2024-05-06 --facts "{$P22F,\"score_items\":{\"组织领导\":30,\"就业服务\":32,\"成效\":30}}" | idof)
step county_approved rev 2024-05-08 approve "$y"
step city_approved city 2024-05-10 approve "$y"
step publicity city 2024-05-13 publish "$y"
step recognised city 2024-05-20 recognise "$y"
expect_contains "P22 ≥90: 100,000" '"amount":"100000.00"' "$LAST"
for prog in P16 P22; do
  paybatch "$prog"
  expect_contains "$prog paid" '"paid_now":1' "$PAID"
done
expect_out "P16 paid" "paid" 0 state "$x"
expect_out "P22 paid" "paid" 0 state "$y"
expect_out "P16 paid 500000" "500000.00" 0 paid P16
books "end"
finish
