import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { parseCsv } from '../../server/platform/csv.js';
import { type Cleanup, runCreate, tokenOfLink, type Workspace, workspace } from '../cli/workspace.js';
import { chargedOfficeAnswers, neverChargedOfficeAnswers } from '../factories/answers.js';
import { frameCsv, frameRow } from '../factories/frame.js';

/** A fielding created from these frame rows by the CLI, every office completed with its own answers. */
export async function completedWave(
  cleanup: Cleanup,
  rows: Record<string, string>[],
  answersOf: (officeId: string) => Record<string, unknown>,
): Promise<Workspace> {
  const ws = workspace({}, cleanup);
  ws.writeFrame('frame.csv', frameCsv(rows));
  await runCreate(ws, 'frame.csv');
  const api = ws.api();
  for (const link of ws.readLinks('links.csv')) {
    await api
      .post(`/api/respond/${tokenOfLink(link.link)}/complete`)
      .send({ answers: answersOf(link.office_id), revision: 0 })
      .expect(200);
  }
  return ws;
}

/** `fieldkit export` of the pilot fielding as CSV into `out`, and data.csv and the manifest read back. */
export async function exportedCsv(ws: Workspace, out: string, ...flags: string[]) {
  const result = await ws.run('export', '--fielding', 'pilot', '--out', out, '--formats', 'csv', ...flags);
  const text = readFileSync(ws.file(`${out}/data.csv`), 'utf8');
  const [header, ...rows] = parseCsv(text).records.map((r) => r.fields);
  const manifest = JSON.parse(readFileSync(ws.file(`${out}/manifest.json`), 'utf8'));
  return { result, text, header: header ?? [], rows, manifest };
}

/**
 * A fielding of 20 offices in the four default strata (listed smallest first, so that an order
 * by first appearance or by name would not be the order by size). Per stratum: some completes,
 * charged (b2 = yes) or not, one partial, the rest never answered.
 */
const PLAN = [
  { stratum: 'under 100,000', population: 40_000, charged: [true, false, false, false], partials: 1, silent: 1 },
  { stratum: '100,000–249,999', population: 150_000, charged: [true, false, true], partials: 1, silent: 0 },
  { stratum: '250,000–999,999', population: 500_000, charged: [true, true, false], partials: 0, silent: 1 },
  { stratum: '1,000,000+', population: 2_000_000, charged: [true, true, false], partials: 1, silent: 0 },
];

export async function stratifiedWave(formats = 'csv,r,sav,dta,xlsx,labels,codebook', cleanup?: Cleanup) {
  const ws = cleanup ? workspace({}, cleanup) : workspace();
  const rows: Record<string, string>[] = [];
  const roles: { office: string; role: 'yes' | 'no' | 'partial' | 'silent' }[] = [];
  for (const s of PLAN) {
    const add = (role: (typeof roles)[number]['role']) => {
      const n = rows.length + 1;
      rows.push(frameRow(n, { stratum: s.stratum, population: String(s.population + n) }));
      roles.push({ office: `OFF-${n}`, role });
    };
    for (const c of s.charged) add(c ? 'yes' : 'no');
    for (let i = 0; i < s.partials; i++) add('partial');
    for (let i = 0; i < s.silent; i++) add('silent');
  }
  ws.writeFrame('frame.csv', frameCsv(rows));
  await runCreate(ws, 'frame.csv');
  const api = ws.api();
  const links = ws.readLinks('links.csv');
  for (const { office, role } of roles) {
    const token = tokenOfLink(links.find((l) => l.office_id === office)?.link ?? '');
    if (role === 'silent') continue;
    if (role === 'partial') {
      await api
        .put(`/api/respond/${token}/draft`)
        .send({ answers: chargedOfficeAnswers(), page: 3, revision: 0 })
        .expect(200);
      continue;
    }
    const answers = role === 'yes' ? chargedOfficeAnswers() : neverChargedOfficeAnswers();
    await api.post(`/api/respond/${token}/complete`).send({ answers, revision: 0 }).expect(200);
  }
  const result = await ws.run('export', '--fielding', 'pilot', '--out', 'export', '--formats', formats);
  expect(result.code, result.err).toBe(0);
  const [header = [], ...data] = parseCsv(readFileSync(ws.file('export/data.csv'), 'utf8')).records.map(
    (r) => r.fields,
  );
  const col = (row: string[], name: string) => row[header.indexOf(name)] as string;
  return { ws, header, data, col };
}
