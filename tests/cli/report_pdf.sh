#!/usr/bin/env bash
# Printable reports (issue 13 item 3): every report and the publicity list as an A4 PDF with
# Chinese text, read back with pdftotext — the form's title, its column headers, a known row's
# values, the 合计 row, the signature and stamp line, 第 N 页 共 M 页 — no whole ID number in the
# publicity list (nor in a masked roster), the header row repeated on every page of a long roster,
# page 1 rendered with pdftoppm at the A4 size for the resolution used, files written 0600, and the
# API's ?format=pdf (application/pdf, an attachment). Either backend.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
J=$JIUYE
export JIUYE_TODAY=2024-12-01
# cairo 1.16 (Debian 12) loses 768 bytes per embedded CFF font (Noto CJK) in its font subsetter
# when a PDF surface finishes; tests/lsan_cairo.supp names that library only.
export LSAN_OPTIONS="suppressions=$JY_SOURCE_DIR/tests/lsan_cairo.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
idof() { sed -n 's/^{"id":\([0-9]*\),.*/\1/p'; }
txt() { pdftotext -layout "$1" - 2>/dev/null; }           # the PDF's text, laid out
flat() { pdftotext "$1" - 2>/dev/null | tr -d ' \n'; }     # …without spaces and line breaks
has() { # has DESC FILE TEXT…: each TEXT is in the PDF's text (spaces and line breaks ignored)
  local desc=$1 f=$2; shift 2
  local all; all=$(flat "$f")
  for s in "$@"; do
    case "$all" in *"${s// /}"*) ;; *) fail "$desc: '$s' not in $(basename "$f")"; txt "$f" | head -40 | sed 's/^/  | /' >&2 ;; esac
  done
}
a4() { # a4 FILE: every page A4 (pdfinfo); page 1 rendered at 100 dpi is 210 × 297 mm = 826.8 × 1169.3
  # pixels, which pdftoppm rounds up (827×1170, or 1170×827 landscape)
  local f=$1 size
  size=$(pdfinfo "$f" | sed -n 's/^Page size: *//p')
  case "$size" in *"(A4)"*) ;; *) fail "$(basename "$f"): page size $size, not A4" ;; esac
  pdftoppm -r 100 -f 1 -l 1 -png "$f" "$T/page" || fail "pdftoppm $f"
  local wh; wh=$(python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print("%dx%d" % struct.unpack(">II", d[16:24]))' "$T/page-1.png")
  case "$wh" in 827x1170 | 1170x827) ;; *) fail "$(basename "$f"): page 1 at 100 dpi is $wh, not A4 (827x1170)" ;; esac
  rm -f "$T"/page-*.png
}
mode() { stat -c %a "$1"; }

$J init >/dev/null || fail "init"
$J --as admin user add admin --role admin >/dev/null
$J --as admin user add rev --role county_reviewer --area 640522 >/dev/null
$J org add --uscc 91640522MA76XYW1X3 --name 海原县德隆职业培训学校 --kind training_body >/dev/null || fail "body"
BROKER=$(idcard 1); W1=$(idcard 2); W2=$(idcard 3)
$J person add --idcard "$BROKER" --name 马经纪 --hukou-division 640522101 >/dev/null || fail "broker"
$J person add --idcard "$W1" --name 李务工 --hukou-division 640522101 --address 海原县海城镇山门村 --phone 13995412345 >/dev/null || fail "W1"
$J person add --idcard "$W2" --name 王务工 --hukou-division 640522101 --address 海原县海城镇武塬村 >/dev/null || fail "W2"
b=$($J --as rev case file --program P19 --person "$BROKER" --date 2024-09-02 --facts '{"licence":true,"people_placed":2}' | idof)
$J --as rev case file --program P19 --parent "$b" --person "$W1" --date 2024-09-02 \
   --facts '{"employer":"福建晋江某鞋厂","post":"操作工","monthly_income":"4500.00","start":"2024-03-01","end":"2024-08-31"}' >/dev/null || fail "W1 case"
$J --as rev case file --program P19 --parent "$b" --person "$W2" --date 2024-09-02 \
   --facts '{"employer":"银川某物流公司","post":"分拣员","monthly_income":3800,"start":"2024-04-01"}' >/dev/null || fail "W2 case"
cls=$($J --as rev case file --program P1 --kind training_class --org 91640522MA76XYW1X3 --date 2024-03-01 \
      --facts '{"occupation":"中式烹调师","level":5,"class_size":30,"hours_total":160,"hours_practical":110,"teachers":[{"name":"马老师","certificate":"高级技师"}],"site":"县职教中心","start":"2024-03-11","end":"2024-04-30"}' | idof)
