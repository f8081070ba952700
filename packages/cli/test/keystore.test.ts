import { Effect, Exit, Redacted } from "effect";
import { describe, expect, it } from "vitest";
import { decryptKeystore, encryptKeystore } from "../src/keystore.js";

// The pbkdf2 test vector of the Web3 Secret Storage definition (password "testpassword").
const PBKDF2_VECTOR = {
  crypto: {
    cipher: "aes-128-ctr",
    cipherparams: { iv: "6087dab2f9fdbbfaddc31a909735c1e6" },
    ciphertext: "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
    kdf: "pbkdf2",
    kdfparams: {
      c: 262144,
      dklen: 32,
      prf: "hmac-sha256",
      salt: "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd",
    },
    mac: "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2",
  },
  id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
  version: 3,
};

const key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" as const;

describe("Web3 Secret Storage v3", () => {
  it("decrypts the specification's pbkdf2 vector", async () => {
    const decrypted = await Effect.runPromise(
      decryptKeystore(JSON.stringify(PBKDF2_VECTOR), Redacted.make("testpassword")),
    );
    expect(Redacted.value(decrypted)).toBe("0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d");
  });

  it("round-trips a scrypt keystore and checks the address", async () => {
    const ks = await Effect.runPromise(encryptKeystore(key, "hunter2", { n: 1024 }));
    const decrypted = await Effect.runPromise(decryptKeystore(JSON.stringify(ks), Redacted.make("hunter2")));
    expect(Redacted.value(decrypted)).toBe(key);
  });

  it("refuses a wrong password by the MAC, and malformed files by field", async () => {
    const ks = await Effect.runPromise(encryptKeystore(key, "hunter2", { n: 1024 }));
    const wrong = await Effect.runPromiseExit(decryptKeystore(JSON.stringify(ks), Redacted.make("hunter3")));
    expect(Exit.isFailure(wrong) && JSON.stringify(wrong.cause)).toContain("wrong password");
    const broken = await Effect.runPromiseExit(
      decryptKeystore(
        JSON.stringify({ ...ks, crypto: { ...ks.crypto, cipher: "aes-256-gcm" } }),
        Redacted.make("hunter2"),
      ),
    );
    expect(JSON.stringify(Exit.isFailure(broken) && broken.cause)).toContain("unsupported cipher");
  });
});
