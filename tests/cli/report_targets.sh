#!/usr/bin/env bash
# Reports through the CLI on a fresh database: targets against achievements (per programme and
# year, per sub-target: P1 by track/occupation, P2 by group, P23 veterans/disabled) counted from
# cases filed and advanced through the workflow; budget against committed and paid per funding
# source to the fen after ledger approvals and a paid batch; CSV headers in Chinese with a BOM,
# GB18030 output, and an XLSX workbook with typed cells. Either backend.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
J=$JIUYE
export JIUYE_TODAY=2024-12-01
idof() { sed -n 's/^{"id":\([0-9]*\),.*/\1/p'; }
# row KEY=VALUE… : the JSON rows of a report on stdin whose fields match, as compact JSON lines
rows() {
  python3 -c '
import json, sys
rep = json.load(sys.stdin)
want = dict(a.split("=", 1) for a in sys.argv[1:])
for r in rep["rows"]:
    if all(str(r.get(k) if r.get(k) is not None else "") == v for k, v in want.items()):
        print(json.dumps(r, ensure_ascii=False, separators=(",", ":")))' "$@"
}

$J init >/dev/null || fail "init"
$J --as admin user add admin --role admin >/dev/null
$J --as admin user add rev --role county_reviewer --area 640522 >/dev/null
$J --as admin user add fin --role finance --area 640522 >/dev/null
$J org add --uscc 91640522MA76XYW1X3 --name 海原县德隆职业培训学校 --kind training_body >/dev/null || fail "body"
for i in 1 2 3 4 5 6 7 8; do
  $J person add --idcard "$(idcard $i)" --name "学员$i" --hukou-division 640522101 --hukou-kind 农村 >/dev/null || fail "person $i"
done

# an empty database: every target is there, nothing achieved
out=$($J report targets --program P1 | rows program=P1 year=2024 subtarget=)
expect_out "P1 2024 before any case" '{"program":"P1","title":"重点产业职业技能赋能培训","year":"2024","subtarget":"","target":7000,"filed":0,"achieved":0,"paid":0,"rate":"0.00%","paid_amount":"0.00","note":"","clause":"P1 一"}' 0 echo "$out"

# ---- P1 2024: a 中式烹调师 class with three trainees; a 家政服务员 direct claim; a rejected one ----
cls=$($J --as rev case file --program P1 --kind training_class --org 91640522MA76XYW1X3 --date 2024-03-01 \
      --facts '{"occupation":"中式烹调师","level":5,"class_size":30,"hours_total":160,"hours_practical":110,"teachers":[{"name":"马老师","certificate":"高级技师"}],"site":"县职教中心","start":"2024-03-11","end":"2024-04-30"}' | idof)
$J --as rev case approve "$cls" --reason 开班材料齐全 --date 2024-03-04 >/dev/null || fail "class approve"
t1=$($J --as rev case file --program P1 --parent "$cls" --person "$(idcard 1)" --facts '{"certificate":"level5"}' --date 2024-05-06 | idof)
t2=$($J --as rev case file --program P1 --parent "$cls" --person "$(idcard 2)" --facts '{"certificate":"level5"}' --date 2024-05-06 | idof)
t3=$($J --as rev case file --program P1 --parent "$cls" --person "$(idcard 3)" --facts '{"certificate":"level5"}' --date 2024-05-06 | idof)
for t in $t1 $t2; do
  $J --as rev case approve "$t" --reason 审核通过 --date 2024-05-07 >/dev/null || fail "approve $t"
  $J --as rev case publish "$t" --reason 公示 --date 2024-05-08 >/dev/null || fail "publish $t"
  $J --as rev case recognise "$t" --reason 公示无异议 --date 2024-05-20 >/dev/null || fail "recognise $t"
