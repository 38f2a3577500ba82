#!/usr/bin/env bash
# What a bug bash as the users found (a county reviewer, a training body, an employer, a job
# seeker; wrong input on purpose), one section per bug; each check fails on the code before its
# fix. Runs on either backend (JY_TEST_BACKEND).
source "$JY_SOURCE_DIR/tests/lib.sh"
J=$JIUYE
export JIUYE_TODAY=2024-12-01

$J init >/dev/null
$J --as admin user add admin --role admin >/dev/null
J="$J --as admin"
$J ledger budget load --year 2024 >/dev/null || fail "budget load"

# ---- a budget line for a programme the rules do not have is refused (it held money no case
# could draw and stood in the budget report) ----
expect_rc "budget set P99 refused" 1 $J ledger budget set P99 2024 central 5.00
expect_contains "names the programme and why" "program P99: unknown programme (P1 … P26)" "$(cat "$T/stderr")"
expect_rc "budget set p13 (lower case) refused" 2 $J ledger budget set p13 2024 central 5.00
expect_out "no line was made" "" 0 sh -c "$J ledger show | grep -E '\"program\":\"(P99|p13)\"' || true"
expect_out "report budget has no P99 row" "" 0 sh -c "$J report budget | grep -o 'P99' || true"
expect_rc "a real programme still set" 0 $J ledger budget set P13 2024 central 5.00

# ---- a roster row with a stray quote (a field that opens a quote and never closes it) no
# longer costs the good rows after it: the row is rejected naming its row, the rest is read ----
python3 - "$T" <<'PY'
import sys
def cd(s17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return s17 + "10X98765432"[sum(int(a) * b for a, b in zip(s17, w)) % 11]
ids = [cd("640522" + b + "123") for b in ("19850101", "19860202", "19870303", "19880404")]
rows = ["序号,姓名,身份证号码,户籍性质"]
rows.append(f"1,马一,{ids[0]},农村")
rows.append(f'2,"马二,{ids[1]},农村')   # the stray quote
rows.append(f"3,马三,{ids[2]},农村")
rows.append(f"4,马四,{ids[3]},城镇")
open(sys.argv[1] + "/stray.csv", "w", encoding="utf-8").write("\n".join(rows) + "\n")
open(sys.argv[1] + "/ids", "w").write("\n".join(ids) + "\n")
PY
mapfile -t IDS <"$T/ids"
expect_rc "a roster with a stray quote: a row rejected" 1 $J person import "$T/stray.csv" --report "$T/stray.err.csv"
out=$(cat "$T/stdout")
expect_contains "every row counted" '"rows":4,"created":3,"updated":0,"unchanged":0,"rejected":1' "$out"
case "$out" in *'"stopped"'*) fail "reading stopped at the stray quote: $out" ;; esac
expect_contains "the report names row 3 and why" "3,,,line 3: quoted field not closed" "$(cat "$T/stray.err.csv")"
for k in 0 2 3; do
  expect_rc "row of ${IDS[$k]} stored" 0 $J person show "${IDS[$k]}"
done
expect_rc "the broken row stored nothing" 1 $J person show "${IDS[1]}"

