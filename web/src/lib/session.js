// session.js — who is signed in (GET /api/v1/session), shared by the router guard and the pages.
import { reactive } from 'vue'
import { api, setCsrf } from './api.js'

export const session = reactive({
  loaded: false,
  state: 'none', // none | second_factor | open
  user: null,
})

export async function refreshSession() {
  try {
    const d = await api('GET', '/session', { quiet401: true })
    session.state = d.state
    session.user = d.user
  } catch (e) {
    session.state = 'none'
    session.user = null
    if (e.status !== 401) throw e
  } finally {
    session.loaded = true
  }
  return session
}

export function applyLogin(d) {
  if (d.csrf_token) setCsrf(d.csrf_token)
  session.state = d.state
  session.user = d.user
  session.loaded = true
}

export async function logout() {
  try {
    await api('DELETE', '/session', { quiet401: true })
  } catch {
    // already ended: nothing to do
  }
  setCsrf('')
  session.state = 'none'
  session.user = null
}

export function can(perm) {
  return !!(session.user && session.user.permissions && session.user.permissions.includes(perm))
}
