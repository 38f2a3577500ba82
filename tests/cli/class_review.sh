#!/usr/bin/env bash
# Issue 14 item 3: the review checks the application form (workflow flag `form`,
# docs/cases.md "The review checks the form"). A class without its teachers or site, or short of a
# document, a P4 project without 师资 and 场地, is not approved: the refusal names each and the
# clause (P1/P23 八(四), P4 5-4-1 三); the teaching plan (schedule) is checked against the
# application (hours, teachers, dates → review reasons); the whole application is approved.
# Either backend.
source "$JY_SOURCE_DIR/tests/lib.sh"
source "$JY_SOURCE_DIR/tests/ledger_lib.sh"
source "$JY_SOURCE_DIR/tests/flow_lib.sh"
flow_setup
BODY=$(org_add 1 海原县德隆职业培训学校 training_body)
CO=$(org_add 2 宁夏海原宏达职业技能培训有限公司 training_body)
TEACH='"teachers":[{"name":"马老师","certificate":"高级技师"}],"site":"海城镇"'
cls() { # PROGRAM FACTS-TAIL: file a class, print the output (stderr in $T/stderr)
  $J --as body case file --program "$1" --kind training_class --org "$BODY" --date 2024-03-01 \
     --facts "{\"occupation\":\"中式烹调师\",\"level\":5,$TEACH,\"start\":\"2024-03-11\",\"end\":\"2024-04-30\",$2}" 2>"$T/stderr"
}
# ---- P4: 师资 and 场地 are the form's conditions (5-4-1 三)
out=$($J --as body case file --program P4 --org "$CO" --date 2024-09-02 --facts '{"training_licence":true,"budget":"150000.00","base":"100000.00","approved":"120000.00","stars":4}')
expect_contains "no form: teachers missing" '"clause":"P4 5-4-1 三","kind":"missing","text":"项目申报表（5-4-1）未填 teachers（师资），需补充后审核"' "$out"
expect_contains "no form: needs_review" '"decision":"needs_review"' "$out"
nf=$(echo "$out" | idof)
expect_rc "P4 review refuses a project without teachers and sites" 1 env JIUYE_LANG=zh $J --as rev case approve "$nf" --reason 初审 --date 2024-09-03
expect_contains "P4 review names what is missing" '项目申报表（5-4-1）不完整（P4 5-4-1 三），不能执行 county_approve，可执行：reject（退回补正后重新申报）。项目申报表（5-4-1）未填 teachers（师资）；项目申报表（5-4-1）未填 sites（场地）' "$(cat "$T/stderr")"
step rejected rev 2024-09-03 reject "$nf"
# ---- issue 14: the class review checks the application: teachers, site, teaching plan, documents
DOCS='"documents":["培训大纲","教学计划","授课教师资质证明","培训场地证明","实训设备清单"]'
SCHED='"schedule":[{"from":"2024-03-11","to":"2024-03-25","content":"理论","hours":50,"practical_hours":0,"teacher":"马老师"},{"from":"2024-03-26","to":"2024-04-30","content":"实操","hours":110,"practical_hours":110,"teacher":"马老师"}]'
nt=$($J --as body case file --program P1 --kind training_class --org "$BODY" --date 2024-03-01 \
     --facts "{\"occupation\":\"中式烹调师\",\"level\":5,\"site\":\"海城镇\",\"start\":\"2024-03-11\",\"end\":\"2024-04-30\",\"planned_trainees\":30,\"hours_total\":160,\"hours_practical\":110,$DOCS}")
expect_contains "no teacher: the clause is 八(四)" '"clause":"P1 八(四)","kind":"missing","text":"开班申请缺少 teachers（授课教师），需补充后审核"' "$nt"
nt=$(echo "$nt" | idof)
expect_rc "review refuses a class without teachers" 1 env JIUYE_LANG=zh $J --as rev case approve "$nt" --reason 开班审核 --date 2024-03-04
expect_contains "the review names the missing teacher and the clause" '案件 '"$nt"' 的开班申请不完整（P1 八(四)），不能执行 county_approve，可执行：reject（退回补正后重新申报）。开班申请缺少 teachers（授课教师）' "$(cat "$T/stderr")"
expect_contains "the class stays filed" '"state":"filed"' "$($J case show "$nt")"
# no site, on P23: its own clause
ns=$($J --as body case file --program P23 --kind training_class --org "$BODY" --date 2024-03-01 \
     --facts "{\"occupation\":\"中式面点师\",\"level\":5,\"teachers\":[{\"name\":\"马老师\",\"certificate\":\"高级技师\"}],\"start\":\"2024-03-11\",\"end\":\"2024-04-30\",\"planned_trainees\":30,\"hours_total\":160,\"hours_practical\":110}" | idof)
expect_rc "review refuses a class without a site" 1 env JIUYE_LANG=zh $J --as rev case approve "$ns" --reason 开班审核 --date 2024-03-04
expect_contains "names the site and P23 八(四)" '开班申请不完整（P23 八(四)），不能执行 county_approve，可执行：reject（退回补正后重新申报）。开班申请缺少 site（培训场地）' "$(cat "$T/stderr")"
# documents handed in but one short: missing, refused
nd=$(cls P1 '"planned_trainees":30,"hours_total":160,"hours_practical":110,"documents":["培训大纲","教学计划","授课教师资质证明","实训设备清单"]')
expect_contains "a document short: named" '"clause":"P1 八(四)","kind":"missing","text":"开班申请缺少材料：培训场地证明，需补充后审核"' "$nd"
expect_rc "review refuses a class without its site proof" 1 env JIUYE_LANG=zh $J --as rev case approve "$(echo "$nd" | idof)" --reason 开班审核 --date 2024-03-04
expect_contains "names the document" '开班申请缺少材料：培训场地证明' "$(cat "$T/stderr")"
# a teaching plan that does not add up, or names a teacher not on the list: for a person (review)
bad='"schedule":[{"from":"2024-03-11","to":"2024-03-25","content":"理论","hours":40,"teacher":"马老师"},{"from":"2024-03-26","to":"2024-05-10","content":"实操","hours":110,"practical_hours":100,"teacher":"王师傅"}]'
out=$(cls P1 '"planned_trainees":30,"hours_total":160,"hours_practical":110,'"$DOCS,$bad")
expect_contains "plan hours ≠ application" '教学计划学时合计 150 与申请的总学时 160 不一致' "$out"
expect_contains "plan practical ≠ application" '教学计划实操学时合计 100 与申请的实操学时 110 不一致' "$out"
expect_contains "plan teacher not listed" '教学计划第2项（实操）的授课教师 王师傅 不在授课教师名单中（须有资质）' "$out"
expect_contains "plan outside the class dates" '教学计划第2项（实操）的日期不在开班至结业期间（2024-03-11 至 2024-04-30）' "$out"
expect_contains "plan findings: needs_review" '"decision":"needs_review"' "$out"
expect_rc "malformed plan refused" 1 cls P1 '"planned_trainees":30,"hours_total":160,"hours_practical":110,"schedule":[{"content":"理论"}]'
expect_contains "names the entry" 'facts.schedule[0] (理论): hours (学时) is required' "$(cat "$T/stderr")"
# the whole application: eligible, and the review approves it
ok=$(cls P1 '"planned_trainees":30,"hours_total":160,"hours_practical":110,'"$DOCS,$SCHED")
expect_contains "complete application: eligible" '"decision":"eligible"' "$ok"
step approved rev 2024-03-04 approve "$(echo "$ok" | idof)"
books "end"
finish
