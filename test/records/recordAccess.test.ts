import { describe, expect, it } from 'vitest';
import { RecordPageSchema } from '../../server/contracts/records.js';
import { CASE_FILE, siteWithInterviewer } from '../factories/sites.js';
import { everyRole, staffEnv } from '../staff/setup.js';

/** San Diego with a record of its interviewer, and Miami with another interviewer. */
async function twoSites() {
  const env = staffEnv();
  const sessions = await everyRole(env);
  const sd = await siteWithInterviewer(env, sessions.admin, { name: 'San Diego', interviewer: 'sd@study.example.org' });
  const mia = await siteWithInterviewer(env, sessions.admin, { name: 'Miami', interviewer: 'mia@study.example.org' });
  const record = (
    await sd.interviewer.send('post', '/api/staff/records', { siteId: sd.site.id, instrumentId: CASE_FILE })
  ).body as { id: number; answers: Record<string, unknown> };
  return { env, ...sessions, sd, mia, record };
}

describe('an interviewer of another site', () => {
  it('gets 404 record_not_found (never 403) on every route of a San Diego record, and changes nothing', async () => {
    const { sd, mia, record } = await twoSites();
    const path = `/api/staff/records/${record.id}`;
    const attempts = [
      mia.interviewer.get(path),
      mia.interviewer.send('put', `${path}/draft`, { answers: { cf_code: 'X' }, page: 0, revision: 0 }),
      mia.interviewer.send('post', `${path}/finalize`, {
        answers: { ...record.answers, h_authorized: 2 },
        revision: 0,
      }),
      mia.interviewer.get(`${path}/history`),
    ];
    for (const [i, res] of (await Promise.all(attempts)).entries()) {
      expect([res.status, res.body.error?.code], `attempt ${i}`).toEqual([404, 'record_not_found']);
      expect(res.body.error.message).toBe('No such record.');
    }
    // The same answer as for a record that does not exist at all.
    const none = await mia.interviewer.get('/api/staff/records/999999');
    expect(none.body).toEqual((await mia.interviewer.get(path)).body);
    const own = await sd.interviewer.get(path).expect(200);
    expect(own.body).toMatchObject({ revision: 0, status: 'in_progress' });
  });

  it('does not see it in the list, even when filtering by its site, nor can start a record there', async () => {
    const { sd, mia, record, analyst } = await twoSites();
    const list = RecordPageSchema.parse((await mia.interviewer.get('/api/staff/records').expect(200)).body);
    expect([list.total, list.records]).toEqual([0, []]);
    const filtered = RecordPageSchema.parse(
      (await mia.interviewer.get(`/api/staff/records?site=${sd.site.id}`).expect(200)).body,
    );
    expect(filtered.total).toBe(0);
    const started = await mia.interviewer.send('post', '/api/staff/records', {
      siteId: sd.site.id,
      instrumentId: CASE_FILE,
    });
    expect([started.status, started.body.error.code]).toEqual([404, 'site_not_found']);
    // Staff of other roles see every site's records.
    const all = RecordPageSchema.parse((await analyst.get('/api/staff/records').expect(200)).body);
    expect(all.records.map((r) => r.id)).toEqual([record.id]);
  });
});

describe('an analyst', () => {
  it('reads records and their history but gets 403 on every write', async () => {
    const { analyst, sd, record } = await twoSites();
    const path = `/api/staff/records/${record.id}`;
    await analyst.get(path).expect(200);
    await analyst.get(`${path}/history`).expect(200);
    const writes = [
      analyst.send('post', '/api/staff/records', { siteId: sd.site.id, instrumentId: CASE_FILE }),
      analyst.send('put', `${path}/draft`, { answers: {}, page: 0, revision: 0 }),
      analyst.send('post', `${path}/finalize`, { answers: {}, revision: 0 }),
      analyst.send('post', `${path}/reopen`, { reason: 'x' }),
      analyst.send('post', '/api/staff/sites', { name: 'New York', jurisdiction: 'NY' }),
      analyst.send('patch', `/api/staff/sites/${sd.site.id}`, { notes: 'x' }),
      analyst.send('put', `/api/staff/sites/${sd.site.id}/interviewers`, { staffIds: [] }),
      analyst.send('put', `/api/staff/sites/${sd.site.id}/instruments`, { instrumentIds: [] }),
    ];
    for (const [i, res] of (await Promise.all(writes)).entries()) {
      expect([res.status, res.body.error?.code], `write ${i}`).toEqual([403, 'forbidden']);
    }
  });
});
