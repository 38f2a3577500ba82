// A P13 month from the attendance grid to payroll and on to the bank (issue 12 item 2), through
// the pages by five people: the county reviewer enters the month in the grid (3 days 事假 and 2
// days 病假 on the days of the holiday calendar, no contract) and runs the payroll; the line is
// held for review and highlighted; the runner's own review is refused (four eyes); a second
// reviewer (web-rev2, who first changes the administrator's password) approves it. Finance
// (demo-finance) builds the batch and is refused its approval; a second finance user (web-fin2:
// password change, TOTP) approves it, downloads the bank file (whole accounts, with a reason;
// GB18030 by default), has a returned line (退票) paid again and marks the batch paid with the
// bank's date; the county reviewer recovers the paid month (追回) from the batch page; the auditor
// sees the export in the access log. The fund ledger page shows the budgets by source and the
// books balance. Screenshots: placements-grid, placements-payroll, ledger, batches, batch.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { BASE, accounts, launch, newPage, login, loginFin2, shot, text } from './lib.mjs'
import { findIdcards } from '../../web/src/lib/format.js'

let browser, fin // demo-finance's page, logged in once (a TOTP code is good once per 30 s)
const acc = accounts()
const PROGRAM = 'P13'
const MONTH = '2024-04'
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const apiGet = (page, path) => page.evaluate(async (p) => {
  const r = await fetch('/api/v1' + p, { headers: { Accept: 'application/json' } })
  return { status: r.status, body: await r.json() }
}, path)

// logs in with an administrator's password and changes it on the forced page
async function loginFresh(page, a) {
  await login(page, a)
  await page.waitForSelector('[data-test=forced]')
  const fresh = 'Second-Person-Fresh-' + (a.secret ? 'F' : 'R') + '-2026'
  await page.fill('#pw-old', a.password)
  await page.fill('#pw-new', fresh)
  await page.fill('#pw-again', fresh)
  await page.click('[data-test=pw-submit]')
  await page.waitForSelector('[data-test=menu]')
}

const grid = `/placements?program=${PROGRAM}&month=${MONTH}`

