// programs.js — the 26 programmes' titles (GET /api/v1/policy/programs), loaded once.
import { reactive } from 'vue'
import { get } from './api.js'
import { can } from './session.js'

export const programs = reactive({ items: [], byCode: {} })
let pending = null

export function loadPrograms() {
  if (!pending && can('policy.read')) {
    pending = get('/policy/programs')
      .then((d) => {
        programs.items = d.programs.map((p) => ({ code: p.program, title: p.title }))
        programs.byCode = Object.fromEntries(programs.items.map((p) => [p.code, p.title]))
      })
      .catch(() => {
        pending = null
      })
  }
  return pending
}

export const programTitle = (code) => (code && programs.byCode[code] ? code + ' ' + programs.byCode[code] : code || '—')
