// The pages of issue 12 item 2's second share (web2), at 1366×768, with screenshots:
// roster import with bad rows (errors in a table and as a file); a P1 class from application
// through the county's review to recognised trainee claims, by the training body and the county
// reviewer; filing a claim with a bad fact (the API's 422 beside that fact's field); an award
// scoring form with a veto item refused by the rules; the budget simulation beside the rules.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { BASE, accounts, launch, newPage, login, loginFin2, shot, text } from './lib.mjs'
import { findIdcards } from '../../web/src/lib/format.js'

let browser
const acc = accounts()
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const sql = (q) => execFileSync('sqlite3', [process.env.JIUYE_DB, q], { encoding: 'utf8' }).trim()

async function as(role) {
  const page = await newPage(browser)
  await login(page, acc[role])
  await page.waitForSelector('[data-test=menu]')
  return page
}
// picks the visible option of an open Element Plus select
async function choose(page, selector, option) {
  await page.locator('.el-select', { has: page.locator(selector) }).click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click()
}
async function pickDate(page, selector, date) {
  await page.fill(selector, date)
  await page.press(selector, 'Enter')
}
const apiGet = (page, path) => page.evaluate(async (p) => {
  const r = await fetch('/api/v1' + p, { headers: { Accept: 'application/json' } })
  return { status: r.status, body: await r.json() }
}, path)
const errorOf = (page, fact) => page.locator(`[data-fact=${fact}] .el-form-item__error`)

test('roster import: the bad rows in a table with row, field and reason, and as a file to download', async () => {
  const page = await as('county_reviewer')
  await page.goto(BASE + '/imports')
  await page.waitForSelector('[data-test=import-upload]')
  await page.setInputFiles('#imp-file', 'tests/data/roster_mixed.csv')
  await page.click('[data-test=imp-submit]')
  await page.waitForSelector('[data-test=imp-errors] .el-table__row')
  const rejected = Number(await page.innerText('[data-test=imp-rejected]'))
  const written = Number(await page.innerText('[data-test=imp-written]'))
  assert.ok(rejected >= 3 && written >= 3, `some rows refused (${rejected}), the good ones kept (${written})`)
  const rows = await page.$$eval('[data-test=imp-errors] .el-table__row', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.innerText.trim())))
  assert.equal(rows.length, rejected, 'one line per refused row')
  for (const r of rows) assert.ok(/^\d+$/.test(r[0]) && r[1] && r[3], 'row, field and reason: ' + r.join(' | '))
  assert.ok(rows.some((r) => r[1] === '身份证号'), 'an ID number refused')
  assert.ok(rows.some((r) => r[3].includes('1999-02-29')), 'the impossible birth date named')
  // no whole ID number in the error table (values masked)
  const body = await text(page)
  assert.ok(!/\d{17}[\dX]/.test(body.replace(/\s/g, ' ')), 'no 18-digit ID number on the page')
  await shot(page, 'imports')
  // the same report as a file
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=imp-errors-csv]')])
  const csv = readFileSync(await dl.path(), 'utf8').replace(/^\uFEFF/, '')
  const lines = csv.trim().split(/\r?\n/)
  assert.match(lines[0], /row/)
  assert.ok(lines.length - 1 >= rejected, 'the file lists every refused row')
  // the job is in the list, and reopens by its link
  const id = new URL(page.url()).searchParams.get('job')
  assert.ok(id, 'the page names the job')
  await page.goto(BASE + '/imports?job=' + id)
  await page.waitForSelector('[data-test=imp-errors] .el-table__row')
  assert.deepEqual(page.problems, [])
  await page.context().close()
})

