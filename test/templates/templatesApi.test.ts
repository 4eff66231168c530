import { describe, expect, it } from 'vitest';
import { frameRow } from '../factories/frame.js';
import { addMember, type Session, signIn, staffEnv } from '../staff/setup.js';
import { seedFielding, type TestEnv } from '../support/app.js';

const OFFICES = [
  frameRow(1, { office_name: 'Adams County DA', contact_name: 'Ann Adams', county_fips: '42001' }),
  frameRow(2, { office_name: 'Baker & Co. Prosecutor', contact_name: 'Bo Baker', county_fips: '41001' }),
  frameRow(3, { office_name: 'Cook County State’s Attorney', contact_name: 'Cy Cook', county_fips: '17031' }),
];

/** Three offices in fielding wave1, with a frame column county_fips; a fieldwork member is signed in. */
async function fielded(): Promise<{ env: TestEnv; staff: Session }> {
  const env = staffEnv();
  seedFielding(env, { name: 'wave1', rows: OFFICES });
  const { email } = await addMember(env, 'field@study.example.org', 'fieldwork');
  return { env, staff: await signIn(env, email) };
}

const auditOf = (env: TestEnv, action: string) =>
  env.db
    .prepare<[string], { actor: string; fielding: string; detail: string }>(
      'SELECT actor, fielding, detail FROM audit_log WHERE action = ? ORDER BY id',
    )
    .all(action)
    .map((e) => ({ ...e, detail: JSON.parse(e.detail) as unknown }));

const tokenCount = (env: TestEnv) => env.db.prepare('SELECT count(*) FROM tokens').pluck().get() as number;

const GOOD = {
  subject: 'Survey for {{office_name}}',
  body: 'Dear {{contact_name}},\n\nPlease answer for {{office_name}} (FIPS {{county_fips}}) by {{deadline}}:\n{{link}}\n\nor type {{access_code}} at {{code_url}}.',
};

