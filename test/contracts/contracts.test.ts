import request from 'supertest';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as z from 'zod/mini';
import {
  presentContact,
  presentDisposition,
  presentEvent,
  presentListedCase,
  presentOffice,
  presentProgress,
  presentToken,
} from '../../server/casework/present.js';
import {
  type CaseDetail,
  CaseDetailSchema,
  type CaseEvent,
  type CaseLink,
  CasePageSchema,
  type CaseProgress,
  type Contact,
  type ListedCaseAnswer,
  MarkedSchema,
  type Office,
  OneContactSchema,
  RevokedLinkSchema,
} from '../../server/contracts/cases.js';
import type { DispositionAnswer } from '../../server/contracts/dispositions.js';
import { type Fielding, FieldingListSchema, OneFieldingSchema } from '../../server/contracts/fieldings.js';
import { FieldingStatusSchema } from '../../server/contracts/fieldwork.js';
import { InstrumentListSchema, PreviewSchema } from '../../server/contracts/instruments.js';
import { type LetterCounts, LetterCountsSchema, LetterSettingsPageSchema } from '../../server/contracts/letters.js';
import {
  type Attempt,
  type EmailTemplate,
  MailingPlanSchema,
  MailingsSchema,
  type MailSettingsAnswer,
  MailSettingsAnswerSchema,
  type SendCount,
  TemplatePreviewSchema,
  TemplatesSchema,
} from '../../server/contracts/mailings.js';
import {
  CredentialSchema,
  FinishSchema,
  type RespondState,
  RespondStateSchema,
  SavedSchema,
} from '../../server/contracts/responses.js';
import {
  type ApiToken,
  ApiTokenListSchema,
  type AuditEntry,
  AuditPageSchema,
  CreatedApiTokenSchema,
  MeSchema,
  SignedInSchema,
  type Staff,
  StaffListSchema,
  type TokenSettings,
  TokenSettingsAnswerSchema,
} from '../../server/contracts/staff.js';
import { presentFielding } from '../../server/fieldings/present.js';
import { presentLetterCounts } from '../../server/letters/present.js';
import { presentAttempt, presentSendCount } from '../../server/mailings/present.js';
import { presentResponse } from '../../server/responses/present.js';
import { presentApiToken, presentAuditEntry, presentStaff, presentTokenSettings } from '../../server/staff/present.js';
import { presentMailSettings, presentTemplate } from '../../server/templates/present.js';
import { chargedOfficeAnswers } from '../factories/answers.js';
import { caseIdOf, fieldedWave } from '../fieldwork/fielded.js';
import { addMember, goodPassword, signIn, staffEnv } from '../staff/setup.js';
import { seedFielding, type TestEnv, tokenOf } from '../support/app.js';

/**
 * The API's answers are declared once, in server/contracts/: the presenters are typed against the
 * contract schemas and the console parses with them. The first block fails `tsc` (npm run check)
 * when a presenter's output and its contract part ways; the second parses real answers.
 */
describe('presenters answer exactly their contract types', () => {
  it('staff: accounts, API tokens, token settings, audit entries', () => {
    expectTypeOf(presentStaff).returns.toEqualTypeOf<Staff>();
    expectTypeOf(presentApiToken).returns.toEqualTypeOf<ApiToken>();
    expectTypeOf(presentTokenSettings).returns.toEqualTypeOf<TokenSettings>();
    expectTypeOf(presentAuditEntry).returns.toEqualTypeOf<AuditEntry>();
  });

  it('fieldings and cases: the list row, the case detail parts, dispositions', () => {
    expectTypeOf(presentFielding).returns.toEqualTypeOf<Fielding>();
    expectTypeOf(presentListedCase).returns.toEqualTypeOf<ListedCaseAnswer>();
    expectTypeOf(presentDisposition).returns.toEqualTypeOf<DispositionAnswer>();
    expectTypeOf(presentOffice).returns.toEqualTypeOf<Office>();
    expectTypeOf(presentToken).returns.toEqualTypeOf<CaseLink>();
    expectTypeOf(presentContact).returns.toEqualTypeOf<Contact>();
    expectTypeOf(presentEvent).returns.toEqualTypeOf<CaseEvent>();
    expectTypeOf(presentProgress).returns.toEqualTypeOf<CaseProgress | null>();
    expectTypeOf<CaseDetail['office']>().toEqualTypeOf<Office>();
  });

  it('mail and letters: templates, mail settings, send counts, attempts, letter counts', () => {
    expectTypeOf(presentTemplate).returns.toEqualTypeOf<EmailTemplate>();
    expectTypeOf(presentMailSettings).returns.toEqualTypeOf<MailSettingsAnswer>();
    expectTypeOf(presentSendCount).returns.toEqualTypeOf<SendCount>();
    expectTypeOf(presentAttempt).returns.toEqualTypeOf<Attempt>();
    expectTypeOf(presentLetterCounts).returns.toEqualTypeOf<LetterCounts>();
  });

  it('the respondent app: the state of a link', () => {
    expectTypeOf(presentResponse).returns.toEqualTypeOf<RespondState>();
  });
});

