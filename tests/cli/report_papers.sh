#!/usr/bin/env bash
# Reports ready to hand in (issue 13 item 2): the unit's name from the settings (填报单位：海原县就业
# 创业和人才服务局, not 640522), Chinese labels for codes (取得证书 初级（五级）, 办理状态 已拨付), the
# training roster's 联系电话 and 培训机构 columns, a 合计 row, the signature and stamp line
# (填报人、审核人、单位（盖章）、日期) in CSV and XLSX; the P13 roster and its month's 发放表 (allowance
# sheet) from the placements, attendance and payroll; `report targets --year 2024` counting P13
# by its own period (2023-09 — 2024-08). Either backend.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
source "$JY_SOURCE_DIR/tests/flow_lib.sh"
UNIT=海原县就业创业和人才服务局
SIGN="填报人：,,审核人：,,单位（盖章）：,,日期：    年    月    日"
flow_setup
$J --as admin ledger budget set P1 2024 central 100000.00 --tracks general --clause "P1 六(三)" >/dev/null || fail "budget"
BODY=$(org_add 1 海原县德隆职业培训学校 training_body)

# ---- the unit's name is a setting
out=$($J report targets --year 2024 --program P1)
expect_contains "before the setting: the code" '"填报单位：640522' "$out"
expect_rc "an empty unit name refused" 1 $J --as admin settings set unit_name ""
expect_rc "an unknown key refused" 1 $J --as admin settings set colour blue
expect_contains "named" "setting colour: unknown key" "$(cat "$T/stderr")"
$J --as admin settings set unit_name "$UNIT" >/dev/null || fail "set unit_name"
expect_contains "settings show" "{\"key\":\"unit_name\",\"value\":\"$UNIT\",\"default\":false" "$($J settings show)"
expect_contains "audited" '"entity":"setting"' "$($J audit list --limit 0)"

# ---- a paid P1 class of two trainees
cls=$($J --as body case file --program P1 --kind training_class --org "$BODY" --date 2024-03-01 \
      --facts '{"occupation":"中式烹调师","level":5,"planned_trainees":2,"hours_total":160,"hours_practical":110,"teachers":[{"name":"马老师","certificate":"中式烹调高级技师"}],"site":"海城镇","start":"2024-03-11","end":"2024-04-30"}' | idof)
step approved rev 2024-03-04 approve "$cls"
step running body 2024-03-11 advance "$cls" start
T_IDS=()
for i in 1 2; do
  p=$(person_add "$i" "学员$i")
  $J person add --idcard "$p" --name "学员$i" --hukou-division 640522105 --hukou-kind 农村 --phone "1399541000$i" >/dev/null || fail "phone $i"
  T_IDS+=("$($J --as body case file --program P1 --parent "$cls" --person "$p" --date 2024-05-06 \
      --facts '{"hours_attended":160,"hours_practical_attended":110,"exam":"pass","certificate":"level5"}' | idof)")
done
step finished body 2024-04-30 advance "$cls" finish
for t in "${T_IDS[@]}"; do
  step county_approved rev 2024-05-07 approve "$t"
  step publicity rev 2024-05-08 publish "$t"
  step recognised rev 2024-05-20 recognise "$t"
done
paybatch P1
expect_contains "paid" '"paid_now":2' "$PAID"

# ---- the training roster: labels, columns, 合计, the unit and the signature line
$J report roster P1 --format csv --out "$T/p1.csv" >/dev/null || fail "P1 roster csv"
csv=$(tail -c +4 "$T/p1.csv" | tr -d '\r')
expect_contains "title" "培训取证人员花名册" "$csv"
expect_contains "the unit's name" "填报单位：$UNIT" "$csv"
expect_contains "the seed's columns" "序号,姓名,性别,身份证号,联系电话,培训机构,培训工种,等级,培训起止日期,取得证书,补贴金额（元）,办理状态,备注" "$csv"
expect_contains "Chinese labels" "1,学员1,男,$(mask_id "$(idcard 1)"),139****0001,海原县德隆职业培训学校,中式烹调师,初级（五级）,2024-03-11至2024-04-30,初级（五级）,1000.00,已拨付," "$csv"
expect_contains "合计 row" "合计,共2人,,,,,,,,,2000.00,," "$csv"
expect_contains "signature and stamp line" "$SIGN" "$csv"
case "$csv" in *level5*|*,paid*) fail "a code left in the roster: $csv" ;; esac
$J report roster P1 --format xlsx --out "$T/p1.xlsx" >/dev/null || fail "P1 roster xlsx"
python3 - "$T/p1.xlsx" "$UNIT" <<'PY' || fail "P1 roster xlsx cells"
import sys, zipfile, re
z = zipfile.ZipFile(sys.argv[1])
strings = re.findall(r"<t[^>]*>([^<]*)</t>", z.read("xl/sharedStrings.xml").decode())
for want in ("填报单位：" + sys.argv[2], "初级（五级）", "已拨付", "培训机构", "联系电话", "合计", "共2人",
             "填报人：", "审核人：", "单位（盖章）：", "日期：    年    月    日"):
    assert want in strings, want
assert "level5" not in strings and "paid" not in strings, "a code left"
sheet = z.read("xl/worksheets/sheet1.xml").decode()
assert "<v>2000</v>" in sheet, "the 合计 amount as a number"
PY
# the targets and budget reports carry the unit, a 合计 row and the signatures too
$J report targets --year 2024 --format csv --out "$T/t.csv" >/dev/null || fail "targets csv"
t=$(tail -c +4 "$T/t.csv" | tr -d '\r')
expect_contains "targets: unit" "填报单位：$UNIT    统计范围：2024年" "$t"
expect_contains "targets: 合计" "合计,各项目（不含子目标与年度之和行）," "$t"
expect_contains "targets: signatures" "$SIGN" "$t"
expect_contains "budget: unit" "填报单位：$UNIT    年度：2024" "$($J report budget --year 2024)"
expect_contains "publicity: the unit" "公示单位：$UNIT" "$($J report publicity "${T_IDS[0]}")"

