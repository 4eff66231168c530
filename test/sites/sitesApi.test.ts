import { describe, expect, it } from 'vitest';
import { InterviewerListSchema, SiteListSchema } from '../../server/contracts/sites.js';
import { addMember, everyRole, signIn, staffEnv } from '../staff/setup.js';

describe('POST /api/staff/sites', () => {
  it('adds a site (201) that GET lists with no interviewers, instruments or records yet', async () => {
    const env = staffEnv();
    const { admin } = await everyRole(env);
    const res = await admin.send('post', '/api/staff/sites', {
      name: 'San Diego',
      jurisdiction: 'San Diego County, CA',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.site).toMatchObject({ name: 'San Diego', jurisdiction: 'San Diego County, CA', notes: '' });
    const list = SiteListSchema.parse((await admin.get('/api/staff/sites').expect(200)).body);
    expect(list.sites).toEqual([
      expect.objectContaining({
        name: 'San Diego',
        interviewers: [],
        instruments: [],
        records: { in_progress: 0, final: 0, refused: 0 },
      }),
    ]);
  });

  it('refuses a second site of the same name in another case with 409 site_exists', async () => {
    const env = staffEnv();
    const { fieldwork } = await everyRole(env);
    await fieldwork
      .send('post', '/api/staff/sites', { name: 'Miami', jurisdiction: 'Miami-Dade County, FL' })
      .expect(201);
    const res = await fieldwork.send('post', '/api/staff/sites', { name: 'MIAMI', jurisdiction: 'x' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('site_exists');
    expect(res.body.error.message).toContain('"MIAMI"');
  });

  it('names the missing jurisdiction in a 400', async () => {
    const env = staffEnv();
    const { admin } = await everyRole(env);
    const res = await admin.send('post', '/api/staff/sites', { name: 'Miami', jurisdiction: ' ' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toContain('jurisdiction');
  });

  it('records the addition, change and assignments in the audit log', async () => {
    const env = staffEnv();
    const { admin, interviewer } = await everyRole(env);
    const site = (await admin.send('post', '/api/staff/sites', { name: 'Miami', jurisdiction: 'FL' })).body.site;
    await admin.send('patch', `/api/staff/sites/${site.id}`, { notes: 'Courthouse annex' }).expect(200);
    const me = (await interviewer.get('/api/staff/me')).body.staff;
    await admin.send('put', `/api/staff/sites/${site.id}/interviewers`, { staffIds: [me.id] }).expect(200);
    await admin
      .send('put', `/api/staff/sites/${site.id}/instruments`, { instrumentIds: ['cs-prosecutor-interview'] })
      .expect(200);
    const actions = (await admin.get('/api/staff/audit?action=site.interviewers')).body.entries;
    expect(actions).toHaveLength(1);
    const all = (await admin.get('/api/staff/audit')).body.entries.map((e: { action: string }) => e.action);
    expect(all).toEqual(expect.arrayContaining(['site.add', 'site.change', 'site.interviewers', 'site.instruments']));
  });
});

describe('PUT /api/staff/sites/:siteId/interviewers and /instruments', () => {
  it('assigns interviewers and instruments (newest loaded version) and shows them on the site', async () => {
    const env = staffEnv();
    const { admin, interviewer } = await everyRole(env);
    const me = (await interviewer.get('/api/staff/me')).body.staff;
    const site = (await admin.send('post', '/api/staff/sites', { name: 'New York', jurisdiction: 'NY' })).body.site;
    const withPeople = await admin.send('put', `/api/staff/sites/${site.id}/interviewers`, { staffIds: [me.id] });
    expect(withPeople.body.site.interviewers).toEqual([
      { id: me.id, email: 'interviewer@study.example.org', fullName: '', initials: 'IN' },
    ]);
    const res = await admin.send('put', `/api/staff/sites/${site.id}/instruments`, {
      instrumentIds: ['cs-case-file-abstraction', 'cs-prosecutor-interview'],
    });
    expect(res.status).toBe(200);
    expect(res.body.site.instruments.map((i: { id: string }) => i.id)).toEqual([
      'cs-case-file-abstraction',
      'cs-prosecutor-interview',
    ]);
    expect(res.body.site.instruments[0].version).toMatch(/^\d/);
  });

  it('refuses an account that is not an active interviewer with 422 naming it', async () => {
    const env = staffEnv();
    const { admin, analyst } = await everyRole(env);
    const analystId = (await analyst.get('/api/staff/me')).body.staff.id;
    const site = (await admin.send('post', '/api/staff/sites', { name: 'Miami', jurisdiction: 'FL' })).body.site;
    const res = await admin.send('put', `/api/staff/sites/${site.id}/interviewers`, { staffIds: [analystId] });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('not_an_interviewer');
    expect(res.body.error.message).toContain('analyst@study.example.org');
    const disabled = await addMember(env, 'gone@study.example.org', 'interviewer');
    await admin.send('post', `/api/staff/users/${disabled.id}/disable`).expect(200);
    const gone = await admin.send('put', `/api/staff/sites/${site.id}/interviewers`, { staffIds: [disabled.id] });
    expect([gone.status, gone.body.error.code]).toEqual([422, 'not_an_interviewer']);
    expect(gone.body.error.message).toContain('gone@study.example.org is disabled');
  });

  it('refuses a self-administered instrument with 422 saying it is fielded by link', async () => {
    const env = staffEnv();
    const { admin } = await everyRole(env);
    const site = (await admin.send('post', '/api/staff/sites', { name: 'Miami', jurisdiction: 'FL' })).body.site;
    const res = await admin.send('put', `/api/staff/sites/${site.id}/instruments`, {
      instrumentIds: ['tip-prosecutor-survey'],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('instrument_not_interviewer');
    expect(res.body.error.message).toContain('tip-prosecutor-survey');
    const unknown = await admin.send('put', `/api/staff/sites/${site.id}/instruments`, { instrumentIds: ['nope'] });
    expect([unknown.status, unknown.body.error.code]).toEqual([422, 'unknown_instrument']);
  });
});

describe('GET /api/staff/sites', () => {
  it('shows an interviewer only the sites they are assigned to', async () => {
    const env = staffEnv();
    const { admin, interviewer } = await everyRole(env);
    const me = (await interviewer.get('/api/staff/me')).body.staff;
    const sd = (await admin.send('post', '/api/staff/sites', { name: 'San Diego', jurisdiction: 'CA' })).body.site;
    await admin.send('post', '/api/staff/sites', { name: 'Miami', jurisdiction: 'FL' }).expect(201);
    await admin.send('put', `/api/staff/sites/${sd.id}/interviewers`, { staffIds: [me.id] }).expect(200);
    const mine = (await interviewer.get('/api/staff/sites').expect(200)).body.sites;
    expect(mine.map((s: { name: string }) => s.name)).toEqual(['San Diego']);
    const all = (await admin.get('/api/staff/sites').expect(200)).body.sites;
    expect(all.map((s: { name: string }) => s.name)).toEqual(['Miami', 'San Diego']);
    const other = await addMember(env, 'other@study.example.org', 'interviewer');
    expect((await (await signIn(env, other.email)).get('/api/staff/sites')).body.sites).toEqual([]);
  });
});

describe('GET /api/staff/interviewers', () => {
  it('lists the active interviewer accounts a lead can assign, with names and initials', async () => {
    const env = staffEnv();
    const { fieldwork } = await everyRole(env);
    const gone = await addMember(env, 'gone@study.example.org', 'interviewer');
    env.db.prepare("UPDATE staff SET disabled_at = 'x' WHERE id = ?").run(gone.id);
    const res = await fieldwork.get('/api/staff/interviewers').expect(200);
    expect(InterviewerListSchema.parse(res.body).interviewers).toEqual([
      { id: expect.any(Number), email: 'interviewer@study.example.org', fullName: '', initials: 'IN' },
    ]);
  });
});
