import { describe, expect, it } from 'vitest';
import { OneStaffSchema, SetPasswordLinkSchema } from '../../server/contracts/staff.js';
import { initialsOf } from '../../server/staff/names.js';
import { everyRole, staffEnv } from './setup.js';

describe('initialsOf', () => {
  it('takes the first letter of each word of the full name, upper-cased', () => {
    expect(initialsOf({ full_name: 'Maria de Lopez', email: 'm@x.org' })).toBe('MDL');
    expect(initialsOf({ full_name: '  Émile   zola ', email: 'm@x.org' })).toBe('ÉZ');
  });

  it('without a name, takes the first two letters of the email’s local part', () => {
    expect(initialsOf({ full_name: '', email: 'jsmith@study.example.org' })).toBe('JS');
    expect(initialsOf({ full_name: '   ', email: 'a@study.example.org' })).toBe('A');
  });
});

describe('staff full names (API)', () => {
  it('POST /api/staff/users takes an optional fullName; accounts show it and its initials', async () => {
    const env = staffEnv();
    const { admin } = await everyRole(env);
    const res = await admin.send('post', '/api/staff/users', {
      email: 'maria@study.example.org',
      role: 'interviewer',
      fullName: ' Maria de Lopez ',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(SetPasswordLinkSchema.parse(res.body).staff).toMatchObject({ fullName: 'Maria de Lopez', initials: 'MDL' });
    const me = (await admin.get('/api/staff/me')).body.staff;
    expect(me).toMatchObject({ fullName: '', initials: 'AD' });
  });

  it('PATCH /api/staff/users/:id sets or clears the name (audited) and refuses markup with 400', async () => {
    const env = staffEnv();
    const { admin, interviewer } = await everyRole(env);
    const id = (await interviewer.get('/api/staff/me')).body.staff.id;
    const named = await admin.send('patch', `/api/staff/users/${id}`, { fullName: 'Jo Ann Park' });
    expect(named.status, JSON.stringify(named.body)).toBe(200);
    expect(OneStaffSchema.parse(named.body).staff).toMatchObject({ fullName: 'Jo Ann Park', initials: 'JAP' });
    const cleared = await admin.send('patch', `/api/staff/users/${id}`, { fullName: '' });
    expect(cleared.body.staff).toMatchObject({ fullName: '', initials: 'IN' });
    const bad = await admin.send('patch', `/api/staff/users/${id}`, { fullName: 'Jo\nAnn' });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_input']);
    expect(JSON.stringify(bad.body.error)).toContain('plain text on one line');
    const missing = await admin.send('patch', '/api/staff/users/999999', { fullName: 'X' });
    expect(missing.status).toBe(404);
    const audit = (await admin.get('/api/staff/audit?action=staff.name')).body.entries.map(
      (e: { detail: unknown }) => e.detail,
    );
    expect(audit).toEqual([
      { email: 'interviewer@study.example.org', from: 'Jo Ann Park', to: '' },
      { email: 'interviewer@study.example.org', from: '', to: 'Jo Ann Park' },
    ]);
  });
});
