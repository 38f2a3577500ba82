#!/usr/bin/env bash
# Issue 13 item 5(e): `case overdue --on D` (and `case list --overdue --on D`) judges each case by
# the state it was in ON D, replayed from its history, with that state's deadline counted (in
# working days, by the holiday calendar) from the day the case entered it — not by the state and
# due_on it has now. A case overdue on D that has moved on since is listed; a case filed after D
# is not; an objection that sent a case back restarts its deadline. P25 (award_county_site_visit):
# filed → 15 working days; recognised → 10 working days; county_approved and publicity: none.
source "$JY_SOURCE_DIR/tests/lib.sh"
J=$JIUYE
export JIUYE_TODAY=2025-03-01

$J init >/dev/null
$J --as admin user add admin --role admin >/dev/null
$J --as admin user add rev --role county_reviewer --area 640522 >/dev/null
$J --as admin user add town --role township_staff --area 640522 >/dev/null
$J --as admin user add villager --role applicant --area 640522 >/dev/null
for u in 93640522MA7700006Y 93640522MA770000AB 93640522MA770000BE 93640522MA770000CH 93640522MA770000DL; do
  $J --as admin org add --uscc $u --name "村服务点$u" --kind community >/dev/null || fail "org $u"
done

file() { # file USCC DATE → the case id
  $J --as town case file --program P25 --org "$1" --date "$2" --facts '{}' | sed -n 's/^{"id":\([0-9]*\),.*/\1/p'
}
step() { # step ID STEP DATE [ACTOR]
  $J --as "${4:-rev}" case "$2" "$1" --reason "第$2步" --date "$3" >/dev/null || fail "case $2 $1 on $3: $(cat "$T/stderr" 2>/dev/null)"
}
nth() { $J calendar nth-workday "$1" "$2" 2>/dev/null | sed -n 's/.*"result":"\([0-9-]*\)".*/\1/p'; }
days() { echo $(( ($(date -ud "$2" +%s) - $(date -ud "$1" +%s)) / 86400 )); }
ids() { sed -n 's/^{"id":\([0-9]*\),.*/\1/p' | tr '\n' ' '; }

# A: filed 2024-09-02, left waiting, approved late on 2024-10-30 (no deadline since)
A=$(file 93640522MA7700006Y 2024-09-02)
# C: approved and published on time, recognised 2024-09-26, paid late on 2024-11-15
C=$(file 93640522MA770000AB 2024-09-02)
# E: published, objected to on 2024-09-10 (back to filed: its 15 working days start again), approved 2024-11-01
E=$(file 93640522MA770000BE 2024-09-02)
# F: filed 2024-10-08 and still waiting
F=$(file 93640522MA770000CH 2024-10-08)
# G: filed 2024-12-02, after the days looked at below
G=$(file 93640522MA770000DL 2024-12-02)
[ -n "$A" ] && [ -n "$C" ] && [ -n "$E" ] && [ -n "$F" ] && [ -n "$G" ] || fail "filing: A=$A C=$C E=$E F=$F G=$G"

step "$C" approve 2024-09-04
step "$C" publish 2024-09-05
pub_end=$($J case show "$C" | sed -n 's/.*"publicity_end":"\([0-9-]*\)".*/\1/p')
step "$C" recognise 2024-09-26
step "$E" approve 2024-09-04
step "$E" publish 2024-09-05
step "$E" object 2024-09-10 villager
step "$A" approve 2024-10-30
step "$E" approve 2024-11-01
# C's payment by hand: no budget holds P25 money here, so nothing is committed (docs/cases.md)
step "$C" pay 2024-11-15
[ "$($J case show "$C" | grep -c '"state":"paid"')" = 1 ] || fail "C is paid now"

dueA=$(nth 2024-09-02 15)   # A (and E before its objection) in filed since 2024-09-02
dueC=$(nth 2024-09-26 10)   # C in recognised since 2024-09-26
dueE=$(nth 2024-09-10 15)   # E back in filed since 2024-09-10
dueF=$(nth 2024-10-08 15)
[ -n "$dueA" ] && [ -n "$dueC" ] && [ -n "$dueE" ] && [ -n "$dueF" ] || fail "calendar: $dueA $dueC $dueE $dueF"

