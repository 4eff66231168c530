import { describe, expect, it } from 'vitest';
import { OpenRecordSchema, RecordHistorySchema } from '../../server/contracts/records.js';
import { checkInstrument } from '../../server/instruments/checker.js';
import { createInstrumentRegistry, type Instrument } from '../../server/instruments/registry.js';
import { madeUpInstrument } from '../factories/instrument.js';
import { siteWithInterviewer } from '../factories/sites.js';
import { everyRole, staffEnv } from '../staff/setup.js';
import { shippedInstruments } from '../support/app.js';

/** An interviewer-mode form whose header questions have other names, declared in meta.recordHeader, and a keyed panel. */
function courtVisit(): Instrument {
  const base = madeUpInstrument('court-visit', [
    {
      name: 'header',
      elements: [
        { type: 'text', name: 'where' },
        { type: 'text', name: 'visit_day', inputType: 'date' },
        { type: 'text', name: 'by' },
        { type: 'radiogroup', name: 'consent', choices: [1, 2] },
      ],
    },
    {
      name: 'visit',
      elements: [
        { type: 'text', name: 'court_code' },
        {
          type: 'paneldynamic',
          name: 'judges',
          templateElements: [
            { type: 'text', name: 'judge_no', inputType: 'number' },
            { type: 'text', name: 'j_name', title: 'Judge name' },
          ],
        },
      ],
    },
  ]);
  return {
    ...base,
    meta: {
      ...base.meta,
      mode: 'interviewer',
      recordHeader: { site: 'where', date: 'visit_day', initials: 'by', label: ['court_code'] },
      panelKeys: { judges: 'judge_no' },
    },
  };
}

describe('meta.recordHeader and meta.panelKeys drive a record', () => {
  it('prefills the declared header questions, labels by the declared question, keys the history by the panel key', async () => {
    const env = staffEnv({ instruments: createInstrumentRegistry([...shippedInstruments().all(), courtVisit()]) });
    const { admin } = await everyRole(env);
    const { site, interviewer } = await siteWithInterviewer(env, admin, {
      name: 'San Diego',
      interviewer: 'maria@study.example.org',
      fullName: 'Maria de Lopez',
      instruments: ['court-visit'],
    });
    const started = await interviewer.send('post', '/api/staff/records', {
      siteId: site.id,
      instrumentId: 'court-visit',
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const record = OpenRecordSchema.parse(started.body);
    // A text site question takes the site's name as it is.
    expect(record.answers).toEqual({ where: 'San Diego', visit_day: '2027-02-01', by: 'MDL' });
    expect(record.instrument.panelKeys).toEqual({ judges: 'judge_no' });

    const judges = [
      { judge_no: 1, j_name: 'Ames' },
      { judge_no: 2, j_name: 'Bell' },
    ];
    const save = (answers: Record<string, unknown>, revision: number) =>
      interviewer.send('put', `/api/staff/records/${record.id}/draft`, { answers, page: 1, revision }).expect(200);
    await save({ ...record.answers, court_code: 'SD-CT-4', judges }, 0);
    await save({ ...record.answers, court_code: 'SD-CT-4', judges: [{ judge_no: 2, j_name: 'Bell-Ortiz' }] }, 1);

    const listed = (await admin.get('/api/staff/records')).body.records[0];
    expect(listed.label).toBe('SD-CT-4');
    const history = RecordHistorySchema.parse((await admin.get(`/api/staff/records/${record.id}/history`)).body);
    expect(
      history.changes.filter((c) => c.revision === 2).map((c) => [c.variable, c.title, c.oldValue, c.newValue]),
    ).toEqual([
      ['judges[judge_no=2].j_name', 'Judge name', 'Bell', 'Bell-Ortiz'],
      ['judges[judge_no=1].judge_no', 'judge_no', 1, null],
      ['judges[judge_no=1].j_name', 'Judge name', 'Ames', null],
    ]);
  });

  it('is checked: a header naming a question the survey lacks is a problem of the instrument', () => {
    const instrument = courtVisit();
    const json = {
      meta: { ...instrument.meta, recordHeader: { site: 'where', initials: 'nobody' } },
      survey: instrument.survey,
    };
    const messages = checkInstrument(json).map((p) => p.message);
    expect(messages).toContain('meta.recordHeader.initials names "nobody", which is not a question of the survey.');
  });
});
