import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type UnixFS, unixfs } from "@helia/unixfs";
import * as dagPb from "@ipld/dag-pb";
import { MemoryBlockstore } from "blockstore-core/memory";
import { type ImportCandidate, type ImporterOptions, importer } from "ipfs-unixfs-importer";
import { CID } from "multiformats/cid";
import { sha256 } from "multiformats/hashes/sha2";
import { FsBlockstore } from "./FsBlockstore.js";
import { type Part, boundaryOf, parseMultipart } from "./multipart.js";

/** The empty unixfs directory: graph-node probes `HEAD /ipfs/<this>` before it starts. */
export const EMPTY_DIRECTORY_CID = "QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn";

/**
 * Kubo's `ipfs add` defaults (the "unixfs-v0-2015" profile): CIDv0, dag-pb leaves of type file, 256 KiB chunks,
 * 174 links per node, balanced layout. With them a file gets the same CID here as in Kubo.
 */
export const KUBO_ADD_DEFAULTS: ImporterOptions = {
  profile: "unixfs-v0-2015",
  cidVersion: 0,
  rawLeaves: false,
  leafType: "file",
  reduceSingleLeafToSelf: true,
  wrapWithDirectory: false,
};

export interface IpfsOptions {
  /** TCP port; 0 (the default) lets the OS pick a free one. */
  readonly port?: number;
  readonly host?: string;
  /** Keep blocks in this folder (survives restarts); default in memory. */
  readonly dir?: string;
}

export interface IpfsEndpoint {
  /** `http://host:port`: gateway at `/ipfs/…`, RPC at `/api/v0/…`. */
  readonly url: string;
  /** `host:port`, the form gnd's `--ipfs` and graph-cli's `--ipfs` accept. */
  readonly address: string;
  readonly port: number;
  readonly close: () => Promise<void>;
}

type Blockstore = MemoryBlockstore | FsBlockstore;

/** An error answered as Kubo does (`{ Message, Code, Type }`) with an HTTP status. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const NOT_FOUND_NAMES = new Set(["NotFoundError", "DoesNotExistError"]);
const BAD_REQUEST_NAMES = new Set([
  "NotAFileError",
  "NotADirectoryError",
  "NoContentError",
  "NotUnixFSError",
  "InvalidParametersError",
]);

const toHttpError = (error: unknown): HttpError => {
  if (error instanceof HttpError) return error;
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  if (NOT_FOUND_NAMES.has(name)) return new HttpError(404, `not found: ${message}`);
  if (BAD_REQUEST_NAMES.has(name)) return new HttpError(400, message);
  return new HttpError(500, message);
};

/** `Qm…`, `Qm…/a/b` or `/ipfs/Qm…/a/b` → the root CID and the path inside it. */
const parseIpfsPath = (arg: string | null): { cid: CID; path: string } => {
  if (arg === null || arg === "") throw new HttpError(400, 'argument "arg" is required');
  const [root = "", ...rest] = arg.replace(/^\/?ipfs\//, "").split("/");
  let cid: CID;
  try {
    cid = CID.parse(root);
  } catch {
    throw new HttpError(400, `invalid CID "${root}"`);
  }
  return {
    cid,
    path: rest
      .filter((s) => s !== "")
      .map(decodeURIComponent)
      .join("/"),
  };
};

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

const blockBytes = async (store: Blockstore, cid: CID): Promise<Uint8Array> => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of store.get(cid)) chunks.push(chunk);
  return Buffer.concat(chunks);
};

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { "content-type": "application/json" }).end(`${JSON.stringify(body)}\n`);
};

const flag = (query: URLSearchParams, name: string): boolean | undefined => {
  const value = query.get(name);
  return value === null ? undefined : value === "" || value === "true" || value === "1";
};

