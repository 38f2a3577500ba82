// lib.mjs — what the browser tests share: the accounts file, a Chromium (Debian's, headless,
// through playwright-core), logging in as a role (with the TOTP code for the roles that need
// one), CSP-violation and page-error collection, screenshots at 1366×768.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createHmac } from 'node:crypto'
import { join } from 'node:path'
import { chromium } from '../../web/node_modules/playwright-core/index.mjs'

export const BASE = process.env.JY_WEB_BASE
export const SHOTS = process.env.JY_WEB_SHOTS
if (!BASE) throw new Error('JY_WEB_BASE is not set: run tests/web/run.sh')

// role → {role, name, password, secret, area}
export function accounts() {
  const out = {}
  for (const line of readFileSync(process.env.JY_WEB_ACCOUNTS, 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue
    const [role, name, password, secret, area] = line.split('\t')
    out[role] = { role, name, password, secret: secret === '-' ? null : secret, area }
  }
  return out
}

// RFC 6238 TOTP (HMAC-SHA1, 30 s, 6 digits) of a base32 secret at time t (seconds).
export function totp(secret, t = Date.now() / 1000) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const c of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0')
  const bytes = []
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2))
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(t / 30)))
  const mac = createHmac('sha1', Buffer.from(bytes)).update(counter).digest()
  const o = mac[mac.length - 1] & 0x0f
  const code = (mac.readUInt32BE(o) & 0x7fffffff) % 1000000
  return String(code).padStart(6, '0')
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.JY_WEB_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  })
}

// A fresh context (its own cookies) and page at 1366×768 that records CSP violations, page
// errors and failed API calls (other than the ones a test expects) into page.problems.
export async function newPage(browser, viewport = { width: 1366, height: 768 }) {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await ctx.newPage()
  page.problems = []
  page.on('console', (m) => {
    const t = m.text()
    if (/Content Security Policy|Refused to (load|apply|execute|connect)/i.test(t)) page.problems.push('CSP: ' + t)
  })
  page.on('pageerror', (e) => page.problems.push('page error: ' + e.message))
  page.setDefaultTimeout(15000)
  return page
}

// Logs in through the login page as acc; completes the second factor when the role needs it.
export async function login(page, acc, { password } = {}) {
  await page.goto(BASE + '/login')
  await page.fill('#login-name', acc.name)
  await page.fill('#login-password', password || acc.password)
  await page.click('[data-test=submit]')
  if (acc.secret) {
    await page.waitForSelector('#login-code')
    await freshTotpStep(page, acc.name)
    await page.fill('#login-code', totp(acc.secret))
    await page.click('[data-test=submit-code]')
  }
}

// A code is good once per 30-second step (the server refuses a replay): wait for a step this
// account has not used yet — remembered in a file, so two test files logging in as the same
// account within one step do not collide — and for a fresh one when the current is nearly over.
async function freshTotpStep(page, name) {
  const file = join(process.env.JY_WEB_TMP || tmpdir(), 'jy-totp-step-' + encodeURIComponent(name))
  let used = -1
  try { used = Number(readFileSync(file, 'utf8')) } catch { /* never used */ }
  for (;;) {
    const now = Date.now() / 1000, step = Math.floor(now / 30), left = 30 - (now % 30)
    if (step > used && left >= 3) {
      writeFileSync(file, String(step))
      return
    }
    await page.waitForTimeout((left + 0.5) * 1000)
  }
}

// web-fin2 (tests/web/run.sh: an administrator's password, TOTP): its first login changes the
// password (to the same new one whichever test file logs in first), so the files may run in any
// order: filing.test.mjs (the P1 batch) and money.test.mjs (the P13 batch)
export async function loginFin2(page) {
  const fresh = 'Second-Person-Fresh-F-2026'
  const a = { name: 'web-fin2', password: process.env.JY_WEB_NEWBIE_PW, secret: process.env.JY_WEB_FIN2_SECRET }
  await page.goto(BASE + '/login')
  await page.fill('#login-name', a.name)
  await page.fill('#login-password', a.password)
  await page.click('[data-test=submit]')
  // the administrator's password still good: the code is asked; already changed: refused
  await page.waitForSelector('#login-code, [data-test=login-error]')
  const first = (await page.locator('#login-code').count()) > 0
  if (!first) await login(page, { ...a, password: fresh })
  else {
    await freshTotpStep(page, a.name)
    await page.fill('#login-code', totp(a.secret))
    await page.click('[data-test=submit-code]')
    await page.waitForSelector('[data-test=forced]')
    await page.fill('#pw-old', a.password)
    await page.fill('#pw-new', fresh)
    await page.fill('#pw-again', fresh)
    await page.click('[data-test=pw-submit]')
  }
  await page.waitForSelector('[data-test=menu]')
}
// The menu entries (paths) the page shows.
export async function menuPaths(page) {
  await page.waitForSelector('[data-test=menu]')
  return page.$$eval('[data-menu]', (els) => els.map((e) => e.getAttribute('data-menu')))
}

export async function shot(page, name) {
  if (!SHOTS) return
  mkdirSync(SHOTS, { recursive: true })
  await page.waitForTimeout(400) // charts and transitions settle
  await page.screenshot({ path: join(SHOTS, name + '.png') })
}

// The page's visible text after the table/list has loaded.
export async function text(page) {
  return page.evaluate(() => document.body.innerText)
}
