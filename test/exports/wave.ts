import { readFileSync } from 'node:fs';
import { parseCsv } from '../../server/platform/csv.js';
import { type Cleanup, runCreate, tokenOfLink, type Workspace, workspace } from '../cli/workspace.js';
import { frameCsv } from '../factories/frame.js';

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
