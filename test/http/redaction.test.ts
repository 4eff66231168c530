import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { redactPath } from '../../server/http/logging.js';
import { openEnv } from '../responses/setup.js';
import { seedFielding, type TestEnv, tokenOf } from '../support/app.js';

/** Every character as %XX, upper and lower hex: how a client may spell any secret in a URL. */
const percentEncoded = (s: string) => [...s].map((ch) => `%${ch.charCodeAt(0).toString(16).padStart(2, '0')}`).join('');

/** Every spelling of the secrets that must never appear in a log line, compared case-insensitively. */
function forbiddenForms(token: string, code: string): string[] {
  const bare = code.replaceAll('-', '');
  return [token, code, bare, percentEncoded(token), percentEncoded(code), percentEncoded(bare)].map((s) =>
    s.toLowerCase(),
  );
}

/**
 * The app behind a plain HTTP server that records each request line as it arrived, so the test
 * can prove the odd spelling reached the app unchanged (and was not tidied by the HTTP client).
 */
function recordingServer(env: TestEnv) {
  const arrived: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    arrived.push(req.url ?? '');
    env.app(req, res);
  });
  return { server, arrived };
}

function setup() {
  const env = openEnv();
  const [link] = seedFielding(env, { offices: 1 });
  if (!link) throw new Error('no link seeded');
  return { env, token: tokenOf(link), code: link.access_code };
}

describe('request log redaction', () => {
  it('never logs a link token or access code, however the respondent URL is spelled', async () => {
    const { env, token, code } = setup();
    const bare = code.replaceAll('-', '');
    const encodedS = '%73';
    const gets = [
      `/s/${token}`,
      `/S/${token}`,
      `/s/${token}/`,
      `/s//${token}`,
      `//s/${token}`,
      `/./s/${token}`,
      `/${encodedS}/${token}`,
      `/s/${percentEncoded(token)}`,
      `/s%2F${token}`,
      `/s/${token}?x=${token}`,
      `/code?code=${code}`,
      `/api/respond/${token}`,
      `/API/respond/${token}`,
      `/Api/Respond/${token}`,
      `/api//respond/${token}`,
      `/api/./respond/${token}`,
      `/api/respond/${percentEncoded(token)}`,
      `/api/respond%2F${token}`,
      `/api/%72espond/${token}`,
      `/api/respond/${token.toUpperCase()}`,
      `/api/respond/${token}/`,
      `/api/respond/${token}?x=${token}`,
      `/api/respond/${code}`,
      `/api/respond/${bare}`,
      `/api/respond/${bare.toLowerCase()}`,
      `/api/respond/${code.toLowerCase()}`,
      `/api/respond/${percentEncoded(bare)}`,
      `/api/nothing/${token}`,
      `/assets/${token}.js`,
      `/${token}`,
      `/api/respond/x;${token}`,
    ];
    const { server, arrived } = recordingServer(env);
    const statuses: number[] = [];
    for (const path of gets) statuses.push((await request(server).get(path)).status);
    const draft = { answers: { consent: 1 }, page: 1, revision: 0 };
    for (const path of [`/api/respond/${token}/draft`, `/API/RESPOND/${token}/DRAFT`, `/api//respond/${code}/draft`]) {
      statuses.push((await request(server).put(path).send(draft)).status);
    }
    await request(server).post(`/API/respond/${token}/decline`).send({});

    // The spellings reached the app as written, and some of them really opened the survey.
    expect(arrived.slice(0, gets.length)).toEqual(gets);
    expect(statuses).toContain(200);
    expect(env.logger.lines.length).toBe(gets.length + 4);
    const log = env.logger.lines.join('\n').toLowerCase();
    for (const secret of forbiddenForms(token, code)) expect(log).not.toContain(secret);
  });

  it('keeps method, path shape, status and time in each line', async () => {
    const { env, token } = setup();
    await request(env.app).get(`/S/${token}`);
    await request(env.app).get(`/API/respond/${token}`);
    await request(env.app).get(`/api/respond/${'Z'.repeat(32)}?q=1`);
    await request(env.app).get('/api/health');
    expect(env.logger.lines).toEqual([
      expect.stringMatching(/^GET \/s\/:token 200 \d+\.\dms$/),
      expect.stringMatching(/^GET \/api\/respond\/:credential 200 \d+\.\dms$/),
      expect.stringMatching(/^GET \/api\/respond\/:credential 404 \d+\.\dms$/),
      expect.stringMatching(/^GET \/api\/health 200 \d+\.\dms$/),
    ]);
  });

  it('prints only route words and placeholders for odd spellings', () => {
    expect(redactPath('/%73/abc')).toBe('/s/:token');
    expect(redactPath('/api//respond/./KQ7M-4T9X-WP2H/draft?x=1')).toBe('/api//respond/./:redacted/draft');
    expect(redactPath('/api/respond%2FKQ7M4T9XWP2H')).toBe('/api/:redacted');
    expect(redactPath('/assets/index-Ab12Cd34.js')).toBe('/assets/:redacted.js');
    expect(redactPath('/api/respond/%E0%A4%A')).toBe('/api/respond/:credential');
    expect(redactPath('http://host/s/abc')).toBe(':redacted//:redacted/s/:token');
    expect(redactPath(`/u/${'x'.repeat(32)}`)).toBe('/u/:token');
  });
});
