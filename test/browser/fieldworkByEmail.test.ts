import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstrumentRegistry } from '../../server/instruments/registry.js';
import { frameCsv, frameRow } from '../factories/frame.js';
import { CONSENT_QUESTION, madeUpInstrument } from '../factories/instrument.js';
import { addMember, goodPassword } from '../staff/setup.js';
import { type ParsedMail, parseMail } from '../support/smtp.js';
import { expectNoAxeViolations, startMailHarness } from './harness.js';

/*
 * Issue 10's whole loop in Chromium, with mail going through a real SMTP server on loopback:
 * staff upload a frame, preview and send the invitations; one office answers from the link in its
 * email, another opts out from its email; the dashboard then counts one complete, one refusal, and
 * RR1 = 1/3. Axe checks every console page on the way.
 */

const short = (() => {
  const base = madeUpInstrument('court-staffing', [
    { name: 'p1', elements: [{ ...CONSENT_QUESTION, title: 'Do you agree to take part?' }] },
    {
      name: 'p2',
      elements: [
        { type: 'text', inputType: 'number', name: 'attorneys', title: 'How many attorneys work in your office?' },
        { type: 'radiogroup', name: 'unit', title: 'Does your office have a trafficking unit?', choices: [1, 2] },
      ],
    },
  ]);
  return { ...base, meta: { ...base.meta, mode: 'self' as const, title: 'Court staffing survey' } };
})();

const fieldwork = { email: 'field.lead@study.example.org', password: goodPassword('field.lead@study.example.org') };
const OFFICES = [
  frameRow(1, { office_name: 'Adams County DA', contact_name: 'Ann Adams', contact_email: 'ann@adams.example.org' }),
  frameRow(2, {
    office_name: 'Baker County Prosecutor',
    contact_name: 'Bo Baker',
    contact_email: 'bo@baker.example.org',
  }),
  frameRow(3, {
    office_name: 'Clark County Attorney',
    contact_name: 'Cy Clark',
    contact_email: 'cy@clark.example.org',
  }),
];

let h: Awaited<ReturnType<typeof startMailHarness>>;
beforeAll(async () => {
  h = await startMailHarness({ instruments: createInstrumentRegistry([short]) });
  await addMember(h.env, fieldwork.email, 'fieldwork');
});
afterAll(async () => {
  await h?.close();
});

const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true });
const mailTo = (address: string): ParsedMail => {
  const found = h.smtp.received.find((m) => m.envelopeTo.includes(address));
  if (!found) throw new Error(`no mail reached ${address}`);
  return parseMail(found.raw);
};
const linkIn = (mail: ParsedMail, path: 's' | 'u') => {
  const found = new RegExp(`${h.baseUrl}/${path}/[A-Za-z0-9_-]{32}`).exec(mail.text ?? '')?.[0];
  if (!found) throw new Error(`the mail has no /${path}/ link`);
  return found;
};

