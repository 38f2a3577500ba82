"""The write lane (group commit, issue 11; docs/http.md "The write lane"): case filings sent at the
same moment are committed together in one store transaction, each in its own savepoint. A group
of concurrent filings where some are refused (unknown facts, a village of another township, a
malformed Idempotency-Key, an Idempotency-Key reused for another body) and some repeat an earlier
request's key must answer each request exactly as if it had run alone, and leave in the store
exactly the accepted filings, once each, with the audit chain whole.

On SQLite the server runs with the lane (--write-batch 64) and a test-only gathering pause
(JIUYE_TEST_LANE_GATHER_MS) so that the requests sent together land in one group however the
threads are scheduled; the server's closing line must show a group of more than one request.
The same filings are then sent to a server without the lane (--write-batch 0) and must get the
same answers. On PostgreSQL the lane is off (one transaction per request) and the same answers
are checked."""
import threading

from apilib import *

os.environ["JIUYE_TODAY"] = "2024-12-01"
os.environ["JIUYE_TEST_LANE_GATHER_MS"] = "400"
SQLITE = os.environ.get("JY_BACKEND", "sqlite") == "sqlite"



def uscc(body17):
    """An 18-character unified social credit code with its check character (GB 32100-2015)."""
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    s = sum(chars.index(c) * w[i] for i, c in enumerate(body17))
    return body17 + chars[(31 - s % 31) % 31]


# villages of 七营镇 (640522105) to file P25 awards for, and one of 海城镇 (another township)
VILLAGES = [uscc("93640522MA77%05d" % i) for i in range(1, 13)]
FOREIGN = uscc("93640522MA7799991")
for i, u in enumerate(VILLAGES):
    cli("org", "add", "--uscc", u, "--name", "七营镇第%d村" % (i + 1), "--kind", "community", "--division", "640522105")
cli("org", "add", "--uscc", FOREIGN, "--name", "海城镇某村", "--kind", "community", "--division", "640522100")
_, out, _ = cli("org", "list")
ORG = {json.loads(l)["uscc"]: json.loads(l)["id"] for l in out.splitlines()}
admin = add_user("wl-admin", "admin", area="")
rev = add_user("wl-rev", "county_reviewer", area="640522", admin="wl-admin")
town = add_user("wl-town", "township_staff", area="640522105", admin="wl-admin")


def filing(uscc, day, facts=None):
    return {"program": "P25", "org_id": ORG[uscc], "date": "2024-09-%02d" % day, "facts": facts or {}}


def requests_of(run):
    """The requests of one round: (name, body, headers, expected statuses). Keys carry the run's
    name so that two servers on one database do not share them."""
    rq = []
    for i, u in enumerate(VILLAGES[:6]):  # good, with a key each
        rq.append(("good%d" % i, filing(u, 10 + i), {"Idempotency-Key": "%s-good-%d" % (run, i)}, (201,)))
    for i, u in enumerate(VILLAGES[:3]):  # the same key and body again: the same answer, no new case
        rq.append(("again%d" % i, filing(u, 10 + i), {"Idempotency-Key": "%s-good-%d" % (run, i)}, (201,)))
    for i, u in enumerate(VILLAGES[6:9]):  # good, no key
        rq.append(("plain%d" % i, filing(u, 20 + i), {}, (201,)))
    for i in range(2):  # a key used by two different bodies: one is filed, the other refused
        rq.append(("pairA%d" % i, filing(VILLAGES[9 + i], 5), {"Idempotency-Key": "%s-pair-%d" % (run, i)}, (201, 422)))
        rq.append(("pairB%d" % i, filing(VILLAGES[9 + i], 6), {"Idempotency-Key": "%s-pair-%d" % (run, i)}, (201, 422)))
    for i in range(3):  # unknown facts: refused, naming the fact
        rq.append(("badfact%d" % i, filing(VILLAGES[i], 3, {"bogus%d" % i: 1}), {}, (422,)))
    rq.append(("foreign", filing(FOREIGN, 4), {}, (404,)))  # another township's village
    rq.append(("badkey", filing(VILLAGES[11], 4), {"Idempotency-Key": "no spaces allowed"}, (400,)))
    return rq


def send_together(srv, client, rq):
    """Sends every request at once (one connection each); returns name -> (status, body, headers)."""
    out = {}
    barrier = threading.Barrier(len(rq))

    def one(name, body, headers):
        c = Client(srv, client.api)
        c.cookie, c.csrf = client.cookie, client.csrf
        barrier.wait()
        st, d = c.raw("POST", "/api/v1/cases", body, headers=headers)
        out[name] = (st, d, c.last_headers)

    ts = [threading.Thread(target=one, args=(n, b, h)) for n, b, h, _ in rq]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return out


