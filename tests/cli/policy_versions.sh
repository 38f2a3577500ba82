#!/usr/bin/env bash
# Rule versions (issue 14 item 5; docs/versions.md), through the CLI on a fresh database, on the
# backend under test: the rules directory loaded as version A (loading it again is no new
# version); P1 claims decided under A; a copy of policy/ with P1's level-5 amount raised and the
# class-size limit lowered loaded as version B (applying from 2024-07-01). A case decided under A
# keeps A's decision after B is loaded; a new case dated before B's date is decided under A, one
# dated after under B. `policy diff 1 2` names the two parameters with their clauses and values.
# The re-decision under B lists every changed case — checked against `policy eval` run here on
# each open case's stored facts under B's rules — and only those; a paid and a rejected case
# never change, a case with money committed is listed as held. The commit needs the plan the dry
# run printed and a county reviewer; it writes the listed changes (history step "redecide"),
# and committing again writes nothing. Books and audit chain intact.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
source "$JY_SOURCE_DIR/tests/flow_lib.sh"
POLICY="$JY_SOURCE_DIR/policy"
export JIUYE_POLICY=$POLICY
flow_setup
$J --as admin user add town --role township_staff --area 640522105 >/dev/null || fail "township staff"
$J --as admin ledger budget set P1 2024 central 100000.00 --tracks general --clause "P1 六(三)" >/dev/null ||
  fail "P1 general training budget"
BODY=$(org_add 1 海原县德隆职业培训学校 training_body)
for i in 1 2 3 4 5 6 7; do P[$i]=$(person_add "$i" "学员$i" card); done
# j EXPR: EXPR over the JSON on stdin as d; a tuple prints space-separated
j() { python3 -c 'import json,sys; d=json.load(sys.stdin); v=eval(sys.argv[1]); print(" ".join(map(str, v)) if isinstance(v, tuple) else v)' "$1"; }

# ---- version A: the rules directory as it is ----
out=$($J --as admin policy load "$POLICY" --enacted 2024-01-05 --from 2024-01-01 --note "海政办发〔2024〕1号")
expect_contains "A created" '"created":true' "$out"
expect_contains "A is version 1" '"version":{"id":1,' "$out"
expect_contains "A's dates" '"enacted_on":"2024-01-05","applies_from":"2024-01-01"' "$out"
out=$($J --as admin policy load "$POLICY" --enacted 2024-02-01 --from 2024-02-01)
expect_contains "the same content again: no new version" '"created":false,"version":{"id":1,' "$out"
expect_rc "no dates: refused" 1 $J --as admin policy load "$POLICY"
expect_contains "names the missing date" "--enacted" "$(cat "$T/stderr")"
expect_rc "a county reviewer does not load rules" 1 $J --as rev policy load "$POLICY" --enacted 2024-01-05 --from 2024-01-01
expect_contains "names the role" "载入政策版本" "$(cat "$T/stderr")"

claim() { # claim PERSON DATE LEVEL → the case id
  $J --as body case file --program P1 --kind trainee_claim --org "$BODY" --person "$1" --date "$2" \
    --facts "{\"certificate\":\"level$3\",\"occupation\":\"电工\",\"level\":$3}" | idof
}
x1=$(claim "${P[1]}" 2024-06-03 5) # open, level 5: changes under B
x2=$(claim "${P[2]}" 2024-06-03 4) # open, level 4: B changes nothing for it
x3=$(claim "${P[3]}" 2024-06-03 5) # paid: never changes
x4=$(claim "${P[4]}" 2024-06-03 5) # rejected: never changes
x7=$(claim "${P[7]}" 2024-06-03 5) # recognised, money committed: held
walk() { # approve, publish, recognise (recognition commits the money)
  step county_approved rev 2024-06-04 approve "$1"
  step publicity rev 2024-06-05 publish "$1"
  step recognised rev 2024-06-14 recognise "$1"
}
walk "$x3"
paybatch P1
expect_out "x3 paid" "paid" 0 state "$x3"
walk "$x7" # recognised after the batch: its money stays committed, unpaid
step rejected rev 2024-06-04 reject "$x4"
show() { $J case show "$1"; }
expect_contains "x1 decided under A" '"policy_version":1' "$(show "$x1")"
expect_contains "case show names the version" '"version":{"id":1,' "$(show "$x1")"
expect_contains "x1 1000" '"amount":"1000.00"' "$(show "$x1")"