describe('fieldwork by email in Chromium', { timeout: 180_000 }, () => {
  it('staff upload a frame and send the invitations; one office answers from its email, one opts out; the dashboard shows it', async () => {
    const staff = await (await h.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await staff.goto(`${h.baseUrl}/staff/`);
    await staff.getByLabel('Email').fill(fieldwork.email);
    await staff.getByLabel('Password').fill(fieldwork.password);
    await staff.getByRole('button', { name: 'Sign in' }).click();
    await heading(staff, 'Fieldings').waitFor();

    await staff.getByLabel('Name', { exact: true }).fill('wave1');
    await staff.getByLabel('Instrument').selectOption('court-staffing');
    await staff
      .getByLabel('Frame file')
      .setInputFiles({ name: 'offices.csv', mimeType: 'text/csv', buffer: Buffer.from(frameCsv(OFFICES)) });
    await staff.getByRole('button', { name: 'Create fielding' }).click();
    await staff.getByRole('region', { name: 'Links of wave1' }).waitFor();
    await expectNoAxeViolations(staff, 'Fieldings after the upload');

    // Preview with a real office, then send: a dry run counts first, nothing goes before the yes.
    await staff.getByRole('link', { name: 'Email of wave1' }).click();
    await heading(staff, 'Email for wave1').waitFor();
    const invitation = staff.getByRole('region', { name: 'Invitation', exact: true });
    await staff.getByLabel('Find an office').fill('clark');
    await staff.getByRole('option', { name: 'Clark County Attorney (OFF-3)' }).waitFor({ state: 'attached' });
    await staff.getByLabel('Preview for').selectOption('OFF-3');
    await invitation.getByRole('button', { name: 'Preview the invitation' }).click();
    const preview = invitation.getByRole('region', { name: 'Preview of the invitation' });
    await preview.getByText('Cy Clark <cy@clark.example.org>').waitFor();
    expect(await preview.locator('pre').textContent()).toContain('Clark County Attorney is invited to take part');
    await expectNoAxeViolations(staff, 'the Email page with a preview', { exclude: ['iframe.fk-mail-html'] });
    expect(h.smtp.received).toHaveLength(0);

    const panel = staff.getByRole('region', { name: 'Sending' });
    await panel.getByRole('button', { name: 'Send invitations' }).click();
    await panel.getByRole('button', { name: 'Yes, send 3 invitations' }).click();
    await panel.getByRole('status').getByText('Invitations: 3 of 3 done, 3 sent').waitFor({ timeout: 30_000 });
    expect(h.smtp.received.flatMap((m) => m.envelopeTo).sort()).toEqual([
      'ann@adams.example.org',
      'bo@baker.example.org',
      'cy@clark.example.org',
    ]);
    await expectNoAxeViolations(staff, 'the Email page after sending', { exclude: ['iframe.fk-mail-html'] });

    // Adams answers from the link in its email.
    const adams = mailTo('ann@adams.example.org');
    expect(adams.headers.subject).toContain('Adams County DA');
    expect(adams.parts).toEqual(['text/plain', 'text/html']);
    expect(adams.html).toContain(`href="${linkIn(adams, 's')}"`);
    const respondent = await h.browser.newContext();
    const survey = await respondent.newPage();
    await survey.goto(linkIn(adams, 's'));
    await survey.getByRole('radio', { name: '1', exact: true }).locator('xpath=ancestor::label[1]').click();
    await survey.getByRole('button', { name: 'Next' }).click();
    await survey.getByRole('spinbutton', { name: 'How many attorneys work in your office?' }).fill('12');
    await survey.getByRole('radio', { name: '1', exact: true }).locator('xpath=ancestor::label[1]').click();
    await survey.getByRole('button', { name: 'Complete' }).click();
    await survey.getByRole('heading', { name: /your survey has been submitted/ }).waitFor({ timeout: 10_000 });
    await respondent.close();

    // Baker opts out from its email: the link shows one button, the press records the refusal.
    const baker = mailTo('bo@baker.example.org');
    expect(baker.headers['list-unsubscribe']).toBe(`<${linkIn(baker, 'u')}>`);
    const optOut = await (await h.browser.newContext()).newPage();
    await optOut.goto(linkIn(baker, 'u'));
    await optOut.getByRole('button', { name: 'Stop all email about this survey' }).click();
    await optOut.getByText('You will receive no more email about this survey').waitFor();
    await optOut.context().close();

    await staff.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Fieldings' }).click();
    await staff.getByRole('link', { name: 'Dashboard of wave1' }).click();
    await heading(staff, 'Dashboard of wave1').waitFor();
    const dispositions = staff.getByRole('table', { name: 'Cases by disposition and stratum' });
    const countOf = (code: string) =>
      dispositions.getByRole('row').filter({ hasText: code }).first().getByRole('cell').nth(2).textContent();
    await expect.poll(() => countOf('1.1')).toBe('1');
    expect(await countOf('2.11')).toBe('1');
    expect(await countOf('3.19')).toBe('1');
    expect(await staff.getByTestId('overall-rr1').textContent()).toMatch(/^33\.3\s?%$/);
    await expectNoAxeViolations(staff, 'the dashboard');
    await staff.context().close();
  });
});
