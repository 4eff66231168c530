import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../server/platform/csv.js';
import { runCreate, tokenOfLink, workspace } from '../cli/workspace.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { frameCsv, frameRow } from '../factories/frame.js';

describe('export weights', () => {
  it('weights the completes of every stratum up to its frame count, and reports a stratum without completes instead of dividing by zero', async () => {
    const ws = workspace();
    const strata = ['large', 'large', 'large', 'medium', 'medium', 'small'];
    ws.writeFrame('frame.csv', frameCsv(strata.map((stratum, i) => frameRow(i + 1, { stratum }))));
    await runCreate(ws, 'frame.csv');
    const links = ws.readLinks('links.csv');
    const api = ws.api();
    const answers = chargedOfficeAnswers();
    // Two completes in "large", one in "medium", none in "small".
    for (const office of ['OFF-1', 'OFF-3', 'OFF-5']) {
      const token = tokenOfLink(links.find((l) => l.office_id === office)?.link ?? '');
      await api.post(`/api/respond/${token}/complete`).send({ answers, revision: 0 }).expect(200);
    }

    await ws.run('export', '--fielding', 'pilot', '--out', 'export', '--formats', 'csv');

    const [header, ...rows] = parseCsv(readFileSync(ws.file('export/data.csv'), 'utf8')).records.map((r) => r.fields);
    const at = (name: string) => header?.indexOf(name) ?? -1;
    const weighted = new Map<string, number>();
    for (const row of rows) {
      const stratum = row[at('stratum')] as string;
      weighted.set(stratum, (weighted.get(stratum) ?? 0) + Number(row[at('wt_nr')]));
      expect(Number(row[at('wt_base')])).toBe(1);
    }
    expect(Object.fromEntries(weighted)).toEqual({ large: 3, medium: 2 });
    const manifest = JSON.parse(readFileSync(ws.file('export/manifest.json'), 'utf8'));
    expect(manifest.warnings).toEqual([
      'Stratum "small" has no complete (1 offices in the frame): its wt_nr cannot be computed, and weighted totals leave it out.',
    ]);
  });
});
