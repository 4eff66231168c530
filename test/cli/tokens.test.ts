import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bareCode,
  CODE_SHAPE,
  createPilot,
  draft,
  LINK_SHAPE,
  PUBLIC_URL,
  tokenOfLink,
  workspace,
} from './workspace.js';

describe('fieldkit token revoke', () => {
  it('--link makes that link answer 404 at once, and leaves other links working', async () => {
    const ws = workspace();
    const [first, second] = await createPilot(ws, { offices: 2 });
    const api = ws.api();
    const before = await api.get(`/api/respond/${tokenOfLink(first?.link ?? '')}`);

    const result = await ws.run('token', 'revoke', '--link', first?.link ?? '');

    expect(before.status).toBe(200);
    expect(result).toEqual({ code: 0, out: 'Revoked 1 token(s). Their links and codes no longer work.', err: '' });
    const after = await api.get(`/api/respond/${tokenOfLink(first?.link ?? '')}`);
    expect(after.status).toBe(404);
    expect(after.body).toEqual({ error: expect.objectContaining({ code: 'link_not_valid' }) });
    const other = await api.get(`/api/respond/${tokenOfLink(second?.link ?? '')}`);
    expect(other.status).toBe(200);
  });

  it('--code revokes the token behind a printed access code, its link included', async () => {
    const ws = workspace();
    const [first] = await createPilot(ws, { offices: 1 });
    const api = ws.api();

    const result = await ws.run('token', 'revoke', '--code', first?.access_code.toLowerCase() ?? '');

    expect(result.code).toBe(0);
    const byCode = await api.post('/api/access-code').send({ code: first?.access_code });
    expect(byCode.status).toBe(404);
    expect(byCode.body.error.code).toBe('link_not_valid');
    const byLink = await api.get(`/api/respond/${tokenOfLink(first?.link ?? '')}`);
    expect(byLink.status).toBe(404);
  });

  it('--fielding --office --email revokes that contact’s link, whatever the case of the email', async () => {
    const ws = workspace();
    const [, second] = await createPilot(ws, { offices: 2 });
    const api = ws.api();

    const result = await ws.run(
      'token',
      'revoke',
      '--fielding',
      'pilot',
      '--office',
      'OFF-2',
      '--email',
      'Contact2@Office2.Example.org',
    );

    expect(result).toEqual({ code: 0, out: 'Revoked 1 token(s). Their links and codes no longer work.', err: '' });
    const after = await api.get(`/api/respond/${tokenOfLink(second?.link ?? '')}`);
    expect(after.status).toBe(404);
  });

  it('says so when the token was already revoked', async () => {
    const ws = workspace();
    const [first] = await createPilot(ws, { offices: 1 });
    await ws.run('token', 'revoke', '--link', first?.link ?? '');

    const again = await ws.run('token', 'revoke', '--link', first?.link ?? '');

    expect(again).toEqual({ code: 0, out: 'Nothing to revoke: the token was already revoked.', err: '' });
  });

  it.each([
    ['a link that was never issued', `${PUBLIC_URL}/s/${'A'.repeat(32)}`, 'No token matches that link or code.'],
    ['something that is no token at all', 'hello', 'That is neither a survey link nor an access code.'],
  ])('fails with exit code 1 for %s', async (_case, value, message) => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });

    const result = await ws.run('token', 'revoke', '--link', value);

    expect(result).toEqual({ code: 1, out: '', err: `fieldkit: ${message}` });
  });

  it('fails with exit code 1 for an office that is not in the fielding', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });

    const result = await ws.run('token', 'revoke', '--fielding', 'pilot', '--office', 'OFF-9', '--email', 'x@y.org');

    expect(result).toEqual({ code: 1, out: '', err: 'fieldkit: Office "OFF-9" is not in fielding "pilot".' });
  });

  it('names the missing options with exit code 2 when given neither a secret nor a contact', async () => {
    const ws = workspace();

    const result = await ws.run('token', 'revoke', '--fielding', 'pilot');

    expect(result).toEqual({ code: 2, out: '', err: 'fieldkit: Missing --office, --email.' });
  });
});

describe('fieldkit token reissue', () => {
  it('writes a new link that reaches the same response, while the old link stops working', async () => {
    const ws = workspace();
    const [old] = await createPilot(ws, { offices: 1 });
    const api = ws.api();
    const saved = await api.put(`/api/respond/${tokenOfLink(old?.link ?? '')}/draft`).send(draft);
    expect(saved.status).toBe(200);

    const result = await ws.run(
      'token',
      'reissue',
      '--fielding',
      'pilot',
      '--office',
      'OFF-1',
      '--email',
      'contact1@office1.example.org',
      '--links-out',
      'new.csv',
    );

    expect(result.code).toBe(0);
    expect(result.out).toContain(
      'Reissued the link for contact1@office1.example.org (OFF-1); the old one no longer works.',
    );
    const [fresh, ...others] = ws.readLinks('new.csv');
    expect(others).toEqual([]);
    expect(fresh?.link).toMatch(LINK_SHAPE);
    expect(fresh?.access_code).toMatch(CODE_SHAPE);
    expect(fresh?.link).not.toBe(old?.link);
    expect(statSync(ws.file('new.csv')).mode & 0o777).toBe(0o600);

    const oldLink = await api.get(`/api/respond/${tokenOfLink(old?.link ?? '')}`);
    expect(oldLink.status).toBe(404);
    const oldCode = await api.post('/api/access-code').send({ code: old?.access_code });
    expect(oldCode.status).toBe(404);
    const newLink = await api.get(`/api/respond/${tokenOfLink(fresh?.link ?? '')}`);
    expect(newLink.status).toBe(200);
    expect(newLink.body).toMatchObject({ status: 'open', answers: draft.answers, page: 1, revision: 1 });
    const newCode = await api.post('/api/access-code').send({ code: fresh?.access_code });
    expect(newCode.status).toBe(200);
    expect(newCode.body).toEqual({ credential: bareCode(fresh?.access_code ?? '') });
    expect(ws.counts()).toMatchObject({ cases: 1, tokens: 2, responses: 1 });
  });

  it('refuses to overwrite an existing links file and keeps the old link working', async () => {
    const ws = workspace();
    const [old] = await createPilot(ws, { offices: 1 });
    writeFileSync(ws.file('new.csv'), 'keep me\n');

    const result = await ws.run(
      'token',
      'reissue',
      '--fielding',
      'pilot',
      '--office',
      'OFF-1',
      '--email',
      'contact1@office1.example.org',
      '--links-out',
      'new.csv',
    );

    expect(result).toEqual({
      code: 2,
      out: '',
      err: 'fieldkit: new.csv already exists. Links are written once; choose a new file name.',
    });
    expect(readFileSync(ws.file('new.csv'), 'utf8')).toBe('keep me\n');
    const oldLink = await ws.api().get(`/api/respond/${tokenOfLink(old?.link ?? '')}`);
    expect(oldLink.status).toBe(200);
    expect(ws.counts()).toMatchObject({ tokens: 1 });
  });

  it('fails with exit code 1 for a contact the office does not have, writing no file', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });

    const result = await ws.run(
      'token',
      'reissue',
      '--fielding',
      'pilot',
      '--office',
      'OFF-1',
      '--email',
      'someone.else@office1.example.org',
      '--links-out',
      'new.csv',
    );

    expect(result).toEqual({
      code: 1,
      out: '',
      err: 'fieldkit: Office "OFF-1" has no contact someone.else@office1.example.org.',
    });
    expect(existsSync(ws.file('new.csv'))).toBe(false);
    expect(ws.counts()).toMatchObject({ tokens: 1 });
  });
});
