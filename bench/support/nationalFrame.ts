import { parseFrame } from '../../server/offices/frame.js';
import { chargedOfficeAnswers } from '../../test/factories/answers.js';
import { generateFrame } from '../../test/factories/frame.js';
import type { TestEnv } from '../../test/support/app.js';

/**
 * The synthetic national frame (~2,300 offices, seed 7) as parsed offices and as the frame rows
 * `seedFielding` takes, for benchmarks that need a fielding of the study's size.
 */
export function nationalFrame() {
  const frame = parseFrame(Buffer.from(generateFrame({ seed: 7 })));
  if (!frame.ok) throw new Error('the synthetic frame has problems');
  const rows = frame.offices.map((o) => ({
    ...Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v === 'string')),
    population: String(o.population),
    contact_name: o.contact_name,
    contact_email: o.contact_email,
  })) as Record<string, string>[];
  return { offices: frame.offices, rows };
}

/**
 * Seeds the fielding's cases as the benches need them: every case whose id `submitted` picks gets a
 * completed Phase I response (a charged office's answers) and its `completed` event; `otherEvent`
 * may give each other case one more event (a refusal, a link opened ...).
 */
export function seedOutcomes(
  env: TestEnv,
  submitted: (caseId: number) => boolean,
  otherEvent: (caseId: number) => { type: string; detail?: string } | undefined = () => undefined,
) {
  const at = env.clock().toISOString();
  env.db.transaction(() => {
    const ids = env.db.prepare('SELECT id FROM cases ORDER BY id').pluck().all() as number[];
    const insert = env.db.prepare(
      `INSERT INTO responses (case_id, instrument_id, instrument_version, status, answers, started_at, updated_at, submitted_at)
       VALUES (?, 'tip-prosecutor-survey', '1.0.0', 'completed', ?, ?, ?, ?)`,
    );
    const event = env.db.prepare('INSERT INTO case_events (case_id, type, at, detail) VALUES (?, ?, ?, ?)');
    for (const id of ids) {
      if (submitted(id)) {
        insert.run(id, JSON.stringify(chargedOfficeAnswers({ a2_years: id % 40 })), at, at, at);
        event.run(id, 'completed', at, '{}');
        continue;
      }
      const other = otherEvent(id);
      if (other) event.run(id, other.type, at, other.detail ?? '{}');
    }
  })();
}
