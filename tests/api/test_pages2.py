"""What the staff pages of issue 12 (helper pages2) ask of the API: GET /cases?year= (the
dashboard's click-through lists limited to its year: every case of that year and no other, paged,
a bad year refused naming the field); unmasking an organisation and a class's roster with a reason
(each view in the access log; a role without person.read_unmasked refused, 403; the publicity list
masked whatever is asked); the licence and dated-status forms' refusals naming their field with a
Chinese message."""
import re
from apilib import *

cli("demo", "--persons", "300", "--orgs", "40", "--year-cases", "small")
sec = add_user("p2-sec", "security", area="", admin="cli")
aud = add_user("p2-aud", "auditor", area="", admin="p2-sec")
rev = add_user("p2-rev", "county_reviewer", area="640522", admin="p2-sec")
town = add_user("p2-town", "township_staff", area="640522100", admin="p2-sec")
ID_RX = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9X](?![0-9A-Za-z])")
Q = urllib.parse.quote


def all_cases(client, query):
    out, cursor = [], None
    for _ in range(50):
        st, d = client.call("GET", "/api/v1/cases?limit=500%s%s" % (query, "&cursor=" + cursor if cursor else ""),
                            expect=200)
        out += d["items"]
        cursor = d["next_cursor"]
        if not cursor:
            break
    return out


