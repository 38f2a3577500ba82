"""Checks `jiuye policy simulate` against an independent re-decision (tests/cli/policy_simulate.sh).

argv: POLICY_DIR WORK_DIR; env: JIUYE, JIUYE_DB (SQLite path or postgresql:// URL), JY_BACKEND."""
import json, os, re, shutil, subprocess, sys

POLICY, WORK = sys.argv[1], sys.argv[2]
JIUYE, DB = os.environ["JIUYE"], os.environ["JIUYE_DB"]
PG = os.environ.get("JY_BACKEND") == "postgresql"
fails = 0


def fail(msg):
    global fails
    fails += 1
    print("FAIL:", msg, file=sys.stderr)


def query(sql):
    """Rows of sql as lists of text (NULL → None) on the backend under test."""
    if PG:
        out = subprocess.run(["psql", DB, "-qAt", "-F", "\x1f", "-R", "\x1e", "-P", "null=\x15", "-c", sql],
                             capture_output=True, text=True, check=True).stdout
        rows = [r for r in out.split("\x1e") if r.strip("\n")]
        return [[None if c == "\x15" else c for c in r.strip("\n").split("\x1f")] for r in rows]
    import sqlite3
    con = sqlite3.connect(DB)
    rows = [[None if c is None else str(c) for c in r] for r in con.execute(sql)]
    con.close()
    return rows


