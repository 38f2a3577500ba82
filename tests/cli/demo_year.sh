#!/usr/bin/env bash
# jiuye demo --year-cases small: the demo year on a fresh database (either backend) gives every
# programme cases; achievements for each programme's targets (P18 excepted: its policy always
# asks a person to review); the budget shows committed and paid money; the books and the audit
# chain check; the same seed gives the same reports.
source "$JY_SOURCE_DIR/tests/lib.sh"
J=$JIUYE
export JIUYE_TODAY=2024-12-31

run_demo() { # DB: a small demo year; prints the summary
  "$J" --db "$1" demo --persons 2500 --orgs 100 --seed 11 --year-cases small
}
out=$(run_demo "$JIUYE_DB") || fail "demo year: $out"
python3 - "$out" >"$T/sum.txt" 2>&1 <<'PY' || fail "summary: $(cat "$T/sum.txt")"
import json, sys
s = json.loads(sys.argv[1])["year"]
missing = [p for p, n in s["cases_by_program"].items() if n == 0]
assert not missing, "programmes without cases: %s" % missing
assert len(s["cases_by_program"]) == 26
assert s["users"] > 5 and s["placements"] > 0 and s["payroll_runs"] > 0, s
assert s["payables"] > 0 and s["batches"] > 0 and s["paid_lines"] > 0, s
assert s["rejected"] > 0 and s["recognised"] > 0 and s["held_for_review"] > 0, s
# issue 14: the county's own budget lines (P1 general track, P4): nothing refused as over budget;
# the review sent back a class whose application had no teachers
assert s["over_budget"] == 0, "over budget: %r" % s["over_budget"]
assert s["classes_returned"] >= 1, s
print("ok", s["cases"])
PY

# ---- issue 14 item 3: the demo's classes carry their teachers, site, plan and documents, and the
# review checks them: the class sent back names the missing teacher and the clause
$J case list --program P1 --kind training_class --limit 0 >"$T/classes.jsonl" || fail "class list"
python3 - "$T/classes.jsonl" >"$T/cls.txt" 2>&1 <<'PY' || fail "classes: $(cat "$T/cls.txt")"
import json, sys
cs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
full = [c for c in cs if c["state"] != "rejected"]
assert full, "no classes"
for c in full:
    f = c["facts"]
    assert f.get("teachers") and all(t.get("certificate") for t in f["teachers"]), c["id"]
    assert f.get("site") and f.get("schedule") and len(f.get("documents", [])) == 5, c["id"]
    assert sum(x["hours"] for x in f["schedule"]) == f["hours_total"], c["id"]
