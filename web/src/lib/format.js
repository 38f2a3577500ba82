// format.js — money, masking and date helpers the pages share. Pure functions (no DOM, no Vue),
// unit-tested with node's test runner (web/test/format.test.mjs).
//
// Money: the API sends yuan as a decimal string with two places ("1750.00"); the system's
// amounts are int64 fen, so the pages never turn money into a floating-point number: they
// parse the string into a BigInt of fen and format from that.

const MONEY_RE = /^(-)?(\d+)(?:\.(\d{1,2}))?$/

// "1,750.00" / "1750元" / "1750.5" / "-3.07" → BigInt fen; null for anything that is not an
// amount of yuan with at most two decimals (never rounds: "1.234" is null).
export function yuanToFen(text) {
  if (text === null || text === undefined) return null
  if (typeof text === 'bigint') return text * 100n
  let s = String(text).trim().replace(/,/g, '').replace(/^¥/, '').replace(/元$/, '').trim()
  const m = MONEY_RE.exec(s)
  if (!m) return null
  const whole = BigInt(m[2])
  const frac = BigInt((m[3] || '').padEnd(2, '0') || '0')
  const fen = whole * 100n + frac
  return m[1] ? -fen : fen
}

// BigInt / integer Number / digit string of fen → "1,750.00" (grouped by thousands, two decimals).
export function formatFen(fen) {
  if (fen === null || fen === undefined || fen === '') return '—'
  let v
  if (typeof fen === 'bigint') v = fen
  else if (typeof fen === 'number') {
    if (!Number.isSafeInteger(fen)) throw new RangeError('fen must be a whole number: ' + fen)
    v = BigInt(fen)
  } else if (/^-?\d+$/.test(String(fen))) v = BigInt(String(fen))
  else throw new RangeError('fen must be a whole number: ' + fen)
  const neg = v < 0n
  if (neg) v = -v
  const yuan = (v / 100n).toString()
  const cents = (v % 100n).toString().padStart(2, '0')
  const grouped = yuan.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return (neg ? '-' : '') + grouped + '.' + cents
}

// An API amount ("1750.00") for a table cell: "1,750.00"; '—' when absent; the text unchanged
// (so nothing is hidden) when it is not an amount.
export function formatYuan(text) {
  if (text === null || text === undefined || text === '') return '—'
  const fen = yuanToFen(text)
  return fen === null ? String(text) : formatFen(fen)
}

// Sum of API amounts, exactly, as BigInt fen (absent or malformed amounts count as 0).
export function sumFen(list) {
  let t = 0n
  for (const x of list) {
    const f = yuanToFen(x)
    if (f !== null) t += f
  }
  return t
}

// 万元 with two decimals for chart axes and cards: 1234567 fen (12,345.67 元) → "1.23"; rounds half up.
export function fenToWan(fen) {
  let v = typeof fen === 'bigint' ? fen : BigInt(fen)
  const neg = v < 0n
  if (neg) v = -v
  const hundredths = (v + 5000n) / 10000n // 1 万元 = 1,000,000 fen: hundredths of 万元 = fen / 10,000
  const s = (hundredths / 100n).toString() + '.' + (hundredths % 100n).toString().padStart(2, '0')
  return (neg && hundredths !== 0n ? '-' : '') + s
}

// ---- masking (脱敏) as the API does it (src/domain/mask.h) ----

// 18-digit ID number → first 6, eight asterisks, last 4: "640522********1234". Already masked or
// short values come back unchanged.
export function maskIdcard(id) {
  if (!id) return ''
  const s = String(id).trim()
  if (!/^\d{17}[\dXx]$/.test(s)) return s
  return s.slice(0, 6) + '********' + s.slice(14)
}

// 11-digit mobile → "139****1234".
export function maskPhone(p) {
  if (!p) return ''
  const s = String(p).trim()
  if (!/^1\d{10}$/.test(s)) return s
  return s.slice(0, 3) + '****' + s.slice(7)
}

// A name as published lists show it (公示): the family name and asterisks, "马**" for 马小兰.
export function maskName(n) {
  if (!n) return ''
  const chars = Array.from(String(n).trim())
  if (chars.length <= 1) return chars.join('')
  return chars[0] + '*'.repeat(chars.length - 1)
}

// GB 11643 check character of the first 17 digits.
export function idcardCheck(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * w[i]
  return '10X98765432'[sum % 11]
}

// Whole (unmasked) ID numbers in a text: 18 characters with a valid check character, not part of
// a longer run of digits. The browser tests scan every list page's text with it.
export function findIdcards(text) {
  const out = []
  const re = /(?<![\dXx])(\d{17}[\dXx])(?![\dXx])/g
  let m
  while ((m = re.exec(String(text)))) {
    if (idcardCheck(m[1]) === m[1][17].toUpperCase()) out.push(m[1])
  }
  return out
}

// Inline check while typing an ID number: '' when fine, else the reason (Chinese, for the form).
export function idcardProblem(s) {
  const v = String(s || '').trim()
  if (!v) return '请输入身份证号'
  if (!/^\d{17}[\dXx]$/.test(v)) return '身份证号应为18位（最后一位可为X）'
  if (idcardCheck(v) !== v[17].toUpperCase()) return '身份证号校验位不对，请核对'
  return ''
}

// ---- dates ----

// Today as "YYYY-MM-DD" (UTC, as the server counts its days).
export const today = () => new Date().toISOString().slice(0, 10)

// Calendar days from today to a due date ("YYYY-MM-DD"); negative when past. UTC-based so a
// time zone cannot move a date.
export function daysUntil(due, today) {
  const p = (d) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d)
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : NaN
  }
  const t = today || new Date().toISOString().slice(0, 10)
  const a = p(due)
  const b = p(t)
  if (Number.isNaN(a) || Number.isNaN(b)) return null
  return Math.round((a - b) / 86400000)
}

// ---- 统一社会信用代码 (GB 32100) ----

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

// The 18th character of a USCC from its first 17, or null when they hold a character the code
// does not use (I, O, Z, S, V and lower case are not in it).
export function usccCheck(first17) {
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARS.indexOf(first17[i])
    if (v < 0) return null
    sum += v * USCC_WEIGHTS[i]
  }
  return USCC_CHARS[(31 - (sum % 31)) % 31]
}

// Inline check while typing a USCC: '' when the form and the final check character are right
// (the server also checks the organisation code's own check character, positions 9–17).
export function usccProblem(s) {
  const v = String(s || '').trim().toUpperCase()
  if (!v) return '请输入统一社会信用代码'
  if (v.length !== 18) return '统一社会信用代码应为18位'
  const c = usccCheck(v.slice(0, 17))
  if (c === null || USCC_CHARS.indexOf(v[17]) < 0) return '统一社会信用代码含有不使用的字符（不用 I、O、Z、S、V）'
  if (c !== v[17]) return '统一社会信用代码校验位不对，请核对'
  return ''
}
