"use client";

import { useSyncExternalStore } from "react";
import { THEME_STORAGE_KEY, type ThemePreference } from "./theme-script";

const CHANGE_EVENT = "gtx-theme-change";
const DARK_QUERY = "(prefers-color-scheme: dark)";

function readPreference(): ThemePreference {
  try {
    const stored = window.localStorage.getItem(THEME_STORAGE_KEY);
    return stored === "light" || stored === "dark" ? stored : "system";
  } catch {
    return "system";
  }
}

function systemIsDark(): boolean {
  return window.matchMedia(DARK_QUERY).matches;
}

function apply(preference: ThemePreference) {
  const dark = preference === "dark" || (preference === "system" && systemIsDark());
  const root = document.documentElement;
  root.classList.toggle("dark", dark);
  root.style.colorScheme = dark ? "dark" : "light";
}

export function setThemePreference(preference: ThemePreference) {
  try {
    if (preference === "system") window.localStorage.removeItem(THEME_STORAGE_KEY);
    else window.localStorage.setItem(THEME_STORAGE_KEY, preference);
  } catch {
    // Not persisted; still applied for this page.
  }
  apply(preference);
  window.dispatchEvent(new Event(CHANGE_EVENT));
}

function subscribe(onChange: () => void) {
  const media = window.matchMedia(DARK_QUERY);
  const onSystemChange = () => {
    // Following the system: re-apply when it flips.
    if (readPreference() === "system") apply("system");
    onChange();
  };
  const onStorage = (event: StorageEvent) => {
    // Another tab changed the theme.
    if (event.key === THEME_STORAGE_KEY || event.key === null) {
      apply(readPreference());
      onChange();
    }
  };
  media.addEventListener("change", onSystemChange);
  window.addEventListener("storage", onStorage);
  window.addEventListener(CHANGE_EVENT, onChange);
  return () => {
    media.removeEventListener("change", onSystemChange);
    window.removeEventListener("storage", onStorage);
    window.removeEventListener(CHANGE_EVENT, onChange);
  };
}

export interface ThemeState {
  preference: ThemePreference;
  resolved: "light" | "dark";
}

// Snapshots must be referentially stable between calls when nothing changed.
let cached: ThemeState | null = null;
function getSnapshot(): ThemeState {
  const preference = readPreference();
  const resolved = document.documentElement.classList.contains("dark") ? "dark" : "light";
  if (cached?.preference !== preference || cached.resolved !== resolved) {
    cached = { preference, resolved };
  }
  return cached;
}

/** null during server rendering and hydration: the stored choice is only known in the browser. */
export function useTheme(): ThemeState | null {
  return useSyncExternalStore(subscribe, getSnapshot, () => null);
}
