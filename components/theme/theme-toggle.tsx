"use client";

import { MonitorIcon, MoonIcon, SunIcon } from "~/components/ui/icons";
import type { ThemePreference } from "./theme-script";
import { setThemePreference, useTheme } from "./theme-store";

const ORDER: ThemePreference[] = ["system", "light", "dark"];
const LABEL: Record<ThemePreference, string> = { system: "System", light: "Light", dark: "Dark" };
const ICON = { system: MonitorIcon, light: SunIcon, dark: MoonIcon } as const;

/** One button that cycles System → Light → Dark; the choice is remembered in this browser. */
export function ThemeToggle({ className = "" }: { className?: string }) {
  const theme = useTheme();
  const preference = theme?.preference ?? "system";
  const next = ORDER[(ORDER.indexOf(preference) + 1) % ORDER.length] ?? "system";
  const Icon = ICON[preference];
  return (
    <button
      type="button"
      onClick={() => setThemePreference(next)}
      className={`text-fg-muted hover:bg-surface-muted hover:text-fg grid size-10 place-items-center rounded-lg ${className}`}
      aria-label={`Theme: ${LABEL[preference]}${theme ? ` (${theme.resolved})` : ""}. Switch to ${LABEL[next]}`}
      title={`Theme: ${LABEL[preference]}`}
      data-theme-preference={theme ? preference : undefined}
    >
      {/* Before hydration the stored choice is unknown: keep the slot, draw nothing. */}
      {theme ? <Icon /> : <span className="size-5" />}
    </button>
  );
}

/** Three explicit choices, for the phone menu where there is room. */
export function ThemeSegmented() {
  const theme = useTheme();
  return (
    <div
      role="radiogroup"
      aria-label="Theme"
      className="bg-surface-muted grid grid-cols-3 gap-1 rounded-lg p-1"
    >
      {ORDER.map((value) => {
        const Icon = ICON[value];
        const checked = theme?.preference === value;
        return (
          <button
            key={value}
            type="button"
            role="radio"
            aria-checked={checked}
            onClick={() => setThemePreference(value)}
            className={`flex items-center justify-center gap-1.5 rounded-md px-2 py-1.5 text-xs font-medium ${
              checked ? "bg-surface text-fg shadow-sm" : "text-fg-muted hover:text-fg"
            }`}
          >
            <Icon width={16} height={16} />
            {LABEL[value]}
          </button>
        );
      })}
    </div>
  );
}
