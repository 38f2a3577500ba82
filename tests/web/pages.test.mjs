// The main pages at 1366×768 (screenshots for docs/screenshots and the README): dashboard with
// its charts and click-through, the work list, persons with search and paging, a person, adding
// a person with the API's field error shown beside the field, organisations, cases, a case with
// its decision, timeline and a step taken with a reason; the audit log for the auditor.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, accounts, launch, newPage, login, shot, text } from './lib.mjs'
import { findIdcards, usccCheck } from '../../web/src/lib/format.js'

let browser, page
const acc = accounts()
before(async () => {
  browser = await launch()
  page = await newPage(browser)
  await login(page, acc.county_reviewer)
  await page.waitForSelector('[data-test=menu]')
})
after(async () => { await browser.close() })

test('dashboard: figures, two charts, and a figure clicks through to its list', async () => {
  await page.goto(BASE + '/dashboard')
  await page.waitForSelector('[data-test=targets-table] .el-table__row')
  await page.waitForSelector('[data-test=chart-targets] canvas')
  await page.waitForSelector('[data-test=chart-budget] canvas')
  const paid = await page.innerText('[data-test=card-paid] .card-figure')
  assert.match(paid, /^[\d,]+\.\d\d$/, 'paid amount in yuan with two decimals: ' + paid)
  // the alerts: the demo year's overdue steps, clicking through to the work list
  await page.click('[data-test=alerts] [data-alert=overdue]')
  await page.waitForURL(/\/todo$/)
  await page.goBack()
  await page.waitForSelector('[data-test=chart-budget] canvas')
  await shot(page, 'dashboard')
  await page.click('[data-test=card-paid]')
  await page.waitForURL(/\/cases\?state=paid/)
  await page.waitForSelector('[data-test=cases-table] .el-table__row')
  const t = await text(page)
  assert.ok(t.includes('已拨付'), 'the paid cases list')
  // a row of the targets table opens that programme's cases
  await page.goto(BASE + '/dashboard')
  await page.click('[data-test=targets-table] .el-table__row >> nth=0')
  await page.waitForURL(/\/cases\?program=P\d+/)
  assert.deepEqual(page.problems, [])
})

test('my work: overdue cases sorted by deadline with the days', async () => {
  await page.goto(BASE + '/todo')
  await page.waitForSelector('[data-test=todo-table] .el-table__row')
  assert.ok((await text(page)).includes('超期'), 'overdue days shown')
  await shot(page, 'todo')
})

test('persons: search by name and township, paging, masked IDs; a person page', async () => {
  await page.goto(BASE + '/persons')
  await page.waitForSelector('[data-test=persons-table] .el-table__row')
  await shot(page, 'persons')
  const first = await page.innerText('[data-test=persons-table] .el-table__row >> nth=0')
  await page.click('[data-test=next]')
  await page.waitForSelector('text=第 2 页')
  const second = await page.innerText('[data-test=persons-table] .el-table__row >> nth=0')
  assert.notEqual(first, second, 'page 2 shows other persons')
  await page.click('[data-test=prev]')
  await page.waitForSelector('text=第 1 页')
  // search by the family name 马 (common in Haiyuan)
  await page.fill('#f-name', '马')
  await page.click('[data-test=search]')
  await page.waitForURL(/name=/)
  await page.waitForSelector('[data-test=persons-table] .el-table__row')
  const names = await page.$$eval('[data-test=persons-table] .el-table__row td:first-child', (tds) => tds.map((t) => t.innerText))
  assert.ok(names.length > 0 && names.every((n) => n.includes('马')), 'every name has 马: ' + names.join(','))
  await page.click('[data-test=persons-table] .el-table__row >> nth=0')
  await page.waitForSelector('[data-test=person-card]')
  // the person with the most cases: the whole history across programmes
  await page.goto(BASE + '/persons/' + process.env.JY_WEB_BUSY_PERSON)
  await page.waitForSelector('[data-test=case-table] .el-table__row')
  await shot(page, 'person')
  assert.deepEqual(page.problems, [])
})

