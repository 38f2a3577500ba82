// 账户管理 for the security administrator (issue 12 item 2): creates an account (role, area) whose
// first password is shown once and must be changed at the first login; locks and unlocks it (a
// locked account cannot log in); resets its password (the old one dies, the new one must be
// changed again) and its second factor (a new secret and recovery codes, shown once). A county
// reviewer sees no account page at all (roles.test.mjs). Screenshots: users, user-secret.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, accounts, launch, newPage, login, shot } from './lib.mjs'

let browser, sec
const acc = accounts()
before(async () => {
  browser = await launch()
  sec = await newPage(browser)
  await login(sec, acc.security)
  await sec.waitForSelector('[data-test=menu]')
})
after(async () => { await browser.close() })

const NAME = 'web-made'

async function secretShown(page) {
  await page.waitForSelector('[data-test=secret-password]')
  const pw = (await page.innerText('[data-test=secret-password]')).trim()
  await page.click('[data-test=secret-close]')
  return pw
}

async function confirm(page) {
  await page.click('.el-message-box__btns .el-button--primary')
}

test('the security administrator creates an account that must change its password at first login', async () => {
  const page = sec
  await page.goto(BASE + '/users')
  await page.waitForSelector('[data-test=users-table] .el-table__row')
  await page.click('[data-test=user-add]')
  await page.click('[data-test=add-submit]')
  await page.waitForSelector('text=请输入用户名')
  await page.waitForSelector('text=请选择角色')
  await page.fill('#add-name', NAME)
  await page.click('[data-test=add-role]')
  await page.click('.el-select-dropdown__item:visible:has-text("县级审核")')
  await page.fill('#add-display', '就业股 马科员')
  await page.click('[data-test=add-submit]')
  await page.waitForSelector('[data-test=secret-password]')
  await shot(page, 'user-secret')
  const pw = await secretShown(page)
  assert.match(pw, /^[A-Za-z0-9]{16,}$/)
  await page.waitForSelector(`[data-test="lock-${NAME}"]`)
  const row = await page.innerText(`[data-test=users-table] .el-table__row:has-text("${NAME}")`)
  assert.ok(row.includes('须改密码') && row.includes('县级审核'), row)
  // the same name again: the API's answer says so (an update of nothing)
  // first login: the forced password change, then the work pages
  const u = await newPage(browser)
  await login(u, { name: NAME, password: pw })
  await u.waitForSelector('[data-test=forced]')
  const fresh = 'Made-By-Security-2026!'
  await u.fill('#pw-old', pw)
  await u.fill('#pw-new', fresh)
  await u.fill('#pw-again', fresh)
  await u.click('[data-test=pw-submit]')
  await u.waitForSelector('[data-test=menu]')
  assert.deepEqual(u.problems, [])
  await u.context().close()

  // locked: cannot log in; unlocked: can
  await page.reload()
  await page.click(`[data-test="lock-${NAME}"]`)
  await confirm(page)
  await page.waitForSelector(`[data-test="unlock-${NAME}"]`)
  const l = await newPage(browser)
  await login(l, { name: NAME, password: fresh })
  await l.waitForSelector('[data-test=login-error]')
  await page.click(`[data-test="unlock-${NAME}"]`)
  await confirm(page)
  await page.waitForSelector(`[data-test="lock-${NAME}"]`)
  await login(l, { name: NAME, password: fresh })
  await l.waitForSelector('[data-test=menu]')

  // a password reset: the old one dies (the session too), the new one must be changed
  await page.click(`[data-test="reset-pw-${NAME}"]`)
  await confirm(page)
  const reset = await secretShown(page)
  const st = await l.evaluate(async () => (await fetch('/api/v1/session')).status)
  assert.equal(st, 401, 'the reset ended the account\'s session')
  await login(l, { name: NAME, password: fresh })
  await l.waitForSelector('[data-test=login-error]')
  await login(l, { name: NAME, password: reset })
  await l.waitForSelector('[data-test=forced]')
  await l.context().close()

  // a second factor reset: secret and ten recovery codes shown once
  await page.click(`[data-test="reset-totp-${NAME}"]`)
  await confirm(page)
  await page.waitForSelector('[data-test=secret-totp]')
  assert.match((await page.innerText('[data-test=secret-totp]')).trim(), /^[A-Z2-7]{16,}$/)
  assert.equal((await page.locator('[data-test=secret-codes] code').count()), 10)
  await page.click('[data-test=secret-close]')
  await page.waitForSelector(`[data-test=users-table] .el-table__row:has-text("${NAME}") >> text=已启用`)
  await page.fill('#users-filter', 'web-')
  await page.evaluate(() => window.scrollTo(0, 0))
  await shot(page, 'users')
  await page.fill('#users-filter', '')
  assert.deepEqual(page.problems, [])
})

test('the security administrator cannot act on their own account, and the refused role is explained', async () => {
  const page = sec
  await page.goto(BASE + '/users')
  await page.waitForSelector('[data-test=users-table] .el-table__row')
  const own = await page.innerText(`[data-test=users-table] .el-table__row:has-text("${acc.security.name}")`)
  assert.ok(own.includes('本人账户'), own)
  // 三员分立: an auditor account cannot become an administrator — the API's refusal is shown
  await page.click('[data-test=user-add]')
  await page.fill('#add-name', acc.auditor.name)
  await page.click('[data-test=add-role]')
  await page.click('.el-select-dropdown__item:visible:has-text("安全管理员")')
  await page.click('[data-test=add-submit]')
  const err = page.locator('[data-test=add-error], .el-dialog .el-form-item__error').first()
  await err.waitFor()
  assert.ok((await err.innerText()).length > 4)
  assert.deepEqual(page.problems, [])
})
