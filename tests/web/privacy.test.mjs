// A township user cannot open another township's person (by link or by API); no list page shows
// a whole 18-digit ID number (scan of the page text with the check-character test).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, accounts, launch, newPage, login, text, shot } from './lib.mjs'
import { findIdcards, maskIdcard } from '../../web/src/lib/format.js'

let browser
const acc = accounts()
const OWN = process.env.JY_WEB_OWN_PERSON
const OTHER = process.env.JY_WEB_OTHER_PERSON
const OTHER_ID = process.env.JY_WEB_OTHER_IDCARD
before(async () => { browser = await launch() })
after(async () => { await browser.close() })

test('a township user opens a person of its township, not one of another township', async () => {
  assert.ok(OWN && OTHER && OWN !== OTHER, 'run.sh found a person in each township')
  const page = await newPage(browser)
  await login(page, acc.township_staff)
  await page.waitForSelector('[data-test=menu]')
  await page.goto(BASE + '/persons/' + OWN)
  await page.waitForSelector('[data-test=person-card]')
  await page.goto(BASE + '/persons/' + OTHER)
  await page.waitForSelector('[data-test=person-missing]')
  assert.ok(!(await page.$('[data-test=person-card]')), 'no person card for another township')
  // and by API from the same session: 404, as if the person did not exist
  const st = await page.evaluate(async (id) => (await fetch('/api/v1/persons/' + id)).status, OTHER)
  assert.equal(st, 404)
  // the county reviewer does see that person (the refusal above is the township rule)
  const county = await newPage(browser)
  await login(county, acc.county_reviewer)
  await county.waitForSelector('[data-test=menu]')
  await county.goto(BASE + '/persons/' + OTHER)
  await county.waitForSelector('[data-test=person-card]')
  assert.deepEqual(page.problems, [])
})

test('no whole ID number on any list page (persons, organisations, cases, work list, dashboard)', async () => {
  // the scanner finds a whole ID number, and not its masked form (so the scan below can fail)
  assert.deepEqual(findIdcards('x ' + OTHER_ID + ' y'), [OTHER_ID])
  assert.deepEqual(findIdcards(maskIdcard(OTHER_ID)), [])
  const page = await newPage(browser)
  await login(page, acc.county_reviewer) // holds person.read_unmasked: lists are masked all the same
  await page.waitForSelector('[data-test=menu]')
  const pages = [
    ['/persons', '[data-test=persons-table] .el-table__row'],
    ['/orgs', '[data-test=orgs-table] .el-table__row'],
    ['/cases', '[data-test=cases-table] .el-table__row'],
    ['/todo', '[data-test=todo-table] .el-table__row'],
    ['/dashboard', '[data-test=targets-table] .el-table__row'],
    ['/persons/' + OTHER, '[data-test=person-card]'],
  ]
  let sawMasked = false
  for (const [path, ready] of pages) {
    await page.goto(BASE + path)
    await page.waitForSelector(ready)
    const t = await text(page)
    assert.deepEqual(findIdcards(t), [], `whole ID numbers on ${path}`)
    assert.ok(!t.includes(OTHER_ID), `${path} shows a whole ID number`)
    if (/\d{6}\*{8}\d{3}[\dX]/.test(t)) sawMasked = true
    // the next page of the list too
    const next = await page.$('[data-test=next]:not([disabled])')
    if (next && path === '/persons') {
      await next.click()
      await page.waitForSelector('text=第 2 页')
      assert.deepEqual(findIdcards(await text(page)), [], `whole ID numbers on ${path} page 2`)
    }
  }
  assert.ok(sawMasked, 'the lists show masked ID numbers (640522********1234)')
  assert.deepEqual(page.problems, [])
})

test('the whole ID number only with a reason, by a role that may, and the auditor sees the view in the access log', async () => {
  // a township user (no person.read_unmasked) is not offered the view
  const town = await newPage(browser)
  await login(town, acc.township_staff)
  await town.waitForSelector('[data-test=menu]')
  await town.goto(BASE + '/persons/' + OWN)
  await town.waitForSelector('[data-test=person-card]')
  assert.equal(await town.locator('[data-test=unmask]').count(), 0)
  // the county reviewer: masked first, whole after giving a reason (an empty one refused)
  const page = await newPage(browser)
  await login(page, acc.county_reviewer)
  await page.waitForSelector('[data-test=menu]')
  await page.goto(BASE + '/persons/' + OTHER)
  await page.waitForSelector('[data-test=person-card]')
  assert.ok(!(await text(page)).includes(OTHER_ID), 'masked before')
  await page.click('[data-test=unmask]')
  await page.click('[data-test=unmask-submit]')
  await page.waitForSelector('text=请填写查看事由')
  await page.fill('#unmask-reason', '网页测试：核对身份')
  await page.click('[data-test=unmask-submit]')
  await page.waitForSelector('[data-test=unmasked]')
  assert.ok((await text(page)).includes(OTHER_ID), 'the whole ID number after the reason')
  await page.click('[data-test=mask]')
  await page.waitForSelector('[data-test=unmask]')
  assert.ok(!(await text(page)).includes(OTHER_ID), 'masked again')
  // the auditor's access log lists the view with its reason
  const aud = await newPage(browser)
  await login(aud, acc.auditor)
  await aud.waitForSelector('[data-test=menu]')
  await aud.goto(BASE + '/access-log')
  await aud.waitForSelector('[data-test=access-table] .el-table__row')
  const t = await text(aud)
  assert.ok(t.includes('网页测试：核对身份') && t.includes(acc.county_reviewer.name), 'the view and its reason are logged')
  await shot(aud, 'access-log')
  assert.deepEqual([...town.problems, ...page.problems, ...aud.problems], [])
})