done
$J --as rev case pay "$t1" --reason 拨付 --date 2024-05-21 >/dev/null || fail "pay $t1"
h=$($J --as rev case file --program P1 --org 91640522MA76XYW1X3 --person "$(idcard 4)" --kind trainee_claim \
    --facts '{"certificate":"level5","occupation":"家政服务员","level":5}' --date 2024-06-03 | idof)
[ -n "$h" ] || fail "家政 claim"
r=$($J --as rev case file --program P1 --org 91640522MA76XYW1X3 --person "$(idcard 5)" --kind trainee_claim \
    --facts '{"certificate":"level5","occupation":"电工","level":5}' --date 2024-06-03 | idof)
$J --as rev case reject "$r" --reason 材料不全 --date 2024-06-04 >/dev/null || fail "reject"
amount=$($J case show "$t1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["amount"])')
expect_out "trainee amount" "1000.00" 0 echo "$amount"

# ---- P23 2024: a veteran (recognised) and a disabled trainee (filed); P2 2023: a rural trainee ----
v=$($J --as rev case file --program P23 --org 91640522MA76XYW1X3 --person "$(idcard 6)" --kind trainee_claim \
    --facts '{"certificate":"level5","occupation":"电工","level":5,"target_group":"veteran"}' --date 2024-06-03 | idof)
$J --as rev case approve "$v" --reason ok --date 2024-06-04 >/dev/null || fail "P23 approve"
$J --as rev case publish "$v" --reason 公示 --date 2024-06-05 >/dev/null || fail "P23 publish"
$J --as rev case recognise "$v" --reason 无异议 --date 2024-06-17 >/dev/null || fail "P23 recognise"
$J --as rev case file --program P23 --org 91640522MA76XYW1X3 --person "$(idcard 7)" --kind trainee_claim \
   --facts '{"certificate":"level5","occupation":"电工","level":5,"target_group":"disabled"}' --date 2024-06-03 >/dev/null || fail "P23 disabled"
$J --as rev case file --program P2 --org 91640522MA76XYW1X3 --person "$(idcard 8)" --kind trainee_claim \
   --facts '{"certificate":"level5","occupation":"家政服务员","level":5,"p2_group":"rural"}' --date 2023-09-04 >/dev/null || fail "P2"

T_JSON=$($J report targets)
expect_out "P1 2024: 4 filed (class and rejected not counted), 2 recognised, 1 paid" \
  '{"program":"P1","title":"重点产业职业技能赋能培训","year":"2024","subtarget":"","target":7000,"filed":4,"achieved":2,"paid":1,"rate":"0.03%","paid_amount":"1000.00","note":"","clause":"P1 一"}' 0 \
  echo "$(echo "$T_JSON" | rows program=P1 year=2024 subtarget=)"
expect_contains "P1 2023: nothing" '"year":"2023","subtarget":"","target":5500,"filed":0,"achieved":0,"paid":0' "$(echo "$T_JSON" | rows program=P1 year=2023 subtarget=)"
expect_contains "P1 period row" '"year":"2023—2024","subtarget":"","target":12500,"filed":4,"achieved":2,"paid":1,"rate":"0.02%"' "$(echo "$T_JSON" | rows program=P1 year=2023—2024 subtarget=)"
expect_contains "P1 地方特色 (厨师): the class's three trainees" '"subtarget":"地方特色（海原厨师）","target":3000,"filed":3,"achieved":2,"paid":1,"rate":"0.07%","paid_amount":"1000.00"' \
  "$(echo "$T_JSON" | rows program=P1 subtarget=地方特色（海原厨师）)"
expect_contains "P1 民生领域 (家政)" '"subtarget":"民生领域（海原家政）","target":1500,"filed":1,"achieved":0,"paid":0,"rate":"0.00%"' \
  "$(echo "$T_JSON" | rows program=P1 subtarget=民生领域（海原家政）)"
expect_contains "P1 急需紧缺: the rejected 电工 claim is not counted" '"subtarget":"急需紧缺","target":1000,"filed":0' \
  "$(echo "$T_JSON" | rows program=P1 subtarget=急需紧缺)"
expect_contains "P23 2024 veterans" '"year":"2024","subtarget":"退役军人","target":100,"filed":1,"achieved":1,"paid":0,"rate":"1.00%"' \
  "$(echo "$T_JSON" | rows program=P23 year=2024 subtarget=退役军人)"
expect_contains "P23 2024 disabled" '"year":"2024","subtarget":"残疾人","target":100,"filed":1,"achieved":0' \
  "$(echo "$T_JSON" | rows program=P23 year=2024 subtarget=残疾人)"
expect_contains "P23 2024 both" '"year":"2024","subtarget":"","target":200,"filed":2,"achieved":1' \
  "$(echo "$T_JSON" | rows program=P23 year=2024 subtarget=)"
expect_contains "P2 2023" '"year":"2023","subtarget":"","target":1250,"filed":1,"achieved":0' "$(echo "$T_JSON" | rows program=P2 year=2023 subtarget=)"
expect_contains "P2 农村劳动力" '"subtarget":"农村劳动力","target":1000,"filed":1' "$(echo "$T_JSON" | rows program=P2 subtarget=农村劳动力)"
expect_contains "P16 jobs created: no figure" '"subtarget":"带动就业（与3×160–250不符）","target":750,"filed":null' \
  "$(echo "$T_JSON" | rows program=P16 subtarget=带动就业（与3×160–250不符）)"
# --year keeps that year's rows only
out=$($J report targets --year 2023 --program P23)
expect_contains "--year 2023" '"year":"2023","subtarget":"退役军人","target":50,"filed":0' "$out"
case "$out" in *'"year":"2024"'*|*'2023—2024'*) fail "--year 2023 shows other years: $out" ;; esac
expect_rc "bad programme" 2 $J report targets --program P27
expect_rc "bad format" 2 $J report targets --format pdf

