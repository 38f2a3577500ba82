#!/usr/bin/env bash
# Personal data through a whole CLI flow (issue 11 item 6, docs/privacy.md): import a roster,
# person list/show, org show, cases, report roster (JSON, CSV, XLSX), report publicity, social
# security cards, a payment batch (build, review, show, the bank file without --unmask), audit
# list. A scan over everything the flow printed (stdout and stderr) and every file it wrote finds
# no 18-character ID number, no 16–19-digit card number, no mobile number and no disability
# status; the scan itself is shown to find them in the unmasked views. Then --unmask --reason as
# a role that may shows the values whole and leaves an access-log row with the reason;
# --unmask as a role that may not is refused, prints nothing whole and is logged as refused,
# never as viewed; --unmask without --reason is a usage error that logs nothing. Either backend.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
J=$JIUYE
export JIUYE_TODAY=2024-12-01
idof() { sed -n 's/^{"id":\([0-9]*\),.*/\1/p'; }
OUT="$T/flow-output.txt" # everything the masked flow printed
: >"$OUT"
# x CMD…: runs jiuye, appends its stdout and stderr to $OUT, prints its stdout; the exit code is its
x() {
  local rc
  "$J" "$@" >"$T/x.out" 2>"$T/x.err" && rc=0 || rc=$?
  cat "$T/x.out" "$T/x.err" >>"$OUT"
  cat "$T/x.out"
  return $rc
}
# the texts of a written file for the scan: CSV as it is, XLSX's strings and cells
file_text() {
  case "$1" in
    *.xlsx) python3 -c '
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for n in z.namelist():
    if n.endswith(".xml"): sys.stdout.write(z.read(n).decode() + "\n")' "$1" ;;
    *) cat "$1" ;;
  esac
}
# The scan: identifiers are whole tokens (a hex hash or a USCC holding 17 digits in a row is
# not one): an 18-character ID number, a 16–19-digit card number, a mobile number; and the
# disability status in its three spellings.
ID_RE='(^|[^0-9A-Za-z])[1-9][0-9]{16}[0-9Xx]($|[^0-9A-Za-z])'
CARD_RE='(^|[^0-9A-Za-z])[0-9]{16,19}($|[^0-9A-Za-z])'
MOBILE_RE='(^|[^0-9A-Za-z])1[3-9][0-9]{9}($|[^0-9A-Za-z])'
DIS_RE='"(disability|disabled|残疾人)"|,残疾人,'
scan() { # scan LABEL FILE: prints the hits, returns 0 when there are none
  local hits
  hits=$(grep -E -o "$ID_RE|$CARD_RE|$MOBILE_RE|$DIS_RE" "$2" | head -5)
  [ -z "$hits" ] && return 0
  echo "$1: $hits" >&2
  return 1
}

# ---------------------------------------------------------------- the flow, masked
x init >/dev/null || fail "init"
x --as admin user add admin --role admin >/dev/null || fail "admin"
x --as admin user add rev --role county_reviewer --area 640522 >/dev/null || fail "rev"
x --as admin user add body --role training_body --area 640522 >/dev/null || fail "body"
x --as admin user add town --role township_staff --area 640522 >/dev/null || fail "town"
x --as admin user add fin --role finance --area 640522 >/dev/null || fail "fin"

BODY=91640522MA76XYW1X3
ORG_ACCT=$(luhn 623100001234567890) # a 19-digit basic account
x --as admin org add --uscc "$BODY" --name 海原县德隆职业培训学校 --kind training_body,employer \
  --phone 13995400001 --bank-name 宁夏黄河农村商业银行 --bank-account "$ORG_ACCT" >/dev/null || fail "org"

W1=$(idcard 2); W2=$(idcard 3); W3=$(idcard 4); BROKER=$(idcard 1)
cat >"$T/roster.csv" <<EOF
序号,姓名,民族,文化程度,身份证号,户籍性质,户籍所在地,联系电话,人员类别
1,李务工,回族,初中,$W1,农村,海原县海城镇,13995412345,脱贫人口
2,王务工,汉族,高中,$W2,农村,海原县海城镇,13709551234,残疾人
3,马小兰,回族,初中,$W3,农村,海原县海城镇,15009551111,
4,马经纪,回族,高中,$BROKER,农村,海原县海城镇,15009552222,
EOF
x --as admin person import "$T/roster.csv" --report "$T/import-errors.csv" >/dev/null || fail "import: $(cat "$T/x.err")"

