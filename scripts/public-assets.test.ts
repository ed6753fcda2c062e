/**
 * The static files in public/: the web app manifest and every icon it lists (each file there, a
 * PNG of the declared size; the maskable one opaque to its edges), favicon.ico (an ICO of PNG
 * images, 16/32/48 px), the apple-touch-icon, and robots.txt's rules.
 * `npm run icons:render` (scripts/render-icons.ts) regenerates the images.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { ICO_SIZES, PNG_TARGETS, encodeIco } from "./render-icons";

const root = path.resolve(import.meta.dirname, "..");
const publicDir = path.join(root, "public");
const read = (file: string) => fs.readFileSync(path.join(publicDir, file));

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk (always the first chunk, right after the signature). */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE), "PNG signature").toBe(true);
  expect(png.toString("latin1", 12, 16)).toBe("IHDR");
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** Every pixel of an 8-bit, non-interlaced RGB or RGBA PNG, as RGBA (alpha 255 for RGB). */
function pngPixels(png: Buffer): { width: number; height: number; rgba: Uint8Array } {
  const { width, height } = pngSize(png);
  const bitDepth = png[24];
  const colourType = png[25];
  const interlace = png[28];
  expect(bitDepth).toBe(8);
  expect(interlace).toBe(0);
  expect([2, 6]).toContain(colourType);
  const channels = colourType === 6 ? 4 : 3;
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString("latin1", at + 4, at + 8);
    if (type === "IDAT") idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const rgba = new Uint8Array(width * height * 4);
  // Undo the per-row filters (PNG spec §9), then spread the channels.
  let previous = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = new Uint8Array(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? row[i - channels]! : 0;
      const b = previous[i]!;
      const c = i >= channels ? previous[i - channels]! : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][
        filter!
      ];
      if (predictor === undefined) throw new Error(`PNG filter ${filter} in row ${y}`);
      row[i] = (line[i]! + predictor) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const to = (y * width + x) * 4;
      for (let ch = 0; ch < 3; ch++) rgba[to + ch] = row[x * channels + ch]!;
      rgba[to + 3] = channels === 4 ? row[x * channels + 3]! : 255;
    }
    previous = row;
  }
  return { width, height, rgba };
}

/** The alpha channel alone. */
function pngAlpha(png: Buffer): { width: number; height: number; alpha: Uint8Array } {
  const { width, height, rgba } = pngPixels(png);
  return { width, height, alpha: rgba.filter((_, i) => i % 4 === 3) };
}

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}
interface Manifest {
  name: string;
  short_name: string;
  description: string;
  start_url: string;
  display: string;
  theme_color: string;
  background_color: string;
  icons: ManifestIcon[];
}

const manifest = JSON.parse(read("manifest.webmanifest").toString("utf8")) as Manifest;

/** Where a URL path of the app is served from: public/, or app/icon.svg (Next's icon route). */
function fileFor(src: string): string {
  if (src === "/icon.svg") return path.join(root, "app/icon.svg");
  return path.join(publicDir, src.replace(/^\//, ""));
}

describe("manifest.webmanifest", () => {
  it("names the app and how it launches", () => {
    expect(manifest.name).toBe("GridTokenX");
    expect(manifest.short_name.length).toBeGreaterThan(0);
    expect(manifest.short_name.length).toBeLessThanOrEqual(12);
    expect(manifest.description).toMatch(/peer-to-peer solar energy market/i);
    expect(manifest.start_url).toBe("/");
    expect(manifest.display).toBe("standalone");
  });

  it("uses the colours of the app's light theme (app/layout.tsx, app/globals.css)", () => {
    const layout = fs.readFileSync(path.join(root, "app/layout.tsx"), "utf8");
    const light = /prefers-color-scheme: light\)", color: "(#[0-9a-f]{6})"/i.exec(layout)?.[1];
    expect(light).toBeDefined();
    expect(manifest.theme_color.toLowerCase()).toBe(light?.toLowerCase());
    expect(manifest.background_color.toLowerCase()).toBe(light?.toLowerCase());
  });

  it("lists 192 and 512 px PNGs, a maskable 512 and the SVG", () => {
    const has = (sizes: string, purpose: string) =>
      manifest.icons.some(
        (i) => i.type === "image/png" && i.sizes === sizes && (i.purpose ?? "any") === purpose,
      );
    expect(has("192x192", "any")).toBe(true);
    expect(has("512x512", "any")).toBe(true);
    expect(has("512x512", "maskable")).toBe(true);
    expect(manifest.icons.some((i) => i.type === "image/svg+xml")).toBe(true);
  });

  it.each(manifest.icons.map((icon) => [icon.src, icon] as const))(
    "%s exists and has the declared size and type",
    (_src, icon) => {
      const file = fileFor(icon.src);
      expect(fs.existsSync(file), `${icon.src} (${file})`).toBe(true);
      const bytes = fs.readFileSync(file);
      if (icon.type === "image/svg+xml") {
        expect(icon.sizes).toBe("any");
        const viewBox = /viewBox="([^"]+)"/.exec(bytes.toString("utf8"))?.[1]?.split(/\s+/);
        expect(viewBox?.[2]).toBe(viewBox?.[3]); // square
        return;
      }
      expect(icon.type).toBe("image/png");
      const [w, h] = icon.sizes.split("x").map(Number);
      expect(pngSize(bytes)).toEqual({ width: w, height: h });
    },
  );

  it("the maskable icon is opaque to its edges, the others have transparent corners", () => {
    for (const icon of manifest.icons.filter((i) => i.type === "image/png")) {
      const { width, alpha } = pngAlpha(fs.readFileSync(fileFor(icon.src)));
      if (icon.purpose === "maskable") {
        expect(
          alpha.every((a) => a === 255),
          icon.src,
        ).toBe(true);
      } else {
        expect(alpha[0], `${icon.src} corner`).toBe(0);
        expect(alpha[(width * width) >> 1], `${icon.src} centre`).toBe(255);
      }
    }
  });

  it("lists every PNG the render script writes but the apple-touch-icon", () => {
    const listed = manifest.icons.map((i) => i.src);
    for (const { file } of PNG_TARGETS.filter((t) => t.file !== "apple-touch-icon.png")) {
      expect(listed).toContain(`/${file}`);
    }
  });
});

