// labels.js — Chinese labels for the API's codes (states, steps, decisions, statuses, kinds).
// A code without a label is shown as it is, so nothing disappears.

export const STATES = {
  filed: '已申报', county_approved: '县级审核通过', city_approved: '市级审核通过', approved: '审核通过',
  government_approved: '政府批准', publicity: '公示中', bureau_publicity: '局公示中', bureau_published: '局已公示',
  acceptance_publicity: '验收公示中', recognised: '已认定', accepted: '已验收', paid: '已拨付', rejected: '未通过',
  recovered: '已追回', cancelled: '已取消', withdrawn: '已撤回', closed: '已结案', running: '实施中',
  finished: '已结束', held: '暂缓', active: '在岗', ended: '已结束', within: '期内',
}

export const STEPS = {
  accept: '验收', approve_project: '批准项目', cancel: '取消', city_approve: '市级审核通过', close: '结案',
  county_approve: '县级审核通过', end: '结束', finish: '结束', government_approve: '政府批准', hold: '暂缓',
  object: '提出异议', pay: '拨付', publish: '公示', publish_acceptance: '验收公示', publish_again: '重新公示',
  recognise: '认定', recommend: '推荐', recover: '追回', reject: '不予通过', start: '开始', withdraw: '撤回',
}

export const DECISIONS = { eligible: '符合', ineligible: '不符合', needs_review: '待人工审核' }
export const DECISION_TAG = { eligible: 'success', ineligible: 'danger', needs_review: 'warning' }

export const STATUSES = {
  registered_unemployed: '登记失业人员', poverty_alleviated: '脱贫人口', monitored: '监测对象', disability: '残疾人',
  veteran: '退役军人', graduate: '高校毕业生', dibao: '低保对象', zero_employment_family: '零就业家庭成员',
  public_welfare_post: '公益性岗位人员', fiscal_payroll: '财政供养人员', enrolled_student: '在校学生',
  retired: '退休人员', employer_insured: '单位缴纳社保',
}

// an organisation's dated statuses (migration 16; the API's jy_org_status kinds)
export const ORG_STATUSES = {
  designated_training: '定点培训机构', internship_base: '就业见习基地', incubator: '创业孵化基地',
  rectification: '限期整改', suspended: '暂停补贴资格', dishonest: '失信惩戒', deregistered: '已注销',
}

export const ORG_KINDS = {
  training_body: '培训机构', employer: '用人单位', cooperative: '农民专业合作社', workshop: '帮扶车间',
  labour_agency: '人力资源服务机构', labour_broker: '劳务经纪人', traineeship_base: '就业见习基地', gig_station: '零工驿站',
  community: '村（社区）', public_body: '机关事业单位', service_centre: '驻外劳务服务中心',
  startup_base: '返乡创业基地', shop: '社区便民服务店', leading_enterprise: '龙头企业',
}

export const PERMS = {
  'person.read': '查看人员', 'person.read_unmasked': '查看完整证件号', 'person.write': '登记人员',
  'org.read': '查看单位', 'org.write': '登记单位', 'import.run': '导入名册', 'policy.read': '查看政策',
  'policy.eval': '政策测算', 'case.read': '查看案件', 'case.file': '申报', 'case.step': '办理流程',
  'placement.read': '查看岗位安置', 'placement.write': '岗位安置', 'attendance.write': '考勤录入',
  'payroll.run': '工资核算', 'payroll.review': '工资复核', 'ledger.read': '查看资金台账', 'ledger.write': '预算管理',
  'batch.read': '查看支付批次', 'batch.build': '生成支付批次', 'batch.approve': '复核支付批次',
  'batch.export': '导出银行文件', 'batch.pay': '登记支付结果', 'report.read': '查看报表', 'audit.read': '查看审计日志',
  'audit.verify': '校验审计链', 'access_log.read': '查看访问日志', 'user.read': '查看账户', 'user.manage': '管理账户',
  'backup.run': '备份', 'config.manage': '系统配置', 'system.status': '系统状态',
}

export const label = (table, code) => (code && table[code]) || code || '—'

// Case kinds (src/service/case.c): what was filed.
export const KINDS = {
  training_class: '开班申请', trainee_claim: '学员补贴申领', individual_claim: '个人补贴申领', org_award: '单位奖补',
  broker_award: '经纪人奖补', employer_reward: '用人单位奖励', placement: '岗位安置', project: '项目制培训',
  event: '招聘活动', infrastructure: '基础设施',
}
