/**
 * The respondent app on a loopback port in a process of its own, for benchmarks that load it from
 * outside (so the load generator's own work is not counted against the server's event loop).
 * Prints one JSON line `{base, tokens}` when listening; then, on stdin, `start` begins measuring
 * the event-loop delay and `stop` prints `{loopDelayMs: {p50, p99, max}}` and exits.
 */
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { createTestEnv, seedFielding, tokenOf } from '../../test/support/app.js';

const offices = Number(process.argv[2] ?? '5');
const env = createTestEnv();
const links = seedFielding(env, { offices });
const server = env.app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ base: `http://127.0.0.1:${port}`, tokens: links.map(tokenOf) })}\n`);
});

const loopDelay = monitorEventLoopDelay({ resolution: 5 });
const ms = (ns: number) => Math.round(ns / 1e5) / 10;
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'start') {
    loopDelay.reset();
    loopDelay.enable();
    process.stdout.write('{"started":true}\n');
  } else if (line === 'stop') {
    loopDelay.disable();
    const loopDelayMs = {
      p50: ms(loopDelay.percentile(50)),
      p99: ms(loopDelay.percentile(99)),
      max: ms(loopDelay.max),
    };
    process.stdout.write(`${JSON.stringify({ loopDelayMs })}\n`);
    server.close(() => {
      env.close();
      process.exit(0);
    });
  }
});
