/** One part of a `multipart/form-data` body, as Kubo's `add` receives them. */
export interface Part {
  /** The file name (URL-decoded, as kubo-rpc-client and the `ipfs` CLI encode it); "" when absent. */
  readonly name: string;
  readonly isDirectory: boolean;
  readonly content: Uint8Array;
}

export class MultipartError extends Error {
  override readonly name = "MultipartError";
}

/** The boundary of a `multipart/form-data; boundary=…` content type. */
export const boundaryOf = (contentType: string | undefined): string => {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? "");
  const boundary = match?.[1] ?? match?.[2];
  if (!contentType?.toLowerCase().startsWith("multipart/") || boundary === undefined) {
    throw new MultipartError(`expected a multipart/form-data body, got content-type "${contentType ?? ""}"`);
  }
  return boundary.trim();
};

const headerValue = (headers: string, name: string): string | undefined =>
  new RegExp(`^${name}:\\s*(.*)$`, "im").exec(headers)?.[1]?.trim();

const param = (header: string | undefined, name: string): string | undefined => {
  const match =
    new RegExp(`${name}="([^"]*)"`, "i").exec(header ?? "") ?? new RegExp(`${name}=([^;]*)`, "i").exec(header ?? "");
  return match?.[1];
};

const decodeName = (name: string): string => {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
};

/** Splits a whole multipart body into parts (bodies here are small: subgraph files, metadata). */
export const parseMultipart = (body: Buffer, boundary: string): Part[] => {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let start = body.indexOf(delimiter);
  if (start < 0) throw new MultipartError("multipart body has no boundary");
  for (;;) {
    start += delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break; // the closing delimiter
    start += 2; // CRLF after the delimiter
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw new MultipartError("multipart body is truncated");
    const headerEnd = body.indexOf("\r\n\r\n", start);
    if (headerEnd < 0 || headerEnd > next) throw new MultipartError("multipart part has no header end");
    const headers = body.subarray(start, headerEnd).toString("utf8");
    const content = body.subarray(headerEnd + 4, next - 2); // minus the CRLF before the delimiter
    const disposition = headerValue(headers, "content-disposition");
    const type = headerValue(headers, "content-type") ?? "application/octet-stream";
    parts.push({
      name: decodeName(param(disposition, "filename") ?? ""),
      isDirectory: type.toLowerCase().startsWith("application/x-directory"),
      content,
    });
    start = next;
  }
  return parts;
};