test('adding a person: the check digit checked as typed, the API field error beside the field', async () => {
  await page.goto(BASE + '/persons')
  await page.click('[data-test=add-person]')
  await page.waitForSelector('#pf-idcard')
  // nothing filled in: each required field says so (a person is placed by household registration)
  await page.click('[data-test=pf-save]')
  await page.waitForSelector('text=请选择户籍乡镇')
  await page.waitForSelector('text=请输入姓名')
  await page.click('[data-test=pf-town]')
  await page.locator('.el-select-dropdown__item:visible', { hasText: '海城镇（640522100）' }).click()
  await page.fill('#pf-idcard', '640522199001011230') // wrong check character
  await page.fill('#pf-name', '马小兰')
  await page.click('[data-test=pf-save]')
  await page.waitForSelector('text=身份证号校验位不对')
  // a valid check character but no such date (30 February): only the server's validator knows
  await page.fill('#pf-idcard', '640522199002301233')
  await page.click('[data-test=pf-save]')
  const item = page.locator('.el-form-item', { has: page.locator('#pf-idcard') })
  await page.waitForFunction(() => {
    const el = document.querySelector('#pf-idcard').closest('.el-form-item').querySelector('.el-form-item__error')
    return el && el.innerText && !el.innerText.includes('校验位')
  })
  const msg = await item.locator('.el-form-item__error').innerText()
  assert.ok(msg.length > 0 && !/校验位/.test(msg), 'the server message beside the ID field: ' + msg)
  await shot(page, 'person-add-error')
  // a good one is saved and opens its page, its ID masked
  await page.fill('#pf-idcard', '640522199001011234')
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/persons') && r.request().method() === 'POST'),
    page.click('[data-test=pf-save]'),
  ])
  assert.ok([200, 201].includes(res.status()), 'saved: ' + res.status() + ' ' + (await res.text()))
  await page.waitForSelector('[data-test=person-card]')
  assert.ok((await text(page)).includes('640522********1234'))
  assert.deepEqual(page.problems, [])
})

// A 统一社会信用代码 with both check characters: GB 11714 for the organisation code (positions
// 9–17), GB 32100 for the whole (usccCheck, unit-tested in web/test).
function makeUscc(prefix8, org8) {
  const val = (c) => (c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 55)
  const w = [3, 7, 9, 10, 5, 8, 4, 2]
  let sum = 0
  for (let i = 0; i < 8; i++) sum += val(org8[i]) * w[i]
  const c9 = 11 - (sum % 11)
  const first17 = prefix8 + org8 + (c9 === 10 ? 'X' : c9 === 11 ? '0' : String(c9))
  return first17 + usccCheck(first17)
}

test('organisations list and an organisation page; adding one with the USCC checked as typed', async () => {
  assert.equal(makeUscc('92640522', 'MA3K4426'), '92640522MA3K44265J', 'the helper rebuilds a demo code')
  await page.goto(BASE + '/orgs')
  await page.waitForSelector('[data-test=orgs-table] .el-table__row')
  await shot(page, 'orgs')
  await page.click('[data-test=orgs-table] .el-table__row >> nth=0')
  await page.waitForSelector('text=资质许可')
  // add an organisation: required fields, the check character as typed, then saved
  await page.goto(BASE + '/orgs')
  await page.click('[data-test=add-org]')
  await page.waitForSelector('#of-uscc')
  await page.click('[data-test=of-save]')
  await page.waitForSelector('text=请选择至少一个单位类型')
  const good = makeUscc('91640522', 'MA7WEB01')
  const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0')
  await page.fill('#of-uscc', bad.toLowerCase())
  await page.fill('#of-name', '海原县网页测试服务有限公司')
  await page.click('[data-test=of-kinds]')
  await page.locator('.el-select-dropdown__item:visible', { hasText: '用人单位' }).click()
  await page.keyboard.press('Escape')
  await page.click('[data-test=of-town]')
  await page.locator('.el-select-dropdown__item:visible', { hasText: '海城镇（640522100）' }).click()
  await page.click('[data-test=of-save]')
  await page.waitForSelector('text=统一社会信用代码校验位不对')
  await page.fill('#of-uscc', good)
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/orgs') && r.request().method() === 'POST'),
    page.click('[data-test=of-save]'),
  ])
  assert.equal(res.status(), 201, 'created: ' + (await res.text()))
  await page.waitForSelector('text=资质许可')
  assert.ok((await text(page)).includes('海原县网页测试服务有限公司'))
  assert.deepEqual(page.problems, [])
})

