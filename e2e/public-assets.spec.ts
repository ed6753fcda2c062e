/**
 * The static files of public/ as the production app serves them (status and content type), and
 * the root layout's <head> linking the manifest, the favicons and the apple-touch-icon.
 * scripts/public-assets.test.ts checks the files' contents.
 */
import { expect, test } from "./fixtures/app";

const ASSETS = [
  { path: "/manifest.webmanifest", type: /^application\/manifest\+json/ },
  { path: "/robots.txt", type: /^text\/plain/ },
  { path: "/apple-touch-icon.png", type: /^image\/png$/ },
  { path: "/icon-192.png", type: /^image\/png$/ },
  { path: "/icon-512.png", type: /^image\/png$/ },
  { path: "/icon-maskable-512.png", type: /^image\/png$/ },
  { path: "/favicon.ico", type: /^image\/(x-icon|vnd\.microsoft\.icon)$/ },
  { path: "/icon.svg", type: /^image\/svg\+xml/ },
] as const;

for (const { path, type } of ASSETS) {
  test(`serves ${path}`, async ({ request }) => {
    const response = await request.get(path);
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toMatch(type);
    expect((await response.body()).length).toBeGreaterThan(0);
  });
}

test("the manifest names the app and its icons are served", async ({ request }) => {
  const response = await request.get("/manifest.webmanifest");
  const manifest = (await response.json()) as {
    name: string;
    start_url: string;
    icons: { src: string; type: string }[];
  };
  expect(manifest.name).toBe("GridTokenX");
  expect(manifest.start_url).toBe("/");
  for (const icon of manifest.icons) {
    const served = await request.get(icon.src);
    expect(served.status(), icon.src).toBe(200);
    expect(served.headers()["content-type"], icon.src).toContain(icon.type);
  }
});

test("robots.txt keeps crawlers out of the API and the admin console", async ({ request }) => {
  const text = await (await request.get("/robots.txt")).text();
  expect(text).toMatch(/^User-agent: \*$/m);
  expect(text).toMatch(/^Disallow: \/api\/$/m);
  expect(text).toMatch(/^Disallow: \/admin$/m);
});

test("the page's <head> links the manifest, the favicons and the apple-touch-icon", async ({
  page,
}) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  const head = page.locator("head");
  await expect(head.locator('link[rel="manifest"]')).toHaveAttribute(
    "href",
    "/manifest.webmanifest",
  );
  await expect(head.locator('link[rel="apple-touch-icon"]')).toHaveAttribute(
    "href",
    "/apple-touch-icon.png",
  );
  await expect(head.locator('link[rel="apple-touch-icon"]')).toHaveAttribute("sizes", "180x180");
  await expect(head.locator('link[rel="icon"][href="/favicon.ico"]')).toHaveCount(1);
  await expect(head.locator('link[rel="icon"][type="image/svg+xml"]')).toHaveAttribute(
    "href",
    "/icon.svg",
  );
  await expect(head.locator('meta[name="theme-color"]')).toHaveCount(2);
});
