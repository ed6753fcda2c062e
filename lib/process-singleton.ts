/**
 * One value per process. Next.js may load a module once per route bundle and again on every dev
 * reload, so module-level state (the database handle, fallback counters, the event bus, a running
 * poller) is kept on globalThis under one symbol instead, and every copy of the module sees it.
 * Server-only in practice: the browser has one bundle and no use for it.
 */
type Store = Map<string, { key: string; value: unknown }>;

function store(): Store {
  const root = globalThis as unknown as Record<symbol, Store | undefined>;
  return (root[Symbol.for("gridtokenx.process-singleton")] ??= new Map() as Store);
}

/**
 * The process's value for `name`, rebuilt only when `key` (the settings it was built from)
 * changes.
 */
export function processSingleton<T>(name: string, key: string, create: () => T): T {
  const s = store();
  const hit = s.get(name);
  if (hit?.key === key) return hit.value as T;
  const value = create();
  s.set(name, { key, value });
  return value;
}

/** Forgets `name`, so the next processSingleton call builds it again (after a failure, or once a run ends). */
export function dropProcessSingleton(name: string): void {
  store().delete(name);
}
