import { ContractBroken } from './verdict.ts';

/** What every sandbox's `GET /_stats` answers that the kit reads (ARCHITECTURE.md, Fixed interfaces). */
export interface SandboxStats {
  /** Calls counted since the sandbox started. */
  totalCalls: number;
  /** Records held, per object. */
  records: Record<string, number>;
}

/** The sandbox's test plumbing over HTTP: `PUT /_faults`, `GET /_stats`. Loopback only. */
export class SandboxControl {
  readonly base: string;

  constructor(base: string) {
    const url = new URL(base);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`the conformance kit talks only to a sandbox on loopback, not ${url.host}`);
    this.base = base;
  }

  /** Replaces the sandbox's faults with `body`. @throws ContractBroken when the sandbox refuses it (an unknown fault key). */
  async faults(body: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${this.base}/_faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new ContractBroken(`the sandbox refused PUT /_faults ${JSON.stringify(body)}: ${response.status} ${(await response.text()).slice(0, 200)}`);
  }

  async stats(): Promise<SandboxStats> {
    const response = await fetch(`${this.base}/_stats`);
    if (!response.ok) throw new ContractBroken(`GET /_stats answered ${response.status}`);
    const stats = await response.json() as Partial<SandboxStats>;
    if (typeof stats.totalCalls !== 'number' || typeof stats.records !== 'object' || stats.records === null) throw new ContractBroken('GET /_stats lacks totalCalls or records');
    return stats as SandboxStats;
  }
}
