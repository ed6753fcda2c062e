/**
 * Minimal ELF64 little-endian reader for the relocatable BPF objects clang emits.
 * Only what the relinker needs: headers, sections, symbols and REL relocations.
 */

export const EM_BPF = 247;
export const ET_REL = 1;
export const ET_DYN = 3;

export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_DYNAMIC = 6;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const SHT_DYNSYM = 11;

export const SHF_WRITE = 0x1n;
export const SHF_ALLOC = 0x2n;
export const SHF_EXECINSTR = 0x4n;

export const SHN_UNDEF = 0;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;

export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;
export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;

/** BPF relocation types (llvm/BinaryFormat/ELFRelocs/BPF.def). */
export const R_BPF_NONE = 0;
export const R_BPF_64_64 = 1;
export const R_BPF_64_ABS64 = 2;
export const R_BPF_64_ABS32 = 3;
export const R_BPF_64_NODYLD32 = 4;
export const R_BPF_64_32 = 10;

export const DT_NULL = 0n;
export const DT_STRTAB = 5n;
export const DT_SYMTAB = 6n;
export const DT_STRSZ = 10n;
export const DT_SYMENT = 11n;
export const DT_REL = 17n;
export const DT_RELSZ = 18n;
export const DT_RELENT = 19n;

export interface ElfSection {
  index: number;
  name: string;
  type: number;
  flags: bigint;
  addr: bigint;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

export interface ElfSymbol {
  index: number;
  name: string;
  bind: number;
  type: number;
  shndx: number;
  value: bigint;
  size: bigint;
}

export interface ElfRel {
  offset: number;
  type: number;
  sym: number;
}

export interface ElfObject {
  bytes: Uint8Array;
  type: number;
  machine: number;
  sections: ElfSection[];
  symbols: ElfSymbol[];
}

/** Thrown for malformed ELF input; `code` is stable and machine-readable. */
export class ElfFormatError extends Error {
  readonly code = "ELF_MALFORMED";
  constructor(message: string) {
    super(message);
    this.name = "ElfFormatError";
  }
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function readCString(bytes: Uint8Array, start: number): string {
  let end = start;
  while (end < bytes.length && bytes[end] !== 0) end++;
  if (end >= bytes.length) throw new ElfFormatError(`unterminated string at offset ${start}`);
  return new TextDecoder().decode(bytes.subarray(start, end));
}

function toSafeNumber(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfFormatError(`${what} too large`);
  return Number(v);
}

/** Parses an ELF64 LE file's section headers, symbol table (if any) and nothing else eagerly. */
export function parseElf(bytes: Uint8Array): ElfObject {
  if (bytes.length < 64) throw new ElfFormatError("file shorter than an ELF64 header");
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46)
    throw new ElfFormatError("not an ELF file (bad magic)");
  if (bytes[4] !== 2) throw new ElfFormatError("not ELF64");
  if (bytes[5] !== 1) throw new ElfFormatError("not little-endian");
  const dv = view(bytes);
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  const shoff = toSafeNumber(dv.getBigUint64(40, true), "e_shoff");
  const shentsize = dv.getUint16(58, true);
  const shnum = dv.getUint16(60, true);
  const shstrndx = dv.getUint16(62, true);
  if (shnum > 0 && shentsize !== 64) throw new ElfFormatError(`e_shentsize ${shentsize} != 64`);
  if (shoff + shnum * 64 > bytes.length) throw new ElfFormatError("section headers out of bounds");

  const raw: Omit<ElfSection, "name">[] = [];
  const nameOffsets: number[] = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * 64;
    nameOffsets.push(dv.getUint32(o, true));
    const sec = {
      index: i,
      type: dv.getUint32(o + 4, true),
      flags: dv.getBigUint64(o + 8, true),
      addr: dv.getBigUint64(o + 16, true),
      offset: toSafeNumber(dv.getBigUint64(o + 24, true), "sh_offset"),
      size: toSafeNumber(dv.getBigUint64(o + 32, true), "sh_size"),
      link: dv.getUint32(o + 40, true),
      info: dv.getUint32(o + 44, true),
      addralign: toSafeNumber(dv.getBigUint64(o + 48, true), "sh_addralign"),
      entsize: toSafeNumber(dv.getBigUint64(o + 56, true), "sh_entsize"),
    };
    if (sec.type !== SHT_NOBITS && sec.type !== SHT_NULL && sec.offset + sec.size > bytes.length)
      throw new ElfFormatError(`section ${i} data out of bounds`);
    raw.push(sec);
  }
  const strtab = raw[shstrndx];
  const sections: ElfSection[] = raw.map((s, i) => ({
    ...s,
    name: strtab && shstrndx !== 0 ? readCString(bytes, strtab.offset + (nameOffsets[i] ?? 0)) : "",
  }));

  const symbols: ElfSymbol[] = [];
  const symtab = sections.find((s) => s.type === SHT_SYMTAB);
  if (symtab) {
    const names = sections[symtab.link];
    if (!names) throw new ElfFormatError("symbol table has no string table");
    const count = Math.floor(symtab.size / 24);
    for (let i = 0; i < count; i++) {
      const o = symtab.offset + i * 24;
      const info = bytes[o + 4] ?? 0;
      symbols.push({
        index: i,
        name: readCString(bytes, names.offset + dv.getUint32(o, true)),
        bind: info >> 4,
        type: info & 0xf,
        shndx: dv.getUint16(o + 6, true),
        value: dv.getBigUint64(o + 8, true),
        size: dv.getBigUint64(o + 16, true),
      });
    }
  }
  return { bytes, type, machine, sections, symbols };
}

/** Reads the REL entries of a SHT_REL section. */
export function readRels(obj: ElfObject, sec: ElfSection): ElfRel[] {
  const dv = view(obj.bytes);
  const out: ElfRel[] = [];
  const count = Math.floor(sec.size / 16);
  for (let i = 0; i < count; i++) {
    const o = sec.offset + i * 16;
    const info = dv.getBigUint64(o + 8, true);
    out.push({
      offset: toSafeNumber(dv.getBigUint64(o, true), "r_offset"),
      type: Number(info & 0xffffffffn),
      sym: Number(info >> 32n),
    });
  }
  return out;
}

/** Growable little-endian byte buffer used by the writer. */
export class ByteWriter {
  private buf = new Uint8Array(4096);
  private dv = new DataView(this.buf.buffer);
  length = 0;

  private ensure(extra: number) {
    if (this.length + extra <= this.buf.length) return;
    let cap = this.buf.length;
    while (cap < this.length + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }
  align(n: number) {
    const pad = (n - (this.length % n)) % n;
    this.ensure(pad);
    this.length += pad; // fresh buffer bytes are zero
  }
  bytes(b: Uint8Array) {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  u8(v: number) {
    this.ensure(1);
    this.dv.setUint8(this.length, v);
    this.length += 1;
  }
  u16(v: number) {
    this.ensure(2);
    this.dv.setUint16(this.length, v, true);
    this.length += 2;
  }
  u32(v: number) {
    this.ensure(4);
    this.dv.setUint32(this.length, v, true);
    this.length += 4;
  }
  u64(v: bigint | number) {
    this.ensure(8);
    this.dv.setBigUint64(this.length, BigInt(v), true);
    this.length += 8;
  }
  patchU64(at: number, v: bigint | number) {
    this.dv.setBigUint64(at, BigInt(v), true);
  }
  patchU16(at: number, v: number) {
    this.dv.setUint16(at, v, true);
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
