"use client";

import "./globals.css";

/** The root layout itself failed: no providers, no header, just a way back. */
export default function GlobalError({
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <html lang="en">
      <body className="grid min-h-dvh place-items-center p-6">
        <div role="alert" className="flex max-w-md flex-col items-start gap-4">
          <h1 className="text-2xl font-semibold">GridTokenX couldn&apos;t load</h1>
          <p className="text-fg-muted text-sm">Something went wrong while starting the app.</p>
          <button
            type="button"
            onClick={reset}
            className="bg-accent text-accent-fg rounded-lg px-4 py-2 text-sm font-medium"
          >
            Try again
          </button>
        </div>
      </body>
    </html>
  );
}
