/**
 * What the conformance kit answers: one verdict per contract, so a failure names the contract a
 * connector breaks (`signature.tampered: verify accepted a body with one byte changed`).
 */

/** The outcome of one contract: `skipped` when it does not apply (no handshake, no `lookupMany`). */
export interface ContractVerdict {
  /** The contract's name, dotted (`signature.tampered`, `write.keyed-by-operation-id`). */
  contract: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Why it failed or was skipped; what was checked when it passed. */
  message: string;
}

/** Every verdict for one connector. `ok` is true when no contract failed. */
export interface ConformanceReport {
  /** The connector's `id`. */
  connector: string;
  kind: 'source' | 'destination';
  ok: boolean;
  verdicts: ContractVerdict[];
}

/** A contract violation found while checking: its message becomes the verdict's. */
export class ContractBroken extends Error {
  override readonly name = 'ContractBroken';
}

/** Throws `ContractBroken` with `message` unless `condition` holds. */
export function expectThat(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ContractBroken(message);
}

/**
 * Collects verdicts: `run(contract, check)` records `passed` with the message `check` returns,
 * `failed` with the message of whatever it throws (a connector that throws breaks the contract too).
 */
export class Verdicts {
  readonly list: ContractVerdict[] = [];

  async run(contract: string, check: () => string | Promise<string>): Promise<boolean> {
    try {
      this.list.push({ contract, status: 'passed', message: await check() });
      return true;
    } catch (error) {
      const message = error instanceof ContractBroken ? error.message : `threw ${describeError(error)}`;
      this.list.push({ contract, status: 'failed', message });
      return false;
    }
  }

  skip(contract: string, message: string): void {
    this.list.push({ contract, status: 'skipped', message });
  }

  fail(contract: string, message: string): void {
    this.list.push({ contract, status: 'failed', message });
  }

  report(connector: string, kind: ConformanceReport['kind']): ConformanceReport {
    return { connector, kind, ok: this.list.every((v) => v.status !== 'failed'), verdicts: this.list };
  }
}

/** A thrown value as one line, for a verdict's message. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message.split('\n')[0]}`;
  return String(error);
}

/** One line per failed contract, for an assertion message or a console. */
export function failureSummary(report: ConformanceReport): string {
  return report.verdicts.filter((v) => v.status === 'failed').map((v) => `${v.contract}: ${v.message}`).join('\n');
}
