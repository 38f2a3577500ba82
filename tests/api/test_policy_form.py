"""One programme's form for the filing pages (issue 12 item 2): GET /api/v1/policy/programs/{P}/form
gives the facts the programme's rules use (type, values, range), its clauses, its parameters with
their periods, and its scoring form (评分表) from policy/scoring-forms.tsv; 404 for an unknown
programme; 403 without policy.read. POST /api/v1/cases names the fact a filing's 422 is about
(field "facts.NAME"), so a page can put the message beside that fact's input."""
from apilib import *

cli("demo", "--persons", "120", "--orgs", "20", "--year-cases", "small")
sec = add_user("pf-sec", "security", area="", admin="cli")
rev = add_user("pf-rev", "county_reviewer", area="640522", admin="pf-sec")
aud = add_user("pf-aud", "auditor", area="", admin="pf-sec")

with Server() as srv:
    r = Client(srv).login(rev)
    st, f = r.call("GET", "/api/v1/policy/programs/P16/form", expect=200)
    names = [x["name"] for x in f["facts"]]
    check(f["program"] == "P16" and f["title"] == "农民工返乡创业基地", "title: %r" % f["title"])
    for n in ("score", "veto", "years_running", "businesses", "jobs", "migrant_share", "investment"):
        check(n in names, "P16 uses %s: %r" % (n, names))
    check("hours_total" not in names and "monthly_income" not in names, "facts of other programmes: %r" % names)
    yr = [x for x in f["facts"] if x["name"] == "years_running"][0]
    check(yr["type"] == "int" and yr["min"] == "0" and yr["max"] == "100", "years_running range: %r" % yr)
    check(any(c["id"] == "P16 四" and "60分以上合格" in c["text"] for c in f["clauses"]), "clause P16 四: %r" % f["clauses"])
    check(all(c["id"] != "P16" for c in f["clauses"]), "the programme itself is not one of its clauses")
    aw = [p for p in f["params"] if p["name"] == "p16.award"]
    check(aw and aw[0]["periods"][0]["value"] == "500000.00元" and aw[0]["clause"] == "P16 五", "p16.award: %r" % aw)
    s = f["scoring"]
    check(s["form"] == "5-16-2" and len(s["items"]) == 13 and sum(i["max"] for i in s["items"]) == 100,
          "form 5-16-2: 13 items, 100 points: %r" % s)
    check(len(s["veto_items"]) == 2 and s["bonus_items"] == [], "P16 veto items: %r" % s["veto_items"])
    st, f18 = r.call("GET", "/api/v1/policy/programs/P18/form", expect=200)
    s18 = f18["scoring"]
    check(len(s18["items"]) == 10 and sum(i["max"] for i in s18["items"]) == 100 and s18["bonus_items"][0]["max"] == 20
          and len(s18["veto_items"]) == 4, "P18 form 5-18-2: %r" % s18)
    # an enum fact lists its values; a programme without a scoring form has null
    st, f1 = r.call("GET", "/api/v1/policy/programs/P1/form", expect=200)
    ex = [x for x in f1["facts"] if x["name"] == "exam"][0]
    check(ex["type"] == "enum" and ex["values"] == ["pass", "fail", "absent"], "exam: %r" % ex)
    check(f1["scoring"] is None, "P1 has no scoring form")
    check(any(p["name"] == "p1.level5" for p in f1["params"]), "P1 params: %r" % f1["params"])
    r.call("GET", "/api/v1/policy/programs/P99/form", expect=404)
    # every programme of the rules answers
    st, progs = r.call("GET", "/api/v1/policy/programs", expect=200)
    for p in progs["programs"]:
        r.call("GET", "/api/v1/policy/programs/%s/form" % p["program"], expect=200)
    a = Client(srv, r.api).login(aud)
    a.call("GET", "/api/v1/policy/programs/P16/form", expect=403)

    # a filing's refusal names the fact
    st, orgs = r.call("GET", "/api/v1/orgs?limit=1", expect=200)
    oid = orgs["items"][0]["id"]
    base = {"program": "P16", "kind": "org_award", "org_id": oid, "date": "2024-06-03"}
    st, e = r.call("POST", "/api/v1/cases", dict(base, facts={"years_running": 500}), expect=422)
    check(e["error"]["field"] == "facts.years_running" and "500" in e["error"]["message"], "out of range: %r" % e)
    st, e = r.call("POST", "/api/v1/cases", dict(base, facts={"investmnt": "5"}), expect=422)
    check(e["error"]["field"] == "facts.investmnt" and "investment" in e["error"]["message"], "unknown fact: %r" % e)
    st, e = r.call("POST", "/api/v1/cases", dict(base, facts={"score_items": [{"item": "a", "score": 30, "max": 20}]}),
                   expect=422)
    check(e["error"]["field"].startswith("facts"), "score above its max: %r" % e)
    st, e = r.call("POST", "/api/v1/cases", dict(base, facts="x"), expect=422)
    check(e["error"]["field"] == "facts", "facts not an object: %r" % e)
    # a scoring form with a veto item: filed, and refused by the rules naming the clause
    st, c = r.call("POST", "/api/v1/cases", dict(base, facts={
        "score_items": [{"item": x["item"], "score": x["max"], "max": x["max"]} for x in s["items"]],
        "veto_items": [s["veto_items"][0]["item"]]}), expect=201)
    check(c["facts"]["score"] == 100 and c["facts"]["veto"] is True and c["decision"] == "ineligible"
          and any(x["text"] == "存在否决项" for x in c["reasons"]), "veto: %r" % c)

finish()
