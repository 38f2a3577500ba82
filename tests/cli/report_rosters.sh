#!/usr/bin/env bash
# Rosters (花名册), lists (名单), the publicity list (公示名单) and P4's acceptance figures through
# the CLI on a fresh database: the seed forms' column headers (5-19-2, 5-10-2, 5-25-2, the
# training roster), rows filled from the registry and the case facts, ID numbers kept as text in
# XLSX when asked for whole (--unmask), masked by default and always in the publicity list, P4's 5-4-2 figures from facts and trainee cases with the
# pass rate computed exactly. Either backend.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
J=$JIUYE
export JIUYE_TODAY=2024-12-01
idof() { sed -n 's/^{"id":\([0-9]*\),.*/\1/p'; }
csv_body() { tail -c +4 "$1" | tr -d '\r'; } # without the BOM and CRs
# table FILE: the CSV's table — from the header row (序号…) to the row before 合计, the note or the
# signature line (issue 13: the CSV is the whole form, title and headings above the table)
table() { tail -c +4 "$1" | tr -d '\r' | awk 'index($0,"序号,")==1{on=1} on && (index($0,"合计")==1 || index($0,"填报人：")==1 || index($0,"（")==1){exit} on{print}'; }
mask() { echo "${1:0:6}********${1:14:4}"; }     # an ID number as rosters show it by default

$J init >/dev/null || fail "init"
$J --as admin user add admin --role admin >/dev/null
$J --as admin user add rev --role county_reviewer --area 640522 >/dev/null
$J org add --uscc 91640522MA76XYW1X3 --name 海原县德隆职业培训学校 --kind training_body >/dev/null || fail "body"
BROKER=$(idcard 1); W1=$(idcard 2); W2=$(idcard 3)
$J person add --idcard "$BROKER" --name 马经纪 --hukou-division 640522101 >/dev/null || fail "broker"
$J person add --idcard "$W1" --name 李务工 --hukou-division 640522101 --address 海原县海城镇山门村 --phone 13995412345 >/dev/null || fail "W1"
$J person add --idcard "$W2" --name 王务工 --hukou-division 640522101 --address 海原县海城镇武塬村 >/dev/null || fail "W2"

# ---- 5-19-2: the workers a broker placed, registered under the broker's award case ----
b=$($J --as rev case file --program P19 --person "$BROKER" --date 2024-09-02 --facts '{"licence":true,"people_placed":2}' | idof)
$J --as rev case file --program P19 --parent "$b" --person "$W1" --date 2024-09-02 \
   --facts '{"employer":"福建晋江某鞋厂","post":"操作工","monthly_income":"4500.00","start":"2024-03-01","end":"2024-08-31"}' >/dev/null || fail "W1 case"
$J --as rev case file --program P19 --parent "$b" --person "$W2" --date 2024-09-02 \
   --facts '{"employer":"银川某物流公司","post":"分拣员","monthly_income":3800,"start":"2024-04-01"}' >/dev/null || fail "W2 case"
# masked by default (docs/privacy.md); the whole values for the county reviewer who asks, with a reason
$J report roster P19 --form 5-19-2 --format csv --out "$T/rm.csv" --unit 海原县海城镇 >/dev/null || fail "roster csv masked"
expect_out "5-19-2 rows masked" "1,李务工,$(mask "$W1"),海原县海城镇山门村,福建晋江某鞋厂,2024-03至2024-08,操作工,4500.00,
2,王务工,$(mask "$W2"),海原县海城镇武塬村,银川某物流公司,2024-04至,分拣员,3800.00," 0 sh -c "$(declare -f table); table '$T/rm.csv' | tail -n +2"
$J --as rev report roster P19 --form 5-19-2 --format csv --out "$T/r.csv" --unit 海原县海城镇 --unmask --reason "报市人社局" >/dev/null || fail "roster csv"
expect_out "5-19-2 header" "序号,姓名,身份证号,家庭住址,就业单位,就业起止年月,工作岗位,平均月工资,备注" 0 sh -c "$(declare -f table); table '$T/r.csv' | head -1"
expect_out "5-19-2 rows" "1,李务工,$W1,海原县海城镇山门村,福建晋江某鞋厂,2024-03至2024-08,操作工,4500.00,
2,王务工,$W2,海原县海城镇武塬村,银川某物流公司,2024-04至,分拣员,3800.00," 0 sh -c "$(declare -f table); table '$T/r.csv' | tail -n +2"
out=$($J report roster P19)
expect_contains "JSON form and title" '"report":"roster","title":"劳动力转移就业花名册","form":"附件 5-19-2","heads":["填报单位：640522","项目：P19    填报日期：2024-12-01"]' "$out"
case "$out" in *马经纪*) fail "the broker himself is not a row of his workers' roster" ;; esac
# the broker's award is one P19 case for the targets, not three
expect_contains "P19 targets count the award only" '"program":"P19","title":"优秀劳务经纪人评选","year":"2024","subtarget":"","target":50,"filed":1' "$($J report targets --program P19)"
# a form of another programme is refused with the reason
expect_rc "wrong form" 1 $J report roster P19 --form 5-20-2
expect_contains "names the owner" "form 5-20-2 (帮扶车间带动就业花名册) belongs to P20, not P19" "$(cat "$T/stderr")"
expect_rc "unknown form" 1 $J report roster P19 --form 9-9-9

