// Issue 12's leftovers (helper pages3), at 1366×768 with screenshots: the work list (待办) as one
// server list (GET /cases/waiting: the steps waiting for the user's role, sorted by deadline on the
// server, paged along that order); the township user's work list of its township only.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, accounts, launch, newPage, login, shot } from './lib.mjs'

let browser
const acc = accounts()
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

async function as(role, viewport) {
  const page = await newPage(browser, viewport)
  await login(page, acc[role])
  await page.waitForSelector('[data-test=menu]')
  return page
}
const apiGet = (page, path) => page.evaluate(async (p) => {
  const r = await fetch('/api/v1' + p, { headers: { Accept: 'application/json' } })
  return { status: r.status, body: await r.json() }
}, path)
const rowIds = (page) => page.$$eval('[data-test=todo-table] .el-table__body-wrapper .el-table__row', (rows) =>
  rows.map((r) => Number(r.querySelector('td').innerText.trim())))

test('the work list: one server list by deadline, paged along that order, each row with its steps', async () => {
  const page = await as('county_reviewer')
  const calls = []
  page.on('request', (r) => { if (r.url().includes('/api/v1/cases')) calls.push(new URL(r.url()).pathname + new URL(r.url()).search) })
  await page.goto(BASE + '/todo')
  await page.waitForSelector('[data-test=todo-table] .el-table__row')
  // one request to the work list, none to the three old lists
  assert.ok(calls.some((c) => c.startsWith('/api/v1/cases/waiting')), 'asks GET /cases/waiting: ' + calls.join(' '))
  assert.ok(!calls.some((c) => /\/api\/v1\/cases\?/.test(c)), 'no GET /cases lists: ' + calls.join(' '))
  const api1 = (await apiGet(page, '/cases/waiting?limit=20')).body
  assert.deepEqual(await rowIds(page), api1.items.map((c) => c.id), 'page 1 = the API\'s first 20, in its order')
  const deadlines = await page.$$eval('[data-test=todo-deadline]', (xs) => xs.map((x) => x.innerText.trim()))
  const keys = deadlines.map((d) => (d === '—' ? '9999-12-31' : d))
  assert.deepEqual(keys, [...keys].sort(), 'deadlines ascending: ' + deadlines.join(' '))
  assert.ok((await page.$$('[data-test=todo-step]')).length >= api1.items.length, 'each row names its steps')
  assert.ok(api1.next_cursor, 'more than one page')
  await shot(page, 'todo')
  // page 2 continues the deadline order (not the case-number order)
  await page.click('[data-test=next]')
  await page.waitForSelector('text=第 2 页')
  await page.waitForFunction((first) => {
    const td = document.querySelector('[data-test=todo-table] .el-table__body-wrapper .el-table__row td')
    return td && Number(td.innerText.trim()) !== first
  }, api1.items[0].id)
  const api2 = (await apiGet(page, '/cases/waiting?limit=20&cursor=' + api1.next_cursor)).body
  assert.deepEqual(await rowIds(page), api2.items.map((c) => c.id), 'page 2 = the API\'s next 20')
  const last1 = api1.items[api1.items.length - 1], first2 = api2.items[0]
  assert.ok((last1.deadline || '9999-12-31') <= (first2.deadline || '9999-12-31'), 'page 2 starts at or after page 1\'s last deadline')
  // filtered by programme: every row of that programme
  const prog = api1.items[0].program
  await page.goto(BASE + '/todo?program=' + prog)
  await page.waitForSelector('[data-test=todo-table] .el-table__row')
  const apiP = (await apiGet(page, '/cases/waiting?limit=20&program=' + prog)).body
  assert.deepEqual(await rowIds(page), apiP.items.map((c) => c.id), 'the programme filter')
  assert.ok(apiP.items.every((c) => c.program === prog))
  await page.close()
})

test("the township user's work list: its township's cases only", async () => {
  const page = await as('township_staff')
  await page.goto(BASE + '/todo')
  await page.waitForSelector('[data-test=todo-table]')
  await page.waitForFunction(() => !document.querySelector('[data-test=todo-table] .el-loading-mask'))
  const mine = (await apiGet(page, '/cases/waiting?limit=500')).body.items
  assert.deepEqual(await rowIds(page), mine.slice(0, 20).map((c) => c.id))
  // the county's list of that township (as the county reviewer asks with ?town=) never holds another township's
  const cpage = await as('county_reviewer')
  const town = acc.township_staff.area.slice(0, 9)
  assert.equal(town.length, 9, 'demo-town has a township area')
  const all = (await apiGet(cpage, '/cases?limit=500&town=' + town)).body.items.map((c) => c.id)
  for (const c of mine) assert.ok(all.includes(c.id), `case ${c.id} is of the township`)
  await shot(page, 'todo-township')
  await page.close()
  await cpage.close()
})

async function pickDate(page, selector, date) {
  await page.fill(selector, date)
  await page.press(selector, 'Enter')
}
const today = () => new Date().toISOString().slice(0, 10)

