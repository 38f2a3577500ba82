// Issue 12, the items docs/web.md listed as not built (helper pages2), at 1366×768 with
// screenshots: unmasking with a reason on an organisation's page and in a class's roster (花名册;
// the publicity list stays masked), each view in the access log and refused to roles without
// person.read_unmasked (no button, and 403 from the API); a licence and a dated status added from
// the pages with their inline checks and the API's message beside its field; the case page's
// facts with Chinese names and values.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { BASE, accounts, launch, newPage, login, shot, text } from './lib.mjs'
import { findIdcards } from '../../web/src/lib/format.js'
import { FACT_LABELS, factText } from '../../web/src/lib/facts.js'

let browser
const acc = accounts()
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const sql = (q) => execFileSync('sqlite3', [process.env.JIUYE_DB, q], { encoding: 'utf8' }).trim()

async function as(role, viewport) {
  const page = await newPage(browser, viewport)
  await login(page, acc[role])
  await page.waitForSelector('[data-test=menu]')
  return page
}
async function pickDate(page, selector, date) {
  await page.fill(selector, date)
  await page.press(selector, 'Enter')
}
const apiGet = (page, path) => page.evaluate(async (p) => {
  const r = await fetch('/api/v1' + p, { headers: { Accept: 'application/json' } })
  return { status: r.status, body: await r.json() }
}, path)
const fieldError = (page, selector) => page.locator('.el-form-item', { has: page.locator(selector) }).locator('.el-form-item__error')
async function unmaskWith(page, reason) {
  await page.click('[data-test=unmask]')
  await page.click('[data-test=unmask-submit]')
  await page.waitForSelector('text=请填写查看事由') // an empty reason is refused
  await page.fill('#unmask-reason', reason)
  await page.click('[data-test=unmask-submit]')
  await page.waitForSelector('[data-test=unmasked]')
}
async function accessLogHas(reason, who) {
  const aud = await as('auditor')
  await aud.goto(BASE + '/access-log')
  await aud.waitForSelector('[data-test=access-table] .el-table__row')
  const t = await text(aud)
  assert.ok(t.includes(reason) && t.includes(who), `the access log lists "${reason}" by ${who}`)
  assert.deepEqual(aud.problems, [])
}

const town = acc.township_staff.area

test('an organisation shown whole only with a reason, by a role that may; the view is in the access log', async () => {
  // an organisation of demo-town's township with a phone or bank account (the masked fields)
  const id = sql(`select id from orgs where division like '${town}%' and (bank_account <> '' or phone <> '') order by id limit 1`)
  assert.ok(id, 'an organisation in the township with masked fields')
  const whole = sql(`select bank_account || '|' || phone from orgs where id = ${id}`).split('|').filter(Boolean)
  // the township user: no button, and the API refuses the whole view (403), though it reads the org
  const tp = await as('township_staff')
  await tp.goto(BASE + '/orgs/' + id)
  await tp.waitForSelector('[data-test=org-card]')
  assert.equal(await tp.locator('[data-test=unmask]').count(), 0, 'no 查看完整信息 for the township user')
  assert.equal((await apiGet(tp, `/orgs/${id}?unmask=1&reason=x`)).status, 403)
  for (const w of whole) assert.ok(!(await text(tp)).includes(w), 'masked for the township user')
  // the county reviewer: masked, then whole after a reason, then masked again
  const page = await as('county_reviewer')
  await page.goto(BASE + '/orgs/' + id)
  await page.waitForSelector('[data-test=org-card]')
  for (const w of whole) assert.ok(!(await text(page)).includes(w), 'masked before the reason')
  await unmaskWith(page, '网页测试：核对单位拨付账户')
  for (const w of whole) assert.ok((await text(page)).includes(w), `the whole ${w} after the reason`)
  await shot(page, 'org-unmasked')
  await page.click('[data-test=mask]')
  await page.waitForSelector('[data-test=unmask]')
  for (const w of whole) assert.ok(!(await text(page)).includes(w), 'masked again')
  await accessLogHas('网页测试：核对单位拨付账户', acc.county_reviewer.name)
  assert.deepEqual([...tp.problems, ...page.problems], [])
})