# the seed's lines under a form's table; a form without 序号 has its 合计 in the first column
out=$($J report roster P17)
expect_contains "5-17-2: the pledge" '"note":"本人承诺：本企业所提交申报资料及信息均属实' "$out"
expect_contains "5-17-2: 合计 without 序号" '"total":{"name":"合计（共0人）"' "$out"

# ---- P13: interns, their roster and a month's 发放表
HOST=$(org_add 2 七营镇人民政府 public_body)
IDS=()
for i in 11 12 13; do
  p=$(idcard $i)
  $J person add --idcard "$p" --name "实习生$i" --hukou-division 640522105 --status graduate:2023-07-01:2023 --phone "1399541100$((i-10))" >/dev/null || fail "intern $i"
  $J --as admin ledger card "$p" "$(luhn 62170000100000$i)" --bank 宁夏银行 >/dev/null || fail "card $i"
  IDS+=("$p")
done
pl() { $J --as admin placement start --program P13 --person "$1" --host "$HOST" --start "$2" --end 2024-08-31 | idof; }
A=$(pl "${IDS[0]}" 2023-09-01); B=$(pl "${IDS[1]}" 2023-09-01); C=$(pl "${IDS[2]}" 2024-03-01)
[ -n "$A" ] && [ -n "$B" ] && [ -n "$C" ] || fail "placements: $A $B $C"
$J --as admin attendance set "$A" 2024-03 --duty 21 >/dev/null || fail "attendance A"
$J --as admin attendance set "$B" 2024-03 --duty 15 --personal 6 >/dev/null || fail "attendance B"
$J --as admin user add rev2 --role county_reviewer --area 640522 >/dev/null || fail "second reviewer"
$J --as rev payroll run P13 2024-03 >/dev/null || fail "payroll run"
$J --as rev2 payroll commit P13 2024-03 >/dev/null || fail "payroll commit"

out=$($J report roster P13)
expect_contains "P13 roster (was: no such roster form)" '"title":"高校毕业生到机关事业单位实习人员花名册"' "$out"
expect_contains "P13 roster: the unit" "\"填报单位：$UNIT\"" "$out"
expect_contains "P13 roster: an intern in post at the host" '"name":"实习生11","sex":"男"' "$out"
expect_contains "P13 roster: host and state" '"host":"七营镇人民政府","post":null,"period":"2023-09-01至2024-08-31"' "$out"
expect_contains "P13 roster: 在岗" '"state":"在岗"' "$out"
expect_contains "P13 roster: 合计" '"total":{"seq":"合计","name":"共3人"' "$out"
expect_rc "the 发放表 needs a month" 1 $J report roster P13 --form p13-pay
expect_contains "named" "give --month YYYY-MM" "$(cat "$T/stderr")"
$J report roster P13 --form p13-pay --month 2024-03 --format csv --out "$T/pay.csv" >/dev/null || fail "发放表"
pay=$(tail -c +4 "$T/pay.csv" | tr -d '\r')
expect_contains "发放表 title" "高校毕业生实习基本生活补贴发放表" "$pay"
expect_contains "发放表 heading" "项目：P13 高校毕业生到机关事业单位实习    发放月份：2024年03月    单位：元" "$pay"
expect_contains "发放表 columns" "序号,姓名,身份证号,实习单位,出勤天数,事假天数,病假天数,发放金额（元）,社会保障卡号,发放状态,本人签字,备注" "$pay"
expect_contains "A: the month's allowance, awaiting payment" "1,实习生11,$(mask_id "${IDS[0]}"),七营镇人民政府,21,0,0,1750.00," "$pay"
expect_contains "A: 已审核待拨付" ",已审核待拨付," "$pay"
expect_contains "B: more than 5 days' personal leave, nothing" "2,实习生12,$(mask_id "${IDS[1]}"),七营镇人民政府,15,6,0,0.00," "$pay"
expect_contains "发放表 合计" "合计,共3人,,,,,,1750.00,,,," "$pay"
expect_contains "发放表 signatures" "$SIGN" "$pay"
$J report roster P13 --form p13-pay --month 2024-03 --format xlsx --out "$T/pay.xlsx" >/dev/null || fail "发放表 xlsx"
python3 - "$T/pay.xlsx" <<'PY' || fail "发放表 xlsx cells"
import sys, zipfile, re
z = zipfile.ZipFile(sys.argv[1])
strings = re.findall(r"<t[^>]*>([^<]*)</t>", z.read("xl/sharedStrings.xml").decode())
for want in ("高校毕业生实习基本生活补贴发放表", "实习生11", "已审核待拨付", "合计", "本人签字", "填报人：", "单位（盖章）："):
    assert want in strings, want
PY

# ---- targets by the programme's own period: P13 (2023-09 — 2024-08) in the 2024 report
out=$($J report targets --year 2024 --program P13)
expect_contains "P13 in the 2024 report, counted over its period" '"program":"P13","title":"高校毕业生到机关事业单位实习项目","year":"2023-09—2024-08","subtarget":"","target":330,"filed":3,"achieved":3' "$out"
expect_contains "P13 in the 2023 report too" '"year":"2023-09—2024-08"' "$($J report targets --year 2023 --program P13)"
out=$($J report targets --year 2025 --program P13)
case "$out" in *'"program":"P13","title"'*) fail "P13's period does not touch 2025: $out" ;; esac
books "at the end"
finish
