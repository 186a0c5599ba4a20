/**
 * File persistence for a sandbox's records, so a demo's fake CRM survives a restart, even a killed
 * one: every change is appended to a journal (`<file>.journal`, one JSON line each) before the call
 * that made it is answered, as a real CRM's commit is durable before it answers. The snapshot
 * (`<file>`) is rewritten atomically (temp file + rename), and the journal emptied, when the owner
 * asks (start-up, close, a rollback) and at most once per `flushMs` after a change otherwise.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** What a journal file starts from: the last snapshot, and the changes journalled after it, in order. */
export interface JournalContents<S, E> {
  snapshot: S | undefined;
  entries: E[];
}

/** A snapshot file with its journal. `S` is the snapshot's JSON shape, `E` a journal entry's. */
export class JournalFile<S, E> {
  readonly #file: string;
  readonly #flushMs: number;
  readonly #snapshot: () => S;
  #timer: NodeJS.Timeout | undefined;

  /**
   * @param options.file the snapshot's path; the journal is `<file>.journal`
   * @param options.snapshot the owner's current state, as written by `flush`
   * @param options.flushMs longest wait between a change and the next snapshot, ms (default 5 000)
   */
  constructor(options: { file: string; snapshot: () => S; flushMs?: number }) {
    this.#file = options.file;
    this.#snapshot = options.snapshot;
    this.#flushMs = options.flushMs ?? 5_000;
  }

  /**
   * Reads the snapshot (undefined when there is none yet) and the journal after it. A journal line
   * cut short by a crash belongs to a call that was never answered: it is dropped.
   * @throws SyntaxError when the snapshot file is not JSON
   */
  load(): JournalContents<S, E> {
    const snapshot = existsSync(this.#file) ? JSON.parse(readFileSync(this.#file, 'utf8')) as S : undefined;
    const journal = `${this.#file}.journal`;
    const entries: E[] = [];
    if (existsSync(journal)) {
      for (const line of readFileSync(journal, 'utf8').split('\n')) {
        if (!line) continue;
        try { entries.push(JSON.parse(line) as E); } catch { /* torn last line: never answered */ }
      }
    }
    return { snapshot, entries };
  }

  /** Journals one change, synchronously (before its call is answered), and schedules a snapshot. */
  append(entry: E): void {
    appendFileSync(`${this.#file}.journal`, JSON.stringify(entry) + '\n');
    if (this.#timer) return;
    this.#timer = setTimeout(() => { this.#timer = undefined; this.flush(); }, this.#flushMs);
    this.#timer.unref();
  }

  /** Writes the snapshot now and empties the journal (everything in it is in the snapshot). */
  flush(): void {
    if (this.#timer) { clearTimeout(this.#timer); this.#timer = undefined; }
    mkdirSync(dirname(this.#file), { recursive: true });
    const temp = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(this.#snapshot()));
    renameSync(temp, this.#file);
    rmSync(`${this.#file}.journal`, { force: true });
  }
}