# CSV: UTF-8 BOM, the header row in Chinese, CRLF
$J report targets --program P23 --format csv --out "$T/t.csv" >/dev/null || fail "csv out"
expect_out "CSV BOM" "efbbbf" 0 sh -c "head -c 3 '$T/t.csv' | od -An -tx1 | tr -d ' \n'"
expect_out "CSV header" "项目编号,项目名称,年度,子目标,目标任务数,申报数,完成数（已认定）,已拨付数,完成率,已拨付金额（元）,说明,依据" 0 \
  sh -c "tr -d '\r' <'$T/t.csv' | grep '^项目编号,'"
expect_contains "CSV row" "P23,退役军人、残疾人职业技能培训,2024,退役军人,100,1,1,0,1.00%,0.00,,P23 一" "$(tr -d '\r' <"$T/t.csv")"
# GB18030: no BOM, converts back to the same text
$J report targets --program P23 --format csv --encoding gb18030 --out "$T/g.csv" >/dev/null || fail "gb18030"
expect_out "GB18030 round trip" "$(tail -c +4 "$T/t.csv" | od -An -tx1)" 0 sh -c "iconv -f GB18030 -t UTF-8 '$T/g.csv' | od -An -tx1"
expect_rc "encoding only with csv" 2 $J report targets --encoding gb18030

# ---- budget against committed and paid per source ----
$J --as admin ledger budget load --year 2024 >/dev/null || fail "budget load"
$J --as admin ledger card "$(idcard 1)" "$(luhn 621700001000000001)" --bank 宁夏银行 >/dev/null || fail "card"
# the 中式烹调师 trainee's claim is not charged to P1's four lines: they fund 海原司机 and 枸杞技工
# only (P1 六(一)3, policy/funding.txt; issue 10 item 12)
expect_rc "cooking claim refused" 1 $J --as admin ledger approve --program P1 --year 2024 --person "$(idcard 1)" \
  --amount 1000.00 --case "$t1"
