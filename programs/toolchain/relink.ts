/**
 * Our relinker: turns the ELF64 relocatable objects that upstream clang (`-target bpf`) emits into
 * the shared object the SBPF v0 loader accepts (the loader rules it encodes are in
 * programs/README.md, "The relinker"). It refuses, with the offending section or symbol named, anything the
 * loader would refuse or that we cannot express: writable data, .bss, unknown relocations, calls
 * to undefined non-syscall symbols, and a missing entrypoint.
 *
 * Output layout (no program headers, every allocated section has sh_addr == sh_offset):
 *   ELF header | .text | .rodata | .dynsym | .dynstr | .rel.dyn | .dynamic | .shstrtab | shdrs
 */
import {
  ByteWriter,
  DT_NULL,
  DT_REL,
  DT_RELENT,
  DT_RELSZ,
  DT_STRSZ,
  DT_STRTAB,
  DT_SYMENT,
  DT_SYMTAB,
  EM_BPF,
  ET_DYN,
  ET_REL,
  ElfFormatError,
  type ElfObject,
  type ElfSection,
  parseElf,
  readRels,
  R_BPF_64_32,
  R_BPF_64_64,
  R_BPF_64_ABS32,
  R_BPF_64_ABS64,
  R_BPF_64_NODYLD32,
  R_BPF_NONE,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_WRITE,
  SHN_ABS,
  SHN_COMMON,
  SHN_UNDEF,
  SHT_DYNAMIC,
  SHT_DYNSYM,
  SHT_NOBITS,
  SHT_PROGBITS,
  SHT_REL,
  SHT_RELA,
  SHT_STRTAB,
  STB_LOCAL,
  STB_WEAK,
} from "./elf";
import { KNOWN_SYSCALLS } from "./syscalls";

/** Where the VM maps the program image: read-only sections appear at this base + file offset. */
export const MM_PROGRAM_START = 0x1_0000_0000n;

const OP_CALL_IMM = 0x85;
const OP_LDDW = 0x18;

export type RelinkErrorCode =
  | "NOT_BPF_OBJECT"
  | "ELF_MALFORMED"
  | "WRITABLE_SECTION"
  | "BSS_SECTION"
  | "COMMON_SYMBOL"
  | "UNSUPPORTED_SECTION"
  | "UNKNOWN_RELOCATION"
  | "UNSUPPORTED_RELOCATION"
  | "BAD_RELOCATION"
  | "UNDEFINED_SYMBOL"
  | "DUPLICATE_SYMBOL"
  | "NO_ENTRYPOINT";

export class RelinkError extends Error {
  constructor(
    readonly code: RelinkErrorCode,
    message: string,
    readonly detail: { file?: string; section?: string; symbol?: string } = {},
  ) {
    super(`${code}: ${message}`);
    this.name = "RelinkError";
  }
}

export interface RelinkInput {
  /** Name used in error messages (usually the object file name). */
  name: string;
  bytes: Uint8Array;
}

export interface RelinkResult {
  so: Uint8Array;
  textSize: number;
  rodataSize: number;
  /** Syscalls the program imports, sorted. */
  syscalls: string[];
  /** File offset (= sh_addr) of the entrypoint. */
  entry: number;
}

interface InputObject {
  name: string;
  elf: ElfObject;
}

type Kind = "text" | "rodata";

interface Placed {
  obj: number;
  sec: ElfSection;
  kind: Kind;
  /** Offset inside the merged output section. */
  at: number;
}

type Resolved =
  { kind: "defined"; out: Kind; at: number; isFunc: boolean } | { kind: "undefined"; name: string };

const align = (n: number, a: number) => (a <= 1 ? n : Math.ceil(n / a) * a);

function relName(type: number): string {
  const names: Record<number, string> = {
    [R_BPF_NONE]: "R_BPF_NONE",
    [R_BPF_64_64]: "R_BPF_64_64",
    [R_BPF_64_ABS64]: "R_BPF_64_ABS64",
    [R_BPF_64_ABS32]: "R_BPF_64_ABS32",
    [R_BPF_64_NODYLD32]: "R_BPF_64_NODYLD32",
    [R_BPF_64_32]: "R_BPF_64_32",
  };
  return names[type] ?? `relocation type ${type}`;
}