$J --as rev case approve "$cls" --reason ok --date 2024-03-04 >/dev/null || fail "class"
t=$($J --as rev case file --program P1 --parent "$cls" --person "$W1" --facts '{"certificate":"level5"}' --date 2024-05-06 | idof)
$J --as rev case approve "$t" --reason ok --date 2024-05-07 >/dev/null || fail "approve"
$J --as rev case publish "$t" --reason 公示 --date 2024-05-08 >/dev/null || fail "publish"
SIGN=(填报人： 审核人： 单位（盖章）： 日期：)

# ---- the publicity list (公示名单): names and ID numbers masked, 合计, signature line ----
expect_out "publicity pdf" '{"report":"publicity","format":"pdf","rows":1}' 0 $J report publicity --program P1 --format pdf --out "$T/pub.pdf"
[ "$(head -c 5 "$T/pub.pdf")" = "%PDF-" ] || fail "publicity: not a PDF"
expect_out "written 0600" "600" 0 mode "$T/pub.pdf"
has "publicity title and headers" "$T/pub.pdf" 重点产业职业技能赋能培训公示名单 序号 项目编号 项目名称 "姓名（单位名称）" 身份证号 拟补贴 公示开始日期
has "publicity row" "$T/pub.pdf" "李*工" "$(mask_id "$W1")" "培训补贴（中式烹调师五级）" 1,000.00 2024-05-08 2024-05-13
has "publicity 合计 and signature" "$T/pub.pdf" 合计 "1 项" "${SIGN[@]}" "第 1 页 共 1 页"
ids=$(pdftotext "$T/pub.pdf" - | grep -oE '[1-9][0-9]{16}[0-9X]' || true)
[ -z "$ids" ] || fail "a whole ID number in the publicity PDF: $ids"
a4 "$T/pub.pdf"

# ---- a roster in the seed's form 5-19-2, masked; whole when unmasked with a reason ----
$J report roster P19 --form 5-19-2 --format pdf --out "$T/r.pdf" --unit 海原县海城镇 >/dev/null || fail "roster pdf"
has "roster form, title, heading" "$T/r.pdf" "附件 5-19-2" 劳动力转移就业花名册 "填报单位：海原县海城镇"
has "roster headers" "$T/r.pdf" 序号 姓名 身份证号 家庭住址 就业单位 就业起止年月 工作岗位 平均月工资 备注
has "roster rows" "$T/r.pdf" 李务工 "$(mask_id "$W1")" 海原县海城镇山门村 福建晋江某鞋厂 2024-03至2024-08 操作工 4,500.00 王务工 3,800.00
has "roster signature" "$T/r.pdf" "${SIGN[@]}"
! pdftotext "$T/r.pdf" - | grep -q "$W1" || fail "masked roster PDF shows the whole ID number"
$J --as rev report roster P19 --form 5-19-2 --format pdf --out "$T/ru.pdf" --unmask --reason "报市人社局" >/dev/null || fail "roster pdf unmasked"
has "unmasked roster" "$T/ru.pdf" "$W1" "$W2"
a4 "$T/r.pdf"

# ---- targets and budget ----
$J report targets --year 2024 --program P1 --format pdf --out "$T/tg.pdf" >/dev/null || fail "targets pdf"
has "targets" "$T/tg.pdf" 目标任务完成情况 项目编号 目标任务数 申报数 完成率 重点产业职业技能赋能培训 "${SIGN[@]}"
$J report budget --year 2024 --format pdf --out "$T/bg.pdf" >/dev/null || fail "budget pdf"
has "budget" "$T/bg.pdf" 预算执行情况 资金来源 预算金额 已拨付 可用余额 "${SIGN[@]}"
a4 "$T/tg.pdf"
a4 "$T/bg.pdf"

# ---- P4's acceptance figures ----
p4=$($J --as rev case file --program P4 --org 91640522MA76XYW1X3 --date 2024-03-01 \
     --facts '{"occupation":"电工","planned_trainees":40,"approved":"50000.00","actual_cost":"48760.50","satisfaction":"96.5%","department_recognition":100,"stars":4}' | idof)
$J report p4-acceptance "$p4" --format pdf --out "$T/p4.pdf" >/dev/null || fail "p4-acceptance pdf"
has "p4-acceptance" "$T/p4.pdf" 海原县公共就业服务能力提升项目制培训验收报告 "附件 5-4-2" 培训计划人数 40 项目培训核定金额 50,000.00 "（五）培训验收结果：四星" "${SIGN[@]}"
a4 "$T/p4.pdf"

