/**
 * The engine's log file: lines are buffered and written asynchronously in batches (logging costs
 * the caller a string push, not a synchronous disk write on the order path), the file is rotated by
 * size into a bounded set (`engine.log`, `engine.log.1` … `engine.log.N`, oldest dropped), and a
 * failing write (a full disk, a read-only or vanished folder) never reaches the caller: the batch
 * is dropped and counted, and the first failure is reported once through `onFailure`.
 *
 * `flushSync()` is for lines that must be on disk now (an error, the last moments of a dying
 * process), when an async write might never land. A batch already on its way may then land after
 * it: lines carry their time.
 */
import { appendFileSync } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';

/** Log files tell what was traded on which account: only their owner reads them. */
const FILE_MODE = 0o600;

export interface RotatingLogFileOptions {
  readonly file: string;
  /** A file is rotated before a batch would take it past this size. */
  readonly maxBytes: number;
  /** Rotated files kept besides the current one. */
  readonly keep: number;
  /** Lines waiting beyond this many bytes are dropped (and counted): a stuck disk must not eat memory. */
  readonly maxBufferedBytes?: number;
  /** Called once, on the first failed write, with what failed. */
  readonly onFailure?: (error: Error) => void;
}

export interface LogFileStats {
  /** Lines lost to failed writes or a full buffer. */
  readonly droppedLines: number;
  readonly failedWrites: number;
}

export class RotatingLogFile {
  private buffer: string[] = [];
  private bufferedBytes = 0;
  private handle: FileHandle | undefined;
  private size = 0;
  private draining: Promise<void> | undefined;
  private closed = false;
  private reported = false;
  private dropped = 0;
  private failed = 0;

  constructor(private readonly opts: RotatingLogFileOptions) {
    if (!Number.isInteger(opts.maxBytes) || opts.maxBytes <= 0) throw new Error(`log file ${opts.file}: maxBytes must be a positive integer, got ${opts.maxBytes}`);
    if (!Number.isInteger(opts.keep) || opts.keep < 0) throw new Error(`log file ${opts.file}: keep must be a whole number, got ${opts.keep}`);
  }

  /** Queues one line (a newline is added). Never throws. */
  write(line: string): void {
    if (this.closed) return;
    const bytes = Buffer.byteLength(line) + 1;
    if (this.bufferedBytes + bytes > (this.opts.maxBufferedBytes ?? 8 * 1024 * 1024)) {
      this.dropped++;
      return;
    }
    this.buffer.push(`${line}\n`);
    this.bufferedBytes += bytes;
    this.draining ??= this.drain();
  }

  /** Resolves once every line queued so far has been written (or dropped). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Writes what is queued synchronously, for a process about to exit. Never throws. */
  flushSync(): void {
    const text = this.take();
    if (text === '') return;
    try {
      appendFileSync(this.opts.file, text, { mode: FILE_MODE });
      if (this.handle) this.size += Buffer.byteLength(text); // the next batch rotates if this filled it
    } catch (err) {
      this.lost(text, err);
    }
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    const h = this.handle;
    this.handle = undefined;
    await h?.close().catch(() => undefined);
  }

  stats(): LogFileStats {
    return { droppedLines: this.dropped, failedWrites: this.failed };
  }

  private async drain(): Promise<void> {
    // One turn later, so the lines logged in this turn go out as one write.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      for (;;) {
        const text = this.take();
        if (text === '') return;
        try {
          await this.append(text);
        } catch (err) {
          this.lost(text, err);
          await this.reset();
        }
      }
    } finally {
      this.draining = undefined;
    }
  }

  private take(): string {
    const text = this.buffer.join('');
    this.buffer = [];
    this.bufferedBytes = 0;
    return text;
  }

  private async append(text: string): Promise<void> {
    const bytes = Buffer.byteLength(text);
    if (!this.handle) {
      this.handle = await open(this.opts.file, 'a', FILE_MODE);
      this.size = (await this.handle.stat()).size;
    }
    if (this.size > 0 && this.size + bytes > this.opts.maxBytes) this.handle = await this.rotate();
    await this.handle.write(text);
    this.size += bytes;
  }

  /** engine.log → .1 → .2 … → .keep; the oldest goes. */
  private async rotate(): Promise<FileHandle> {
    await this.reset();
    const { file, keep } = this.opts;
    if (keep === 0) await rm(file, { force: true });
    else {
      await rm(`${file}.${keep}`, { force: true });
      for (let i = keep - 1; i >= 1; i--) await rename(`${file}.${i}`, `${file}.${i + 1}`).catch(ignoreMissing);
      await rename(file, `${file}.1`);
    }
    const h = await open(file, 'a', FILE_MODE);
    this.size = (await stat(file)).size;
    return h;
  }

  private async reset(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    this.size = 0;
    await h?.close().catch(() => undefined);
  }

  private lost(text: string, err: unknown): void {
    this.failed++;
    this.dropped += text.split('\n').length - 1;
    if (this.reported) return;
    this.reported = true;
    const e = err instanceof Error ? err : new Error(String(err));
    try {
      this.opts.onFailure?.(e);
    } catch {
      // The report is best effort; logging still never throws.
    }
  }
}

function ignoreMissing(err: unknown): void {
  if ((err as { code?: unknown }).code !== 'ENOENT') throw err;
}