/** Which output section an input section goes to, or null when it is dropped (non-alloc). */
function classify(obj: InputObject, sec: ElfSection): Kind | null {
  if (sec.type === SHT_NULL_T || (sec.flags & SHF_ALLOC) === 0n) return null;
  const where = { file: obj.name, section: sec.name };
  if (sec.type === SHT_NOBITS)
    throw new RelinkError(
      "BSS_SECTION",
      `${obj.name}: section ${sec.name} holds zero-initialised mutable data; the loader refuses .bss (no mutable globals)`,
      where,
    );
  if ((sec.flags & SHF_WRITE) !== 0n && !sec.name.startsWith(".data.rel.ro"))
    throw new RelinkError(
      "WRITABLE_SECTION",
      `${obj.name}: section ${sec.name} is writable; the loader refuses writable data (no mutable globals)`,
      where,
    );
  if (sec.type !== SHT_PROGBITS)
    throw new RelinkError(
      "UNSUPPORTED_SECTION",
      `${obj.name}: allocated section ${sec.name} has unsupported type ${sec.type}`,
      where,
    );
  return (sec.flags & SHF_EXECINSTR) !== 0n ? "text" : "rodata";
}
const SHT_NULL_T = 0;

export function relink(
  inputs: readonly RelinkInput[],
  opts: { entry?: string } = {},
): RelinkResult {
  const entryName = opts.entry ?? "entrypoint";
  const objs: InputObject[] = inputs.map(({ name, bytes }) => {
    let elf: ElfObject;
    try {
      elf = parseElf(bytes);
    } catch (e) {
      if (e instanceof ElfFormatError)
        throw new RelinkError("ELF_MALFORMED", `${name}: ${e.message}`, { file: name });
      throw e;
    }
    if (elf.type !== ET_REL || elf.machine !== EM_BPF)
      throw new RelinkError(
        "NOT_BPF_OBJECT",
        `${name}: expected a BPF relocatable object (e_type ${ET_REL}, e_machine ${EM_BPF}), got e_type ${elf.type}, e_machine ${elf.machine}`,
        { file: name },
      );
    return { name, elf };
  });

  // 1. Place every allocated input section in .text or .rodata.
  const placed = new Map<string, Placed>(); // key `${obj}:${secIndex}`
  const sizes: Record<Kind, number> = { text: 0, rodata: 0 };
  let rodataAlign = 8;
  objs.forEach((obj, oi) => {
    for (const sec of obj.elf.sections) {
      const kind = classify(obj, sec);
      if (!kind) continue;
      const a = Math.max(kind === "text" ? 8 : 1, sec.addralign);
      if (kind === "rodata") rodataAlign = Math.max(rodataAlign, a);
      const at = align(sizes[kind], a);
      sizes[kind] = at + sec.size;
      placed.set(`${oi}:${sec.index}`, { obj: oi, sec, kind, at });
    }
    for (const sym of obj.elf.symbols) {
      if (sym.shndx === SHN_COMMON)
        throw new RelinkError(
          "COMMON_SYMBOL",
          `${obj.name}: ${sym.name} is a common (uninitialised mutable) global; the loader refuses mutable data`,
          { file: obj.name, symbol: sym.name },
        );
    }
  });
  sizes.text = align(sizes.text, 8);

  // 2. Global symbol table across objects.
  const globals = new Map<string, { obj: number; symIndex: number; weak: boolean }>();
  objs.forEach((obj, oi) => {
    for (const sym of obj.elf.symbols) {
      if (sym.bind === STB_LOCAL || sym.shndx === SHN_UNDEF) continue;
      if (sym.shndx === SHN_ABS || !placed.has(`${oi}:${sym.shndx}`)) continue;
      const weak = sym.bind === STB_WEAK;
      const prev = globals.get(sym.name);
      if (prev && !prev.weak && !weak)
        throw new RelinkError(
          "DUPLICATE_SYMBOL",
          `${sym.name} is defined in both ${objs[prev.obj]?.name} and ${obj.name}`,
          { symbol: sym.name, file: obj.name },
        );
      if (!prev || (prev.weak && !weak))
        globals.set(sym.name, { obj: oi, symIndex: sym.index, weak });
    }
  });

  const resolve = (oi: number, symIndex: number, where: ElfSection): Resolved => {
    const obj = objs[oi]!;
    const sym = obj.elf.symbols[symIndex];
    if (!sym)
      throw new RelinkError(
        "ELF_MALFORMED",
        `${obj.name}: relocation names missing symbol ${symIndex}`,
        {
          file: obj.name,
          section: where.name,
        },
      );
    let defObj = oi;
    let def = sym;
    if (sym.shndx === SHN_UNDEF || sym.bind !== STB_LOCAL) {
      const g = globals.get(sym.name);
      if (!g && sym.shndx !== SHN_UNDEF) throw new Error(`internal: ${sym.name} not in globals`);
      if (!g) return { kind: "undefined", name: sym.name };
      defObj = g.obj;
      def = objs[g.obj]!.elf.symbols[g.symIndex]!;
    }
    const p = placed.get(`${defObj}:${def.shndx}`);
    if (!p)
      throw new RelinkError(
        "BAD_RELOCATION",
        `${obj.name}: ${where.name} refers to ${def.name || "a symbol"} in a section that is not part of the program image`,
        { file: obj.name, section: where.name, symbol: def.name },
      );
    return {
      kind: "defined",
      out: p.kind,
      at: p.at + Number(def.value),
      isFunc: p.kind === "text",
    };
  };

  // 3. Copy section bytes into the merged images.
  const image: Record<Kind, Uint8Array> = {
    text: new Uint8Array(sizes.text),
    rodata: new Uint8Array(sizes.rodata),
  };
  for (const p of placed.values()) {
    const src = objs[p.obj]!.elf.bytes.subarray(p.sec.offset, p.sec.offset + p.sec.size);
    image[p.kind].set(src, p.at);
  }

  // Final file offsets are needed to resolve addresses; they depend only on sizes.
  const textOff = 64;
  const rodataOff = align(textOff + sizes.text, rodataAlign);
  const outBase = (k: Kind) => (k === "text" ? textOff : rodataOff);
  const vmAddr = (r: Extract<Resolved, { kind: "defined" }>, addend: bigint) =>
    MM_PROGRAM_START + BigInt(outBase(r.out) + r.at) + addend;

  // 4. Apply relocations.
  const syscallSites: { at: number; name: string }[] = [];
  objs.forEach((obj, oi) => {
    for (const relSec of obj.elf.sections) {
      if (relSec.type !== SHT_REL && relSec.type !== SHT_RELA) continue;
      const target = placed.get(`${oi}:${relSec.info}`);
      if (!target) continue; // relocations of dropped (debug) sections
      if (relSec.type === SHT_RELA)
        throw new RelinkError(
          "UNSUPPORTED_SECTION",
          `${obj.name}: ${relSec.name} uses RELA relocations; BPF objects use REL`,
          { file: obj.name, section: relSec.name },
        );
      const img = image[target.kind];
      const dv = new DataView(img.buffer, img.byteOffset, img.byteLength);
      for (const rel of readRels(obj.elf, relSec)) {
        const at = target.at + rel.offset;
        const where = { file: obj.name, section: target.sec.name };
        const known = [
          R_BPF_NONE,
          R_BPF_64_64,
          R_BPF_64_ABS64,
          R_BPF_64_ABS32,
          R_BPF_64_NODYLD32,
          R_BPF_64_32,
        ];
        if (!known.includes(rel.type))
          throw new RelinkError(
            "UNKNOWN_RELOCATION",
            `${obj.name}: unknown relocation type ${rel.type} in ${target.sec.name} at offset ${rel.offset}`,
            where,
          );
        const ok =
          (target.kind === "text" && (rel.type === R_BPF_64_32 || rel.type === R_BPF_64_64)) ||
          (target.kind === "rodata" && rel.type === R_BPF_64_ABS64);
        if (!ok)
          throw new RelinkError(
            "UNSUPPORTED_RELOCATION",
            `${obj.name}: ${relName(rel.type)} in ${target.sec.name} at offset ${rel.offset} is not supported`,
            where,
          );
        const r = resolve(oi, rel.sym, target.sec);
        if (rel.type === R_BPF_64_32) {
          if (at % 8 !== 0 || at + 8 > img.length || img[at] !== OP_CALL_IMM)
            throw new RelinkError(
              "BAD_RELOCATION",
              `${obj.name}: R_BPF_64_32 at ${target.sec.name}+${rel.offset} is not on a call`,
              where,
            );
          if (r.kind === "undefined") {
            if (!KNOWN_SYSCALLS.has(r.name))
              throw new RelinkError(
                "UNDEFINED_SYMBOL",
                `${obj.name}: call to undefined symbol ${r.name} (not defined in any object and not a known syscall)`,
                { ...where, symbol: r.name },
              );
            dv.setInt32(at + 4, -1, true);
            syscallSites.push({ at, name: r.name });
            continue;
          }
          if (!r.isFunc)
            throw new RelinkError(
              "BAD_RELOCATION",
              `${obj.name}: call target in ${target.sec.name}+${rel.offset} is data, not code`,
              where,
            );
          // Implicit addend (libbpf convention): target insn = S/8 + imm + 1.
          const imm = dv.getInt32(at + 4, true);
          const targetInsn = r.at / 8 + imm + 1;
          const rel32 = targetInsn - (at / 8 + 1);
          if (targetInsn < 0 || targetInsn >= img.length / 8 || rel32 === -1)
            throw new RelinkError(
              "BAD_RELOCATION",
              `${obj.name}: call at ${target.sec.name}+${rel.offset} has an invalid target`,
              where,
            );
          dv.setInt32(at + 4, rel32, true);
        } else if (rel.type === R_BPF_64_64) {
          if (at % 8 !== 0 || at + 16 > img.length || img[at] !== OP_LDDW)
            throw new RelinkError(
              "BAD_RELOCATION",
              `${obj.name}: R_BPF_64_64 at ${target.sec.name}+${rel.offset} is not on lddw`,
              where,
            );
          if (r.kind === "undefined")
            throw new RelinkError(
              "UNDEFINED_SYMBOL",
              `${obj.name}: reference to undefined symbol ${r.name}`,
              {
                ...where,
                symbol: r.name,
              },
            );
          const addend =
            BigInt(dv.getUint32(at + 4, true)) | (BigInt(dv.getUint32(at + 12, true)) << 32n);
          const v = vmAddr(r, addend);
          dv.setUint32(at + 4, Number(v & 0xffffffffn), true);
          dv.setUint32(at + 12, Number(v >> 32n), true);
        } else {
          if (at + 8 > img.length)
            throw new RelinkError(
              "BAD_RELOCATION",
              `${obj.name}: R_BPF_64_ABS64 out of bounds in ${target.sec.name}`,
              where,
            );
          if (r.kind === "undefined")
            throw new RelinkError(
              "UNDEFINED_SYMBOL",
              `${obj.name}: reference to undefined symbol ${r.name}`,
              {
                ...where,
                symbol: r.name,
              },
            );
          dv.setBigUint64(at, vmAddr(r, dv.getBigUint64(at, true)), true);
        }
      }
    }
  });

  // 5. Every `call -1` must be a syscall site, or the loader would dispatch it to nothing.
  const sites = new Set(syscallSites.map((s) => s.at));
  const tdv = new DataView(image.text.buffer);
  for (let at = 0; at < image.text.length; at += 8) {
    if (image.text[at] === OP_LDDW) {
      at += 8; // skip the second slot of the 16-byte lddw
      continue;
    }
    if (image.text[at] === OP_CALL_IMM && tdv.getInt32(at + 4, true) === -1 && !sites.has(at))
      throw new RelinkError(
        "BAD_RELOCATION",
        `call at .text+${at} has no target (imm -1 without a syscall relocation)`,
      );
  }

  // 6. Entrypoint.
  const e = globals.get(entryName);
  const eSym = e ? objs[e.obj]!.elf.symbols[e.symIndex] : undefined;
  const ePlaced = e && eSym ? placed.get(`${e.obj}:${eSym.shndx}`) : undefined;
  if (!e || !eSym || ePlaced?.kind !== "text")
    throw new RelinkError("NO_ENTRYPOINT", `no global function named ${entryName} in .text`, {
      symbol: entryName,
    });
  const entry = textOff + ePlaced.at + Number(eSym.value);

  return writeSharedObject(image, textOff, rodataOff, syscallSites, entry);
}

