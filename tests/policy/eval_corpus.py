#!/usr/bin/env python3
"""A corpus of `policy eval` input lines for comparing the fast reader with the reference (jansson)
reader byte for byte (tests/cli/policy_eval_fast.sh, issue 14 item 6).

Every row of tests/policy/*.tsv (all 26 programmes, eligible / ineligible / needs_review, the seed's
training names, spellings of levels, money and dates, prior trainings) as a case line, in several
layouts (key orders, white space, integer / Chinese / long / missing ids); then hand-written lines
(bad JSON, unknown programmes and facts, wrong types, out-of-range values, duplicate names,
escapes, invalid UTF-8, control characters, numbers in every form, nested values, blank lines,
CRLF); then random mutations of good lines (a byte deleted, inserted, replaced, a value swapped)
so that errors of every kind appear. Deterministic: the same seed gives the same file.

usage: eval_corpus.py TESTS_POLICY_DIR OUT [COPIES] [SEED]"""
import glob
import json
import os
import random
import sys

src, out = sys.argv[1], sys.argv[2]
copies = int(sys.argv[3]) if len(sys.argv) > 3 else 3
rnd = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 14)

rows = []
for path in sorted(glob.glob(os.path.join(src, "*.tsv"))):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            p = line.rstrip("\n").split("\t")
            rows.append((p[0], p[1], p[2], p[3]))

lines = []


def case_line(i, rid, prog, date, facts, layout):
    f = json.loads(facts)
    if layout == 0:
        return '{"id":"%s","program":"%s","date":"%s","facts":%s}' % (rid, prog, date, facts)
    if layout == 1:  # facts first, white space, an integer id
        return '{ "facts" : %s , "date":"%s",\t"program": "%s", "id": %d }' % (json.dumps(f, ensure_ascii=False), date, prog, i)
    if layout == 2:  # reversed fact order, Chinese id, no spaces
        items = list(f.items())[::-1]
        body = ",".join('%s:%s' % (json.dumps(k), json.dumps(v, ensure_ascii=False, separators=(",", ":"))) for k, v in items)
        return '{"program":"%s","id":"案例-%s-甲","date":"%s","facts":{%s}}' % (prog, rid, date, body)
    if layout == 3:  # no id, the date as 2024/6/28
        parts = date.split("-")
        if len(parts) == 3 and all(x.isdigit() for x in parts):
            date = "%s/%d/%d" % (parts[0], int(parts[1]), int(parts[2]))
        return '{"program":"%s","date":"%s","facts":%s}' % (prog, date, facts)
    if layout == 4:  # the id null, then a long id; trailing spaces and CR
        rid2 = (rid + "-") * 40
        return '{"id":"%s","program":"%s","date":"%s","facts":%s}  \r' % (rid2, prog, date, facts)
    if layout == 5:  # ASCII escapes (the reference reader reads these)
        return '{"id":"%s\\u00e9","program":"%s","date":"%s","facts":%s}' % (rid, prog, date, facts)
    return '{"id":null,"program":"%s","date":"%s","facts":%s}' % (prog, date, facts)


n = 0
for c in range(copies):
    for rid, prog, date, facts in rows:
        lines.append(case_line(n, rid, prog, date, facts, (n + c) % 7))
        n += 1

