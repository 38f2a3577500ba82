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
print("ok", s["cases"])
PY

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
