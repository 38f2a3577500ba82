// api.js — the pages' only way out: fetch to /api/v1 on this origin. The session is the HttpOnly
// cookie the server set at login; state changes (POST/PUT/PATCH/DELETE) carry the CSRF token
// from the login answer in X-CSRF-Token (the browser adds the same-origin Origin header itself).
// The token lives in sessionStorage (this tab only), so a reload keeps it and a new tab logs in.

const KEY = 'jiuye.csrf'
let onUnauthenticated = () => {}

// The text a page shows for an API error body: the Chinese message ("message_zh") when the
// server gave one, else the English one, else the HTTP status (docs/api.md "Errors").
export function errorText(status, body) {
  const e = (body && body.error) || {}
  // a refused fact: "facts: fact x: …" / "信息项有误：…" loses the prefix its field already says
  return String(e.message_zh || e.message || `HTTP ${status}`).replace(/^(facts: (?=fact |unknown fact)|信息项有误：)/, '')
}

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {}
    super(errorText(status, body))
    this.status = status
    this.code = e.code || ''
    this.key = e.key || null // the stable message key ("idcard.check_char"), for pages that react to one
    this.messageEn = e.message || ''
    this.field = e.field || null
    this.body = body
  }
}

export function setCsrf(token) {
  if (token) sessionStorage.setItem(KEY, token)
  else sessionStorage.removeItem(KEY)
}

export function hasCsrf() {
  return !!sessionStorage.getItem(KEY)
}

// fn() is called when a request answers 401 (the session ended: idle limit, logout elsewhere).
export function whenUnauthenticated(fn) {
  onUnauthenticated = fn
}

// Builds "/api/v1/x?a=1&b=2" leaving out empty values.
export function url(path, query) {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  }
  const s = q.toString()
  return '/api/v1' + path + (s ? '?' + s : '')
}

export async function api(method, path, { query, body, quiet401 } = {}) {
  const headers = { Accept: 'application/json' }
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const t = sessionStorage.getItem(KEY)
    if (t) headers['X-CSRF-Token'] = t
    // a tab opened on an existing session has no token (it is handed out at login only): the
    // server would refuse the change (403), so say what to do instead
    else if (path !== '/session')
      throw new ApiError(403, { error: { code: 'csrf', message: '此窗口尚未登录办理权限，请退出后重新登录再办理' } })
  }
  const res = await fetch(url(path, query), init)
  let data = null
  const text = await res.text()
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }
  if (!res.ok) {
    if (res.status === 401 && !quiet401) onUnauthenticated()
    throw new ApiError(res.status, data)
  }
  return data
}

export const get = (path, query, opts) => api('GET', path, { ...opts, query })
export const post = (path, body) => api('POST', path, { body })
export const put = (path, body) => api('PUT', path, { body })
export const del = (path) => api('DELETE', path)

// Uploads a file as the request body (its bytes, Content-Type from the name: text/csv or the XLSX
// type), with upload progress: onProgress(percent) while the bytes go out. Answers the JSON reply
// or throws ApiError like api(). XMLHttpRequest, because fetch reports no upload progress.
export function upload(path, file, { query, onProgress } = {}) {
  return new Promise((resolve, reject) => {
    const t = sessionStorage.getItem(KEY)
    if (!t) {
      reject(new ApiError(403, { error: { code: 'csrf', message: '此窗口尚未登录办理权限，请退出后重新登录再办理' } }))
      return
    }
    const xhr = new XMLHttpRequest()
    xhr.open('POST', url(path, query))
    xhr.withCredentials = true
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.setRequestHeader('X-CSRF-Token', t)
    const xlsx = /\.xlsx$/i.test(file.name || '')
    xhr.setRequestHeader('Content-Type', xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv')
    xhr.upload.onprogress = (ev) => {
      if (onProgress && ev.lengthComputable) onProgress(Math.round((ev.loaded * 100) / ev.total))
    }
    xhr.onload = () => {
      let data = null
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        data = null
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data)
      else {
        if (xhr.status === 401) onUnauthenticated()
        reject(new ApiError(xhr.status, data))
      }
    }
    xhr.onerror = () => reject(new ApiError(0, { error: { message: '网络错误，上传未完成' } }))
    xhr.send(file)
  })
}