def case_ids(r):
    st, d = r.call("GET", "/api/v1/cases?program=P25&limit=500", expect=200)
    return sorted(x["id"] for x in d["items"])


def round_(srv, run, t, r, before, lane):
    rq = requests_of(run)
    got = send_together(srv, t, rq)
    filed = set()
    for name, body, headers, exp in rq:
        st, d, h = got[name]
        if not lane and name.startswith(("good", "again")) and st == 409:
            exp = (409,)  # the key's first request still running (checked below)
        if not check(st in exp, "%s %s: status %d, expected %s: %s" % (run, name, st, exp, str(d)[:300])):
            continue
        if st == 201:
            check(d["org_id"] == body["org_id"] and d["filed_on"] == body["date"] and d["state"] == "filed",
                  "%s %s: the answer is another filing's: %r" % (run, name, {k: d.get(k) for k in ("org_id", "filed_on")}))
            filed.add(d["id"])
        elif name.startswith("badfact"):
            check(d["error"]["field"].startswith("facts.bogus"), "%s %s: field %r" % (run, name, d["error"]))
        elif name == "badkey":
            check(d["error"]["field"] == "Idempotency-Key", "%s badkey: %r" % (run, d["error"]))
        elif name.startswith("pair"):
            check(d["error"]["code"] == "idempotency_mismatch", "%s %s: %r" % (run, name, d["error"]))
    # a repeated key answers the first request's case; without the lane the second of two
    # requests running at the same moment may instead be told the first is still running (409),
    # in the lane never: a group runs its requests one after the other
    for i in range(3):
        a, b = got["good%d" % i], got["again%d" % i]
        if lane or not (409 in (a[0], b[0])):
            check(a[0] == b[0] == 201 and a[1]["id"] == b[1]["id"],
                  "%s key good-%d: two answers %s / %s" % (run, i, a[1].get("id"), b[1].get("id")))
            check((a[2].get("idempotent-replayed") == "true") != (b[2].get("idempotent-replayed") == "true"),
                  "%s key good-%d: exactly one answer is the replay" % (run, i))
        else:
            check(sorted([a[0], b[0]]) == [201, 409] and (a if a[0] == 409 else b)[1]["error"]["code"] == "in_progress",
                  "%s key good-%d: %s / %s" % (run, i, a[0], b[0]))
    # of each pair sharing a key with different bodies, exactly one was filed
    for i in range(2):
        sts = sorted([got["pairA%d" % i][0], got["pairB%d" % i][0]])
        check(sts == [201, 422], "%s pair %d: %s" % (run, i, sts))
    check(len(filed) == 6 + 3 + 2, "%s: %d distinct cases filed, expected 11: %s" % (run, len(filed), sorted(filed)))
    now = case_ids(r)
    check(sorted(set(now) - set(before)) == sorted(filed),
          "%s: the store holds %s new cases, the answers gave %s" % (run, sorted(set(now) - set(before)), sorted(filed)))
    return now


def lane_line(srv):
    srv.stop()
    text = open(srv.err).read()
    m = re.search(r"write lane: (\d+) requests in (\d+) group commits \(largest (\d+)\)", text)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


before = []
with Server(*(["--write-batch", "64"] if SQLITE else [])) as srv:
    t = Client(srv).login(town)
    r = Client(srv, t.api).login(rev)
    before = round_(srv, "lane", t, r, before, SQLITE)
    stats = lane_line(srv)
    if SQLITE:
        n = len(requests_of("x"))
        check(stats is not None, "no write-lane line from the server: %s" % open(srv.err).read()[-400:])
        if stats:
            check(stats[0] == n and stats[2] >= 2,
                  "the %d filings sent together were not grouped: %d requests, %d groups, largest %d" % ((n,) + stats))
    else:
        check(stats is None, "the lane ran on PostgreSQL: %r" % (stats,))

if SQLITE:  # the same filings without the lane: the same answers
    with Server("--write-batch", "0") as srv:
        t = Client(srv).login(town)
        r = Client(srv, t.api).login(rev)
        before = round_(srv, "nolane", t, r, before, False)
        check(lane_line(srv) is None, "--write-batch 0 still grouped")

rc, out, err = cli("audit", "verify", ok=False)
check(rc == 0, "the audit chain after the groups: %s %s" % (out, err))
finish()
