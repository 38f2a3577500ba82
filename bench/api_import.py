"""bench/api_import.py — time one roster upload through the API (POST /api/v1/imports/persons):
N generated persons (valid ID numbers, a township of Haiyuan) as one CSV, on a fresh database.

  JIUYE=build-san/jiuye JIUYE_DB=/tmp/b.db JY_POLICY_DIR=policy python3 bench/api_import.py 20000

(for PostgreSQL, JIUYE_DB=postgresql://… of an empty database). Prints rows, bytes, seconds and
rows per second."""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "api"))
from apilib import Client, Server, add_user  # noqa: E402

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def idcard(i):
    b = "640522%04d%02d%02d%03d" % (1960 + i % 40, 1 + i // 40 % 12, 1 + i // 480 % 28, i % 1000)
    return b + "10X98765432"[sum(int(x) * w for x, w in zip(b, W)) % 11]


n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
lines, seen, i = ["序号,姓名,身份证号,户籍所在地,联系电话"], set(), 0
while len(seen) < n:
    p = idcard(i)
    i += 1
    if p not in seen:
        seen.add(p)
        lines.append("%d,测试%d,%s,海原县七营镇,139%08d" % (len(seen), len(seen), p, len(seen)))
body = ("\n".join(lines) + "\n").encode()
add_user("bench-admin", "admin", area="")
rev = add_user("bench-rev", "county_reviewer", area="640522", admin="bench-admin")
with Server() as srv:
    c = Client(srv).login(rev)
    t0 = time.time()
    st, job = c.call("POST", "/api/v1/imports/persons?file_name=bench.csv", body, content_type="text/csv", expect=201)
    dt = time.time() - t0
    print("rows %d written %d rejected %d bytes %d seconds %.2f rows/s %.0f"
          % (job["rows_read"], job["written"], job["rejected"], len(body), dt, job["rows_read"] / dt))
