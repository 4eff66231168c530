import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { chargedOfficeAnswers } from '../test/factories/answers.js';

/**
 * `GET /api/health` of a server in its own process, idle (the baseline) and while four completions
 * that need the SurveyJS model, one 30,000-key draft save (~380 KB, refused before parsing) and one
 * 10,000-key save (the most keys that are parsed and checked) are kept in flight without pause. Completions are validated in worker threads and draft checks are linear and capped, so the
 * loaded latency stays within a small multiple of the idle one: `vitest bench` prints the ratio and
 * the max/p99 columns; the server's own event-loop delay under load is printed at the end.
 */
let child: ChildProcessByStdio<Writable, Readable, null>;
let lines: Interface;
let base = '';
let tokens: string[] = [];
let loading = false;
let loadRequests = 0;
const inFlight: Promise<void>[] = [];

/** The server's next stdout line, as JSON. */
const nextLine = () =>
  new Promise<Record<string, unknown>>((resolve) => lines.once('line', (l) => resolve(JSON.parse(l))));

// Valid in shape, so the instrument's own validation must run; one required "Other" text is missing: 422.
const completionBody = JSON.stringify({ answers: chargedOfficeAnswers({ b6_altchg_oth: undefined }), revision: 0 });
const saveOf = (keys: number) =>
  JSON.stringify({
    answers: Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, 1])),
    page: 0,
    revision: 0,
  });
// Refused from the raw bytes (too many keys), and the largest save that is parsed and checked.
const bigSaveBody = saveOf(30_000);
const largestCheckedSaveBody = saveOf(10_000);

/** Sends the request again as soon as it answers, until the loaded benchmark ends. */
function keepInFlight(path: string, method: string, body: string, expected: number) {
  inFlight.push(
    (async () => {
      while (loading) {
        const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, body });
        await res.arrayBuffer();
        if (res.status !== expected) throw new Error(`${method} ${path} answered ${res.status}, not ${expected}`);
        loadRequests += 1;
      }
    })(),
  );
}

async function startLoad() {
  if (loading) return;
  loading = true;
  child.stdin.write('start\n');
  await nextLine();
  for (const token of tokens.slice(0, 4)) keepInFlight(`/api/respond/${token}/complete`, 'POST', completionBody, 422);
  keepInFlight(`/api/respond/${tokens[4]}/draft`, 'PUT', bigSaveBody, 400);
  keepInFlight(`/api/respond/${tokens[4]}/draft`, 'PUT', largestCheckedSaveBody, 400);
}

async function health() {
  const res = await fetch(`${base}/api/health`);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`/api/health answered ${res.status}`);
}

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', 'bench/support/respondentServer.ts', '5'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  lines = createInterface({ input: child.stdout });
  const ready = await nextLine();
  base = ready.base as string;
  tokens = ready.tokens as string[];
});

afterAll(async () => {
  loading = false;
  await Promise.all(inFlight);
  child.stdin.write('stop\n');
  const { loopDelayMs } = await nextLine();
  process.stdout.write(
    `health under load: ${loadRequests} loading requests answered; server event-loop delay under load (ms): ${JSON.stringify(loopDelayMs)}\n`,
  );
});

describe('GET /api/health latency', () => {
  bench('idle (baseline)', health, { time: 2000 });

  bench(
    'while 4 completions, a 30,000-key and a 10,000-key save are in flight',
    async () => {
      await startLoad();
      await health();
    },
    { time: 4000 },
  );
});
