"""Roster imports over HTTP (issue 11): an upload becomes an import job with counts (rows read,
written, rejected), its error report as JSON and as a CSV file naming row, field and reason; a bad
row never drops good ones; a file that cannot be read fails the job and writes nothing; uploads
as the raw file (GB18030 CSV, XLSX), a multipart form or base64 in JSON; 413 for too big, 415 for
another type; another county's user and another township's staff cannot see a job; a township
user's upload stores only their township's rows; the attendance sheet of a month goes through the
same jobs. The same importer as `jiuye person import` (tests/cli/import_*.sh)."""
import base64
import socket
from apilib import *

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ID_RE = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")


def read(name):
    with open(os.path.join(DATA, name), "rb") as f:
        return f.read()


def persons():
    _, out, _ = cli("person", "list")
    return [json.loads(l) for l in out.splitlines() if l.strip()]


admin = add_user("imp-admin", "admin", area="")
rev = add_user("imp-rev", "county_reviewer", area="640522", admin="imp-admin")
town = add_user("imp-town", "township_staff", area="640522105", admin="imp-admin")  # 七营镇
town2 = add_user("imp-town2", "township_staff", area="640522101", admin="imp-admin")  # 李旺镇
zn = add_user("imp-zn", "county_reviewer", area="640521", admin="imp-admin")  # 中宁县

mixed_gb = read("roster_mixed.csv").decode("utf-8").encode("gb18030")

