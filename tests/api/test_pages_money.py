"""Routes added for the fund-ledger, payment-batch, placement and account pages (issue 12 item 2):

- GET /api/v1/calendar?month= — a month's days from the holiday calendar (the attendance grid's
  columns): 2024-02 has the Spring Festival off days and the make-up working day 2024-02-04 (a
  Sunday), 18 working days; bad months 400;
- GET /api/v1/ledger/commitments/{id} — one payable with its case (the batch page's 追回 starts
  from it); another county's user gets 404;
- GET /api/v1/batches/{id}/bank-file in the configured encoding: the county's default (GB18030)
  is labelled `charset=gb18030` and decodes as such (it used to be labelled utf-8), ?encoding=
  utf-8-bom gives a BOM and UTF-8, an unknown encoding or layout name is refused, a layout that
  does not exist is 404 naming it; the headers say the layout and encoding written;
- POST /api/v1/users/{name}/password — the security administrator resets a password (generated,
  shown once, or given and checked): the old one stops working, the new one must be changed at
  the next login, the account's sessions end;
- POST /api/v1/users/{name}/totp — a new TOTP secret and recovery codes: the old secret stops
  working and the new one completes a login; a role without user.manage gets 403."""
import http.client
from apilib import *

cli("demo", "--persons", "300", "--orgs", "40", "--year-cases", "small")
sec = add_user("pm-sec", "security", area="", admin="cli")
fin = add_user("pm-fin", "finance", area="640522", admin="pm-sec")
rev = add_user("pm-rev", "county_reviewer", area="640522", admin="pm-sec")
other = add_user("pm-other", "county_reviewer", area="640521", admin="pm-sec")
fin2 = add_user("pm-fin2", "finance", area="640522", admin="pm-sec")


def raw_get(c, path):
    """GET returning the raw bytes and headers (apilib decodes text/* as UTF-8)."""
    conn = http.client.HTTPConnection("127.0.0.1", c.server.port, timeout=60)
    conn.request("GET", path, headers={"Cookie": c.cookie})
    r = conn.getresponse()
    body = r.read()
    h = dict((k.lower(), v) for k, v in r.getheaders())
    conn.close()
    return r.status, h, body


