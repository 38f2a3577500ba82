# Helpers for the end-to-end flow tests (tests/cli/flow_*.sh), sourced after tests/lib.sh and
# tests/ledger_lib.sh: a fresh database with the county's users and budgets, case steps that must
# land in a state, payment through a reviewed batch, and the books/audit checks every test ends
# with. Not a test itself (it lives outside tests/cli/).
J=$JIUYE
export JIUYE_TODAY=2024-12-20
idof() { sed -n 's/^{"id":\([0-9]*\),.*/\1/p'; }
# field NAME: a top-level field of the JSON object on stdin
field() { python3 -c 'import json,sys; v=json.load(sys.stdin).get(sys.argv[1]); print("" if v is None else (json.dumps(v, ensure_ascii=False) if isinstance(v,(list,dict)) else v))' "$1"; }
# uscc SEQ: a valid 统一社会信用代码 (GB 32100) of a Haiyuan enterprise, sequence SEQ.
uscc() {
  python3 - "$1" <<'PY'
import sys
cs = "0123456789ABCDEFGHJKLMNPQRTUWXY"
body = "91640522MA7%06d" % int(sys.argv[1])
w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
s = sum(cs.index(c) * k for c, k in zip(body, w))
print(body + cs[(31 - s % 31) % 31])
PY
}
# flow_setup: init, users (admin, rev county reviewer, city reviewer, body training body,
# acct builds batches and pays them, chief approves them — both finance (财务), as
# policy/workflows.txt's operations block says), and the 2024 budgets from policy/ (loaded by admin).
flow_setup() {
  $J init >/dev/null || fail "init"
  $J --as admin user add admin --role admin >/dev/null
  $J --as admin user add rev --role county_reviewer --area 640522 >/dev/null
  $J --as admin user add city --role city_reviewer --area 6405 >/dev/null
  $J --as admin user add body --role training_body --area 640522 >/dev/null
  $J --as admin user add emp --role employer --area 640522 >/dev/null
  $J --as admin user add acct --role finance --area 640522 >/dev/null
  $J --as admin user add chief --role finance --area 640522 >/dev/null
  $J --as admin ledger budget load --year 2024 >/dev/null || fail "budget load"
}
# org_add SEQ NAME KIND: a registered organisation with a basic account; prints its USCC.
org_add() {
  local u
  u=$(uscc "$1")
  $J org add --uscc "$u" --name "$2" --kind "$3" --bank-name 宁夏黄河农村商业银行 \
     --bank-account "$(luhn 62310000$(printf %06d "$1"))" >/dev/null || fail "org $2"
  echo "$u"
}
# person_add SEQ NAME [card]: a registered person of Haiyuan (rural hukou); with "card", a
# social security card on record. Prints the ID number.
person_add() {
  local p
  p=$(idcard "$1")
  $J person add --idcard "$p" --name "$2" --hukou-division 640522105 --hukou-kind 农村 >/dev/null || fail "person $2"
  [ "${3:-}" = card ] && { $J --as admin ledger card "$p" "$(luhn 6217000010$(printf %06d "$1"))" --bank 宁夏银行 >/dev/null || fail "card $2"; }
  echo "$p"
}
# step STATE ACTOR DATE CASE-ARGS…: a case step that must leave the case in STATE ($LAST: the case)
step() {
  local want=$1 who=$2 d=$3 out
  shift 3
  out=$($J --as "$who" case "$@" --reason "$* by $who" --date "$d" 2>"$T/step.err") || {
    fail "$* on $d: $(cat "$T/step.err")"; return; }
  expect_contains "$* → $want" "\"state\":\"$want\"" "$out"
  LAST=$out
}
# state ID: the case's state
state() { $J case show "$1" | field state; }
# paybatch PROGRAM [--month M]: build (acct), review (chief), export the bank file for payment
# (whole: --unmask by the administrator, logged in the access log; docs/privacy.md), mark paid;
# $BATCH is the build output (with "skipped"), $PAID the mark-paid output.
paybatch() {
  local prog=$1 id
  shift
  BATCH=$($J --as acct batch build --program "$prog" "$@" 2>"$T/batch.err") || { fail "batch build $prog: $(cat "$T/batch.err")"; return; }
  id=$(echo "$BATCH" | idof)
  $J --as chief batch approve "$id" >/dev/null || fail "batch approve $id"
  $J --as admin batch export "$id" --csv "$T/bank-$id.csv" --encoding utf-8-bom --unmask --reason "交银行拨付" >/dev/null || fail "batch export $id"
  PAID=$($J --as acct batch mark-paid "$id") || fail "mark-paid $id"
}
# books LABEL: the ledger balances and the audit chain is intact
books() {
  expect_rc "$1: ledger check" 0 $J ledger check
  expect_rc "$1: audit verify" 0 $J audit verify
}
# committed PROGRAM: the programme's committed total for 2024 (yuan text), paid likewise
committed() { $J report budget --year 2024 --program "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"]["committed"])'; }
paid() { $J report budget --year 2024 --program "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"]["paid"])'; }
