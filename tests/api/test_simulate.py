"""Budget simulation over HTTP (issue 14 item 4): POST /api/v1/policy/simulate gives the same report
as `jiuye policy simulate`, 422 naming the field for a bad change, a township user simulates only
their township, and a role without report.read gets 403."""
from apilib import *

cli("demo", "--persons", "300", "--orgs", "40", "--year-cases", "small")
sec = add_user("sim-sec", "security", area="", admin="cli")
rev = add_user("sim-rev", "county_reviewer", area="640522", admin="sim-sec")
twn = add_user("sim-twn", "township_staff", area="640522100", admin="sim-sec")
aud = add_user("sim-aud", "auditor", area="", admin="sim-sec")
CHANGE = "p1.level5=1200元 from 2024-01-01"

with Server() as srv:
    r = Client(srv).login(rev)
    st, d = r.call("POST", "/api/v1/policy/simulate", {"set": [CHANGE], "cases": True}, expect=200)
    _, out, _ = cli("policy", "simulate", "--set", CHANGE, "--county", "640522", "--cases")
    same = json.loads(out)
    check(d["totals"] == same["totals"], "API totals %r vs CLI %r" % (d["totals"], same["totals"]))
    check(d["changed"] == same["changed"] and d["changed"] > 0, "changed: API %d, CLI %d" % (d["changed"], same["changed"]))
    check(d["changed_rows"] == same["changed_rows"], "changed rows differ")
    check(d["money"] == same["money"] and d["budget_lines"] == same["budget_lines"], "money or budget lines differ")
    check(d["totals"]["committed_difference"] != "0.00", "no money moved: %r" % d["totals"])
    # a period and a programme
    st, y = r.call("POST", "/api/v1/policy/simulate",
                   {"set": [CHANGE], "from": "2024-01-01", "to": "2024-12-31", "program": "P1"}, expect=200)
    check(y["rows"] < d["rows"] and all(x["program"] == "P1" for x in y["decisions"]), "period/programme: %r" % y["rows"])
    # bad changes: 422 naming the field
    for bad in (["p99.nothing=5"], ["p1.level5=abc"], ["p13.monthly=1800元 from 2024-02-30"], ["no-equals"],
                ["p13.monthly=1800元 from 2025-06-01"], [], "p1.level5=1200元", [5]):
        st, e = r.call("POST", "/api/v1/policy/simulate", {"set": bad}, expect=422)
        check(e["error"]["field"] == "set", "bad set %r: %r" % (bad, e["error"]))
    st, e = r.call("POST", "/api/v1/policy/simulate", {"set": [CHANGE], "to": "2024-13-01"}, expect=422)
    check(e["error"]["field"] == "to", "bad to: %r" % e["error"])
    st, e = r.call("POST", "/api/v1/policy/simulate", {"set": [CHANGE], "colour": "red"}, expect=422)
    st, e = r.call("POST", "/api/v1/policy/simulate", {"set": [CHANGE], "county": "640104"}, expect=422)
    check(e["error"]["field"] == "county", "county outside: %r" % e["error"])
    # a township user: their township only
    t = Client(srv, r.api).login(twn)
    st, w = t.call("POST", "/api/v1/policy/simulate", {"set": [CHANGE]}, expect=200)
    check(w["area"] == "640522100" and 0 < w["rows"] < d["rows"], "township: area %r rows %d" % (w["area"], w["rows"]))
    check(all(x["township"].startswith("640522100") for x in w["decisions"]), "another township in the answer")
    st, e = t.call("POST", "/api/v1/policy/simulate", {"set": [CHANGE], "area": "640522101"}, expect=422)
    check(e["error"]["field"] == "area", "area outside: %r" % e["error"])
    # a role without report.read
    a = Client(srv, r.api).login(aud)
    a.call("POST", "/api/v1/policy/simulate", {"set": [CHANGE]}, expect=403)
    # nothing was written: the ledger and the cases are as before
    _, out2, _ = cli("policy", "simulate", "--set", CHANGE, "--county", "640522", "--cases")
    check(json.loads(out2)["totals"] == same["totals"], "the store changed under the simulation")

finish()
