// filing.js — what a filing (申报) needs besides the facts: the case kinds each programme files
// (docs/cases.md "Filing"), whether the subject is a person or an organisation, and the form
// of one programme (GET /api/v1/policy/programs/{P}/form), loaded once per programme.
import { get } from './api.js'

export const KIND_OPTIONS = {
  P1: ['individual_claim', 'training_class'], P2: ['individual_claim', 'training_class'], P23: ['individual_claim', 'training_class'],
  P3: ['employer_reward'], P9: ['employer_reward'], P21: ['employer_reward'], P19: ['broker_award'], P4: ['project'],
  P5: ['event'], P11: ['event'], P26: ['event'], P6: ['infrastructure'],
  P7: ['org_award'], P8: ['org_award'], P15: ['org_award'], P16: ['org_award'], P17: ['org_award'], P18: ['org_award'],
  P20: ['org_award'], P22: ['org_award'], P25: ['org_award'],
  P10: ['placement'], P12: ['placement'], P13: ['placement'], P14: ['placement'], P24: ['placement'],
}

// The award programmes (评选/奖补) with their forms.
export const AWARD_PROGRAMS = ['P7', 'P8', 'P15', 'P16', 'P17', 'P18', 'P19', 'P20', 'P21', 'P22', 'P25']

// 'person' | 'org' | 'either': who a case of this kind is filed for.
export function subjectOf(program, kind) {
  if (kind === 'individual_claim' || kind === 'placement') return 'person'
  if (kind === 'broker_award') return 'either'
  return 'org'
}

const forms = {}
export function programForm(program) {
  if (!forms[program]) {
    forms[program] = get('/policy/programs/' + encodeURIComponent(program) + '/form').catch((e) => {
      delete forms[program]
      throw e
    })
  }
  return forms[program]
}

// Facts the filer gives (not derived from the registry), in the rules' order; those the form
// shows elsewhere (score, veto) can be left out.
export function filerFacts(form, omit = []) {
  return form.facts.filter((f) => !f.derived && !omit.includes(f.name))
}