with Server() as srv:
    a = Client(srv).login(aud)
    r = Client(srv, a.api).login(rev)
    t = Client(srv, a.api).login(town)

    # ---- GET /cases?year= ----
    every = all_cases(r, "")
    years = sorted({c["year"] for c in every})
    check(len(years) >= 2, "the demo has cases of two years at least: %r" % years)
    for y in years:
        got = all_cases(r, "&year=%d" % y)
        want = sorted(c["id"] for c in every if c["year"] == y)
        check(sorted(c["id"] for c in got) == want, "year %d: %d cases listed, %d of that year" % (y, len(got), len(want)))
    # with the other filters and paged: two pages of one programme's year
    y = years[0]
    prog = next(c["program"] for c in every if c["year"] == y)
    want = sorted(c["id"] for c in every if c["year"] == y and c["program"] == prog)
    st, p1 = r.call("GET", "/api/v1/cases?program=%s&year=%d&limit=2" % (prog, y), expect=200)
    check(len(want) <= 2 or p1["next_cursor"], "a second page when more than two")
    got = [c["id"] for c in p1["items"]]
    if p1["next_cursor"]:
        st, p2 = r.call("GET", "/api/v1/cases?program=%s&year=%d&limit=2&cursor=%s" % (prog, y, p1["next_cursor"]),
                        expect=200)
        got += [c["id"] for c in p2["items"]]
    check(got == want[:len(got)] and len(got) == min(4, len(want)), "pages of %s %d: %r vs %r" % (prog, y, got, want[:4]))
    # a township user's list of a year: its own township's cases of that year only
    tl = all_cases(t, "&year=%d" % y)
    check(all(c["year"] == y for c in tl), "the township's list keeps the year")
    check(len(tl) < len([c for c in every if c["year"] == y]), "the township sees fewer than the county")
    st, e = r.call("GET", "/api/v1/cases?year=1999", expect=400)
    check(e["error"]["field"] == "year" and e["error"].get("message_zh"), "a bad year names the field: %r" % e)
    r.call("GET", "/api/v1/cases?year=twenty", expect=400)

    # ---- GET /reports/targets?by=township: the dashboard's township breakdown ----
    kind_of = {c["id"]: c["kind"] for c in every}
    DROPPED = {"rejected", "withdrawn", "cancelled"}
    ACHIEVED = {"recognised", "paid", "active", "ended", "held"}

    def counted(c):
        return (c["kind"] not in ("training_class", "monthly_payment") and c["state"] not in DROPPED
                and (not c.get("parent_id") or kind_of.get(c["parent_id"]) == "training_class"))

    def col(rep, key, row):
        return row[key] if isinstance(row, dict) else row[[k["key"] for k in rep["columns"]].index(key)]

    for y in years:
        st, rep = r.call("GET", "/api/v1/reports/targets?by=township&year=%d" % y, expect=200)
        rows = rep["rows"]
        codes = [col(rep, "township", x) for x in rows]
        check(len(codes) >= 15 and "640522100" in codes, "every township has a row: %r" % codes)
        check(any(col(rep, "name", x) == "海城镇" for x in rows), "townships named")
        want = [c for c in every if c["year"] == y and counted(c)]
        filed = sum(col(rep, "filed", x) or 0 for x in rows)
        achieved = sum(col(rep, "achieved", x) or 0 for x in rows)
        check(filed == len(want) and filed > 0, "%d: filed over the townships %d, cases of the year %d" % (y, filed, len(want)))
        check(achieved == len([c for c in want if c["state"] in ACHIEVED]), "%d: achieved %d" % (y, achieved))
        # the township user: its own row only, the same figures, its cases as its list shows them
        st, mine = t.call("GET", "/api/v1/reports/targets?by=township&year=%d" % y, expect=200)
        check([col(mine, "township", x) for x in mine["rows"]] == ["640522100"], "the township's row only: %r" % mine["rows"])
        own = next(x for x in rows if col(rep, "township", x) == "640522100")
        check(mine["rows"] and mine["rows"][0] == own, "the same row for the township user")
        tl = [c for c in all_cases(t, "&year=%d" % y) if counted(c)]
        check(col(rep, "filed", own) == len(tl) and len(tl) > 0, "%d: the township's filed %r, its list %d" % (y, col(rep, "filed", own), len(tl)))
        # the county reviewer's click-through: ?town= lists the same cases
        rl = all_cases(r, "&year=%d&town=640522100" % y)
        check(sorted(c["id"] for c in rl) == sorted(c["id"] for c in all_cases(t, "&year=%d" % y)),
              "%d: ?town= lists the township's cases (%d)" % (y, len(rl)))
    st, rep = r.call("GET", "/api/v1/reports/targets?by=township&year=%d&program=%s" % (y, prog), expect=200)
    check(sum(col(rep, "filed", x) or 0 for x in rep["rows"]) == len([c for c in every if c["year"] == y and c["program"] == prog and counted(c)]),
          "one programme's township figures")
    st, e = r.call("GET", "/api/v1/cases?town=6405221", expect=400)
    check(e["error"]["field"] == "town", "a bad ?town= names the field: %r" % e)
    st, e = r.call("GET", "/api/v1/reports/targets?by=village", expect=400)
    check(e["error"]["field"] == "by", "a bad ?by= names the field: %r" % e)
    st, x = r.raw("GET", "/api/v1/reports/targets?by=township&year=%d&format=xlsx" % y)
    check(st == 200 and isinstance(x, bytes) and x[:2] == b"PK", "the township breakdown as a workbook")

    # ---- an organisation unmasked with a reason ----
    st, orgs = t.call("GET", "/api/v1/orgs?limit=500", expect=200)
    org = next((o for o in orgs["items"] if (o.get("division") or "").startswith("640522100") and o.get("bank_account")
                and "*" in o["bank_account"]), None)
    check(org is not None, "the township has an organisation with a (masked) bank account")
    if org:
        st, d = t.call("GET", "/api/v1/orgs/%d" % org["id"], expect=200)
        check("*" in d["bank_account"], "masked for the township user")
        st, e = t.call("GET", "/api/v1/orgs/%d?unmask=1&reason=x" % org["id"], expect=403)
        check(e["error"].get("key") == "privacy.role_denied", "the township user refused: %r" % e)
        r.call("GET", "/api/v1/orgs/%d?unmask=1" % org["id"], expect=400)  # no reason
        st, d = r.call("GET", "/api/v1/orgs/%d?unmask=1&reason=%s" % (org["id"], Q("核对单位账户")), expect=200)
        check("*" not in d["bank_account"] and d["bank_account"][-4:] == org["bank_account"][-4:],
              "whole: %r" % d["bank_account"])
        st, log = a.call("GET", "/api/v1/access-log?user=p2-rev", expect=200)
        check(any(x["reason"] == "核对单位账户" and x["entity"] == "org" for x in log["items"]),
              "the organisation's view logged: %r" % log["items"][-3:])
        st, log = a.call("GET", "/api/v1/access-log?user=p2-town", expect=200)
        check(log["items"] == [], "a refused view is not logged as a view: %r" % log["items"])

    # ---- a class's roster (花名册) unmasked with a reason; the publicity list never ----
    cls = next((c for c in every if c["kind"] == "trainee_claim" and c.get("parent_id")), None)
    check(cls is not None, "a trainee claim under a class")
    if cls:
        q = "/api/v1/reports/roster?program=%s&case=%d" % (cls["program"], cls["parent_id"])
        st, d = r.call("GET", q, expect=200)
        check(d["rows"] and not ID_RX.search(json.dumps(d, ensure_ascii=False)), "the roster masked by default")
        st, e = t.call("GET", q + "&unmask=1&reason=x", expect=403)
        st, d = r.call("GET", q + "&unmask=1&reason=" + Q("核对班级花名册"), expect=200)
        check(ID_RX.search(json.dumps(d, ensure_ascii=False)), "the unmasked roster has whole ID numbers")
        st, log = a.call("GET", "/api/v1/access-log?user=p2-rev", expect=200)
        check(any(x["reason"] == "核对班级花名册" for x in log["items"]), "the roster's view logged")
    st, d = r.call("GET", "/api/v1/reports/publicity?unmask=1&reason=x", expect=200)
    check(not ID_RX.search(json.dumps(d, ensure_ascii=False)), "the publicity list stays masked")

    # ---- the licence and status forms' refusals: the field named, a Chinese message ----
    if org:
        t.call("POST", "/api/v1/orgs/%d/licences" % org["id"],
               {"kind": "办学许可证", "number": "X1", "valid_from": "2024-01-01"}, expect=403)  # no org.write
        st, e = r.call("POST", "/api/v1/orgs/%d/licences" % org["id"],
                       {"kind": "办学许可证", "number": "宁" * 30, "valid_from": "2024-01-01"}, expect=422)
        check(e["error"]["field"] == "number" and "超过" in e["error"]["message_zh"], "too long: %r" % e)
        st, e = r.call("POST", "/api/v1/orgs/%d/licences" % org["id"],
                       {"kind": "办学许可证", "number": "X1", "valid_from": "2024-03-01", "valid_until": "2024-01-01"},
                       expect=422)
        check(e["error"]["field"] == "valid_until" and e["error"].get("message_zh"), "order: %r" % e)
        st, d = r.call("POST", "/api/v1/orgs/%d/licences" % org["id"],
                       {"kind": "办学许可证", "number": "P2-001", "valid_from": "2024-03-01", "valid_until": "2027-02-28"},
                       expect=201)
        check(any(l["number"] == "P2-001" and l["valid_until"] == "2027-02-28" for l in d["licences"]), "added")
    st, ps = t.call("GET", "/api/v1/persons?limit=1", expect=200)
    pid = ps["items"][0]["id"]
    st, e = t.call("POST", "/api/v1/persons/%d/statuses" % pid,
                   {"kind": "registered_unemployed", "since": "2024-05-01", "until": "2024-01-31"}, expect=422)
    check(e["error"]["field"] == "until" and "早于" in e["error"]["message_zh"], "order: %r" % e)
    st, e = t.call("POST", "/api/v1/persons/%d/statuses" % pid, {"kind": "astronaut"}, expect=422)
    check(e["error"]["field"] == "kind", "unknown kind: %r" % e)
    st, d = t.call("POST", "/api/v1/persons/%d/statuses" % pid,
                   {"kind": "registered_unemployed", "since": "2024-05-01", "until": "2024-10-31"}, expect=201)
    check(any(s["kind"] == "registered_unemployed" and s["until"] == "2024-10-31" for s in d["statuses"]), "added")

    # ---- the scoring forms' items checked against policy/scoring-forms.tsv ----
    st, form = r.call("GET", "/api/v1/policy/programs/P16/form", expect=200)
    items = form["scoring"]["items"]
    top = max(items, key=lambda x: x["max"])
    oid = orgs["items"][0]["id"]
    base = {"program": "P16", "kind": "org_award", "org_id": oid, "date": "2024-06-03"}
    st, e = r.call("POST", "/api/v1/cases", dict(base, facts={"score_items": {"运营管理": 20}}), expect=422)
    check(e["error"]["field"].startswith("facts.score_items") and "运营管理" in e["error"]["message_zh"]
          and e["error"]["key"] == "scoring.unknown_item", "an unknown item named: %r" % e)
    st, e = r.call("POST", "/api/v1/cases", dict(base, facts={"score_items": {top["item"]: top["max"] + 1}}), expect=422)
    check(e["error"]["key"] == "scoring.over_max" and str(top["max"]) in e["error"]["message_zh"], "over the form's max: %r" % e)
    st, e = r.call("POST", "/api/v1/cases", dict(base, facts={"score_items": {top["item"]: 1}, "veto_items": ["发生重大安全事故"]}),
                   expect=422)
    check(e["error"]["key"] == "scoring.unknown_veto" and e["error"]["field"].startswith("facts.veto_items"), "an unknown veto item: %r" % e)
    st, e = r.call("POST", "/api/v1/cases", dict(base, facts={"score_items": {form["scoring"]["veto_items"][0]["item"]: 0}}), expect=422)
    check(e["error"]["key"] == "scoring.veto_scored", "a veto item scored: %r" % e)
    # P22: the 22 items of 5-22-2 with their points (合计 100), by name or number
    st, f22 = r.call("GET", "/api/v1/policy/programs/P22/form", expect=200)
    it22 = f22["scoring"]["items"]
    check(len(it22) == 22 and sum(x["max"] for x in it22) == 100 and it22[0] == dict(it22[0], item="设立就业服务专区", max=3),
          "P22's form: %r" % it22[:2])

    # ---- POST /cases/{class}/roster/steps: one step for ticked trainees, a result per claim ----
    by_class = {}
    for c in every:
        if c["kind"] == "trainee_claim" and c.get("parent_id") and c["state"] == "filed" and c["decision"] == "eligible":
            by_class.setdefault(c["parent_id"], []).append(c["id"])
    cls_id, claims = max(by_class.items(), key=lambda kv: len(kv[1]))
    check(len(claims) >= 3, "a class with three filed claims: %r" % claims[:3])
    other = next(c["id"] for c in every if c["kind"] == "trainee_claim" and c.get("parent_id") not in (None, cls_id))
    path = "/api/v1/cases/%d/roster/steps" % cls_id
    day = max(c["filed_on"] for c in every if c["id"] in claims[:3])  # a step is not before its filing
    body = {"ids": claims[:2] + [other], "step": "county_approve", "reason": "批量审核：材料齐全", "date": day}
    st, e = r.call("POST", path, dict(body, ids=[]), expect=422)
    check(e["error"]["field"] == "ids", "no ids: %r" % e)
    st, e = r.call("POST", path, dict(body, ids=[claims[0], claims[0]]), expect=422)
    check(e["error"]["key"] == "web.bulk_dup", "a claim twice: %r" % e)
    r.call("POST", path, dict(body, reason=""), expect=422)
    st, d = r.call("POST", path, body, expect=200, headers={"Idempotency-Key": "p2-bulk-1"})
    res = {x["id"]: x for x in d["results"]}
    check(d["done"] == 2 and d["failed"] == 1 and all(res[i]["ok"] and res[i]["state"] == "county_approved" for i in claims[:2]),
          "two claims approved: %r" % d)
    check(not res[other]["ok"] and res[other]["error"]["status"] == 404 and res[other]["error"]["key"] == "web.bulk_not_roster",
          "another class's claim refused on its row: %r" % res[other])
    st, again = r.call("POST", path, body, expect=200, headers={"Idempotency-Key": "p2-bulk-1"})
    check(again == d and r.last_headers.get("idempotent-replayed") == "true", "the same key replays the answer")
    for i in claims[:2]:
        st, one = r.call("GET", "/api/v1/cases/%d" % i, expect=200)
        steps = [h for h in one["history"] if h.get("step") == "county_approve"]
        check(len(steps) == 1 and steps[0].get("reason", "").startswith("批量审核：材料齐全"), "one step in %d's history with the reason: %r"
              % (i, one["history"][-2:]))
    # without the key: the claims already approved are refused per row (409), the third approved
    st, d = r.call("POST", path, dict(body, ids=claims[:3]), expect=200)
    res = {x["id"]: x for x in d["results"]}
    check(d["done"] == 1 and res[claims[2]]["ok"] and all(res[i]["error"]["status"] == 409 for i in claims[:2]),
          "per row, not all-or-nothing: %r" % d)
    # a role without case.step: refused before the handler
    fin = add_user("p2-fin", "finance", area="640522", admin="p2-sec")
    Client(srv, a.api).login(fin).call("POST", path, body, expect=403)

finish()
