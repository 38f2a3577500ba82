#!/usr/bin/env bash
# Cases: one walk per remaining workflow shape through the CLI on a fresh database —
# city tier (P16: county review → city review → publicity → recognition → payment, the city
# reviewer refused at county level), P7's two publicity rounds, a training claim from filing to
# payment, P4 (calendar-day publicity, the 10-day start deadline flagged overdue), an event (P11)
# and a placement that ends. (case_award_flow.sh walks the county-tier award across a holiday,
# case_conflicts.sh the class, its claims and the placements' monthly payments.)
source "$JY_SOURCE_DIR/tests/lib.sh"
J=$JIUYE
export JIUYE_TODAY=2024-12-01
idof() { sed -n 's/^{"id":\([0-9]*\),.*/\1/p'; }
step() { # step EXPECTED_STATE ACTOR DATE CASE-COMMAND ARGS…
  local want=$1 who=$2 d=$3 out
  shift 3
  out=$($J --as "$who" case "$@" --reason "$* by $who" --date "$d" 2>"$T/step.err") || {
    fail "$* on $d: $(cat "$T/step.err")"; return; }
  expect_contains "$* → $want" "\"state\":\"$want\"" "$out"
  LAST=$out
}

$J init >/dev/null
$J --as admin user add admin --role admin >/dev/null
$J --as admin user add rev --role county_reviewer --area 640522 >/dev/null
$J --as admin user add city --role city_reviewer --area 6405 >/dev/null
$J --as admin user add body --role training_body --area 640522 >/dev/null
$J org add --uscc 91640522MA76XYW1X3 --name 海原县返乡创业园 --kind startup_base,training_body >/dev/null || fail org
$J org add --uscc 93640522MA7700006Y --name 七营镇政府 --kind public_body >/dev/null || fail org2
P=640522199003071230
$J person add --idcard $P --name 马小军 --hukou-division 640522105 --hukou-kind 农村 >/dev/null || fail person

# ---- city tier: P16 ----
id=$($J --as rev case file --program P16 --org 91640522MA76XYW1X3 --date 2024-05-06 --facts \
  '{"years_running":2,"businesses":30,"jobs":260,"migrant_share":0.4,"investment":"1600000.00","score":72}' | idof)
[ -n "$id" ] || fail "P16 not filed"
expect_rc "city reviewer cannot take the county review" 1 $J --as city case approve "$id" --reason x --date 2024-05-07
expect_contains "names the allowed role" "county_reviewer" "$(cat "$T/stderr")"
step county_approved rev 2024-05-08 approve "$id"
expect_rc "county reviewer cannot take the city review" 1 $J --as rev case approve "$id" --reason x --date 2024-05-09
step city_approved city 2024-05-10 approve "$id"
step publicity city 2024-05-13 publish "$id"
expect_contains "5 working days" '"publicity_end":"2024-05-17"' "$LAST"
step recognised city 2024-05-20 recognise "$id"
expect_contains "award 500,000" '"decision":"eligible","amount":"500000.00"' "$LAST"
step paid rev 2024-05-24 pay "$id"

# ---- P7: two publicity rounds ----
id=$($J --as rev case file --program P7 --org 91640522MA76XYW1X3 --date 2024-04-01 --facts '{"operating_year":0}' | idof)
step county_approved rev 2024-04-02 approve "$id"
step bureau_publicity rev 2024-04-03 publish "$id"
expect_contains "round 1 over Qingming (4–6 Apr off, Sun 7 Apr works)" '"publicity_end":"2024-04-10"' "$LAST"
step bureau_published rev 2024-04-11 advance $id recommend
step government_approved rev 2024-04-12 approve "$id"
step publicity rev 2024-04-15 advance $id publish_again
step recognised rev 2024-04-22 recognise "$id"
expect_contains "P7 station 150,000" '"amount":"150000.00"' "$LAST"
step paid rev 2024-04-25 pay "$id"

# ---- training claim: filing to payment (直补 route off: the body claims) ----
id=$($J --as body case file --program P1 --kind trainee_claim --org 91640522MA76XYW1X3 --person $P --date 2024-06-03 \
     --facts '{"certificate":"level4","occupation":"中式面点师","level":4}' | idof)
step county_approved rev 2024-06-04 approve "$id"
step publicity rev 2024-06-05 publish "$id"
step recognised rev 2024-06-14 recognise "$id"
expect_contains "level 4: 1500" '"amount":"1500.00"' "$LAST"
step paid rev 2024-06-17 pay "$id"
expect_rc "a training body cannot pay" 1 $J --as body case pay "$id" --reason x --date 2024-06-18

# ---- P4 project: calendar-day publicity, the start deadline ----
id=$($J --as body case file --program P4 --org 91640522MA76XYW1X3 --date 2024-09-02 \
     --facts '{"teachers":[{"name":"李工"}],"sites":[{"kind":"自有","rooms":2}],"training_licence":true,"base":"100000.00","budget":"150000.00","approved":"120000.00","stars":5}' | idof)
step county_approved rev 2024-09-03 approve "$id"
step city_approved city 2024-09-05 approve "$id"
step publicity city 2024-09-30 publish "$id"
expect_contains "公示5天 in calendar days over the holiday" '"publicity_end":"2024-10-04"' "$LAST"
step approved rev 2024-10-05 advance $id approve_project
expect_contains "start within 10 days" '"due_on":"2024-10-15"' "$LAST"
out=$($J case overdue --date 2024-10-16)
expect_contains "not started in 10 days: overdue" "\"id\":$id," "$out"
expect_contains "deadline clause" '"deadline":"10 days","deadline_clause":"P4 时限（立项后10日内开班）"' "$out"
step running body 2024-10-16 advance $id start
step finished body 2024-11-15 advance $id finish
step accepted rev 2024-11-20 advance $id accept
step acceptance_publicity rev 2024-11-21 advance $id publish_acceptance
step recognised rev 2024-11-26 recognise "$id"
expect_contains "5 stars: 100 % of the approved amount" '"amount":"120000.00"' "$LAST"
step paid rev 2024-11-28 pay "$id"

# ---- event (P11) and a placement that ends ----
id=$($J --as rev case file --program P11 --org 93640522MA7700006Y --date 2024-03-01 --facts '{"event_count":1}' | idof)
step approved rev 2024-03-04 approve "$id"
step held rev 2024-03-20 advance $id hold
step paid rev 2024-03-25 pay "$id"
expect_contains "30,000 an event" '"amount":"30000.00"' "$LAST"
id=$($J --as rev case file --program P24 --org 93640522MA7700006Y --person $P --date 2024-01-02 \
     --facts '{"start":"2024-01-02","end":"2024-12-31"}' | idof)
step active rev 2024-01-03 approve "$id"
step ended rev 2024-06-30 advance $id end
expect_contains "ended is terminal for this shape" '"next_steps":[]' "$LAST"

expect_rc "audit chain intact" 0 $J audit verify
finish
