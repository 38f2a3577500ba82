import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import * as Icons from '@element-plus/icons-vue'
import 'element-plus/dist/index.css'
import './style.css'
import App from './App.vue'
import { router } from './router.js'
import { whenUnauthenticated } from './lib/api.js'
import { session } from './lib/session.js'

const app = createApp(App)
app.use(ElementPlus, { locale: zhCn })
for (const [name, comp] of Object.entries(Icons)) app.component('Icon' + name, comp)
app.use(router)

// A 401 from any call: the session ended (idle limit, logout elsewhere) — back to the login page.
whenUnauthenticated(() => {
  session.state = 'none'
  session.user = null
  const here = router.currentRoute.value
  if (!here.meta.public) router.push({ path: '/login', query: { next: here.fullPath, expired: '1' } })
})

app.mount('#app')
