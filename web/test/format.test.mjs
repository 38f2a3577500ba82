// Unit tests of the pages' money, masking and date helpers (node --test; run by .ci/run).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  yuanToFen, formatFen, formatYuan, sumFen, fenToWan, maskIdcard, maskPhone, maskName,
  idcardCheck, findIdcards, idcardProblem, daysUntil,
} from '../src/lib/format.js'

test('yuanToFen parses the API and the forms\' amounts exactly, never rounding', () => {
  assert.equal(yuanToFen('1750.00'), 175000n)
  assert.equal(yuanToFen('1,750.00'), 175000n)
  assert.equal(yuanToFen('1750元'), 175000n)
  assert.equal(yuanToFen('¥1750.5'), 175050n)
  assert.equal(yuanToFen('0.07'), 7n)
  assert.equal(yuanToFen('-3.07'), -307n)
  assert.equal(yuanToFen('92233720368547758.07'), 9223372036854775807n) // int64 max fen, no float loss
  for (const bad of ['1.234', 'abc', '1e3', '', '.5', '1..2', '0x10', null, undefined]) assert.equal(yuanToFen(bad), null, String(bad))
})

test('formatFen groups thousands with two decimals from BigInt, safe integers and digit strings', () => {
  assert.equal(formatFen(0n), '0.00')
  assert.equal(formatFen(7), '0.07')
  assert.equal(formatFen(175000), '1,750.00')
  assert.equal(formatFen('123456789'), '1,234,567.89')
  assert.equal(formatFen(-100n), '-1.00')
  assert.equal(formatFen(9223372036854775807n), '92,233,720,368,547,758.07')
  assert.equal(formatFen(null), '—')
  assert.throws(() => formatFen(1.5), RangeError)
  assert.throws(() => formatFen(2 ** 60), RangeError) // not a safe integer: would have lost fen
  assert.throws(() => formatFen('12.5'), RangeError)
})

test('formatYuan and sumFen: what the tables and the dashboard show', () => {
  assert.equal(formatYuan('37000.00'), '37,000.00')
  assert.equal(formatYuan(null), '—')
  assert.equal(formatYuan('待定'), '待定') // not an amount: shown as it is, nothing hidden
  // 0.1 + 0.2 in fen is exact (in floating point it is 0.30000000000000004)
  assert.equal(sumFen(['0.10', '0.20']), 30n)
  assert.equal(formatFen(sumFen(['19060.55', '2242.57', '4484.77', '11212.11', null, 'x'])), '37,000.00')
})

test('fenToWan rounds half up to hundredths of 万元', () => {
  assert.equal(fenToWan(1234567n), '1.23')
  assert.equal(fenToWan(1235000n), '1.24')
  assert.equal(fenToWan(0n), '0.00')
  assert.equal(fenToWan(1700000000n), '1700.00')
  assert.equal(fenToWan(-1234567n), '-1.23')
})

test('masking as the API masks', () => {
  assert.equal(maskIdcard('640522199001011234'), '640522********1234')
  assert.equal(maskIdcard('64052219900101123X'), '640522********123X')
  assert.equal(maskIdcard('640522********1234'), '640522********1234') // already masked
  assert.equal(maskIdcard(''), '')
  assert.equal(maskPhone('13912341234'), '139****1234')
  assert.equal(maskPhone('0955-1234567'), '0955-1234567')
  assert.equal(maskName('马小兰'), '马**')
  assert.equal(maskName('马'), '马')
})

test('ID number check character, the scanner the browser tests use, and the form check', () => {
  assert.equal(idcardCheck('64052219900101123'), '4')
  assert.equal(idcardCheck('11010519491231002'), 'X') // GB 11643's own example
  assert.deepEqual(findIdcards('a 640522199001011234 b 110105194912310021 c'), ['640522199001011234'])
  assert.deepEqual(findIdcards('11010519491231002X'), ['11010519491231002X'])
  assert.deepEqual(findIdcards('640522********1234 6405221990010112345'), []) // masked; 19 digits
  assert.deepEqual(findIdcards('640522199001011230'), []) // wrong check character: not an ID number
  assert.equal(idcardProblem('640522199001011234'), '')
  assert.match(idcardProblem('640522199001011230'), /校验位/)
  assert.match(idcardProblem('12345'), /18位/)
  assert.match(idcardProblem(''), /请输入/)
})

test('daysUntil counts calendar days in UTC', () => {
  assert.equal(daysUntil('2024-03-01', '2024-02-28'), 2) // leap year
  assert.equal(daysUntil('2024-01-01', '2024-01-11'), -10)
  assert.equal(daysUntil('2024-01-01', '2024-01-01'), 0)
  assert.equal(daysUntil('nope', '2024-01-01'), null)
})

test('统一社会信用代码: the final check character (GB 32100) and the form check', async () => {
  const { usccCheck, usccProblem } = await import('../src/lib/format.js')
  // codes from the demo county (valid by the server's validator)
  for (const code of ['52640522532263768E', '52640522392598207H', '91640522336310168K', '92640522MA3K44265J']) {
    assert.equal(usccCheck(code.slice(0, 17)), code[17], code)
    assert.equal(usccProblem(code), '', code)
    assert.equal(usccProblem(code.toLowerCase()), '', 'lower case typed is read as upper: ' + code)
  }
  assert.match(usccProblem('52640522532263768F'), /校验位/)
  assert.match(usccProblem('5264052253226376'), /18位/)
  assert.match(usccProblem('I2640522532263768E'), /不使用的字符/)
  assert.match(usccProblem(''), /请输入/)
})