# hand-written lines: every error the reader gives, and the shapes around them
P10 = '"program":"P10","date":"2024-08-20"'
hand = [
    '', '   ', '\r', '{', '}', '[]', '[1,2]', '"x"', '42', 'null', 'true', '{}', '{"id":"a"}',
    '{"id":"bad",', '{"id":"x","program":"P10","date":"2024-08-20","facts":{"working_days":17}} trailing',
    '{"id":"x","program":"P10","date":"2024-08-20","facts":{"working_days":17}}{}',
    '{"id":"x",%s,"facts":{"working_days":17}}' % P10,
    '{"id":"x",%s,"facts":{"working_days":17},"extra":1}' % P10,
    '{"id":"x",%s,"facts":{"working_days":17},"extra":{"a":[1,2,{"b":null}]}}' % P10,
    '{"id":"x",%s,"facts":{"working_days":17},"id":"y"}' % P10,
    '{"id":"x",%s,"facts":{"working_days":17,"working_days":18}}' % P10,
    '{"id":"x",%s,"facts":{"working_dayz":17}}' % P10,
    '{"id":"x",%s,"facts":{"qqqqqqqqqqqqqqqqqqq":17}}' % P10,
    '{"id":"x",%s,"facts":{"":17}}' % P10,
    '{"id":"x",%s,"facts":{"working_days":"17"}}' % P10,
    '{"id":"x",%s,"facts":{"working_days":"十七"}}' % P10,
    '{"id":"x",%s,"facts":{"working_days":17.0}}' % P10,
    '{"id":"x",%s,"facts":{"working_days":17.5}}' % P10,
    '{"id":"x",%s,"facts":{"working_days":1e1}}' % P10,
    '{"id":"x",%s,"facts":{"working_days":-3}}' % P10,
    '{"id":"x",%s,"facts":{"working_days":-0}}' % P10,
    '{"id":"x",%s,"facts":{"working_days":017}}' % P10,
    '{"id":"x",%s,"facts":{"working_days":99999999999999999999}}' % P10,
    '{"id":"x",%s,"facts":{"working_days":1000000001}}' % P10,
    '{"id":"x",%s,"facts":{"working_days":true}}' % P10,
    '{"id":"x",%s,"facts":{"working_days":null}}' % P10,
    '{"id":"x",%s,"facts":{"working_days":[17]}}' % P10,
    '{"id":"x",%s,"facts":{"working_days":{"v":17}}}' % P10,
    '{"id":"x",%s,"facts":{"working_days":17,}}' % P10,
    '{"id":"x",%s,"facts":{"working_days" 17}}' % P10,
    '{"id":"x",%s,"facts":null}' % P10,
    '{"id":"x",%s,"facts":[]}' % P10,
    '{"id":"x",%s,"facts":{}}' % P10,
    '{"id":"x",%s}' % P10,
    '{"id":"x","program":"P99","date":"2024-08-20","facts":{}}',
    '{"id":"x","program":"p10","date":"2024-08-20","facts":{}}',
    '{"id":"x","program":10,"date":"2024-08-20","facts":{}}',
    '{"id":"x","program":"P10","date":"2024-02-30","facts":{}}',
    '{"id":"x","program":"P10","date":"2024-13-01","facts":{}}',
    '{"id":"x","program":"P10","date":"20240820","facts":{"working_days":17}}',
    '{"id":"x","program":"P10","date":"2024年8月20日","facts":{"working_days":17}}',
    '{"id":"x","program":"P10","date":" 2024-08-20 ","facts":{"working_days":17}}',
    '{"id":"x","program":"P10","date":"","facts":{}}',
    '{"id":"x","program":"P10","date":20240820,"facts":{}}',
    '{"id":"x","program":"P10","facts":{}}',
    '{"id":12345678901234567890,%s,"facts":{"working_days":17}}' % P10,
    '{"id":-7,%s,"facts":{"working_days":17}}' % P10,
    '{"id":1.5,%s,"facts":{"working_days":17}}' % P10,
    '{"id":true,%s,"facts":{"working_days":17}}' % P10,
    '{"id":["a"],%s,"facts":{"working_days":17}}' % P10,
    '{"id":"tab\there",%s,"facts":{"working_days":17}}' % P10,
    '{"id":"quote\\"d",%s,"facts":{"working_days":17}}' % P10,
    '{"id":"nul\\u0000",%s,"facts":{"working_days":17}}' % P10,
    '{"id":"\\ud800",%s,"facts":{"working_days":17}}' % P10,
    '{"id":"\x7f del",%s,"facts":{"working_days":17}}' % P10,
    '{"id":"' + "长" * 100 + '",%s,"facts":{"working_days":17}}' % P10,
    '{"id":"' + "a" * 255 + '",%s,"facts":{"working_days":17}}' % P10,
    '{"id":"' + "a" * 256 + '",%s,"facts":{"working_days":17}}' % P10,
    '{"id":"x","pro\\u0067ram":"P10","date":"2024-08-20","facts":{"working_days":17}}',
    '{"id":"x",%s,"facts":{"working\\u005fdays":17}}' % P10,
    # money, ratios, enums, sets, dates as facts
    '{"id":"m1","program":"P4","date":"2024-06-20","facts":{"base":"1,000.00","budget":"2000元","approved":160000,"stars":5}}',
    '{"id":"m2","program":"P4","date":"2024-06-20","facts":{"base":"abc","budget":2000}}',
    '{"id":"m3","program":"P4","date":"2024-06-20","facts":{"base":-5}}',
    '{"id":"m4","program":"P4","date":"2024-06-20","facts":{"base":1.5}}',
    '{"id":"m5","program":"P4","date":"2024-06-20","facts":{"base":922337203685477580}}',
    '{"id":"m6","program":"P4","date":"2024-06-20","facts":{"publicity_start":"2024/6/1","publicity_end":"2024-06-31"}}',
    '{"id":"m7","program":"P4","date":"2024-06-20","facts":{"publicity_start":20240601}}',
    '{"id":"r1","program":"P22","date":"2024-03-15","facts":{"veto":false,"employment_rate":0.85,"reemployment_rate":"82%","reemployment_4050":"0.75","zero_families_left":0}}',
    '{"id":"r2","program":"P22","date":"2024-03-15","facts":{"employment_rate":85,"reemployment_rate":"82.5%"}}',
    '{"id":"r3","program":"P22","date":"2024-03-15","facts":{"employment_rate":0.123456789}}',
    '{"id":"r4","program":"P22","date":"2024-03-15","facts":{"employment_rate":1e-3}}',
    '{"id":"r5","program":"P22","date":"2024-03-15","facts":{"employment_rate":"x%"}}',
    '{"id":"e1","program":"P1","date":"2024-05-01","facts":{"certificate":"level9"}}',
    '{"id":"e2","program":"P1","date":"2024-05-01","facts":{"certificate":5}}',
    '{"id":"e3","program":"P1","date":"2024-05-01","facts":{"statuses":["retired","nothing"]}}',
    '{"id":"e4","program":"P1","date":"2024-05-01","facts":{"statuses":"retired"}}',
    '{"id":"e5","program":"P1","date":"2024-05-01","facts":{"statuses":[1]}}',
    '{"id":"e6","program":"P1","date":"2024-05-01","facts":{"statuses":["retired","retired"],"route":"institution"}}',
    '{"id":"e7","program":"P1","date":"2024-05-01","facts":{"occupation_kind":"level"}}',
    '{"id":"e8","program":"P1","date":"2024-05-01","facts":{"occupation_kind":null,"prior_same_training":null}}',
    '{"id":"o1","program":"P1","date":"2024-05-01","facts":{"occupation":"养老护理","level":"初级","certificate":"level5"}}',
    '{"id":"o2","program":"P1","date":"2024-05-01","facts":{"occupation":"火星种植员","level":"五级","certificate":"level5"}}',
    '{"id":"o3","program":"P1","date":"2024-05-01","facts":{"occupation":"","level":5}}',
    '{"id":"o4","program":"P1","date":"2024-05-01","facts":{"occupation":5}}',
    '{"id":"o5","program":"P1","date":"2024-05-01","facts":{"occupation":null,"prior_trainings":null}}',
    '{"id":"o6","program":"P1","date":"2024-05-01","facts":{"occupation":"' + "很长的名字" * 20 + '","level":5}}',
    '{"id":"o7","program":"P1","date":"2024-05-01","facts":{"occupation":"中式烹调培训","level":"level4","certificate":"level4"}}',
    '{"id":"o8","program":"P1","date":"2024-05-01","facts":{"occupation":"SYB培训","level":"none"}}',
    '{"id":"o9","program":"P1","date":"2024-05-01","facts":{"occupation":"枸杞种植","track":"general"}}',
    '{"id":"o10","program":"P1","date":"2024-05-01","facts":{"occupation":"“育婴员”","level":"中级"}}',
    '{"id":"o11","program":"P1","date":"2024-05-01","facts":{"level":"高级技师"}}',
    '{"id":"o12","program":"P1","date":"2024-05-01","facts":{"level":"七级"}}',
    '{"id":"p1","program":"P1","date":"2024-05-01","facts":{"occupation":"育婴员","level":5,"prior_trainings":[{"date":"2023-03-01","occupation":"育婴员","level":5}]}}',
    '{"id":"p2","program":"P1","date":"2024-05-01","facts":{"occupation":"育婴员","level":5,"prior_trainings":[{"date":"2024-03-01","occupation":"育婴师","level":"五级","subsidised":false},{"date":"2024/1/2","occupation":"育婴员","level":"level5","subsidised":true}]}}',
    '{"id":"p3","program":"P1","date":"2024-05-01","facts":{"occupation":"育婴员","level":5,"prior_trainings":[{"date":"2024-09-01","occupation":"育婴员","level":5}]}}',
    '{"id":"p4","program":"P1","date":"2024-05-01","facts":{"occupation":"育婴员","level":5,"prior_trainings":[{"date":"bad"}]}}',
    '{"id":"p5","program":"P1","date":"2024-05-01","facts":{"occupation":"育婴员","level":5,"prior_trainings":[1]}}',
    '{"id":"p6","program":"P1","date":"2024-05-01","facts":{"occupation":"育婴员","level":5,"prior_trainings":{}}}',
    '{"id":"p7","program":"P1","date":"2024-05-01","facts":{"occupation":"育婴员","level":5,"prior_trainings":[{"occupation":"育婴员","level":5.0},{"occupation":"育婴员","level":null},{"occupation":"育婴员"}]}}',
    '{"id":"p8","program":"P1","date":"2024-05-01","facts":{"occupation":"火星种植员","level":4,"prior_trainings":[{"occupation":"火星种植员","level":4,"date":"2024-01-01","subsidised":null}]}}',
    '{"id":"p9","program":"P1","date":"2024-05-01","facts":{"prior_trainings":[{"date":"2024-01-01"}],"occupation":"育婴员","level":5}}',
    '{"id":"p10","program":"P1","date":"2024-05-01","facts":{"occupation":"育婴员","level":5,"prior_trainings":[{"date":"2024-01-01","date":"2024-01-02"}]}}',
    '{"id":"t1","program":"P1","date":"2024-05-01","facts":{"occupation":"枸杞种植","track":"haiyuan_driver"}}',
]
# invalid UTF-8 and control characters, as bytes
raw = [
    b'{"id":"\xff","program":"P10","date":"2024-08-20","facts":{"working_days":17}}',
    b'{"id":"\xc0\xaf","program":"P10","date":"2024-08-20","facts":{"working_days":17}}',
    b'{"id":"\xe0\x80\xaf","program":"P10","date":"2024-08-20","facts":{"working_days":17}}',
    b'{"id":"\xed\xa0\x80","program":"P10","date":"2024-08-20","facts":{"working_days":17}}',
    b'{"id":"\xf4\x90\x80\x80","program":"P10","date":"2024-08-20","facts":{"working_days":17}}',
    b'{"id":"\xf0\x9f\x98\x80","program":"P10","date":"2024-08-20","facts":{"working_days":17}}',
    b'{"id":"\xe4\xb8","program":"P10","date":"2024-08-20","facts":{"working_days":17}}',
    b'{"id":"a\x01b","program":"P10","date":"2024-08-20","facts":{"working_days":17}}',
    b'{"id":"a\x00b","program":"P10","date":"2024-08-20","facts":{"working_days":17}}',
    b'\xef\xbb\xbf{"id":"bom","program":"P10","date":"2024-08-20","facts":{"working_days":17}}',
    b'{"id":"ws"\x0c,"program":"P10","date":"2024-08-20","facts":{"working_days":17}}',
]

good = list(lines)
lines += hand
# mutations of good lines: errors of every kind, and values the reference reader reads itself
for i in range(copies * 400):
    s = rnd.choice(good)
    k = rnd.randrange(6)
    if not s:
        continue
    j = rnd.randrange(len(s))
    if k == 0:
        s = s[:j] + s[j + 1:]
    elif k == 1:
        s = s[:j] + rnd.choice('{}[]",:0 a-.\\e长') + s[j:]
    elif k == 2:
        s = s[:j] + rnd.choice('"}]1x ') + s[j + 1:]
    elif k == 3:
        s = s.replace('"level5"', rnd.choice(['"level6"', '"五级"', '5', '"5"', '"none"', 'null']), 1)
    elif k == 4:
        s = s.replace(": true", rnd.choice([": false", ": 1", ': "true"', ": null"]), 1)
    else:
        s = s.replace('"2024-', rnd.choice(['"2024/', '"2024.', '"24-', '"2024-1']), 1)
    lines.append(s)

with open(out, "wb") as f:
    for s in lines:
        f.write(s.encode("utf-8") + b"\n")
    for b in raw:
        f.write(b + b"\n")
    f.write(b"\n\r\n")
    f.write(good[0].encode("utf-8"))  # the last line without a newline
