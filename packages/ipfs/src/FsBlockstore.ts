import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BaseBlockstore } from "blockstore-core/base";
import type { Pair } from "interface-blockstore";
import { base32 } from "multiformats/bases/base32";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import * as Digest from "multiformats/hashes/digest";

/** The name Helia's stores use for a missing block (the server maps it to 404). */
export class BlockNotFoundError extends Error {
  override readonly name = "NotFoundError";
}

type Bytes = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

const concat = async (value: Bytes): Promise<Uint8Array> => {
  if (value instanceof Uint8Array) return value;
  const chunks: Uint8Array[] = [];
  for await (const chunk of value) chunks.push(chunk);
  return Buffer.concat(chunks);
};

/**
 * Blocks as files in one folder, named by their multihash (like Kubo's flatfs: a CIDv0 and a CIDv1 of the same
 * bytes share one file). Writes go to a temporary name and are renamed into place, so a crash never leaves a
 * half-written block under a real name.
 */
export class FsBlockstore extends BaseBlockstore {
  constructor(readonly dir: string) {
    super();
    mkdirSync(dir, { recursive: true });
  }

  private path(key: CID): string {
    return join(this.dir, `${base32.encode(key.multihash.bytes)}.data`);
  }

  override async put(key: CID, value: Bytes): Promise<CID> {
    const file = this.path(key);
    if (existsSync(file)) return key;
    const tmp = `${file}.${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(tmp, await concat(value));
    await rename(tmp, file);
    return key;
  }

  override async *get(key: CID): AsyncGenerator<Uint8Array> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(this.path(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new BlockNotFoundError(`block ${key} not found`);
      throw error;
    }
    yield bytes;
  }

  override has(key: CID): boolean {
    return existsSync(this.path(key));
  }

  override async delete(key: CID): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  override async *getAll(): AsyncGenerator<Pair> {
    for (const name of await readdir(this.dir)) {
      if (!name.endsWith(".data")) continue;
      const multihash = Digest.decode(base32.decode(name.slice(0, -".data".length)));
      const file = join(this.dir, name);
      yield {
        cid: CID.createV1(raw.code, multihash),
        bytes: (async function* () {
          yield await readFile(file);
        })(),
      };
    }
  }
}
