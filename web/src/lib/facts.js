// facts.js — the Chinese labels of the rules' facts (policy/facts.rules) and of their values, and
// the conversion of a form's input into the JSON a fact takes (POST /api/v1/cases "facts").
// The list of facts a programme uses comes from GET /api/v1/policy/programs/{P}/form; a fact
// without a label here is shown with its name and the rules' description, so nothing is hidden.
// Pure functions (no Vue), unit-tested in web/test/facts.test.mjs.

export const FACT_LABELS = {
  key_group: '属于就业重点群体', hukou_division: '户籍所在地区划代码', hukou_ningxia: '宁夏户籍', hukou_urban: '城镇户籍',
  statuses: '排除身份', age: '年龄（周岁）', months_employed: '培训后稳定就业月数', route: '申领方式', exam: '结业考核',
  certificate: '取得证书', track: '培训类别（劳务品牌）', gouqi_trade: '枸杞技工工种', driving_licence: '取得驾驶证类别',
  entrepreneurship: '创业培训课程', p2_group: '重点群体类别', target_group: '培训对象类别', level: '技能等级',
  occupation_kind: '职业（工种）类别', prior_same_training: '已参加同职业同等级培训', trainings_this_year: '本年度已享受培训次数',
  class_size: '班级人数', hours_total: '总学时', hours_practical: '实操学时', appraisal_fee: '鉴定收费标准（元）',
  evaluation: '申领技能评价补贴', month_index: '第几个月', month_workdays: '当月工作日天数', days_on_duty: '当月出勤天数',
  personal_leave_days: '事假天数', sick_leave_days: '病假天数', sick_certificate: '病假有县级以上医院证明',
  contract_with_host: '已与单位签订劳动合同', final_month: '本月结束', late_registration: '月中报到',
  months_in_post: '在岗月数', second_internship: '同时在其他单位实习', absent_without_notice: '无故离岗',
  graduation_years: '离校年限', registered_unemployed: '登记失业', flexible_insurance_paid: '以灵活就业身份缴纳社保（元）',
  p24_category: '公益性岗位安置类别', unemployed_months: '登记失业月数', pension_age: '已达法定退休年龄',
  host_kinds: '用人单位类别', graduate: '高校毕业生', new_recruit: '新招募', placed_before: '曾参加同一项目',
  working_days: '实践工作日数', registered: '实践前已报名登记', haiyuan_origin: '海原籍', enrolled: '在校大学生',
  practised_before: '已享受过社会实践补贴', insurance_cost: '意外伤害保险费（元）', insurance_cover: '意外伤害保险保额（元）',
  base: '专家核价（元）', budget: '项目预算（元）', approved: '立项核定金额（元）', stars: '验收星级',
  approval_score: '立项评审得分', acceptance_score: '验收评审得分', training_licence: '持有培训资质',
  trains_own_staff: '仅培训本单位职工', major_accident: '发生重大安全、环保、质量事故', serious_dishonesty: '列入严重失信名单',
  score: '评分表得分', veto: '存在否决项', trainees: '近一年吸纳见习人员（人）', years_running: '运营年限（年）',
  recognised_since: '认定年份', retains_with_contract: '与留用见习人员签订劳动合同', businesses: '入驻创业实体（户）',
  jobs: '带动就业（人）', migrant_share: '农民工创办企业占比', investment: '当年投资额（元）',
  pending_lawsuit: '存在作为被告的重大未决诉讼', other_base_funded: '已被其他部门认定为双创基地并获资金支持',
  fake_application: '申报弄虚作假', operating_months: '运营月数', stable_jobs: '签订劳动合同且稳定就业6个月以上（人）',
  wage_arrears: '拖欠工资情况', shop_area: '经营面积（平方米）', registered_in_county: '在本县登记注册',
  gov_staff_share: '政府购买服务人员占比', licence: '持有许可证', people_placed: '介绍就业人数', months_worked: '就业月数',
  monthly_income: '人均月收入（元）', workers_per_year: '当年输出海原籍务工人员（人）', workers_total: '累计输出务工人员（人）',
  workers_origin: '累计人数口径', job_reports: '当年上报岗位信息（次）', poverty_workers: '吸纳脱贫劳动力（人）',
  poverty_share: '脱贫劳动力占职工比例', months_operating: '当年生产经营月数', wages_at_least_rural_income: '工资不低于农村居民人均收入且按时发放',
  contract_months: '劳动合同期限（月）', social_insurance: '已缴纳社会保险', enterprise_size: '企业规模', employer_kind: '单位类型',
  stable_months: '当年稳定就业月数', hire_group: '吸纳人员类别', new_hire_this_year: '当年新招用', claimed_other_award: '已享受另一项吸纳就业奖补',
  employment_rate: '就业率', reemployment_rate: '登记失业人员再就业率', reemployment_4050: '“4050”人员再就业率',
  zero_families_left: '尚无人就业的零就业家庭（户）', poverty_person: '安置人员为脱贫人口', contract_years: '劳动合同年限（年）',
  brand_years: '品牌授牌年限（年）', loan: '创业担保贷款申请额（元）', borrower: '借款人', placement_agent: '介绍就业机构',
  public_area: '公共服务面积（平方米）', windows: '服务部门/窗口数', operating_year: '运营补贴年度（第几年）',
  publicity_start: '公示开始日期', publicity_end: '公示结束日期', approval_date: '立项日期', class_start: '开班日期',
  training_end: '培训结束日期', acceptance_applied: '申请验收日期', claim_date: '申领日期', insured_months: '社保补贴月数',
  event_count: '活动/场次数', teachers: '参训教师人数', class_days: '培训天数', advanced_class: '高层次班',
  station_count: '驿站数量', review_workdays: '县级审核用时（工作日）', claim: '申领事项',
  // form fields of a class application (开班申请) and of P4's 5-4-1 (not rule facts)
  occupation: '职业（工种）', start: '开班日期', end: '结业日期', site: '培训场地', planned_trainees: '计划培训人数',
  hours_attended: '实到学时', hours_practical_attended: '实操实到学时',
  // other fields the filing forms and the demo keep with a case (shown on the case page)
  examined: '参加结业考核', class_hours_total: '班级总学时', class_hours_practical: '班级实操学时',
  actual_cost: '实际支出（元）', budget_lines: '预算明细', department_recognition: '主管部门评价（分）',
  documents: '申报材料', employed: '已就业', employer: '就业单位', equipment: '实训设备', examiners: '考评人员',
  insured: '已参保', platform_name: '平台名称', post: '岗位（工种）', prior_trainings: '以往培训记录',
  question_bank: '题库', retained_count: '留用人数', satisfaction: '满意度', schedule: '培训日程', sites: '培训场地',
  staff: '工作人员', star_years: '认定为星级充分就业社区的年份', station_name: '驿站名称', score_items: '评分表逐项得分',
  veto_items: '否决项',
}

