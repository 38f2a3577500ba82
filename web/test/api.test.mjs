// Unit tests of the API error text the pages show (node --test): Chinese when the server gave it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ApiError, errorText } from '../src/lib/api.js'

const body = {
  error: {
    status: 422, code: 'invalid_field', key: 'idcard.check_char', field: 'idcard',
    message: 'idcard: check character should be 4', message_zh: 'idcard：身份证号码校验位（第18位）有误，应为 4',
  },
}

test('errorText prefers message_zh, then message, then the status', () => {
  assert.equal(errorText(422, body), 'idcard：身份证号码校验位（第18位）有误，应为 4')
  assert.equal(errorText(400, { error: { message: 'bad' } }), 'bad')
  assert.equal(errorText(400, { error: { message: 'bad', message_zh: '' } }), 'bad')
  assert.equal(errorText(502, null), 'HTTP 502')
  assert.equal(errorText(500, 'not json'), 'HTTP 500')
})

test('ApiError shows the Chinese text and keeps the English one, the key and the field', () => {
  const e = new ApiError(422, body)
  assert.equal(e.message, 'idcard：身份证号码校验位（第18位）有误，应为 4')
  assert.equal(e.messageEn, 'idcard: check character should be 4')
  assert.equal(e.key, 'idcard.check_char')
  assert.equal(e.field, 'idcard')
  assert.equal(e.status, 422)
  assert.equal(new ApiError(403, { error: { code: 'csrf', message: '此窗口尚未登录办理权限' } }).message, '此窗口尚未登录办理权限')
})
