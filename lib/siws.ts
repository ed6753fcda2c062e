/**
 * The sign-in message ("Sign In With Solana", modelled on EIP-4361 / the Solana wallet-standard
 * SIWS text). The server builds the whole text in `auth.challenge`; the wallet signs its UTF-8
 * bytes with `signMessage`; `auth.signIn` parses it back with `parseSiwsMessage` and checks every
 * field. Exact format, lines separated by a single "\n", no trailing newline:
 *
 *   {domain} wants you to sign in with your Solana account:
 *   {address}
 *
 *   {statement}
 *
 *   URI: {uri}
 *   Version: 1
 *   Chain ID: {chainId}
 *   Nonce: {nonce}
 *   Issued At: {issuedAt}
 *   Expiration Time: {expirationTime}
 *   Genesis Hash: {genesisHash}
 *
 * - domain: host[:port], e.g. `localhost:3000` (must equal the server's APP_DOMAIN)
 * - address: the base58 Ed25519 public key (32 bytes) signing in
 * - statement: one line of text, no newline
 * - uri: `http://` or `https://` + domain
 * - chainId: the cluster name (`localnet`, `devnet`, `mainnet-beta`, `testnet`)
 * - nonce: 16–64 base58 characters, issued once by the server
 * - issuedAt / expirationTime: `Date.prototype.toISOString()` form (`2025-01-31T12:00:00.000Z`)
 * - genesisHash: base58 32-byte genesis hash of the cluster (what `getGenesisHash` returns)
 *
 * Parsing is strict: any deviation (extra spaces, CRLF, other order, missing field, trailing
 * newline) is rejected, so what the user saw is exactly what the server interprets.
 * This module has no server dependencies; the browser may use it to display or check a message.
 */
import bs58 from "bs58";

export const SIWS_VERSION = "1";
export const SIWS_STATEMENT =
  "Sign in to GridTokenX. This request does not send a transaction and costs no fee.";

export interface SiwsFields {
  domain: string;
  address: string;
  statement: string;
  uri: string;
  version: typeof SIWS_VERSION;
  chainId: string;
  nonce: string;
  issuedAt: Date;
  expirationTime: Date;
  genesisHash: string;
}

export type SiwsParseResult =
  | { ok: true; fields: SiwsFields }
  | { ok: false; reason: string };

const BASE58 = "[1-9A-HJ-NP-Za-km-z]";
const DOMAIN_RE = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::\d{1,5})?$/;
const NONCE_RE = new RegExp(`^${BASE58}{16,64}$`);
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CHAIN_ID_RE = /^[a-z][a-z0-9-]{0,31}$/;
// Printable, single line: no control characters at all.
// eslint-disable-next-line no-control-regex
const STATEMENT_RE = /^[^\x00-\x1f\x7f]{1,300}$/;

const HEADER_SUFFIX = " wants you to sign in with your Solana account:";

/** True when `s` is base58 for exactly `bytes` bytes (32: public keys and hashes). */
export function isBase58OfLength(s: string, bytes: number): boolean {
  if (!new RegExp(`^${BASE58}+$`).test(s)) return false;
  try {
    return bs58.decode(s).length === bytes;
  } catch {
    return false;
  }
}

export function buildSiwsMessage(f: Omit<SiwsFields, "version"> & { version?: string }): string {
  return [
    `${f.domain}${HEADER_SUFFIX}`,
    f.address,
    "",
    f.statement,
    "",
    `URI: ${f.uri}`,
    `Version: ${f.version ?? SIWS_VERSION}`,
    `Chain ID: ${f.chainId}`,
    `Nonce: ${f.nonce}`,
    `Issued At: ${f.issuedAt.toISOString()}`,
    `Expiration Time: ${f.expirationTime.toISOString()}`,
    `Genesis Hash: ${f.genesisHash}`,
  ].join("\n");
}

function field(line: string | undefined, label: string): string | undefined {
  const prefix = `${label}: `;
  return line?.startsWith(prefix) ? line.slice(prefix.length) : undefined;
}

function parseIso(s: string | undefined): Date | undefined {
  if (!s || !ISO_RE.test(s)) return undefined;
  const d = new Date(s);
  // Round-trip guards against impossible dates such as 2025-02-31 that Date silently rolls over.
  return Number.isNaN(d.getTime()) || d.toISOString() !== s ? undefined : d;
}

export function parseSiwsMessage(message: string): SiwsParseResult {
  const fail = (reason: string): SiwsParseResult => ({ ok: false, reason });
  if (message.length > 2048) return fail("message too long");
  const lines = message.split("\n");
  if (lines.length !== 12) return fail(`expected 12 lines, got ${lines.length}`);
  const [header, address, blank1, statement, blank2, uriL, versionL, chainL, nonceL, iatL, expL, ghL] =
    lines;

  if (!header?.endsWith(HEADER_SUFFIX)) return fail("bad header line");
  const domain = header.slice(0, -HEADER_SUFFIX.length);
  if (!DOMAIN_RE.test(domain)) return fail("bad domain");
  if (!address || !isBase58OfLength(address, 32)) return fail("bad address");
  if (blank1 !== "" || blank2 !== "") return fail("missing blank line around the statement");
  if (!statement || !STATEMENT_RE.test(statement)) return fail("bad statement");

  const uri = field(uriL, "URI");
  if (uri !== `http://${domain}` && uri !== `https://${domain}`) return fail("bad URI");
  if (field(versionL, "Version") !== SIWS_VERSION) return fail("bad version");
  const chainId = field(chainL, "Chain ID");
  if (!chainId || !CHAIN_ID_RE.test(chainId)) return fail("bad chain id");
  const nonce = field(nonceL, "Nonce");
  if (!nonce || !NONCE_RE.test(nonce)) return fail("bad nonce");
  const issuedAt = parseIso(field(iatL, "Issued At"));
  if (!issuedAt) return fail("bad issued-at time");
  const expirationTime = parseIso(field(expL, "Expiration Time"));
  if (!expirationTime) return fail("bad expiration time");
  if (expirationTime <= issuedAt) return fail("expiration is not after issue time");
  const genesisHash = field(ghL, "Genesis Hash");
  if (!genesisHash || !isBase58OfLength(genesisHash, 32)) return fail("bad genesis hash");

  return {
    ok: true,
    fields: {
      domain,
      address,
      statement,
      uri,
      version: SIWS_VERSION,
      chainId,
      nonce,
      issuedAt,
      expirationTime,
      genesisHash,
    },
  };
}
