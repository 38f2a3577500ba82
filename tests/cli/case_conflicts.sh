#!/usr/bin/env bash
# Cases, training and placements: a P1 class and its trainee claims (paid to the training body),
# and every conflict kind across programmes with its reason and clause — at filing, at approval
# and before payment — plus the roster check (duplicates inside one roster, statuses, history).
source "$JY_SOURCE_DIR/tests/lib.sh"
J=$JIUYE
export JIUYE_TODAY=2024-12-01

# valid ID numbers: 640522 + birth + 123 + GB 11643 check character
idcard() {
  echo "$1" | awk '{ split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " "); c = "10X98765432"; s = 0;
    for (i = 1; i <= 17; i++) s += substr($0, i, 1) * w[i]; print $0 substr(c, s % 11 + 1, 1) }'
}
P1=$(idcard 64052219900101123); P2=$(idcard 64052219900102123); P3=$(idcard 64052219900103123)
P4=$(idcard 64052219900104123); P5=$(idcard 64052219900105123); P6=$(idcard 64052219900106123)
P7=$(idcard 64052219900107123)
idof() { sed -n 's/^{"id":\([0-9]*\),.*/\1/p'; }

$J init >/dev/null || fail "init"
$J --as admin user add admin --role admin >/dev/null
$J --as admin user add rev --role county_reviewer --area 640522 >/dev/null
$J org add --uscc 91640522MA76XYW1X3 --name 海原县德隆职业培训学校 --kind training_body >/dev/null || fail "body A"
$J org add --uscc 52640522MJX0000184 --name 海原县另一培训学校 --kind training_body >/dev/null || fail "body B"
$J --as admin user add delong --role training_body --area 640522 --org 91640522MA76XYW1X3 >/dev/null
for p in $P1 $P2 $P3 $P4 $P5 $P6; do
  $J person add --idcard "$p" --name 测试 --hukou-division 640522105 --hukou-kind 农村 >/dev/null || fail "person $p"
done
$J person add --idcard "$P6" --name 测试 --hukou-division 640522105 --status public_welfare_post:2024-01-01 >/dev/null
$J person add --idcard "$P7" --name 测试 --hukou-division 640522105 --status disability::1 >/dev/null

# ---- a class (开班申请) and its trainee claims, paid to the training body ----
cls=$($J --as delong case file --program P1 --kind training_class --org 91640522MA76XYW1X3 --date 2024-03-01 \
      --facts '{"occupation":"中式烹调师","level":5,"class_size":30,"hours_total":160,"hours_practical":110,"teachers":[{"name":"马老师","certificate":"高级技师"}],"site":"县职教中心","start":"2024-03-11","end":"2024-04-30"}' | idof)
[ -n "$cls" ] || fail "class not filed"
out=$($J --as rev case approve "$cls" --reason "开班材料齐全" --date 2024-03-04)
expect_contains "class approved" '"state":"approved"' "$out"
expect_contains "class workflow" '"workflow":"training_class"' "$out"
out=$($J --as rev case file --program P1 --parent "$cls" --person "$P1" --facts '{"certificate":"level5"}' --date 2024-05-06)
c1=$(echo "$out" | idof)
expect_contains "trainee claim kind" '"kind":"trainee_claim"' "$out"
expect_contains "paid to the training body" '"org_id":1,' "$out"
expect_contains "occupation from the class" '"occupation":"中式烹调师","level":5' "$out"
expect_contains "eligible 1000" '"decision":"eligible","amount":"1000.00"' "$out"
expect_contains "claim workflow" '"workflow":"training_claim"' "$out"

# two bodies claim the same training (same occupation, level, year): hard
cls2=$($J --as rev case file --program P1 --kind training_class --org 52640522MJX0000184 --date 2024-03-01 \
       --facts '{"occupation":"中式烹调师","level":5,"class_size":20,"hours_total":160,"hours_practical":110,"teachers":[{"name":"马老师","certificate":"高级技师"}],"site":"县职教中心","start":"2024-03-11","end":"2024-04-30"}' | idof)