# ---- version B: P1 level 5 1000 → 1200 (六(一)1), class size 50 → 45 (八(二)) ----
cp -r "$POLICY" "$T/polB"
sed -i 's/^param p1.level5 money "P1 六(一)1" 1000元/param p1.level5 money "P1 六(一)1" 1200元/; s/^param p1.max_class int "P1 八(二)" 50/param p1.max_class int "P1 八(二)" 45/' \
  "$T/polB/p01-key-industry-training.rules"
grep -q 'p1.level5 money "P1 六(一)1" 1200元' "$T/polB/p01-key-industry-training.rules" || fail "B's edit"
out=$($J --as admin policy load "$T/polB" --enacted 2024-06-20 --from 2024-07-01 --note "按调整后的政策执行")
expect_contains "B created as version 2" '"created":true,"version":{"id":2,' "$out"
vers=$($J policy versions)
expect_out "two versions listed" "2 [1, 2] 2024-07-01 admin" 0 j 'len(d["versions"]), [v["id"] for v in d["versions"]], d["versions"][1]["applies_from"], d["versions"][1]["loaded_by"]' <<<"$vers"
expect_contains "the directory is version 1" '"version":1}' "$vers"

# a case decided under A keeps A's decision after B is loaded
expect_contains "x1 still under A" '"policy_version":1' "$(show "$x1")"
expect_contains "x1 still 1000" '"amount":"1000.00"' "$(show "$x1")"
x5=$(claim "${P[5]}" 2024-07-02 5) # after B's date: decided under B
x6=$(claim "${P[6]}" 2024-06-25 5) # before B's date: under A
expect_contains "x5 under B" '"policy_version":2' "$(show "$x5")"
expect_contains "x5 1200" '"amount":"1200.00"' "$(show "$x5")"
expect_contains "x6 under A" '"policy_version":1' "$(show "$x6")"
expect_contains "x6 1000" '"amount":"1000.00"' "$(show "$x6")"

# ---- diff ----
d=$($J policy diff 1 2 --format json)
expect_out "diff: the two parameters" "[('p1.level5', 'P1 六(一)1', '1000元', '1200元'), ('p1.max_class', 'P1 八(二)', '50', '45')]" 0 \
  j '[(p["name"], p["clause"], p["old"], p["new"]) for p in d["parameters"]]' <<<"$d"
expect_out "diff: nothing else" "0 0 0 0 2" 0 j 'len(d["programs"]), len(d["clauses"]), len(d["rules"]), len(d["other_files"]), d["changes"]' <<<"$d"
txt=$($J policy diff 1 2)
expect_contains "readable diff" "p1.level5（P1 六(一)1）：1000元 → 1200元" "$txt"
expect_contains "readable header" "版本 2（发文日期 2024-06-20，施行日期 2024-07-01，按调整后的政策执行）" "$txt"
expect_contains "no change from a version to itself" "两个版本的规则相同" "$($J policy diff 1 1)"
expect_rc "unknown version" 1 $J policy diff 1 9
# version C (from 2025): a clause's text and the rule citing it, a programme removed, a catalogue row added
cp -r "$T/polB" "$T/polC"
sed -i 's/^clause "P10 三" "每人只参加一次"/clause "P10 三" "每人每年只参加一次"/; s/"P10 三" "每人只参加一次实践"/"P10 三" "每人每年只参加一次实践"/' \
  "$T/polC/p10-practice.rules"
rm "$T/polC/p26-staff-training.rules"
printf '测试工种\tlevel\t9-99-99-99\t5-3\ttest\n' >>"$T/polC/occupations.tsv"
out=$($J --as admin policy load "$T/polC" --enacted 2024-12-01 --from 2025-01-01)
expect_contains "C is version 3" '"created":true,"version":{"id":3,' "$out"
d=$($J policy diff 2 3 --format json)
expect_out "diff C: P26 removed" "[('P26', 'removed')]" 0 j '[(p["program"], p["change"]) for p in d["programs"]]' <<<"$d"
expect_out "diff C: the clause's text; P26's clauses removed" "[('P10 三', 'changed', '每人只参加一次', '每人每年只参加一次')] ['P26 一', 'P26 三']" 0 \
  j 'str([(c["clause"], c["change"], c["old"], c["new"]) for c in d["clauses"] if c["change"] != "removed"]) + " " + str([c["clause"] for c in d["clauses"] if c["change"] == "removed" and c["new"] is None])' <<<"$d"