with Server() as srv:
    f = Client(srv).login(fin)
    r = Client(srv, f.api).login(rev)
    o = Client(srv, f.api).login(other)
    s = Client(srv, f.api).login(sec)

    # ---- the calendar month
    st, cal = r.call("GET", "/api/v1/calendar?month=2024-02", expect=200)
    check(cal["workdays"] == 18 and not cal["provisional"], "2024-02 working days: %r" % cal["workdays"])
    check(len(cal["days"]) == 29, "29 days in 2024-02: %d" % len(cal["days"]))
    d4 = cal["days"][3]
    check(d4["date"] == "2024-02-04" and d4["weekday"] == 7 and d4["workday"] and "调休" in (d4["label"] or ""),
          "2024-02-04 is a make-up working Sunday: %r" % d4)
    d12 = cal["days"][11]
    check(d12["weekday"] == 1 and not d12["workday"] and "春节" in (d12["label"] or ""),
          "2024-02-12 (Monday) is a Spring Festival day off: %r" % d12)
    check(sum(1 for d in cal["days"] if d["workday"]) == cal["workdays"], "the days add up to the count")
    r.call("GET", "/api/v1/calendar", expect=400)
    r.call("GET", "/api/v1/calendar?month=2024-13", expect=400)
    st, d = r.call("GET", "/api/v1/calendar?month=1990-01", expect=409)  # before the calendar's first year
    check("1990" in d["error"]["message"], "names the year: %r" % d["error"])
    s.call("GET", "/api/v1/calendar?month=2024-02", expect=200)  # any signed-in user

    # ---- one payable
    st, pays = f.call("GET", "/api/v1/ledger/commitments?status=paid&limit=1", expect=200)
    pay = pays["items"][0]
    st, one = f.call("GET", "/api/v1/ledger/commitments/%d" % pay["id"], expect=200)
    check(one["id"] == pay["id"] and one["case_id"] == pay["case_id"] and one["amount"] == pay["amount"],
          "the payable: %r against %r" % (one, pay))
    r.call("GET", "/api/v1/ledger/commitments/%d" % pay["id"], expect=200)
    o.call("GET", "/api/v1/ledger/commitments/%d" % pay["id"], expect=404)  # another county's books
    f.call("GET", "/api/v1/ledger/commitments/99999999", expect=404)
    s.call("GET", "/api/v1/ledger/commitments/%d" % pay["id"], expect=403)

    # ---- the bank file in the configured encoding
    st, bl = f.call("GET", "/api/v1/batches?status=approved", expect=200)
    if not bl["items"]:  # build and approve one from what is approved and unbatched
        st, pend = f.call("GET", "/api/v1/ledger/commitments?status=approved&limit=1", expect=200)
        st, b = f.call("POST", "/api/v1/batches", {"program": pend["items"][0]["program"]}, expect=201)
        f2 = Client(srv, f.api).login(fin2)
        f2.call("POST", "/api/v1/batches/%d/approve" % b["id"], {}, expect=200)
        bid = b["id"]
    else:
        bid = bl["items"][0]["id"]
    st, h, body = raw_get(f, "/api/v1/batches/%d/bank-file" % bid)
    check(st == 200, "bank file: %d %r" % (st, body[:200]))
    check(h.get("content-type") == "text/csv; charset=gb18030", "default encoding labelled: %r" % h.get("content-type"))
    check(h.get("x-bank-encoding") == "gb18030" and h.get("x-bank-layout") == "generic", "headers: %r" % h)
    text = body.decode("gb18030")
    check(text.startswith("序号,") and "收款人" in text, "GB18030 header row: %r" % text[:60])
    try:
        body.decode("utf-8")
        check(False, "the GB18030 file decodes as UTF-8 (no Chinese in it?)")
    except UnicodeDecodeError:
        pass
    st, h, body = raw_get(f, "/api/v1/batches/%d/bank-file?encoding=utf-8-bom" % bid)
    check(st == 200 and body.startswith(b"\xef\xbb\xbf") and h["content-type"] == "text/csv; charset=utf-8",
          "utf-8-bom: %d %r %r" % (st, h.get("content-type"), body[:10]))
    check(body.decode("utf-8").lstrip("\ufeff").startswith("序号,"), "UTF-8 header row")
    st, d = f.call("GET", "/api/v1/batches/%d/bank-file?encoding=latin1" % bid, expect=400)
    check(d["error"]["field"] == "encoding", "bad encoding names the field: %r" % d["error"])
    st, d = f.call("GET", "/api/v1/batches/%d/bank-file?layout=../etc" % bid, expect=400)
    check(d["error"]["field"] == "layout", "bad layout name: %r" % d["error"])
    st, d = f.call("GET", "/api/v1/batches/%d/bank-file?layout=nosuchbank" % bid, expect=404)
    check("nosuchbank" in d["error"]["message"], "missing layout named: %r" % d["error"])
    st, h, body = raw_get(f, "/api/v1/batches/%d/bank-file?format=xlsx" % bid)
    check(st in (200, 422), "xlsx: %d" % st)
    if st == 200:
        check(body[:2] == b"PK" and "spreadsheetml" in h["content-type"], "xlsx workbook")
    cli("--as", "pm-rev", "settings", "set", "bank_encoding", "utf-8-bom")
    st, h, body = raw_get(f, "/api/v1/batches/%d/bank-file" % bid)
    check(st == 200 and h["content-type"] == "text/csv; charset=utf-8" and body.startswith(b"\xef\xbb\xbf"),
          "the county's setting utf-8-bom: %r" % h.get("content-type"))
    text = body.decode("utf-8")
    import csv, io
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    for row in rows[1:]:
        if row and row[1].startswith("个人"):  # a person's ID number and card masked (a unit's USCC is public)
            check("*" in row[3] and "*" in row[4], "a person's row masked: %r" % row[:5])

    # ---- password reset by the security administrator
    town_pw = "Town-Start-%d-Pw!" % os.getpid()
    st, u = s.call("POST", "/api/v1/users", {"name": "pm-town", "role": "township_staff", "area": "640522100"},
                   expect=201)
    town = Account("pm-town", "township_staff", "640522100", u["initial_password"])
    t = Client(srv, f.api).login(town, new_password=town_pw)
    t.call("GET", "/api/v1/session", expect=200)
    st, d = s.call("POST", "/api/v1/users/pm-town/password", {}, expect=200)
    check(d["password"] and len(d["password"]) >= 16 and d["must_change"], "generated password: %r" % d)
    check(s.last_headers.get("cache-control") == "no-store", "not cached: %r" % s.last_headers.get("cache-control"))
    t.call("GET", "/api/v1/session", expect=401)  # the account's sessions ended
    Client(srv, f.api).call("POST", "/api/v1/session", {"name": "pm-town", "password": town_pw}, expect=401)
    t2 = Client(srv, f.api)
    st, d2 = t2.call("POST", "/api/v1/session", {"name": "pm-town", "password": d["password"]}, expect=200)
    t2.csrf = d2["csrf_token"]
    st, me = t2.call("GET", "/api/v1/session", expect=200)
    check(me["user"]["must_change_password"], "the reset password must be changed: %r" % me["user"])
    t2.call("GET", "/api/v1/persons?limit=1", expect=403)
    st, d = s.call("POST", "/api/v1/users/pm-town/password", {"password": "123"}, expect=422)
    check(d["error"]["field"] == "password", "a short password names the field: %r" % d["error"])
    s.call("POST", "/api/v1/users/pm-town/password", {"pasword": "x"}, expect=422)
    given = "Given-By-Sec-%d-Pw!" % os.getpid()
    st, d = s.call("POST", "/api/v1/users/pm-town/password", {"password": given}, expect=200)
    check(d["password"] is None, "a given password is not echoed: %r" % d)
    st, d2 = Client(srv, f.api).call("POST", "/api/v1/session", {"name": "pm-town", "password": given}, expect=200)
    s.call("POST", "/api/v1/users/nobody-here/password", {}, expect=404)
    r.call("POST", "/api/v1/users/pm-town/password", {}, expect=403)

    # ---- second factor reset
    st, d = s.call("POST", "/api/v1/users/pm-fin2/totp", expect=200)
    check(d["otpauth_uri"].startswith("otpauth://totp/") and re.fullmatch(r"[A-Z2-7]+", d["secret"])
          and "secret=" + d["secret"] in d["otpauth_uri"], "uri and secret: %r" % d)
    check(len(d["recovery_codes"]) == 10, "ten recovery codes: %r" % d["recovery_codes"])
    old = fin2.secret
    fin2.secret = d["secret"]
    f2 = Client(srv, f.api).login(fin2)
    check(f2.user["name"] == "pm-fin2", "login with the new secret")
    c = Client(srv, f.api)
    st, x = c.call("POST", "/api/v1/session", {"name": "pm-fin2", "password": fin2.password}, expect=200)
    c.csrf = x["csrf_token"]
    c.call("POST", "/api/v1/session/second-factor", {"code": totp(old)}, expect=(401, 429))  # the old secret is dead
    c = Client(srv, f.api)
    st, x = c.call("POST", "/api/v1/session", {"name": "pm-fin2", "password": fin2.password}, expect=200)
    c.csrf = x["csrf_token"]
    c.call("POST", "/api/v1/session/second-factor", {"code": d["recovery_codes"][0]}, expect=200)
    s.call("POST", "/api/v1/users/pm-fin2/totp", {"x": 1}, expect=422)
    s.call("POST", "/api/v1/users/nobody-here/totp", expect=404)
    f.call("POST", "/api/v1/users/pm-fin2/totp", expect=403)

finish()
