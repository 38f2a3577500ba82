#!/usr/bin/env bash
# Cases, award workflow end to end (P25 village service point, county tier with a site visit):
# filing → role refusal → illegal transition → county review → publicity across National Day 2024
# (5 working days from Fri 27 Sep end on Wed 9 Oct: Sun 29 Sep is a make-up working day, 1–7 Oct
# are off) → objection reopens → review and publicity again → recognition (re-decided on the
# publicity dates: eligible, 10,000) → payment; history, audit chain, overdue flag.
source "$JY_SOURCE_DIR/tests/lib.sh"
J=$JIUYE
export JIUYE_TODAY=2024-12-01

$J init >/dev/null || fail "init"
$J org add --uscc 93640522MA7700006Y --name 七营镇张堡村 --kind community --division 640522105 >/dev/null || fail "org"
out=$($J --as admin user add admin --role admin)
expect_contains "bootstrap: first actor is admin" '"bootstrap":true' "$out"
$J --as admin user add rev --role county_reviewer --area 640522 >/dev/null || fail "add reviewer"
$J --as admin user add town --role township_staff --area 640522105 >/dev/null || fail "add township staff"
$J --as admin user add villager --role applicant --area 640522 >/dev/null || fail "add applicant"
expect_rc "non-admin cannot add users" 1 $J --as town user add x --role admin
expect_contains "refusal names the role" "无权添加用户" "$(cat "$T/stderr")"
expect_rc "unknown actor refused once users exist" 1 $J --as stranger case file --program P25 --org 93640522MA7700006Y --date 2024-09-20
expect_contains "unknown actor message" 'user "stranger" is not registered' "$(cat "$T/stderr")"

out=$($J --as town case file --program P25 --org 93640522MA7700006Y --date 2024-09-20 --facts '{}')
id=$(echo "$out" | sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
[ -n "$id" ] || fail "file: no id in $out"
expect_contains "filed state" '"state":"filed"' "$out"
expect_contains "kind" '"kind":"org_award"' "$out"
expect_contains "no publicity yet: needs review" '"decision":"needs_review"' "$out"
expect_contains "missing fact named" '缺少事实 publicity_end' "$out"
expect_contains "due in 15 working days (across National Day)" '"due_on":"2024-10-15"' "$out"
expect_contains "workflow" '"workflow":"award_county_site_visit"' "$out"

# role refusal: township staff may not take the county review
expect_rc "township staff cannot approve" 1 $J --as town case approve "$id" --reason "看过了" --date 2024-09-25
expect_contains "role refusal names roles" "county_reviewer" "$(cat "$T/stderr")"
# illegal transition: names the current state and the allowed next steps
expect_rc "recognise from filed refused" 1 $J --as rev case recognise "$id" --reason x --date 2024-09-25
expect_contains "illegal transition message" "is filed and cannot take recognise; next steps allowed: county_approve, reject, withdraw" "$(cat "$T/stderr")"
expect_rc "reason required" 1 $J --as rev case approve "$id" --date 2024-09-25

out=$($J --as rev case approve "$id" --reason "实地考察：场地、人员、制度上墙齐全" --date 2024-09-25)
expect_contains "county approved" '"state":"county_approved"' "$out"
out=$($J --as rev case publish "$id" --reason "政府网站公示" --date 2024-09-27)
expect_contains "publicity state" '"state":"publicity"' "$out"
expect_contains "publicity ends after National Day" '"publicity_end":"2024-10-09"' "$out"
expect_contains "publicity dates became facts" '"publicity_start":"2024-09-27"' "$out"

expect_rc "recognise on the last publicity day refused" 1 $J --as rev case recognise "$id" --reason x --date 2024-10-09
expect_contains "publicity not over" "the publicity period runs to 2024-10-09 (inclusive)" "$(cat "$T/stderr")"

# an objection during publicity reopens the case
out=$($J --as villager case object "$id" --reason "村民反映服务点未正常开放" --date 2024-10-08)
expect_contains "objection reopens" '"state":"filed"' "$out"
expect_contains "publicity cleared" '"publicity_end":null' "$out"
expect_rc "no second objection outside publicity" 1 $J --as villager case object "$id" --reason x --date 2024-10-09

$J --as rev case approve "$id" --reason "复核：已整改，现场核实开放" --date 2024-10-09 >/dev/null || fail "approve again"
out=$($J --as rev case publish "$id" --reason "重新公示" --date 2024-10-10)
expect_contains "second publicity over the make-up Saturday" '"publicity_end":"2024-10-15"' "$out"
out=$($J --as rev case recognise "$id" --reason "公示无异议" --date 2024-10-16)
expect_contains "recognised" '"state":"recognised"' "$out"
expect_contains "re-decided eligible" '"decision":"eligible"' "$out"
expect_contains "amount" '"amount":"10000.00"' "$out"
out=$($J --as rev case pay "$id" --reason "拨付至基本账户" --date 2024-10-20)
expect_contains "paid" '"state":"paid"' "$out"
expect_contains "paid: only recovery (追回) is left" '"next_steps":["recover"]' "$out"

out=$($J case show "$id")
n=$(echo "$out" | grep -o '"step":' | wc -l)
[ "$n" = 8 ] || fail "history has $n steps, want 8 (file, approve, publish, object, approve, publish, recognise, pay): $out"
expect_contains "history keeps the objection" '"step":"object","from":"publicity","to":"filed","on":"2024-10-08","actor":"villager","reason":"村民反映服务点未正常开放（依据：P25 四(三)）"' "$out"

# audit: every transition is an entry with actor and reason, and the chain verifies
out=$($J audit list --limit 0)
c=$(echo "$out" | grep -c '"entity":"case"')
[ "$c" = 8 ] || fail "audit has $c case entries, want 8"
expect_contains "audit carries the actor" '"actor":"villager"' "$out"
expect_rc "audit chain intact" 0 $J audit verify

# overdue: a case nobody reviewed within 15 working days
out=$($J --as town case file --program P25 --org 93640522MA7700006Y --date 2024-10-21)
id2=$(echo "$out" | sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
out=$($J case overdue --date 2024-11-20)
expect_contains "overdue lists the unreviewed case" "\"id\":$id2," "$out"
expect_contains "overdue says by how much" '"days_overdue":' "$out"
case "$out" in *"\"id\":$id,"*) fail "a paid case is not overdue" ;; esac
expect_out "nothing overdue before the deadline" "" 0 $J case overdue --date 2024-11-01
out=$($J case list --overdue --date 2024-11-20)
expect_contains "list --overdue" "\"id\":$id2," "$out"
finish