test('cases: filters, the case page with decision, reasons, timeline, and a step taken with a reason', async () => {
  await page.goto(BASE + '/cases?state=filed')
  await page.waitForSelector('[data-test=cases-table] .el-table__row')
  await shot(page, 'cases')
  // open filed cases until one offers a step (filed cases wait for the county's review)
  const ids = await page.$$eval('[data-test=cases-table] .el-table__row td:first-child', (tds) => tds.map((t) => t.innerText.trim()))
  let opened = false
  for (const id of ids) {
    await page.goto(BASE + '/cases/' + id)
    await page.waitForSelector('[data-test=timeline]')
    if (await page.$('[data-test=next-steps] [data-step]')) { opened = true; break }
  }
  assert.ok(opened, 'a filed case with a next step')
  await shot(page, 'case')
  const before = (await page.$$('[data-test=timeline] .el-timeline-item')).length
  const step = await page.getAttribute('[data-test=next-steps] [data-step] >> nth=0', 'data-step')
  await page.click(`[data-test=next-steps] [data-step=${step}]`)
  await page.waitForSelector('#step-reason')
  await page.click('[data-test=step-submit]')
  await page.waitForSelector('text=请填写理由')
  await page.fill('#step-reason', '网页测试：材料齐全')
  await page.click('[data-test=step-submit]')
  // taken (the timeline grows) or refused with the workflow's reason shown in the dialog
  const outcome = await Promise.race([
    page.waitForFunction((n) => document.querySelectorAll('[data-test=timeline] .el-timeline-item').length > n, before).then(() => 'taken'),
    page.waitForSelector('[data-test=step-error]').then(() => 'refused'),
  ])
  if (outcome === 'refused') {
    const msg = await page.innerText('[data-test=step-error]')
    assert.ok(msg.length > 4, 'the refusal says why: ' + msg)
  } else {
    assert.ok((await text(page)).includes('网页测试：材料齐全'), 'the reason is in the timeline')
  }
  assert.deepEqual(page.problems, [])
})

test('a training body sees its filed case, but the county\'s review steps are not offered to it', async () => {
  const id = process.env.JY_WEB_BODY_CASE
  assert.ok(id, 'run.sh found a filed case of demo-body\'s organisation')
  const p = await newPage(browser)
  await login(p, acc.training_body)
  await p.waitForSelector('[data-test=menu]')
  await p.goto(BASE + '/cases/' + id)
  await p.waitForSelector('[data-test=next-steps]')
  assert.equal(await p.locator('[data-test=next-steps] [data-step=county_approve]').count(), 0)
  assert.match(await p.innerText('[data-test=other-steps]'), /县级审核通过（[^）]*县级审核/)
  // the county reviewer is offered that step on the same case
  await page.goto(BASE + '/cases/' + id)
  await page.waitForSelector('[data-test=next-steps] [data-step=county_approve]')
  assert.deepEqual(p.problems, [])
  await p.context().close()
})

// the API as the signed-in page calls it (its session cookie and CSRF token)
const call = (method, path, body) => page.evaluate(async ([m, p, b]) => {
  const h = { Accept: 'application/json', 'Content-Type': 'application/json', 'X-CSRF-Token': sessionStorage.getItem('jiuye.csrf') }
  const r = await fetch('/api/v1' + p, { method: m, headers: h, body: b ? JSON.stringify(b) : undefined })
  return { status: r.status, body: await r.json() }
}, [method, path, body])

// A case in publicity today, made once for the tests that need one (the demo year ends with none
// in publicity): a P25 platform of the demo files this year's claim, the county approves it after
// its site visit and publishes it, today. The publicity list shows it; the dashboard test objects.
let published = null
async function caseInPublicity() {
  if (published) return published
  const platform = (await call('GET', '/cases?program=P25&limit=1')).body.items[0]
  const made = await call('POST', '/cases', { program: 'P25', org_id: platform.org_id, facts: {} })
  assert.equal(made.status, 201, JSON.stringify(made.body))
  for (const step of ['county_approve', 'publish']) {
    const r = await call('POST', `/cases/${made.body.id}/steps`, { step, reason: '网页测试：实地考察，材料齐全' })
    assert.equal(r.status, 200, JSON.stringify(r.body))
  }
  published = made.body
  return published
}

