// towns.js — the county's townships (GET /api/v1/divisions), loaded once per page load.
import { reactive } from 'vue'
import { get } from './api.js'

export const towns = reactive({ county: '', countyName: '', items: [], byCode: {}, loaded: false })
let pending = null

export function loadTowns() {
  if (!pending) {
    pending = get('/divisions')
      .then((d) => {
        towns.county = d.county
        towns.countyName = d.county_name
        towns.items = d.items
        towns.byCode = Object.fromEntries(d.items.map((t) => [t.code, t.name]))
        towns.loaded = true
      })
      .catch(() => {
        pending = null
      })
  }
  return pending
}

// "640522104" or "640522104201" → "三河镇"; the code itself when unknown.
export function townName(code) {
  if (!code) return '—'
  return towns.byCode[String(code).slice(0, 9)] || code
}
