"""Sessions over HTTP (issue 11): login, who am I, CSRF and Origin on state changes, logout ends
the session server-side, password change ends the old sessions, lockout after five wrong
passwords (429 with Retry-After), and every non-public route of openapi.json refuses a request
without a session (401) — the route walk that keeps the document and the table in agreement."""
import re
from apilib import *

admin = add_user("boss", "admin", area="")
rev = add_user("rev", "county_reviewer", area="640522", admin="boss")

with Server() as srv:
    anon = Client(srv)
    doc = anon.api.doc
    # the route walk: every operation of the document, without a session
    for method, tpl, rx, op in anon.api.routes:
        path = re.sub(r"\{[^}]+\}", "1", tpl)
        body = {} if method in ("POST", "PUT", "PATCH") else None
        st, d = anon.raw(method, path, body)
        if op.get("security") == []:
            check(st != 401, "%s %s is public but answered 401" % (method, tpl))
        else:
            check(st == 401, "%s %s without a session: expected 401, got %d" % (method, tpl, st))
            check(isinstance(d, dict) and "error" in d, "%s %s: 401 without an error body" % (method, tpl))

    c = Client(srv, anon.api).login(rev)
    check(c.user["role"] == "county_reviewer" and c.user["area"] == "640522", "who am I: %r" % c.user)
    check("case.file" in c.user["permissions"], "reviewer permissions: %r" % c.user["permissions"])
    cookie = c.cookie
    check(cookie and cookie.startswith("jiuye_session="), "session cookie: %r" % cookie)

    # CSRF and Origin on a state change (logout is one)
    st, d = c.raw("DELETE", "/api/v1/session", csrf=False)
    check(st == 403, "logout without X-CSRF-Token: expected 403, got %d" % st)
    st, d = c.raw("DELETE", "/api/v1/session", headers={"Origin": "http://evil.example"})
    check(st == 403, "logout from a foreign Origin: expected 403, got %d" % st)
    st, d = c.raw("DELETE", "/api/v1/session", headers={"X-CSRF-Token": "x" * 43})
    check(st == 403, "logout with a wrong CSRF token: expected 403, got %d" % st)

    # logout ends the session on the server: the old cookie no longer works
    c.call("DELETE", "/api/v1/session", expect=200)
    replay = Client(srv, anon.api)
    replay.cookie = cookie
    replay.call("GET", "/api/v1/session", expect=401)

    # password change ends every other session of the account
    a = Client(srv, anon.api).login(rev)
    b = Client(srv, anon.api).login(rev)
    newpw = "Another-Strong-Pw-2026"
    a.call("POST", "/api/v1/session/password", {"old_password": rev.password, "new_password": newpw}, expect=200)
    rev.password = newpw
    a.call("GET", "/api/v1/session", expect=200)
    b.call("GET", "/api/v1/session", expect=401)

    # ended from another process while the server's handles hold the session in their read cache
    # (store_rcache.c): a lock and a password set by the CLI end it on the very next request.
    # Each account's session is read a dozen times first, so that every worker's handle has it.
    for name, how in (("rev-lock", ("user", "lock", "rev-lock")), ("rev-pw", ("user", "passwd", "rev-pw"))):
        acct = add_user(name, "county_reviewer", area="640522", admin="boss")
        s1 = Client(srv, anon.api).login(acct)
        for _ in range(12):
            s1.call("GET", "/api/v1/session", expect=200)
        extra = ()
        if how[1] == "passwd":
            pf = os.path.join(tmpdir(), "pw")
            with open(pf, "w") as f:
                f.write("Reset-By-Admin-Pw-2026\n")
            extra = ("--password-file", pf)
        cli("--as", "boss", *how, *extra)
        for _ in range(4):  # every worker, whichever takes the request
            s1.call("GET", "/api/v1/session", expect=401)

    # malformed bodies, unknown fields, wrong media type
    x = Client(srv, anon.api)
    x.call("POST", "/api/v1/session", b"{not json", expect=400)
    x.call("POST", "/api/v1/session", {"name": "rev", "password": "x", "extra": 1}, expect=422)
    x.call("POST", "/api/v1/session", {"name": "rev"}, expect=422)
    x.call("POST", "/api/v1/session", "name=rev", content_type="application/x-www-form-urlencoded", expect=415)
    x.call("GET", "/api/v1/session/password", expect=405)

    # lockout: five wrong passwords, then even the right one is refused with 429 + Retry-After
    for i in range(4):
        x.call("POST", "/api/v1/session", {"name": "rev", "password": "wrong-%d" % i}, expect=401)
    x.call("POST", "/api/v1/session", {"name": "rev", "password": "wrong-5"}, expect=(401, 429))
    st, d = x.call("POST", "/api/v1/session", {"name": "rev", "password": rev.password}, expect=429)
    check(int(x.last_headers.get("retry-after", "0")) > 0, "lockout without Retry-After")

    # the administrator's fallback powers follow the accounts that exist, checked on every request
    # of the session (the roles held are read for an administrator's session only): account
    # management is the administrator's until a security administrator exists, then it is not,
    # in the same session
    boss = Client(srv, anon.api).login(admin)
    st, d = boss.call("GET", "/api/v1/session", expect=200)
    check("user.manage" in d["user"]["permissions"], "admin before a security account: %r" % d["user"])
    add_user("sec", "security", area="", admin="boss")
    st, d = boss.call("GET", "/api/v1/session", expect=200)
    check("user.manage" not in d["user"]["permissions"], "admin after a security account: %r" % d["user"])

finish()