test('a P1 class goes from application to payment through the pages by three different users', async () => {
  // three registered persons without cases or statuses, born 1975–1999
  const idcards = sql(`select idcard from persons p where hukou_division like '640522%' and birth between '1975-01-01' and '1999-12-31'
    and not exists (select 1 from cases c where c.person_id = p.id) and not exists (select 1 from person_statuses s where s.person_id = p.id)
    order by id desc limit 3`).split('\n')
  assert.equal(idcards.length, 3)

  // 1. the training body files the class application (开班申请)
  const body = await as('training_body')
  await body.goto(BASE + '/classes')
  await body.waitForSelector('[data-test=cls-table]')
  await body.click('[data-test=cls-new]')
  await body.waitForSelector('[data-test=cls-dialog] #cls-occupation')
  await body.fill('#cls-occupation', '枸杞种植')
  await pickDate(body, '#cls-start', '2024-03-11')
  await pickDate(body, '#cls-end', '2024-04-30')
  await body.fill('#cls-site', '海原县枸杞种植基地')
  await choose(body, '#cls-track', '枸杞技工')
  await body.locator('.el-form-item', { hasText: '枸杞技工工种' }).locator('.el-select').click()
  await body.locator('.el-select-dropdown__item:visible', { hasText: '种植' }).first().click()
  await body.fill('#cls-teacher-0', '马建国')
  await body.fill('[data-test=cls-dialog] input[placeholder=职称或职业资格]', '高级农艺师')
  await pickDate(body, '#cls-date', '2024-03-01')
  await body.waitForSelector('[data-test=cls-limits]')
  assert.ok((await body.innerText('[data-test=cls-limits]')).includes('学时'), 'the class limits from the rules')
  await shot(body, 'class-application')
  await body.click('[data-test=cls-submit]')
  await body.waitForURL(/\/classes\/\d+$/)
  const classId = body.url().match(/(\d+)$/)[1]
  await body.waitForSelector('[data-test=cls-summary]')
  assert.equal(await body.innerText('[data-test=cls-state]'), '已申报')
  assert.equal(await body.innerText('[data-test=cls-decision]'), '符合')
  // the body cannot approve its own class: the step is the county's
  assert.equal(await body.locator('[data-class-step=county_approve]').count(), 0)

  // 2. the county reviewer approves it (开班审核)
  const rev = await as('county_reviewer')
  await rev.goto(BASE + '/classes/' + classId)
  await rev.click('[data-class-step=county_approve]')
  await rev.fill('#cls-step-reason', '开班材料齐全，同意开班')
  await pickDate(rev, '#cls-step-date', '2024-03-04')
  await rev.click('[data-test=cls-step-submit]')
  await rev.waitForFunction(() => document.querySelector('[data-test=cls-state]').innerText === '审核通过')

  // 3. the body starts the class and admits trainees with their hours and exam
  await body.reload()
  await body.click('[data-class-step=start]')
  await body.fill('#cls-step-reason', '开班')
  await pickDate(body, '#cls-step-date', '2024-03-11')
  await body.click('[data-test=cls-step-submit]')
  await body.waitForFunction(() => document.querySelector('[data-test=cls-state]').innerText === '实施中')
  await body.click('[data-test=cls-add-trainee]')
  // hours above the class's: the API's 422 beside the hours field
  await body.fill('#tr-idcard', idcards[2])
  await body.fill('#tr-hours', '170')
  await pickDate(body, '#tr-date', '2024-05-06')
  await body.click('[data-test=trainee-submit]')
  const hoursErr = body.locator('.el-form-item', { has: body.locator('#tr-hours') }).locator('.el-form-item__error')
  await hoursErr.waitFor()
  assert.match(await hoursErr.innerText(), /170/)
  await body.fill('#tr-hours', '160')
  for (const id of idcards.slice(0, 2)) {
    await body.fill('#tr-idcard', id)
    await body.click('[data-test=trainee-submit]')
    await body.waitForSelector('[data-test=trainee-added]')
  }
  await body.click('[data-test=trainee-dialog] .el-dialog__footer button:first-child')
  await body.waitForFunction(() => document.querySelectorAll('[data-test=cls-roster-table] .el-table__body tr').length === 2)
  assert.match(await body.innerText('[data-test=cls-roster-summary]'), /学员 2/)

  // 4. the county reviewer reviews the trainees' claims: approve, publish, recognise (after publicity)
  await rev.reload()
  await rev.waitForFunction(() => document.querySelectorAll('[data-test=cls-roster-table] .el-table__body tr').length === 2)
  for (const [stepName, date, state] of [['county_approve', '2024-05-08', 'county_approved'], ['publish', '2024-05-09', 'publicity'], ['recognise', '2024-05-27', 'recognised']]) {
    await rev.click('[data-test=cls-roster-table] .el-table__header .el-checkbox')
    await rev.click(`[data-bulk-step=${stepName}]`)
    await rev.fill('#cls-step-reason', '网页测试：逐人核验')
    await pickDate(rev, '#cls-step-date', date)
    await rev.click('[data-test=cls-step-submit]')
    await rev.waitForFunction((s) => {
      const cells = [...document.querySelectorAll('[data-test=cls-roster-table] [data-state]')]
      return cells.length === 2 && cells.every((c) => c.getAttribute('data-state') === s)
    }, state)
  }
  const t = await rev.innerText('[data-test=cls-roster-table]')
  assert.ok(t.includes('已认定') && t.includes('800.00'), 'recognised, 800 yuan each (枸杞种植): ' + t)
  await rev.evaluate(() => { document.querySelectorAll('.el-message').forEach((m) => m.remove()); window.scrollTo(0, 0) })
  await shot(rev, 'class')
  // the ledger holds the commitments: two payables of the class's body
  const committed = sql(`select count(*) from payables where case_id in (select id from cases where parent_id = ${classId})`)
  assert.equal(committed, '2')
  assert.deepEqual(body.problems, [])
  await body.context().close()

  // 5. finance pays the claims: demo-finance builds the P1 batch of the claims' month (by
  // programme and month, so the other tests' batches — P13 — play no part), web-fin2 approves it,
  // downloads the bank file and marks it paid; the class page then shows the claims 已拨付
  const claims = sql(`select p.id, coalesce(p.month, ''), p.year, p.payee_kind, coalesce(o.name, ''), coalesce(nullif(p.account, ''), o.bank_account) from payables p
    left join orgs o on o.id = p.org_id where p.case_id in (select id from cases where parent_id = ${classId}) order by p.id`)
    .split('\n').map((l) => l.split('|'))
  const month = claims[0][1]
  const fin = await as('finance')
  await fin.goto(BASE + '/batches')
  await fin.waitForSelector('[data-test=batches-table]')
  await fin.click('[data-test=build-open]')
  await fin.click('[data-test=build-program]')
  await fin.click('.el-select-dropdown__item:visible:has-text("P1 ")')
  if (month) {
    await fin.fill('#build-month', month)
    await fin.keyboard.press('Enter')
  } else {
    await fin.fill('#build-year', claims[0][2])
  }
  await fin.click('[data-test=build-submit]')
  await fin.waitForURL(/\/batches\/\d+/)
  const bid = fin.url().match(/\/batches\/(\d+)/)[1]
  await fin.waitForSelector('[data-test=lines-table] .el-table__row')
  assert.equal((await fin.innerText('[data-test=batch-status]')).trim(), '待复核')
  const built = (await apiGet(fin, '/batches/' + bid)).body
  assert.equal(built.program, 'P1')
  for (const c of claims) assert.ok(built.lines.some((l) => String(l.payable_id) === c[0]), `claim payable ${c[0]} in batch ${bid}: ` + JSON.stringify(built.lines.map((l) => l.payable_id)))
  assert.deepEqual(findIdcards(await text(fin)), [], 'payees masked on the batch page')
  assert.deepEqual(fin.problems, [])
  await fin.context().close()

  const p2 = await newPage(browser)
  await loginFin2(p2)
  await p2.goto(BASE + '/batches/' + bid)
  await p2.click('[data-test=approve]')
  await p2.click('.el-message-box__btns .el-button--primary')
  await p2.waitForSelector('[data-test=batch-status]:has-text("已复核")')
  // the bank file masked (the default), then whole with a reason: the payees' accounts
  const fileOf = async () => {
    const [dl] = await Promise.all([p2.waitForEvent('download'), p2.click('[data-test=file-download]')])
    return new TextDecoder('gb18030').decode(readFileSync(await dl.path()))
  }
  await p2.click('[data-test=bank-file-open]')
  const masked = await fileOf()
  // the payee: the training body, to its basic account (基本账户), the trainees named in the memo
  const accounts = [...new Set(claims.map((c) => c[5]))]
  assert.ok(accounts.every((a) => /^\d{12,}$/.test(a)), 'the payees\' accounts: ' + accounts)
  assert.ok(masked.includes(claims[0][4]), 'the training body is the payee: ' + masked)
  for (const a of accounts) {
    assert.ok(!masked.includes(a), 'the masked bank file has no whole account: ')
    assert.ok(masked.includes(a.slice(-4)), 'the masked file shows the account\'s last digits: ' + masked)
  }
  await p2.click('[data-test=file-unmask]')
  await p2.waitForSelector('text=导出完整账号须填写事由')
  await p2.fill('#file-reason', '送银行代发培训补贴')
  const whole = await fileOf()
  for (const a of accounts) assert.ok(whole.includes(a), `the whole bank file has the payee's account ${a}: ` + whole)
  for (const c of claims) if (c[3] === 'org') assert.ok(whole.includes(c[4]), 'the training body named: ' + c[4])
  await p2.keyboard.press('Escape')
  // marked paid on the bank's value date (required)
  await p2.click('[data-test=paid-all]')
  const today = await p2.inputValue('#paid-date')
  assert.match(today, /^\d{4}-\d{2}-\d{2}$/)
  await p2.locator('#paid-date').clear()
  await p2.click('.el-dialog__title:has-text("登记支付成功")') // closes the date panel
  await p2.click('[data-test=paid-submit]')
  await p2.waitForSelector('text=请选择银行入账日期')
  await pickDate(p2, '#paid-date', today)
  await p2.click('.el-dialog__title:has-text("登记支付成功")')
  await p2.click('[data-test=paid-submit]')
  await p2.waitForSelector('[data-test=batch-status]:has-text("已支付")')
  const paid = (await apiGet(p2, '/batches/' + bid)).body
  for (const c of claims) {
    const l = paid.lines.find((x) => String(x.payable_id) === c[0])
    assert.equal(l.status, 'paid')
    assert.equal(l.paid_at, today)
  }
  await shot(p2, 'class-batch')
  assert.deepEqual(p2.problems, [])
  await p2.context().close()

  // the class page: both claims 已拨付
  await rev.reload()
  await rev.waitForFunction(() => {
    const cells = [...document.querySelectorAll('[data-test=cls-roster-table] [data-state]')]
    return cells.length === 2 && cells.every((c) => c.getAttribute('data-state') === 'paid')
  })
  assert.ok((await rev.innerText('[data-test=cls-roster-table]')).includes('已拨付'))
  await rev.evaluate(() => { document.querySelectorAll('.el-message').forEach((m) => m.remove()); window.scrollTo(0, 0) })
  await shot(rev, 'class-paid')
  assert.deepEqual(rev.problems, [])
  await rev.context().close()
})

