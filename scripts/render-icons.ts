/**
 * Renders the app's icons in `public/` from the one design, `app/icon.svg` (which stays the SVG
 * favicon), with Debian's Chromium: `npm run icons:render`. Nothing is fetched.
 *
 *  - `icon-192.png`, `icon-512.png`: the design as it is (rounded square, transparent corners);
 *  - `apple-touch-icon.png` (180): opaque and square, because iOS rounds the corners itself and
 *    fills transparency with black;
 *  - `icon-maskable-512.png`: square, the background to the edges and the artwork scaled down so
 *    it stays inside the maskable safe zone (a centred circle of 40 % of the size in radius);
 *  - `favicon.ico`: 16, 32 and 48 px PNG images in one ICO file.
 *
 * The SVG's first element must be its background: a `<rect>` covering the whole viewBox.
 * public/manifest.webmanifest lists the PNGs; scripts/public-assets.test.ts checks them.
 */
import fs from "node:fs";
import path from "node:path";
import { chromium } from "@playwright/test";

const root = path.resolve(import.meta.dirname, "..");
const SOURCE = path.join(root, "app/icon.svg");
const OUT_DIR = path.join(root, "public");
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** How the artwork is placed: as drawn, on a square opaque background, or inside the safe zone. */
type Variant = "as-drawn" | "square" | "maskable";

/** Scale of the artwork in the maskable icon: its sun's rays then reach 80 % of the safe zone. */
export const MASKABLE_ARTWORK_SCALE = 0.8;

export const PNG_TARGETS: readonly { file: string; size: number; variant: Variant }[] = [
  { file: "icon-192.png", size: 192, variant: "as-drawn" },
  { file: "icon-512.png", size: 512, variant: "as-drawn" },
  { file: "icon-maskable-512.png", size: 512, variant: "maskable" },
  { file: "apple-touch-icon.png", size: 180, variant: "square" },
];
export const ICO_SIZES = [16, 32, 48] as const;

/**
 * An ICO file holding PNG images (supported by every browser and by Windows since Vista): a
 * 6-byte header, one 16-byte directory entry per image, then the PNG files as they are.
 */
export function encodeIco(images: readonly { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    if (size < 1 || size > 256) throw new Error(`ICO images are 1–256 px, not ${size}`);
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size === 256 ? 0 : size, 0); // width (0 means 256)
    entry.writeUInt8(size === 256 ? 0 : size, 1); // height
    entry.writeUInt8(0, 2); // palette colours: none
    entry.writeUInt8(0, 3); // reserved
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

/** The icon's SVG markup for one variant and pixel size (run in the browser: it uses the DOM). */
function variantSvg({
  source,
  size,
  variant,
  scale,
}: {
  source: string;
  size: number;
  variant: Variant;
  scale: number;
}): string {
  const NS = "http://www.w3.org/2000/svg";
  const doc = new DOMParser().parseFromString(source, "image/svg+xml");
  const svg = doc.documentElement;
  if (svg.localName !== "svg") throw new Error("app/icon.svg is not an SVG document");
  const [x = 0, y = 0, w = size, h = size] = (svg.getAttribute("viewBox") ?? "")
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
  svg.setAttribute("width", String(size));
  svg.setAttribute("height", String(size));
  svg.setAttribute("style", "display:block");
  if (variant === "as-drawn") return new XMLSerializer().serializeToString(svg);

  const background = svg.firstElementChild;
  if (background?.localName !== "rect") {
    throw new Error("app/icon.svg must start with its background <rect>");
  }
  // Square and opaque to the edges: the platform (iOS, Android's mask) shapes it.
  for (const attr of ["rx", "ry"]) background.removeAttribute(attr);
  background.setAttribute("x", String(x));
  background.setAttribute("y", String(y));
  background.setAttribute("width", String(w));
  background.setAttribute("height", String(h));
  if (variant === "maskable") {
    const cx = x + w / 2;
    const cy = y + h / 2;
    const group = doc.createElementNS(NS, "g");
    group.setAttribute(
      "transform",
      `translate(${cx} ${cy}) scale(${scale}) translate(${-cx} ${-cy})`,
    );
    while (background.nextSibling) group.appendChild(background.nextSibling);
    svg.appendChild(group);
  }
  return new XMLSerializer().serializeToString(svg);
}

async function main(): Promise<void> {
  const source = fs.readFileSync(SOURCE, "utf8");
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  try {
    const context = await browser.newContext({ deviceScaleFactor: 1 });
    // Offline by construction: the page is built from a string and may load nothing.
    await context.route("**/*", (route) => route.abort());
    const page = await context.newPage();
    const render = async (size: number, variant: Variant): Promise<Buffer> => {
      await page.setViewportSize({ width: size, height: size });
      await page.setContent(
        "<!doctype html><html><body style='margin:0;background:transparent'></body></html>",
      );
      const markup = await page.evaluate(variantSvg, {
        source,
        size,
        variant,
        scale: MASKABLE_ARTWORK_SCALE,
      });
      await page.evaluate((svg) => {
        document.body.innerHTML = svg;
      }, markup);
      return page.screenshot({
        clip: { x: 0, y: 0, width: size, height: size },
        omitBackground: true,
        type: "png",
      });
    };

    for (const { file, size, variant } of PNG_TARGETS) {
      const png = await render(size, variant);
      fs.writeFileSync(path.join(OUT_DIR, file), png);
      console.log(`[icons] public/${file} ${size}×${size} (${variant}, ${png.length} bytes)`);
    }
    const images: { size: number; png: Buffer }[] = [];
    for (const size of ICO_SIZES) images.push({ size, png: await render(size, "as-drawn") });
    const ico = encodeIco(images);
    fs.writeFileSync(path.join(OUT_DIR, "favicon.ico"), ico);
    console.log(`[icons] public/favicon.ico ${ICO_SIZES.join("/")} px (${ico.length} bytes)`);
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  await main();
}