out=$(x --as rev person list)
expect_contains "list: masked ID" "\"idcard\":\"${W1:0:6}********${W1:14:4}\"" "$out"
expect_contains "list: masked phone" '"phone":"139****2345"' "$out"
id2=$(x --as rev person show "$W2" | idof)
out=$(x --as rev person show "$id2")
expect_contains "show: disability hidden" '"kind":"***","label":"***"' "$out"
expect_contains "show: other statuses kept" '"name":"王务工"' "$out"
out=$(x --as rev org show "$BODY")
expect_contains "org: account masked" "\"bank_account\":\"${ORG_ACCT:0:4}***********${ORG_ACCT:15:4}\"" "$out"
x --as rev org list >/dev/null || fail "org list"

# P19: a broker's award with the workers he placed (roster 5-19-2)
b=$(x --as rev case file --program P19 --person "$BROKER" --date 2024-09-02 --facts '{"licence":true,"people_placed":2}' | idof)
x --as rev case file --program P19 --parent "$b" --person "$W1" --date 2024-09-02 \
  --facts '{"employer":"福建晋江某鞋厂","post":"操作工","monthly_income":"4500.00","start":"2024-03-01","end":"2024-08-31"}' >/dev/null || fail "W1 case"
x --as rev case file --program P19 --parent "$b" --person "$W2" --date 2024-09-02 \
  --facts '{"employer":"银川某物流公司","post":"分拣员","monthly_income":3800,"start":"2024-04-01"}' >/dev/null || fail "W2 case"
out=$(x --as rev report roster P19)
expect_contains "roster JSON masked" "\"idcard\":\"${W1:0:6}********${W1:14:4}\"" "$out"
x --as rev report roster P19 --format csv --out "$T/roster-p19.csv" >/dev/null || fail "roster csv"
x --as rev report roster P19 --format xlsx --out "$T/roster-p19.xlsx" >/dev/null || fail "roster xlsx"
x --as rev case show "$b" >/dev/null || fail "case show"
x --as rev case list --program P19 >/dev/null || fail "case list"

# P1: a class and a trainee, published (the publicity list)
cls=$(x --as rev case file --program P1 --kind training_class --org "$BODY" --date 2024-03-01 \
      --facts '{"occupation":"中式烹调师","level":5,"class_size":30,"hours_total":160,"hours_practical":110,"teachers":[{"name":"马老师","certificate":"高级技师"}],"site":"县职教中心","start":"2024-03-11","end":"2024-04-30"}' | idof)
x --as rev case approve "$cls" --reason ok --date 2024-03-04 >/dev/null || fail "class"
t=$(x --as rev case file --program P1 --parent "$cls" --person "$W3" --facts '{"certificate":"level5"}' --date 2024-05-06 | idof)
x --as rev case approve "$t" --reason ok --date 2024-05-07 >/dev/null || fail "approve"
x --as rev case publish "$t" --reason 公示 --date 2024-05-08 >/dev/null || fail "publish"
out=$(x --as rev report publicity --program P1)
expect_contains "publicity: name masked" '"name":"马*兰"' "$out"
expect_contains "publicity: ID masked" "\"id\":\"${W3:0:6}********${W3:14:4}\"" "$out"
x --as rev report publicity --program P1 --format csv --out "$T/publicity.csv" >/dev/null || fail "publicity csv"

