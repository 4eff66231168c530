import { describe, expect, it } from 'vitest';
import { createAccessRepo } from '../../server/access/repo.js';
import { createPilot, workspace } from './workspace.js';

describe('fieldkit access stats', () => {
  it('shows the failed look-ups of all clients per day and the clients waiting now', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });
    const api = ws.api();
    for (let i = 0; i < 6; i++) await api.post('/api/access-code').send({ code: 'ABCD-EFGH-JKLM' }).expect(404);
    for (let i = 0; i < 3; i++) await api.get(`/api/respond/${'Z'.repeat(32)}`).expect(404);
    const now = Date.now();
    createAccessRepo(ws.database()).save({
      client: '203.0.113.9',
      kind: 'code',
      failures: 14,
      last_failure_ms: now,
      blocked_until_ms: now + 10 * 60_000,
    });

    const result = await ws.run('access', 'stats');

    const today = new Date().toISOString().slice(0, 10);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`  ${today}  code  6 failures from 1 clients`);
    expect(result.out).toContain(`  ${today}  link  3 failures from 1 clients`);
    expect(result.out).toContain('Clients waiting now: 1');
    expect(result.out).toMatch(/^ {2}203\.0\.113\.9 {2}code {2}14 failures, next try in (599|600) s$/m);
  });

  it('says so when nothing failed, and refuses a bad --days', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });

    const quiet = await ws.run('access', 'stats', '--days', '30');
    const bad = await ws.run('access', 'stats', '--days', 'week');

    expect(quiet.out).toMatch(/since \d{4}-\d{2}-\d{2} \(UTC days\):\n {2}none\nClients waiting now: 0/);
    expect(bad).toMatchObject({
      code: 2,
      err: 'fieldkit: --days must be a whole number of days from 1 to 999, not "week".',
    });
  });
});