# XLSX: the ID number stays an 18-digit string, money is a number
$J --as rev report roster P19 --format xlsx --out "$T/r.xlsx" --unmask --reason "报市人社局" >/dev/null || fail "roster xlsx"
python3 - "$T/r.xlsx" "$W1" >"$T/x.txt" 2>&1 <<'PY' || fail "roster xlsx: $(cat "$T/x.txt")"
import sys, zipfile, re
z = zipfile.ZipFile(sys.argv[1])
sheet = z.read("xl/worksheets/sheet1.xml").decode()
strings = re.findall(r"<t[^>]*>([^<]*)</t>", z.read("xl/sharedStrings.xml").decode())
for s in ["劳动力转移就业花名册", "附件 5-19-2", "序号", "身份证号", "平均月工资", "李务工", sys.argv[2]]:
    assert s in strings, s
idx = strings.index(sys.argv[2])
# the ID cell is a shared string (t="s"), not a number
assert re.search(r'<c r="C\d+" s="\d+" t="s"><v>%d</v></c>' % idx, sheet), "ID number not a text cell"
assert "<v>4500</v>" in sheet and "<v>3800</v>" in sheet, "money as numbers"
print("ok")
PY

# ---- training roster (P1): trainees of a class with occupation, level, amount ----
cls=$($J --as rev case file --program P1 --kind training_class --org 91640522MA76XYW1X3 --date 2024-03-01 \
      --facts '{"occupation":"中式烹调师","level":5,"class_size":30,"hours_total":160,"hours_practical":110,"teachers":[{"name":"马老师","certificate":"高级技师"}],"site":"县职教中心","start":"2024-03-11","end":"2024-04-30"}' | idof)
$J --as rev case approve "$cls" --reason ok --date 2024-03-04 >/dev/null || fail "class"
t=$($J --as rev case file --program P1 --parent "$cls" --person "$W1" --facts '{"certificate":"level5"}' --date 2024-05-06 | idof)
$J report roster P1 --format csv --out "$T/p1.csv" >/dev/null || fail "P1 roster"
expect_out "training roster" "序号,姓名,性别,身份证号,联系电话,培训机构,培训工种,等级,培训起止日期,取得证书,补贴金额（元）,办理状态,备注
1,李务工,女,$(mask "$W1"),139****2345,海原县德隆职业培训学校,中式烹调师,初级（五级）,2024-03-11至2024-04-30,初级（五级）,1000.00,已申报," 0 sh -c "$(declare -f table); table '$T/p1.csv'"

# ---- the publicity list: the P1 trainee published; its ID number masked ----
$J --as rev case approve "$t" --reason ok --date 2024-05-07 >/dev/null || fail "approve"
$J --as rev case publish "$t" --reason 公示 --date 2024-05-08 >/dev/null || fail "publish"
out=$($J report publicity --program P1 --format csv)
masked="${W1:0:6}********${W1:14:4}"
expect_contains "publicity header" "序号,项目编号,项目名称,姓名（单位名称）,身份证号（统一社会信用代码）,申报事项,拟补贴金额（元）,公示开始日期,公示截止日期,状态" "$out"
expect_contains "publicity row (5 working days from 2024-05-08; Saturday 05-11 is a make-up working day)" "1,P1,重点产业职业技能赋能培训,李*工,$masked,培训补贴（中式烹调师五级）,1000.00,2024-05-08,2024-05-13,公示中" "$(echo "$out" | tr -d '\r')"
expect_contains "publicity total" "合计,,,,,1 项,1000.00" "$(echo "$out" | tr -d '\r')"
case "$out" in *"$W1"*) fail "the full ID number must not be published" ;; esac
out=$($J report publicity "$t" "$b")
expect_contains "by case numbers: the broker too" '"name":"马*纪"' "$out"
case "$out" in *李务工*|*马经纪*) fail "a published list shows names masked (李*工)" ;; esac
expect_contains "by case numbers: count" '"item":"2 项"' "$out"
expect_rc "unknown case" 1 $J report publicity 999
expect_rc "nothing asked" 2 $J report publicity