export const VALUE_LABELS = {
  route: { institution: '机构申领', direct: '直补个人' },
  exam: { pass: '合格', fail: '不合格', absent: '缺考' },
  certificate: {
    level5: '五级/初级工', level4: '四级/中级工', level3: '三级/高级工', special_operation: '特种作业操作证',
    special_equipment: '特种设备作业证', training_pass: '培训合格证', special_ability: '专项职业能力证书',
  },
  track: { general: '一般职业（工种）', gouqi: '枸杞技工', driver: '海原司机' },
  gouqi_trade: { research: '研发', planting: '种植', processing: '加工', marketing: '营销' },
  entrepreneurship: { GYB: 'GYB', SYB: 'SYB', IYB: 'IYB', online: '网络创业' },
  p2_group: { rural: '农村劳动力', unemployed: '登记失业人员', hard_to_employ: '就业困难人员', new_forms: '新就业形态', entrepreneur: '创业人员' },
  target_group: { veteran: '退役军人', disabled: '残疾人' },
  statuses: {
    fiscal_payroll: '财政供养人员', disability_grade_1_2: '一、二级残疾', public_welfare_post: '公益性岗位人员',
    enrolled_student: '在校学生', employer_insured: '单位缴纳社保', retired: '退休人员',
  },
  wage_arrears: { none: '无拖欠', minor: '轻微拖欠', serious: '严重拖欠' },
  workers_origin: { haiyuan: '海原县籍', zhongwei: '中卫籍' },
  enterprise_size: { micro: '微型', small: '小型', medium: '中型', large: '大型' },
  employer_kind: { enterprise: '企业', nonprofit: '民办非企业单位', social_org: '社会组织', cooperative: '合作社', workshop: '帮扶车间', leading_firm: '龙头企业' },
  hire_group: {
    rural: '农村劳动力', hard_to_employ: '就业困难人员', graduate: '离校2年内高校毕业生', unemployed: '登记失业人员',
    youth_unemployed: '16-24岁登记失业青年', key_group: '重点群体', none: '其他',
  },
  borrower: { person: '个人', small_firm: '小微企业' },
  placement_agent: { hr_agency: '经营性人力资源服务机构', broker: '劳务经纪人', other: '其他' },
  claim: { monthly: '月度补贴', settling_in: '安家费', social_insurance: '社保补贴', accident_insurance: '意外伤害保险', intake: '岗位准入' },
}

