import { describe, expect, it } from 'vitest';
import { createPilot, workspace } from './workspace.js';

const eventsOf = (ws: ReturnType<typeof workspace>) =>
  ws.database().prepare("SELECT type, detail FROM case_events WHERE type LIKE 'marked_%' ORDER BY id").all() as {
    type: string;
    detail: string;
  }[];

describe('fieldkit case mark', () => {
  it('records an ineligible office with its reason and who recorded it, and prints the disposition', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 2 });

    const result = await ws.run(
      'case',
      'mark',
      '--fielding',
      'pilot',
      '--office',
      'OFF-1',
      '--ineligible',
      '--reason',
      'merged into OFF-2',
    );

    expect(result.code).toBe(0);
    expect(result.out).toMatch(/\(OFF-1\) in pilot: recorded as not eligible\. Disposition now 4\.10 Not eligible\.$/);
    const [event] = eventsOf(ws);
    expect(event?.type).toBe('marked_ineligible');
    expect(JSON.parse(event?.detail ?? '{}')).toMatchObject({ reason: 'merged into OFF-2', by: expect.any(String) });
  });

  it('records a refusal received by phone as 2.11', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });

    const result = await ws.run(
      'case',
      'mark',
      '--fielding',
      'pilot',
      '--office',
      'OFF-1',
      '--refused',
      '--reason',
      'called: no time',
    );

    expect(result.out).toMatch(/recorded as a refusal\. Disposition now 2\.11 Refusal\.$/);
  });

  it('refuses a refusal for an office that submitted, changing nothing', async () => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });
    // The case log as a submission leaves it (the respondent path is tested on its own).
    ws.database()
      .prepare("INSERT INTO case_events (case_id, type, at) SELECT id, 'completed', '2027-01-01T00:00:00Z' FROM cases")
      .run();

    const result = await ws.run(
      'case',
      'mark',
      '--fielding',
      'pilot',
      '--office',
      'OFF-1',
      '--refused',
      '--reason',
      'x',
    );

    expect(result.code).toBe(2);
    expect(result.err).toMatch(/has submitted the survey; a refusal cannot be recorded\. Nothing changed\./);
    expect(eventsOf(ws)).toEqual([]);
  });

  it.each([
    [['--fielding', 'pilot', '--office', 'OFF-1', '--reason', 'x'], 'Give exactly one of --ineligible or --refused.'],
    [
      ['--fielding', 'pilot', '--office', 'OFF-9', '--refused', '--reason', 'x'],
      'No case for office "OFF-9" in fielding "pilot".',
    ],
    [['--fielding', 'pilot', '--office', 'OFF-1', '--refused'], 'Missing --reason.'],
  ])('explains a wrong call %j', async (args, message) => {
    const ws = workspace();
    await createPilot(ws, { offices: 1 });

    const result = await ws.run('case', 'mark', ...args);

    expect(result).toMatchObject({ code: 2, err: `fieldkit: ${message}` });
  });
});