test('a P13 month: the attendance grid, the payroll run, a held line reviewed by a second reviewer', async () => {
  const page = await newPage(browser)
  await login(page, acc.county_reviewer)
  await page.waitForSelector('[data-test=menu]')
  await page.click('[data-menu="/placements"]')
  await page.waitForURL(/\/placements/)
  await page.goto(BASE + grid)
  await page.waitForSelector('[data-test=att-grid] tbody tr')
  // the calendar: April 2024 has 清明节 off days and a make-up working Sunday (4-7)
  const info = await page.innerText('[data-test=cal-info]')
  assert.match(info, /工作日 \d+ 天/)
  assert.ok(info.includes('清明'), 'the holiday named: ' + info)
  const cal = (await apiGet(page, '/calendar?month=' + MONTH)).body
  // the row of the intern run.sh placed from 2024-03 (April not entered yet)
  const row = page.locator(`[data-test=att-grid] tbody tr:has-text("${process.env.JY_WEB_P13_NAME}")`)
  assert.equal((await row.locator('.st').innerText()).trim(), '未录入')
  const pid = await row.getAttribute('data-placement')
  assert.equal(await row.locator('td.off').count(), cal.days.filter((d) => !d.workday).length, 'rest days greyed')
  // the 4th (清明节, a Thursday) is a rest day: clicking it changes nothing
  await row.locator('td[data-day="4"]').click()
  assert.equal(await row.locator('td[data-day="4"]').innerText(), '休')
  // 3 days 事假, 2 days 病假 on the first working days, no contract with the host
  // not entered: every working day blank; 全勤 fills them, then 3 days 事假 and 2 days 病假
  const edit = row.locator('td.cell.edit')
  assert.equal(await row.locator('td.absent').count(), cal.workdays)
  await page.click('[data-test=fill-all]')
  for (let i = 0; i < 3; i++) await edit.nth(i).click()
  for (let i = 3; i < 5; i++) { await edit.nth(i).click(); await edit.nth(i).click() }
  assert.equal(await row.locator('[data-col=duty]').innerText(), String(cal.workdays - 5))
  await shot(page, 'placements-grid')
  await page.click('[data-test=save]')
  await row.locator('.ok').waitFor()
  const g = (await apiGet(page, `/attendance?program=${PROGRAM}&month=${MONTH}`)).body
  const a = g.items.find((x) => String(x.placement_id) === pid).attendance
  assert.deepEqual([a.duty_days, a.personal_leave, a.sick_leave, a.contract_with_host], [cal.workdays - 5, 3, 2, false])
  assert.deepEqual(findIdcards(await text(page)), [], 'no whole ID number on the grid')

  // the run: personal and sick leave in one month → held for review, highlighted
  await page.click('#tab-payroll')
  await page.click('[data-test=run]')
  await page.waitForSelector('[data-test=payroll-table] .line-held')
  await page.waitForSelector('[data-test=held-alert]')
  const held = page.locator('[data-test=payroll-table] .line-held').first()
  const lineId = (await held.locator('td').first().innerText()).trim()
  await shot(page, 'placements-payroll')
  // the runner may not review it
  await page.click(`[data-test=review-${lineId}]`)
  await page.fill('#review-amount', '1750.00')
  await page.fill('#review-reason', '事假病假均有请假条')
  await page.click('[data-test=review-submit]')
  const refusal = await page.innerText('[data-test=review-error]')
  assert.ok(refusal.includes('不能复核'), refusal)
  assert.deepEqual(page.problems, [])
  await page.context().close()

  // a second reviewer (first login: the administrator's password is changed) approves it
  const p2 = await newPage(browser)
  await loginFresh(p2, { name: 'web-rev2', password: process.env.JY_WEB_NEWBIE_PW })
  await p2.goto(BASE + grid + '&tab=payroll')
  await p2.waitForSelector(`[data-test=review-${lineId}]`)
  await p2.click(`[data-test=review-${lineId}]`)
  await p2.fill('#review-amount', '')
  await p2.fill('#review-reason', '')
  await p2.click('[data-test=review-submit]')
  await p2.waitForSelector('text=请输入发放金额')
  await p2.fill('#review-amount', '1,750.00')
  await p2.click('[data-test=review-submit]')
  await p2.waitForSelector('text=请填写复核意见')
  await p2.fill('#review-reason', '请假条与病假证明已核')
  await p2.click('[data-test=review-submit]')
  await p2.waitForSelector(`[data-test=review-${lineId}]`, { state: 'detached' })
  const run = (await apiGet(p2, `/payroll/${PROGRAM}/${MONTH}`)).body
  const line = run.lines.find((l) => String(l.id) === lineId)
  assert.equal(line.status, 'approved')
  assert.equal(line.amount, '1750.00')
  assert.equal(line.reviewed_by, 'web-rev2')
  assert.equal(line.payable_status, 'approved', 'the approval committed a payable')
  assert.deepEqual(p2.problems, [])
  await p2.context().close()
})

test('a month\'s attendance sheet imported on the grid page: the good row stored, the bad one listed', async () => {
  const page = await newPage(browser)
  await login(page, acc.county_reviewer)
  await page.waitForSelector('[data-test=menu]')
  await page.goto(BASE + `/placements?program=${PROGRAM}&month=2024-03`)
  const row = page.locator(`[data-test=att-grid] tbody tr:has-text("${process.env.JY_WEB_P13_NAME}")`)
  await row.waitFor()
  assert.equal((await row.locator('.st').innerText()).trim(), '未录入')
  await page.click('[data-test=import-open]')
  const sheet = '身份证号,出勤天数,事假天数,病假天数,病假证明,签订合同\n' +
    '640522200103151233,15,1,0,否,否\n' +
    '640522200103151234,20,0,0,否,否\n'
  await page.setInputFiles('#import-file', { name: '三月考勤.csv', mimeType: 'text/csv', buffer: Buffer.from(sheet, 'utf8') })
  await page.click('[data-test=import-submit]')
  await page.waitForSelector('[data-test=import-result]')
  const res = await page.innerText('[data-test=import-result]')
  assert.match(res, /写入 1 行，拒绝 1 行/, res)
  assert.ok(/第?3|\b3\b/.test(res), 'the bad row named by its line: ' + res)
  assert.deepEqual(findIdcards(res), [], 'the rejected ID number masked')
  await page.keyboard.press('Escape')
  assert.equal((await row.locator('.st').innerText()).trim(), '已录入')
  assert.equal(await row.locator('[data-col=duty]').innerText(), '15')
  assert.deepEqual(page.problems, [])
  await page.context().close()
})

