// Unit tests of the filing forms' fact helpers (web/src/lib/facts.js): a form value becomes the
// JSON the fact takes, or a Chinese message; the API's 422 field or message names the input.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { factValue, buildFacts, fieldOf, factLabel, valueLabel, factText, reasonText } from '../src/lib/facts.js'

test('factValue converts by the fact type and refuses what the type cannot hold', () => {
  assert.equal(factValue({ type: 'int' }, ' 12 '), 12)
  assert.deepEqual(factValue({ type: 'int' }, '1.5'), { error: '请填写整数' })
  assert.equal(factValue({ type: 'money' }, '1,750.5元'), '1750.5') // a string of yuan, never a float
  assert.deepEqual(factValue({ type: 'money' }, '1.234'), { error: '请填写金额（元，最多两位小数）' })
  assert.deepEqual(factValue({ type: 'money' }, '-5'), { error: '请填写金额（元，最多两位小数）' })
  assert.equal(factValue({ type: 'ratio' }, '30'), '30%')
  assert.equal(factValue({ type: 'ratio' }, '30%'), '30%')
  assert.equal(factValue({ type: 'bool' }, false), false)
  assert.equal(factValue({ type: 'bool' }, true), true)
  assert.equal(factValue({ type: 'bool' }, ''), undefined) // 未知: left out
  assert.equal(factValue({ type: 'date' }, '2024-03-01'), '2024-03-01')
  assert.deepEqual(factValue({ type: 'date' }, '2024/03/01'), { error: '日期格式为 YYYY-MM-DD' })
  assert.deepEqual(factValue({ type: 'set' }, []), [])
  assert.equal(factValue({ type: 'enum' }, 'pass'), 'pass')
})

test('buildFacts keeps the filled facts and names the wrong ones', () => {
  const defs = [{ name: 'jobs', type: 'int' }, { name: 'investment', type: 'money' }, { name: 'veto', type: 'bool' }]
  assert.deepEqual(buildFacts(defs, { jobs: '300', investment: 'x', veto: '' }), { facts: { jobs: 300 }, errors: { investment: '请填写金额（元，最多两位小数）' } })
})

test('fieldOf finds the fact an API error names', () => {
  assert.equal(fieldOf('facts.years_running', ''), 'years_running')
  assert.equal(fieldOf('facts.teachers[0]', ''), 'teachers')
  assert.equal(fieldOf('facts', 'facts: fact appraisal_fee: -150.00 is out of range'), 'appraisal_fee')
  assert.equal(fieldOf('facts', 'facts: unknown fact "investmnt" — did you mean "investment"? (policy/facts.rules declares the facts)'), 'investmnt')
  assert.equal(fieldOf('idcard', 'x'), 'idcard')
  assert.equal(fieldOf(null, ''), null)
})

test('labels are Chinese, and an unknown name shows as itself', () => {
  assert.equal(factLabel('years_running'), '运营年限（年）')
  assert.equal(factLabel('no_such_fact'), 'no_such_fact')
  assert.equal(valueLabel('exam', 'absent'), '缺考')
  assert.equal(valueLabel('exam', 'other'), 'other')
})

test('a fact value as the case page shows it: Chinese labels, yes/no, lists', () => {
  assert.equal(factText('exam', 'pass'), '合格')
  assert.equal(factText('certificate', 'level5'), '五级/初级工')
  assert.equal(factText('statuses', ['retired', 'enrolled_student']), '退休人员、在校学生')
  assert.equal(factText('sick_certificate', true), '是')
  assert.equal(factText('veto', false), '否')
  assert.equal(factText('age', 35), '35')
  assert.equal(factText('exam', 'unheard'), 'unheard')
  assert.equal(factText('teachers', [{ name: '张老师', certificate: 'x' }]), '张老师')
  assert.equal(factText('x', null), '—')
  assert.equal(factText('x', []), '无')
})

test("a decision reason's text names its facts in Chinese", () => {
  assert.equal(reasonText('案例未提供 exam，本条受理条件未核验（由受理环节核验）'), '案例未提供“结业考核”，本条受理条件未核验（由受理环节核验）')
  assert.equal(reasonText('缺少事实 stars，本条无法判断，需人工审核'), '缺少事实“验收星级”，本条无法判断，需人工审核')
  assert.equal(reasonText('缺少事实 no_such_fact，本条无法判断'), '缺少事实 no_such_fact，本条无法判断')
  assert.equal(reasonText('每人每年享受政府补贴性培训不超过1次'), '每人每年享受政府补贴性培训不超过1次')
})
