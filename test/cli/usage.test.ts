import { describe, expect, it } from 'vitest';
import { USAGE } from '../../server/cli.js';
import { workspace } from './workspace.js';

describe('fieldkit (usage and configuration)', () => {
  it.each([
    [['frobnicate'], 'frobnicate'],
    [['fielding', 'destroy'], 'fielding destroy'],
  ])('answers the unknown command %j with exit code 2 and the usage', async (argv, shown) => {
    const ws = workspace();

    const result = await ws.run(...argv);

    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toBe(`fieldkit: unknown command "${shown}".\n\n${USAGE}`);
  });

  it.each([['help'], ['--help'], ['-h']])('prints the usage for %s with exit code 0', async (flag) => {
    const ws = workspace();

    expect(await ws.run(flag)).toEqual({ code: 0, out: USAGE, err: '' });
  });

  it('prints the usage with exit code 2 when run without a command', async () => {
    const ws = workspace();

    expect(await ws.run()).toEqual({ code: 2, out: USAGE, err: '' });
  });

  it('reports a bad environment variable by name with exit code 1', async () => {
    const ws = workspace({ PUBLIC_URL: 'ftp://survey.example.org' });

    const result = await ws.run('fielding', 'list');

    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^fieldkit: Invalid configuration in the environment:\n\s+PUBLIC_URL: /);
  });
});