const addOptions = (query: URLSearchParams): ImporterOptions => {
  const cidVersion = query.get("cid-version");
  if (cidVersion !== null && cidVersion !== "0" && cidVersion !== "1")
    throw new HttpError(400, `cid-version must be 0 or 1, got ${cidVersion}`);
  const rawLeaves = flag(query, "raw-leaves");
  const chunker = query.get("chunker");
  if (chunker !== null && chunker !== "size-262144")
    throw new HttpError(400, `only the default chunker (size-262144) is supported, got ${chunker}`);
  return {
    ...KUBO_ADD_DEFAULTS,
    // Kubo: CIDv1 implies raw leaves unless raw-leaves says otherwise.
    ...(cidVersion === "1"
      ? { cidVersion: 1, rawLeaves: rawLeaves ?? true }
      : rawLeaves !== undefined
        ? { rawLeaves }
        : {}),
    wrapWithDirectory: flag(query, "wrap-with-directory") ?? false,
  };
};

/** Every block of a DAG (dag-pb links followed; raw blocks are leaves). Throws NotFoundError on the first gap. */
const walkDag = async (store: Blockstore, root: CID): Promise<number> => {
  const seen = new Set<string>();
  const queue = [root];
  for (let cid = queue.pop(); cid !== undefined; cid = queue.pop()) {
    const key = cid.toString();
    if (seen.has(key)) continue;
    seen.add(key);
    const bytes = await blockBytes(store, cid);
    if (cid.code === dagPb.code) for (const link of dagPb.decode(bytes).Links) queue.push(link.Hash);
  }
  return seen.size;
};

