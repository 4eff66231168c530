import { describe, expect, it } from 'vitest';
import { OpenRecordSchema } from '../../server/contracts/records.js';
import { CASE_FILE, siteWithInterviewer } from '../factories/sites.js';
import { everyRole, staffEnv } from '../staff/setup.js';

async function sanDiego() {
  const env = staffEnv();
  const sessions = await everyRole(env);
  const sd = await siteWithInterviewer(env, sessions.admin, {
    name: 'San Diego',
    interviewer: 'maria@study.example.org',
    fullName: 'Maria de Lopez',
  });
  return { env, ...sessions, ...sd };
}

describe('POST /api/staff/records', () => {
  it('starts a record with the header prefilled: the site choice, today (server clock), the initials', async () => {
    const { env, interviewer, site } = await sanDiego();
    const res = await interviewer.send('post', '/api/staff/records', { siteId: site.id, instrumentId: CASE_FILE });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const record = OpenRecordSchema.parse(res.body);
    expect(record.answers).toEqual({ h_site: 1, h_date: env.clock().toISOString().slice(0, 10), h_initials: 'MDL' });
    expect(record).toMatchObject({
      status: 'in_progress',
      revision: 0,
      page: 0,
      label: `Record ${record.id}`,
      site: { id: site.id, name: 'San Diego' },
      startedBy: { initials: 'MDL', fullName: 'Maria de Lopez' },
      editable: true,
      reopenable: false,
    });
    expect(record.instrument.consent).toEqual({ question: 'h_authorized', declineValue: 2 });
  });
});
