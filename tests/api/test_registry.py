"""Persons and organisations over HTTP (issue 11): search and paging, add with the CLI's checks
(422 naming the field), idempotent add, edit, statuses, licences, township areas (404 outside),
ownership (an organisation's account sees only itself), masking by default and unmasking with a
reason into the access log; no 18-character ID number or long card number in any masked answer."""
import re
from apilib import *

cli("demo", "--persons", "200", "--orgs", "30", "--year-cases", "none")
admin_name = "api-admin"
add_user(admin_name, "admin", area="")
rev = add_user("api-rev", "county_reviewer", area="640522", admin=admin_name)
town = add_user("api-town", "township_staff", area="640522100", admin=admin_name)
_, out, _ = cli("org", "list", "--limit", "1")
first_org = json.loads(out.splitlines()[0])
body = add_user("api-body", "training_body", area="640522", org=first_org["id"], admin=admin_name)

ID_RX = re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])")
CARD_RX = re.compile(r"(?<![0-9])[0-9]{16,19}(?![0-9])")
masked_bodies = []

with Server() as srv:
    c = Client(srv).login(rev)

    # search and paging
    st, p1 = c.call("GET", "/api/v1/persons?limit=50", expect=200)
    check(len(p1["items"]) == 50 and p1["next_cursor"], "page 1: %d items, cursor %r" % (len(p1["items"]), p1["next_cursor"]))
    st, p2 = c.call("GET", "/api/v1/persons?limit=50&cursor=" + p1["next_cursor"], expect=200)
    ids1 = {x["id"] for x in p1["items"]}
    ids2 = {x["id"] for x in p2["items"]}
    check(ids2 and not (ids1 & ids2) and min(ids2) > max(ids1), "page 2 repeats or goes back")
    masked_bodies += [p1, p2]
    c.call("GET", "/api/v1/persons?limit=0", expect=400)
    c.call("GET", "/api/v1/persons?limit=abc", expect=400)
    c.call("GET", "/api/v1/persons?cursor=zzz", expect=400)
    some = p1["items"][0]
    surname = some["name"][0]
    st, byname = c.call("GET", "/api/v1/persons?name=" + urllib.parse.quote(surname), expect=200)
    check(all(surname in x["name"] for x in byname["items"]), "name search returns other names")

    # add: wrong check character → 422 naming idcard; good → 201; again → 200 unchanged
    st, d = c.call("POST", "/api/v1/persons", {"idcard": "640522199001011235", "name": "马小兰"}, expect=422)
    check(d["error"]["field"] == "idcard", "bad ID number: field %r" % d["error"]["field"])
    c.call("POST", "/api/v1/persons", {"idcard": "640522199001011234"}, expect=422)
    c.call("POST", "/api/v1/persons", {"idcard": "640522199001011234", "name": "马小兰", "nick": "x"}, expect=422)
    st, d = c.call("POST", "/api/v1/persons", {"idcard": "640522199002301236", "name": "马小兰"}, expect=422)
    new = {"idcard": "640522199001011234", "name": "马小兰", "hukou_division": "640522100",
           "hukou_kind": "农村", "phone": "13912345678",
           "statuses": [{"kind": "脱贫人口", "since": "2020-01-01"}]}
    st, d = c.call("POST", "/api/v1/persons", new, expect=201, headers={"Idempotency-Key": "add-maxiaolan-1"})
    check(d["result"] == "created" and d["idcard"] == "640522********1234", "created: %r" % d)
    pid = d["id"]
    st, d2 = c.call("POST", "/api/v1/persons", new, expect=201, headers={"Idempotency-Key": "add-maxiaolan-1"})
    check(d2 == d and c.last_headers.get("idempotent-replayed") == "true", "idempotent repeat differs")
    c.call("POST", "/api/v1/persons", dict(new, name="马小梅"), expect=422, headers={"Idempotency-Key": "add-maxiaolan-1"})
    st, d3 = c.call("POST", "/api/v1/persons", new, expect=200)
    check(d3["result"] == "unchanged", "second add without key: %r" % d3.get("result"))
    st, d = c.call("POST", "/api/v1/persons", dict(new, phone="1391234567x"), expect=(200, 422))

    # show, edit, status
    st, d = c.call("GET", "/api/v1/persons/%d" % pid, expect=200)
    check(d["statuses"] and d["cases"] == [], "show: %r" % d)
    masked_bodies.append(d)
    st, d = c.call("PUT", "/api/v1/persons/%d" % pid, {"address": "海城镇山门村"}, expect=200)
    check(d["address"] == "海城镇山门村" and d["result"] == "updated", "edit: %r" % d)
    c.call("PUT", "/api/v1/persons/%d" % pid, {"idcard": "640522199001011244"}, expect=422)
    c.call("POST", "/api/v1/persons/%d/statuses" % pid, {"kind": "登记失业", "since": "2024-02-30"}, expect=422)
    c.call("POST", "/api/v1/persons/%d/statuses" % pid, {"kind": "无业"}, expect=422)
    st, d = c.call("POST", "/api/v1/persons/%d/statuses" % pid, {"kind": "登记失业", "since": "2024-03-01"}, expect=201)
    check(len(d["statuses"]) == 2, "status add: %r" % d["statuses"])
    c.call("GET", "/api/v1/persons/99999999", expect=404)
    c.call("GET", "/api/v1/persons/abc", expect=404)

    # unmask: a reason is required, the view is logged
    c.call("GET", "/api/v1/persons/%d?unmask=1" % pid, expect=400)
    st, d = c.call("GET", "/api/v1/persons/%d?unmask=1&reason=%s" % (pid, urllib.parse.quote("核对身份")), expect=200)
    check(d["idcard"] == "640522199001011234", "unmasked: %r" % d["idcard"])
    _, log, _ = cli("access-log", "list", ok=False, env=dict(os.environ, JIUYE_ACTOR=admin_name))
    check("核对身份" in log and "api-rev" in log, "access log lacks the view: %s" % log[:300])

    # the township user: its township only
    t = Client(srv, c.api).login(town)
    st, tl = t.call("GET", "/api/v1/persons?limit=500", expect=200)
    _, allp, _ = cli("person", "list", "--limit", "0")
    towns = {json.loads(l)["id"]: json.loads(l).get("hukou_division", "") for l in allp.splitlines()}
    check(tl["items"] and all(towns[x["id"]].startswith("640522100") for x in tl["items"]),
          "township list leaves its township")
    other = next(i for i, h in towns.items() if h and not h.startswith("640522100"))
    t.call("GET", "/api/v1/persons/%d" % other, expect=404)
    t.call("GET", "/api/v1/persons/%d" % pid, expect=200)
    t.call("GET", "/api/v1/persons/%d?unmask=1&reason=x" % pid, expect=403)
    masked_bodies.append(tl)

    # organisations
    st, ol = c.call("GET", "/api/v1/orgs?limit=10", expect=200)
    check(len(ol["items"]) == 10, "orgs page")
    masked_bodies.append(ol)
    st, d = c.call("GET", "/api/v1/orgs?kind=" + urllib.parse.quote("培训机构"), expect=200)
    check(all("training_body" in o["kinds"] for o in d["items"]), "kind filter")
    c.call("GET", "/api/v1/orgs?kind=bakery", expect=400)
    st, d = c.call("POST", "/api/v1/orgs", {"uscc": "91640522MA76X8P71X", "name": "海原县某公司", "kinds": "employer"},
                   expect=422)
    check(d["error"]["field"] == "uscc", "bad USCC field %r" % d["error"]["field"])
    _, out, _ = cli("check", "uscc", "91640522MA76X8P71N", ok=False)
    st, d = c.call("POST", "/api/v1/orgs", {"uscc": first_org["uscc"], "name": first_org["name"], "kinds": "employer",
                                            "bank_account": "62170000100000000AB"}, expect=422)
    check(d["error"]["field"] == "bank_account", "bank account field %r" % d["error"]["field"])
    st, d = c.call("POST", "/api/v1/orgs/%d/licences" % first_org["id"],
                   {"kind": "办学许可证", "number": "宁人社办学123", "valid_from": "2023-01-01", "valid_until": "2022-01-01"},
                   expect=422)
    st, d = c.call("POST", "/api/v1/orgs/%d/licences" % first_org["id"],
                   {"kind": "办学许可证", "number": "宁人社办学123", "valid_from": "2023-01-01"}, expect=201)
    check(any(l["number"] == "宁人社办学123" for l in d["licences"]), "licence not added")
    masked_bodies.append(d)

    # an organisation's account: itself only
    b = Client(srv, c.api).login(body)
    st, d = b.call("GET", "/api/v1/orgs", expect=200)
    check([o["id"] for o in d["items"]] == [first_org["id"]], "training body sees other orgs: %r" % d["items"][:3])
    b.call("GET", "/api/v1/orgs/%d" % first_org["id"], expect=200)
    b.call("GET", "/api/v1/orgs/%d" % ol["items"][-1]["id"], expect=404)
    st, d = b.call("GET", "/api/v1/persons", expect=200)
    check(d["items"] == [], "a training body searches the registry: %r" % d["items"][:2])

    def values(v, key=None):  # every string value except USCCs (an organisation's public code)
        if isinstance(v, dict):
            for k, x in v.items():
                yield from values(x, k)
        elif isinstance(v, list):
            for x in v:
                yield from values(x, key)
        elif isinstance(v, str) and key != "uscc":
            yield v

    for m in masked_bodies:
        text = " ".join(values(m))
        check(not ID_RX.search(text), "an ID number in a masked answer: %s" % ID_RX.search(text).group(0)
              if ID_RX.search(text) else "")
        check(not CARD_RX.search(text), "a card number in a masked answer: %s" % (CARD_RX.search(text).group(0)
              if CARD_RX.search(text) else ""))

finish()