# payment: cards, payables, a batch built by one person and reviewed by another (finance: policy/workflows.txt)
x --as admin ledger budget set P13 2024 region 100000.00 >/dev/null || fail "budget"
CARD1=$(luhn 621700001000000011); CARD2=$(luhn 621700001000000012)
x --as admin ledger card "$W1" "$CARD1" --bank 宁夏银行 >/dev/null || fail "card 1"
x --as admin ledger card "$W2" "$CARD2" --bank 宁夏银行 >/dev/null || fail "card 2"
x --as admin ledger approve --program P13 --year 2024 --person "$W1" --amount 1750 --month 2024-03 >/dev/null || fail "payable 1"
x --as admin ledger approve --program P13 --year 2024 --person "$W2" --amount 1750 --month 2024-03 >/dev/null || fail "payable 2"
x --as admin ledger approve --program P13 --year 2024 --person "$W3" --amount 1750 --month 2024-03 >/dev/null || fail "payable 3"
x --as admin ledger approve --program P13 --year 2024 --org "$BODY" --amount 3000 --month 2024-03 >/dev/null || fail "payable org"
out=$(x --as admin batch build --program P13 --month 2024-03)
expect_contains "the skipped payee named by a masked ID" "马小兰 (${W3:0:6}********${W3:14:4}) has no social security card" "$out"
x --as fin batch approve 1 >/dev/null || fail "batch approve"
out=$(x --as rev batch show 1)
expect_contains "batch show: account masked" "\"account\":\"${CARD1:0:4}***********${CARD1:15:4}\"" "$out"
out=$(x --as admin batch export 1 --csv "$T/bank.csv" --xlsx "$T/bank.xlsx" --encoding utf-8-bom)
expect_contains "export says masked" '"masked":true' "$out"
expect_contains "bank file masked" "1,个人（社保卡）,李务工,${W1:0:6}********${W1:14:4},${CARD1:0:4}***********${CARD1:15:4},宁夏银行,1750.00" "$(tr -d '\r' <"$T/bank.csv")"
x --as admin ledger payables >/dev/null || fail "payables"
x --as admin audit list --limit 0 >/dev/null || fail "audit list"
x --as admin audit verify >/dev/null || fail "audit verify"

# the scan: the outputs, then each file written
scan "outputs" "$OUT" || fail "the flow's outputs hold an identifier or a disability status"
for f in "$T/roster-p19.csv" "$T/roster-p19.xlsx" "$T/publicity.csv" "$T/bank.csv" "$T/bank.xlsx"; do
  file_text "$f" >"$T/scan.txt"
  [ -s "$T/scan.txt" ] || fail "nothing to scan in $f"
  scan "$f" "$T/scan.txt" || fail "$f holds an identifier or a disability status"
done
# nothing of the flow was an unmasked view
expect_out "no access-log entry yet" "0" 0 sql "SELECT count(*) FROM access_log"

# ---------------------------------------------------------------- --unmask --reason
UN="$T/unmasked.txt"
: >"$UN"
# the scan finds what it looks for: the unmasked views of the same records
out=$($J --as rev person show "$id2" --unmask --reason "核对残疾人证与身份证号（工单 2024-118）")
echo "$out" >>"$UN"
expect_contains "unmasked ID" "\"idcard\":\"$W2\"" "$out"
expect_contains "unmasked phone" '"phone":"13709551234"' "$out"
expect_contains "unmasked status" '"kind":"disability","label":"残疾人"' "$out"
expect_out "one view logged with its reason" "rev|county_reviewer|view|person|$id2|核对残疾人证与身份证号（工单 2024-118）|640522" 0 \
  sql "SELECT actor, role, action, entity, target, reason, county FROM access_log"
origin=$(sql "SELECT origin FROM access_log")
expect_contains "from where: the OS user and host" "cli:$(id -un)@$(hostname)" "$origin"

$J --as rev report roster P19 --format csv --out "$T/roster-full.csv" --unmask --reason "报市人社局审核" >/dev/null || fail "roster unmask"
expect_contains "roster whole" "$W1" "$(cat "$T/roster-full.csv")"
cat "$T/roster-full.csv" >>"$UN"
expect_out "roster export logged" "export|report|roster P19 format=csv out=$T/roster-full.csv|报市人社局审核" 0 \
  sql "SELECT action, entity, target, reason FROM access_log WHERE actor = 'rev' AND entity = 'report'"

$J --as admin batch export 1 --csv "$T/bank-full.csv" --encoding utf-8-bom --unmask --reason "交宁夏银行拨付 2024-03" >"$T/o" || fail "bank file unmasked"
expect_contains "bank file whole" "1,个人（社保卡）,李务工,$W1,$CARD1,宁夏银行,1750.00" "$(tr -d '\r' <"$T/bank-full.csv")"
expect_contains "org account whole" ",$BODY,$ORG_ACCT," "$(cat "$T/bank-full.csv")"
cat "$T/bank-full.csv" >>"$UN"
expect_out "bank file logged" "admin|admin|export|pay_batch|1 csv=$T/bank-full.csv" 0 \
  sql "SELECT actor, role, action, entity, target FROM access_log WHERE entity = 'pay_batch'"