const make = (store: Blockstore) => {
  const fs: UnixFS = unixfs({ blockstore: store });
  const pins = new Set<string>();

  const add = async (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => {
    const parts: Part[] = parseMultipart(await readBody(req), boundaryOf(req.headers["content-type"]));
    if (parts.length === 0) throw new HttpError(400, "add: no file in the request");
    const candidates: ImportCandidate[] = parts.map((part) =>
      part.isDirectory ? { path: part.name } : { path: part.name, content: part.content },
    );
    const lines: string[] = [];
    for await (const entry of importer(candidates, store, addOptions(query))) {
      const cid = entry.cid.toString();
      if (flag(query, "pin") !== false) pins.add(cid);
      // Kubo names an unnamed file by its CID.
      lines.push(JSON.stringify({ Name: entry.path ?? cid, Hash: cid, Size: String(entry.size) }));
    }
    res.writeHead(200, { "content-type": "application/json", "x-chunked-output": "1" }).end(`${lines.join("\n")}\n`);
  };

  const cat = async (res: ServerResponse, query: URLSearchParams) => {
    const { cid, path } = parseIpfsPath(query.get("arg"));
    const offset = Number(query.get("offset") ?? 0);
    const length = query.get("length") === null ? undefined : Number(query.get("length"));
    const options = {
      offline: true,
      offset,
      ...(length === undefined ? {} : { length }),
      ...(path === "" ? {} : { path }),
    };
    // Read the first chunk before answering, so a missing block is a 404 rather than a broken 200.
    const chunks = fs.cat(cid, options)[Symbol.asyncIterator]();
    const first = await chunks.next();
    res.writeHead(200, { "content-type": "text/plain", "x-stream-output": "1" });
    if (!first.done) res.write(first.value);
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) res.write(next.value);
    res.end();
  };

  const rpc = async (req: IncomingMessage, res: ServerResponse, command: string, query: URLSearchParams) => {
    // Kubo's RPC answers POST only (a browser must not trigger it with a GET).
    if (req.method !== "POST") throw new HttpError(405, `${req.method} not allowed: the RPC API takes POST`);
    switch (command) {
      case "version":
        return json(res, 200, {
          Version: "0.1.0-tcm",
          Commit: "",
          Repo: "16",
          System: `${process.arch}/${process.platform}`,
          Golang: "n/a (Node.js, Helia unixfs)",
        });
      case "id":
        return json(res, 200, { ID: "tcm-local", AgentVersion: "tcm-ipfs/0.1.0", Addresses: [], Protocols: [] });
      case "add":
        return add(req, res, query);
      case "cat":
        return cat(res, query);
      case "block/get": {
        const { cid } = parseIpfsPath(query.get("arg"));
        const bytes = await blockBytes(store, cid);
        return res
          .writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.length })
          .end(bytes);
      }
      case "block/stat": {
        const { cid } = parseIpfsPath(query.get("arg"));
        return json(res, 200, { Key: cid.toString(), Size: (await blockBytes(store, cid)).length });
      }
      case "block/put": {
        const [part] = parseMultipart(await readBody(req), boundaryOf(req.headers["content-type"]));
        if (part === undefined) throw new HttpError(400, "block/put: no block in the request");
        const codec = query.get("cid-codec") ?? query.get("format") ?? "raw";
        const code = codec === "dag-pb" || codec === "protobuf" || codec === "v0" ? dagPb.code : 0x55;
        const hash = await sha256.digest(part.content);
        const cid = code === dagPb.code && codec !== "dag-pb" ? CID.createV0(hash) : CID.createV1(code, hash);
        await store.put(cid, part.content);
        return json(res, 200, { Key: cid.toString(), Size: part.content.length });
      }
      case "pin/add": {
        const { cid } = parseIpfsPath(query.get("arg"));
        await walkDag(store, cid); // a pin needs every block: local only, so a gap is a 404
        pins.add(cid.toString());
        return json(res, 200, { Pins: [cid.toString()] });
      }
      case "pin/ls":
        return json(res, 200, { Keys: Object.fromEntries([...pins].map((cid) => [cid, { Type: "recursive" }])) });
      default:
        throw new HttpError(404, `unknown command /api/v0/${command}`);
    }
  };

  const gateway = async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    if (req.method !== "GET" && req.method !== "HEAD")
      throw new HttpError(405, `${req.method} not allowed on the gateway`);
    const { cid, path } = parseIpfsPath(pathname);
    const stat = await fs.stat(cid, { offline: true, ...(path === "" ? {} : { path }) });
    const headers = {
      etag: `"${stat.cid.toString()}"`,
      "x-ipfs-path": pathname,
      "cache-control": "public, max-age=29030400, immutable",
    };
    if (stat.type === "directory") {
      const names: string[] = [];
      for await (const entry of fs.ls(stat.cid, { offline: true })) names.push(entry.name);
      const html = `<!doctype html><title>${pathname}</title><ul>${names.map((n) => `<li><a href="${pathname.replace(/\/$/, "")}/${encodeURIComponent(n)}">${n}</a></li>`).join("")}</ul>\n`;
      res.writeHead(200, {
        ...headers,
        "content-type": "text/html; charset=utf-8",
        "content-length": Buffer.byteLength(html),
      });
      res.end(req.method === "HEAD" ? undefined : html);
      return;
    }
    res.writeHead(200, { ...headers, "content-type": "application/octet-stream", "content-length": String(stat.size) });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    for await (const chunk of fs.cat(stat.cid, { offline: true })) res.write(chunk);
    res.end();
  };

  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname.startsWith("/api/v0/"))
        await rpc(req, res, url.pathname.slice("/api/v0/".length).replace(/\/$/, ""), url.searchParams);
      else if (url.pathname.startsWith("/ipfs/")) await gateway(req, res, url.pathname);
      else
        throw new HttpError(
          404,
          `no route for ${url.pathname}: the gateway is at /ipfs/<cid>, the RPC at /api/v0/<command>`,
        );
    } catch (error) {
      const { status, message } = toHttpError(error);
      if (res.headersSent)
        res.destroy(); // mid-stream: the client sees a broken body, never a truncated 200
      else if (req.url?.startsWith("/api/v0/")) json(res, status, { Message: message, Code: 0, Type: "error" });
      else
        res.writeHead(status, { "content-type": "text/plain" }).end(req.method === "HEAD" ? undefined : `${message}\n`);
    }
  };
};

/**
 * Starts the endpoint and resolves once it listens. Blocks stay local (no network): an unknown CID is a fast 404.
 * The empty directory is always present, so graph-node's start-up probe succeeds.
 */
export const startIpfs = async (options: IpfsOptions = {}): Promise<IpfsEndpoint> => {
  const store: Blockstore = options.dir === undefined ? new MemoryBlockstore() : new FsBlockstore(options.dir);
  const empty = await unixfs({ blockstore: store }).addDirectory({}, { cidVersion: 0 });
  if (empty.toString() !== EMPTY_DIRECTORY_CID)
    throw new Error(`empty directory CID ${empty} ≠ ${EMPTY_DIRECTORY_CID}`);
  const server = createServer(make(store));
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new Error(`IPFS: port ${options.port} on ${host} is taken (pick another with --ipfs-port)`)
          : error,
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    address: `${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
