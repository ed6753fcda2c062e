"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";
import { CloseIcon } from "./icons";

interface DialogProps {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  children: ReactNode;
  /** "center" for a dialog, "left" for a navigation drawer. */
  placement?: "center" | "left";
  className?: string;
}

/**
 * A modal on the native <dialog> element: focus moves in and is trapped, Escape and a click on
 * the backdrop close it, and the rest of the page is inert while it is open.
 */
export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  placement = "center",
  className = "",
}: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  const placementClass =
    placement === "left"
      ? "m-0 h-dvh max-h-dvh w-[min(20rem,85vw)] max-w-none rounded-none rounded-r-2xl border-r"
      : "m-auto w-[min(28rem,calc(100vw-2rem))] rounded-2xl border";

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      onClose={onClose}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClick={(event) => {
        // A click on the ::backdrop lands on the <dialog> itself.
        if (event.target === event.currentTarget) onClose();
      }}
      className={`border-line bg-surface text-fg p-0 shadow-2xl ${placementClass} ${className}`}
    >
      {open ? (
        <div className="flex h-full flex-col gap-4 p-5">
          <div className="flex items-start justify-between gap-4">
            <div className="min-w-0">
              <h2 id={titleId} className="text-lg font-semibold">
                {title}
              </h2>
              {description ? (
                <div id={descriptionId} className="text-fg-muted mt-1 text-sm">
                  {description}
                </div>
              ) : null}
            </div>
            <button
              type="button"
              onClick={onClose}
              className="bg-surface-muted text-fg-muted hover:text-fg -mt-1 -mr-1 grid size-8 shrink-0 place-items-center rounded-full"
              aria-label="Close"
            >
              <CloseIcon width={16} height={16} />
            </button>
          </div>
          {children}
        </div>
      ) : null}
    </dialog>
  );
}