test("an organisation's dated statuses: added (kind required, the dates' order as typed), edited and ended from its page", async () => {
  const page = await as('county_reviewer')
  const org = (await apiGet(page, '/orgs?limit=1')).body.items[0]
  await page.goto(BASE + '/orgs/' + org.id)
  await page.waitForSelector('[data-test=org-card]')
  await page.click('[data-test=add-status]')
  await page.waitForSelector('.el-dialog__title:has-text("登记单位状态")')
  await page.click('[data-test=st-submit]')
  await page.waitForSelector('text=请选择状态')
  await page.click('[data-test=st-kind]')
  await page.locator('.el-select-dropdown__item:visible', { hasText: '限期整改' }).first().click()
  await pickDate(page, '#st-since', '2024-05-01')
  await pickDate(page, '#st-until', '2024-01-31')
  await page.click('.el-dialog__title:has-text("登记单位状态")')
  await page.waitForSelector('text=截止日期早于起始日期')
  await page.click('[data-test=st-submit]')
  assert.equal((await apiGet(page, '/orgs/' + org.id)).body.statuses.length, 0, 'nothing saved')
  await page.fill('#st-until', '')
  await page.press('#st-until', 'Enter')
  await page.click('.el-dialog__title:has-text("登记单位状态")')
  await page.fill('#st-detail', '网页测试整改')
  await page.click('[data-test=st-submit]')
  const rowSel = '[data-test=statuses-table] .el-table__row:has-text("网页测试整改")'
  await page.waitForSelector(rowSel)
  assert.match(await page.innerText(rowSel), /限期整改[\s\S]*2024-05-01[\s\S]*至今/)
  let st = (await apiGet(page, '/orgs/' + org.id)).body.statuses
  assert.ok(st.length === 1 && st[0].kind === 'rectification' && st[0].until === null, 'stored open: ' + JSON.stringify(st))
  // edited: the detail
  await page.click(rowSel + ' [data-test=edit-status]')
  await page.waitForSelector('.el-dialog__title:has-text("修改单位状态")')
  assert.equal(await page.inputValue('#st-detail'), '网页测试整改', 'the form opens with the status')
  await page.fill('#st-detail', '网页测试整改（复查）')
  await page.click('[data-test=st-submit]')
  await page.waitForSelector('[data-test=statuses-table] .el-table__row:has-text("复查")')
  // ended: 截止日期 today, offered in the form
  await page.click('[data-test=statuses-table] .el-table__row:has-text("复查") [data-test=end-status]')
  await page.waitForSelector('.el-dialog__title:has-text("结束单位状态")')
  assert.equal(await page.inputValue('#st-until'), today(), 'the end date offered is today')
  await shot(page, 'org-status-end')
  await page.click('[data-test=st-submit]')
  await page.waitForSelector(`[data-test=statuses-table] .el-table__row:has-text("${today()}")`)
  st = (await apiGet(page, '/orgs/' + org.id)).body.statuses
  assert.ok(st.length === 1 && st[0].until === today() && st[0].detail === '网页测试整改（复查）', 'ended and edited: ' + JSON.stringify(st))
  assert.equal(await page.locator('[data-test=end-status]').count(), 0, 'an ended status offers no 结束')
  await shot(page, 'org-status')
  assert.deepEqual(page.problems, [])
  // the township user (no org.write) sees the statuses without the buttons
  const tp = await as('township_staff')
  await tp.goto(BASE + '/orgs/' + org.id)
  await tp.waitForSelector('[data-test=org-card], [data-test=statuses-table], .el-result')
  assert.equal(await tp.locator('[data-test=add-status]').count(), 0)
  await tp.close()
  await page.close()
})

test("a person's dated status edited and ended from the page (township user)", async () => {
  const id = process.env.JY_WEB_OWN_PERSON
  const page = await as('township_staff')
  await page.goto(BASE + '/persons/' + id)
  await page.waitForSelector('[data-test=person-card]')
  await page.click('[data-test=add-status]')
  await page.click('[data-test=st-kind]')
  await page.locator('.el-select-dropdown__item:visible', { hasText: '脱贫人口' }).first().click()
  await pickDate(page, '#st-since', '2023-03-01')
  await page.click('.el-dialog__title:has-text("登记人员状态")')
  await page.fill('#st-detail', '网页测试脱贫')
  await page.click('[data-test=st-submit]')
  const rowSel = '[data-test=statuses-table] .el-table__row:has-text("网页测试脱贫")'
  await page.waitForSelector(rowSel)
  // the end date before the start is refused as typed, then today's saved
  await page.click(rowSel + ' [data-test=end-status]')
  await page.waitForSelector('.el-dialog__title:has-text("结束人员状态")')
  await pickDate(page, '#st-until', '2023-01-01')
  await page.click('.el-dialog__title:has-text("结束人员状态")')
  await page.waitForSelector('text=截止日期早于起始日期')
  await page.click('[data-test=st-submit]')
  let s = (await apiGet(page, '/persons/' + id)).body.statuses.find((x) => x.detail === '网页测试脱贫')
  assert.equal(s.until, null, 'nothing saved')
  await pickDate(page, '#st-until', '2024-06-30')
  await page.click('.el-dialog__title:has-text("结束人员状态")')
  await page.click('[data-test=st-submit]')
  await page.waitForSelector(rowSel + ':has-text("2024-06-30")')
  s = (await apiGet(page, '/persons/' + id)).body.statuses.find((x) => x.detail === '网页测试脱贫')
  assert.equal(s.until, '2024-06-30', 'ended: ' + JSON.stringify(s))
  await shot(page, 'person-status-end')
  assert.deepEqual(page.problems, [])
  await page.close()
})
