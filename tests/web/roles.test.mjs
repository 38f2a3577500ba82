// Each role logs in and sees only its menu; a page outside it opened by link is refused.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, accounts, launch, newPage, login, menuPaths } from './lib.mjs'
import { MENU } from '../../web/src/lib/menu.js'

let browser
const acc = accounts()
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

const WORK = ['/dashboard', '/todo', '/persons', '/orgs', '/cases', '/reports', '/policy', '/account']
const OWNER = ['/todo', '/persons', '/orgs', '/cases', '/policy', '/account'] // no report.read: no dashboard, no reports
// the demo has an auditor and a security administrator, so admin no longer holds their powers (三员分立)
const EXPECTED = {
  admin: WORK,
  county_reviewer: WORK,
  city_reviewer: WORK,
  township_staff: WORK,
  finance: WORK,
  training_body: OWNER,
  employer: OWNER,
  applicant: OWNER,
  station: OWNER,
  auditor: ['/audit', '/access-log', '/account'],
  security: ['/users', '/account'],
  sysadmin: ['/account'],
}
const ALL = ['/dashboard', '/todo', '/persons', '/orgs', '/cases', '/reports', '/policy', '/audit', '/access-log', '/users', '/account']

// issue 12 item 2 (web3): the 资金与岗位 group (placements, ledger, batches) sits before 个人中心,
// so its entries come just before '/account' in each role's menu
const WEB3 = {
  admin: ['/placements', '/ledger', '/batches'],
  county_reviewer: ['/placements', '/ledger', '/batches'],
  city_reviewer: ['/placements', '/ledger'],
  township_staff: ['/placements'],
  finance: ['/placements', '/ledger', '/batches'],
  employer: ['/placements'],
}
for (const [role, paths] of Object.entries(WEB3)) {
  const e = EXPECTED[role]
  EXPECTED[role] = [...e.slice(0, e.indexOf('/account')), ...paths, ...e.slice(e.indexOf('/account'))]
}
ALL.push('/placements', '/ledger', '/batches')
// web2: filing (case.file), classes (case.read), awards (case.file), roster import (import.run),
// budget simulation (report.read), each in its place in the menu's order
const WEB2 = {
  admin: ['/filing', '/classes', '/awards', '/imports', '/simulate'],
  county_reviewer: ['/filing', '/classes', '/awards', '/imports', '/simulate'],
  city_reviewer: ['/filing', '/classes', '/awards', '/simulate'],
  township_staff: ['/filing', '/classes', '/awards', '/imports', '/simulate'],
  finance: ['/classes', '/simulate'],
  training_body: ['/filing', '/classes', '/awards'],
  employer: ['/filing', '/classes', '/awards'],
  applicant: ['/filing', '/classes', '/awards'],
  station: ['/filing', '/classes', '/awards'],
}
const MENU_ORDER = MENU.flatMap((g) => g.items.map((i) => i.path))
for (const [role, extra] of Object.entries(WEB2)) {
  EXPECTED[role] = [...EXPECTED[role], ...extra].sort((a, b) => MENU_ORDER.indexOf(a) - MENU_ORDER.indexOf(b))
}
ALL.push('/filing', '/classes', '/awards', '/imports', '/simulate')

test('the demo has an account for every role', () => {
  assert.deepEqual(Object.keys(acc).sort(), Object.keys(EXPECTED).sort())
})

for (const role of Object.keys(EXPECTED)) {
  test(`${role} sees only its menu, and pages outside it are refused by link`, async () => {
    const page = await newPage(browser)
    await login(page, acc[role])
    const got = await menuPaths(page)
    assert.deepEqual(got, EXPECTED[role], `${role}'s menu`)
    // the first page of the menu is where the login lands
    assert.equal(new URL(page.url()).pathname, EXPECTED[role][0])
    // and every page of its menu opens without an error from the API
    for (const path of EXPECTED[role]) {
      await page.goto(BASE + path)
      await page.waitForLoadState('networkidle')
      const errs = await page.locator('.el-alert--error').allInnerTexts()
      assert.deepEqual(errs, [], `${role} on ${path}`)
    }
    for (const path of ALL.filter((p) => !EXPECTED[role].includes(p))) {
      await page.goto(BASE + path)
      await page.waitForSelector('[data-test=forbidden]')
    }
    assert.deepEqual(page.problems, [])
    await page.context().close()
  })
}