# ---- 2024-10-20: A (filed, late), C (recognised, late), E (filed again, late); not F (due later)
D=2024-10-20
out=$($J case overdue --on $D)
expect_out "overdue on $D: A, C, E" "$A $C $E " 0 sh -c "$J case overdue --on $D | sed -n 's/^{\"id\":\([0-9]*\),.*/\1/p' | tr '\n' ' '"
lineA=$(echo "$out" | grep "^{\"id\":$A,")
lineC=$(echo "$out" | grep "^{\"id\":$C,")
lineE=$(echo "$out" | grep "^{\"id\":$E,")
expect_contains "A judged by its state then" "\"as_of\":{\"date\":\"$D\",\"state\":\"filed\",\"since\":\"2024-09-02\",\"due_on\":\"$dueA\"}" "$lineA"
expect_contains "A's days overdue counted to $D" "\"days_overdue\":$(days "$dueA" $D)," "$lineA"
expect_contains "A is county_approved now" '"state":"county_approved"' "$lineA"
expect_contains "C was recognised, 10 working days" "\"as_of\":{\"date\":\"$D\",\"state\":\"recognised\",\"since\":\"2024-09-26\",\"due_on\":\"$dueC\"}" "$lineC"
expect_contains "C's days overdue" "\"days_overdue\":$(days "$dueC" $D)," "$lineC"
expect_contains "C's deadline rule" '"deadline":"10 workdays","deadline_clause":"P25 四(三)"' "$lineC"
expect_contains "C is paid now" '"state":"paid"' "$lineC"
expect_contains "E's deadline restarted at the objection" "\"as_of\":{\"date\":\"$D\",\"state\":\"filed\",\"since\":\"2024-09-10\",\"due_on\":\"$dueE\"}" "$lineE"
expect_contains "E's days overdue" "\"days_overdue\":$(days "$dueE" $D)," "$lineE"
expect_out "list --overdue --on alike" "$out" 0 $J case list --overdue --on $D
expect_out "--date alike" "$out" 0 $J case overdue --date $D
expect_out "--state matches the state then" "$C " 0 sh -c "$J case list --overdue --on $D --state recognised | sed -n 's/^{\"id\":\([0-9]*\),.*/\1/p' | tr '\n' ' '"

# ---- the day before A's deadline: nothing overdue (A, C, E within their time; F, G not filed)
prev=$(date -ud "$dueA" +%F)
expect_out "nothing overdue on A's deadline day $prev" "" 0 $J case overdue --on "$prev"

# ---- the day after A's deadline: A and E were both still filed from 2024-09-02? E was objected to
# on 2024-09-10 and A's deadline falls later: E restarted, so only A
next=$(date -ud "$dueA + 1 day" +%F)
expect_out "the day after A's deadline: A only" "$A " 0 sh -c "$J case overdue --on $next | sed -n 's/^{\"id\":\([0-9]*\),.*/\1/p' | tr '\n' ' '"

# ---- 2024-11-20: A approved (no deadline), E approved, C still recognised (paid on 11-15? no: paid), F late
D=2024-11-20
expect_out "overdue on $D: F only" "$F " 0 sh -c "$J case overdue --on $D | sed -n 's/^{\"id\":\([0-9]*\),.*/\1/p' | tr '\n' ' '"
expect_contains "F's days" "\"days_overdue\":$(days "$dueF" $D)," "$($J case overdue --on $D)"

# ---- 2024-11-10: C still recognised (paid 11-15), F late; G filed after: not listed
D=2024-11-10
expect_out "overdue on $D: C and F" "$C $F " 0 sh -c "$J case overdue --on $D | sed -n 's/^{\"id\":\([0-9]*\),.*/\1/p' | tr '\n' ' '"

# ---- today (2025-03-01): F and G, as their due_on says
expect_out "overdue today: F and G" "$F $G " 0 sh -c "$J case overdue | sed -n 's/^{\"id\":\([0-9]*\),.*/\1/p' | tr '\n' ' '"
expect_rc "a day that does not exist" 1 $J case overdue --on 2024-11-31
finish