# ---- usage ----
expect_rc "pdf needs --out" 2 $J report targets --format pdf
expect_contains "names --out" "--format pdf needs --out FILE" "$(cat "$T/stderr")"
expect_rc "unknown format" 2 $J report targets --format docx
expect_contains "lists pdf" "expected json, csv, xlsx or pdf" "$(cat "$T/stderr")"

# without a Chinese font the PDF is refused (its text would print as empty boxes) and no file is left
printf '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>%s/fc</cachedir></fontconfig>\n' "$T" >"$T/latin.conf"
expect_rc "no Chinese font" 1 env FONTCONFIG_FILE="$T/latin.conf" $J report targets --format pdf --out "$T/nofont.pdf"
expect_contains "names the package" "no Chinese font installed (Debian: apt-get install fonts-noto-cjk)" "$(cat "$T/stderr")"
[ ! -e "$T/nofont.pdf" ] || fail "a PDF without a Chinese font was written"

# ---- a long roster (the demo county's): the header row on every page, 第 N 页 共 M 页 ----
D=$(jy_fresh_db) || fail "a second database"
JIUYE_DB="$D" $J demo --persons 300 --orgs 20 --seed 7 --year-cases small >/dev/null || fail "demo"
JIUYE_DB="$D" $J report roster P1 --format pdf --out "$T/long.pdf" >/dev/null || fail "long roster"
read -r nrows lastname lastid < <(JIUYE_DB="$D" $J report roster P1 | python3 -c '
import json, sys
r = json.load(sys.stdin)["rows"]
print(len(r), r[-1]["name"], r[-1]["idcard"])')
pages=$(pdfinfo "$T/long.pdf" | sed -n 's/^Pages: *//p')
[ "${pages:-0}" -ge 3 ] || fail "$nrows trainees on ${pages:-?} page(s)"
for p in $(seq 1 "${pages:-0}"); do
  pt=$(pdftotext -layout -f "$p" -l "$p" "$T/long.pdf" - | tr -d ' \n')
  case "$pt" in *序号*姓名*身份证号*) ;; *) fail "page $p of $pages: no header row" ;; esac
  case "$pt" in *"第${p}页共${pages}页"*) ;; *) fail "page $p: no 第 $p 页 共 $pages 页" ;; esac
done
# the last row, then the signature line, on the last page (-layout keeps the lines in page order)
last=$(pdftotext -layout -f "$pages" -l "$pages" "$T/long.pdf" - | tr -d ' \n')
case "$last" in *"$nrows$lastname"?"$lastid"*填报人：*) ;; *) fail "last page: row $nrows ($lastname $lastid) and then the signature line: $last" ;; esac
ids=$(pdftotext "$T/long.pdf" - | grep -oE '[1-9][0-9]{16}[0-9X]' || true)
[ -z "$ids" ] || fail "a whole ID number in the masked roster PDF: $ids"

# ---- the API: ?format=pdf ----
export JY_API_TMP=$T
python3 - "$JY_SOURCE_DIR/tests/api" "$T" <<'PY' || fail "API ?format=pdf"
import sys, subprocess
sys.path.insert(0, sys.argv[1])
from apilib import *
rev = add_user("api-rev", "county_reviewer", area="640522", admin="admin")
with Server() as srv:
    c = Client(srv).login(rev)
    st, pdf = c.call("GET", "/api/v1/reports/publicity?program=P1&format=pdf", expect=200)
    check(isinstance(pdf, bytes) and pdf.startswith(b"%PDF-"), "not a PDF: %r" % (pdf[:40] if pdf else pdf))
    check(c.last_headers.get("content-type") == "application/pdf", "type %r" % c.last_headers.get("content-type"))
    check(c.last_headers.get("content-disposition") == 'attachment; filename="publicity.pdf"',
          "disposition %r" % c.last_headers.get("content-disposition"))
    path = sys.argv[2] + "/api.pdf"
    open(path, "wb").write(pdf)
    text = subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True).stdout.replace(" ", "").replace("\n", "")
    check("重点产业职业技能赋能培训公示名单" in text and "合计" in text and "填报人：" in text, "API PDF text: %s" % text[:300])
    st, pdf = c.call("GET", "/api/v1/reports/budget?year=2024&format=pdf", expect=200)
    check(isinstance(pdf, bytes) and pdf.startswith(b"%PDF-"), "budget not a PDF")
    st, d = c.call("GET", "/api/v1/reports/budget?format=docx", expect=400)
    check("pdf" in json.dumps(d, ensure_ascii=False), "400 lists pdf: %r" % d)
finish()
PY

[ "$FAILS" -eq 0 ] || exit 1
echo "ok"
