import { describe, expect, it } from 'vitest';
import { dispatchQueued } from '../../server/mailings/dispatch.js';
import { planInvitations } from '../../server/mailings/service.js';
import { previewTemplate } from '../../server/templates/service.js';
import { frameRow } from '../factories/frame.js';
import { parseMail } from '../support/smtp.js';
import { mailEnv } from './setup.js';

const DANA = { contact_name: 'Dana Reyes, Esq.', contact_email: 'dana@adams.example.org' };

async function sentInvitation() {
  const m = await mailEnv({ rows: [frameRow(1, DANA)] });
  planInvitations(m.repos, m.fieldingId, m.env.clock().toISOString());
  await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: ['invitation'] });
  const [received] = m.smtp.received;
  if (!received) throw new Error('no mail was sent');
  const preview = previewTemplate(
    { repos: m.repos, clock: m.env.clock, publicUrl: m.env.config.publicUrl, instruments: m.env.instruments },
    { fielding: 'pilot', kind: 'invitation', template: m.repos.templates.templateOf(m.fieldingId, 'invitation') },
  );
  return { m, mail: parseMail(received.raw), preview };
}

describe('the message an invitation sends', () => {
  it('is addressed with the contact’s name, as the preview shows it', async () => {
    const { mail, preview } = await sentInvitation();
    expect(preview.to).toBe('Dana Reyes, Esq. <dana@adams.example.org>');
    // The comma would split the address list unless the name is quoted.
    expect(mail.headers.to).toBe('"Dana Reyes, Esq." <dana@adams.example.org>');
  });

  it('says in the default invitation the minutes the instrument gives, as the respondent app does', async () => {
    const { m, mail, preview } = await sentInvitation();
    const instrument = m.env.instruments.get('tip-prosecutor-survey', '1.0.0');
    const minutes = instrument?.meta.estimatedMinutes;
    expect(minutes).toBeGreaterThan(0);
    const said = (text: string | undefined) => /takes about (\d+) minutes/.exec(text ?? '')?.[1];
    expect(said(mail.text)).toBe(String(minutes));
    expect(said(preview.text)).toBe(String(minutes));
  });
});
