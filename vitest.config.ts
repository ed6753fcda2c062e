import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": fileURLToPath(new URL("./", import.meta.url)) } },
  test: {
    include: ["**/*.test.ts", "**/*.test.tsx"],
    exclude: ["node_modules/**", ".next/**", "e2e/**", ".data/**", ".cache/**"],
    environment: "node",
    pool: "forks",
    // Two cores: two workers; integration tests talk to real servers and the SVM.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ["./scripts/vitest-global-setup.ts"],
    env: { SKIP_ENV_VALIDATION: "", NODE_ENV: "test" },
  },
});
