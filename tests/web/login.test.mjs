// Login with the second factor (TOTP), a wrong code refused, the forced password change of an
// account whose password an administrator set, logout ending the session.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, accounts, launch, newPage, login, shot, totp } from './lib.mjs'

let browser
const acc = accounts()
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

test('the login page, then a wrong password is refused', async () => {
  const page = await newPage(browser)
  await page.goto(BASE + '/')
  await page.waitForURL(/\/login/)
  await page.waitForSelector('#login-name')
  await shot(page, 'login')
  await page.fill('#login-name', acc.county_reviewer.name)
  await page.fill('#login-password', 'not-the-password-at-all')
  await page.click('[data-test=submit]')
  const err = await page.waitForSelector('[data-test=login-error]')
  assert.match(await err.innerText(), /用户名或密码不正确/)
  assert.deepEqual(page.problems, [])
  // the page runs under the server's CSP, and a violation would be caught by the checks every
  // test makes (page.problems): an inline style is refused and reported
  await page.evaluate(() => {
    const s = document.createElement('style')
    s.textContent = 'body { color: red }'
    document.head.appendChild(s)
  })
  await page.waitForTimeout(300)
  assert.ok(page.problems.some((p) => p.startsWith('CSP:')), 'an inline style is refused: ' + page.problems)
})

test('a second-factor role logs in with its TOTP code; a wrong code is refused first', async () => {
  const page = await newPage(browser)
  const a = acc.finance
  await page.goto(BASE + '/login')
  await page.fill('#login-name', a.name)
  await page.fill('#login-password', a.password)
  await page.click('[data-test=submit]')
  await page.waitForSelector('#login-code')
  await shot(page, 'login-totp')
  // a wrong code: six digits that are none of the accepted steps' codes
  const now = Date.now() / 1000
  const valid = new Set([-1, 0, 1].map((k) => totp(a.secret, now + 30 * k)))
  let wrong = '000000'
  while (valid.has(wrong)) wrong = String(Number(wrong) + 1).padStart(6, '0')
  await page.fill('#login-code', wrong)
  await page.click('[data-test=submit-code]')
  const err = await page.waitForSelector('[data-test=login-error]')
  assert.match(await err.innerText(), /动态码不正确/)
  assert.ok(!(await page.$('[data-test=menu]')), 'no menu before the second factor')
  // the right code opens the session
  const left = 30 - (Math.floor(Date.now() / 1000) % 30)
  if (left < 3) await page.waitForTimeout((left + 1) * 1000)
  await page.fill('#login-code', totp(a.secret))
  await page.click('[data-test=submit-code]')
  await page.waitForSelector('[data-test=menu]')
  assert.match(await page.innerText('[data-test=who]'), /demo-finance · 财务/)
  assert.deepEqual(page.problems, [])
})

test('an account with a password set by the administrator must change it first', async () => {
  const page = await newPage(browser)
  const a = { name: 'web-newbie', password: process.env.JY_WEB_NEWBIE_PW }
  await login(page, a)
  await page.waitForSelector('[data-test=forced]')
  assert.match(page.url(), /\/password/)
  await shot(page, 'password-forced')
  // other pages stay closed until the change
  await page.goto(BASE + '/persons')
  await page.waitForSelector('[data-test=forced]')
  await page.fill('#pw-old', a.password)
  await page.fill('#pw-new', 'short')
  await page.fill('#pw-again', 'short')
  await page.click('[data-test=pw-submit]')
  await page.waitForSelector('text=新密码应为 10 至 128 个字符')
  const fresh = 'Brand-New-Secret-4471'
  await page.fill('#pw-new', fresh)
  await page.fill('#pw-again', fresh)
  await page.click('[data-test=pw-submit]')
  await page.waitForSelector('[data-test=menu]')
  // the old password no longer works, the new one does
  const p2 = await newPage(browser)
  await login(p2, { name: a.name, password: a.password })
  await p2.waitForSelector('[data-test=login-error]')
  await login(p2, { name: a.name, password: fresh })
  await p2.waitForSelector('[data-test=menu]')
  assert.deepEqual(page.problems, [])
})

test('logout ends the session on the server', async () => {
  const page = await newPage(browser)
  await login(page, acc.county_reviewer)
  await page.waitForSelector('[data-test=menu]')
  await page.click('[data-test=logout]')
  await page.waitForURL(/\/login/)
  const st = await page.evaluate(async () => (await fetch('/api/v1/session')).status)
  assert.equal(st, 401)
  await page.goto(BASE + '/persons')
  await page.waitForURL(/\/login/)
})
