"""A case explained (一案一释, issue 12: the rules browser): POST /api/v1/policy/explain from given
facts and from a stored case {case_id} — the decision, the Chinese trace, and the same as steps:
each fact and parameter read (the parameter's clause and the period the date fell in), each clause
checked with whether it passed, the amount. A stored case is explained with its own facts, filing
date and rule version, only for a user who may read it (another township's staff: 404)."""
from apilib import *

os.environ["JIUYE_TODAY"] = "2024-12-01"
cli("org", "add", "--uscc", "93640522MA7700006Y", "--name", "七营镇张堡村", "--kind", "community",
    "--division", "640522105")
admin = add_user("api-admin", "admin", area="")
rev = add_user("api-rev", "county_reviewer", area="640522", admin="api-admin")
town = add_user("api-town", "township_staff", area="640522105", admin="api-admin")
other_town = add_user("api-town2", "township_staff", area="640522100", admin="api-admin")

with Server() as srv:
    r = Client(srv).login(rev)
    t = Client(srv, r.api).login(town)
    t2 = Client(srv, r.api).login(other_town)

    # given facts: P1 level 5 pays the level's parameter, read with its clause and period
    case = {"program": "P1", "date": "2024-05-01", "facts": {"certificate": "level5"}}
    st, d = r.call("POST", "/api/v1/policy/explain", case, expect=200)
    tr = d["trace"]
    check(tr["program"] == "P1" and tr["date"] == "2024-05-01" and tr["ruleset"], "trace head: %r" % tr)
    kinds = [s["kind"] for s in tr["steps"]]
    check("fact" in kinds and "param" in kinds and "pay" in kinds, "step kinds: %r" % kinds)
    params = [s for s in tr["steps"] if s["kind"] == "param"]
    lvl = [s for s in params if s["name"] == "p1.level5"]
    check(lvl and lvl[0]["value"] == "1000.00元", "p1.level5 read: %r" % params)
    if lvl:
        check(lvl[0]["clause"].startswith("P1") and lvl[0]["clause_text"], "its clause: %r" % lvl[0])
        per = lvl[0]["period"]
        check(per is not None and (per["from"] is None or per["from"] <= "2024-05-01")
              and (per["to"] is None or per["to"] >= "2024-05-01"), "the period holding 2024-05-01: %r" % per)
    pay = [s for s in tr["steps"] if s["kind"] == "pay"]
    check(pay and pay[-1]["amount"] == "1000.00" and pay[-1]["clauses"], "the amount with its clause: %r" % pay)
    checks = [s for s in tr["steps"] if s["kind"] == "check"]
    check(all(isinstance(s["passed"], bool) and s["text"] for s in checks), "checks: %r" % checks)
    check(d["decision"]["decision"] == "eligible" and "1000.00" in d["explanation"], "decision: %r" % d["decision"])

    # a clause checked: P13's leave rule, with whether it held and its clause's text
    st, d = r.call("POST", "/api/v1/policy/explain", {"program": "P13", "date": "2024-05-01", "facts": {"age": 30}},
                   expect=200)
    judged = [s for s in d["trace"]["steps"] if s["kind"] == "check"]
    check(judged and all(isinstance(s["passed"], bool) and s["severity"] in ("fail", "review") and s["clauses"]
                         and s["clauses"][0]["text"] for s in judged), "the clauses checked: %r" % judged)

    # bad bodies: case_id with other keys, not a number, unknown case
    r.call("POST", "/api/v1/policy/explain", {"case_id": 1, "program": "P1"}, expect=422)
    st, e = r.call("POST", "/api/v1/policy/explain", {"case_id": "x"}, expect=422)
    check(e["error"]["field"] == "case_id", "the field named: %r" % e["error"])
    r.call("POST", "/api/v1/policy/explain", {"case_id": 999999}, expect=404)

    # a stored case: the same decision as stored, explained from its own facts and date
    st, c = t.call("POST", "/api/v1/cases", {"program": "P25", "uscc": "93640522MA7700006Y", "date": "2024-09-20",
                                              "facts": {}}, expect=201)
    st, d = t.call("POST", "/api/v1/policy/explain", {"case_id": c["id"]}, expect=200)
    check(d["case_id"] == c["id"] and d["trace"]["program"] == "P25" and d["trace"]["date"] == "2024-09-20",
          "explained case: %r" % d["trace"])
    check(d["decision"]["decision"] == c["decision"] or c["decision"] == "needs_review",
          "explain %s vs stored %s" % (d["decision"]["decision"], c["decision"]))
    pay = [s for s in d["trace"]["steps"] if s["kind"] == "pay"]
    check(pay and pay[0]["clauses"][0]["id"].startswith("P25"), "the award's clause: %r" % d["trace"]["steps"])
    # another township's staff: not found (as GET /cases/{id})
    t2.call("GET", "/api/v1/cases/%d" % c["id"], expect=404)
    t2.call("POST", "/api/v1/policy/explain", {"case_id": c["id"]}, expect=404)

finish()
