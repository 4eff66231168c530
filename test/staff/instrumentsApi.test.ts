import { describe, expect, it } from 'vitest';
import { buildCodebook } from '../../server/codebook/build.js';
import { addMember, signIn, staffEnv } from './setup.js';

async function analystSession() {
  const env = staffEnv();
  const { email } = await addMember(env, 'analyst@study.example.org', 'analyst');
  return { env, staff: await signIn(env, email) };
}

describe('GET /api/staff/instruments', () => {
  it('lists every loaded instrument with its versions and content hashes', async () => {
    const { env, staff } = await analystSession();
    const res = await staff.get('/api/staff/instruments');
    expect(res.status).toBe(200);
    const ids = env.instruments.all().map((i) => i.meta.id);
    expect(res.body.instruments.map((i: { id: string }) => i.id)).toEqual([...new Set(ids)].sort());
    const tip = res.body.instruments.find((i: { id: string }) => i.id === 'tip-prosecutor-survey');
    const loaded = env.instruments.resolve('tip-prosecutor-survey');
    expect(tip).toEqual({
      id: 'tip-prosecutor-survey',
      title: loaded?.meta.title,
      versions: [
        {
          version: loaded?.meta.version,
          key: loaded?.key,
          title: loaded?.meta.title,
          mode: 'self',
          contentHash: loaded?.contentHash,
        },
      ],
    });
    expect(tip.versions[0].contentHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('GET /api/staff/instruments/:id/:version/codebook', () => {
  it('answers the codebook as JSON by default and as the HTML page with ?format=html', async () => {
    const { env, staff } = await analystSession();
    const instrument = env.instruments.resolve('tip-prosecutor-survey');
    if (!instrument) throw new Error('the shipped instrument is missing');
    const json = await staff.get(`/api/staff/instruments/tip-prosecutor-survey/${instrument.meta.version}/codebook`);
    expect(json.status).toBe(200);
    expect(json.body.codebook).toEqual(JSON.parse(JSON.stringify(buildCodebook(instrument))));
    const html = await staff.get(
      `/api/staff/instruments/tip-prosecutor-survey/${instrument.meta.version}/codebook?format=html`,
    );
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toMatch(/^<!doctype html>/);
    expect(html.text).toContain('<h1>Codebook: National survey of local prosecutors&#39; offices');
    expect(html.text).toContain('<code>a1_role</code>');
  });

  it('answers 404 for an instrument or version not loaded and 400 for an unknown format', async () => {
    const { staff } = await analystSession();
    const version = await staff.get('/api/staff/instruments/tip-prosecutor-survey/9.9.9/codebook');
    expect([version.status, version.body.error.code]).toEqual([404, 'not_found']);
    expect((await staff.get('/api/staff/instruments/nope/1/codebook')).status).toBe(404);
    expect((await staff.get('/api/staff/instruments/tip-prosecutor-survey/1.0.0/codebook?format=pdf')).status).toBe(
      400,
    );
  });
});
