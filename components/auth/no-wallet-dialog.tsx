"use client";

import { buttonClasses } from "~/components/ui/button";
import { Dialog } from "~/components/ui/dialog";

/** Shown instead of the wallet picker when the browser has no Solana wallet at all. */
export function NoWalletDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="No Solana wallet found"
      description="GridTokenX never holds your keys: you trade from your own wallet."
    >
      <div className="flex flex-col gap-3 text-sm">
        <p>
          Install a Solana wallet that supports the Wallet Standard — for example Phantom — then
          reload this page. It will appear in the list automatically.
        </p>
        <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
          <button type="button" className={buttonClasses("secondary")} onClick={onClose}>
            Close
          </button>
          <a
            className={buttonClasses("primary")}
            href="https://phantom.com/download"
            target="_blank"
            rel="noreferrer noopener"
          >
            Get Phantom
          </a>
        </div>
      </div>
    </Dialog>
  );
}