out=$($J --as admin audit list --limit 0 --unmask --reason "审计抽查")
echo "$out" >>"$UN"
expect_contains "audit images whole" "\"idcard\":\"$W1\"" "$out"
expect_contains "audit: card whole" "\"sscard\":\"$CARD1\"" "$out"
scan "unmasked views (expected hits)" "$UN" 2>/dev/null && fail "the scan should find the identifiers in the unmasked views"
for re in "$ID_RE" "$CARD_RE" "$MOBILE_RE" "$DIS_RE"; do
  grep -qE "$re" "$UN" || fail "the scan's pattern $re finds nothing in the unmasked views"
done
n_before=$(sql "SELECT count(*) FROM access_log")

# ---------------------------------------------------------------- refusals
# a training body may not see persons whole: refused, nothing whole printed, logged as refused
expect_rc "training body refused" 1 $J --as body person show "$id2" --unmask --reason "想看看"
expect_contains "names the roles that may" "admin, county_reviewer, city_reviewer, finance" "$(cat "$T/stderr")"
case "$(cat "$T/stdout" "$T/stderr")" in *"$W2"*) fail "a refused request printed the ID number" ;; esac
expect_out "refusal logged, no view" "refused|person|$id2|想看看" 0 \
  sql "SELECT action, entity, target, reason FROM access_log WHERE actor = 'body'"
# a county reviewer may see persons, not the bank file
expect_rc "reviewer refused the bank file" 1 $J --as rev batch export 1 --csv "$T/bank-rev.csv" --unmask --reason "核对"
[ -e "$T/bank-rev.csv" ] && fail "a refused export wrote the file"
expect_rc "reviewer refused batch show whole" 1 $J --as rev batch show 1 --unmask --reason "核对"
case "$(cat "$T/stdout")" in *"$CARD1"*) fail "a refused batch show printed the account" ;; esac
expect_rc "reviewer refused the audit images whole (they hold accounts)" 1 $J --as rev audit list --unmask --reason "核对"
case "$(cat "$T/stdout")" in *"$W1"*|*"$CARD1"*) fail "a refused audit list printed a value whole" ;; esac
expect_out "reviewer: views and refusals only" "view|person
refused|audit_log
refused|pay_batch
refused|pay_batch
export|report" 0 sql "SELECT action, entity FROM access_log WHERE actor = 'rev' ORDER BY action DESC, entity"
# township staff: a roster whole is refused as well
expect_rc "township refused" 1 $J --as town report roster P19 --unmask --reason "核对"
expect_out "no view by the township" "0" 0 sql "SELECT count(*) FROM access_log WHERE actor = 'town' AND action <> 'refused'"
# an actor that is not registered
expect_rc "unregistered refused" 1 $J --as nobody person list --unmask --reason "看看"
expect_contains "not registered" 'user "nobody" is not registered' "$(cat "$T/stderr")"

# usage: --unmask without a reason (or a blank one) logs nothing; the publicity list is never whole
n_before=$(sql "SELECT count(*) FROM access_log")
expect_rc "no reason" 2 $J --as rev person show "$id2" --unmask
expect_contains "asks for a reason" "--unmask needs --reason" "$(cat "$T/stderr")"
case "$(cat "$T/stdout")" in *"$W2"*) fail "--unmask without a reason printed the ID number" ;; esac
expect_rc "blank reason" 1 $J --as rev person show "$id2" --unmask --reason "  "
expect_rc "reason alone" 2 $J --as rev person show "$id2" --reason "why"
expect_rc "publicity never whole" 2 $J --as rev report publicity --program P1 --unmask --reason "x"
expect_rc "not on add" 2 $J --as admin person add --idcard "$(idcard 9)" --name 某 --unmask --reason x
expect_rc "not on batch build" 2 $J --as admin batch build --program P13 --unmask --reason x
expect_out "nothing logged by usage errors" "$n_before" 0 sql "SELECT count(*) FROM access_log"
# an option's value that looks like the flag stays a value
out=$($J --as admin person add --idcard "$(idcard 9)" --name 马某 --address --unmask)
expect_contains "value kept" '"address":"--unmask"' "$out"

expect_rc "audit chain intact" 0 $J audit verify
finish