/**
 * Parses an answer with its contract and proves nothing was left over: the contract's objects drop
 * keys they do not declare, so a field the server sends and the contract lacks makes the two differ.
 */
function exactly<S extends z.ZodMiniType>(schema: S, body: unknown) {
  const parsed = schema.safeParse(body);
  expect(parsed.error, JSON.stringify(body).slice(0, 400)).toBeUndefined();
  expect(parsed.data).toEqual(body);
}

/** One sent invitation with its SMTP attempt, so the mailings answer has rows in both lists. */
function recordSentInvitation(env: TestEnv, officeId: string) {
  const AT = '2027-02-01T10:00:00.000Z';
  const send = env.db
    .prepare(
      `INSERT INTO email_sends (fielding_id, case_id, contact_id, kind, number, status, queued_at, next_attempt_at, finished_at)
       SELECT c.fielding_id, c.id, k.id, 'invitation', 0, 'sent', ?, ?, ?
       FROM cases c JOIN contacts k ON k.office_id = c.office_id WHERE c.id = ?`,
    )
    .run(AT, AT, AT, caseIdOf(env, officeId));
  env.db
    .prepare(
      "INSERT INTO email_attempts (send_id, at, outcome, smtp_code, smtp_reply) VALUES (?, ?, 'accepted', 250, 'OK')",
    )
    .run(send.lastInsertRowid, AT);
}

