"use client";

import { useState, type ReactNode } from "react";
import { Button } from "~/components/ui/button";
import {
  AlertIcon,
  CheckIcon,
  ChevronDownIcon,
  CopyIcon,
  LogOutIcon,
  UnplugIcon,
  WalletIcon,
} from "~/components/ui/icons";
import { Menu, MenuItem } from "~/components/ui/menu";
import { roleLabel, shortAddress } from "~/lib/format";
import { useAuth } from "./auth-provider";
import { RoleBadge } from "./role-badge";

const pillClass =
  "border-line bg-surface hover:bg-surface-muted flex h-10 items-center gap-2 whitespace-nowrap rounded-full border pl-3 pr-2.5 text-sm font-medium";

/**
 * The header's wallet and session control:
 * Connect wallet → Sign in (wallet connected) → address + role badge with a menu
 * (copy address, Sign out, Disconnect).
 */
export function AccountControl() {
  const auth = useAuth();

  if (auth.status === "loading") {
    return (
      <div
        className="bg-surface-muted h-10 w-28 animate-pulse rounded-full sm:w-36"
        aria-busy="true"
        aria-label="Loading your session"
      />
    );
  }

  if (auth.status === "error" && !auth.user) {
    return (
      <Button
        variant="secondary"
        size="sm"
        onClick={auth.retrySession}
        title={auth.sessionError ?? ""}
      >
        <AlertIcon width={16} height={16} className="text-danger" />
        <span>Offline · Retry</span>
      </Button>
    );
  }

  if (auth.user) return <SignedInMenu />;

  if (auth.walletAddress) {
    return (
      <div className="flex items-center gap-2">
        <Menu
          ariaLabel={`Wallet ${auth.walletAddress}`}
          triggerClassName={`${pillClass} hidden sm:flex`}
          label={
            <>
              <WalletDot connected />
              <span className="font-mono">{shortAddress(auth.walletAddress)}</span>
              <ChevronDownIcon width={16} height={16} className="text-fg-muted" />
            </>
          }
        >
          {(close) => (
            <>
              <AddressHeader
                address={auth.walletAddress ?? ""}
                caption="Connected, not signed in"
              />
              <MenuItem
                icon={<WalletIcon width={18} height={18} />}
                onSelect={() => {
                  close();
                  auth.openConnect();
                }}
              >
                Change wallet
              </MenuItem>
              <MenuItem
                icon={<UnplugIcon width={18} height={18} />}
                onSelect={() => {
                  close();
                  void auth.disconnect();
                }}
              >
                Disconnect
              </MenuItem>
            </>
          )}
        </Menu>
        <Button onClick={auth.openSignIn}>Sign in</Button>
      </div>
    );
  }

  return (
    <Button onClick={auth.openConnect} busy={auth.walletConnecting}>
      <WalletIcon width={18} height={18} />
      {auth.walletConnecting ? "Connecting…" : "Connect wallet"}
    </Button>
  );
}

function SignedInMenu() {
  const auth = useAuth();
  const user = auth.user;
  if (!user) return null;
  const walletMatches = auth.walletAddress === user.wallet;

  return (
    <Menu
      ariaLabel={`Account ${user.wallet}, ${roleLabel(user.role)}`}
      triggerClassName={pillClass}
      label={
        <>
          <WalletDot connected={walletMatches} />
          <span className="font-mono" data-testid="account-address">
            {shortAddress(user.wallet)}
          </span>
          {/* Below 480 px the header keeps the network and live badges instead; the role is in the menu
              and the drawer. */}
          <span className="hidden min-[480px]:inline-flex">
            <RoleBadge role={user.role} />
          </span>
          <ChevronDownIcon width={16} height={16} className="text-fg-muted" />
        </>
      }
    >
      {(close) => (
        <>
          <AddressHeader
            address={user.wallet}
            caption={user.name ? `Signed in as ${user.name}` : "Signed in"}
            badge={<RoleBadge role={user.role} />}
          />
          {!walletMatches ? (
            <p className="text-fg-muted border-line border-b px-4 py-2 text-xs">
              Your wallet isn&apos;t connected. Reconnect it to sign transactions.
            </p>
          ) : null}
          {!walletMatches ? (
            <MenuItem
              icon={<WalletIcon width={18} height={18} />}
              onSelect={() => {
                close();
                auth.openConnect();
              }}
            >
              Connect wallet
            </MenuItem>
          ) : null}
          <MenuItem
            icon={<LogOutIcon width={18} height={18} />}
            disabled={auth.signingOut}
            onSelect={() => {
              close();
              void auth.signOut();
            }}
          >
            Sign out
          </MenuItem>
          {walletMatches ? (
            <MenuItem
              icon={<UnplugIcon width={18} height={18} />}
              onSelect={() => {
                close();
                void auth.disconnect();
              }}
            >
              Disconnect wallet
            </MenuItem>
          ) : null}
        </>
      )}
    </Menu>
  );
}

function WalletDot({ connected }: { connected: boolean }) {
  return (
    <span
      aria-hidden="true"
      className={`size-2.5 rounded-full ${connected ? "bg-accent" : "bg-fg-muted/50"}`}
    />
  );
}

function AddressHeader({
  address,
  caption,
  badge,
}: {
  address: string;
  caption: string;
  badge?: ReactNode;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="border-line flex flex-col gap-1.5 border-b px-4 py-3">
      <div className="flex items-center justify-between gap-2">
        <span className="text-fg-muted text-xs">{caption}</span>
        {badge}
      </div>
      <div className="flex items-start gap-2">
        <span className="min-w-0 flex-1 font-mono text-xs break-all">{address}</span>
        <button
          type="button"
          className="text-fg-muted hover:text-fg -m-1 shrink-0 rounded p-1"
          aria-label={copied ? "Address copied" : "Copy address"}
          onClick={() => {
            void navigator.clipboard?.writeText(address).then(() => setCopied(true));
          }}
        >
          {copied ? <CheckIcon width={16} height={16} /> : <CopyIcon width={16} height={16} />}
        </button>
      </div>
    </div>
  );
}
