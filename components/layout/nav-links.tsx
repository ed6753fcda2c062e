"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useAuth } from "~/components/auth/auth-provider";
import { isActive, NAV_ITEMS } from "./nav-items";

/** The nav items this user may see: Admin only for a signed-in admin. */
export function useVisibleNavItems() {
  const { user } = useAuth();
  return NAV_ITEMS.filter((item) => !item.adminOnly || user?.role === "admin");
}

/** Horizontal navigation for wide screens. */
export function DesktopNav() {
  const pathname = usePathname();
  const items = useVisibleNavItems();
  return (
    <nav aria-label="Main" className="hidden lg:block">
      <ul className="flex items-center gap-1">
        {items.map(({ href, label, icon: Icon }) => {
          const active = isActive(pathname, href);
          return (
            <li key={href}>
              <Link
                href={href}
                aria-current={active ? "page" : undefined}
                className={`flex items-center gap-2 rounded-lg px-3 py-2 text-sm font-medium transition-colors ${
                  active
                    ? "bg-accent-soft text-accent"
                    : "text-fg-muted hover:bg-surface-muted hover:text-fg"
                }`}
              >
                <Icon width={18} height={18} />
                {label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