test('filing a claim: a fact the rules refuse shows the API error beside its field; then the decision', async () => {
  const page = await as('county_reviewer')
  await page.goto(BASE + '/filing')
  await choose(page, '#f-program', 'P16')
  await page.waitForSelector('[data-fact=years_running]')
  const labels = await page.innerText('[data-test=filing-form]')
  assert.ok(labels.includes('运营年限（年）') && labels.includes('入驻创业实体（户）'), 'the facts with Chinese labels')
  await choose(page, '#f-org', '职业技能培训学校')
  await pickDate(page, '#f-date', '2024-06-03')
  await page.fill('#fact-years_running', '500') // outside the fact's range 0..100
  await page.fill('#fact-businesses', '30')
  await page.fill('#fact-jobs', '300')
  await page.fill('#fact-migrant_share', '40%')
  await page.fill('#fact-investment', '2000000')
  await page.click('[data-test=filing-submit]')
  await errorOf(page, 'years_running').waitFor()
  assert.match(await errorOf(page, 'years_running').innerText(), /500/)
  assert.equal(await page.locator('[data-test=filing-result]').count(), 0, 'nothing filed')
  await shot(page, 'filing-error')
  await page.fill('#fact-years_running', '3')
  await page.click('[data-test=filing-submit]')
  await page.waitForSelector('[data-test=filing-result]')
  assert.ok(['符合', '不符合', '待人工审核'].includes(await page.innerText('[data-test=result-decision]')))
  await errorOf(page, 'years_running').waitFor({ state: 'detached' })
  await shot(page, 'filing')
  assert.deepEqual(page.problems, [])
  await page.context().close()
})

