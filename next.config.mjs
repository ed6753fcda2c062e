// Validate the environment when the app builds and when it starts: a bad value fails here.
import "./env.js";

/** @type {import("next").NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // PGlite loads WASM through createRequire; bundling it breaks that. Native/Node-only packages
  // stay external too.
  serverExternalPackages: ["@electric-sql/pglite", "postgres", "ioredis", "litesvm"],
  outputFileTracingIncludes: { "/**": ["./db/migrations/**/*"] },
  typescript: { tsconfigPath: "tsconfig.json" },
};

export default nextConfig;