back = [c for c in cs if c["state"] == "rejected" and "teachers" not in c["facts"]]
assert back, "no class sent back"
assert any(r["clause"] == "P1 八(四)" and "开班申请缺少 teachers（授课教师）" in r["text"] for r in back[0]["reasons"]), back[0]["reasons"]
print("ok", len(full), back[0]["id"])
PY
back=$(awk '{print $3}' "$T/cls.txt")
hist=$($J case show "$back")
expect_contains "the review's refusal is the reason it was sent back" '"step":"reject","from":"filed","to":"rejected"' "$hist"
expect_contains "…naming the missing teacher and the clause" '开班申请不完整（P1 八(四)），不能执行 county_approve，可执行：reject（退回补正后重新申报）。开班申请缺少 teachers（授课教师）' "$hist"
# a class filed now without its teachers: the demo county's reviewer does not approve it
body=$($J case show "$back" | python3 -c 'import json,sys; print(json.load(sys.stdin)["org_id"])')
uscc=$($J org show "$body" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["uscc"])' 2>/dev/null)
if [ -n "$uscc" ]; then
  nt=$($J --as county-reviewer case file --program P1 --kind training_class --org "$uscc" --date 2024-10-08 \
       --facts '{"occupation":"中式烹调师","level":5,"planned_trainees":30,"hours_total":160,"hours_practical":110,"site":"海城镇","start":"2024-10-14","end":"2024-11-29"}' | sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
  expect_rc "the demo review refuses a class without teachers" 1 env JIUYE_LANG=zh $J --as county-reviewer case approve "$nt" --reason 开班审核 --date 2024-10-09
  expect_contains "names the teacher and P1 八(四)" '开班申请不完整（P1 八(四)），不能执行 county_approve，可执行：reject（退回补正后重新申报）。开班申请缺少 teachers（授课教师）' "$(cat "$T/stderr")"
else
  fail "the training body of class $back"
fi
# P4 projects carry their form 5-4-1
p4f=$($J case list --program P4 --kind project --limit 1)
for k in '"teachers":[' '"sites":[' '"equipment":[' '"examiners":[' '"budget_lines":[' '"question_bank":{' '"schedule":[' '"documents":['; do
  expect_contains "P4 form: $k" "$k" "$p4f"
done
# ---- the demo year pays P1's general training: its line funds it, and its claims are paid
$J ledger show P1 >"$T/p1lines.jsonl" || fail "ledger show P1"
expect_contains "P1's central line funds the general track" '"source":"central","source_label":"中央","budget":"20000000.00"' "$(cat "$T/p1lines.jsonl")"
expect_contains "…with its clause" '"tracks":"gouqi,driver,general","tracks_clause":"P1 六(一)3；六(三) 示范项目资金（县定额度）"' "$(cat "$T/p1lines.jsonl")"
$J ledger payables --program P1 --limit 0 >"$T/p1pay.jsonl" || fail "P1 payables"
python3 - "$T/p1pay.jsonl" >"$T/p1p.txt" 2>&1 <<'PY' || fail "P1 general paid: $(cat "$T/p1p.txt")"
import json, sys
ps = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
gen = [p for p in ps if p.get("track", "") in ("", "general") and p["status"] == "paid"]
assert gen, "no P1 general-track claim paid: %r" % ps[:3]
print("ok", len(gen))
PY
expect_contains "P4 has its line" '"program":"P4","year":2024,"source":"central"' "$($J ledger show)"

# the workflow commits a case's one-off amount once: no case holds two live one-off payables
$J ledger payables --limit 0 >"$T/payables.jsonl" || fail "ledger payables"
python3 - "$T/payables.jsonl" >"$T/pay.txt" 2>&1 <<'PY' || fail "payables: $(cat "$T/pay.txt")"
import json, sys, collections
live = collections.Counter()
for line in open(sys.argv[1]):
    p = json.loads(line)
    if p.get("case_id") and p["month"] == "" and p["status"] != "cancelled":
        live[p["case_id"]] += 1
twice = {c: n for c, n in live.items() if n > 1}
assert live and not twice, "cases committed more than once: %s" % twice
print("ok", len(live))
PY

# every programme achieved something over the period (P18: needs_review by policy, filed only)
$J report targets >"$T/t1.json" || fail "report targets"
python3 - "$T/t1.json" >"$T/tg.txt" 2>&1 <<'PY' || fail "targets: $(cat "$T/tg.txt")"
import json, sys, collections
rep = json.load(open(sys.argv[1]))
ach, filed = collections.Counter(), collections.Counter()
for r in rep["rows"]:
    if r["subtarget"] == "" and r["achieved"] is not None:
        ach[r["program"]] += r["achieved"]; filed[r["program"]] += r["filed"] or 0
bad = [p for p in ("P%d" % i for i in range(1, 27)) if p != "P18" and ach[p] == 0]
assert not bad, "no achievement: %s" % bad
assert filed["P18"] > 0
subs = {(r["program"], r["subtarget"]): r["achieved"] for r in rep["rows"] if r["subtarget"]}
assert subs[("P1", "海原司机")] > 0 and subs[("P1", "枸杞技工")] > 0, subs
print("ok")
PY

# money: committed and paid per source
$J report budget >"$T/b1.json" || fail "report budget"
python3 - "$T/b1.json" >"$T/bg.txt" 2>&1 <<'PY' || fail "budget: $(cat "$T/bg.txt")"
import json, sys
t = json.load(open(sys.argv[1]))["total"]
assert float(t["committed"]) > 0 and float(t["paid"]) > 0, t
print("ok")
PY
expect_rc "ledger check" 0 $J ledger check
expect_rc "audit verify" 0 $J audit verify
expect_rc "publicity report" 0 $J report publicity --program P25 --state recognised
p4=$($J case list --program P4 --kind project --limit 1 | sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
[ -n "$p4" ] || fail "no P4 project"
expect_rc "P4 acceptance" 0 $J report p4-acceptance "$p4"

# deterministic: a second database, the same seed, the same reports
db2=$(jy_fresh_db)
run_demo "$db2" >/dev/null || fail "second demo"
$J --db "$db2" report targets >"$T/t2.json" || fail "targets 2"
$J --db "$db2" report budget >"$T/b2.json" || fail "budget 2"
expect_rc "targets identical" 0 cmp "$T/t1.json" "$T/t2.json"
expect_rc "budget identical" 0 cmp "$T/b1.json" "$T/b2.json"
finish
