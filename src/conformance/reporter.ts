import type { Reporter, TestModule } from 'vitest/node';
import { SUITE_PREFIX } from './vitest.ts';

/**
 * A vitest reporter printing one line per connector checked by the kit's `describe…Conformance`
 * suites: `PASS source x (10 contracts, 0 skipped)` or `FAIL destination acme: idempotency: …`.
 * Add it in a vitest config: `reporters: [new ConformanceReporter()]`.
 */
export class ConformanceReporter implements Reporter {
  readonly #write: (line: string) => void;

  constructor(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {
    this.#write = write;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    for (const module of testModules) {
      for (const suite of module.children.allSuites()) {
        if (!suite.name.startsWith(SUITE_PREFIX)) continue;
        const connector = suite.name.slice(SUITE_PREFIX.length).trim();
        const tests = [...suite.children.allTests()];
        const failed = tests.filter((t) => t.result().state === 'failed');
        const skipped = tests.filter((t) => t.result().state === 'skipped').length;
        if (failed.length === 0 && tests.length > 0) {
          this.#write(`PASS ${connector} (${tests.length - skipped} contracts passed, ${skipped} skipped)`);
        } else {
          const reasons = failed.map((t) => t.result().errors?.[0]?.message ?? t.name);
          this.#write(`FAIL ${connector}: ${reasons.length > 0 ? reasons.join(' | ') : 'no contract ran'}`);
        }
      }
    }
  }
}
