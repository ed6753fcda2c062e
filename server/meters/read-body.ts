/**
 * Reads a JSON request body without trusting the client: the media type first, then the declared
 * length, then the stream itself is counted chunk by chunk and dropped the moment it passes the
 * cap, so an oversize or endless body is refused without being buffered. Only then is it decoded
 * (strict UTF-8: invalid and over-long sequences are refused) and parsed.
 */
import { AppError } from "~/server/errors";

const JSON_MEDIA = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!JSON_MEDIA.test(type.trim())) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "send the body as application/json (UTF-8)");
  }
  const encoding = request.headers.get("content-encoding");
  if (encoding && encoding.trim().toLowerCase() !== "identity") {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "compressed bodies are not accepted");
  }
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) {
    throw new AppError("PAYLOAD_TOO_LARGE", `the body may be at most ${maxBytes} bytes`);
  }

  const chunks: Uint8Array[] = [];
  let total = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new AppError("PAYLOAD_TOO_LARGE", `the body may be at most ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  }
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);

  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("MALFORMED_JSON", "the body is not valid UTF-8");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new AppError(
      "MALFORMED_JSON",
      total === 0 ? "the body is empty" : "the body is not well-formed JSON",
    );
  }
}
