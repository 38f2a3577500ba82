// dialogform.js — what the registry pages' dialog forms share (FormDialog.vue is their frame):
// the fields' messages checked as typed (useFieldChecks), and saving with the API's answer
// (useDialogSave): a 422 naming a field of the form beside that field, a 404 with the form's
// own explanation, anything else above the buttons; on success the dialog closes and `saved`
// gets the API's answer.
import { reactive, ref } from 'vue'
import { ElMessage } from 'element-plus'
import { post, put } from './api.js'

// fields: the form's field names; problems(): {field: message} of the form as it stands.
// check(field) marks the field touched and shows the messages of the touched fields (and of
// those `shown(k)` says to show: a filled "until" once "since" changes); checkAll() shows every
// field's and is true when there is none.
export function useFieldChecks(fields, problems, shown = () => false) {
  const err = reactive({})
  const touched = reactive({})
  function clear() {
    for (const k of Object.keys(err)) delete err[k]
    for (const k of Object.keys(touched)) delete touched[k]
  }
  function check(field) {
    touched[field] = true
    const p = problems()
    for (const k of fields) if (touched[k] || shown(k)) err[k] = p[k] || ''
  }
  function checkAll() {
    const p = problems()
    for (const k of fields) err[k] = p[k] || ''
    return Object.keys(p).length === 0
  }
  return { err, touched, clear, check, checkAll }
}

// emit: the component's emit ('update:modelValue', 'saved'); err: the fields' messages;
// fields: the names a 422 may put beside their input; prefix: stripped from the API's field
// ("org.phone" → "phone"); notFound: said before a 404's message.
export function useDialogSave(emit, err, { fields, prefix = '', notFound = '' } = {}) {
  const busy = ref(false)
  const error = ref('')
  async function run(call, okMessage) {
    error.value = ''
    busy.value = true
    try {
      const d = await call()
      ElMessage.success(typeof okMessage === 'function' ? okMessage(d) : okMessage)
      emit('update:modelValue', false)
      emit('saved', d)
      return d
    } catch (e) {
      const field = e.field ? String(e.field).replace(prefix, '') : ''
      if (e.status === 422 && field && fields.includes(field)) err[field] = e.message
      else if (e.status === 404 && notFound) error.value = notFound + e.message
      else error.value = e.message
    } finally {
      busy.value = false
    }
  }
  return { busy, error, run }
}

// The answer of a person's or organisation's save: created, updated or unchanged.
export const savedMessage = (d) => (d.result === 'updated' ? '已更新' : d.result === 'unchanged' ? '没有变化' : '已保存')

// A person's or an organisation's dialog (PersonForm, OrgForm): new (POST path) or edit (PUT
// path/{id}; the key field — ID number, USCC — stays). record(): the record edited or null;
// blank(): the empty form; prepare(form, record): fills the form as the dialog opens (masked
// values are not put back: an empty field leaves the stored value alone); toBody(form): the
// values sent (empty ones left out). dlg is the FormDialog's template ref (its rules run first).
export function useRecordForm(emit, { record, blank, prepare, toBody = (f) => f, path, key, prefix, notFound }) {
  const form = reactive(blank())
  const err = reactive({})
  const dlg = ref()
  const { busy, error, run } = useDialogSave(emit, err, { fields: Object.keys(blank()), prefix, notFound })
  function reset() {
    Object.assign(form, blank())
    for (const k of Object.keys(err)) delete err[k]
    error.value = ''
    prepare(form, record())
  }
  async function save() {
    for (const k of Object.keys(err)) delete err[k]
    error.value = ''
    if (!(await dlg.value.validate())) return
    const body = {}
    for (const [k, v] of Object.entries(toBody(form))) if (v) body[k] = v
    const r = record()
    if (r) delete body[key]
    return run(() => (r ? put(path + '/' + r.id, body) : post(path, body)), savedMessage)
  }
  return { form, err, dlg, busy, error, reset, save }
}
