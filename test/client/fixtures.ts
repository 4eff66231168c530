import type { OpenRespondState } from '../../client/respond/api.js';

/** A small instrument with every kind of "don't know" count the study uses. */
export function countsSurvey(): Record<string, unknown> {
  return {
    pages: [
      {
        name: 'intro',
        elements: [
          {
            type: 'radiogroup',
            name: 'consent',
            title: 'Do you agree to take part?',
            choices: [
              { value: 1, text: 'Yes' },
              { value: 2, text: 'No' },
            ],
          },
        ],
      },
      {
        name: 'office',
        elements: [
          { type: 'text', name: 'a2_years', title: 'Years in this office', inputType: 'number', min: 0, max: 60 },
          {
            type: 'text',
            name: 'd4_beds',
            title: 'Beds for survivors',
            inputType: 'number',
            min: 0,
            max: 5000,
            dk: true,
          },
          { type: 'text', name: 'a9_note', title: 'A note', dk: true },
          {
            type: 'multipletext',
            name: 'a6_staff',
            title: 'Full-time staff',
            items: [
              { name: 'attorneys', title: 'Attorneys', inputType: 'number', min: 0, dk: true },
              { name: 'other', title: 'Other staff', inputType: 'number', min: 0 },
            ],
          },
          {
            type: 'checkbox',
            name: 'a7_unit',
            title: 'How TIP work is organised',
            choices: [
              { value: 1, text: 'Unit' },
              { value: 2, text: 'Designated' },
            ],
            showOtherItem: true,
          },
        ],
      },
      {
        name: 'cases',
        elements: [
          {
            type: 'matrixdropdown',
            name: 'b3_cases',
            title: 'Defendants charged',
            rows: [
              { value: 'y2009', text: '2009' },
              { value: 'y2010', text: '2010' },
            ],
            columns: [
              { name: 'sex', title: 'Sex trafficking', cellType: 'text', inputType: 'number', min: 0, dk: true },
              { name: 'labor', title: 'Labor trafficking', cellType: 'text', inputType: 'number', min: 0 },
            ],
          },
        ],
      },
    ],
  };
}

export function openState(overrides: Partial<OpenRespondState> = {}): OpenRespondState {
  return {
    status: 'open',
    office: { name: 'Ramsey County Attorney’s Office' },
    study: { name: 'Made-Up Study of Counts', contactEmail: 'counts@example.org', header: '', footer: '' },
    locale: '',
    instrument: {
      id: 'tip-prosecutor-survey',
      version: '1.0',
      title: 'Survey of local prosecutors’ offices',
      estimatedMinutes: 25,
      consent: { question: 'consent', declineValue: 2 },
      survey: countsSurvey(),
    },
    answers: {},
    page: 0,
    revision: 1,
    ...overrides,
  };
}
