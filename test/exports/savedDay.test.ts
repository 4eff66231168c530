import { describe, expect, it } from 'vitest';
import { buildCodebook } from '../../server/codebook/build.js';
import { createCaseValues } from '../../server/codebook/caseValues.js';
import { exportVariable } from '../../server/exports/dataset.js';
import { entryTables } from '../../server/exports/entryTables.js';
import { CONSENT_QUESTION, madeUpInstrument } from '../factories/instrument.js';

/**
 * A follow-up asked only of a visit dated no later than today(), in the main table and in a
 * repeating panel. An export judges that logic (its -8) at the moment the answers were saved on the
 * server's clock, as the server's validation did, never at the machine's day or the export's.
 */
const followUp = madeUpInstrument('follow-up', [
  {
    name: 'p1',
    elements: [
      CONSENT_QUESTION,
      { type: 'text', name: 'visit', inputType: 'date' },
      { type: 'comment', name: 'how', visibleIf: '{visit} <= today()' },
      {
        type: 'paneldynamic',
        name: 'visits',
        templateElements: [
          { type: 'text', name: 'v_day', inputType: 'date' },
          { type: 'comment', name: 'v_how', visibleIf: '{panel.v_day} <= today()' },
        ],
      },
    ],
  },
]);
const answers = { consent: 1, visit: '2027-01-20', how: 'By phone', visits: [{ v_day: '2027-01-20', v_how: 'Met' }] };
const savedOn = (day: string) => new Date(`${day}T09:00:00.000Z`);

describe('an export judges date logic on the day the answers were saved', () => {
  it('main table: the follow-up is kept when saved after the visit, -8 when saved before it', () => {
    const values = createCaseValues(followUp, buildCodebook(followUp));
    const how = values.variables.findIndex((v) => v.name === 'how');
    expect(values.row(answers, savedOn('2027-02-01')).cells[how]).toBe('By phone');
    expect(values.row(answers, savedOn('2027-01-10')).cells[how]).toBe(-8);
  });

  it('panel table: the same, per entry', () => {
    const codebook = buildCodebook(followUp);
    const cellOf = (savedAt: Date) => {
      const [table] = entryTables(followUp, codebook, exportVariable, () => [{ caseId: 1, answers, savedAt }]);
      const at = table?.variables.findIndex((v) => v.name === 'v_how') ?? -1;
      return [...(table?.rows() ?? [])].map((row) => row[at]);
    };
    expect(cellOf(savedOn('2027-02-01'))).toEqual(['Met']);
    expect(cellOf(savedOn('2027-01-10'))).toEqual(['-8']);
  });
});
