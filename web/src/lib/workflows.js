// workflows.js — the workflows with, per step, whether the signed-in role may take it
// (GET /api/v1/workflows), loaded once per page load.
import { reactive } from 'vue'
import { get } from './api.js'
import { can } from './session.js'

export const workflows = reactive({ byName: {}, loaded: false })
let pending = null

export function loadWorkflows() {
  if (!pending && can('policy.read')) {
    pending = get('/workflows')
      .then((d) => {
        workflows.byName = Object.fromEntries(d.items.map((w) => [w.name, w]))
        workflows.loaded = true
      })
      .catch(() => {
        pending = null
      })
  }
  return pending || Promise.resolve()
}

// The next steps of a case ({workflow, state, next_steps}) as {name, may, roles}; without the
// workflow table every step is offered (the API decides when it is taken).
export function nextSteps(c) {
  const w = c && workflows.byName[c.workflow]
  return (c ? c.next_steps : []).map((name) => {
    const s = w && w.steps.find((x) => x.name === name && x.from.includes(c.state))
    return { name, may: s ? s.may : true, roles: s ? s.roles : [], clause: s ? s.clause : '' }
  })
}
