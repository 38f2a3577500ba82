#!/usr/bin/env bash
# Filing to payment, P4 project-based training, through the CLI on a fresh database: application
# with its budget lines (base, budget, approved), county screen, city approval, publicity (5
# calendar days), project approval, start within 10 days, acceptance with stars, acceptance
# publicity, recognition committing the settlement (approved × the star rate: 4 stars = 90 %), an
# objection during the acceptance publicity reopening the case, and payment by a batch.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
source "$JY_SOURCE_DIR/tests/flow_lib.sh"
flow_setup
CO=$(org_add 1 宁夏海原宏达职业技能培训有限公司 training_body)
# P4 is priced per project (一项一价): the seed gives no total, so the county sets the line
$J --as admin ledger budget set P4 2024 central 500000.00 >/dev/null || fail "P4 budget"
x=$($J --as body case file --program P4 --org "$CO" --date 2024-09-02 --facts \
  '{"teachers":[{"name":"李工"}],"sites":[{"kind":"自有","rooms":2}],"training_licence":true,"base":"100000.00","budget":"150000.00","approved":"120000.00","approval_score":82,"stars":4,"acceptance_score":86}' | idof)
[ -n "$x" ] || fail "P4 not filed"
step county_approved rev 2024-09-03 approve "$x"
step city_approved city 2024-09-05 approve "$x"
step publicity city 2024-09-09 publish "$x"
step approved rev 2024-09-14 advance "$x" approve_project
expect_contains "start within 10 days" '"due_on":"2024-09-24"' "$LAST"
step running body 2024-09-20 advance "$x" start
step finished body 2024-10-20 advance "$x" finish
step accepted rev 2024-10-25 advance "$x" accept
step acceptance_publicity rev 2024-10-26 advance "$x" publish_acceptance
step filed emp 2024-10-28 object "$x"
expect_out "objection: nothing committed" "0.00" 0 committed P4
step county_approved rev 2024-10-29 approve "$x"
step city_approved city 2024-10-30 approve "$x"
step publicity city 2024-10-31 publish "$x"
step approved rev 2024-11-05 advance "$x" approve_project
step running body 2024-11-06 advance "$x" start
step finished body 2024-11-20 advance "$x" finish
step accepted rev 2024-11-21 advance "$x" accept
step acceptance_publicity rev 2024-11-22 advance "$x" publish_acceptance
step recognised rev 2024-11-27 recognise "$x"
expect_contains "4 stars: 90 % of 120,000" '"amount":"108000.00"' "$LAST"
expect_out "settlement committed" "108000.00" 0 committed P4
paybatch P4
expect_contains "paid" '"paid_now":1' "$PAID"
expect_out "P4 case paid" "paid" 0 state "$x"
expect_out "P4 paid 108000" "108000.00" 0 paid P4
books "end"
finish
