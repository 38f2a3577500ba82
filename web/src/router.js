// router.js — the page paths. Keep the top-level paths in step with SPA_PAGES in
// src/http/routes.c (the server answers index.html only for those; tests/web checks both agree).
import { createRouter, createWebHistory } from 'vue-router'
import { session, refreshSession } from './lib/session.js'
import { permFor, homeFor } from './lib/menu.js'
import Layout from './views/Layout.vue'

export const routes = [
  { path: '/login', component: () => import('./views/Login.vue'), meta: { public: true, title: '登录' } },
  { path: '/password', component: () => import('./views/Password.vue'), meta: { half: true, title: '修改密码' } },
  {
    path: '/',
    component: Layout,
    children: [
      { path: '', redirect: () => homeFor(session.user && session.user.permissions) },
      { path: 'dashboard', component: () => import('./views/Dashboard.vue'), meta: { title: '数据看板' } },
      { path: 'todo', component: () => import('./views/Todo.vue'), meta: { title: '我的待办' } },
      { path: 'persons', component: () => import('./views/Persons.vue'), meta: { title: '人员信息' } },
      { path: 'persons/:id', component: () => import('./views/PersonDetail.vue'), meta: { title: '人员详情' } },
      { path: 'orgs', component: () => import('./views/Orgs.vue'), meta: { title: '单位信息' } },
      { path: 'orgs/:id', component: () => import('./views/OrgDetail.vue'), meta: { title: '单位详情' } },
      { path: 'cases', component: () => import('./views/Cases.vue'), meta: { title: '案件办理' } },
      { path: 'cases/:id', component: () => import('./views/CaseDetail.vue'), meta: { title: '案件详情' } },
      { path: 'reports', component: () => import('./views/Reports.vue'), meta: { title: '统计报表' } },
      { path: 'policy', component: () => import('./views/Policy.vue'), meta: { title: '政策规则' } },
      { path: 'audit', component: () => import('./views/Audit.vue'), meta: { title: '审计日志' } },
      { path: 'access-log', component: () => import('./views/AccessLog.vue'), meta: { title: '查询日志' } },
      { path: 'users', component: () => import('./views/Users.vue'), meta: { title: '账户管理' } },
      { path: 'account', component: () => import('./views/Account.vue'), meta: { title: '我的账户' } },
      // issue 12 item 2 (web3)
      { path: 'placements', component: () => import('./views/Placements.vue'), meta: { title: '岗位考勤' } },
      { path: 'ledger', component: () => import('./views/Ledger.vue'), meta: { title: '资金台账' } },
      { path: 'batches', component: () => import('./views/Batches.vue'), meta: { title: '支付批次' } },
      { path: 'batches/:id', component: () => import('./views/BatchDetail.vue'), meta: { title: '支付批次详情' } },
      // issue 12 item 2, second share (web2): filing, classes, awards, roster import, budget simulation
      { path: 'filing', component: () => import('./views/CaseNew.vue'), meta: { title: '申报' } },
      { path: 'classes', component: () => import('./views/Classes.vue'), meta: { title: '培训班' } },
      { path: 'classes/:id', component: () => import('./views/ClassDetail.vue'), meta: { title: '培训班详情' } },
      { path: 'awards', component: () => import('./views/Awards.vue'), meta: { title: '评选奖补' } },
      { path: 'imports', component: () => import('./views/Imports.vue'), meta: { title: '花名册导入' } },
      { path: 'simulate', component: () => import('./views/Simulate.vue'), meta: { title: '预算模拟' } },
      { path: 'forbidden', component: () => import('./views/Forbidden.vue'), meta: { title: '无权访问' } },
      { path: ':rest(.*)*', component: () => import('./views/NotFound.vue'), meta: { title: '页面不存在' } },
    ],
  },
]

export const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach(async (to) => {
  if (!session.loaded) await refreshSession()
  if (to.meta.public) return true
  if (session.state === 'none' || !session.user) return { path: '/login', query: { next: to.fullPath } }
  if (session.state === 'second_factor') return { path: '/login', query: { next: to.fullPath, step: 'totp' } }
  if (session.user.must_change_password && to.path !== '/password') return { path: '/password', query: { forced: '1' } }
  const perm = permFor(to.path)
  if (perm && !session.user.permissions.includes(perm)) return { path: '/forbidden', query: { from: to.path } }
  return true
})

router.afterEach((to) => {
  document.title = (to.meta.title ? to.meta.title + ' · ' : '') + '公共就业服务管理系统'
})
