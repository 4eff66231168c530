import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { projectRoot } from '../../server/platform/paths.js';
import { type Cleanup, createPilot, tokenOfLink, type Workspace, workspace } from '../cli/workspace.js';
import { chargedOfficeAnswers, neverChargedOfficeAnswers } from '../factories/answers.js';

/**
 * A fielding of the Phase I survey whose cases span two versions of it, as happens when a
 * question is revised mid-fielding: three offices meet version 1.0.0 (one submits, one saves a
 * partial draft, one declines), then `fieldkit fielding version` moves the fielding to 2.0.0 and two
 * more offices answer that (a complete and a partial). Across its cases it answers every question
 * type Phase I uses (radiogroup, dropdown, checkbox, matrix, matrixdropdown, multipletext, text,
 * numeric text, comment, the "Other (please specify)" texts) and gives every missing code: -9 blank,
 * -8 hidden by logic or not in the version, -7 don't know, -6 prefer not to answer.
 */
export const INSTRUMENT = 'tip-prosecutor-survey';
export const V1 = '1.0.0';
export const V2 = '2.0.0';
/** In 1.0.0 only: version 2.0.0 drops the task-force question. */
export const DROPPED = 'c3_taskforce';
/** In 2.0.0 only: a question on grant funding that offers don't know (-7) and prefer not to answer (-6). */
export const ADDED = 'c6_funding';

const ADDED_QUESTION = {
  type: 'radiogroup',
  name: ADDED,
  title: 'Did your office receive federal grant funding for trafficking cases in 2018?',
  choices: [
    { value: 1, text: 'Yes' },
    { value: 2, text: 'No' },
    { value: -7, text: "Don't know" },
    { value: -6, text: 'Prefer not to answer' },
  ],
};

type Element = { name?: string };
type InstrumentFile = { meta: { version: string }; survey: { pages: { elements: Element[] }[] } };

/** Version 2.0.0 of the Phase I file: the task-force question replaced by the funding question. */
export function secondVersion(first: InstrumentFile): InstrumentFile {
  const next = structuredClone(first);
  next.meta.version = V2;
  const page = next.survey.pages.find((p) => p.elements.some((e) => e.name === DROPPED));
  if (!page) throw new Error(`${DROPPED} is not in the Phase I instrument any more; pick another question to drop`);
  page.elements.splice(
    page.elements.findIndex((e) => e.name === DROPPED),
    1,
    ADDED_QUESTION,
  );
  return next;
}

/** The office (frame id) of each case. */
export const OFFICES = {
  v1Complete: 'OFF-1',
  v1Partial: 'OFF-2',
  v1Declined: 'OFF-3',
  v2Complete: 'OFF-4',
  v2Partial: 'OFF-5',
} as const;

/** Every question of the first case answered, with the "Other" texts, don't know counts and a multi-line comment. */
const v1CompleteAnswers = () =>
  chargedOfficeAnswers({
    a1_role: 6,
    a1_role_oth: '  Chief   deputy for the “special victims” unit ',
    a4_jurtype: 4,
    a4_jurtype_oth: '=Tribal and county, shared',
    a8_vertical: -7,
    b4_outcome: { conv_tip: 20, conv_other: -7, acq_dism: 5, pending: 3 },
    c3_taskforce: [1, 3],
    f3_practice: 'Weekly intake with the task force.\nVictim advocates sit in — always, für alle Fälle.',
  });

/** A partial on the path of an office that never charged a case: blanks (-9) and a skipped block (-8). */
const v1PartialAnswers = () => {
  const answers = neverChargedOfficeAnswers({
    a2_years: undefined,
    a6_staff: { attorneys: 3, investigators: 0 },
    b5_nocase: [1, 8],
    b5_nocase_oth: 'Police refer such cases to the state attorney general',
    c3_taskforce: undefined,
  });
  for (const later of ['d1_protocol', 'd2_trauma', 'd3_services', 'd4_beds', 'd5_practice', 'e1_buyers']) {
    delete answers[later];
  }
  for (const later of ['e2_buyercount', 'e3_strategy', 'e4_change', 'f1_training', 'f2_needs', 'f3_practice']) {
    delete answers[later];
  }
  delete answers.f4_followup;
  return answers;
};

