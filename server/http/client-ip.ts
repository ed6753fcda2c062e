/**
 * The client's address: the first X-Forwarded-For hop (set by the proxy in front of the app),
 * else X-Real-IP, else "unknown". Only meaningful behind a proxy that overwrites these headers;
 * the tRPC context and the meter gateway key their per-IP rate limits on it.
 */
export function clientIp(headers: Headers): string {
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  if (forwarded) return forwarded;
  const real = headers.get("x-real-ip")?.trim();
  if (real) return real;
  return "unknown";
}