with Server() as srv:
    r = Client(srv).login(rev)
    t = Client(srv, r.api).login(town)
    t2 = Client(srv, r.api).login(town2)
    z = Client(srv, r.api).login(zn)

    # ---- a GB18030 CSV with good and bad rows, as the raw file ----
    st, job = r.call("POST", "/api/v1/imports/persons?file_name=%E8%8A%B1%E5%90%8D%E5%86%8C.csv", mixed_gb,
                     content_type="text/csv", expect=201)
    jid = job["id"]
    check(job["state"] == "done" and job["kind"] == "persons" and job["format"] == "csv", "job: %r" % job)
    check(job["file_name"] == "花名册.csv", "file name: %r" % job["file_name"])
    check(job["rows_read"] == 9 and job["rejected"] == 5 and job["written"] == 4 and job["created"] == 4,
          "counts: %r" % job)
    check(job["summary"].get("encoding") == "gb18030", "encoding detected: %r" % job["summary"])
    check(job["bytes"] == len(mixed_gb), "bytes: %r" % job["bytes"])
    # the good rows are stored, with their Chinese decoded
    ps = {p["name"]: p for p in persons()}
    check({"马小明", "李秀兰", "马,福"} <= set(ps), "good rows stored: %r" % sorted(ps))
    check("王强" not in ps, "a bad row was stored")
    st, again = r.call("GET", "/api/v1/imports/%d" % jid, expect=200)
    check(again["rows_read"] == 9 and again["state"] == "done" and again["finished_at"], "GET job: %r" % again)
    # the error report as JSON: row, field, reason; ID numbers masked
    st, errs = r.call("GET", "/api/v1/imports/%d/errors" % jid, expect=200)
    rows = {(e["row"], e["field"]) for e in errs["items"]}
    check((4, "身份证号") in rows and (7, "姓名") in rows and (6, "性别") in rows, "error rows: %r" % rows)
    check(all(e["reason"] for e in errs["items"]), "every error has a reason")
    check(not ID_RE.search(json.dumps(errs, ensure_ascii=False)), "an ID number unmasked in the error report")
    bad = [e for e in errs["items"] if e["row"] == 4][0]
    check("check character" in bad["reason"], "reason for row 4: %r" % bad)
    # pages of the report
    st, p1 = r.call("GET", "/api/v1/imports/%d/errors?limit=2" % jid, expect=200)
    st, p2 = r.call("GET", "/api/v1/imports/%d/errors?limit=2&cursor=%s" % (jid, p1["next_cursor"]), expect=200)
    st, p3 = r.call("GET", "/api/v1/imports/%d/errors?limit=2&cursor=%s" % (jid, p2["next_cursor"]), expect=200)
    check([e["row"] for e in p1["items"] + p2["items"] + p3["items"]] == [e["row"] for e in errs["items"]]
          and p3["next_cursor"] is None, "report pages: %r %r %r" % (p1, p2, p3))
    # and as a file to download
    st, text = r.call("GET", "/api/v1/imports/%d/errors.csv" % jid, expect=200)
    check(r.last_headers.get("content-type", "").startswith("text/csv"), "csv type: %r" % r.last_headers)
    check("attachment" in r.last_headers.get("content-disposition", ""), "download: %r" % r.last_headers)
    lines = text.lstrip("\ufeff").splitlines()
    check(lines[0] == "row,column,value,reason" and len(lines) == 6, "csv report: %r" % lines)
    check(any(l.startswith("7,姓名,") for l in lines), "csv names row and field: %r" % lines)
    check(not ID_RE.search(text), "an ID number unmasked in the CSV report")
    # unmasked only with a reason, and the reviewer may
    r.call("GET", "/api/v1/imports/%d/errors?unmask=1" % jid, expect=400)
    st, whole = r.call("GET", "/api/v1/imports/%d/errors?unmask=1&reason=%s" % (jid, urllib.parse.quote("核对花名册")), expect=200)
    check(any(e["value"] == "640522198808080090" for e in whole["items"]), "unmasked report: %r" % whole)

    # ---- the same roster as XLSX: the same persons, unchanged ----
    st, xj = r.call("POST", "/api/v1/imports/persons?file_name=mixed.xlsx", read("roster_mixed.xlsx"),
                    content_type=XLSX_TYPE, expect=201)
    check(xj["format"] == "xlsx" and xj["rows_read"] == 9 and xj["unchanged"] == 4 and xj["rejected"] == 5,
          "xlsx job: %r" % xj)
    check(xj["summary"].get("sheet") == "花名册", "sheet: %r" % xj["summary"])
    # organisations, as a multipart form
    boundary = "----jiuye%d" % os.getpid()
    form = ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"orgs.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n" % boundary).encode() + read("orgs.csv") + \
        ("\r\n--%s--\r\n" % boundary).encode()
    st, oj = r.call("POST", "/api/v1/imports/orgs", form, content_type="multipart/form-data; boundary=" + boundary,
                    expect=201)
    check(oj["kind"] == "orgs" and oj["file_name"] == "orgs.csv" and oj["written"] >= 1, "orgs job: %r" % oj)
    # a file name in GBK (an old browser's form): stored with its non-ASCII bytes replaced
    form2 = ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" % boundary).encode() + \
        "花名册.csv".encode("gbk") + b"\"\r\n\r\n" + read("roster_good.csv") + ("\r\n--%s--\r\n" % boundary).encode()
    st, gj = r.call("POST", "/api/v1/imports/persons", form2, content_type="multipart/form-data; boundary=" + boundary,
                    expect=201)
    check(gj["file_name"].endswith(".csv") and "_" in gj["file_name"] and gj["rows_read"] == 3, "GBK name: %r" % gj)
    r.call("POST", "/api/v1/imports/orgs", ("--%s--\r\n" % boundary).encode(),
           content_type="multipart/form-data; boundary=" + boundary, expect=422)
    # base64 in JSON
    st, bj = r.call("POST", "/api/v1/imports/persons", {"file_name": "good.csv",
                                                         "content_base64": base64.b64encode(read("roster_good.csv")).decode()},
                    expect=201)
    check(bj["rows_read"] == 3 and bj["rejected"] == 0, "base64 job: %r" % bj)
    st, d = r.call("POST", "/api/v1/imports/persons", {"content_base64": "%%%"}, expect=422)
    check(d["error"]["field"] == "content_base64", "bad base64 names the field: %r" % d)
    st, d = r.call("POST", "/api/v1/imports/persons", {"file_name": "x.csv"}, expect=422)
    check(d["error"]["field"] == "content_base64", "missing content names the field: %r" % d)
    st, d = r.call("POST", "/api/v1/imports/persons?encoding=klingon", read("roster_good.csv"), content_type="text/csv",
                   expect=422)
    check(d["error"]["field"] == "encoding", "bad encoding names the field: %r" % d)

    # ---- a file that cannot be read: the job fails, nothing is written ----
    before = len(persons())
    st, fj = r.call("POST", "/api/v1/imports/persons?file_name=notes.csv", "这不是花名册\n随便写的\n".encode("utf-8"),
                    content_type="text/csv", expect=201)
    check(fj["state"] == "failed" and "header" in (fj["message"] or ""), "failed job: %r" % fj)
    check(len(persons()) == before, "a failed import wrote persons")
    st, d = r.call("GET", "/api/v1/imports/%d/errors" % fj["id"], expect=200)
    check(d["items"] == [], "failed job's report: %r" % d)

    # ---- limits: 413 before the body is read, 415 for another type, an empty body ----
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    s.sendall(("POST /api/v1/imports/persons HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nOrigin: %s\r\nCookie: %s\r\n"
               "X-CSRF-Token: %s\r\nContent-Type: text/csv\r\nContent-Length: %d\r\n\r\n"
               % (srv.port, srv.origin, r.cookie, r.csrf, 9 * 1024 * 1024)).encode())
    ans = s.recv(65536).decode("utf-8", "replace")
    s.close()
    check(ans.startswith("HTTP/1.1 413"), "too big: %r" % ans[:120])
    r.call("POST", "/api/v1/imports/persons", b"a,b\n", content_type="text/plain", expect=415)
    r.call("POST", "/api/v1/imports/persons", b"", content_type="text/csv", expect=(400, 422))

    # ---- who sees a job ----
    z.call("GET", "/api/v1/imports/%d" % jid, expect=404)
    z.call("GET", "/api/v1/imports/%d/errors" % jid, expect=404)
    z.call("GET", "/api/v1/imports/%d/errors.csv" % jid, expect=404)
    st, d = z.call("GET", "/api/v1/imports", expect=200)
    check(d["items"] == [], "another county lists our jobs: %r" % d["items"])
    t.call("GET", "/api/v1/imports/%d" % jid, expect=404)  # a county officer's job: not a township's
    r.call("GET", "/api/v1/imports/0", expect=404)
    # the list: the reviewer's jobs, two pages
    st, p1 = r.call("GET", "/api/v1/imports?limit=2", expect=200)
    st, p2 = r.call("GET", "/api/v1/imports?limit=2&cursor=" + p1["next_cursor"], expect=200)
    check(p1["items"][0]["id"] == jid and len(p1["items"]) == 2 and p2["items"][0]["id"] > p1["items"][1]["id"],
          "job pages: %r %r" % (p1, p2))

    # ---- a township user's upload: only the township's rows are stored ----
    cli("person", "list")  # (the good roster's three persons are registered already)
    st, tj = t.call("POST", "/api/v1/imports/persons?file_name=good.csv", read("roster_good.csv"),
                    content_type="text/csv", expect=201)
    check(tj["rows_read"] == 3 and tj["written"] == 1 and tj["rejected"] == 2, "township job: %r" % tj)
    st, te = t.call("GET", "/api/v1/imports/%d/errors" % tj["id"], expect=200)
    check(all("outside your area" in e["reason"] for e in te["items"]) and len(te["items"]) == 2,
          "township refusals: %r" % te["items"])
    st, d = t.call("GET", "/api/v1/imports", expect=200)
    check([x["id"] for x in d["items"]] == [tj["id"]], "township's list: %r" % d["items"])
    t2.call("GET", "/api/v1/imports/%d" % tj["id"], expect=404)  # another township
    r.call("GET", "/api/v1/imports/%d" % tj["id"], expect=200)  # the county sees its townships' jobs
    # a township's staff may not import organisations (org.write), nor a month's attendance sheet
    t.call("POST", "/api/v1/imports/orgs?file_name=orgs.csv", read("orgs.csv"), content_type="text/csv", expect=403)
    t.call("POST", "/api/v1/imports/attendance?program=P13&month=2024-03", b"x", content_type="text/csv", expect=403)

    # ---- the attendance sheet of a month ----
    sheet = ("身份证号,姓名,出勤天数,事假天数\n640522199003070019,马小明,20,1\n640522198511120022,李秀兰,abc,0\n"
             "640522199601010016,无此人,18,0\n").encode("utf-8")
    r.call("POST", "/api/v1/imports/attendance?month=2024-03", sheet, content_type="text/csv", expect=422)
    st, d = r.call("POST", "/api/v1/imports/attendance?program=%E6%B5%8B&month=2024-03", sheet, content_type="text/csv",
                   expect=422)
    check(d["error"]["field"] == "program", "bad programme named: %r" % d)
    st, d = r.call("POST", "/api/v1/imports/attendance?program=P13&month=2024-13", sheet, content_type="text/csv",
                   expect=422)
    check(d["error"]["field"] == "month", "bad month names the field: %r" % d)
    st, aj = r.call("POST", "/api/v1/imports/attendance?program=P13&month=2024-03&file_name=kq.csv", sheet,
                    content_type="text/csv", expect=201)
    check(aj["kind"] == "attendance" and aj["program"] == "P13" and aj["month"] == "2024-03" and
          aj["rows_read"] == 3 and aj["rejected"] == 3 and aj["written"] == 0, "attendance job: %r" % aj)
    st, ae = r.call("GET", "/api/v1/imports/%d/errors" % aj["id"], expect=200)
    why = {e["row"]: (e["field"], e["reason"]) for e in ae["items"]}
    check(why.get(3, ("", ""))[0] == "出勤天数" and "not registered" in why.get(4, ("", ""))[1] and
          "no placement" in why.get(2, ("", ""))[1], "attendance refusals: %r" % why)

    # ---- idempotent upload: the same key and body answer the same job ----
    st, k1 = r.call("POST", "/api/v1/imports/persons?file_name=good.csv", read("roster_good.csv"),
                    content_type="text/csv", headers={"Idempotency-Key": "imp-good-1"}, expect=201)
    st, k2 = r.call("POST", "/api/v1/imports/persons?file_name=good.csv", read("roster_good.csv"),
                    content_type="text/csv", headers={"Idempotency-Key": "imp-good-1"}, expect=201)
    check(k1["id"] == k2["id"], "idempotent upload made a second job: %r %r" % (k1["id"], k2["id"]))

finish()