test("a class's roster (花名册) shown whole only with a reason; the publicity list has no such button", async () => {
  const cls = sql("select parent_id from cases where kind = 'trainee_claim' and parent_id is not null group by parent_id order by count(*) desc, parent_id limit 1")
  assert.ok(cls, 'a class with trainees')
  const page = await as('county_reviewer')
  await page.goto(BASE + '/classes/' + cls)
  await page.click('[data-test=cls-roster-report]')
  await page.waitForSelector('[data-test=roster-case]')
  await page.waitForSelector('[data-test=report-table] .el-table__row')
  let t = await text(page)
  assert.deepEqual(findIdcards(t), [], 'the roster is masked first')
  assert.match(t, /\d{6}\*{8}\d{3}[\dX]/, 'masked ID numbers shown')
  await unmaskWith(page, '网页测试：核对班级花名册')
  t = await text(page)
  const ids = findIdcards(t)
  const trainees = Number(sql(`select count(*) from cases where parent_id = ${cls} and kind = 'trainee_claim'`))
  assert.ok(ids.length >= 1 && ids.length <= trainees, `whole ID numbers of the class's trainees (${ids.length} of ${trainees})`)
  // the download carries the reason too (a view of its own)
  assert.match(await page.getAttribute('[data-test=xlsx]', 'href'), /unmask=1&reason=/)
  await shot(page, 'roster-unmasked')
  await page.click('[data-test=mask]')
  await page.waitForSelector('[data-test=unmask]')
  assert.deepEqual(findIdcards(await text(page)), [], 'masked again')
  // the publicity list: published lists stay masked, no button
  await page.goto(BASE + '/reports?report=publicity')
  await page.waitForSelector('[data-test=report-table]')
  assert.equal(await page.locator('[data-test=unmask]').count(), 0, 'no unmasking of the publicity list')
  const pub = await apiGet(page, '/reports/publicity?unmask=1&reason=x')
  assert.deepEqual(findIdcards(JSON.stringify(pub.body)), [], 'the API keeps the publicity list masked whatever is asked')
  // the township user sees the roster masked with no button; the API refuses it whole
  const tp = await as('township_staff')
  await tp.goto(BASE + '/reports?report=roster&program=P1&case=' + cls)
  await tp.waitForSelector('[data-test=report-table]')
  assert.equal(await tp.locator('[data-test=unmask]').count(), 0)
  assert.equal((await apiGet(tp, `/reports/roster?program=P1&case=${cls}&unmask=1&reason=x`)).status, 403)
  await accessLogHas('网页测试：核对班级花名册', acc.county_reviewer.name)
  assert.deepEqual([...page.problems, ...tp.problems], [])
})

test('a licence added on the organisation page: required fields and dates checked as typed, the API message beside its field', async () => {
  const id = sql("select id from orgs where kinds & 1 order by id limit 1") // a training body
  const page = await as('county_reviewer')
  await page.goto(BASE + '/orgs/' + id)
  await page.waitForSelector('[data-test=org-card]')
  const before = await page.locator('[data-test=licences-table] .el-table__row').count()
  await page.click('[data-test=add-licence]')
  await page.click('[data-test=lic-submit]')
  await page.waitForSelector('text=请选择或填写许可类别')
  await page.waitForSelector('text=请填写许可证编号')
  await page.waitForSelector('text=请选择有效期起始日期')
  await page.click('[data-test=lic-kind]')
  await page.locator('.el-select-dropdown__item:visible', { hasText: '办学许可证' }).first().click()
  await pickDate(page, '#lic-from', '2024-03-01')
  await pickDate(page, '#lic-until', '2023-12-31')
  await page.click('.el-dialog__title:has-text("新增资质许可")') // closes the date panel
  await page.waitForSelector('text=有效期至早于有效期起')
  await pickDate(page, '#lic-until', '2027-02-28')
  await page.click('.el-dialog__title:has-text("新增资质许可")')
  // 30 Chinese characters are 90 bytes: the API refuses the number (63 bytes at most), in Chinese, beside it
  await page.fill('#lic-number', '宁'.repeat(30))
  await page.click('[data-test=lic-submit]')
  const numErr = fieldError(page, '#lic-number')
  await numErr.waitFor()
  assert.match(await numErr.innerText(), /number：超过63字节/)
  await shot(page, 'org-licence-error')
  assert.equal(await page.locator('[data-test=licences-table] .el-table__row').count(), before, 'nothing added')
  await page.fill('#lic-number', '640522-2024-网测001')
  await page.click('[data-test=lic-submit]')
  await page.waitForSelector('[data-test=licences-table] .el-table__row:has-text("640522-2024-网测001")')
  const row = await page.innerText('[data-test=licences-table] .el-table__row:has-text("640522-2024-网测001")')
  assert.match(row, /办学许可证[\s\S]*2024-03-01[\s\S]*2027-02-28/)
  const api = (await apiGet(page, '/orgs/' + id)).body
  assert.ok(api.licences.some((l) => l.number === '640522-2024-网测001' && l.valid_until === '2027-02-28'), 'stored')
  assert.deepEqual(page.problems, [])
})