export const factLabel = (name) => FACT_LABELS[name] || name
export const valueLabel = (fact, v) => (VALUE_LABELS[fact] && VALUE_LABELS[fact][v]) || v

// A decision reason's text with the facts it names in Chinese: the rules write "案例未提供 exam，…"
// and "缺少事实 stars，…" with the fact's key; the pages show "案例未提供“结业考核”，…" (a key
// without a label stays as it is).
export function reasonText(text) {
  return String(text ?? '').replace(/(案例未提供|缺少事实) ([a-z][a-z0-9_]*)/g, (m, lead, key) => (FACT_LABELS[key] ? `${lead}“${FACT_LABELS[key]}”` : m))
}

// A fact's value as the case page shows it: yes/no in Chinese, a coded value by its label, a list
// of codes each by its label, a list of objects (teachers, budget lines) by their names, anything
// else as it is (so nothing is hidden).
export function factText(name, v) {
  if (v === null || v === undefined || v === '') return '—'
  if (v === true) return '是'
  if (v === false) return '否'
  if (Array.isArray(v)) {
    if (!v.length) return '无'
    return v.map((x) => (x !== null && typeof x === 'object' ? (x.name ?? x.item ?? x.content ?? x.kind ?? JSON.stringify(x)) : factText(name, x))).join('、')
  }
  if (typeof v === 'object') return JSON.stringify(v)
  return String(valueLabel(name, v))
}

// The kind of input a fact takes: 'bool' | 'int' | 'money' | 'ratio' | 'date' | 'enum' | 'set' | 'text'.
export function inputKind(f) {
  switch (f.type) {
    case 'bool': case 'int': case 'money': case 'ratio': case 'date': case 'enum': case 'set': return f.type
    default: return 'text'
  }
}

// A form value → the fact's JSON value, or {error} naming what is wrong (in Chinese), or
// undefined when the field is empty (left out: the rules then treat the fact as unknown).
export function factValue(f, raw) {
  if (raw === undefined || raw === null || raw === '' || (Array.isArray(raw) && raw.length === 0 && f.type !== 'set')) return undefined
  switch (f.type) {
    case 'bool':
      if (raw === true || raw === 'true') return true
      if (raw === false || raw === 'false') return false
      return { error: '请选择“是”或“否”' }
    case 'int': {
      const s = String(raw).trim()
      if (!/^-?\d+$/.test(s)) return { error: '请填写整数' }
      return Number(s)
    }
    case 'money': {
      const s = String(raw).trim().replace(/,/g, '').replace(/元$/, '')
      if (!/^\d+(\.\d{1,2})?$/.test(s)) return { error: '请填写金额（元，最多两位小数）' }
      return s
    }
    case 'ratio': {
      const s = String(raw).trim()
      if (!/^\d+(\.\d+)?%?$/.test(s)) return { error: '请填写百分比，如 30%' }
      return s.endsWith('%') ? s : s + '%'
    }
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(String(raw))) return { error: '日期格式为 YYYY-MM-DD' }
      return String(raw)
    case 'set':
      return Array.isArray(raw) ? raw : [raw]
    default:
      return String(raw).trim()
  }
}

// Builds the facts object from a form's values; answers {facts, errors: {name: message}}.
export function buildFacts(defs, values) {
  const facts = {}
  const errors = {}
  for (const f of defs) {
    const v = factValue(f, values[f.name])
    if (v === undefined) continue
    if (v && typeof v === 'object' && !Array.isArray(v) && v.error) errors[f.name] = v.error
    else facts[f.name] = v
  }
  return { facts, errors }
}

// The form field an API 422 names: "facts.hours_total" / "facts.teachers[0]" / "hours_total" →
// "hours_total" / "teachers"; other fields unchanged; null when none.
export function fieldOf(apiField, message) {
  let f = apiField || ''
  if ((!f || f === 'facts') && message) {
    const m = /(?:\bfact\s+"?|facts\.)([a-z_0-9]+)/.exec(message)
    if (m) f = m[1]
  }
  if (!f) return null
  f = f.replace(/^facts\./, '').replace(/\[.*$/, '')
  return f
}