$J --as rev case approve "$cls2" --reason ok --date 2024-03-04 >/dev/null
out=$($J --as rev case file --program P1 --parent "$cls2" --person "$P1" --facts '{"certificate":"level5"}' --date 2024-05-07)
c2=$(echo "$out" | idof)
expect_contains "two bodies: conflict kind" '"kind":"two_bodies_same_training","hard":true,"clause":"P1 八(二)"' "$out"
expect_contains "two bodies: names the other case" "\"other_case\":$c1" "$out"
expect_contains "two bodies: ineligible" '"decision":"ineligible"' "$out"
expect_rc "an ineligible claim cannot be approved" 1 $J --as rev case approve "$c2" --reason x --date 2024-05-08
expect_contains "refusal says only reject" "cannot take county_approve; allowed: reject" "$(cat "$T/stderr")"
$J --as rev case reject "$c2" --reason "重复申领" --date 2024-05-08 >/dev/null || fail "reject"

# one subsidised training a year: soft in P1 (原则上) → needs_review
out=$($J --as rev case file --program P1 --org 91640522MA76XYW1X3 --person "$P1" --kind trainee_claim \
      --facts '{"certificate":"level5","occupation":"育婴员","level":5}' --date 2024-09-02)
expect_contains "P1 once a year is soft" '"kind":"one_training_per_year","hard":false,"clause":"P1 八(二)"' "$out"
expect_contains "soft → needs_review" '"decision":"needs_review"' "$out"
soft=$(echo "$out" | idof)
out=$($J case list --decision needs_review --program P1)
expect_contains "flagged for review" "\"id\":$soft," "$out"
case "$out" in *"\"id\":$c1,"*) fail "an eligible case is not flagged for review" ;; esac
# … and hard in P2
out=$($J --as rev case file --program P2 --org 91640522MA76XYW1X3 --person "$P1" --kind trainee_claim \
      --facts '{"certificate":"level5","occupation":"家政服务员","level":5,"p2_group":"rural"}' --date 2024-09-03)
expect_contains "P2 once a year is hard" '"kind":"one_training_per_year","hard":true,"clause":"P2 八(二)"' "$out"
expect_contains "P2: ineligible" '"decision":"ineligible"' "$out"

# the same occupation at the same level again (another year): hard, §二
$J --as rev case file --program P1 --org 91640522MA76XYW1X3 --person "$P2" --kind trainee_claim \
   --facts '{"certificate":"level5","occupation":"电工","level":5}' --date 2023-06-01 >/dev/null || fail "2023 claim"
out=$($J --as rev case file --program P1 --org 91640522MA76XYW1X3 --person "$P2" --kind trainee_claim \
      --facts '{"certificate":"level5","occupation":"电工","level":5}' --date 2024-06-03)
expect_contains "repeat occupation+level" '"kind":"repeat_occupation_level","hard":true,"clause":"P1 二"' "$out"
expect_contains "repeat reason" "已参加过同一职业（工种）同一等级的补贴性培训：电工五级" "$out"

# excluded statuses: public-welfare post holder; disability grade 1
out=$($J --as rev case file --program P1 --org 91640522MA76XYW1X3 --person "$P6" --kind trainee_claim \
      --facts '{"certificate":"level5","occupation":"电工","level":5}' --date 2024-06-03)
expect_contains "public welfare post excluded" '"kind":"excluded_status","hard":true,"clause":"P1 二","reason":"公益性岗位人员不得参加补贴性培训' "$out"
out=$($J --as rev case file --program P23 --org 91640522MA76XYW1X3 --person "$P7" --kind trainee_claim \
      --facts '{"certificate":"level5","occupation":"电工","level":5,"target_group":"disabled"}' --date 2024-06-03)
expect_contains "disability 1–2 excluded" '"kind":"excluded_status","hard":true,"clause":"P23 二","reason":"一二级残疾人员不得参加补贴性培训' "$out"

# ---- placements: one internship host at a time; no P24 post together with a P13 internship ----
$J org add --uscc 93640522MA7700006Y --name 七营镇政府 --kind public_body >/dev/null || fail "host"
pl=$($J --as rev case file --program P13 --org 91640522MA76XYW1X3 --person "$P3" \
     --facts '{"start":"2023-09-01","end":"2024-08-31","graduation_years":1}' --date 2023-09-01 | idof)
