"""Rule versions over HTTP (issue 14 item 5; docs/versions.md): GET /api/v1/policy/versions and
/versions/{a}/diff/{b} answer what `jiuye policy versions|diff` say; POST /versions/{id}/redecide
gives the dry run of `jiuye policy redecide` (the same plan and list), commits it only with that
plan (409 otherwise) for a county reviewer (403 for a township officer), names the signed-in
reviewer, and a second commit is a no-op. Every answer is checked against the OpenAPI schema."""
import os
import re
import shutil

from apilib import *

POLICY = os.environ.get("JIUYE_POLICY") or os.path.join(os.environ["JY_SOURCE_DIR"], "policy")
cli("demo", "--persons", "200", "--orgs", "30", "--year-cases", "small")
sec = add_user("ver-sec", "security", area="", admin="cli")
adm = add_user("ver-adm", "admin", area="", admin="ver-sec")
rev = add_user("ver-rev", "county_reviewer", area="640522", admin="ver-sec")
twn = add_user("ver-twn", "township_staff", area="640522100", admin="ver-sec")

# two open P1 claims of our own, filed after version 2 applies (the demo year's P1 claims of that
# half-year are all paid, committed or undecided, so none would change): level 5, eligible 1000.00
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def idcard(seq, county="640522"):
    b = "%s1987%02d%02d%03d" % (county, 1 + seq // 28 % 12, 1 + seq % 28, 700 + seq % 200)
    return b + "10X98765432"[sum(int(x) * w for x, w in zip(b, W)) % 11]


cli("org", "add", "--uscc", "91640522MA76XYW1X3", "--name", "海原县德隆职业技能培训学校", "--kind", "training_body",
    "--division", "640522100")
for i in (1, 2):
    cli("person", "add", "--idcard", idcard(i), "--name", "版本学员%d" % i, "--hukou-division", "640522105",
        "--hukou-kind", "农村")
    cli("--as", "ver-adm", "case", "file", "--program", "P1", "--kind", "trainee_claim", "--org", "91640522MA76XYW1X3",
        "--person", idcard(i), "--date", "2024-07-15",
        "--facts", '{"certificate":"level5","occupation":"电工","level":5}')

# version 1: policy/; version 2: P1's level-5 amount raised, from 2024-07-01
_, out, _ = cli("--as", "ver-adm", "policy", "load", POLICY, "--enacted", "2024-01-05", "--from", "2024-01-01", "--note", "2024 年实施方案")
check(json.loads(out)["version"]["id"] == 1, "version 1: %s" % out)
polb = os.path.join(tmpdir(), "polB")
shutil.copytree(POLICY, polb)
p1 = os.path.join(polb, "p01-key-industry-training.rules")
text = open(p1, encoding="utf-8").read()
new = re.sub(r'^param p1\.level5 money "P1 六\(一\)1" 1000元', 'param p1.level5 money "P1 六(一)1" 1200元', text, flags=re.M)
check(new != text, "the edit of version 2")
open(p1, "w", encoding="utf-8").write(new)
_, out, _ = cli("--as", "ver-adm", "policy", "load", polb, "--enacted", "2024-06-20", "--from", "2024-07-01", "--note", "按调整后的政策执行")
check(json.loads(out)["version"]["id"] == 2, "version 2: %s" % out)

with Server() as srv:
    r = Client(srv).login(rev)
    st, v = r.call("GET", "/api/v1/policy/versions", expect=200)
    check([x["id"] for x in v["versions"]] == [1, 2], "versions: %r" % v)
    check(v["versions"][1]["applies_from"] == "2024-07-01" and v["versions"][1]["note"] == "按调整后的政策执行", "v2: %r" % v)
    check(v["directory"]["version"] == 1, "the server's directory is version 1: %r" % v["directory"])
    st, d = r.call("GET", "/api/v1/policy/versions/1/diff/2", expect=200)
    check([(p["name"], p["clause"], p["old"], p["new"]) for p in d["parameters"]] == [("p1.level5", "P1 六(一)1", "1000元", "1200元")],
          "diff parameters: %r" % d["parameters"])
    check(d["changes"] == 1 and "p1.level5（P1 六(一)1）：1000元 → 1200元" in d["text"], "diff: %r" % d)
    _, cj, _ = cli("policy", "diff", "1", "2", "--format", "json")
    cj = json.loads(cj)
    check(cj["parameters"] == d["parameters"] and cj["rules"] == d["rules"], "API diff differs from the CLI's")
    r.call("GET", "/api/v1/policy/versions/1/diff/9", expect=404)

    # the dry run: as the CLI's
    st, dry = r.call("POST", "/api/v1/policy/versions/2/redecide", {"program": "P1"}, expect=200)
    _, out, _ = cli("--as", "ver-rev", "policy", "redecide", "--version", "2", "--program", "P1")
    same = json.loads(out)
    check(dry["plan"] == same["plan"] and dry["changed"] == same["changed"], "API dry run differs from the CLI's")
    check(dry["committed"] is False and dry["changed_count"] > 0, "no change to review: %r" % {k: dry[k] for k in ("cases", "unchanged", "changed_count")})
    check(all(c["amount_before"] == "1000.00" and c["amount_after"] == "1200.00" and "P1 六(一)1" in c["clauses"]
              for c in dry["changed"]), "a change that is not 1000 → 1200: %r" % dry["changed"][:3])
    check(all(re.match(r"^\d{6}\*{8}\d{3}[\dX] ", c["subject"]) for c in dry["changed"] if c["subject"][:1].isdigit()),
          "a subject not masked: %r" % [c["subject"] for c in dry["changed"]][:5])
    case_id = dry["changed"][0]["case"]
    st, c = r.call("GET", "/api/v1/cases/%d" % case_id, expect=200)
    check(c["amount"] == "1000.00", "before the commit: %r" % c["amount"])

    # who may: a township officer may not; the body and the plan are checked
    t = Client(srv, r.api).login(twn)
    t.call("POST", "/api/v1/policy/versions/2/redecide", {"program": "P1"}, expect=403)
    st, e = r.call("POST", "/api/v1/policy/versions/2/redecide", {"program": "P1", "commit": True, "plan": "00ff"}, expect=409)
    check(e["error"].get("field") == "plan", "wrong plan: %r" % e["error"])
    st, e = r.call("POST", "/api/v1/policy/versions/2/redecide", {"program": "P1", "commit": True}, expect=422)
    check(e["error"].get("field") == "plan", "no plan: %r" % e["error"])
    r.call("POST", "/api/v1/policy/versions/2/redecide", {"program": "P1", "colour": "red"}, expect=422)
    r.call("POST", "/api/v1/policy/versions/2/redecide", {"county": "640104"}, expect=422)
    r.call("POST", "/api/v1/policy/versions/9/redecide", {}, expect=404)

    # the commit
    st, com = r.call("POST", "/api/v1/policy/versions/2/redecide", {"program": "P1", "commit": True, "plan": dry["plan"]}, expect=200)
    check(com["committed"] is True and com["already"] is False and com["reviewer"] == "ver-rev", "commit: %r" % {k: com.get(k) for k in ("committed", "already", "reviewer")})
    check([x["case"] for x in com["changed"]] == [x["case"] for x in dry["changed"]], "the commit wrote another list")
    st, c = r.call("GET", "/api/v1/cases/%d" % case_id, expect=200)
    check(c["amount"] == "1200.00" and c["version"]["id"] == 2 and c["version"]["applies_from"] == "2024-07-01", "after: %r %r" % (c["amount"], c["version"]))
    check(any(h["step"] == "redecide" and "复核人 ver-rev" in h["reason"] for h in c["history"]), "history: %r" % c["history"][-1])
    st, again = r.call("POST", "/api/v1/policy/versions/2/redecide", {"program": "P1", "commit": True, "plan": dry["plan"]}, expect=200)
    check(again["already"] is True and again["changed_count"] == com["changed_count"], "again: %r" % again)
    st, after = r.call("POST", "/api/v1/policy/versions/2/redecide", {"program": "P1"}, expect=200)
    check(after["changed"] == [], "changes left after the commit: %r" % after["changed"][:3])

finish()