test('reports: the publicity list, masked, printable; XLSX download; the rules browser', async () => {
  await page.goto(BASE + '/reports?report=publicity')
  await caseInPublicity()
  // and a person's: an eligible P1 trainee claim the demo left filed, approved and published today
  const claim = (await call('GET', '/cases?program=P1&kind=trainee_claim&state=filed&decision=eligible&limit=1')).body.items[0]
  assert.ok(claim, 'the demo has an eligible P1 claim waiting for review')
  for (const step of ['county_approve', 'publish']) {
    const r = await call('POST', `/cases/${claim.id}/steps`, { step, reason: '网页测试：材料齐全' })
    assert.equal(r.status, 200, JSON.stringify(r.body))
  }
  await page.reload()
  await page.waitForSelector('[data-test=report-table] .el-table__row')
  const t = await text(page)
  assert.ok(t.includes('公示'), 'the publicity list title')
  assert.deepEqual(findIdcards(t), [], 'no whole ID number in the publicity list')
  assert.match(t, /\d{6}\*{8}\d{3}[\dX]/, 'masked ID numbers as published lists show them')
  await shot(page, 'publicity')
  // printing shows the list alone: no menu, no header, no filters
  await page.emulateMedia({ media: 'print' })
  assert.equal(await page.locator('.el-aside').isVisible(), false, 'no menu in print')
  assert.equal(await page.locator('.no-print').first().isVisible(), false, 'no filters in print')
  assert.ok(await page.locator('[data-test=report-table]').isVisible(), 'the list is printed')
  await page.emulateMedia({ media: 'screen' })
  // the XLSX download is a workbook (a ZIP: PK)
  const href = await page.getAttribute('[data-test=xlsx]', 'href')
  assert.match(href, /^\/api\/v1\/reports\/publicity\?.*format=xlsx/)
  const got = await page.evaluate(async (h) => {
    const r = await fetch(h)
    const b = new Uint8Array(await r.arrayBuffer())
    return { status: r.status, type: r.headers.get('content-type'), head: String.fromCharCode(b[0], b[1]) }
  }, href)
  assert.equal(got.status, 200)
  assert.match(got.type, /spreadsheetml/)
  assert.equal(got.head, 'PK')
  // targets report with its money columns
  await page.goto(BASE + '/reports')
  await page.waitForSelector('[data-test=report-table] .el-table__row')
  await shot(page, 'reports')
  // the rules browser: programmes with targets, sources and their workflow steps
  await page.goto(BASE + '/policy')
  await page.waitForSelector('[data-test=programs] .el-collapse-item')
  await page.waitForSelector('text=办理流程')
  await shot(page, 'policy')
  assert.deepEqual(page.problems, [])
})

test('the rules browser: each clause\'s text, and a case explained (stored, or from pasted facts)', async () => {
  await page.goto(BASE + '/policy')
  // the first programme's clauses with their text, and its parameters with their periods
  await page.waitForSelector('[data-test=clauses-P1] .el-table__row')
  const clauses = await page.innerText('[data-test=clauses-P1]')
  assert.match(clauses, /P1 \S+/, 'clause ids: ' + clauses.slice(0, 200))
  assert.ok(clauses.includes('技能'), 'clause text: ' + clauses.slice(0, 200))
  // a stored case: the API's trace, each step with its clause
  const id = process.env.JY_WEB_BODY_CASE
  await page.fill('#ex-case', 'abc')
  await page.click('[data-test=ex-submit]')
  await page.waitForSelector('text=请填写案件号（数字）')
  await page.fill('#ex-case', id)
  await page.click('[data-test=ex-submit]')
  await page.waitForSelector('[data-test=ex-steps] .el-table__row')
  const api = await page.evaluate(async (cid) => {
    const csrf = sessionStorage.getItem(Object.keys(sessionStorage).find((k) => /csrf/i.test(k)))
    const r = await fetch('/api/v1/policy/explain', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify({ case_id: Number(cid) }) })
    return r.json()
  }, id)
  assert.equal(await page.locator('[data-test=ex-steps] .el-table__body tr').count(), api.trace.steps.length)
  assert.equal(await page.innerText('[data-test=ex-decision]'), { eligible: '符合', ineligible: '不符合', needs_review: '待人工审核' }[api.decision.decision])
  assert.match(await page.innerText('[data-test=ex-head]'), new RegExp(api.trace.program + ' [\\s\\S]*判定日期 ' + api.trace.date))
  // pasted facts: P1 level 5 — the parameter, its value, its period and clause
  await page.click('[data-test=ex-mode] label:has-text("粘贴事实")')
  await page.fill('#ex-facts', '{"program":"P1","date":"2024-05-01","facts":{"certificate":"level9"}}')
  await page.click('[data-test=ex-submit]')
  const err = page.locator('.el-form-item', { has: page.locator('#ex-facts') }).locator('.el-form-item__error')
  await err.waitFor()
  assert.match(await err.innerText(), /level9/)
  await page.fill('#ex-facts', '{"program":"P1","date":"2024-05-01","facts":{"certificate":"level5"}}')
  await page.click('[data-test=ex-submit]')
  await page.waitForSelector('[data-test=ex-amount]:has-text("1,000.00")')
  const steps = await page.innerText('[data-test=ex-steps]')
  assert.ok(steps.includes('p1.level5 = 1000.00元'), 'the parameter and its value: ' + steps)
  assert.ok(await page.locator('[data-test=ex-period]').count() > 0, 'the parameter\'s period')
  assert.ok(/P1 \S+/.test(steps), 'its clause: ' + steps)
  await page.evaluate(() => document.querySelector('[data-test=explain]').scrollIntoView())
  await shot(page, 'policy-explain')
  assert.deepEqual(page.problems, [])
})