expect_out "diff C: the rule line, removed and added, with its clause" \
  "[('removed', 'P10 三', '每人只参加一次实践'), ('added', 'P10 三', '每人每年只参加一次实践')]" 0 \
  j '[(r["change"], r["clause"], r["line"].split(chr(34))[-2]) for r in d["rules"] if r["file"] == "p10-practice.rules"]' <<<"$d"
expect_out "diff C: P26's rules all removed" "True" 0 \
  j 'all(r["change"] == "removed" for r in d["rules"] if r["file"] == "p26-staff-training.rules") and any(r["file"] == "p26-staff-training.rules" for r in d["rules"])' <<<"$d"
expect_out "diff C: P26's parameters removed" "True" 0 \
  j 'all(p["new"] is None for p in d["parameters"]) and all(p["name"].startswith("p26.") for p in d["parameters"])' <<<"$d"
expect_out "diff C: the catalogue row" "[('occupations.tsv', 'added', '测试工种')]" 0 \
  j '[(r["file"], r["change"], r["line"].split(chr(9))[0]) for r in d["other_files"]]' <<<"$d"
txt=$($J policy diff 2 3)
expect_contains "readable: clause" "P10 三：原文“每人只参加一次” → 新文“每人每年只参加一次”" "$txt"
expect_contains "readable: programme" "删除 P26" "$txt"
expect_contains "readable: file removed" "（整个文件删除）" "$txt"

# ---- re-decision under B: the dry run ----
audit_before=$($J audit list --limit 100000 | wc -l)
dry=$($J --as rev policy redecide --version 2 --program P1)
expect_out "dry run: the changed cases" "[$x1, $x6]" 0 j '[c["case"] for c in d["changed"]]' <<<"$dry"
expect_out "dry run: held (money committed)" "[$x7]" 0 j '[c["case"] for c in d["held"]]' <<<"$dry"
expect_out "x1's change" "eligible 1000.00 eligible 1200.00 1 ['P1 六(一)1']" 0 \
  j '" ".join(str(x) for x in [d["changed"][0][k] for k in ("decision_before","amount_before","decision_after","amount_after","version_before")]) + " " + str(d["changed"][0]["clauses"])' <<<"$dry"
expect_contains "person masked" "\"subject\":\"$(mask_id "${P[1]}")" "$dry"
expect_out "dry run writes nothing" "$audit_before" 0 sh -c "$J audit list --limit 100000 | wc -l"
expect_contains "x1 unchanged by the dry run" '"amount":"1000.00"' "$(show "$x1")"
# every changed case, checked independently: each open P1 case's stored facts through policy eval under B
python3 - "$J" "$T/polB" "$dry" "$x1 $x2 $x5 $x6" <<'PY' || fail "independent re-decision"
import json, subprocess, sys
j, polb, dry, ids = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), [int(x) for x in sys.argv[4].split()]
want = []
for i in ids:
    c = json.loads(subprocess.run([j, "case", "show", str(i)], capture_output=True, text=True, check=True).stdout)
    line = json.dumps({"id": str(i), "program": c["program"], "date": c["filed_on"], "facts": c["facts"]}, ensure_ascii=False)
    r = subprocess.run([j, "--policy", polb, "policy", "eval"], input=line + "\n", capture_output=True, text=True, check=True)
    d = json.loads(r.stdout)
    if (d["decision"], d["amount"]) != (c["decision"], c["amount"]):
        want.append(i)
got = [c["case"] for c in dry["changed"]]
if got != want:
    print("changed cases: dry run %s, policy eval under B %s" % (got, want), file=sys.stderr)
    sys.exit(1)
PY
plan=$(j 'd["plan"]' <<<"$dry")