describe('GET /api/staff/fieldings/:name/templates', () => {
  it('gives the three default templates and the standard merge fields with descriptions, then the frame’s columns', async () => {
    const { staff } = await fielded();
    const res = await staff.get('/api/staff/fieldings/wave1/templates');
    expect(res.status).toBe(200);
    expect(res.body.templates.map((t: { kind: string; isDefault: boolean }) => [t.kind, t.isDefault])).toEqual([
      ['invitation', true],
      ['reminder', true],
      ['thank_you', true],
    ]);
    expect(res.body.templates[0]).toMatchObject({
      subject: expect.stringContaining('{{office_name}}'),
      body: expect.stringContaining('{{link}}'),
      updatedAt: null,
      updatedBy: null,
    });
    const fields = res.body.fields as { name: string; description: string; source: string }[];
    expect(fields.find((f) => f.name === 'link')).toEqual({
      name: 'link',
      description: 'The personal survey link issued for this message',
      source: 'standard',
    });
    expect(fields.at(-1)).toEqual({ name: 'county_fips', description: 'A column of the frame', source: 'frame' });
    expect(fields.every((f) => f.description.length > 0)).toBe(true);
  });

  it('answers 404 for an unknown fielding', async () => {
    const { staff } = await fielded();
    const res = await staff.get('/api/staff/fieldings/nowhere/templates');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('PUT /api/staff/fieldings/:name/templates/:kind', () => {
  it('saves a template, which GET then returns with who saved it and when, and records it in the audit log', async () => {
    const { env, staff } = await fielded();
    const res = await staff.send('put', '/api/staff/fieldings/wave1/templates/invitation', GOOD);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.template).toMatchObject({ kind: 'invitation', ...GOOD, isDefault: false });
    const listed = (await staff.get('/api/staff/fieldings/wave1/templates').expect(200)).body.templates;
    expect(listed[0]).toEqual({
      kind: 'invitation',
      ...GOOD,
      isDefault: false,
      updatedAt: env.clock().toISOString(),
      updatedBy: 'field@study.example.org',
    });
    expect(listed[1].isDefault).toBe(true);
    expect(auditOf(env, 'template.save')).toEqual([
      {
        actor: 'field@study.example.org',
        fielding: 'wave1',
        detail: {
          kind: 'invitation',
          subject: GOOD.subject,
          subjectChanged: true,
          bodyChanged: true,
          bodyChars: GOOD.body.length,
        },
      },
    ]);
  });

  it('refuses an unknown merge field with 422, its part, line and column, and keeps the stored template', async () => {
    const { env, staff } = await fielded();
    await staff.send('put', '/api/staff/fieldings/wave1/templates/reminder', GOOD).expect(200);
    const res = await staff.send('put', '/api/staff/fieldings/wave1/templates/reminder', {
      subject: GOOD.subject,
      body: 'Dear {{contact_name}},\n\n{{link}}\nSee you, {{bogus}}.',
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('template_invalid');
    expect(res.body.error.details.problems).toEqual([
      { part: 'body', line: 4, column: 10, message: expect.stringMatching(/^Unknown merge field \{\{bogus\}\}/) },
    ]);
    expect(res.body.error.message).toContain('body line 4, column 10');
    const listed = (await staff.get('/api/staff/fieldings/wave1/templates').expect(200)).body.templates;
    expect(listed[1]).toMatchObject({ kind: 'reminder', ...GOOD });
    expect(auditOf(env, 'template.save')).toHaveLength(1);
  });

  it('refuses a default-only fielding’s invitation without a way in, leaving the default in place', async () => {
    const { env, staff } = await fielded();
    const res = await staff.send('put', '/api/staff/fieldings/wave1/templates/invitation', {
      subject: 'Hello {{office_name',
      body: 'Dear {{contact_name}}, please take part.',
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details.problems.map((p: { part: string; line: number; column: number }) => p)).toEqual([
      { part: 'subject', line: 1, column: 7, message: '"{{" is not closed by "}}"' },
      { part: 'body', line: 1, column: 1, message: expect.stringContaining('use {{link}} or {{access_code}}') },
    ]);
    expect((await staff.get('/api/staff/fieldings/wave1/templates')).body.templates[0].isDefault).toBe(true);
    expect(auditOf(env, 'template.save')).toEqual([]);
  });

  it('refuses an unknown kind or a missing part with 400 and an unknown fielding with 404', async () => {
    const { staff } = await fielded();
    const unknownKind = await staff.send('put', '/api/staff/fieldings/wave1/templates/welcome', GOOD);
    expect(unknownKind.status).toBe(400);
    expect(unknownKind.body.error.details.problems[0].path).toBe('kind');
    const noBody = await staff.send('put', '/api/staff/fieldings/wave1/templates/invitation', { subject: 'Hi' });
    expect(noBody.status).toBe(400);
    expect(noBody.body.error.details.problems[0].path).toBe('body');
    const nowhere = await staff.send('put', '/api/staff/fieldings/nowhere/templates/invitation', GOOD);
    expect(nowhere.status).toBe(404);
  });
});

describe('POST /api/staff/fieldings/:name/templates/:kind/preview', () => {
  it('renders for the first case with an active contact: its office and contact, placeholders for the secrets', async () => {
    const { env, staff } = await fielded();
    const before = tokenCount(env);
    const res = await staff.send('post', '/api/staff/fieldings/wave1/templates/invitation/preview', GOOD);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.office).toEqual({ officeId: 'OFF-1', officeName: 'Adams County DA' });
    expect(res.body.to).toBe('Ann Adams <contact1@office1.example.org>');
    expect(res.body.subject).toBe('Survey for Adams County DA');
    expect(res.body.text).toContain('Dear Ann Adams,');
    expect(res.body.text).toContain('(FIPS 42001) by as soon as you can:');
    expect(res.body.text).toContain('http://fieldkit.test/s/(personal link issued when sent)');
    expect(res.body.text).toContain('or type (access code issued when sent) at http://fieldkit.test/code.');
    expect(res.body.text).toContain('open: http://fieldkit.test/u/(one-click opt-out link issued when sent)');
    expect(res.body.html).toContain('<p>Dear Ann Adams,</p>');
    expect(tokenCount(env)).toBe(before);
  });

  it('renders for the office named, escaping its values in the HTML part, with the deadline of the settings', async () => {
    const { staff } = await fielded();
    await staff
      .send('put', '/api/staff/fieldings/wave1/mail-settings', {
        reminderDays: [7, 14],
        remindersEnabled: false,
        thankYouEnabled: false,
        thankYouTo: 'submitter',
        perMinute: 60,
        deadline: 'June 30, 2027',
        eligibilityEstimate: null,
      })
      .expect(200);
    const res = await staff.send('post', '/api/staff/fieldings/wave1/templates/reminder/preview', {
      ...GOOD,
      officeId: 'OFF-2',
    });
    expect(res.status).toBe(200);
    expect(res.body.office).toEqual({ officeId: 'OFF-2', officeName: 'Baker & Co. Prosecutor' });
    expect(res.body.text).toContain('Please answer for Baker & Co. Prosecutor (FIPS 41001) by June 30, 2027:');
    expect(res.body.html).toContain('Please answer for Baker &amp; Co. Prosecutor');
  });

  it('says the fielding’s closing day as {{deadline}} when the settings give no wording, as sending does', async () => {
    const { staff } = await fielded();
    await staff.send('patch', '/api/staff/fieldings/wave1', { closes: '2027-06-30' }).expect(200);
    const res = await staff.send('post', '/api/staff/fieldings/wave1/templates/invitation/preview', GOOD);
    expect(res.status).toBe(200);
    expect(res.body.text).toContain('(FIPS 42001) by June 30, 2027:');
  });

  it('passes over a case whose contact is undeliverable, and says so when the office named has no contact left', async () => {
    const { staff } = await fielded();
    const adams = (await staff.get('/api/staff/fieldings/wave1/cases?q=adams').expect(200)).body.cases[0].id;
    const contact = (await staff.get(`/api/staff/cases/${adams}`).expect(200)).body.contacts[0].id;
    await staff.send('post', `/api/staff/cases/${adams}/contacts/${contact}/undeliverable`, {}).expect(200);
    const first = await staff.send('post', '/api/staff/fieldings/wave1/templates/invitation/preview', GOOD);
    expect(first.body.office.officeId).toBe('OFF-2');
    const named = await staff.send('post', '/api/staff/fieldings/wave1/templates/invitation/preview', {
      ...GOOD,
      officeId: 'OFF-1',
    });
    expect(named.status).toBe(422);
    expect(named.body.error.code).toBe('no_contact_to_preview');
  });

  it('refuses a template with problems like saving does, and an office not in the fielding with 404', async () => {
    const { staff } = await fielded();
    const bad = await staff.send('post', '/api/staff/fieldings/wave1/templates/invitation/preview', {
      subject: '{{bogus}}',
      body: GOOD.body,
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('template_invalid');
    expect(bad.body.error.details.problems).toEqual([
      { part: 'subject', line: 1, column: 1, message: expect.stringContaining('{{bogus}}') },
    ]);
    const elsewhere = await staff.send('post', '/api/staff/fieldings/wave1/templates/invitation/preview', {
      ...GOOD,
      officeId: 'OFF-99',
    });
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error.code).toBe('office_not_found');
  });

  it('is open to fieldwork staff and admins only: an analyst gets 403 and sees no template', async () => {
    const { env } = await fielded();
    const { email } = await addMember(env, 'analyst@study.example.org', 'analyst');
    const analyst = await signIn(env, email);
    expect((await analyst.get('/api/staff/fieldings/wave1/templates')).status).toBe(403);
    const preview = await analyst.send('post', '/api/staff/fieldings/wave1/templates/invitation/preview', GOOD);
    expect(preview.status).toBe(403);
    expect(preview.body.error.code).toBe('forbidden');
  });
});