test('an award scoring form: the total adds up, a veto item refuses (P18 金牌劳务中介)', async () => {
  const page = await as('county_reviewer')
  await page.goto(BASE + '/awards?program=P18')
  await page.waitForSelector('[data-test=aw-items] .el-table__row')
  const items = page.locator('[data-test=aw-items] .el-input-number input')
  assert.equal(await items.count(), 10, 'form 5-18-2: ten items')
  for (let i = 0; i < 10; i++) {
    await items.nth(i).fill('9')
    await items.nth(i).press('Tab')
  }
  await page.waitForFunction(() => document.querySelector('[data-test=aw-total] b').innerText === '90')
  assert.match(await page.innerText('[data-test=aw-threshold]'), /P18 四/)
  await choose(page, '#aw-org', '职业技能培训学校')
  await page.click('[data-fact=licence] .el-radio:has-text("是")')
  await page.fill('#fact-gov_staff_share', '20%')
  await pickDate(page, '#aw-date', '2024-06-03')
  // without a veto item the rules do not refuse
  await page.waitForFunction(() => {
    const t = document.querySelector('[data-test=aw-trial-decision]')
    return t && t.innerText !== '不符合'
  })
  // a veto item: the trial and the filing both refuse, naming the clause
  await page.locator('[data-test=aw-veto] .el-checkbox').first().click()
  await page.waitForSelector('[data-test=aw-veto-alert]')
  await page.waitForFunction(() => document.querySelector('[data-test=aw-trial-decision]').innerText === '不符合')
  assert.ok((await page.innerText('[data-test=aw-trial]')).includes('存在否决项'))
  await page.locator('[data-test=aw-total]').scrollIntoViewIfNeeded()
  await page.evaluate(() => document.querySelector('[data-test=aw-total]').scrollIntoView({ block: 'center' }))
  await shot(page, 'awards')
  await page.click('[data-test=aw-submit]')
  await page.waitForSelector('[data-test=aw-result]')
  assert.equal(await page.innerText('[data-test=aw-result-decision]'), '不符合')
  assert.ok((await page.innerText('[data-test=aw-result]')).includes('存在否决项'))
  // the refused case cannot be approved: the workflow's county step needs an eligible decision
  await page.click('[data-test=aw-result] a')
  await page.waitForSelector('[data-test=case-summary]')
  const stored = sql(`select facts from cases where id = ${page.url().match(/(\d+)$/)[1]}`)
  assert.match(stored, /"score":90/)
  assert.match(stored, /"veto":true/)
  assert.deepEqual(page.problems, [])
  await page.context().close()
})

