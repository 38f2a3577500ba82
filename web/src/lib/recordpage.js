// recordpage.js — what a person's and an organisation's page share: the record read from
// GET {base}/{id} (missing: not found, or outside the user's area), read whole with a reason
// (?unmask=1&reason=: the API checks the role and logs the view), and replaced by the answer
// of a save (an edit, a status, a licence), which comes masked again.
import { ref, watch, onMounted } from 'vue'
import { useRoute } from 'vue-router'
import { get } from './api.js'
import { loadTowns } from './towns.js'

export function useRecordPage(base) {
  const route = useRoute()
  const d = ref(null)
  const error = ref('')
  const missing = ref(false)
  const unmasked = ref(false)
  const url = () => base + '/' + encodeURIComponent(route.params.id)
  async function load() {
    d.value = null
    error.value = ''
    missing.value = false
    unmasked.value = false
    try {
      d.value = await get(url())
    } catch (e) {
      if (e.status === 404 || e.status === 400) missing.value = true
      else error.value = e.message
    }
  }
  async function unmask(reason) {
    d.value = await get(url(), { unmask: 1, reason })
  }
  function onSaved(x) {
    d.value = x
    unmasked.value = false
  }
  onMounted(() => {
    loadTowns()
    load()
  })
  watch(() => route.params.id, (v) => v && load())
  return { d, error, missing, unmasked, load, unmask, onSaved }
}
