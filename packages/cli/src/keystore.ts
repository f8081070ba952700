/**
 * Web3 Secret Storage v3 (the keystore JSON geth, foundry `cast wallet`, MetaMask exports write): decryption with
 * node:crypto — scrypt or pbkdf2-hmac-sha256 for the key, keccak256 MAC check, aes-128-ctr for the ciphertext.
 * viem has no keystore support. The decrypted key never leaves a `Redacted`.
 */
import { createCipheriv, createDecipheriv, pbkdf2, randomBytes, randomUUID, scrypt } from "node:crypto";
import { Data, Effect, Redacted } from "effect";
import { type Hex, bytesToHex, getAddress, hexToBytes, keccak256 } from "viem";
import { privateKeyToAccount } from "viem/accounts";

export class KeystoreError extends Data.TaggedError("KeystoreError")<{ readonly message: string }> {}

interface ScryptParams {
  readonly dklen: number;
  readonly salt: string;
  readonly n: number;
  readonly r: number;
  readonly p: number;
}
interface Pbkdf2Params {
  readonly dklen: number;
  readonly salt: string;
  readonly c: number;
  readonly prf: string;
}

export interface KeystoreV3 {
  readonly version: 3;
  readonly id?: string;
  readonly address?: string;
  readonly crypto: {
    readonly cipher: string;
    readonly cipherparams: { readonly iv: string };
    readonly ciphertext: string;
    readonly kdf: string;
    readonly kdfparams: ScryptParams | Pbkdf2Params;
    readonly mac: string;
  };
}

const hex = (s: string): Uint8Array => hexToBytes((s.startsWith("0x") ? s : `0x${s}`) as Hex);

const fail = (message: string) => Effect.fail(new KeystoreError({ message }));

/** The JSON's shape, checked field by field (geth writes `crypto`, some old tools `Crypto`). */
export const parseKeystore = (text: string): Effect.Effect<KeystoreV3, KeystoreError> =>
  Effect.gen(function* () {
    const json = yield* Effect.try({
      try: () => JSON.parse(text) as Record<string, unknown>,
      catch: () => new KeystoreError({ message: "the keystore file is not JSON" }),
    });
    if (json["version"] !== 3) return yield* fail(`unsupported keystore version ${String(json["version"])} (only v3)`);
    const crypto = (json["crypto"] ?? json["Crypto"]) as KeystoreV3["crypto"] | undefined;
    if (typeof crypto !== "object" || crypto === null) return yield* fail("the keystore has no crypto section");
    if (crypto.cipher !== "aes-128-ctr")
      return yield* fail(`unsupported cipher ${String(crypto.cipher)} (only aes-128-ctr)`);
    for (const [name, value] of [
      ["crypto.ciphertext", crypto.ciphertext],
      ["crypto.mac", crypto.mac],
      ["crypto.cipherparams.iv", crypto.cipherparams?.iv],
      ["crypto.kdfparams.salt", crypto.kdfparams?.salt],
    ] as const) {
      if (typeof value !== "string" || !/^(0x)?[0-9a-fA-F]*$/.test(value))
        return yield* fail(`${name} is missing or not hex`);
    }
    if (crypto.kdf !== "scrypt" && crypto.kdf !== "pbkdf2") return yield* fail(`unsupported kdf ${String(crypto.kdf)}`);
    return { ...(json as object), version: 3, crypto } as KeystoreV3;
  });