expect_contains "names the lines" "no budget line funds this claim's track general" "$(cat "$T/stderr")"
p1=$($J --as admin ledger approve --program P1 --year 2024 --person "$(idcard 1)" --amount 1000.00 --track driver | idof)
$J --as admin ledger approve --program P1 --year 2024 --person "$(idcard 2)" --amount 600.00 --track driver >/dev/null ||
  fail "approve 600"
$J --as fin batch build --program P1 --year 2024 >/dev/null || fail "batch build"
# the 600.00 payable has no card: skipped, stays committed
$J --as admin batch approve 1 >/dev/null || fail "batch approve"
$J --as fin batch mark-paid 1 >/dev/null || fail "mark paid"
books_balance "after payment"
B_JSON=$($J report budget --year 2024 --program P1)
# 1,000.00 paid split 17:2:4:10 → 515.15 / 60.61 / 121.21 / 303.03; 600.00 committed → 309.09 / 36.36 / 72.73 / 181.82
expect_contains "central" '{"program":"P1","title":"重点产业职业技能赋能培训","year":"2024","source":"中央","budget":"17000000.00","committed":"309.09","paid":"515.15","used":"824.24","available":"16999175.76","rate":"0.00%"}' "$B_JSON"
expect_contains "region" '"source":"自治区","budget":"2000000.00","committed":"36.36","paid":"60.61","used":"96.97","available":"1999903.03"' "$B_JSON"
expect_contains "city/county" '"source":"市县","budget":"4000000.00","committed":"72.73","paid":"121.21","used":"193.94","available":"3999806.06"' "$B_JSON"
expect_contains "other" '"source":"其他","budget":"10000000.00","committed":"181.82","paid":"303.03","used":"484.85","available":"9999515.15"' "$B_JSON"
expect_contains "total" '"total":{"program":"合计","title":null,"year":null,"source":null,"budget":"33000000.00","committed":"600.00","paid":"1000.00","used":"1600.00","available":"32998400.00","rate":"0.00%"}' "$B_JSON"
# the same figures as the ledger's own lines
expect_out "ledger agrees (central paid)" "515.15" 0 sh -c "$J ledger show --program P1 --year 2024 | head -1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"paid\"])'"
# all programmes: the per-source subtotal adds P1 and the rest of the central lines
out=$($J report budget --year 2024 | rows program=小计 source=市县)
expect_contains "subtotal 市县 (P1 4,000,000 + P12 3,753,015.12)" '"budget":"7753015.12","committed":"72.73","paid":"121.21"' "$out"

# ---- XLSX: a workbook whose sheet has the title, bold header, money as numbers, rates as % ----
out=$($J report budget --year 2024 --program P1 --format xlsx --out "$T/b.xlsx")
expect_out "xlsx summary" '{"report":"budget","format":"xlsx","rows":8}' 0 echo "$out"
python3 - "$T/b.xlsx" >"$T/x.txt" 2>&1 <<'PY' || fail "xlsx: $(cat "$T/x.txt")"
import sys, zipfile, re
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
assert "xl/worksheets/sheet1.xml" in names, names
sheet = z.read("xl/worksheets/sheet1.xml").decode()
strings = z.read("xl/sharedStrings.xml").decode()
styles = z.read("xl/styles.xml").decode()
for s in ["就业补助资金预算执行情况表（按资金来源）", "项目编号", "资金来源", "预算金额（元）", "已拨付（元）", "重点产业职业技能赋能培训", "中央", "合计"]:
    assert s in strings, s
assert "#,##0.00" in styles and "0.00%" in styles, styles
# money as numbers: 515.15 paid from central, 17000000 budget
vals = re.findall(r"<v>([^<]*)</v>", sheet)
assert "515.15" in vals and "17000000" in vals and "33000000" in vals, vals
assert '<mergeCell ref="A1:J1"/>' in sheet, "title merged across the columns"
print("ok")
PY
expect_rc "xlsx needs --out" 2 $J report budget --format xlsx
books_balance "end"
finish
