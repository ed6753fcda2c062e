/**
 * Snapshot files: the VM's serialized state plus the chain's metadata, written atomically
 * (temp file, fsync, rename, fsync the directory) and checked with a CRC on load.
 *
 * Layout: "GTXSNAP1" | u32 LE meta length | meta JSON | VM bytes | u32 LE crc32(all before).
 */
import fs from "node:fs";
import path from "node:path";
import { crc32 } from "node:zlib";

const MAGIC = Buffer.from("GTXSNAP1");

export class SnapshotError extends Error {
  override readonly name = "SnapshotError";
}

export function encodeSnapshot(meta: unknown, vm: Uint8Array): Buffer {
  const metaBuf = Buffer.from(JSON.stringify(meta));
  const body = Buffer.concat([MAGIC, Buffer.alloc(4), metaBuf, vm]);
  body.writeUInt32LE(metaBuf.length, MAGIC.length);
  const tail = Buffer.alloc(4);
  tail.writeUInt32LE(crc32(body), 0);
  return Buffer.concat([body, tail]);
}

export function decodeSnapshot<M>(buf: Buffer, name: string): { meta: M; vm: Uint8Array } {
  if (buf.length < MAGIC.length + 8 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new SnapshotError(`${name}: not a snapshot file`);
  }
  const body = buf.subarray(0, buf.length - 4);
  if (crc32(body) !== buf.readUInt32LE(buf.length - 4)) throw new SnapshotError(`${name}: checksum mismatch`);
  const metaLen = body.readUInt32LE(MAGIC.length);
  const metaStart = MAGIC.length + 4;
  if (metaStart + metaLen > body.length) throw new SnapshotError(`${name}: truncated`);
  const meta = JSON.parse(body.subarray(metaStart, metaStart + metaLen).toString("utf8")) as M;
  return { meta, vm: new Uint8Array(body.subarray(metaStart + metaLen)) };
}

export function readSnapshot<M>(file: string): { meta: M; vm: Uint8Array } | null {
  if (!fs.existsSync(file)) return null;
  return decodeSnapshot<M>(fs.readFileSync(file), path.basename(file));
}