# ---- a UTF-8 roster with one bad byte (a cell pasted from elsewhere) is read as UTF-8: the row
# holding it is rejected naming the row, the column and why; before, the whole file was read as
# GB18030 and refused ("no header row"), every good row with it ----
python3 - "$T" <<'PY'
import sys
def cd(s17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return s17 + "10X98765432"[sum(int(a) * b for a, b in zip(s17, w)) % 11]
ids = [cd("640522" + b + "456") for b in ("19900101", "19910202", "19920303")]
rows = ["序号,姓名,身份证号码,户籍性质".encode()]
rows.append(f"1,杨一,{ids[0]},农村".encode())
rows.append(f"2,杨二,{ids[1]},农村".encode().replace("杨二".encode(), "杨二".encode() + b"\xff"))
rows.append(f"3,杨三,{ids[2]},农村".encode())
open(sys.argv[1] + "/badbyte.csv", "wb").write(b"\n".join(rows) + b"\n")
open(sys.argv[1] + "/ids2", "w").write("\n".join(ids) + "\n")
PY
mapfile -t IDS2 <"$T/ids2"
expect_rc "a UTF-8 roster with a bad byte: one row rejected" 1 $J person import "$T/badbyte.csv" --report "$T/badbyte.err.csv"
out=$(cat "$T/stdout")
expect_contains "read as UTF-8, the good rows stored" '"rows":3,"created":2,"updated":0,"unchanged":0,"rejected":1,"report":"'"$T/badbyte.err.csv"'","encoding":"utf-8"' "$out"
expect_contains "the report names row 3, 姓名 and why" "3,姓名,(not valid text),contains bytes that are not valid utf-8 text" "$(cat "$T/badbyte.err.csv")"
expect_out "row 2's name as written" "杨一" 0 sh -c "$J person show ${IDS2[0]} | sed 's/.*\"name\":\"\([^\"]*\)\".*/\1/'"
expect_rc "row 4 stored" 0 $J person show "${IDS2[2]}"

# ---- a name of nothing but spaces, or with a line break inside, is refused (CLI and API share
# the check, the import has its own row error); spaces around a name are trimmed. Before, "   "
# replaced a registered person's name, and "马小\n军" went into rosters and bank files ----
P=640522199003071230
expect_rc "a person" 0 $J person add --idcard $P --name 马小军
expect_rc "a blank name refused" 1 $J person add --idcard $P --name "   "
expect_contains "names the field" "--name" "$(cat "$T/stderr")"
expect_contains "says why" "the name (姓名) is required" "$(cat "$T/stderr")"
expect_rc "a name with a line break refused" 1 $J person add --idcard $P --name "马小
军"
expect_contains "says why" "holds a line break or another control character (byte 7)" "$(cat "$T/stderr")"
expect_contains "the name kept" '"name":"马小军"' "$($J person show $P)"
expect_contains "spaces around trimmed (U+3000 too)" '"name":"杨帆","sex"' "$($J person add --idcard $P --name "　杨帆 ")"
expect_rc "an org name of a tab refused" 1 $J org add --uscc 93640522MA7700006Y --name "	" --kind employer
expect_contains "says why" "the name (单位名称) is required" "$(cat "$T/stderr")"
printf '姓名,身份证号码\n"马小\n军",640522198501011236\n' >"$T/nl.csv"
expect_rc "an import row with a line break in 姓名 rejected" 1 $J person import "$T/nl.csv" --report "$T/nl.err.csv"
expect_contains "the report names the row, the column and why" '2,姓名,"马小
军",姓名 holds a line break' "$(cat "$T/nl.err.csv")"

# ---- a month given with something after it ("2024-07junk", the date 2024-02-30) is refused,
# not cut to its first seven characters: attendance was recorded for 2024-07, payroll show
# answered for 2024-02, and ledger payables --month 2024-02-30 listed nothing as if it were a month ----
H=93640522MA7700006Y
expect_rc "a host" 0 $J org add --uscc $H --name 七营镇政府 --kind public_body
expect_rc "a graduate" 0 $J person add --idcard 640522200101010031 --name 马晓燕 --status graduate:2023-07-01
expect_rc "a P13 placement" 0 $J placement start --program P13 --person 640522200101010031 --host $H --start 2024-03-01 --end 2024-08-31
PL=$(grep -o '"id":[0-9]*' "$T/stdout" | head -1 | cut -d: -f2)
expect_rc "attendance month with junk refused" 1 $J attendance set "$PL" 2024-07junk --duty 3
expect_contains "names the month" "month 2024-07junk: expected YYYY-MM" "$(cat "$T/stderr")"
expect_rc "attendance month as a date refused" 1 $J attendance set "$PL" 2024-02-30 --duty 3
expect_out "nothing recorded" "" 0 sh -c "$J placement show $PL | grep -o '\"month\":\"2024-0[27]\"' || true"
expect_rc "a real month recorded" 0 $J attendance set "$PL" 2024-07 --duty 3
expect_rc "payroll show with a date refused" 1 $J payroll show P13 2024-02-30
expect_contains "names the month" "month 2024-02-30: expected YYYY-MM" "$(cat "$T/stderr")"
expect_rc "payroll commit with a date refused" 1 $J payroll commit P13 2024-07-01
expect_contains "names the month" "month 2024-07-01: expected YYYY-MM" "$(cat "$T/stderr")"
expect_rc "ledger payables --month as a date refused" 1 $J ledger payables --month 2024-02-30
expect_contains "names the option" '--month: month "2024-02-30" is not YYYY-MM' "$(cat "$T/stderr")"

expect_rc "payroll show of a longer programme refused" 1 $J payroll show P13xyzxyzxyzxyzxyz 2024-07
expect_contains "names the programme" "programme P13xyzxyzxyzxyzxyz: the payroll serves" "$(cat "$T/stderr")"
expect_rc "payroll commit of another programme refused" 1 $J payroll commit P1 2024-07
expect_contains "names the programme" "programme P1: the payroll serves" "$(cat "$T/stderr")"

# ---- a step the workflow does not have: the English message is English (it carried
# "（该流程没有此步骤）"), the Chinese one Chinese ----
expect_rc "a P1 claim" 0 $J case file --program P1 --person $P --date 2024-05-06 --facts '{}'
C=$(grep -o '"id":[0-9]*' "$T/stdout" | head -1 | cut -d: -f2)
expect_rc "a step the workflow lacks" 1 $J case advance "$C" bogus_step --reason 核查
err=$(cat "$T/stderr")
expect_contains "says so in English" "cannot take bogus_step (the workflow has no such step); next steps allowed:" "$err"
case "$err" in *该流程*) fail "Chinese inside the English message: $err" ;; esac
expect_rc "the same in Chinese" 1 env JIUYE_LANG=zh $J case advance "$C" bogus_step --reason 核查
expect_contains "says so in Chinese" "不能执行 bogus_step（该流程没有此步骤）；可执行的下一步：" "$(cat "$T/stderr")"

# ---- a grade-one disability recorded in words (一级) excludes from subsidised training in the
# rules too, not only in the conflict check: the filing's statuses fact and the check read one
# table (jy_training_exclusion); before, the rules saw no excluding status ----
D=64052219950505123X
expect_rc "a person with a grade-one disability" 0 $J person add --idcard $D --name 马丽 --status disability:2020-01-01:一级
expect_rc "a P1 claim" 0 $J case file --program P1 --person $D --date 2024-05-06 --facts '{}'
out=$(cat "$T/stdout")
expect_contains "the rules refuse it" '"decision":"ineligible"' "$out"
expect_contains "by P1 二" '{"clause":"P1 二","kind":"fail"' "$out"

# ---- an empty roster says it is empty (it said "no header row in the first 50 rows") ----
: >"$T/empty.csv"
expect_rc "an empty roster refused" 1 $J person import "$T/empty.csv"
expect_contains "says it is empty" "empty.csv: the file is empty" "$(cat "$T/stderr")"
printf '\n,,\n\n' >"$T/blank.csv"
expect_rc "a roster of blank lines refused" 1 $J org import "$T/blank.csv"
expect_contains "says it is empty" "blank.csv: the file is empty" "$(cat "$T/stderr")"

finish
