"""The rules over HTTP (issue 11): the programme list, a decision from given facts with its
clauses (the same as `jiuye policy eval`), the explanation, and 422 naming the field for an
unknown programme, a date that does not exist or facts that are not an object."""
from apilib import *

admin = add_user("api-admin", "admin", area="")
rev = add_user("api-rev", "county_reviewer", area="640522", admin="api-admin")

with Server() as srv:
    c = Client(srv).login(rev)
    st, d = c.call("GET", "/api/v1/policy/programs", expect=200)
    check(len(d["programs"]) == 26, "programmes: %d" % len(d["programs"]))
    case = {"program": "P1", "date": "2024-05-01", "facts": {"certificate": "level5"}}
    st, d = c.call("POST", "/api/v1/policy/eval", case, expect=200)
    _, out, _ = cli("policy", "eval", stdin=json.dumps(case, ensure_ascii=False) + "\n")
    same = json.loads(out.splitlines()[0])
    check(d["decision"] == same["decision"] and d.get("amount") == same.get("amount"),
          "API %s %s vs CLI %s %s" % (d["decision"], d.get("amount"), same["decision"], same.get("amount")))
    check(d["decision"] == "eligible" and d["amount"] == "1000.00", "P1 level5: %r" % d)
    check(any(r["clause"].startswith("P1") for r in d["reasons"]), "no clauses in the reasons")
    st, d = c.call("POST", "/api/v1/policy/explain", case, expect=200)
    check(d["explanation"] and d["decision"]["decision"] == "eligible", "explain: %r" % d)
    st, d = c.call("POST", "/api/v1/policy/eval", dict(case, program="P99"), expect=422)
    st, d = c.call("POST", "/api/v1/policy/eval", dict(case, date="2024-02-30"), expect=422)
    check(d["error"]["field"] == "date", "bad date field: %r" % d["error"])
    c.call("POST", "/api/v1/policy/eval", dict(case, facts=[1, 2]), expect=422)
    c.call("POST", "/api/v1/policy/eval", {"program": "P1"}, expect=422)

finish()
