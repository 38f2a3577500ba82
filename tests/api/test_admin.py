"""The audit trail, the access log, accounts and reports over HTTP (issue 11): the auditor reads
and verifies (and can change nothing), the security administrator adds and locks accounts (a
new account's first password is shown once and must be changed), reports come as JSON, CSV and
XLSX with the seed's forms, rosters masked unless unmasked with a reason."""
import re
from apilib import *

cli("demo", "--persons", "300", "--orgs", "40", "--year-cases", "small")
sec = add_user("api-sec", "security", area="", admin="cli")
aud = add_user("api-aud", "auditor", area="", admin="api-sec")
rev = add_user("api-rev", "county_reviewer", area="640522", admin="api-sec")
city = add_user("api-city", "city_reviewer", area="6405", admin="api-sec")
# bounded by anything but a letter or digit: an 18-digit run inside a hash's lowercase hex is no ID number
ID_RX = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9X](?![0-9A-Za-z])")

with Server() as srv:
    a = Client(srv).login(aud)
    s = Client(srv, a.api).login(sec)
    r = Client(srv, a.api).login(rev)

    # audit: pages, masked, the chain verifies
    st, d = a.call("GET", "/api/v1/audit?limit=20", expect=200)
    check(len(d["items"]) == 20 and d["next_cursor"], "audit page: %d" % len(d["items"]))
    st, d2 = a.call("GET", "/api/v1/audit?limit=20&cursor=" + d["next_cursor"], expect=200)
    check(d2["items"][0]["seq"] > d["items"][-1]["seq"], "audit page 2 goes back")
    text = json.dumps(d, ensure_ascii=False) + json.dumps(d2, ensure_ascii=False)
    check(not ID_RX.search(text), "an ID number in the audit list: %s" % (ID_RX.search(text).group(0)
                                                                            if ID_RX.search(text) else ""))
    st, v = a.call("GET", "/api/v1/audit/verify", expect=200)
    check(v["ok"] and v["checked"] > 100, "verify: %r" % v)
    r.call("GET", "/api/v1/audit", expect=403)

    # an unmasked view lands in the access log, which the auditor reads
    st, p = r.call("GET", "/api/v1/persons?limit=1", expect=200)
    pid = p["items"][0]["id"]
    r.call("GET", "/api/v1/persons/%d?unmask=1&reason=%s" % (pid, urllib.parse.quote("核对银行卡户名")), expect=200)
    st, log = a.call("GET", "/api/v1/access-log?user=api-rev", expect=200)
    check(any(e["reason"] == "核对银行卡户名" and e["actor"] == "api-rev" for e in log["items"]),
          "access log: %r" % log["items"][-2:])
    st, log = a.call("GET", "/api/v1/access-log?since=2099-01-01", expect=200)
    check(log["items"] == [], "since filter")
    a.call("GET", "/api/v1/access-log?since=2024-13-01", expect=400)

    # accounts: the security administrator adds one; its first password must be changed
    st, u = s.call("POST", "/api/v1/users", {"name": "api-town", "role": "township_staff", "area": "640522100"},
                   expect=201)
    check(u["initial_password"], "no initial password: %r" % u)
    s.call("POST", "/api/v1/users", {"name": "api-bad", "role": "overlord"}, expect=422)
    s.call("POST", "/api/v1/users", {"name": "api-bad", "role": "township_staff", "area": "64052"}, expect=422)
    st, d = s.call("POST", "/api/v1/users", {"name": "api-aud", "role": "security"}, expect=(403, 409))
    town = Account("api-town", "township_staff", "640522100", u["initial_password"])
    t = Client(srv, a.api).login(town)
    check(not t.user["must_change_password"], "password change not done")
    st, lst = s.call("GET", "/api/v1/users", expect=200)
    check(any(x["name"] == "api-town" for x in lst["items"]), "users list")
    check("hash" not in json.dumps(lst) and "$argon2" not in json.dumps(lst), "a hash in the users list")
    s.call("POST", "/api/v1/users/api-town/lock", {"locked": True}, expect=200)
    t.call("GET", "/api/v1/session", expect=401)
    st, d = Client(srv, a.api).call("POST", "/api/v1/session", {"name": "api-town", "password": town.password},
                                    expect=(401, 429))
    s.call("POST", "/api/v1/users/api-town/lock", {"locked": "yes"}, expect=422)
    s.call("POST", "/api/v1/users/nobody/lock", {"locked": True}, expect=404)

    # reports
    st, d = r.call("GET", "/api/v1/reports/targets?year=2024", expect=200)
    check(d["rows"] and d["report"] == "targets", "targets: %r" % d.get("report"))
    st, csv = r.call("GET", "/api/v1/reports/budget?year=2024&format=csv", expect=200)
    check(isinstance(csv, str) and "\r\n" in csv, "budget CSV: %r" % (csv[:80] if isinstance(csv, str) else csv))
    st, x = r.call("GET", "/api/v1/reports/targets?year=2024&format=xlsx", expect=200)
    check(isinstance(x, bytes) and x[:2] == b"PK", "targets XLSX is not a zip")
    st, ro = r.call("GET", "/api/v1/reports/roster?program=P1&year=2023", expect=200)
    text = json.dumps(ro, ensure_ascii=False)
    check(ro["rows"] and not ID_RX.search(text), "roster: rows %d, unmasked ID %s" % (
        len(ro["rows"]), ID_RX.search(text).group(0) if ID_RX.search(text) else "none"))
    st, ro2 = r.call("GET", "/api/v1/reports/roster?program=P1&year=2023&unmask=1&reason=" +
                     urllib.parse.quote("报送市局"), expect=200)
    check(ID_RX.search(json.dumps(ro2, ensure_ascii=False)), "unmasked roster without ID numbers")
    r.call("GET", "/api/v1/reports/roster?program=P99", expect=400)
    r.call("GET", "/api/v1/reports/roster", expect=400)
    r.call("GET", "/api/v1/reports/targets?format=pdfx", expect=400)
    r.call("GET", "/api/v1/reports/targets?county=640521", expect=404)
    c = Client(srv, a.api).login(city)
    c.call("GET", "/api/v1/reports/targets", expect=400)
    c.call("GET", "/api/v1/reports/targets?county=640522&year=2024", expect=200)
    st, d = r.call("GET", "/api/v1/reports/publicity?program=P1", expect=200)
    check(not ID_RX.search(json.dumps(d, ensure_ascii=False)), "an ID number on the publicity list")
    st, fl = r.call("GET", "/api/v1/reports/forms", expect=200)
    # issue 14: the seed's forms 5-15-4 (a list of the P15 bases) and 5-22-1/5-22-2 (one P22 case)
    ids = [f["form"] for f in fl["forms"]]
    check("5-15-4" in ids and "5-22-1" in ids and "5-22-2" in ids, "forms: %r" % ids)
    st, x = r.call("GET", "/api/v1/reports/roster?program=P15&form=5-15-4&format=csv", expect=200)
    check(isinstance(x, str) and "中卫市优秀就业见习基地推荐名单汇总表" in x and "\r\n合计,共" in x and "留用率" in x,
          "5-15-4 CSV: %r" % (x[:200] if isinstance(x, str) else x))
    st, lst = r.call("GET", "/api/v1/cases?program=P22&limit=1", expect=200)
    c22 = lst["items"][0]["id"]
    st, sc = r.call("GET", "/api/v1/reports/roster?program=P22&form=5-22-2&case=%d" % c22, expect=200)
    check(sc["form"] == "附件 5-22-2" and len(sc["rows"]) == 22 and sc["total"]["base"] == 100 and sc["total"]["score"] >= 90,
          "5-22-2: %r" % {k: sc.get(k) for k in ("form", "total")})
    st, x = r.call("GET", "/api/v1/reports/roster?program=P22&form=5-22-1&case=%d&format=pdf" % c22, expect=200)
    check(isinstance(x, bytes) and x[:5] == b"%PDF-", "5-22-1 PDF")
    r.call("GET", "/api/v1/reports/roster?program=P22&form=5-22-2", expect=400)
    r.call("GET", "/api/v1/reports/roster?program=P22&form=5-22-2&case=x", expect=400)

finish()
