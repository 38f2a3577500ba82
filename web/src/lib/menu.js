// menu.js — the left menu by area of work. Each entry names the permission a role must hold
// (GET /api/v1/session lists the user's); an entry without one is for every signed-in user.
// The router (router.js) uses the same table, so a page not in a role's menu is also refused
// when opened by link (and the API refuses its data anyway).

export const MENU = [
  {
    group: '工作台',
    icon: 'Odometer',
    items: [
      { path: '/dashboard', label: '数据看板', perm: 'report.read' },
      { path: '/todo', label: '我的待办', perm: 'case.read' },
    ],
  },
  {
    group: '登记管理',
    icon: 'User',
    items: [
      { path: '/persons', label: '人员信息', perm: 'person.read' },
      { path: '/orgs', label: '单位信息', perm: 'org.read' },
    ],
  },
  {
    group: '业务办理',
    icon: 'Document',
    items: [{ path: '/cases', label: '案件办理', perm: 'case.read' }],
  },
  // issue 12 item 2, second share (web2)
  {
    group: '申报与评审',
    icon: 'EditPen',
    items: [
      { path: '/filing', label: '申报', perm: 'case.file' },
      { path: '/classes', label: '培训班', perm: 'case.read' },
      { path: '/awards', label: '评选奖补', perm: 'case.file' },
      { path: '/imports', label: '花名册导入', perm: 'import.run' },
    ],
  },
  {
    group: '统计与政策',
    icon: 'DataAnalysis',
    items: [
      { path: '/reports', label: '统计报表', perm: 'report.read' },
      { path: '/policy', label: '政策规则', perm: 'policy.read' },
      { path: '/simulate', label: '预算模拟', perm: 'report.read' }, // web2
    ],
  },
  {
    group: '安全与审计',
    icon: 'Lock',
    items: [
      { path: '/audit', label: '审计日志', perm: 'audit.read' },
      { path: '/access-log', label: '查询日志', perm: 'access_log.read' },
      { path: '/users', label: '账户管理', perm: 'user.read' },
    ],
  },
  // issue 12 item 2 (web3): placements and their payroll, the fund ledger, payment batches
  {
    group: '资金与岗位',
    icon: 'Wallet',
    items: [
      { path: '/placements', label: '岗位考勤', perm: 'placement.read' },
      { path: '/ledger', label: '资金台账', perm: 'ledger.read' },
      { path: '/batches', label: '支付批次', perm: 'batch.read' },
    ],
  },
  {
    group: '个人中心',
    icon: 'Setting',
    items: [{ path: '/account', label: '我的账户', perm: null }],
  },
]

// The menu a user with these permissions sees: groups with at least one entry.
export function menuFor(permissions) {
  const have = new Set(permissions || [])
  const out = []
  for (const g of MENU) {
    const items = g.items.filter((i) => !i.perm || have.has(i.perm))
    if (items.length) out.push({ ...g, items })
  }
  return out
}

// The permission a page path needs ('/persons/12' → 'person.read'), null: none; undefined: unknown.
export function permFor(path) {
  for (const g of MENU) {
    for (const i of g.items) {
      if (path === i.path || path.startsWith(i.path + '/')) return i.perm
    }
  }
  return undefined
}

// Where a user lands after login: the first page of their menu.
export function homeFor(permissions) {
  const m = menuFor(permissions)
  return m.length ? m[0].items[0].path : '/account'
}
