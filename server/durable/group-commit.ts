/**
 * Durable appends with group commit, shared by the local chain's ledger (server/localnet) and the
 * THB chain's journal (server/thb-chain), which frame their records differently but write them
 * the same way.
 *
 * One writer loop owns the file. Everything appended in one turn of the event loop goes out in one
 * writev and one fdatasync; then each chunk's `onDurable` runs in order, then its promise
 * resolves. So a caller that awaits an append knows its chunk, and every earlier one, is on disk.
 * A failed write breaks the writer: that chunk and everything queued after it is rejected, and
 * every later append is refused, since nothing after a lost write may be acknowledged.
 */
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";

type QueueItem =
  | { chunk: Buffer; onDurable?: () => void; resolve: () => void; reject: (e: Error) => void }
  | { rotateTo: string };

/** fsync a directory, so that a file created, renamed or removed in it survives a crash. */
export function fsyncDirSync(dir: string): void {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes `file` so that a crash leaves either the old or the new content, never a mix. */
export async function writeFileAtomic(file: string, data: Buffer | string): Promise<void> {
  const tmp = `${file}.tmp`;
  const fh = await fsp.open(tmp, "w");
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fsp.rename(tmp, file);
  fsyncDirSync(path.dirname(file));
}

export class GroupCommitWriter {
  private queue: QueueItem[] = [];
  private flushing = false;
  private failed: Error | null = null;
  private closed = false;
  private idle: (() => void)[] = [];

  private constructor(private fh: fsp.FileHandle | null) {}

  /** Opens `file` for appending; a file that did not exist has its directory fsync'd. */
  static async open(file: string): Promise<GroupCommitWriter> {
    const existed = fs.existsSync(file);
    const fh = await fsp.open(file, "a");
    if (!existed) fsyncDirSync(path.dirname(file));
    return new GroupCommitWriter(fh);
  }

  /** Queues `chunk`; resolves once it is fsync'd, after `onDurable` has run. */
  append(chunk: Buffer, onDurable?: () => void): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(new Error("the log is closed"));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ chunk, onDurable, resolve, reject });
      this.kick();
    });
  }

  /** Chunks appended after this call go to `file` (created, its directory fsync'd). */
  rotate(file: string): void {
    this.queue.push({ rotateTo: file });
    this.kick();
  }

  /** Resolves when everything appended so far is durable (or refused). */
  async sync(): Promise<void> {
    while (this.flushing || this.queue.length > 0) await new Promise<void>((res) => this.idle.push(res));
  }

  get broken(): Error | null {
    return this.failed;
  }

  async close(): Promise<void> {
    await this.sync();
    this.closed = true;
    await this.fh?.close();
    this.fh = null;
  }

  private kick(): void {
    if (this.flushing) return;
    this.flushing = true;
    // Let everything that arrives in this turn of the event loop share one fsync.
    setImmediate(() => void this.flushLoop());
  }

  private async flushLoop(): Promise<void> {
    let items: QueueItem[] = [];
    try {
      while (this.queue.length > 0) {
        items = this.queue;
        this.queue = [];
        let batch: Extract<QueueItem, { chunk: Buffer }>[] = [];
        const writeBatch = async () => {
          if (batch.length === 0) return;
          const fh = this.fileHandle();
          await fh.writev(batch.map((q) => q.chunk));
          await fh.datasync();
          for (const q of batch) q.onDurable?.();
          for (const q of batch) q.resolve();
          batch = [];
        };
        for (const item of items) {
          if ("rotateTo" in item) {
            // Everything before the marker belongs to the old file.
            await writeBatch();
            await this.fileHandle().close();
            this.fh = null;
            this.fh = await fsp.open(item.rotateTo, "a");
            fsyncDirSync(path.dirname(item.rotateTo));
          } else {
            batch.push(item);
          }
        }
        await writeBatch();
      }
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      this.failed = err;
      // Rejecting a waiter that already resolved does nothing, so the whole in-flight list is safe.
      for (const q of [...items, ...this.queue]) if ("reject" in q) q.reject(err);
      this.queue = [];
    } finally {
      this.flushing = false;
      for (const f of this.idle.splice(0)) f();
    }
  }

  private fileHandle(): fsp.FileHandle {
    if (!this.fh) throw new Error("the log's file is not open");
    return this.fh;
  }
}
