"""Cases over HTTP (issue 11): filing as township staff (decision, due date in working days),
the workflow steps with their roles, publicity and objections, idempotent filing, township areas
and ownership, 422 naming the field, the list with filters and pages — the same service as
`jiuye case` (tests/cli/case_award_flow.sh walks the same path on the command line)."""
from apilib import *

os.environ["JIUYE_TODAY"] = "2024-12-01"
cli("org", "add", "--uscc", "93640522MA7700006Y", "--name", "七营镇张堡村", "--kind", "community",
    "--division", "640522105")
cli("org", "add", "--uscc", "91640522MA76XYW1X3", "--name", "海原县德隆职业技能培训学校", "--kind", "training_body",
    "--division", "640522100")
admin = add_user("api-admin", "admin", area="")
rev = add_user("api-rev", "county_reviewer", area="640522", admin="api-admin")
town = add_user("api-town", "township_staff", area="640522105", admin="api-admin")
other_town = add_user("api-town2", "township_staff", area="640522100", admin="api-admin")
_, out, _ = cli("org", "list")
orgs = {json.loads(l)["uscc"]: json.loads(l)["id"] for l in out.splitlines()}
body = add_user("api-body", "training_body", area="640522", org=orgs["91640522MA76XYW1X3"], admin="api-admin")

with Server() as srv:
    t = Client(srv).login(town)
    r = Client(srv, t.api).login(rev)
    t2 = Client(srv, t.api).login(other_town)
    b = Client(srv, t.api).login(body)

    # filing: bad input first
    t.call("POST", "/api/v1/cases", {"program": "P99", "uscc": "93640522MA7700006Y"}, expect=(400, 422))
    t.call("POST", "/api/v1/cases", {"uscc": "93640522MA7700006Y"}, expect=422)
    t.call("POST", "/api/v1/cases", {"program": "P25", "uscc": "93640522MA7700006Y", "date": "2024-02-30"}, expect=422)
    t.call("POST", "/api/v1/cases", {"program": "P25", "uscc": "93640522MA7700006Y", "facts": [1]}, expect=422)
    # another township's staff cannot file for this village
    t2.call("POST", "/api/v1/cases", {"program": "P25", "uscc": "93640522MA7700006Y", "date": "2024-09-20"},
            expect=404)
    filing = {"program": "P25", "uscc": "93640522MA7700006Y", "date": "2024-09-20", "facts": {}}
    st, c = t.call("POST", "/api/v1/cases", filing, expect=201, headers={"Idempotency-Key": "p25-zhangbao-2024"})
    cid = c["id"]
    check(c["state"] == "filed" and c["kind"] == "org_award", "filed: %s %s" % (c["state"], c["kind"]))
    check(c["due_on"] == "2024-10-15", "due across National Day: %r" % c.get("due_on"))
    st, c2 = t.call("POST", "/api/v1/cases", filing, expect=201, headers={"Idempotency-Key": "p25-zhangbao-2024"})
    check(c2["id"] == cid, "idempotent filing made a second case %r" % c2["id"])
    st, lst = r.call("GET", "/api/v1/cases?program=P25", expect=200)
    check([x["id"] for x in lst["items"]] == [cid], "one P25 case after the repeat: %r" % lst["items"])

    # steps: roles and transitions as on the command line
    st, d = t.call("POST", "/api/v1/cases/%d/steps" % cid, {"step": "county_approve", "reason": "看过了",
                                                            "date": "2024-09-25"}, expect=409)
    check("county_reviewer" in d["error"]["message"], "role refusal names the roles: %s" % d["error"]["message"])
    r.call("POST", "/api/v1/cases/%d/steps" % cid, {"step": "recognise", "reason": "x", "date": "2024-09-25"},
           expect=409)
    r.call("POST", "/api/v1/cases/%d/steps" % cid, {"step": "county_approve", "date": "2024-09-25"}, expect=422)
    r.call("POST", "/api/v1/cases/%d/steps" % cid, {"step": "fly", "reason": "x", "date": "2024-09-25"},
           expect=(409, 422))
    st, d = r.call("POST", "/api/v1/cases/%d/steps" % cid,
                   {"step": "county_approve", "reason": "实地考察：场地、人员、制度上墙齐全", "date": "2024-09-25"}, expect=200)
    check(d["state"] == "county_approved", "approved: %r" % d["state"])
    st, d = r.call("POST", "/api/v1/cases/%d/steps" % cid, {"step": "publish", "reason": "政府网站公示",
                                                            "date": "2024-09-27"}, expect=200)
    check(d["state"] == "publicity" and d["publicity_end"] == "2024-10-09", "publicity: %r %r" % (d["state"],
                                                                                           d.get("publicity_end")))
    st, d = r.call("POST", "/api/v1/cases/%d/steps" % cid, {"step": "recognise", "reason": "x", "date": "2024-10-09"},
                   expect=409)
    check("2024-10-09" in d["error"]["message"], "publicity message: %s" % d["error"]["message"])

    # show: timeline; another township: 404; the training body: 404
    st, d = r.call("GET", "/api/v1/cases/%d" % cid, expect=200)
    check(len(d["history"]) >= 3, "timeline: %r" % d["history"])
    t2.call("GET", "/api/v1/cases/%d" % cid, expect=404)
    b.call("GET", "/api/v1/cases/%d" % cid, expect=404)
    st, d = b.call("GET", "/api/v1/cases", expect=200)
    check(d["items"] == [], "a training body lists another organisation's cases: %r" % d["items"])
    st, d = t2.call("GET", "/api/v1/cases", expect=200)
    check(d["items"] == [], "another township lists this case: %r" % d["items"])
    r.call("GET", "/api/v1/cases/0", expect=404)
    r.call("GET", "/api/v1/cases?decision=maybe", expect=400)
    r.call("GET", "/api/v1/cases?person_id=x", expect=400)

    # pages: file a few more and walk them two at a time
    for i in range(4):
        r.call("POST", "/api/v1/cases", dict(filing, date="2024-11-0%d" % (i + 4)), expect=201)
    seen, cursor = [], None
    while True:
        st, d = r.call("GET", "/api/v1/cases?limit=2" + ("&cursor=" + cursor if cursor else ""), expect=200)
        seen += [x["id"] for x in d["items"]]
        cursor = d["next_cursor"]
        if not cursor:
            break
    check(len(seen) == 5 and seen == sorted(set(seen)), "pages: %r" % seen)
    st, d = r.call("GET", "/api/v1/cases?overdue=1&on=2024-12-20", expect=200)
    check(all(x["days_overdue"] > 0 for x in d["items"]) and d["items"], "overdue: %r" % d["items"])

finish()