test("a dated status added on a person's page: the kind required, the dates' order checked as typed", async () => {
  const id = process.env.JY_WEB_OWN_PERSON
  const page = await as('township_staff') // person.write in its own township
  await page.goto(BASE + '/persons/' + id)
  await page.waitForSelector('[data-test=person-card]')
  await page.click('[data-test=add-status]')
  await page.click('[data-test=st-submit]')
  await page.waitForSelector('text=请选择状态')
  await page.click('[data-test=st-kind]')
  await page.locator('.el-select-dropdown__item:visible', { hasText: '登记失业人员' }).first().click()
  await pickDate(page, '#st-since', '2024-05-01')
  await pickDate(page, '#st-until', '2024-01-31')
  await page.click('.el-dialog__title:has-text("登记人员状态")')
  await page.waitForSelector('text=截止日期早于起始日期')
  await page.click('[data-test=st-submit]')
  assert.equal((await apiGet(page, '/persons/' + id)).body.statuses.filter((s) => s.since === '2024-05-01' && s.kind === 'registered_unemployed').length, 0, 'nothing saved')
  await pickDate(page, '#st-until', '2024-10-31')
  await page.click('.el-dialog__title:has-text("登记人员状态")')
  await page.fill('#st-detail', '网页测试登记')
  await page.click('[data-test=st-submit]')
  await page.waitForSelector('[data-test=statuses-table] .el-table__row:has-text("网页测试登记")')
  const row = await page.innerText('[data-test=statuses-table] .el-table__row:has-text("网页测试登记")')
  assert.match(row, /登记失业[\s\S]*2024-05-01[\s\S]*2024-10-31/)
  assert.ok((await apiGet(page, '/persons/' + id)).body.statuses.some((s) => s.kind === 'registered_unemployed' && s.since === '2024-05-01' && s.until === '2024-10-31'), 'stored')
  await shot(page, 'person-status')
  assert.deepEqual(page.problems, [])
})

test("the case page names the facts and their values in Chinese", async () => {
  const id = sql(`select id from cases where kind = 'trainee_claim' and facts like '%"certificate":"level5"%' and facts like '%"p2_group":"%' order by id limit 1`)
  assert.ok(id, 'a P2 trainee claim with a certificate and a group')
  const page = await as('county_reviewer')
  await page.goto(BASE + '/cases/' + id)
  await page.waitForSelector('[data-fact]')
  const facts = (await apiGet(page, '/cases/' + id)).body.facts
  const labels = await page.$$eval('.el-descriptions__label', (els) => els.map((e) => e.textContent.trim()))
  for (const [k, v] of Object.entries(facts)) {
    if (FACT_LABELS[k]) {
      assert.ok(labels.includes(FACT_LABELS[k]), `the fact ${k} by its Chinese name ${FACT_LABELS[k]}`)
      assert.ok(!labels.includes(k), `not by its key ${k}`)
    }
    assert.equal((await page.innerText(`[data-fact="${k}"]`)).trim(), factText(k, v))
  }
  // coded values by their labels, yes/no in Chinese
  assert.equal((await page.innerText('[data-fact=certificate]')).trim(), '五级/初级工')
  assert.equal((await page.innerText('[data-fact=hukou_ningxia]')).trim(), facts.hukou_ningxia ? '是' : '否')
  assert.ok(!labels.includes('certificate') && labels.includes('取得证书'))
  // the decision's reasons name the facts they miss in Chinese too (the rules write the keys)
  const api = (await apiGet(page, '/cases/' + id)).body
  const keyed = api.reasons.map((r) => r.text).join('\n').match(/(案例未提供|缺少事实) [a-z_]+/g) || []
  assert.ok(keyed.length > 0, 'the case has reasons naming facts by key')
  const shown = await page.innerText('[data-test=case-reasons]')
  for (const k of keyed) {
    const key = k.split(' ')[1]
    if (FACT_LABELS[key]) assert.ok(!shown.includes(k) && shown.includes('“' + FACT_LABELS[key] + '”'), `${k} shown as ${FACT_LABELS[key]}`)
  }
  await shot(page, 'case-facts')
  assert.deepEqual(page.problems, [])
})

