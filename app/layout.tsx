import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
import { SiteHeader } from "~/components/layout/site-header";
import { AppProviders } from "~/components/providers/app-providers";
import { themeScript } from "~/components/theme/theme-script";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "GridTokenX", template: "%s · GridTokenX" },
  description:
    "Peer-to-peer solar energy market on Solana: sell your surplus kWh to your neighbours, non-custodially.",
  applicationName: "GridTokenX",
  manifest: "/manifest.webmanifest",
  // Icons listed here replace Next's own link to app/icon.svg, so it is listed too. The ICO
  // (public/, from scripts/render-icons.ts) is for browsers without SVG favicons; its `sizes`
  // keeps the others on the SVG.
  icons: {
    icon: [
      { url: "/favicon.ico", sizes: "32x32" },
      { url: "/icon.svg", type: "image/svg+xml" },
    ],
    apple: [{ url: "/apple-touch-icon.png", sizes: "180x180", type: "image/png" }],
  },
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#fbfaf7" },
    { media: "(prefers-color-scheme: dark)", color: "#15171c" },
  ],
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    // The theme script sets class/style on <html> before React hydrates.
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
      </head>
      <body className="min-h-dvh">
        <a
          href="#main"
          className="bg-accent text-accent-fg sr-only z-50 rounded-lg px-3 py-2 focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
        >
          Skip to content
        </a>
        <AppProviders>
          <SiteHeader />
          <main id="main" className="mx-auto w-full max-w-7xl px-4 py-6 sm:px-6 sm:py-10">
            {children}
          </main>
          <footer className="text-fg-muted mx-auto max-w-7xl px-4 pb-8 text-xs sm:px-6">
            GridTokenX is non-custodial: every transfer of your tokens is signed by your own wallet.
          </footer>
        </AppProviders>
      </body>
    </html>
  );
}