describe('the API answers parse with the contract schemas, nothing left over', () => {
  it('answers the staff console’s main reads and changes in their contract shapes', async () => {
    // Email on, so the mailing plan answers; only a dry run is asked for, which sends nothing.
    const env = staffEnv({ mailer: { send: () => Promise.reject(new Error('a dry run sends nothing')), close() {} } });
    await fieldedWave(env);
    recordSentInvitation(env, 'OFF-8');
    const { email } = await addMember(env, 'admin@study.example.org', 'admin');
    const login = await request(env.app)
      .post('/api/staff/login')
      .send({ email, password: goodPassword(email) });
    exactly(SignedInSchema, login.body);
    const admin = await signIn(env, email);

    exactly(MeSchema, (await admin.get('/api/staff/me').expect(200)).body);
    exactly(StaffListSchema, (await admin.get('/api/staff/users').expect(200)).body);
    exactly(
      CreatedApiTokenSchema,
      (await admin.send('post', '/api/staff/tokens', { name: 'R', expiresInDays: 30 })).body,
    );
    exactly(ApiTokenListSchema, (await admin.get('/api/staff/tokens').expect(200)).body);
    exactly(TokenSettingsAnswerSchema, (await admin.get('/api/staff/token-settings').expect(200)).body);
    exactly(AuditPageSchema, (await admin.get('/api/staff/audit').expect(200)).body);

    exactly(FieldingListSchema, (await admin.get('/api/staff/fieldings').expect(200)).body);
    exactly(
      OneFieldingSchema,
      (await admin.send('put', '/api/staff/fieldings/wave1/thresholds', { complete: 80, partial: 50 }).expect(200))
        .body,
    );
    exactly(InstrumentListSchema, (await admin.get('/api/staff/instruments').expect(200)).body);

    const cases = (await admin.get('/api/staff/fieldings/wave1/cases').expect(200)).body;
    exactly(CasePageSchema, cases);
    expect(cases.cases).toHaveLength(10);
    const adams = caseIdOf(env, 'OFF-1');
    exactly(CaseDetailSchema, (await admin.get(`/api/staff/cases/${adams}`).expect(200)).body);
    const jay = caseIdOf(env, 'OFF-10');
    const detail = CaseDetailSchema.parse((await admin.get(`/api/staff/cases/${jay}`).expect(200)).body);
    const contact = detail.contacts[0];
    const link = contact?.links[0];
    if (!contact || !link) throw new Error('the seeded case has a contact with a link');
    exactly(
      OneContactSchema,
      (await admin.send('post', `/api/staff/cases/${jay}/contacts`, { name: 'B. Reyes', email: 'b@jay.example.gov' }))
        .body,
    );
    exactly(RevokedLinkSchema, (await admin.send('post', `/api/staff/cases/${jay}/links/${link.id}/revoke`)).body);
    exactly(
      MarkedSchema,
      (await admin.send('post', `/api/staff/cases/${jay}/mark`, { as: 'refused', reason: 'By phone' })).body,
    );

    const status = (await admin.get('/api/staff/fieldings/wave1/status').expect(200)).body;
    exactly(FieldingStatusSchema, status);
    expect(status.mailings).toEqual([{ date: '2027-02-01', kind: 'invitation', number: 0, sent: 1 }]);
    const mailings = (await admin.get('/api/staff/fieldings/wave1/mailings').expect(200)).body;
    exactly(MailingsSchema, mailings);
    expect(mailings.recent).toHaveLength(1);
    exactly(
      MailingPlanSchema,
      (await admin.send('post', '/api/staff/fieldings/wave1/mailings', { kind: 'invitation', dryRun: true })).body,
    );
    exactly(TemplatesSchema, (await admin.get('/api/staff/fieldings/wave1/templates').expect(200)).body);
    exactly(
      TemplatePreviewSchema,
      (
        await admin.send('post', '/api/staff/fieldings/wave1/templates/invitation/preview', {
          subject: 'Survey of {{office_name}}',
          body: 'Dear {{contact_name}}, please answer at {{link}}',
        })
      ).body,
    );
    exactly(MailSettingsAnswerSchema, (await admin.get('/api/staff/fieldings/wave1/mail-settings').expect(200)).body);
    exactly(LetterSettingsPageSchema, (await admin.get('/api/staff/fieldings/wave1/letter-settings').expect(200)).body);

    const letters = await admin.send('post', '/api/staff/fieldings/wave1/letters').expect(200);
    exactly(LetterCountsSchema, JSON.parse(String(letters.headers['x-fieldkit-letters'])));
  });

  it('answers the respondent app in its contract shapes: open, saved, completed, and an access code', async () => {
    const env = staffEnv();
    const [link] = seedFielding(env, { name: 'wave1' });
    if (!link) throw new Error('the seeded fielding has a link');
    const app = request(env.app);
    const url = `/api/respond/${tokenOf(link)}`;

    exactly(CredentialSchema, (await app.post('/api/access-code').send({ code: link.access_code }).expect(200)).body);
    exactly(RespondStateSchema, (await app.get(url).expect(200)).body);
    exactly(SavedSchema, (await app.put(`${url}/draft`).send({ answers: {}, page: 0, revision: 0 }).expect(200)).body);
    exactly(
      FinishSchema,
      (await app.post(`${url}/complete`).send({ answers: chargedOfficeAnswers(), revision: 1 }).expect(200)).body,
    );
    const completed = (await app.get(url).expect(200)).body;
    exactly(RespondStateSchema, completed);
    expect(completed.status).toBe('completed');
  });

  it('answers a preview link in its contract shape', async () => {
    const env = staffEnv();
    const { email } = await addMember(env, 'admin@study.example.org', 'admin');
    const admin = await signIn(env, email);
    const { instruments } = InstrumentListSchema.parse((await admin.get('/api/staff/instruments').expect(200)).body);
    const version = instruments[0]?.versions[0];
    if (!instruments[0] || !version) throw new Error('the shipped instruments are loaded');
    const preview = await admin.send(
      'post',
      `/api/staff/instruments/${instruments[0].id}/${version.version}/preview`,
      {},
    );
    exactly(PreviewSchema, preview.body);
  });
});
