"""The seed's training names and facts as people give them over HTTP (issue 14): the API decides
through the same case reader as `jiuye policy eval` — a synonym (中式烹调, 海原司机, SYB) is
eligible with the seed's amount, an unknown name goes to review naming it, and an unreadable
level is a 422 naming the fact."""
from apilib import *

admin = add_user("api-admin", "admin", area="")
rev = add_user("api-rev", "county_reviewer", area="640522", admin="api-admin")
T = {"route": "institution", "statuses": [], "exam": "pass", "class_size": 40, "hours_total": 160,
     "hours_practical": 120, "prior_trainings": []}

with Server() as srv:
    c = Client(srv).login(rev)
    for prog, facts, amount in [
            ("P1", dict(T, occupation="中式烹调", level="初级", certificate="初级"), "1000.00"),
            ("P1", dict(T, occupation="海原司机", driving_licence="B2"), "4000.00"),
            ("P1", dict(T, occupation="枸杞研发", certificate="training_pass"), "10000.00"),
            ("P2", dict(T, occupation="SYB创业培训", certificate="培训合格证书"), "1200.00"),
            ("P23", dict(T, occupation="保健按摩", target_group="残疾人", level="中级", certificate="level4"), "1500.00")]:
        case = {"program": prog, "date": "2024-05-01", "facts": facts}
        st, d = c.call("POST", "/api/v1/policy/eval", case, expect=200)
        check(d["decision"] == "eligible" and d["amount"] == amount, "%s %s: %r" % (prog, facts.get("occupation"), d))
        _, out, _ = cli("policy", "eval", stdin=json.dumps(case, ensure_ascii=False) + "\n")
        check(json.loads(out.splitlines()[0])["decision"] == d["decision"], "API and CLI differ for %r" % facts)
    case = {"program": "P1", "date": "2024-05-01", "facts": dict(T, occupation="宇航员", level=5, certificate="level5")}
    st, d = c.call("POST", "/api/v1/policy/eval", case, expect=200)
    check(d["decision"] == "needs_review" and any("“宇航员”" in r["text"] for r in d["reasons"]),
          "unknown name not named: %r" % d)
    st, d = c.call("POST", "/api/v1/policy/explain", case, expect=200)
    check("“宇航员”" in d["explanation"], "explanation does not name the name: %r" % d["explanation"])
    st, d = c.call("POST", "/api/v1/policy/eval",
                   {"program": "P1", "date": "2024-05-01", "facts": dict(T, level="六级")}, expect=422)
    check("fact level" in d["error"]["message"] and "初级" in d["error"]["message"], "level error: %r" % d["error"])

finish()
