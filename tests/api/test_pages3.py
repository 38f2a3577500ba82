"""What the staff pages of issue 12 (helper pages3) ask of the API:
- GET /cases/waiting, the work list (待办): the cases waiting for a step the user's role takes
  (from GET /workflows: the steps leaving the case's state that name the role and do not undo —
  not release/recovery), in the user's area, sorted by deadline on the server with a cursor that
  follows that order (pages of 7 give the same list as one page of 500, no case twice); a
  township user sees its township's; an owner-bound role its own; a bad cursor or ?town= refused;
- GET /cases?town= filtered in the store's query: the township's cases (the subject's household
  registration, or the organisation's division), paged, equal for a township user and ?town=;
- organisations' dated statuses (migration 16): add, list, edit, end; the refusals naming the
  field; the audit log; a township user only in its township; persons' statuses edited and ended."""
import json
from apilib import *

cli("demo", "--persons", "300", "--orgs", "40", "--year-cases", "small")
sec = add_user("p3-sec", "security", area="", admin="cli")
aud = add_user("p3-aud", "auditor", area="", admin="p3-sec")
rev = add_user("p3-rev", "county_reviewer", area="640522", admin="p3-sec")
town = add_user("p3-town", "township_staff", area="640522100", admin="p3-sec")
trev = add_user("p3-trev", "county_reviewer", area="640522100", admin="p3-sec")
TOWN = "640522100"
NO_DEADLINE = "9999-12-31"


def pages(client, path, limit):
    out, cursor = [], None
    for _ in range(2000):
        sep = "&" if "?" in path else "?"
        st, d = client.call("GET", "%s%slimit=%d%s" % (path, sep, limit, "&cursor=" + cursor if cursor else ""),
                            expect=200)
        out += d["items"]
        cursor = d["next_cursor"]
        if not cursor:
            return out
    fail("%s: more than 2000 pages" % path)


def waiting_expected(cases, workflows, role):
    """The cases whose workflow has a forward step for role from their state (GET /workflows)."""
    plain, special = {}, {}
    for wf in workflows:
        for p in wf["programs"]:
            if p["kind"]:
                special["%s:%s" % (p["program"], p["kind"])] = wf
            else:
                plain[p["program"]] = wf
    out = {}
    for c in cases:
        wf = special.get("%s:%s" % (c["program"], c["kind"])) or plain.get(c["program"])
        if not wf:
            continue
        steps = []
        for s in wf["steps"]:
            roles = s["roles"]
            if c["state"] not in s["from"] or "release" in s["flags"] or "recovery" in s["flags"]:
                continue
            if role in roles or (role == "admin" and roles != ["*"]):
                steps.append(s["name"])
        if steps:
            out[c["id"]] = steps
    return out


def key(c):
    return (c["deadline"] or NO_DEADLINE, c["id"])