$J --as rev case approve "$pl" --reason "岗位核实" --date 2023-09-04 >/dev/null || fail "approve placement"
out=$($J --as rev case file --program P13 --org 93640522MA7700006Y --person "$P3" \
      --facts '{"start":"2024-03-01","end":"2024-08-31"}' --date 2024-03-01)
expect_contains "second host" '"kind":"two_internship_hosts","hard":true,"clause":"P13 二(四)3"' "$out"
out=$($J --as rev case file --program P24 --org 93640522MA7700006Y --person "$P3" \
      --facts '{"start":"2024-01-01","end":"2026-12-31"}' --date 2024-01-02)
p24=$(echo "$out" | idof)
expect_contains "P24 with a P13 internship" '"kind":"p24_and_p13","hard":true' "$out"
# a P24 post after the internship ended does not collide
out=$($J --as rev case file --program P24 --org 93640522MA7700006Y --person "$P4" \
      --facts '{"start":"2024-09-01","end":"2026-08-31"}' --date 2024-09-02)
expect_contains "no collision without overlap" '"conflicts":[]' "$out"
# a monthly payment is checked again through its placement before payment
m=$($J --as rev case file --program P13 --parent "$pl" --facts '{"month_index":3,"month_workdays":21,"days_on_duty":21}' --date 2023-11-30 | idof)
$J --as rev case approve "$m" --reason "考勤核实" --date 2023-12-01 >/dev/null || fail "approve month"
out=$($J --as rev case pay "$m" --reason "按月拨付" --date 2023-12-05)
expect_contains "month paid" '"state":"paid"' "$out"

# ---- roster check ----
{
  echo "身份证号,姓名,工种,等级"
  echo "$P1,甲,中式烹调师,五级"   # row 1: two bodies would claim it? no: the roster's body is A, same as case c1 → repeat
  echo "$P5,乙,中式烹调师,五级"   # row 2: clean
  echo "$P5,乙,中式烹调师,五级"   # row 3: duplicate of row 2
  echo "$P6,丙,中式烹调师,五级"   # row 4: public-welfare post holder
  echo "640522199001011239,丁,中式烹调师,五级" # row 5: not registered: only roster checks
} >"$T/roster.csv"
out=$($J case check-roster "$T/roster.csv" --program P1 --date 2024-10-08 --org 52640522MJX0000184)
expect_rc "hard findings → exit 1" 1 $J case check-roster "$T/roster.csv" --program P1 --date 2024-10-08 --org 52640522MJX0000184
expect_contains "rows counted" '"rows":5,"registered":4' "$out"
expect_contains "duplicate in roster" '"kind":"duplicate_in_roster","hard":true,"clause":"花名册","reason":"身份证号 '"${P5:0:6}********${P5:14:4}"' 在同一花名册中重复出现（第 2 行已有）","row":3' "$out"
expect_contains "roster: two bodies" "\"kind\":\"two_bodies_same_training\",\"hard\":true,\"clause\":\"P1 八(二)\",\"reason\":\"同一培训（中式烹调师五级，2024年）已由另一培训机构申领（案件 $c1，P1）\",\"other_case\":$c1,\"row\":1" "$out"
expect_contains "roster: status" '"kind":"excluded_status","hard":true,"clause":"P1 二","reason":"公益性岗位人员不得参加补贴性培训（登记状态：公益性岗位）","row":4' "$out"
echo "身份证号,姓名" >"$T/clean.csv"; echo "$P5,乙" >>"$T/clean.csv"
expect_rc "a clean roster exits 0" 0 $J case check-roster "$T/clean.csv" --program P1 --date 2024-10-08
echo "姓名,工种" >"$T/noid.csv"
expect_rc "roster without an ID column" 1 $J case check-roster "$T/noid.csv" --program P1
expect_contains "names the missing column" "no ID-number column (身份证号 / idcard)" "$(cat "$T/stderr")"

expect_rc "audit chain intact" 0 $J audit verify
finish
