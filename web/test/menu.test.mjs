// The menu by role and the page paths: the router's top-level pages are exactly the server's
// SPA_PAGES (src/http/routes.c), so a page the router knows is never a 404 on reload.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { MENU, menuFor, permFor, homeFor } from '../src/lib/menu.js'

test('menuFor keeps only the entries the permissions allow, and empty groups go', () => {
  assert.deepEqual(menuFor(['audit.read']).map((g) => g.items.map((i) => i.path)), [['/audit'], ['/account']])
  assert.deepEqual(menuFor([]).flatMap((g) => g.items.map((i) => i.path)), ['/account'])
  const county = menuFor(['report.read', 'case.read', 'person.read', 'org.read']).flatMap((g) => g.items.map((i) => i.path))
  assert.deepEqual(county, ['/dashboard', '/todo', '/persons', '/orgs', '/cases', '/classes', '/reports', '/simulate', '/account'])
})

test('permFor covers sub-pages; homeFor is the first entry', () => {
  assert.equal(permFor('/persons/12'), 'person.read')
  assert.equal(permFor('/personsx'), undefined)
  assert.equal(permFor('/account'), null)
  assert.equal(homeFor(['user.read']), '/users')
  assert.equal(homeFor([]), '/account')
})

test('the router\'s pages are the server\'s SPA_PAGES', () => {
  const c = readFileSync(new URL('../../src/http/routes.c', import.meta.url), 'utf8')
  const m = /SPA_PAGES\[\] = \{([^}]*)\}/.exec(c)
  assert.ok(m, 'SPA_PAGES in routes.c')
  const server = [...m[1].matchAll(/"([^"]+)"/g)].map((x) => x[1]).sort()
  const r = readFileSync(new URL('../src/router.js', import.meta.url), 'utf8')
  const top = new Set()
  for (const x of r.matchAll(/path: '([^':]*)'/g)) {
    const p = x[1]
    if (!p || p === '/') continue
    top.add('/' + p.replace(/^\//, '').split('/')[0])
  }
  assert.deepEqual([...top].sort(), server)
  // and every menu entry is one of them
  for (const g of MENU) for (const i of g.items) assert.ok(server.includes(i.path), i.path)
})

// issue 12 item 2 (web3): the 资金与岗位 group; a batch's page needs batch.read like the list
test('资金与岗位: placements, ledger and batches by permission; a batch page is the list\'s', () => {
  const fin = menuFor(['placement.read', 'ledger.read', 'batch.read']).find((g) => g.group === '资金与岗位')
  assert.deepEqual(fin.items.map((i) => i.path), ['/placements', '/ledger', '/batches'])
  const town = menuFor(['placement.read', 'person.read']).find((g) => g.group === '资金与岗位')
  assert.deepEqual(town.items.map((i) => i.path), ['/placements'])
  assert.equal(permFor('/batches/34'), 'batch.read')
  assert.equal(permFor('/ledger'), 'ledger.read')
})