test('fund ledger: budgets by funding source, balances, payables, the books balance', async () => {
  const page = (fin = await newPage(browser))
  await login(page, acc.finance)
  await page.waitForSelector('[data-test=menu]')
  await page.goto(BASE + '/ledger')
  await page.waitForSelector('[data-test=budgets-table] .el-table__row')
  await page.waitForSelector('[data-test=check-result]')
  assert.equal((await page.innerText('[data-test=check-result]')).trim(), '账实相符')
  const sums = await page.innerText('[data-test=source-sums]')
  assert.match(sums, /中央|自治区|市县/, 'sums per funding source: ' + sums)
  assert.match(sums, /[\d,]+\.\d\d/)
  // the table's footer sums equal the API's lines summed in fen
  const b = (await apiGet(page, '/ledger/budgets')).body
  const fen = (s) => BigInt(s.replace('.', ''))
  const total = b.items.reduce((t, x) => t + fen(x.available), 0n)
  const foot = await page.innerText('[data-test=budgets-table] .el-table__footer-wrapper')
  const want = (total / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',') + '.' + (total % 100n).toString().padStart(2, '0')
  assert.ok(foot.includes(want), `footer ${foot} has the left total ${want}`)
  await shot(page, 'ledger')
  await page.click('#tab-commitments')
  await page.waitForSelector('[data-test=commitments-table] .el-table__row')
  await page.click('#tab-balances')
  await page.waitForSelector('[data-test=balances-table] .el-table__row')
  assert.deepEqual(findIdcards(await text(page)), [])
  assert.deepEqual(page.problems, [])
})