with Server() as srv:
    a = Client(srv).login(aud)
    r = Client(srv, a.api).login(rev)
    t = Client(srv, a.api).login(town)
    tr = Client(srv, a.api).login(trev)

    every = pages(r, "/api/v1/cases", 500)
    st, wfs = r.call("GET", "/api/v1/workflows", expect=200)
    wfs = wfs["items"]
    check(all(isinstance(s["flags"], list) for wf in wfs for s in wf["steps"]), "workflow steps list their flags")

    # ---- GET /cases?town=: the subject's township in the store's query ----
    tl = pages(t, "/api/v1/cases", 500)
    rl = pages(r, "/api/v1/cases?town=%s" % TOWN, 500)
    check(tl and sorted(c["id"] for c in tl) == sorted(c["id"] for c in rl),
          "the township user's list (%d) = ?town= (%d)" % (len(tl), len(rl)))
    check(0 < len(rl) < len(every), "the township has some of the county's cases: %d of %d" % (len(rl), len(every)))
    # each listed case's subject is in the township, and every case of such a subject is listed
    subj_town = {}
    for c in every[:: max(1, len(every) // 60)] + rl[:30]:
        if c.get("person_id"):
            k = ("p", c["person_id"])
            if k not in subj_town:
                st, p = r.call("GET", "/api/v1/persons/%d" % c["person_id"], expect=200)
                subj_town[k] = p.get("hukou_division", "")
        elif c.get("org_id"):
            k = ("o", c["org_id"])
            if k not in subj_town:
                st, o = r.call("GET", "/api/v1/orgs/%d" % c["org_id"], expect=200)
                subj_town[k] = o.get("division", "")
    in_town = {c["id"] for c in rl}
    sampled = 0
    for c in every[:: max(1, len(every) // 60)] + rl[:30]:
        k = ("p", c["person_id"]) if c.get("person_id") else ("o", c["org_id"]) if c.get("org_id") else None
        if k is None:
            continue
        sampled += 1
        want = subj_town[k].startswith(TOWN)
        check((c["id"] in in_town) == want, "case %d (subject in %r) listed under ?town=: %r" % (c["id"], subj_town[k], c["id"] in in_town))
    check(sampled > 40, "enough cases sampled: %d" % sampled)
    # paged with another filter: two pages of 3 follow the id order
    prog = rl[0]["program"]
    want = [c["id"] for c in rl if c["program"] == prog]
    got = [c["id"] for c in pages(r, "/api/v1/cases?town=%s&program=%s" % (TOWN, prog), 3)]
    check(got == want, "?town=&program= paged by 3: %r vs %r" % (got[:6], want[:6]))
    # another township's code for the township user: nothing (its area and ?town= do not overlap)
    st, d = t.call("GET", "/api/v1/cases?town=640522101", expect=200)
    check(d["items"] == [] and d["next_cursor"] is None, "another township's list is empty for the township user")

    # the overdue walk (?overdue=1 and /cases/overdue) keeps the township in its query too
    for path in ("/api/v1/cases?overdue=1", "/api/v1/cases/overdue"):
        county_od = pages(r, path, 500)
        mine_od = pages(t, path, 7)
        check(len(county_od) > len(mine_od) > 0, "%s: the county %d, the township %d" % (path, len(county_od), len(mine_od)))
        check([c["id"] for c in mine_od] == [c["id"] for c in county_od if c["id"] in in_town],
              "%s: the township user's are the county's of its township" % path)
        town_od = pages(r, path + "&town=%s" % TOWN if "?" in path else path, 500) if "?" in path else None
        if town_od is not None:
            check([c["id"] for c in town_od] == [c["id"] for c in mine_od], "%s&town= = the township user's" % path)

    # ---- GET /cases/waiting: the work list ----
    exp = waiting_expected(every, wfs, "county_reviewer")
    one = pages(r, "/api/v1/cases/waiting", 500)
    by7 = pages(r, "/api/v1/cases/waiting", 7)
    check(len(exp) > 20, "the demo has cases waiting for the county reviewer: %d" % len(exp))
    check([c["id"] for c in by7] == [c["id"] for c in one], "pages of 7 give the one page's list")
    check(len({c["id"] for c in one}) == len(one), "no case twice")
    check(sorted(c["id"] for c in one) == sorted(exp), "the waiting set: %d listed, %d expected; missing %r extra %r"
          % (len(one), len(exp), sorted(set(exp) - {c["id"] for c in one})[:5],
             sorted({c["id"] for c in one} - set(exp))[:5]))
    check([key(c) for c in one] == sorted(key(c) for c in one), "sorted by deadline, then id")
    byid = {c["id"]: c for c in every}
    for c in one:
        check(sorted(c["waiting_steps"]) == sorted(exp[c["id"]]), "case %d waits for %r, listed %r" % (c["id"], exp[c["id"]], c["waiting_steps"]))
        full = byid[c["id"]]
        dl = full.get("due_on") or full.get("publicity_end") or None
        check(c["deadline"] == dl, "case %d: deadline %r, due_on/publicity_end %r" % (c["id"], c["deadline"], dl))
    dated = [c for c in one if c["deadline"]]
    check(len(dated) > 5 and len({c["deadline"] for c in dated}) > 2, "several deadlines")
    # the order is not the id order (the cursor is not the case number)
    check([c["id"] for c in one] != sorted(c["id"] for c in one), "deadline order differs from id order")
    # ?program= and ?town=
    prog = one[0]["program"]
    got = pages(r, "/api/v1/cases/waiting?program=%s" % prog, 4)
    check([c["id"] for c in got] == [c["id"] for c in one if c["program"] == prog], "?program= keeps the order")
    got = pages(r, "/api/v1/cases/waiting?town=%s" % TOWN, 5)
    check([c["id"] for c in got] == [c["id"] for c in one if c["id"] in in_town], "?town= keeps the township's")
    # a county reviewer of one township: its township's waiting cases only, same order
    got = pages(tr, "/api/v1/cases/waiting", 6)
    check(got and [c["id"] for c in got] == [c["id"] for c in one if c["id"] in in_town],
          "a township's reviewer: %d of the county's %d" % (len(got), len(one)))
    # the township staff: the steps its role takes (hold …), in its township
    texp = waiting_expected([c for c in every if c["id"] in in_town], wfs, "township_staff")
    got = pages(t, "/api/v1/cases/waiting", 50)
    check(sorted(c["id"] for c in got) == sorted(texp), "township staff: %d listed, %d expected" % (len(got), len(texp)))
    # the auditor takes no step: an empty list
    st, d = a.call("GET", "/api/v1/cases/waiting", expect=403 if False else None)
    check(st in (200, 403), "auditor: %d" % st)
    if st == 200:
        check(d["items"] == [], "the auditor waits for nothing")
    # refusals
    st, e = r.call("GET", "/api/v1/cases/waiting?cursor=zzz", expect=400)
    check(e["error"]["field"] == "cursor", "a bad cursor names the field: %r" % e)
    st, e = r.call("GET", "/api/v1/cases/waiting?town=6405", expect=400)
    check(e["error"]["field"] == "town", "a bad town names the field: %r" % e)
    # taking the step moves the case off the list
    first = next(c for c in one if "county_approve" in c["waiting_steps"] or "approve" in c["waiting_steps"])
    step = "county_approve" if "county_approve" in first["waiting_steps"] else "approve"
    st, d = r.call("POST", "/api/v1/cases/%d/steps" % first["id"], {"step": step, "reason": "pages3 测试"})
    if st == 200:
        after = pages(r, "/api/v1/cases/waiting", 500)
        moved = next((c for c in after if c["id"] == first["id"]), None)
        check(moved is None or moved["waiting_steps"] != first["waiting_steps"],
              "case %d after %s: %r" % (first["id"], step, moved))

    # ---- organisations' dated statuses (migration 16) ----
    orgs = pages(r, "/api/v1/orgs", 500)
    def org_full(c, oid):
        return c.call("GET", "/api/v1/orgs/%d" % oid, expect=200)[1]
    mine_org = other_org = None
    for o in orgs:
        d = org_full(r, o["id"])
        if d.get("division", "").startswith(TOWN) and not mine_org:
            mine_org = d
        elif d.get("division", "") and not d["division"].startswith(TOWN) and not other_org:
            other_org = d
        if mine_org and other_org:
            break
    check(mine_org and other_org, "an organisation in the township and one outside it")
    check(mine_org["statuses"] == [], "no statuses before: %r" % mine_org["statuses"])
    oid = mine_org["id"]
    st, d = r.call("POST", "/api/v1/orgs/%d/statuses" % oid, {"kind": "限期整改", "since": "2024-03-01", "detail": "台账不全"},
                   expect=201)
    check(len(d["statuses"]) == 1 and d["statuses"][0]["kind"] == "rectification" and d["statuses"][0]["label"] == "限期整改"
          and d["statuses"][0]["since"] == "2024-03-01" and d["statuses"][0]["until"] is None, "added: %r" % d["statuses"])
    sid = d["statuses"][0]["id"]
    st, d = r.call("POST", "/api/v1/orgs/%d/statuses" % oid, {"kind": "rectification", "since": "2024-03-01", "detail": "台账不全"},
                   expect=201)
    check(len(d["statuses"]) == 1, "the same status twice is held once")
    st, d = r.call("POST", "/api/v1/orgs/%d/statuses" % oid, {"kind": "designated_training", "since": "2023-01-01"}, expect=201)
    check([x["kind"] for x in d["statuses"]] == ["rectification", "designated_training"], "two statuses in order")
    for body, field in [({"kind": "astronaut"}, "kind"), ({}, "kind"), ({"kind": "suspended", "since": "2024-05-01", "until": "2024-04-01"}, "until"),
                        ({"kind": "suspended", "since": "2024-13-01"}, "since"), ({"kind": "suspended", "detail": "长" * 30}, "detail"),
                        ({"kind": "suspended", "colour": "red"}, "colour")]:
        st, e = r.call("POST", "/api/v1/orgs/%d/statuses" % oid, body, expect=422)
        check(e["error"]["field"] == field and e["error"].get("message_zh"), "%r refused naming %s: %r" % (body, field, e["error"]))
    check(len(org_full(r, oid)["statuses"]) == 2, "nothing stored by the refusals")
    # ended: PUT with until; edited: detail
    st, d = r.call("PUT", "/api/v1/orgs/%d/statuses/%d" % (oid, sid),
                   {"kind": "rectification", "since": "2024-03-01", "until": "2024-06-30", "detail": "已整改完毕"}, expect=200)
    x = next(x for x in d["statuses"] if x["id"] == sid)
    check(x["until"] == "2024-06-30" and x["detail"] == "已整改完毕", "ended and edited: %r" % x)
    st, e = r.call("PUT", "/api/v1/orgs/%d/statuses/%d" % (oid, sid), {"kind": "rectification", "since": "2024-07-01", "until": "2024-06-30"},
                   expect=422)
    check(e["error"]["field"] == "until", "an end before the start refused: %r" % e)
    r.call("PUT", "/api/v1/orgs/%d/statuses/%d" % (oid, sid + 100000), {"kind": "rectification"}, expect=404)
    # another organisation's status id through this one: not found
    st, d = r.call("POST", "/api/v1/orgs/%d/statuses" % other_org["id"], {"kind": "incubator"}, expect=201)
    r.call("PUT", "/api/v1/orgs/%d/statuses/%d" % (oid, d["statuses"][0]["id"]), {"kind": "incubator"}, expect=404)
    # a township user: no org.write (403); another township's reviewer: the organisation is not found
    t.call("POST", "/api/v1/orgs/%d/statuses" % oid, {"kind": "incubator"}, expect=403)
    tr.call("POST", "/api/v1/orgs/%d/statuses" % other_org["id"], {"kind": "incubator"}, expect=404)
    tr.call("PUT", "/api/v1/orgs/%d/statuses/%d" % (other_org["id"], d["statuses"][0]["id"]), {"kind": "incubator"}, expect=404)
    st, d = tr.call("POST", "/api/v1/orgs/%d/statuses" % oid, {"kind": "internship_base", "since": "2024-01-01"}, expect=201)
    check(any(x["kind"] == "internship_base" for x in d["statuses"]), "the township's reviewer adds to its own township's")

    # ---- persons' statuses edited and ended ----
    pers = pages(t, "/api/v1/persons", 50)
    pid = pers[0]["id"]
    st, d = t.call("POST", "/api/v1/persons/%d/statuses" % pid, {"kind": "registered_unemployed", "since": "2024-02-01", "detail": "pages3"},
                   expect=201)
    ps = next(x for x in d["statuses"] if x["detail"] == "pages3")
    st, d = t.call("PUT", "/api/v1/persons/%d/statuses/%d" % (pid, ps["id"]),
                   {"kind": "registered_unemployed", "since": "2024-02-01", "until": "2024-09-30", "detail": "pages3 已就业"}, expect=200)
    x = next(x for x in d["statuses"] if x["id"] == ps["id"])
    check(x["until"] == "2024-09-30" and x["detail"] == "pages3 已就业", "a person's status ended: %r" % x)
    st, e = t.call("PUT", "/api/v1/persons/%d/statuses/%d" % (pid, ps["id"]), {"kind": "astronaut"}, expect=422)
    check(e["error"]["field"] == "kind", "unknown kind named: %r" % e)
    st, e = t.call("PUT", "/api/v1/persons/%d/statuses/%d" % (pid, ps["id"]),
                   {"kind": "registered_unemployed", "since": "2024-02-01", "until": "2024-01-01"}, expect=422)
    check(e["error"]["field"] == "until", "the dates' order: %r" % e)
    t.call("PUT", "/api/v1/persons/%d/statuses/%d" % (pid, ps["id"] + 100000), {"kind": "registered_unemployed"}, expect=404)
    # another township's person: not found for the township user
    other_p = next(c["person_id"] for c in every if c.get("person_id") and c["id"] not in in_town)
    r.call("GET", "/api/v1/persons/%d" % other_p, expect=200)
    t.call("PUT", "/api/v1/persons/%d/statuses/%d" % (other_p, ps["id"]), {"kind": "registered_unemployed"}, expect=404)

    # ---- the audit log: each add and edit, with the row before and after ----
    log = pages(a, "/api/v1/audit", 500)
    ours = [e for e in log if e["entity"] in ("org_status", "person_status") and e["entity_id"] in (sid, ps["id"])]
    acts = [(e["entity"], e["entity_id"], e["action"]) for e in ours]
    check(("org_status", sid, "create") in acts and ("org_status", sid, "update") in acts, "the org status's entries: %r" % acts)
    check(("person_status", ps["id"], "update") in acts, "the person status's edit: %r" % acts)
    upd = next(e for e in ours if e["entity"] == "org_status" and e["action"] == "update")
    text = json.dumps(upd, ensure_ascii=False)
    check("台账不全" in text and "已整改完毕" in text, "before and after in the entry: %s" % text[:300])
    st, v = a.call("GET", "/api/v1/audit/verify", expect=200)
    check(v["ok"], "the chain verifies: %r" % v)
finish()
