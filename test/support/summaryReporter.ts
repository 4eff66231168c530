import type { Reporter, TestCase, TestModule } from 'vitest/node';

/** A test that used more than this share of its timeout is one busy CI run away from failing. */
const NEAR_TIMEOUT = 0.5;
const DEFAULT_TIMEOUT_MS = 20_000;

/**
 * Ends the run with one plain line, `tests: N passed, N failed`, that CI tooling can read, preceded
 * by the tests that came near their timeout: CI keeps only the end of the output, and a flaky
 * timeout is easier to prevent from a list of candidates than to explain after it struck.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const near: string[] = [];
    for (const module of testModules) {
      let failedHere = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failedHere++;
        else skipped++;
        const warning = nearTimeout(test, module.moduleId);
        if (warning) near.push(warning);
      }
      // A file that fails outside any test (an import or a beforeAll) still counts as a failure.
      failed += module.state() === 'failed' && failedHere === 0 ? 1 : failedHere;
    }
    if (near.length > 0) {
      process.stdout.write(`\nnear their timeout (over ${NEAR_TIMEOUT * 100}%):\n${near.join('\n')}\n`);
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
  }
}

function nearTimeout(test: TestCase, moduleId: string): string | undefined {
  const duration = test.diagnostic()?.duration;
  const timeout = test.options.timeout ?? DEFAULT_TIMEOUT_MS;
  if (duration === undefined || duration <= timeout * NEAR_TIMEOUT) return undefined;
  const file = moduleId.slice(moduleId.indexOf('/test/') + 1);
  return `  ${Math.round(duration)} of ${timeout} ms  ${file} > ${test.name}`;
}