/** A complete on 2.0.0: prefer not to answer on the new question, and hidden follow-ups (-8). */
const v2CompleteAnswers = () =>
  chargedOfficeAnswers({
    c3_taskforce: undefined,
    [ADDED]: -6,
    b6_altchg: [10],
    b6_altchg_oth: undefined,
    b7_altwhy: undefined,
    d3_services: { '1': 1, '2': 2, '3': 1, '4': 2, '5': 1, '6': -7, '7': 1, '8': 2 },
    d4_beds: undefined,
    e1_buyers: 2,
    e2_buyercount: undefined,
    b3_cases: Object.fromEntries(
      ['2009', '2010', '2011', '2012', '2013', '2014', '2015', '2016', '2017', '2018'].map((y, i) => [
        y,
        { sex: i + 1, labor: i % 3 === 0 ? -7 : 1 },
      ]),
    ),
    f3_practice: '+1 for the new screening form',
  });

/** A partial on 2.0.0: don't know on the new question, the grids half filled. */
const v2PartialAnswers = () => {
  const answers = chargedOfficeAnswers({
    c3_taskforce: undefined,
    [ADDED]: -7,
    a3_state: 6,
    b1_law: { '1': 2, '2': 2, '3': 1 },
    c5_barriers: undefined,
    f3_practice: undefined,
  });
  for (const later of ['d1_protocol', 'd2_trauma', 'd5_practice', 'e3_strategy', 'e4_change', 'f1_training']) {
    delete answers[later];
  }
  return answers;
};

/** A workspace whose instruments folder (its own) holds version 1.0.0 of the Phase I survey only. */
export function firstVersionWorkspace(cleanup?: Cleanup) {
  const ws = workspace({ INSTRUMENTS_DIR: 'instruments' }, cleanup);
  mkdirSync(ws.file('instruments'));
  copyFileSync(`${projectRoot}/instruments/${INSTRUMENT}.json`, ws.file(`instruments/${INSTRUMENT}.json`));
  return ws;
}

/** Puts version 2.0.0 beside 1.0.0 in the workspace's instruments folder; each later command loads both. */
export function addSecondVersion(ws: Workspace) {
  const first = JSON.parse(readFileSync(ws.file(`instruments/${INSTRUMENT}.json`), 'utf8')) as InstrumentFile;
  writeFileSync(ws.file(`instruments/${INSTRUMENT}-v2.json`), JSON.stringify(secondVersion(first), null, 2));
}

/**
 * Builds the two-version fielding "pilot" and returns its workspace and what `fieldkit fielding
 * version` said. The partial started on 1.0.0 saves again after the switch and stays on 1.0.0.
 */
export async function twoVersionFielding(cleanup?: Cleanup) {
  const ws = firstVersionWorkspace(cleanup);
  const links = await createPilot(ws, { offices: 5 });
  const token = (office: string) => tokenOfLink(links.find((l) => l.office_id === office)?.link ?? '');

  const v1 = ws.api();
  const complete = v1CompleteAnswers();
  await v1
    .put(`/api/respond/${token(OFFICES.v1Complete)}/draft`)
    .send({ answers: complete, page: 2, revision: 0 })
    .expect(200);
  await v1
    .post(`/api/respond/${token(OFFICES.v1Complete)}/complete`)
    .send({ answers: complete, revision: 1 })
    .expect(200);
  const partial = v1PartialAnswers();
  await v1
    .put(`/api/respond/${token(OFFICES.v1Partial)}/draft`)
    .send({ answers: partial, page: 3, revision: 0 })
    .expect(200);
  await v1
    .post(`/api/respond/${token(OFFICES.v1Declined)}/decline`)
    .send({})
    .expect(200);

  addSecondVersion(ws);
  const switched = await ws.run('fielding', 'version', '--name', 'pilot', '--version', V2);
  expect(switched, switched.err).toMatchObject({ code: 0, err: '' });

  const v2 = ws.api();
  await v2
    .put(`/api/respond/${token(OFFICES.v1Partial)}/draft`)
    .send({ answers: { ...partial, c2_screen: [2, 4] }, page: 4, revision: 1 })
    .expect(200);
  for (const [office, answers] of [
    [OFFICES.v2Complete, v2CompleteAnswers()],
    [OFFICES.v2Partial, v2PartialAnswers()],
  ] as const) {
    await v2
      .put(`/api/respond/${token(office)}/draft`)
      .send({ answers, page: 3, revision: 0 })
      .expect(200);
  }
  await v2
    .post(`/api/respond/${token(OFFICES.v2Complete)}/complete`)
    .send({ answers: v2CompleteAnswers(), revision: 1 })
    .expect(200);
  return { ws, switched };
}
