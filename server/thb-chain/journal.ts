/**
 * The THB chain's append-only journal: one record per line, `<crc32 hex8> <JSON>\n`, in segments
 * `journal/<first seq, 16 digits>.log`. Appends are group-committed: everything queued in one turn
 * of the event loop is written with one writev and one fdatasync, then `onDurable(seq)` runs (the
 * chain applies the records to the state it serves), then every waiter resolves in order. So a
 * caller that awaits an append knows its record, and every earlier one, is on disk.
 *
 * Opening reads every line in order. In the last segment the first line that is incomplete (no
 * newline) or fails its checksum ends the journal: it is a torn write from a crash, never
 * acknowledged, and is cut off. A bad line in an earlier segment is corruption and stops the open.
 */
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { crc32 } from "node:zlib";

export class JournalCorruptError extends Error {
  override readonly name = "JournalCorruptError";
}

type QueueItem =
  | { line: Buffer; seq: number; resolve: () => void; reject: (e: Error) => void }
  | { rotateTo: number };

const SEGMENT = /^(\d{16})\.log$/;
export const segmentName = (firstSeq: number) => `${String(firstSeq).padStart(16, "0")}.log`;

export function fsyncDirSync(dir: string): void {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function encodeLine(record: unknown): Buffer {
  const json = Buffer.from(JSON.stringify(record), "utf8");
  return Buffer.concat([Buffer.from(crc32(json).toString(16).padStart(8, "0") + " ", "ascii"), json, Buffer.from("\n")]);
}

/** A line's record, or undefined when it is not a whole, valid `<crc32> <JSON>` line. */
export function parseLine(line: Buffer): unknown {
  if (line.length < 10 || line[8] !== 0x20) return undefined;
  const hex = line.subarray(0, 8).toString("ascii");
  const json = line.subarray(9);
  if (!/^[0-9a-f]{8}$/.test(hex) || Number.parseInt(hex, 16) !== crc32(json)) return undefined;
  try {
    return JSON.parse(json.toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

/** The segments in the dir, oldest first, with their first record's seq. */
export function listSegments(dir: string): { name: string; first: number }[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((f) => SEGMENT.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[0], first: Number(m[1]) }))
    .sort((a, b) => a.first - b.first);
}

export class Journal {
  private fh: fsp.FileHandle | null = null;
  private queue: QueueItem[] = [];
  private flushing = false;
  private failed: Error | null = null;
  private closed = false;
  private idle: (() => void)[] = [];

  private constructor(
    readonly dir: string,
    private readonly onDurable: (seq: number) => void,
  ) {}

  /**
   * Reads every record in order (calling `onRecord` synchronously), cuts a torn tail, and opens
   * the last segment for appending (or creates `firstSeq`'s when there is none).
   */
  static async open(
    dir: string,
    opts: { onRecord: (record: unknown) => void; onDurable: (seq: number) => void; firstSeq: number; log?: (m: string) => void },
  ): Promise<Journal> {
    fs.mkdirSync(dir, { recursive: true });
    const segments = listSegments(dir);
    for (let i = 0; i < segments.length; i++) {
      const { name } = segments[i]!;
      const isLast = i === segments.length - 1;
      const file = path.join(dir, name);
      const buf = fs.readFileSync(file);
      let pos = 0;
      while (pos < buf.length) {
        const nl = buf.indexOf(0x0a, pos);
        const bad = (why: string) => {
          if (!isLast) throw new JournalCorruptError(`journal segment ${name} is corrupt at byte ${pos}: ${why}`);
        };
        if (nl < 0) {
          bad("a line without its newline");
          break;
        }
        const record = parseLine(buf.subarray(pos, nl));
        if (record === undefined) {
          bad("not a valid journal line (checksum or JSON)");
          break;
        }
        opts.onRecord(record);
        pos = nl + 1;
      }
      if (isLast && pos < buf.length) {
        // A torn write can only be the tail: if a whole, valid line follows the bad one, the
        // journal is damaged in the middle and cutting it would lose acknowledged records.
        const rest = buf.subarray(pos);
        let at = rest.indexOf(0x0a);
        while (at >= 0) {
          const next = rest.indexOf(0x0a, at + 1);
          if (next < 0) break;
          if (parseLine(rest.subarray(at + 1, next)) !== undefined) {
            throw new JournalCorruptError(`journal segment ${name} is damaged at byte ${pos} with valid records after it`);
          }
          at = next;
        }
        opts.log?.(`journal: cut a torn tail of ${buf.length - pos} bytes from ${name} (a crash mid-write; never acknowledged)`);
        fs.truncateSync(file, pos);
        fsyncDirSync(dir);
      }
    }
    const j = new Journal(dir, opts.onDurable);
    const last = segments[segments.length - 1];
    j.fh = await fsp.open(path.join(dir, last ? last.name : segmentName(opts.firstSeq)), "a");
    if (!last) fsyncDirSync(dir);
    return j;
  }

  /** Queues one record; resolves once it is fsync'd (and `onDurable` has seen it). */
  append(record: { seq: number }): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(new Error("journal is closed"));
    const line = encodeLine(record);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ line, seq: record.seq, resolve, reject });
      this.kick();
    });
  }

  /** Records appended after this call go to a new segment named after `nextSeq`. */
  rotate(nextSeq: number): void {
    this.queue.push({ rotateTo: nextSeq });
    this.kick();
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
        let batch: Extract<QueueItem, { line: Buffer }>[] = [];
        const writeBatch = async () => {
          if (batch.length === 0) return;
          await this.fh!.writev(batch.map((q) => q.line));
          await this.fh!.datasync();
          this.onDurable(batch[batch.length - 1]!.seq);
          for (const q of batch) q.resolve();
          batch = [];
        };
        for (const item of items) {
          if ("rotateTo" in item) {
            await writeBatch();
            await this.fh!.close();
            this.fh = await fsp.open(path.join(this.dir, segmentName(item.rotateTo)), "a");
            fsyncDirSync(this.dir);
          } else {
            batch.push(item);
          }
        }
        await writeBatch();
      }
    } catch (e) {
      // The disk refused a write: nothing from here on can be acknowledged.
      const err = e instanceof Error ? e : new Error(String(e));
      this.failed = err;
      for (const q of [...items, ...this.queue]) if ("reject" in q) q.reject(err);
      this.queue = [];
    } finally {
      this.flushing = false;
      for (const f of this.idle.splice(0)) f();
    }
  }

  /** Resolves when everything appended so far is durable. */
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
}