test('a payment batch: built by one finance user, refused to its builder, approved by another, bank file, paid', async () => {
  const page = fin
  await page.goto(BASE + '/batches')
  await page.waitForSelector('[data-test=batches-table] .el-table__row')
  await page.click('[data-test=build-open]')
  await page.click('[data-test=build-submit]')
  await page.waitForSelector('text=请选择项目')
  await page.click('[data-test=build-program]')
  await page.click(`.el-select-dropdown__item:visible:has-text("${PROGRAM} ")`)
  await page.fill('#build-month', MONTH)
  await page.keyboard.press('Enter')
  await page.click('[data-test=build-submit]')
  await page.waitForURL(/\/batches\/\d+/)
  const bid = page.url().match(/\/batches\/(\d+)/)[1]
  await page.waitForSelector('[data-test=lines-table] .el-table__row')
  assert.equal((await page.innerText('[data-test=batch-status]')).trim(), '待复核')
  const lines = await page.innerText('[data-test=lines-table]')
  assert.ok(lines.includes('1,750.00'), 'the reviewed line in the batch: ' + lines)
  assert.deepEqual(findIdcards(await text(page)), [], 'payees masked')
  // the builder may not approve
  await page.click('[data-test=approve]')
  await page.click('.el-message-box__btns .el-button--primary')
  const refusal = await page.innerText('[data-test=approve-error]')
  assert.ok(refusal.includes('不能复核'), refusal)
  assert.equal((await page.innerText('[data-test=batch-status]')).trim(), '待复核')
  await shot(page, 'batch')
  assert.deepEqual(page.problems, [])
  await page.context().close()

  // a second finance user: first login changes the password, passes the TOTP, approves
  const p2 = await newPage(browser)
  await loginFin2(p2)
  await p2.goto(BASE + '/batches/' + bid)
  await p2.click('[data-test=approve]')
  await p2.click('.el-message-box__btns .el-button--primary')
  await p2.waitForSelector('[data-test=batch-status]:has-text("已复核")')
  // the bank file: whole accounts need a reason; the county's encoding (GB18030)
  await p2.click('[data-test=bank-file-open]')
  await p2.click('[data-test=file-unmask]')
  await p2.waitForSelector('text=导出完整账号须填写事由')
  await p2.fill('#file-reason', '送银行代发')
  const [dl] = await Promise.all([p2.waitForEvent('download'), p2.click('[data-test=file-download]')])
  assert.equal(dl.suggestedFilename(), `batch-${bid}.csv`)
  const bytes = readFileSync(await dl.path())
  const csv = new TextDecoder('gb18030').decode(bytes)
  assert.ok(csv.startsWith('序号,'), 'a GB18030 bank file: ' + csv.slice(0, 40))
  assert.equal(findIdcards(csv).length, 1, 'the unmasked file has the payee\'s whole ID number')
  await p2.keyboard.press('Escape')
  // the bank returns the line (退票): the reason is required; then it is paid again
  await p2.click('[data-test=fail-1]')
  await p2.click('[data-test=fail-submit]')
  await p2.waitForSelector('text=请填写退票原因')
  await p2.fill('#fail-reason', '户名与账号不符')
  await p2.click('[data-test=fail-submit]')
  await p2.waitForSelector('[data-test=lines-table] .row-failed')
  assert.ok((await p2.innerText('[data-test=lines-table]')).includes('户名与账号不符'))
  await p2.click('[data-test=retry-1]')
  await p2.waitForSelector('[data-test=lines-table] .row-failed', { state: 'detached' })
  // marked paid with the bank's date
  await p2.click('[data-test=paid-all]')
  await p2.click('[data-test=paid-submit]')
  await p2.waitForSelector('[data-test=batch-status]:has-text("已支付")')
  const b = (await apiGet(p2, '/batches/' + bid)).body
  assert.equal(b.status, 'paid')
  assert.ok(b.lines.every((l) => l.status === 'paid' && l.paid_at), 'every line paid with its date')
  assert.deepEqual(p2.problems, [])
  await p2.goto(BASE + '/batches')
  await p2.waitForSelector('[data-test=batches-table] .el-table__row')
  await shot(p2, 'batches')
  await p2.context().close()

  // 追回: the county reviewer recovers the paid month from the batch page (the placement's
  // recovery: paid months recovered, the placement cancelled); the money is back in the budget
  const p4 = await newPage(browser)
  await login(p4, acc.county_reviewer)
  await p4.waitForSelector('[data-test=menu]')
  await p4.goto(BASE + '/batches/' + bid)
  await p4.click('[data-test=recover-1]')
  await p4.waitForSelector('text=岗位安置')
  await p4.click('[data-test=recover-submit]')
  await p4.waitForSelector('text=请填写追回事由')
  await p4.fill('#recover-reason', '核查发现见习期间已另行就业，依规追回')
  await p4.click('[data-test=recover-submit]')
  await p4.waitForSelector('text=已追回')
  const line = b.lines[0]
  const pay = (await apiGet(p4, '/ledger/commitments/' + line.payable_id)).body
  assert.equal(pay.recovered, '1750.00', 'the payable recovered: ' + JSON.stringify(pay))
  const pl = (await apiGet(p4, `/placements?program=${PROGRAM}&person_id=${pay.person_id}`)).body
  assert.equal(pl.items.find((x) => x.case_id === pay.case_id).status, 'cancelled')
  assert.deepEqual(p4.problems, [])
  await p4.context().close()

  // the auditor sees the unmasked export in the access log
  const p3 = await newPage(browser)
  await login(p3, acc.auditor)
  await p3.waitForSelector('[data-test=menu]')
  const log = (await apiGet(p3, '/access-log?user=web-fin2')).body
  assert.ok(log.items.some((e) => e.reason === '送银行代发'), JSON.stringify(log.items.slice(-2)))
  await p3.context().close()
})
