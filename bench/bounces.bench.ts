import request from 'supertest';
import { afterAll, bench, describe } from 'vitest';
import { readBounceFile } from '../server/bounces/dsn.js';
import { dsn, foldedHeaderDsn, paddedDsn } from '../test/factories/bounces.js';
import { createTestEnv } from '../test/support/app.js';
import { type Probe, probeHealthWhile } from '../test/support/probe.js';
import { benchApiToken } from './support/staffToken.js';

/**
 * Reading bounces (POST /api/staff/bounces, issue 18 point 5): a DSN whose returned header is
 * folded over 60,000 lines (235 KB) and one folded over 2,400,000 lines (9 MB), each next to an
 * ordinary DSN of the same size in the same run, and an mbox of many ordinary bounces (24 MB). For
 * each: the answer's time, the slowest /api/health answer and the longest stretch without one
 * while it ran (the file is read in a worker thread), and readBounceFile alone on this thread (no
 * thread start, no database). The folded ones are refused at the header cap (422).
 */
const env = createTestEnv();
const auth = { Authorization: `Bearer ${benchApiToken(env)}` };

const MB = 1024 * 1024;
const folded235 = foldedHeaderDsn(60_000);
const ordinary235 = paddedDsn(folded235.length);
const folded9 = foldedHeaderDsn(2_400_000);
const ordinary9 = paddedDsn(folded9.length);
const mbox = (() => {
  const one = (i: number) =>
    `From MAILER-DAEMON  Thu May  6 10:00:00 2027\n${dsn({ email: `c${i}@office${i}.example.org`, messageId: `<invite-${i}@survey.example.org>` })}`;
  const messages: string[] = [];
  for (let size = 0, i = 1; size < 24 * MB; i++) {
    messages.push(one(i));
    size += messages.at(-1)?.length ?? 0;
  }
  return { text: messages.join(''), count: messages.length };
})();

const post = (name: string, text: string) =>
  request(env.app)
    .post(`/api/staff/bounces?file=${name}`)
    .set(auth)
    .set('Content-Type', 'application/mbox')
    .send(Buffer.from(text));

type Figure = { name: string; bytes: number; status: number; ms: number; probe: Probe; readMs: number };

async function measure(name: string, text: string): Promise<Figure> {
  const started = performance.now();
  const { result, probe } = await probeHealthWhile(
    env,
    post(name, text).then((r) => r),
  );
  const ms = performance.now() - started;
  const read = performance.now();
  readBounceFile(text);
  return { name, bytes: text.length, status: result.status, ms, probe, readMs: performance.now() - read };
}

// Ordinary first: the first upload of a process also pays for loading the thread's modules.
await measure('warm-up.eml', dsn());
const figures = [
  await measure('ordinary-235k.eml', ordinary235),
  await measure('folded-235k.eml', folded235),
  await measure('ordinary-9m.eml', ordinary9),
  await measure('folded-9m.eml', folded9),
  await measure(`mbox of ${mbox.count} bounces`, mbox.text),
];

const size = (bytes: number) => (bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : `${(bytes / 1024).toFixed(0)} KB`);
const line = (f: Figure, base?: Figure) =>
  `  ${f.name} (${size(f.bytes)}): ${f.status} in ${f.ms.toFixed(0)} ms` +
  (base ? ` = ${(f.ms / base.ms).toFixed(2)} × baseline` : ' (baseline)') +
  `; health: ${f.probe.checks} answers, slowest ${f.probe.slowestMs.toFixed(0)} ms, longest gap ${f.probe.longestGapMs.toFixed(0)} ms` +
  `; readBounceFile alone ${f.readMs.toFixed(0)} ms`;
const [o235, f235, o9, f9, box] = figures as [Figure, Figure, Figure, Figure, Figure];
process.stdout.write(
  ['POST /api/staff/bounces:', line(o235), line(f235, o235), line(o9), line(f9, o9), line(box), ''].join('\n'),
);

afterAll(() => env.close());

describe('POST /api/staff/bounces, 235 KB (figures for 9 MB and the mbox printed above)', () => {
  const options = { iterations: 3, time: 0, warmupIterations: 0, warmupTime: 0 };
  bench('baseline: an ordinary DSN', async () => void (await post('ordinary.eml', ordinary235)), options);
  bench('a header folded over 60,000 lines', async () => void (await post('folded.eml', folded235)), options);
});
