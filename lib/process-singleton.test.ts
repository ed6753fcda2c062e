import { describe, expect, it } from "vitest";
import { dropProcessSingleton, processSingleton } from "./process-singleton";
import type * as Module from "./process-singleton";

describe("processSingleton", () => {
  it("builds once per name and key, again when the key changes or after a drop", () => {
    let built = 0;
    const make = () => ({ n: ++built });
    const a = processSingleton("test:one", "k1", make);
    expect(processSingleton("test:one", "k1", make)).toBe(a);
    const b = processSingleton("test:one", "k2", make);
    expect(b).not.toBe(a);
    dropProcessSingleton("test:one");
    expect(processSingleton("test:one", "k2", make)).not.toBe(b);
    expect(built).toBe(3);
    dropProcessSingleton("test:one");
  });

  it("is shared through globalThis, so a second copy of the module sees the same value", async () => {
    const value = processSingleton("test:shared", "", () => ({}));
    const copy = (await import(`./process-singleton?copy=${Date.now()}`)) as typeof Module;
    expect(copy.processSingleton).not.toBe(processSingleton);
    expect(copy.processSingleton("test:shared", "", () => ({}))).toBe(value);
    dropProcessSingleton("test:shared");
  });
});
