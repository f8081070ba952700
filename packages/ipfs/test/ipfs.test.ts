import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "kubo-rpc-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EMPTY_DIRECTORY_CID, type IpfsEndpoint, startIpfs } from "../src/index.js";

// CIDs Kubo gives with its defaults (`ipfs add`), the reference these must equal.
const HELLO_WORLD = "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o"; // "hello world\n"
const EMPTY_FILE = "QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH"; // ""
// A valid CIDv0 that no test ever adds (sha256 of nothing we store).
const UNKNOWN = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";

const add = async (
  ipfs: IpfsEndpoint,
  files: ReadonlyArray<{ name: string; content: string | Uint8Array }>,
  query = "",
) => {
  const form = new FormData();
  for (const file of files) form.append("file", new Blob([file.content]), encodeURIComponent(file.name));
  const response = await fetch(`${ipfs.url}/api/v0/add${query}`, { method: "POST", body: form });
  expect(response.status).toBe(200);
  return (await response.text())
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as { Name: string; Hash: string; Size: string });
};

const rpc = (ipfs: IpfsEndpoint, command: string) => fetch(`${ipfs.url}/api/v0/${command}`, { method: "POST" });

describe("local IPFS endpoint", () => {
  let ipfs: IpfsEndpoint;
  beforeAll(async () => {
    ipfs = await startIpfs();
  });
  afterAll(() => ipfs.close());

  it("answers graph-node's start-up probes: HEAD of the empty directory and POST version", async () => {
    const head = await fetch(`${ipfs.url}/ipfs/${EMPTY_DIRECTORY_CID}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    const version = await rpc(ipfs, "version");
    expect(version.status).toBe(200);
    expect((await version.json()) as unknown).toMatchObject({ Version: expect.any(String) });
    // Kubo's RPC refuses GET.
    expect((await fetch(`${ipfs.url}/api/v0/version`)).status).toBe(405);
  });

  it("gives Kubo's CIDs for the same bytes, and Kubo-style add lines", async () => {
    const [hello] = await add(ipfs, [{ name: "hello.txt", content: "hello world\n" }]);
    expect(hello).toEqual({ Name: "hello.txt", Hash: HELLO_WORLD, Size: "20" });
    const [empty] = await add(ipfs, [{ name: "empty", content: "" }]);
    expect(empty?.Hash).toBe(EMPTY_FILE);
  });

  it("round-trips add → cat, gateway GET/HEAD and block/get, also for a multi-chunk file", async () => {
    const big = Uint8Array.from({ length: 700 * 1024 }, (_, i) => (i * 7919) % 251);
    const [entry] = await add(ipfs, [{ name: "big.bin", content: big }]);
    const cid = entry?.Hash ?? "";
    expect(cid).toMatch(/^Qm/);
    const cat = await rpc(ipfs, `cat?arg=${cid}`);
    expect(cat.status).toBe(200);
    // Buffer.equals: vitest's deep equality is slow on large arrays.
    expect(Buffer.from(await cat.arrayBuffer()).equals(big)).toBe(true);
    const ranged = await rpc(ipfs, `cat?arg=/ipfs/${cid}&offset=262140&length=10`);
    expect(new Uint8Array(await ranged.arrayBuffer())).toEqual(big.slice(262_140, 262_150));
    const gateway = await fetch(`${ipfs.url}/ipfs/${cid}`);
    expect(Buffer.from(await gateway.arrayBuffer()).equals(big)).toBe(true);
    const head = await fetch(`${ipfs.url}/ipfs/${HELLO_WORLD}`, { method: "HEAD" });
    expect(head.headers.get("content-length")).toBe("12");
    // The root of a 3-chunk file is a dag-pb node linking its leaves, not the data itself.
    const block = await rpc(ipfs, `block/get?arg=${cid}`);
    expect(block.status).toBe(200);
    expect((await block.arrayBuffer()).byteLength).toBeLessThan(1_000);
    expect((await rpc(ipfs, `pin/add?arg=${cid}`)).status).toBe(200);
  });

  it("adds directories (wrap-with-directory) and resolves paths inside them", async () => {
    const lines = await add(
      ipfs,
      [
        { name: "site/hello.txt", content: "hello world\n" },
        { name: "site/a b.txt", content: "b" },
      ],
      "?wrap-with-directory=true",
    );
    const file = lines.find((line) => line.Name === "site/hello.txt");
    expect(file?.Hash).toBe(HELLO_WORLD);
    const root = lines.at(-1);
    expect(root?.Name).toBe("");
    const text = await (await fetch(`${ipfs.url}/ipfs/${root?.Hash}/site/hello.txt`)).text();
    expect(text).toBe("hello world\n");
    const catPath = await rpc(ipfs, `cat?arg=${root?.Hash}/site/a%20b.txt`);
    expect(await catPath.text()).toBe("b");
    expect((await fetch(`${ipfs.url}/ipfs/${root?.Hash}/site`)).status).toBe(200);
    expect((await fetch(`${ipfs.url}/ipfs/${root?.Hash}/site/missing.txt`)).status).toBe(404);
  });

  it("answers unknown CIDs with a fast 404 everywhere, and bad input with 400", async () => {
    const started = Date.now();
    expect((await fetch(`${ipfs.url}/ipfs/${UNKNOWN}`, { method: "HEAD" })).status).toBe(404);
    expect((await fetch(`${ipfs.url}/ipfs/${UNKNOWN}`)).status).toBe(404);
    for (const command of [`cat?arg=${UNKNOWN}`, `block/get?arg=${UNKNOWN}`, `pin/add?arg=${UNKNOWN}`]) {
      const response = await rpc(ipfs, command);
      expect(response.status, command).toBe(404);
      expect((await response.json()) as unknown).toMatchObject({ Type: "error" });
    }
    expect(Date.now() - started).toBeLessThan(1_000);
    expect((await fetch(`${ipfs.url}/ipfs/not-a-cid`)).status).toBe(400);
    expect((await rpc(ipfs, "cat")).status).toBe(400);
    expect((await rpc(ipfs, "no/such/command")).status).toBe(404);
  });

  it("works with kubo-rpc-client, the client graph-cli uploads subgraphs with", async () => {
    const client = create({ url: `${ipfs.url}/api/v0` });
    const added = [];
    for await (const file of client.addAll([
      { path: "subgraph.yaml", content: new TextEncoder().encode("hello world\n") },
    ]))
      added.push(file);
    expect(added[0]?.cid.toString()).toBe(HELLO_WORLD);
    expect(added[0]?.path).toBe("subgraph.yaml");
    await client.pin.add(added[0]!.cid);
    const chunks: Uint8Array[] = [];
    for await (const chunk of client.cat(HELLO_WORLD)) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe("hello world\n");
    expect((await client.version()).version).toBeTypeOf("string");
  });
});

describe("local IPFS endpoint on disk", () => {
  it("keeps blocks in its folder across restarts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tcm-ipfs-"));
    try {
      const first = await startIpfs({ dir });
      const [entry] = await add(first, [{ name: "x", content: "hello world\n" }]);
      await first.close();
      const second = await startIpfs({ dir });
      try {
        expect(await (await rpc(second, `cat?arg=${entry?.Hash}`)).text()).toBe("hello world\n");
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("names the flag to change when its port is taken", async () => {
    const taken = await startIpfs();
    try {
      await expect(startIpfs({ port: taken.port })).rejects.toThrow(/--ipfs-port/);
    } finally {
      await taken.close();
    }
  });
});