function writeSharedObject(
  image: Record<Kind, Uint8Array>,
  textOff: number,
  rodataOff: number,
  syscallSites: { at: number; name: string }[],
  entry: number,
): RelinkResult {
  const names = [...new Set(syscallSites.map((s) => s.name))].sort();
  const symIndex = new Map(names.map((n, i) => [n, i + 1]));
  const w = new ByteWriter();
  w.bytes(new Uint8Array(64)); // header, patched below

  w.align(8);
  if (w.length !== textOff) throw new Error("internal: text offset");
  w.bytes(image.text);
  const hasRodata = image.rodata.length > 0;
  if (hasRodata) {
    while (w.length < rodataOff) w.u8(0);
    w.bytes(image.rodata);
  }

  // .dynstr
  const dynstrParts: number[] = [0];
  const nameOff = new Map<string, number>();
  for (const n of names) {
    nameOff.set(n, dynstrParts.length);
    for (const c of new TextEncoder().encode(n)) dynstrParts.push(c);
    dynstrParts.push(0);
  }
  const dynstr = Uint8Array.from(dynstrParts);

  // .dynsym: null symbol, then one undefined global per imported syscall.
  w.align(8);
  const dynsymOff = w.length;
  w.bytes(new Uint8Array(24));
  for (const n of names) {
    w.u32(nameOff.get(n)!);
    w.u8(0x10); // STB_GLOBAL, STT_NOTYPE
    w.u8(0);
    w.u16(SHN_UNDEF);
    w.u64(0);
    w.u64(0);
  }
  const dynsymSize = w.length - dynsymOff;

  const dynstrOff = w.length;
  w.bytes(dynstr);

  w.align(8);
  const relOff = w.length;
  for (const s of [...syscallSites].sort((a, b) => a.at - b.at)) {
    w.u64(textOff + s.at);
    w.u64((BigInt(symIndex.get(s.name)!) << 32n) | BigInt(R_BPF_64_32));
  }
  const relSize = w.length - relOff;

  w.align(8);
  const dynamicOff = w.length;
  const dyn: [bigint, number][] = [];
  if (relSize > 0) dyn.push([DT_REL, relOff], [DT_RELSZ, relSize], [DT_RELENT, 16]);
  dyn.push(
    [DT_SYMTAB, dynsymOff],
    [DT_SYMENT, 24],
    [DT_STRTAB, dynstrOff],
    [DT_STRSZ, dynstr.length],
    [DT_NULL, 0],
  );
  for (const [tag, val] of dyn) {
    w.u64(tag);
    w.u64(val);
  }
  const dynamicSize = w.length - dynamicOff;

  const shnames = [
    "",
    ".text",
    ...(hasRodata ? [".rodata"] : []),
    ".dynsym",
    ".dynstr",
    ".rel.dyn",
    ".dynamic",
    ".shstrtab",
  ];
  const shstrParts: number[] = [];
  const shNameOff = new Map<string, number>();
  for (const n of shnames) {
    shNameOff.set(n, shstrParts.length);
    for (const c of new TextEncoder().encode(n)) shstrParts.push(c);
    shstrParts.push(0);
  }
  const shstrOff = w.length;
  w.bytes(Uint8Array.from(shstrParts));
  const shstrSize = w.length - shstrOff;

  const idx = (n: string) => shnames.indexOf(n);
  interface Sh {
    name: string;
    type: number;
    flags: bigint;
    off: number;
    size: number;
    link: number;
    info: number;
    align: number;
    entsize: number;
    alloc: boolean;
  }
  const SHT_PROGBITS_ = SHT_PROGBITS;
  const headers: Sh[] = [
    {
      name: ".text",
      type: SHT_PROGBITS_,
      flags: SHF_ALLOC | SHF_EXECINSTR,
      off: textOff,
      size: image.text.length,
      link: 0,
      info: 0,
      align: 8,
      entsize: 0,
      alloc: true,
    },
    ...(hasRodata
      ? [
          {
            name: ".rodata",
            type: SHT_PROGBITS_,
            flags: SHF_ALLOC,
            off: rodataOff,
            size: image.rodata.length,
            link: 0,
            info: 0,
            align: 8,
            entsize: 0,
            alloc: true,
          },
        ]
      : []),
    {
      name: ".dynsym",
      type: SHT_DYNSYM,
      flags: SHF_ALLOC,
      off: dynsymOff,
      size: dynsymSize,
      link: idx(".dynstr"),
      info: 1,
      align: 8,
      entsize: 24,
      alloc: true,
    },
    {
      name: ".dynstr",
      type: SHT_STRTAB,
      flags: SHF_ALLOC,
      off: dynstrOff,
      size: dynstr.length,
      link: 0,
      info: 0,
      align: 1,
      entsize: 0,
      alloc: true,
    },
    {
      name: ".rel.dyn",
      type: SHT_REL,
      flags: SHF_ALLOC,
      off: relOff,
      size: relSize,
      link: idx(".dynsym"),
      info: 0,
      align: 8,
      entsize: 16,
      alloc: true,
    },
    {
      name: ".dynamic",
      type: SHT_DYNAMIC,
      flags: SHF_ALLOC,
      off: dynamicOff,
      size: dynamicSize,
      link: idx(".dynstr"),
      info: 0,
      align: 8,
      entsize: 16,
      alloc: true,
    },
    {
      name: ".shstrtab",
      type: SHT_STRTAB,
      flags: 0n,
      off: shstrOff,
      size: shstrSize,
      link: 0,
      info: 0,
      align: 1,
      entsize: 0,
      alloc: false,
    },
  ];

  w.align(8);
  const shoff = w.length;
  w.bytes(new Uint8Array(64)); // SHT_NULL
  for (const h of headers) {
    w.u32(shNameOff.get(h.name)!);
    w.u32(h.type);
    w.u64(h.flags);
    w.u64(h.alloc ? h.off : 0);
    w.u64(h.off);
    w.u64(h.size);
    w.u32(h.link);
    w.u32(h.info);
    w.u64(h.align);
    w.u64(h.entsize);
  }

  const out = w.finish();
  const hdr = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0); // ELF64, LE, version 1, OS ABI 0
  hdr.setUint16(16, ET_DYN, true);
  hdr.setUint16(18, EM_BPF, true);
  hdr.setUint32(20, 1, true);
  hdr.setBigUint64(24, BigInt(entry), true);
  hdr.setBigUint64(32, 0n, true); // no program headers
  hdr.setBigUint64(40, BigInt(shoff), true);
  hdr.setUint32(48, 0, true); // e_flags 0 selects SBPF v0
  hdr.setUint16(52, 64, true);
  hdr.setUint16(54, 56, true); // e_phentsize must be 56 even with no program headers
  hdr.setUint16(56, 0, true);
  hdr.setUint16(58, 64, true);
  hdr.setUint16(60, headers.length + 1, true);
  hdr.setUint16(62, idx(".shstrtab"), true);

  return {
    so: out,
    textSize: image.text.length,
    rodataSize: image.rodata.length,
    syscalls: names,
    entry,
  };
}
