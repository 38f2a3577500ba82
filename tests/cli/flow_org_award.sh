#!/usr/bin/env bash
# Filing to payment, organisation awards with a scoring form, through the CLI on a fresh
# database: the form's item scores are facts (score_items) and the total is computed, never
# typed (a typed score that differs is refused); a veto item (否决项) excludes; the thresholds
# are the programme's rules (P16 ≥60 → 500,000; P22 ≥90 → 100,000, below 90 refused). The items
# are the programme's form's (policy/scoring-forms.tsv): an unknown item or veto item is refused
# naming it, points over an item's maximum are refused (issue 12). City tier:
# county review → city review → publicity → recognition (commits) → batch → paid.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
source "$JY_SOURCE_DIR/tests/flow_lib.sh"
flow_setup
BASE=$(org_add 1 海原县返乡创业园 startup_base)
COMM=$(org_add 2 海城镇东关社区 community)
P16F='"years_running":2,"businesses":30,"jobs":260,"migrant_share":0.4,"investment":"1600000.00"'
expect_rc "typed score that differs from the form refused" 1 $J --as rev case file --program P16 --org "$BASE" --date 2024-05-06 \
  --facts "{$P16F,\"score\":90,\"score_items\":{\"落实政策：落实人社部门政策\":15,\"运营绩效：入驻实体与带动就业\":20,\"运营绩效：孵化成功率不低于60%\":10}}"
expect_contains "says the total is computed" "computed from score_items (45.0)" "$(cat "$T/stderr")"
expect_rc "item above its maximum refused" 1 $J --as rev case file --program P16 --org "$BASE" --date 2024-05-06 \
  --facts "{$P16F,\"score_items\":[{\"item\":\"运营绩效：入驻实体与带动就业\",\"score\":25,\"max\":20}]}"
expect_rc "item above the form's maximum refused (no max given)" 1 $J --as rev case file --program P16 --org "$BASE" --date 2024-05-06 \
  --facts "{$P16F,\"score_items\":{\"运营绩效：入驻实体与带动就业\":25}}"
expect_contains "names the item and its maximum" '"运营绩效：入驻实体与带动就业": 25 points exceed the item'"'"'s maximum 20 (5-16-2)' "$(cat "$T/stderr")"
expect_rc "an item not on the form refused" 1 $J --as rev case file --program P16 --org "$BASE" --date 2024-05-06 \
  --facts "{$P16F,\"score_items\":{\"运营管理\":20}}"
expect_contains "names the unknown item" '"运营管理" is not an item of P16'"'"'s scoring form' "$(cat "$T/stderr")"
expect_rc "a veto item scored refused" 1 $J --as rev case file --program P16 --org "$BASE" --date 2024-05-06 \
  --facts "{$P16F,\"score_items\":{\"申报弄虚作假\":0}}"
expect_contains "says it is a veto item" 'is a veto item of P16'"'"'s form' "$(cat "$T/stderr")"
expect_rc "a veto item not on the form refused" 1 $J --as rev case file --program P16 --org "$BASE" --date 2024-05-06 \
  --facts "{$P16F,\"score_items\":{\"运营绩效：入驻实体与带动就业\":20},\"veto_items\":[\"发生重大安全事故\"]}"
expect_contains "names the unknown veto item" '"发生重大安全事故" is not a veto item of P16' "$(cat "$T/stderr")"
x=$($J --as rev case file --program P16 --org "$BASE" --date 2024-05-06 --facts \
  "{$P16F,\"score_items\":[{\"item\":\"落实政策：落实人社部门政策\",\"score\":15,\"max\":15},{\"item\":\"运营绩效：入驻实体与带动就业\",\"score\":18,\"max\":20},{\"item\":\"运营绩效：孵化成功率不低于60%\",\"score\":10},{\"item\":\"运营绩效：孵化场所利用率不低于80%\",\"score\":10},{\"item\":\"运营绩效：农民工创业实体占30%以上\",\"score\":10},{\"item\":\"基本情况：运营主体资质\",\"score\":5},{\"item\":\"基本情况：基础设施条件\",\"score\":5}]}")
expect_contains "total computed: 73" '"score":73' "$x"
x=$(echo "$x" | idof)
step county_approved rev 2024-05-08 approve "$x"
step city_approved city 2024-05-10 approve "$x"
step publicity city 2024-05-13 publish "$x"
step recognised city 2024-05-20 recognise "$x"
expect_contains "P16 ≥60: 500,000" '"amount":"500000.00"' "$LAST"
# a veto item excludes whatever the score
v=$($J --as rev case file --program P16 --org "$BASE" --date 2024-05-06 --facts \
  "{$P16F,\"score_items\":{\"落实政策：落实人社部门政策\":15,\"运营绩效：入驻实体与带动就业\":20,\"运营绩效：孵化成功率不低于60%\":10,\"运营绩效：孵化场所利用率不低于80%\":10,\"运营绩效：农民工创业实体占30%以上\":10},\"veto_items\":[\"申报弄虚作假\"]}")
expect_contains "veto: ineligible" '"decision":"ineligible"' "$v"
expect_contains "veto set from the items" '"veto":true' "$v"
# P22: 88 points → refused (限期整改); 92 → 100,000. The 22 items of 5-22-2 by number ("N" or
# "第N项"), each at its base points (合计 100) but the zeroed ones
p22items() {
  local zero=" $* " out="" bases=(3 3 5 6 2 3 6 3 4 4 5 6 6 5 6 5 6 6 4 6 3 3) i s
  for i in $(seq 1 22); do
    s=${bases[$((i - 1))]}
    [[ "$zero" == *" $i "* ]] && s=0
    out+="${out:+,}\"$([ $((i % 2)) = 0 ] && echo "第${i}项" || echo "$i")\":$s"
  done
  echo "{$out}"
}
P22F='"employment_rate":0.9,"reemployment_rate":0.85,"reemployment_4050":0.75,"zero_families_left":0'
low=$($J --as rev case file --program P22 --org "$COMM" --date 2024-05-06 --facts "{$P22F,\"score_items\":$(p22items 4 7)}")
expect_contains "P22 88 points: ineligible" '"decision":"ineligible"' "$low"
y=$($J --as rev case file --program P22 --org "$COMM" --date 2024-05-06 --facts "{$P22F,\"score_items\":$(p22items 4 5)}" | idof)
expect_rc "P22: an item over its base points refused" 1 $J --as rev case file --program P22 --org "$COMM" --date 2024-05-06 \
  --facts "{$P22F,\"score_items\":{\"设立就业服务专区\":4}}"
expect_contains "names the item and its points" '"设立就业服务专区": 4 points exceed the item'"'"'s maximum 3' "$(cat "$T/stderr")"
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