describe("icon-maskable-512.png", () => {
  it("keeps the artwork inside the safe zone: outside a circle of 40 % radius, only background", () => {
    const { width, height, rgba } = pngPixels(read("icon-maskable-512.png"));
    const background = Array.from(rgba.subarray(0, 4));
    const radius = 0.4 * width;
    const counts = { outside: 0, outsideArtwork: 0, insideArtwork: 0 };
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const at = (y * width + x) * 4;
        const artwork = background.some((v, ch) => rgba[at + ch] !== v);
        if (Math.hypot(x + 0.5 - width / 2, y + 0.5 - height / 2) <= radius) {
          if (artwork) counts.insideArtwork++;
        } else {
          counts.outside++;
          if (artwork) counts.outsideArtwork++;
        }
      }
    }
    expect(counts.outside).toBeGreaterThan(0);
    expect(counts.outsideArtwork).toBe(0);
    // …and the artwork is there (the sun covers far more than 5 % of the safe zone).
    expect(counts.insideArtwork).toBeGreaterThan(0.05 * Math.PI * radius ** 2);
  });
});

describe("apple-touch-icon.png", () => {
  it("is an opaque 180×180 PNG (iOS fills transparency with black)", () => {
    const { width, height, alpha } = pngAlpha(read("apple-touch-icon.png"));
    expect({ width, height }).toEqual({ width: 180, height: 180 });
    expect(alpha.every((a) => a === 255)).toBe(true);
  });
});

describe("favicon.ico", () => {
  const ico = read("favicon.ico");

  it("is an ICO whose directory points at PNG images of 16, 32 and 48 px", () => {
    expect(ico.readUInt16LE(0)).toBe(0); // reserved
    expect(ico.readUInt16LE(2)).toBe(1); // type: icon
    const count = ico.readUInt16LE(4);
    expect(count).toBe(ICO_SIZES.length);
    const sizes: number[] = [];
    let end = 6 + 16 * count;
    for (let i = 0; i < count; i++) {
      const entry = 6 + 16 * i;
      const width = ico.readUInt8(entry) || 256;
      const height = ico.readUInt8(entry + 1) || 256;
      expect(ico.readUInt16LE(entry + 4)).toBe(1); // planes
      expect(ico.readUInt16LE(entry + 6)).toBe(32); // bits per pixel
      const length = ico.readUInt32LE(entry + 8);
      const offset = ico.readUInt32LE(entry + 12);
      expect(offset).toBe(end); // images follow the directory, in order, without gaps
      end = offset + length;
      const png = ico.subarray(offset, offset + length);
      expect(pngSize(png)).toEqual({ width, height });
      expect(width).toBe(height);
      sizes.push(width);
    }
    expect(end).toBe(ico.length);
    expect(sizes).toEqual([16, 32, 48]);
  });

  it("encodeIco writes 256 px as 0 and refuses sizes ICO cannot hold", () => {
    const png = read("icon-192.png");
    const out = encodeIco([{ size: 256, png }]);
    expect([out.readUInt8(6), out.readUInt8(7)]).toEqual([0, 0]);
    expect(out.subarray(22).equals(png)).toBe(true);
    expect(() => encodeIco([{ size: 512, png }])).toThrow(/1–256/);
  });
});

describe("robots.txt", () => {
  /** The rules of the group for every crawler (`User-agent: *`). */
  const rules = () => {
    const lines = read("robots.txt")
      .toString("utf8")
      .split("\n")
      .map((l) => l.replace(/#.*/, "").trim())
      .filter(Boolean)
      .map((l) => {
        const colon = l.indexOf(":");
        return [l.slice(0, colon).trim().toLowerCase(), l.slice(colon + 1).trim()] as const;
      });
    const start = lines.findIndex(([k, v]) => k === "user-agent" && v === "*");
    expect(start).toBeGreaterThanOrEqual(0);
    const group = lines.slice(start + 1);
    const next = group.findIndex(([k]) => k === "user-agent");
    return next === -1 ? group : group.slice(0, next);
  };

  /** Longest matching rule wins, Allow on a tie (RFC 9309 §2.2.2). */
  const allowed = (urlPath: string) => {
    let best: { length: number; allow: boolean } = { length: -1, allow: true };
    for (const [key, value] of rules()) {
      if ((key !== "allow" && key !== "disallow") || !value || !urlPath.startsWith(value)) continue;
      const allow = key === "allow";
      if (value.length > best.length || (value.length === best.length && allow)) {
        best = { length: value.length, allow };
      }
    }
    return best.allow;
  };

  it("allows the public pages", () => {
    for (const page of ["/", "/trade", "/meters", "/certificates", "/wallet", "/icon-512.png"]) {
      expect(allowed(page), page).toBe(true);
    }
  });

  it("disallows the API and the admin console", () => {
    for (const p of [
      "/api/",
      "/api/trpc/auth.session",
      "/api/meters/submit",
      "/admin",
      "/admin/x",
    ]) {
      expect(allowed(p), p).toBe(false);
    }
  });
});
