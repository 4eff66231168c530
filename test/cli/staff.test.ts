import { describe, expect, it } from 'vitest';
import { workspace } from './workspace.js';

const LINK = /^ {2}(https:\/\/survey\.example\.org\/staff\/password#([\w-]{32}))$/m;

/** A workspace whose database exists, as after the first `npm start`. */
function started() {
  const ws = workspace();
  ws.database().close();
  return ws;
}

describe('fieldkit staff', () => {
  it('add prints a one-time set-password link that sets the password through the API, once', async () => {
    const ws = started();

    const result = await ws.run('staff', 'add', 'director@study.example.org', '--role', 'admin');

    expect(result.code).toBe(0);
    expect(result.out).toContain('Staff account director@study.example.org (admin) added.');
    expect(result.out).toMatch(/works once, until \d{4}-\d{2}-\d{2}T/);
    const token = LINK.exec(result.out)?.[2] as string;
    const api = ws.api();
    await api.post('/api/staff/password').send({ token, password: 'granite owl at midnight' }).expect(200);
    await api.post('/api/staff/password').send({ token, password: 'granite owl at midnight' }).expect(404);
    await api
      .post('/api/staff/login')
      .send({ email: 'director@study.example.org', password: 'granite owl at midnight' })
      .expect(200);
    const audit = ws.database().prepare("SELECT actor, action FROM audit_log WHERE action = 'staff.add'").all();
    expect(audit).toEqual([{ actor: expect.stringMatching(/^cli:/), action: 'staff.add' }]);
  });

  it('list shows each account with its role and status', async () => {
    const ws = started();
    expect((await ws.run('staff', 'list')).out).toBe(
      'No staff accounts yet. Add the first admin with: fieldkit staff add <email> --role admin',
    );
    await ws.run('staff', 'add', 'director@study.example.org', '--role', 'admin');
    await ws.run('staff', 'add', 'ada@study.example.org', '--role', 'analyst');

    const result = await ws.run('staff', 'list');

    expect(result.out.split('\n').map((l) => l.split('\t').slice(0, 3))).toEqual([
      ['ada@study.example.org', 'analyst', 'password_not_set'],
      ['director@study.example.org', 'admin', 'password_not_set'],
    ]);
  });

  it('disable ends the account: its link no longer sets a password', async () => {
    const ws = started();
    await ws.run('staff', 'add', 'director@study.example.org', '--role', 'admin');
    const added = await ws.run('staff', 'add', 'ada@study.example.org', '--role', 'analyst');

    const result = await ws.run('staff', 'disable', 'ADA@study.example.org');

    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('ada@study.example.org is disabled');
    const token = LINK.exec(added.out)?.[2] as string;
    await ws.api().post('/api/staff/password').send({ token, password: 'granite owl at midnight' }).expect(404);
    expect((await ws.run('staff', 'list')).out).toMatch(/^ada@study\.example\.org\tanalyst\tdisabled\t/m);
  });

  it('reset-password stops the old password and prints a new link', async () => {
    const ws = started();
    const added = await ws.run('staff', 'add', 'director@study.example.org', '--role', 'admin');
    const api = ws.api();
    const first = LINK.exec(added.out)?.[2] as string;
    await api.post('/api/staff/password').send({ token: first, password: 'granite owl at midnight' }).expect(200);

    const result = await ws.run('staff', 'reset-password', 'director@study.example.org');

    expect(result.code).toBe(0);
    const login = { email: 'director@study.example.org', password: 'granite owl at midnight' };
    await api.post('/api/staff/login').send(login).expect(401);
    const second = LINK.exec(result.out)?.[2] as string;
    await api.post('/api/staff/password').send({ token: second, password: 'basalt heron at dawn' }).expect(200);
    await api
      .post('/api/staff/login')
      .send({ ...login, password: 'basalt heron at dawn' })
      .expect(200);
  });

  it.each([
    [['staff', 'add', 'ada@study.example.org'], '--role must be one of admin, fieldwork, analyst, interviewer.'],
    [
      ['staff', 'add', 'ada@study.example.org', '--role', 'owner'],
      '--role must be one of admin, fieldwork, analyst, interviewer.',
    ],
    [['staff', 'add', 'not-an-email', '--role', 'admin'], '"not-an-email" is not an email address.'],
    [['staff', 'disable'], 'Name one email address.'],
  ])('refuses %j with exit code 2', async (argv, message) => {
    const ws = started();
    expect(await ws.run(...argv)).toEqual({ code: 2, out: '', err: `fieldkit: ${message}` });
  });

  it('answers exit code 1 for a duplicate account, an unknown email and the last admin', async () => {
    const ws = started();
    await ws.run('staff', 'add', 'director@study.example.org', '--role', 'admin');

    const duplicate = await ws.run('staff', 'add', 'Director@study.example.org', '--role', 'analyst');
    const unknown = await ws.run('staff', 'reset-password', 'nobody@study.example.org');
    const lastAdmin = await ws.run('staff', 'disable', 'director@study.example.org');

    expect(duplicate).toMatchObject({
      code: 1,
      err: 'fieldkit: There is already an account for Director@study.example.org.',
    });
    expect(unknown).toMatchObject({ code: 1, err: 'fieldkit: No staff account for nobody@study.example.org.' });
    expect(lastAdmin.code).toBe(1);
    expect(lastAdmin.err).toContain('is the only active admin');
  });

  it('refuses to run without a database, like the other commands', async () => {
    const ws = workspace();
    const result = await ws.run('staff', 'list');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^fieldkit: No database at /);
  });
});
