"""The routes the staff pages need (issue 12, src/http/api_web.c): GET /api/v1/divisions (the
county's townships with their names, limited to the user's area) and GET /api/v1/workflows (the
steps of every workflow and whether the caller's role may take each: the case page offers only
those)."""
from apilib import *

admin = add_user("w-admin", "admin", area="")
rev = add_user("w-rev", "county_reviewer", area="640522", admin="w-admin")
town = add_user("w-town", "township_staff", area="640522100", admin="w-admin")
aud = add_user("w-aud", "auditor", area="640522", admin="w-admin")

with Server() as srv:
    anon = Client(srv)
    anon.call("GET", "/api/v1/divisions", expect=401)
    anon.call("GET", "/api/v1/workflows", expect=401)

    c = Client(srv, anon.api).login(rev)
    st, d = c.call("GET", "/api/v1/divisions", expect=200)
    names = {t["code"]: t["name"] for t in d["items"]}
    check(d["county"] == "640522" and d["county_name"] == "海原县", "county: %r" % d)
    check(names.get("640522100") == "海城镇" and names.get("640522104") == "三河镇", "townships: %r" % names)
    check(len(names) >= 15 and all(k.startswith("640522") and len(k) == 9 for k in names), "only the county's: %r" % names)

    t = Client(srv, anon.api).login(town)
    st, d = t.call("GET", "/api/v1/divisions", expect=200)
    check([x["code"] for x in d["items"]] == ["640522100"], "a township user gets its own township only: %r" % d)

    # workflows: the review step is the county's, not the township's; admin may take every step
    def step(client, wf, name):
        st, d = client.call("GET", "/api/v1/workflows", expect=200)
        w = [x for x in d["items"] if x["name"] == wf]
        check(len(w) == 1, "workflow %s listed" % wf)
        s = [x for x in w[0]["steps"] if x["name"] == name] if w else []
        check(len(s) >= 1, "%s has step %s" % (wf, name))
        return s[0] if s else {}

    s = step(c, "training_class", "county_approve")
    check(s.get("may") is True and "county_reviewer" in s.get("roles", []), "reviewer may approve a class: %r" % s)
    s = step(t, "training_class", "county_approve")
    check(s.get("may") is False, "a township user may not approve a class: %r" % s)
    a = Client(srv, anon.api).login(admin)
    st, d = a.call("GET", "/api/v1/workflows", expect=200)
    check(all(x["may"] for w in d["items"] for x in w["steps"]), "admin may take every step")
    check(sum(len(w["steps"]) for w in d["items"]) > 20, "the workflows have their steps")
    # the auditor holds no policy.read: refused before the handler
    u = Client(srv, anon.api).login(aud)
    u.call("GET", "/api/v1/workflows", expect=403)
    u.call("GET", "/api/v1/divisions", expect=200)

finish()
