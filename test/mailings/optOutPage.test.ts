import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { dispatchQueued } from '../../server/mailings/dispatch.js';
import { planInvitations } from '../../server/mailings/service.js';
import { escapeHtml } from '../../server/platform/html.js';
import { studyInfo } from '../../server/responses/study.js';
import { frameRow } from '../factories/frame.js';
import { parseMail } from '../support/smtp.js';
import { mailEnv } from './setup.js';

/** A client build as Vite writes it: the respondent page names its hashed stylesheet. */
function builtClient(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'fieldkit-client-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const entry of ['respond', 'console']) mkdirSync(path.join(dir, entry), { recursive: true });
  writeFileSync(
    path.join(dir, 'respond', 'index.html'),
    `<!doctype html><html><head><script type="module" crossorigin src="/assets/respond-Bx1.js"></script>
<link rel="modulepreload" crossorigin href="/assets/react-C2.js">
<link rel="stylesheet" crossorigin href="/assets/respond-D3.css"></head><body><div id="root"></div></body></html>`,
  );
  writeFileSync(path.join(dir, 'console', 'index.html'), '<!doctype html><div id="root"></div>');
  return dir;
}

async function optOutPath() {
  const m = await mailEnv({
    rows: [frameRow(1, { office_name: 'Doña Ana County District Attorney' })],
    clientDir: builtClient(),
  });
  planInvitations(m.repos, m.fieldingId, m.env.clock().toISOString());
  await dispatchQueued(m.ctx, { fieldingId: m.fieldingId, kinds: ['invitation'] });
  const raw = m.smtp.received[0]?.raw ?? '';
  const url = /^<([^>]+)>$/.exec(parseMail(raw).headers['list-unsubscribe'] ?? '')?.[1] as string;
  const instrument = m.env.instruments.get('tip-prosecutor-survey', '1.0.0');
  if (!instrument) throw new Error('no shipped instrument');
  const info = studyInfo(instrument, '');
  // The page escapes what it shows, as every page must.
  const study = { ...info, name: escapeHtml(info.name), header: escapeHtml(info.header) };
  return { m, path: new URL(url).pathname, study };
}

describe('the opt-out page (/u/:token)', () => {
  it('names the study and the office, and wears the respondent app’s stylesheet, not inline styles', async () => {
    const { m, path: page, study } = await optOutPath();

    const res = await request(m.env.app).get(page);

    expect(res.status).toBe(200);
    expect(res.text).toContain(`<title>Stop email about this survey – ${study.name}</title>`);
    expect(res.text).toContain(`<p class="fk-banner__study">${study.header || study.name}</p>`);
    expect(res.text).toContain('Doña Ana County District Attorney');
    expect(res.text).toContain(`to Doña Ana County District Attorney about “${study.name}”`);
    expect(res.text).toContain('<link rel="stylesheet" href="/assets/respond-D3.css">');
    expect(res.text).not.toMatch(/<style|style="/);
    expect(res.text).toContain('class="fk-button"');
    if (study.contactEmail) expect(res.text).toContain(`mailto:${study.contactEmail}`);

    const done = await request(m.env.app).post(page).type('form').send('List-Unsubscribe=One-Click');
    expect(done.status).toBe(200);
    expect(done.text).toContain(
      `You will receive no more email about this survey, “${study.name}”, for Doña Ana County District Attorney.`,
    );
    expect(done.text).toContain('<link rel="stylesheet" href="/assets/respond-D3.css">');
  });

  it('shows an unknown link in the same style, naming no study or office', async () => {
    const { m } = await optOutPath();
    const res = await request(m.env.app).get(`/u/${'A'.repeat(32)}`);
    expect(res.status).toBe(404);
    expect(res.text).toContain('<link rel="stylesheet" href="/assets/respond-D3.css">');
    expect(res.text).not.toContain('Doña Ana');
  });
});
