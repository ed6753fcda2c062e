/**
 * The e2e suite creates databases, signs in test wallets and (later) moves test tokens. It must
 * never be pointed at anything but this machine: every URL it uses has to be loopback.
 */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return LOOPBACK_HOSTS.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
  } catch {
    return false;
  }
}

/** Throws unless every given URL (unset ones are skipped) points at this machine. */
export function assertLocalOnly(urls: Record<string, string | undefined>): void {
  const offenders = Object.entries(urls).filter(
    ([, url]) => url !== undefined && url !== "" && url !== "none" && !isLoopbackUrl(url),
  );
  if (offenders.length) {
    throw new Error(
      `The e2e suite only runs against this machine; refusing non-loopback ${offenders
        .map(([name, url]) => `${name}=${url}`)
        .join(", ")}`,
    );
  }
}
