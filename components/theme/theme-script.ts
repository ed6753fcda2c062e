/**
 * The one place that knows how the theme is stored. The inline script runs in <head> before the
 * first paint, so a stored "dark" (or a dark system preference) never flashes light.
 */
export const THEME_STORAGE_KEY = "gtx-theme";

export type ThemePreference = "light" | "dark" | "system";

/** Self-contained: it is serialised into the page, so it may not close over anything. */
function applyStoredTheme(storageKey: string) {
  try {
    const stored = window.localStorage.getItem(storageKey);
    const dark =
      stored === "dark" ||
      (stored !== "light" && window.matchMedia("(prefers-color-scheme: dark)").matches);
    const root = document.documentElement;
    root.classList.toggle("dark", dark);
    root.style.colorScheme = dark ? "dark" : "light";
  } catch {
    // Storage blocked (private mode, sandboxed frame): the light default stays.
  }
}

export const themeScript = `(${applyStoredTheme.toString()})(${JSON.stringify(THEME_STORAGE_KEY)})`;
