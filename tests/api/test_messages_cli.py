"""An error the API returns with message_zh (issue 13 item 4): a malformed line of the rules'
scoring-forms.tsv (read by the case service, src/service/scoring.c) makes GET
/api/v1/policy/programs/P16/form fail with a server error naming the line, in English and in
Chinese, with the key scoring.columns (before, its message_zh was the English text again)."""
import re
import shutil
from apilib import *

CJK = re.compile(r"[\u4e00-\u9fff]")
pol = os.path.join(tmpdir(), "policy")
shutil.copytree(os.path.join(os.environ["JY_SOURCE_DIR"], "policy"), pol)
with open(os.path.join(pol, "scoring-forms.tsv"), encoding="utf-8") as f:
    n = sum(1 for _ in f)
with open(os.path.join(pol, "scoring-forms.tsv"), "a", encoding="utf-8") as f:
    f.write("P16\tbroken\titem\n")
admin_name = "msgcli-admin"
add_user(admin_name, "admin", area="")
rev = add_user("msgcli-rev", "county_reviewer", area="640522", admin=admin_name)

with Server(global_args=("--policy", pol)) as srv:
    c = Client(srv).login(rev)
    st, d = c.call("GET", "/api/v1/policy/programs/P16/form")
    e = d.get("error", {})
    check(st >= 500 and e.get("key") == "scoring.columns", "status %r, error %r" % (st, e))
    check(e.get("message") == "scoring-forms.tsv:%d: expected 6 columns (program, form, kind, item, max, clause)" % (n + 1), "English: %r" % e)
    check(e.get("message_zh") == "scoring-forms.tsv 第%d行：应为6列（项目、表式、类别、评分项、满分、条款）" % (n + 1), "Chinese: %r" % e)
    check(CJK.search(e.get("message_zh", "")) is not None, "message_zh has no Chinese: %r" % e)
finish()