test('on a phone (390×844) a township user reaches its persons through the menu drawer', async () => {
  const p = await newPage(browser, { width: 390, height: 844 })
  await login(p, acc.township_staff)
  await p.waitForSelector('[data-test=menu-button]')
  assert.equal(await p.locator('.el-aside').count(), 0, 'no side menu on a phone')
  await p.click('[data-test=menu-button]')
  await p.click('[data-menu="/persons"]')
  await p.waitForURL(/\/persons$/)
  await p.waitForSelector('[data-test=persons-table] .el-table__row')
  const fits = await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)
  assert.ok(fits, 'the page fits the phone\'s width (wide tables scroll inside themselves)')
  await shot(p, 'phone-persons')
  await p.click('[data-test=persons-table] .el-table__row >> nth=0')
  await p.waitForSelector('[data-test=person-card]')
  assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'a person fits too')
  await shot(p, 'phone-person')
  assert.deepEqual(p.problems, [])
  await p.context().close()
})

test('the auditor reads the audit log and verifies the chain', async () => {
  const p = await newPage(browser)
  await login(p, acc.auditor)
  await p.waitForSelector('[data-test=menu]')
  await p.goto(BASE + '/audit')
  await p.waitForSelector('.el-table__row')
  await p.click('[data-test=verify]')
  await p.waitForSelector('text=哈希链完整')
  await shot(p, 'audit')
  await p.goto(BASE + '/account')
  await p.waitForSelector('[data-test=change-password]')
  await shot(p, 'account')
  assert.deepEqual(p.problems, [])
})

// last in the file: it objects to the case in publicity (caseInPublicity) that the publicity list showed
test('dashboard alerts: open objections and next year\'s holiday calendar, each to the list behind it', async () => {
  // an objection filed on a case in publicity (on the publicity's last day): the case goes back to review
  await page.goto(BASE + '/dashboard')
  const pub = (await call('GET', `/cases/${(await caseInPublicity()).id}/objections`)).body
  pub.id = pub.case_id
  assert.ok(pub.state === 'publicity' && pub.publicity_end, 'in publicity: ' + JSON.stringify(pub))
  const filed = await call('POST', `/cases/${pub.id}/objections`, { reason: '网页测试：群众反映情况不实' })
  assert.equal(filed.status, 201, JSON.stringify(filed.body))
  const open = (await call('GET', '/cases?objection=open&limit=500')).body.items
  assert.ok(open.some((c) => c.id === pub.id), 'the API lists the open objection')
  await page.reload()
  const obj = page.locator('[data-alert=objection]')
  await obj.waitFor()
  assert.match(await obj.innerText(), new RegExp(`${open.length} 件案件有待复核的公示异议`))
  // next year's calendar: policy/calendar.txt stops before it, so the alert says so
  const ny = new Date().getFullYear() + 1
  const cal = await call('GET', `/calendar?month=${ny}-01`)
  assert.ok(cal.status === 409 || cal.body.provisional, 'next year is not loaded: ' + JSON.stringify(cal.body).slice(0, 200))
  const calAlert = page.locator('[data-alert=calendar]')
  assert.match(await calAlert.innerText(), new RegExp(`${ny} 年节假日安排尚未载入`))
  await shot(page, 'dashboard-alerts')
  // each clicks through to its list
  await obj.click()
  await page.waitForURL(/\/cases\?objection=open/)
  await page.waitForSelector('[data-test=cases-table] .el-table__row, .el-table__row')
  assert.ok(await page.isChecked('[data-test=f-objection] input'), 'the filter is on')
  assert.ok((await text(page)).includes(String(pub.id)), 'the objected case is listed')
  await page.goto(BASE + '/dashboard')
  await page.locator('[data-alert=calendar]').click()
  await page.waitForURL(new RegExp(`/placements\\?.*month=${ny}-01`))
  await page.waitForSelector('[data-test=menu]')
  assert.deepEqual(page.problems, [])
  // resolved: the objection alert goes
  const res = await call('POST', `/cases/${pub.id}/objections/resolve`, { outcome: 'dismissed', reason: '网页测试：复核属实' })
  assert.equal(res.status, 200, JSON.stringify(res.body))
  assert.ok(!(await call('GET', '/cases?objection=open&limit=500')).body.items.some((c) => c.id === pub.id))
})
