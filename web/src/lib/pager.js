// pager.js — cursor paging over the API's {items, next_cursor} lists: a stack of the cursors
// that opened each page, so 上一页 goes back and 下一页 follows next_cursor.
import { reactive } from 'vue'
import { get } from './api.js'

export function usePager(path, pageSize = 20) {
  const p = reactive({ items: [], page: 1, next: null, stack: [null], loading: false, error: '', query: {} })
  async function load() {
    p.loading = true
    p.error = ''
    try {
      const d = await get(path, { ...p.query, limit: pageSize, cursor: p.stack[p.page - 1] })
      p.items = d.items
      p.next = d.next_cursor
    } catch (e) {
      p.items = []
      p.next = null
      p.error = e.message
    } finally {
      p.loading = false
    }
  }
  p.search = (query) => {
    p.query = query
    p.page = 1
    p.stack = [null]
    return load()
  }
  p.nextPage = () => {
    if (!p.next) return
    p.stack[p.page] = p.next
    p.page++
    return load()
  }
  p.prevPage = () => {
    if (p.page <= 1) return
    p.page--
    return load()
  }
  p.reload = load
  return p
}