# ---- 5-25-2: the platforms of P25 (organisations) ----
$J org add --uscc 52640522MJY000001K --name 海城镇山门村就业服务站 --kind community --address 海原县海城镇山门村村委会 --phone 09544012345 >/dev/null || fail "platform org"
$J --as rev case file --program P25 --org 52640522MJY000001K --date 2024-06-03 --facts '{"staff":"马专干"}' >/dev/null || fail "P25 case"
$J report roster P25 --format csv --out "$T/p25.csv" >/dev/null || fail "P25 list"
expect_out "5-25-2" "序号,就业服务平台名称,详细地址,平台业务工作人员,联系方式,备注
1,海城镇山门村就业服务站,海原县海城镇山门村村委会,马专干,095****2345," 0 sh -c "$(declare -f table); table '$T/p25.csv'"

# ---- P4 acceptance (附件 5-4-2 (四)): figures from facts and from the trainees ----
p4=$($J --as rev case file --program P4 --org 91640522MA76XYW1X3 --date 2024-03-01 \
     --facts '{"occupation":"电工","planned_trainees":40,"approved":"50000.00","actual_cost":"48760.50","satisfaction":"96.5%","department_recognition":100,"stars":4}' | idof)
for i in 11 12 13; do
  $J person add --idcard "$(idcard $i)" --name "学员$i" --hukou-division 640522101 >/dev/null || fail "trainee $i"
done
$J --as rev case file --program P4 --parent "$p4" --person "$(idcard 11)" --date 2024-05-06 --facts '{"certificate":"level5","employed":true}' >/dev/null || fail "t11"
$J --as rev case file --program P4 --parent "$p4" --person "$(idcard 12)" --date 2024-05-06 --facts '{"certificate":"level5"}' >/dev/null || fail "t12"
$J --as rev case file --program P4 --parent "$p4" --person "$(idcard 13)" --date 2024-05-06 --facts '{"examined":true}' >/dev/null || fail "t13"
$J report p4-acceptance "$p4" --format csv --out "$T/p4.csv" >/dev/null || fail "p4 csv"
expect_out "5-4-2 figures" "序号,项目,项目内容,考核情况,备注
8,培训成效,培训计划人数,40,人
9,,实际参培人数,3,人
10,,实际考核人数,3,人
11,,培训合格人数,2,人
12,,培训合格率,66.67%,%
13,,项目培训核定金额,50000.00,元
14,,项目培训实际支出,48760.50,元
15,社会效应,培训学员满意率,96.50%,%
16,,业务部门认可度,100.00%,%
17,,学员就业率,33.33%,%" 0 sh -c "$(declare -f table); table '$T/p4.csv'"
out=$($J report p4-acceptance "$p4")
expect_contains "5-4-2 heads" '"title":"海原县公共就业服务能力提升项目制培训验收报告","form":"附件 5-4-2","heads":["（四）项目完成数据情况统计    项目（工种）名称：电工"' "$out"
expect_contains "stars" '"note":"（五）培训验收结果：四星"' "$out"
$J report p4-acceptance "$p4" --format xlsx --out "$T/p4.xlsx" >/dev/null || fail "p4 xlsx"
python3 -c '
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1]); s = z.read("xl/worksheets/sheet1.xml").decode()
assert "<v>0.6667</v>" in s and "<v>48760.5</v>" in s, s' "$T/p4.xlsx" || fail "p4 xlsx values"
expect_rc "unknown case" 1 $J report p4-acceptance 999

# ---- 5-10-2: a P10 placement with two months of attendance (考勤) ----
$J org add --uscc 91640522MA76XYW1X3 --name 海原县德隆职业培训学校 --kind training_body,employer >/dev/null || fail "host"
S=$(idcard 21)
$J person add --idcard "$S" --name 马同学 --hukou-division 640522101 --status enrolled_student:2022-09-01 >/dev/null || fail "student"
$J --as admin placement start --program P10 --person "$S" --host 91640522MA76XYW1X3 --start 2024-07-01 --end 2024-08-31 >/dev/null || fail "placement"
pl=$($J placement list --program P10 | sed -n 's/^{"id":\([0-9]*\),.*/\1/p' | head -1)
$J --as admin attendance set "$pl" 2024-07 --duty 20 --personal 2 >/dev/null || fail "July"
$J --as admin attendance set "$pl" 2024-08 --duty 21 >/dev/null || fail "August"
$J report roster P10 --form 5-10-2 --format csv --out "$T/p10.csv" >/dev/null || fail "5-10-2"
expect_out "5-10-2 attendance summed" "序号,姓名,性别,身份证号码,服务时间,在岗天数（出勤）,在岗天数（事假）,本人签字,备注
1,马同学,男,$(mask "$S"),2024-07-01至2024-08-31,41,2,," 0 sh -c "$(declare -f table); table '$T/p10.csv'"

expect_rc "audit chain intact" 0 $J audit verify
finish
