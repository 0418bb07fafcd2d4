// The home digital-access questions (the CoSN/CCSSO/Ed-Fi student digital-access
// elements, docs/EQUITY.md "Home connectivity"): the field the API takes, its choices in
// the order they are offered, and when the question is asked. Their words are in the
// survey catalog (survey.q.<field>, survey.a.<field>.<choice>). Shared by the family's
// survey (survey.js) and the staff's entry on a family's behalf (connectivity.js).
export const QUESTIONS = [
  { field: 'device_type', choices: ['laptop', 'chromebook', 'desktop', 'tablet', 'smartphone', 'other', 'none'] },
  { field: 'device_provider', choices: ['school', 'personal', 'other'], when: (a) => a.device_type && a.device_type !== 'none' },
  { field: 'device_shared', choices: ['not_shared', 'shared'], when: (a) => a.device_type && a.device_type !== 'none' },
  { field: 'internet_type', choices: ['broadband', 'cellular', 'school_hotspot', 'community_wifi', 'satellite', 'dial_up', 'other', 'none'] },
  { field: 'internet_adequate', choices: ['yes', 'sometimes', 'no'], when: (a) => a.internet_type && a.internet_type !== 'none' },
  { field: 'barrier', choices: ['not_available', 'not_affordable', 'not_desired', 'other'], when: (a) => a.internet_type === 'none' },
];
