import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { PROGRESS_LOG_EVERY_MS, progressBar, progressLine, progressLog } from '../../server/cli/progress.js';
import { fieldedPilot } from '../exports/pilot.js';

describe('the CLI progress bar', () => {
  it('draws the share done as a bar, a percentage and the count', () => {
    expect(progressLine({ done: 0, total: 8, label: 'cases' })).toBe(`[${'-'.repeat(24)}]   0% cases 0/8`);
    expect(progressLine({ done: 3, total: 8, label: 'cases' })).toBe(`[#########${'-'.repeat(15)}]  37% cases 3/8`);
    expect(progressLine({ done: 8, total: 8, label: 'files' })).toBe(`[${'#'.repeat(24)}] 100% files 8/8`);
    expect(progressLine({ done: 0, total: 0, label: 'cases' })).toContain('100% cases 0/0');
  });

  it('redraws at most every 100 ms, always draws the last step, and clears its line at the end', () => {
    let now = 0;
    const frames: string[] = [];
    const bar = progressBar(
      (t) => frames.push(t),
      () => now,
    );
    bar.update({ done: 1, total: 4, label: 'cases' });
    now = 50;
    bar.update({ done: 2, total: 4, label: 'cases' });
    now = 150;
    bar.update({ done: 3, total: 4, label: 'cases' });
    now = 160;
    bar.update({ done: 4, total: 4, label: 'cases' });
    bar.end();
    bar.end();
    const CLEAR = '\u001b[K';
    expect(frames.map((f) => f.replace(/^\r/, '').replace(CLEAR, ''))).toEqual([
      progressLine({ done: 1, total: 4, label: 'cases' }),
      progressLine({ done: 3, total: 4, label: 'cases' }),
      progressLine({ done: 4, total: 4, label: 'cases' }),
      '',
    ]);
  });

  it('fieldkit export reports the cases read and every file written, ending at 100% of each', async () => {
    const ws = await fieldedPilot();

    const result = await ws.runOnTerminal('export', '--fielding', 'pilot', '--out', 'export');

    expect(result.code).toBe(0);
    const frames = result.progress.join('').split('\r').filter(Boolean);
    expect(frames).toContain(`${progressLine({ done: 4, total: 4, label: 'cases' })}\u001b[K`);
    const files = frames.filter((f) => f.includes('% files'));
    const manifestFiles = result.out.match(/: ([^:]+), manifest\.json\.$/)?.[1]?.split(', ') ?? [];
    expect(manifestFiles.length).toBeGreaterThan(5);
    expect(files.length).toBeGreaterThan(0);
    expect(files.at(-1)).toContain(
      `100% files (${manifestFiles.at(-1)}) ${manifestFiles.length}/${manifestFiles.length}`,
    );
    expect(frames.at(-1)).toBe('\u001b[K');
    // Nothing of the bar reaches stdout or the stderr lines a log would keep.
    expect(`${result.out}${result.err}`).not.toContain('[#');
  });
});

describe('the CLI progress log (stderr not a terminal)', () => {
  it('writes a whole line at the start, at least every minute even when nothing moved, and at the end', () => {
    vi.useFakeTimers({ now: new Date('2027-02-01T09:00:00Z') });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    const lines: string[] = [];
    const log = progressLog((l) => lines.push(l));

    log.update({ done: 0, total: 600, label: 'invitations' });
    log.update({ done: 35, total: 600, label: 'invitations' });
    vi.advanceTimersByTime(PROGRESS_LOG_EVERY_MS);
    // A stalled minute: the same count again, so the log shows the command is alive but stuck.
    vi.advanceTimersByTime(PROGRESS_LOG_EVERY_MS);
    log.update({ done: 600, total: 600, label: 'invitations' });
    log.end();
    vi.advanceTimersByTime(3 * PROGRESS_LOG_EVERY_MS);

    expect(lines).toEqual([
      '2027-02-01T09:00:00.000Z invitations 0/600 (0%)',
      '2027-02-01T09:01:00.000Z invitations 35/600 (5%)',
      '2027-02-01T09:02:00.000Z invitations 35/600 (5%)',
      '2027-02-01T09:02:00.000Z invitations 600/600 (100%)',
    ]);
  });
});