const deriveKey = (password: string, ks: KeystoreV3): Effect.Effect<Uint8Array, KeystoreError> => {
  const salt = hex(ks.crypto.kdfparams.salt);
  if (ks.crypto.kdf === "scrypt") {
    const { n, r, p, dklen } = ks.crypto.kdfparams as ScryptParams;
    if (![n, r, p, dklen].every((x) => Number.isSafeInteger(x) && x > 0) || (n & (n - 1)) !== 0) {
      return fail("crypto.kdfparams (scrypt n, r, p, dklen) are invalid");
    }
    return Effect.async<Uint8Array, KeystoreError>((resume) => {
      // 128·n·r bytes of working memory (256 MiB for geth's standard n = 2^18), plus headroom.
      scrypt(
        password.normalize("NFKC"),
        salt,
        dklen,
        { N: n, r, p, maxmem: 256 * n * r + 32 * 1024 * 1024 },
        (error, key) => resume(error ? fail(`scrypt failed: ${error.message}`) : Effect.succeed(new Uint8Array(key))),
      );
    });
  }
  const { c, dklen, prf } = ks.crypto.kdfparams as Pbkdf2Params;
  if (prf !== "hmac-sha256") return fail(`unsupported pbkdf2 prf ${String(prf)} (only hmac-sha256)`);
  if (!Number.isSafeInteger(c) || c <= 0 || !Number.isSafeInteger(dklen) || dklen <= 0) {
    return fail("crypto.kdfparams (pbkdf2 c, dklen) are invalid");
  }
  return Effect.async<Uint8Array, KeystoreError>((resume) => {
    pbkdf2(password.normalize("NFKC"), salt, c, dklen, "sha256", (error, key) =>
      resume(error ? fail(`pbkdf2 failed: ${error.message}`) : Effect.succeed(new Uint8Array(key))),
    );
  });
};

/** Decrypts a v3 keystore. A wrong password is detected by the MAC before anything is decrypted. */
export const decryptKeystore = (
  text: string,
  password: Redacted.Redacted<string>,
): Effect.Effect<Redacted.Redacted<string>, KeystoreError> =>
  Effect.gen(function* () {
    const ks = yield* parseKeystore(text);
    const derived = yield* deriveKey(Redacted.value(password), ks);
    if (derived.length < 32) return yield* fail("crypto.kdfparams.dklen must be at least 32");
    const ciphertext = hex(ks.crypto.ciphertext);
    const mac = keccak256(new Uint8Array([...derived.slice(16, 32), ...ciphertext]));
    if (mac.slice(2).toLowerCase() !== ks.crypto.mac.replace(/^0x/, "").toLowerCase()) {
      return yield* fail("wrong password (the keystore MAC does not match)");
    }
    const decipher = createDecipheriv("aes-128-ctr", derived.slice(0, 16), hex(ks.crypto.cipherparams.iv));
    const plain = new Uint8Array([...decipher.update(ciphertext), ...decipher.final()]);
    if (plain.length !== 32) return yield* fail(`the decrypted key has ${plain.length} bytes, expected 32`);
    const key = bytesToHex(plain);
    if (ks.address !== undefined && ks.address !== "") {
      const expected = getAddress(ks.address.startsWith("0x") ? ks.address : `0x${ks.address}`);
      if (privateKeyToAccount(key).address !== expected) {
        return yield* fail(`the decrypted key does not belong to the keystore's address ${expected}`);
      }
    }
    return Redacted.make(key);
  });

/**
 * Encrypts a key into a v3 keystore (scrypt). For tests and for users who want to make one; `n` defaults to
 * geth's standard 2^18 — use a small one only for throwaway keys.
 */
export const encryptKeystore = (
  privateKey: Hex,
  password: string,
  options: { readonly n?: number; readonly r?: number; readonly p?: number } = {},
): Effect.Effect<KeystoreV3, KeystoreError> =>
  Effect.gen(function* () {
    const salt = randomBytes(32);
    const iv = randomBytes(16);
    const kdfparams: ScryptParams = {
      dklen: 32,
      salt: salt.toString("hex"),
      n: options.n ?? 262_144,
      r: options.r ?? 8,
      p: options.p ?? 1,
    };
    const stub: KeystoreV3 = {
      version: 3,
      crypto: { cipher: "aes-128-ctr", cipherparams: { iv: "" }, ciphertext: "", kdf: "scrypt", kdfparams, mac: "" },
    };
    const derived = yield* deriveKey(password, stub);
    const cipher = createCipheriv("aes-128-ctr", derived.slice(0, 16), iv);
    const ciphertext = new Uint8Array([...cipher.update(hex(privateKey)), ...cipher.final()]);
    const mac = keccak256(new Uint8Array([...derived.slice(16, 32), ...ciphertext]));
    return {
      version: 3,
      id: randomUUID(),
      address: privateKeyToAccount(privateKey).address.slice(2).toLowerCase(),
      crypto: {
        cipher: "aes-128-ctr",
        cipherparams: { iv: iv.toString("hex") },
        ciphertext: Buffer.from(ciphertext).toString("hex"),
        kdf: "scrypt",
        kdfparams,
        mac: mac.slice(2),
      },
    };
  });
