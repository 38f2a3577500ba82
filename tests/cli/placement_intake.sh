#!/usr/bin/env bash
# Issue 10 item 9: starting a placement runs the programme's intake rules (P10, P12, P13, P14,
# P24; docs/payroll.md "Intake") on facts from the registry — age on the start date from the ID
# number, the 高校毕业生 / 在校学生 / 登记失业 / 退休 statuses, 文化程度, hukou, an earlier placement
# of the programme, the host organisation's kinds — and refuses (ineligible, naming the clause,
# nothing written) or holds for review (needs_review naming the clauses: the case waits, no
# placement until `placement approve`). On the old code a 48-year-old non-graduate was placed as
# a P13 intern at an enterprise. Both backends (JY_TEST_BACKEND=postgresql).
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
J=$JIUYE
export JIUYE_TODAY=2024-03-20
jf() { python3 -c 'import json,sys; d=json.loads(sys.argv[1])
for k in sys.argv[2].split("."): d=d[int(k)] if k.isdigit() else d[k]
print(json.dumps(d, ensure_ascii=False) if isinstance(d,(list,dict)) else ("" if d is None else d))' "$1" "$2"; }
# idc BIRTH(YYYYMMDD) SEQ: a valid Haiyuan ID number
idc() { python3 - "$1" "$2" <<'PY'
import sys
body = "640522%s%03d" % (sys.argv[1], int(sys.argv[2]))
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
print(body + "10X98765432"[sum(int(c) * k for c, k in zip(body, w)) % 11])
PY
}
ENT=91640522MA76XYW1X3     # 企业 (employer)
GOV=93640522MA7700006Y     # 七营镇政府 (public body)
count() { sql "SELECT count(*) FROM $1"; }

$J init >/dev/null || fail "init"
$J org add --uscc $ENT --name 海原县某商贸有限公司 --kind employer >/dev/null || fail "enterprise"
$J org add --uscc $GOV --name 七营镇人民政府 --kind public_body >/dev/null || fail "public body"
$J org add --uscc "$(python3 -c '
cs="0123456789ABCDEFGHJKLMNPQRTUWXY"; b="91640522MA7700011"
w=[1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28]
print(b+cs[(31-sum(cs.index(c)*k for c,k in zip(b,w))%31)%31])')" --name 海原县见习基地 --kind traineeship_base >/dev/null || fail "base"
BASE=$(sql "SELECT uscc FROM orgs WHERE name = '海原县见习基地'")

OLD=$(idc 19760105 1)      # 48 on 2024-03-01, 初中, no graduate status
$J person add --idcard "$OLD" --name 马老汉 --hukou-division 640522105 --education 初中 \
  --status registered_unemployed:2023-10-01 >/dev/null || fail "old"
GRAD=$(idc 20010305 2)     # left school in July 2023
$J person add --idcard "$GRAD" --name 李毕业 --hukou-division 640522105 --education 本科 \
  --status graduate:2023-07-01:2023 >/dev/null || fail "grad"
GRAD19=$(idc 19970305 3)   # left school in 2019
$J person add --idcard "$GRAD19" --name 王往届 --hukou-division 640522105 --education 本科 \
  --status graduate:2019-07-01:2019 >/dev/null || fail "grad 2019"
UNKNOWN=$(idc 20000708 4)  # nothing on record but the ID number
$J person add --idcard "$UNKNOWN" --name 张未知 --hukou-division 640522105 >/dev/null || fail "unknown"
YOUTH=$(idc 20040506 5)    # 19, registered unemployed, not a graduate
$J person add --idcard "$YOUTH" --name 杨青年 --hukou-division 640522105 --education 高中 \
  --status registered_unemployed:2023-12-01 >/dev/null || fail "youth"
STUDENT=$(idc 20030909 6)
$J person add --idcard "$STUDENT" --name 周同学 --hukou-division 640522105 --status enrolled_student:2021-09-01 >/dev/null || fail "student"

# ---- P13: the issue's case, refused naming the clause, nothing written ----
expect_rc "48-year-old non-graduate at an enterprise refused" 1 \
  $J placement start --program P13 --person "$OLD" --host $ENT --start 2024-03-01
expect_contains "names the clause" "P13 二(一)" "$(cat "$T/stderr")"
expect_contains "names the host rule" "实习单位须登记为机关事业单位" "$(cat "$T/stderr")"
expect_rc "at a public body: still not a graduate" 1 \
  $J placement start --program P13 --person "$OLD" --host $GOV --start 2024-03-01
expect_contains "names the graduate rule" "实习对象须为高校毕业生" "$(cat "$T/stderr")"
expect_rc "a graduate of 2019: not within 2 years" 1 \
  $J placement start --program P13 --person "$GRAD19" --host $GOV --start 2024-03-01
expect_contains "names the 2-year rule" "离校2年内" "$(cat "$T/stderr")"
expect_out "no placement written" "0" 0 count placements
expect_out "no case written" "0" 0 count cases

# a graduate of 2023 at a public body: placed, with the facts the registry gave
out=$($J placement start --program P13 --person "$GRAD" --host $GOV --start 2024-03-01 --end 2024-08-31)
expect_contains "graduate placed" '"status":"active"' "$out"
A=$(jf "$out" id)
c=$($J case show "$(jf "$out" case_id)")
expect_contains "the placement's case approved" '"state":"active"' "$c"
expect_contains "intake decided eligible" '"decision":"eligible"' "$c"
expect_contains "facts: intake" '"claim":"intake"' "$c"
expect_contains "facts: host kinds" '"host_kinds":["public_body"]' "$c"
expect_contains "facts: graduate" '"graduate":true' "$c"
expect_contains "facts: years since leaving school" '"graduation_years":1' "$c"
expect_contains "facts: age on the start date" '"age":22' "$c"
# one internship each (P13 二(一)), also after the first one ended
$J placement end "$A" --date 2024-03-29 --reason "本人找到工作" >/dev/null || fail "end A"
expect_rc "a second internship refused" 1 $J placement start --program P13 --person "$GRAD" --host $GOV --start 2024-05-06
expect_contains "names the once-only rule" "每名高校毕业生只能参加一次实习" "$(cat "$T/stderr")"

# nothing on record: held for review, the case waits, no placement yet
n0=$(count placements)
out=$($J placement start --program P13 --person "$UNKNOWN" --host $GOV --start 2024-03-01 2>"$T/held.err") || fail "held start exited $?"
expect_contains "held" '"status":"held"' "$out"
expect_contains "needs review" '"decision":"needs_review"' "$out"
expect_contains "names the missing fact" "缺少事实 graduate" "$out"
expect_contains "stderr says so" "held for review" "$(cat "$T/held.err")"
H=$(jf "$out" case_id)
expect_out "no placement while held" "$n0" 0 count placements
expect_out "the case waits" "filed" 0 jf "$($J case show "$H")" state
expect_contains "the case names the clause" "P13 二(一)" "$($J case show "$H")"
expect_rc "attendance needs a placement" 1 $J attendance set 999 2024-03 --duty 5
# the reviewer checks the papers and approves: the placement starts
$J --as admin user add admin --role admin >/dev/null
$J --as admin user add rev --role county_reviewer --area 640522 >/dev/null
$J --as admin user add town --role township_staff --area 640522 >/dev/null
expect_rc "approval needs a reason" 1 $J --as rev placement approve "$H"
expect_rc "approval is a county reviewer's" 1 $J --as town placement approve "$H" --reason x
out=$($J --as rev placement approve "$H" --reason "毕业证已核：2023届本科" --date 2024-03-04)
expect_contains "approved: in post" '"status":"active"' "$out"
expect_contains "from its start" '"start":"2024-03-01"' "$out"
expect_out "the case is active" "active" 0 jf "$($J --as rev case show "$H")" state
expect_rc "approved once" 1 $J --as rev placement approve "$H" --reason again
# a held start may also be rejected: no placement
expect_rc "unregistered person refused" 1 $J --as rev placement start --program P13 --person "$(idc 20010101 7)" --host $GOV --start 2024-03-01
expect_contains "names the person" "is not registered" "$(cat "$T/stderr")"
OTHER=$(idc 20010101 8)
$J --as rev person add --idcard "$OTHER" --name 赵未知 --hukou-division 640522105 >/dev/null || fail "other"
out=$($J --as rev placement start --program P13 --person "$OTHER" --host $GOV --start 2024-03-01 2>/dev/null)
R=$(jf "$out" case_id)
$J --as rev case reject "$R" --reason "无毕业证" --date 2024-03-05 >/dev/null || fail "reject held"
expect_out "rejected: no placement of that person" "0" 0 sql "SELECT count(*) FROM placements p JOIN persons pe ON pe.id = p.person_id WHERE pe.idcard = '$OTHER'"
expect_rc "a rejected case is not approved" 1 $J --as rev placement approve "$R" --reason x

# ---- P14: graduates within 2 years or registered unemployed aged 16-24 ----
expect_rc "P14: a 48-year-old non-graduate refused" 1 $J --as rev placement start --program P14 --person "$OLD" --host $BASE --start 2024-03-01
expect_contains "P14 names the clause" "P14 二(一)1" "$(cat "$T/stderr")"
out=$($J --as rev placement start --program P14 --person "$YOUTH" --host $BASE --start 2024-03-01)
expect_contains "P14: registered unemployed aged 19 placed" '"status":"active"' "$out"

# ---- P10: enrolled students of Haiyuan, once ----
out=$($J --as rev placement start --program P10 --person "$STUDENT" --host $ENT --start 2024-07-01 --end 2024-07-31)
expect_contains "P10 student placed" '"status":"active"' "$out"
expect_rc "P10 once" 1 $J --as rev placement start --program P10 --person "$STUDENT" --host $ENT --start 2024-08-01 --end 2024-08-31
expect_contains "P10 names the once rule" "P10 三" "$(cat "$T/stderr")"

# ---- P12: fresh graduates at township units ----
expect_rc "P12 at an enterprise refused" 1 $J --as rev placement start --program P12 --person "$GRAD" --host $ENT --start 2024-03-01 --new-recruit
expect_contains "P12 names the clause" "P12 二(三)" "$(cat "$T/stderr")"

# ---- P24: 16 to pension age, registered unemployed ----
out=$($J --as rev placement start --program P24 --person "$OLD" --host $GOV --start 2024-03-01)
expect_contains "P24: a 48-year-old registered unemployed placed" '"status":"active"' "$out"
expect_rc "P24: not registered unemployed" 0 $J --as rev placement start --program P24 --person "$GRAD19" --host $GOV --start 2024-03-01
expect_contains "P24 without 登记失业: held" '"status":"held"' "$(cat "$T/stdout")"
expect_contains "P24 names the fact" "缺少事实 registered_unemployed" "$(cat "$T/stdout")"

expect_rc "audit chain intact" 0 $J audit verify
finish
