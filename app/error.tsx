"use client";

import { useEffect } from "react";
import { Button } from "~/components/ui/button";

/** A page crashed while rendering: say so, keep the header and navigation usable. */
export default function PageError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div role="alert" className="flex flex-col items-start gap-4 py-10">
      <h1 className="text-2xl font-semibold">Something went wrong on this page</h1>
      <p className="text-fg-muted max-w-prose text-sm">
        The rest of the app still works. Try again; if it keeps happening, reload the page.
        {error.digest ? (
          <span className="mt-1 block font-mono text-xs">Reference: {error.digest}</span>
        ) : null}
      </p>
      <Button onClick={reset}>Try again</Button>
    </div>
  );
}