def snapshot():
    if PG:
        tables = [r[0] for r in query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                                      "AND table_type = 'BASE TABLE' ORDER BY 1")]
    else:
        tables = [r[0] for r in query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")]
    counts = {t: query("SELECT COUNT(*) FROM %s" % t)[0][0] for t in tables}
    head = query("SELECT seq, encode(hash, 'hex') FROM audit_log ORDER BY seq DESC LIMIT 1" if PG else
                 "SELECT seq, hex(hash) FROM audit_log ORDER BY seq DESC LIMIT 1")
    return counts, head


def jiuye(*args, stdin=None, policy=POLICY):
    p = subprocess.run([JIUYE, "--policy", policy] + list(args), input=stdin, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def fen(s):
    if s is None:
        return 0
    neg = s.startswith("-")
    s = s.lstrip("-")
    y, _, f = s.partition(".")
    v = int(y) * 100 + int((f + "00")[:2])
    return -v if neg else v


# ---- the changed rules, edited here (not by the code under test)
MOD = os.path.join(WORK, "policy-mod")
shutil.copytree(POLICY, MOD)
p1 = os.path.join(MOD, "p01-key-industry-training.rules")
t = open(p1, encoding="utf-8").read()
t, n = re.subn(r'^param p1\.level5 money "P1 六\(一\)1" 1000元$',
               'param p1.level5 money "P1 六(一)1"\n  from 1900-01-01 to 2023-12-31 1000元\n  from 2024-01-01 1200元\nend',
               t, flags=re.M)
assert n == 1, "p1.level5 not found in the rules"
open(p1, "w", encoding="utf-8").write(t)
p13 = os.path.join(MOD, "p13-internship.rules")
t = open(p13, encoding="utf-8").read()
t, n = re.subn(r"from 2023-09-01 to 2024-12-10 1750元",
               "from 2023-09-01 to 2023-12-31 1750元\n  from 2024-01-01 to 2024-12-10 1800元", t)
assert n == 1, "p13.monthly's period not found"
open(p13, "w", encoding="utf-8").write(t)

# the names `policy eval` takes: the declared facts and the compound inputs (the case service also
# passes its form fields, which the engine ignores: drop them here)
_, facts_md, _ = jiuye("policy", "facts")
KNOWN = set(re.findall(r"^\| `([a-z0-9_]+)` \|", facts_md, flags=re.M)) | {"occupation", "prior_trainings"}
assert len(KNOWN) > 50, facts_md[:200]


def engine_facts(f):
    return {k: v for k, v in f.items() if k in KNOWN}


# ---- the rows, as stored
rows = []
for cid, prog, kind, filed, facts, conflicts in query(
        "SELECT id, program, kind, CAST(filed_on AS TEXT), facts, conflicts FROM cases "
        "WHERE county = '640522' AND kind <> 'training_class' ORDER BY id"):
    f = json.loads(facts)
    if isinstance(f.get("teachers"), list):
        f["teachers"] = len(f["teachers"])
    c = json.loads(conflicts or "[]")
    rows.append({"key": "case %s" % cid, "program": prog, "date": filed, "facts": f,
                 "hard": any(x.get("hard") is True for x in c), "soft": any(x.get("hard") is False for x in c)})
for lid, prog, claim, month, updated, facts in query(
        "SELECT l.id, r.program, l.claim, r.month, l.updated_at, l.facts FROM payroll_lines l "
        "JOIN payroll_runs r ON r.id = l.run_id WHERE l.county = '640522' AND l.status <> 'cancelled' ORDER BY l.id"):
    f = json.loads(facts)
    if claim != "monthly":
        f = dict({"claim": claim, "claim_date": updated[:10]}, **f)
    rows.append({"key": "payroll_line %s" % lid, "program": prog, "date": month + "-01", "facts": f,
                 "hard": False, "soft": False})
if len(rows) < 100:
    fail("the demo year has only %d rows" % len(rows))


def decide(policy):
    lines = "".join(json.dumps({"id": r["key"], "program": r["program"], "date": r["date"],
                                "facts": engine_facts(r["facts"])},
                               ensure_ascii=False) + "\n" for r in rows)
    rc, out, err = jiuye("policy", "eval", "--no-reasons", stdin=lines, policy=policy)
    assert rc == 0, err
    res = {}
    for line, r in zip(out.splitlines(), rows):
        d = json.loads(line)
        assert d["id"] == r["key"], (d, r["key"])
        assert "error" not in d, d
        o = d.get("decision", "needs_review")
        a = fen(d.get("amount")) if o == "eligible" else 0
        if r["hard"]:
            o, a = "ineligible", 0
        elif r["soft"] and o == "eligible":
            o, a = "needs_review", 0
        res[r["key"]] = (o, a)
    return res


before, after = decide(POLICY), decide(MOD)
want_diff = sum(after[k][1] for k in after) - sum(before[k][1] for k in before)
want_changed = {k for k in before if before[k] != after[k]}
if want_diff <= 0:
    fail("the change moves no money on the demo year (%d fen)" % want_diff)

# ---- the simulation, with the store watched
snap0 = snapshot()
rc, out, err = jiuye("policy", "simulate", "--set", "p1.level5=1200元", "from", "2024-01-01",
                     "--set", "p13.monthly=1800元 from 2024-01-01", "--cases")
snap1 = snapshot()
if rc != 0:
    fail("simulate exited %d: %s" % (rc, err))
    sys.exit(1)
s = json.loads(out)
got_diff = fen(s["totals"]["committed_after"]) - fen(s["totals"]["committed_before"])
if got_diff != want_diff:
    fail("money difference: simulate %d fen, one by one %d fen" % (got_diff, want_diff))
if fen(s["totals"]["committed_difference"]) != want_diff:
    fail("committed_difference %s" % s["totals"]["committed_difference"])
if fen(s["totals"]["committed_before"]) != sum(v[1] for v in before.values()):
    fail("committed before: %s vs %d" % (s["totals"]["committed_before"], sum(v[1] for v in before.values())))
got_changed = {"%s %d" % (r["kind"], r["id"]) for r in s["changed_rows"]}
if got_changed != want_changed:
    fail("changed rows differ: only simulate %s, only one by one %s" %
         (sorted(got_changed - want_changed)[:5], sorted(want_changed - got_changed)[:5]))
if s["rows"] != len(rows):
    fail("rows: simulate %d, stored %d" % (s["rows"], len(rows)))
for r in s["changed_rows"]:
    k = "%s %d" % (r["kind"], r["id"])
    if k in before and (fen(r["amount_before"]), fen(r["amount_after"])) != (before[k][1], after[k][1]):
        fail("%s: simulate %s → %s, one by one %d → %d" % (k, r["amount_before"], r["amount_after"], before[k][1],
                                                           after[k][1]))
        break
# per programme × source × township money adds up to the totals; every change has an example
if sum(fen(m["committed_after"]) for m in s["money"]) != fen(s["totals"]["committed_after"]):
    fail("money rows do not add up to the total after")
if sum(fen(m["to_pay_after"]) for m in s["money"]) != fen(s["totals"]["to_pay_after"]):
    fail("to_pay rows do not add up")
nchg = sum(c["count"] for d in s["decisions"] for c in d["changes"])
if nchg != len(want_changed):
    fail("decision changes counted %d, want %d" % (nchg, len(want_changed)))
for d in s["decisions"]:
    for c in d["changes"]:
        k = "%s %d" % (c["example"]["kind"], c["example"]["id"])
        if k not in want_changed:
            fail("example %s of %s %s did not change" % (k, d["program"], d["township"]))
want_paid = int(query("SELECT COALESCE(SUM(amount - recovered), 0) FROM payables WHERE status = 'paid' AND ("
                      "case_id IN (SELECT id FROM cases WHERE kind <> 'training_class') OR id IN "
                      "(SELECT payable_id FROM payroll_lines WHERE status <> 'cancelled' AND payable_id IS NOT NULL))")[0][0])
if fen(s["totals"]["paid"]) != want_paid or want_paid <= 0:
    fail("paid: simulate %s, payables %d fen" % (s["totals"]["paid"], want_paid))
if not any(b["program"] == "P1" and b["source"] == "central" for b in s["budget_lines"]):
    fail("no P1 central budget line in the report")
if snap0 != snap1:
    fail("the store changed: %r → %r" % (snap0, snap1))

# the repeat without the memo (what a failed check does) gives the same report, and so does the
# engine's reader for every row
for mode in ("retry", "off"):
    env = dict(os.environ, JY_SIM_VERIFY=mode)
    p = subprocess.run([JIUYE, "--policy", POLICY, "policy", "simulate", "--set", "p1.level5=1200元", "from",
                        "2024-01-01", "--set", "p13.monthly=1800元 from 2024-01-01", "--cases"],
                       capture_output=True, text=True, env=env)
    if p.returncode != 0 or json.loads(p.stdout) != s:
        fail("JY_SIM_VERIFY=%s: the report differs (%s)" % (mode, p.stderr[:200]))
# the same change from another rules directory gives the same figures
rc, out2, err = jiuye("policy", "simulate", "--policy-dir", MOD)
if rc != 0:
    fail("simulate --policy-dir: %s" % err)
else:
    s2 = json.loads(out2)
    if s2["totals"] != s["totals"]:
        fail("--policy-dir totals %r vs --set %r" % (s2["totals"], s["totals"]))
# an area and a period narrow the rows
rc, out3, err = jiuye("policy", "simulate", "--set", "p1.level5=1200元 from 2024-01-01", "--year", "2024",
                      "--program", "P1")
s3 = json.loads(out3) if rc == 0 else None
if not s3 or s3["rows"] >= s["rows"] or any(d["program"] != "P1" for d in s3["decisions"]):
    fail("--year 2024 --program P1: %s" % (err or out3[:200]))
elif fen(s3["totals"]["committed_difference"]) != sum(after[k][1] - before[k][1] for k in before
                                                       if k.startswith("case") and
                                                       any(r["key"] == k and r["program"] == "P1" and
                                                           r["date"].startswith("2024") for r in rows)):
    fail("--year 2024 --program P1 difference %s" % s3["totals"]["committed_difference"])
# --area: exactly the township's groups of the whole run (the township is computed from the
# person's 户籍, else the organisation's division, else the county: in C since the read has no joins)
towns = sorted({d["township"] for d in s["decisions"]})
if len(towns) < 2:
    fail("only %d townships in the report: the area check needs two" % len(towns))
for area in towns[:3]:
    rc, out4, err = jiuye("policy", "simulate", "--set", "p1.level5=1200元 from 2024-01-01", "--set",
                          "p13.monthly=1800元 from 2024-01-01", "--area", area)
    s4 = json.loads(out4) if rc == 0 else None
    want = [d for d in s["decisions"] if d["township"].startswith(area)]
    nrows = sum(sum(d["before"].values()) + d["unreadable"] for d in want)
    if not s4 or s4["decisions"] != want or s4["rows"] != nrows:
        fail("--area %s: %s" % (area, err or "rows %s, want %d; groups %d, want %d" %
                                (s4 and s4["rows"], nrows, len(s4["decisions"]) if s4 else -1, len(want))))
print("simulate: %d rows, %d changed, difference %d fen (%s backend)" % (len(rows), len(want_changed), want_diff,
                                                                       "postgresql" if PG else "sqlite"))
sys.exit(1 if fails else 0)
