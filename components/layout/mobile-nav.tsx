"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import { useAuth } from "~/components/auth/auth-provider";
import { RoleBadge } from "~/components/auth/role-badge";
import { ThemeSegmented } from "~/components/theme/theme-toggle";
import { Button } from "~/components/ui/button";
import { Dialog } from "~/components/ui/dialog";
import { MenuIcon } from "~/components/ui/icons";
import { shortAddress } from "~/lib/format";
import { useVisibleNavItems } from "./nav-links";
import { isActive } from "./nav-items";

/** Below the `lg` breakpoint: a menu button that opens a drawer with every page. */
export function MobileNav() {
  const [open, setOpen] = useState(false);
  const pathname = usePathname();
  const items = useVisibleNavItems();
  const auth = useAuth();
  const close = () => setOpen(false);

  return (
    <div className="lg:hidden">
      <button
        type="button"
        onClick={() => setOpen(true)}
        className="text-fg hover:bg-surface-muted grid size-10 place-items-center rounded-lg"
        aria-label="Open menu"
        aria-expanded={open}
      >
        <MenuIcon />
      </button>
      <Dialog open={open} onClose={close} title="GridTokenX" placement="left">
        <nav aria-label="Main" className="-mx-2">
          <ul className="flex flex-col gap-1">
            {items.map(({ href, label, icon: Icon }) => {
              const active = isActive(pathname, href);
              return (
                <li key={href}>
                  <Link
                    href={href}
                    onClick={close}
                    aria-current={active ? "page" : undefined}
                    className={`flex items-center gap-3 rounded-lg px-3 py-2.5 text-base font-medium ${
                      active ? "bg-accent-soft text-accent" : "text-fg hover:bg-surface-muted"
                    }`}
                  >
                    <Icon />
                    {label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>

        <div className="border-line mt-auto flex flex-col gap-3 border-t pt-4">
          {auth.user ? (
            <div className="flex items-center justify-between gap-2 text-sm">
              <span className="font-mono">{shortAddress(auth.user.wallet)}</span>
              <RoleBadge role={auth.user.role} />
            </div>
          ) : auth.walletAddress ? (
            <p className="text-fg-muted text-sm">
              Connected as{" "}
              <span className="text-fg font-mono">{shortAddress(auth.walletAddress)}</span>, not
              signed in.
            </p>
          ) : (
            <p className="text-fg-muted text-sm">No wallet connected.</p>
          )}
          <div className="flex flex-wrap gap-2">
            {auth.user ? (
              <Button variant="secondary" size="sm" onClick={() => void auth.signOut().then(close)}>
                Sign out
              </Button>
            ) : null}
            {auth.walletAddress ? (
              <>
                {!auth.user ? (
                  <Button
                    size="sm"
                    onClick={() => {
                      close();
                      auth.openSignIn();
                    }}
                  >
                    Sign in
                  </Button>
                ) : null}
                <Button
                  variant="secondary"
                  size="sm"
                  onClick={() => void auth.disconnect().then(close)}
                >
                  Disconnect
                </Button>
              </>
            ) : (
              <Button
                size="sm"
                onClick={() => {
                  close();
                  auth.openConnect();
                }}
              >
                Connect wallet
              </Button>
            )}
          </div>
          <ThemeSegmented />
        </div>
      </Dialog>
    </div>
  );
}