test("the dashboard's township breakdown, and its click-through lists limited to the dashboard's year", async () => {
  const page = await as('county_reviewer')
  await page.goto(BASE + '/dashboard')
  await page.waitForSelector('[data-test=townships-table] .el-table__row')
  await page.waitForSelector('[data-test=chart-townships] canvas')
  const year = '2024' // the dashboard's default year
  const api = (await apiGet(page, `/reports/targets?by=township&year=${year}`)).body
  const rows = await page.$$eval('[data-test=townships-table] .el-table__row', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())))
  assert.equal(rows.length, api.rows.length, 'one row per township')
  assert.ok(rows.length >= 15, 'every township of the county')
  const hc = rows.find((r) => r[0] === '海城镇')
  const hcApi = api.rows.find((r) => r.township === '640522100')
  assert.deepEqual(hc.slice(1, 4).map(Number), [hcApi.filed, hcApi.achieved, hcApi.paid], '海城镇 as the API counts it')
  await page.evaluate(() => document.querySelector('[data-test=townships]').scrollIntoView())
  await shot(page, 'dashboard-townships')
  // a figure clicks through to its list of the dashboard's year only
  await page.evaluate(() => window.scrollTo(0, 0))
  await page.click('[data-test=card-filed]')
  await page.waitForURL(new RegExp(`/cases\\?state=filed&year=${year}$`))
  await page.waitForSelector('[data-test=cases-table] .el-table__row')
  const years = await page.$$eval('[data-test=cases-table] .el-table__row', (trs) => trs.map((tr) => tr.querySelectorAll('td')[3].innerText.trim()))
  assert.ok(years.length > 0 && years.every((y) => y === year), 'only the year\'s cases: ' + years)
  assert.match(await page.innerText('[data-test=f-year]'), new RegExp(year))
  // a township row opens that township's cases of the year
  await page.goto(BASE + '/dashboard')
  await page.click('[data-test=townships-table] .el-table__row:has-text("海城镇")')
  await page.waitForURL(new RegExp(`/cases\\?year=${year}&town=640522100$`))
  await page.waitForSelector('[data-test=cases-table] .el-table__row')
  const listed = await page.$$eval('[data-test=cases-table] .el-table__row', (trs) => trs.map((tr) => tr.querySelectorAll('td')[0].innerText.trim()))
  const want = (await apiGet(page, `/cases?year=${year}&town=640522100&limit=20`)).body.items.map((c) => String(c.id))
  assert.deepEqual(listed, want, 'the township\'s cases of the year')
  // the township user on a phone: its own township's row, the page fits the screen
  const tp = await newPage(browser, { width: 390, height: 844 })
  await login(tp, acc.township_staff)
  await tp.waitForSelector('[data-test=menu-button]')
  await tp.goto(BASE + '/dashboard')
  await tp.waitForSelector('[data-test=townships-table] .el-table__row')
  assert.equal(await tp.locator('[data-test=townships-table] .el-table__row').count(), 1, 'its own township only')
  assert.ok(await tp.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no sideways scrolling')
  await tp.evaluate(() => document.querySelector('[data-test=townships]').scrollIntoView())
  await shot(tp, 'phone-dashboard-townships')
  assert.deepEqual([...page.problems, ...tp.problems], [])
})

test("the class page's ticked trainees take a step in one request, with a result per claim", async () => {
  const cls = sql("select parent_id from cases where kind = 'trainee_claim' and state = 'filed' and decision = 'eligible' and parent_id is not null group by parent_id having count(*) >= 2 order by count(*) desc, parent_id limit 1")
  assert.ok(cls, 'a class with two eligible filed claims at least')
  const claims = sql(`select id from cases where parent_id = ${cls} and kind = 'trainee_claim' and state = 'filed' and decision = 'eligible' order by id limit 3`).split('\n')
  const page = await as('county_reviewer')
  await page.goto(BASE + '/classes/' + cls)
  await page.waitForSelector('[data-test=cls-roster-table] .el-table__row')
  for (const id of claims) await page.click(`[data-test=cls-roster-table] .el-table__row:has(a[href="/cases/${id}"]) .el-checkbox`)
  await page.click('[data-bulk-step=county_approve]')
  await page.fill('#cls-step-reason', '网页测试：批量审核')
  // meanwhile another reviewer's tab approves the first claim: its row must fail, the others not
  const st = await page.evaluate(async (id) => {
    const csrf = sessionStorage.getItem(Object.keys(sessionStorage).find((k) => /csrf/i.test(k)))
    const r = await fetch(`/api/v1/cases/${id}/steps`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify({ step: 'county_approve', reason: '另一窗口先审核' }) })
    return r.status
  }, claims[0])
  assert.equal(st, 200)
  const posts = []
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/api/v1/cases/')) posts.push(new URL(r.url()).pathname) })
  await page.click('[data-test=cls-step-submit]')
  await page.waitForSelector('[data-test=cls-step-error]')
  assert.deepEqual(posts, [`/api/v1/cases/${cls}/roster/steps`], 'one request for the ticked trainees')
  const errs = await page.$$eval('[data-test=cls-step-error]', (els) => els.map((e) => e.innerText))
  assert.equal(errs.length, 1, 'one row refused: ' + errs)
  assert.match(errs[0], new RegExp(`案件 ${claims[0]}：`))
  await shot(page, 'class-bulk-result')
  for (const id of claims) {
    const c = (await apiGet(page, '/cases/' + id)).body
    assert.equal(c.state, 'county_approved')
    assert.equal(c.history.filter((h) => h.step === 'county_approve').length, 1, `one approval in ${id}'s history`)
  }
  assert.ok((await apiGet(page, '/cases/' + claims[1])).body.history.some((h) => h.reason.startsWith('网页测试：批量审核')), 'the reason in the history')
  assert.deepEqual(page.problems, [])
})