# ---- commit ----
expect_rc "commit: a wrong plan is refused" 1 $J --as admin policy redecide --version 2 --program P1 --commit 00ff --reviewer rev
expect_contains "says the cases changed" "changed since the dry run" "$(cat "$T/stderr")"
expect_rc "commit: no reviewer" 1 $J --as admin policy redecide --version 2 --program P1 --commit "$plan"
expect_rc "commit: a township officer is no reviewer" 1 $J --as admin policy redecide --version 2 --program P1 --commit "$plan" --reviewer town
expect_rc "commit: a training body may not commit" 1 $J --as body policy redecide --version 2 --program P1 --commit "$plan" --reviewer rev
out=$($J --as admin policy redecide --version 2 --program P1 --commit "$plan" --reviewer rev)
expect_out "committed: two changed, the unchanged restamped" "True False 2 [$x1, $x6]" 0 \
  j 'd["committed"], d["already"], d["changed_count"], [c["case"] for c in d["changed"]]' <<<"$out"
expect_contains "x1 now under B" '"policy_version":2' "$(show "$x1")"
expect_contains "x1 now 1200" '"amount":"1200.00"' "$(show "$x1")"
expect_contains "x1's history says why" '"step":"redecide"' "$(show "$x1")"
expect_contains "and by whom" "按调整后的政策执行：按政策版本 2（施行日期 2024-07-01，按调整后的政策执行）重新审核，复核人 rev" "$(show "$x1")"
expect_contains "x6 now 1200" '"amount":"1200.00"' "$(show "$x6")"
expect_contains "x2 restamped under B" '"policy_version":2' "$(show "$x2")"
expect_contains "x2 still 1500" '"amount":"1500.00"' "$(show "$x2")"
expect_contains "paid x3 never changes" '"policy_version":1' "$(show "$x3")"
expect_contains "paid x3 keeps 1000" '"amount":"1000.00"' "$(show "$x3")"
expect_contains "rejected x4 keeps A" '"policy_version":1' "$(show "$x4")"
expect_contains "held x7 keeps A" '"policy_version":1' "$(show "$x7")"
expect_contains "held x7 keeps 1000" '"amount":"1000.00"' "$(show "$x7")"
# committing again: nothing written
audit_after=$($J audit list --limit 100000 | wc -l)
again=$($J --as admin policy redecide --version 2 --program P1 --commit "$plan" --reviewer rev)
expect_out "again: already, the first commit's figures" "True 2 rev" 0 j 'd["already"], d["changed_count"], d["reviewer"]' <<<"$again"
expect_out "again: no audit entry" "$audit_after" 0 sh -c "$J audit list --limit 100000 | wc -l"
expect_out "dry run after the commit: no change left" "[] [$x7]" 0 j '[c["case"] for c in d["changed"]], [c["case"] for c in d["held"]]' <<<"$($J --as rev policy redecide --version 2 --program P1)"
expect_contains "the re-decision is audited" '"entity":"policy_redecision"' "$($J audit list --limit 100000)"
expect_contains "the load is audited" '"entity":"policy_version"' "$($J audit list --limit 100000)"
# a version that cannot read the open cases' facts (P24 and its fact hukou_urban gone): listed, not changed
cp -r "$T/polB" "$T/polD"
rm "$T/polD/p24-public-welfare.rules"
sed -i '/^fact hukou_urban /d' "$T/polD/facts.rules"
out=$($J --as admin policy load "$T/polD" --enacted 2024-12-05 --from 2025-02-01)
expect_contains "D is version 4" '"created":true,"version":{"id":4,' "$out"
dry=$($J --as rev policy redecide --version 4 --program P1)
expect_out "D: the open cases unreadable, none changed" "$(python3 -c "print(sorted([$x1, $x2, $x5, $x6, $x7]))") [] True" 0 \
  j 'sorted(u["case"] for u in d["unreadable"]), d["changed"], all("hukou_urban" in u["error"] for u in d["unreadable"])' <<<"$dry"
plan=$(j 'd["plan"]' <<<"$dry")
out=$($J --as admin policy redecide --version 4 --program P1 --commit "$plan" --reviewer rev)
expect_contains "D: nothing written to the unreadable" '"policy_version":2' "$(show "$x1")"
books "after the re-decision"
finish
