import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FieldingStatusSchema } from '../../server/contracts/fieldwork.js';
import { defaultStaffSettings } from '../../server/platform/config.js';
import { createRepos } from '../../server/repos.js';
import { addStaff, createApiToken } from '../../server/staff/service.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { createPilot, PUBLIC_URL, tokenOfLink, type Workspace, workspace } from './workspace.js';

/**
 * Four offices of one stratum, their links handed out today: OFF-1 completes, OFF-2 declines,
 * OFF-3 is not eligible, OFF-4 never answers.
 */
async function fielded() {
  const ws = workspace();
  const links = await createPilot(ws, { offices: 4 });
  const today = new Date().toISOString().slice(0, 10);
  expect((await ws.run('case', 'invited', '--fielding', 'pilot', '--all-issued', '--on', today)).code).toBe(0);
  const api = ws.api();
  const [done, declined] = links.map((l) => tokenOfLink(l.link)) as [string, string];
  await api.post(`/api/respond/${done}/complete`).send({ answers: chargedOfficeAnswers(), revision: 0 }).expect(200);
  await api.post(`/api/respond/${declined}/decline`).send({}).expect(200);
  const marked = await ws.run(
    'case',
    'mark',
    '--fielding',
    'pilot',
    '--office',
    'OFF-3',
    '--ineligible',
    '--reason',
    'closed',
  );
  expect(marked.code).toBe(0);
  return ws;
}

/** A personal API token of an analyst, made on the workspace's database as the console would. */
function analystToken(ws: Workspace) {
  const ctx = {
    repos: createRepos(ws.database()),
    settings: defaultStaffSettings,
    clock: () => new Date(),
    random: randomBytes,
    publicUrl: PUBLIC_URL,
  };
  const { staff } = addStaff(ctx, { email: 'analyst@study.example.org', role: 'analyst', actor: 'test' });
  return createApiToken(ctx, staff, { name: 'cli test' }).token;
}

describe('fieldkit status', () => {
  it('prints the dispositions by stratum, the group counts, every rate as a percentage and e with its explanation', async () => {
    const ws = await fielded();

    const result = await ws.run('status', '--fielding', 'pilot');

    expect(result.code).toBe(0);
    expect(result.err).toBe('');
    const lines = result.out.split('\n');
    expect(lines[0]).toMatch(/^pilot: 4 cases, as of \d{4}-\d{2}-\d{2}T/);
    const from = lines.indexOf('Final dispositions by stratum');
    expect(lines.slice(from + 1, from + 7)).toEqual([
      'code  disposition       under 100,000  total',
      '1.1   Complete                      1      1',
      '2.11  Refusal                       1      1',
      '3.19  Nothing returned              1      1',
      '4.10  Not eligible                  1      1',
      '      all cases                     4      4',
    ]);
    // RR1 = 1 / 3 (the ineligible office leaves the denominator); e = 2/3, RR3 = 1 / (2 + 2/3) = 37.5%.
    expect(result.out).toMatch(/^RR1 +33\.3% \(1\/3\) +33\.3% \(1\/3\)$/m);
    expect(result.out).toMatch(/^RR3 +37\.5% \(1\/2\.7\) +37\.5% \(1\/2\.7\)$/m);
    expect(result.out).toMatch(/^COOP1 +50\.0% \(1\/2\) +50\.0% \(1\/2\)$/m);
    expect(result.out).toMatch(/^NC +0 +0$/m);
    expect(result.out).toMatch(/^NE +1 +1$/m);
    expect(result.out).toContain(
      'e (AAPOR default): e = 2 eligible / 3 resolved cases (AAPOR default: eligible share among cases of known eligibility)',
    );
  });

  it('prints — for a rate whose denominator is 0', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 2 });

    const result = await ws.run('status', '--fielding', 'pilot');

    expect(result.out).toMatch(/^RR5 +— +—$/m);
    expect(result.out).toMatch(/^RR1 +0\.0% \(0\/2\) +0\.0% \(0\/2\)$/m);
    expect(result.out).toContain('e (AAPOR default): e = 1: no case has a known eligibility yet');
  });

  it('with --json prints the very JSON of GET /api/staff/fieldings/:name/status', async () => {
    const ws = await fielded();
    const token = analystToken(ws);

    const result = await ws.run('status', '--fielding', 'pilot', '--json');
    const route = await ws.api().get('/api/staff/fieldings/pilot/status').set('Authorization', `Bearer ${token}`);

    expect(result.code).toBe(0);
    const printed = FieldingStatusSchema.parse(JSON.parse(result.out));
    expect(route.status).toBe(200);
    // Two readings of the same data at two instants: everything but the instant is the same.
    expect({ ...printed, asOf: undefined }).toEqual({ ...route.body, asOf: undefined });
    expect(printed.overall.counts).toEqual({ I: 1, P: 0, R: 1, NC: 0, O: 0, UH: 1, UO: 0, NE: 1 });
    expect(printed.byDay).toHaveLength(1);
    expect(printed.byDay[0]?.completes).toBe(1);
  });

  it('names an unknown fielding (exit 1) and a missing --fielding (exit 2)', async () => {
    const ws = await fielded();
    expect(await ws.run('status', '--fielding', 'nope')).toMatchObject({
      code: 1,
      err: 'fieldkit: No fielding named "nope".',
    });
    expect(await ws.run('status')).toMatchObject({ code: 2, err: 'fieldkit: Missing --fielding.' });
  });
});