test('budget simulation: a changed parameter, the money before and after, a bad value beside its field', async () => {
  const page = await as('county_reviewer')
  await page.goto(BASE + '/simulate')
  await page.waitForSelector('[data-test=sim-form]')
  await page.fill('#sim-value-0', 'abc')
  await page.click('[data-test=sim-run]')
  await page.locator('.el-form-item', { has: page.locator('#sim-value-0') }).locator('.el-form-item__error').waitFor()
  await page.fill('#sim-value-0', '1200元')
  await page.click('[data-test=sim-run]')
  await page.waitForSelector('[data-test=sim-totals]')
  const diff = await page.innerText('[data-test=sim-diff]')
  assert.match(diff, /^\+[\d,]+\.\d\d$/, 'more money under a higher level-5 rate: ' + diff)
  await page.waitForSelector('[data-test=sim-decisions] .el-table__row')
  await shot(page, 'simulate')
  assert.deepEqual(page.problems, [])
  await page.context().close()
})

test('P4 projects: the list with stars, a project with its budget lines, scores and stars', async () => {
  const page = await as('county_reviewer')
  await page.goto(BASE + '/classes?program=P4')
  await page.waitForSelector('[data-test=cls-table] .el-table__row')
  assert.ok((await page.locator('[data-test=cls-table] .el-rate').count()) > 0, 'stars in the list')
  await page.click('[data-test=cls-table] .el-table__row >> nth=0')
  await page.waitForSelector('[data-test=p4-stars]')
  const t = await page.innerText('[data-test=cls-limits]')
  assert.ok(t.includes('专家核价') && t.includes('验收星级'), 'the 5-4-1 figures')
  await page.waitForLoadState('networkidle')
  await shot(page, 'project')
  // the form of a new project sums its budget lines in fen
  await page.goto(BASE + '/classes?program=P4')
  await page.click('[data-test=cls-new]')
  await page.waitForSelector('[data-test=p4-lines]')
  const row = page.locator('[data-test=p4-lines] .el-table__row').first()
  await row.locator('input').nth(0).fill('教材')
  await row.locator('input').nth(1).fill('0.10')
  await row.locator('input').nth(2).fill('3')
  await row.locator('input').nth(2).press('Tab')
  await page.waitForFunction(() => document.querySelector('[data-test=p4-budget]').innerText === '0.30')
  assert.deepEqual(page.problems, [])
  await page.context().close()
})

test('on a phone (390×844) the township user\'s new pages fit the screen', async () => {
  const p = await newPage(browser, { width: 390, height: 844 })
  await login(p, acc.township_staff)
  await p.waitForURL(/\/dashboard$/)
  for (const [path, ready] of [['/imports', '[data-test=import-upload]'], ['/filing', '[data-test=filing-form]'],
    ['/classes', '[data-test=cls-table]'], ['/awards', '[data-test=aw-items] .el-table__row'], ['/simulate', '[data-test=sim-form]']]) {
    await p.goto(BASE + path)
    await p.waitForSelector(ready)
    await p.waitForLoadState('networkidle')
    // nothing sideways: neither the page nor a card wider than the screen (the layout clips its main area)
    const fits = await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth &&
      [...document.querySelectorAll('.el-card')].every((c) => c.getBoundingClientRect().right <= window.innerWidth + 1))
    if (path === '/awards') await shot(p, 'phone-awards')
    assert.ok(fits, path + ' scrolls sideways on a phone')
  }
  assert.deepEqual(p.problems, [])
  await p.context().close()
})
