/**
 * Options every command shares, and the layers they build: the chain (RPC + deployment, probed before use) and,
 * for commands that send, the signer (TCM_PRIVATE_KEY or a v3 keystore — never a flag).
 */
import { Options, Prompt } from "@effect/cli";
import { FileSystem } from "@effect/platform";
import { NodeFileSystem } from "@effect/platform-node";
import {
  ChainClient,
  Deployment,
  type DeploymentInfo,
  type InvalidInput,
  loadDeploymentFile,
  TcmReader,
  TxBuilder,
  TxSender,
  Wallet,
} from "@tcm/chain";
import { Config, Effect, Layer, Option, Redacted } from "effect";
import { fileURLToPath } from "node:url";
import { Aborted, BadInput, RpcUnreachable } from "./errors.js";
import { decryptKeystore } from "./keystore.js";

export const DEFAULT_RPC = "http://127.0.0.1:8545";
/** `npm start` writes the devnet deployment here (resolved from this package, so any working directory works). */
export const DEFAULT_DEPLOYMENT = fileURLToPath(new URL("../../../contracts/deployments/devnet.json", import.meta.url));

export const chainOptions = {
  rpc: Options.text("rpc").pipe(
    Options.withDescription(
      `JSON-RPC endpoint (env TCM_RPC_URL; default: the deployment file's rpcUrl, which npm start writes, else ${DEFAULT_RPC})`,
    ),
    Options.withFallbackConfig(Config.string("TCM_RPC_URL")),
    Options.optional,
  ),
  deployment: Options.text("deployment").pipe(
    Options.withDescription(
      "Deployment JSON written by the forge deploy script (env TCM_DEPLOYMENT_FILE; default contracts/deployments/devnet.json, written by npm start)",
    ),
    Options.withFallbackConfig(Config.string("TCM_DEPLOYMENT_FILE")),
    Options.withDefault(DEFAULT_DEPLOYMENT),
  ),
};

export const sendOptions = {
  ...chainOptions,
  keystore: Options.file("keystore", { exists: "yes" }).pipe(
    Options.withDescription(
      "Sign with this Web3 Secret Storage v3 keystore (password from env TCM_KEYSTORE_PASSWORD, else asked for). " +
        "Without it the key comes from env TCM_PRIVATE_KEY. Keys are never accepted as flags.",
    ),
    Options.optional,
  ),
  yes: Options.boolean("yes").pipe(
    Options.withAlias("y"),
    Options.withDescription("Send without asking for confirmation"),
  ),
  dryRun: Options.boolean("dry-run").pipe(
    Options.withDescription("Print the transaction(s) as JSON ({to, data, value}) and send nothing"),
  ),
};

export interface ChainFlags {
  /** --rpc or TCM_RPC_URL; none: the deployment's own rpcUrl (the devnet's), else DEFAULT_RPC. */
  readonly rpc: Option.Option<string>;
  readonly deployment: string;
}

/** The endpoint a command talks to, and where that choice came from (said in errors and in every read's source line). */
export interface ResolvedChain {
  readonly rpc: string;
  readonly rpcFrom: "--rpc" | "deployment" | "default";
  readonly info: DeploymentInfo;
  readonly file: string;
}

/** Reads the deployment once and picks the RPC: the flag (or TCM_RPC_URL), else the file's rpcUrl, else DEFAULT_RPC. */
export const resolveChain = (flags: ChainFlags) =>
  Effect.gen(function* () {
    const info = yield* loadDeploymentFile(flags.deployment);
    const resolved: ResolvedChain = Option.isSome(flags.rpc)
      ? { rpc: flags.rpc.value, rpcFrom: "--rpc", info, file: flags.deployment }
      : info.rpcUrl !== undefined
        ? { rpc: info.rpcUrl, rpcFrom: "deployment", info, file: flags.deployment }
        : { rpc: DEFAULT_RPC, rpcFrom: "default", info, file: flags.deployment };
    return resolved;
  }).pipe(Effect.provide(NodeFileSystem.layer));
export interface SendFlags extends ChainFlags {
  readonly keystore: Option.Option<string>;
  readonly yes: boolean;
  readonly dryRun: boolean;
}

export type ChainServices = ChainClient | Deployment | TcmReader | TxBuilder;

/** Fails fast (no retries) with RpcUnreachable when nothing answers, and checks the deployment's chain id. */
const probe = (flags: ResolvedChain) =>
  Effect.gen(function* () {
    const chain = yield* ChainClient;
    const deployment = yield* Deployment;
    const chainId = yield* chain
      .request("chainId", (c) => c.getChainId())
      .pipe(
        Effect.catchTags({
          TransientRpcError: (e) =>
            Effect.fail(new RpcUnreachable({ url: flags.rpc, detail: e.message.split("\n")[0] ?? e.reason })),
          RpcError: (e) =>
            Effect.fail(new RpcUnreachable({ url: flags.rpc, detail: e.message.split("\n")[0] ?? e.reason })),
        }),
      );
    if (chainId !== deployment.chainId) {
      return yield* new BadInput({
        flag: "--deployment",
        message: `${deployment.file} is for chain ${deployment.chainId}, but ${flags.rpc}${flags.rpcFrom === "default" ? " (the default RPC)" : ""} is chain ${chainId}`,
      });
    }
  });

const validRpc = (url: string) =>
  /^https?:\/\/\S+$/.test(url)
    ? Effect.void
    : Effect.fail(new BadInput({ flag: "--rpc", message: `expected an http(s) URL, got ${JSON.stringify(url)}` }));

/** Chain access for one command: ChainClient, Deployment, TcmReader, TxBuilder (after a reachability probe). */
export const chainLayer = (flags: ResolvedChain) => {
  const base = Layer.mergeAll(
    ChainClient.layer({ rpcUrls: [flags.rpc], pollingIntervalMs: 250, timeoutMs: 15_000 }),
    Deployment.fromValue(flags.info, flags.file),
  );
  return Layer.mergeAll(TcmReader.Default, TxBuilder.Default).pipe(
    Layer.provideMerge(base),
    Layer.tap((ctx) => probe(flags).pipe(Effect.provide(ctx))),
    Layer.provideMerge(Layer.effectDiscard(validRpc(flags.rpc))),
  );
};

/** The signing key: --keystore (decrypted with TCM_KEYSTORE_PASSWORD or a prompt) else TCM_PRIVATE_KEY. */
export const signingKey = (flags: SendFlags) =>
  Effect.gen(function* () {
    if (Option.isSome(flags.keystore)) {
      const path = flags.keystore.value;
      const fs = yield* FileSystem.FileSystem;
      const text = yield* fs
        .readFileString(path)
        .pipe(
          Effect.mapError((e) => new BadInput({ flag: "--keystore", message: `cannot read ${path}: ${e.message}` })),
        );
      const fromEnv = yield* Config.option(Config.redacted("TCM_KEYSTORE_PASSWORD"));
      const password = Option.isSome(fromEnv) ? fromEnv.value : yield* askPassword(path);
      return yield* decryptKeystore(text, password).pipe(
        Effect.mapError((e) => new BadInput({ flag: "--keystore", message: `${path}: ${e.message}` })),
      );
    }
    const key = yield* Config.option(Config.redacted("TCM_PRIVATE_KEY"));
    if (Option.isNone(key)) {
      return yield* new BadInput({
        flag: "--keystore",
        message:
          "no signing key: set TCM_PRIVATE_KEY (hex) or pass --keystore <file> (password from TCM_KEYSTORE_PASSWORD or a prompt)",
      });
    }
    return key.value;
  });

const askPassword = (path: string) =>
  Effect.gen(function* () {
    if (!process.stdin.isTTY) {
      return yield* new BadInput({
        flag: "--keystore",
        message: `${path} needs a password: set TCM_KEYSTORE_PASSWORD or run in a terminal to be asked`,
      });
    }
    return yield* Prompt.password({ message: `Password for ${path}` }).pipe(
      Effect.catchTag("QuitException", () => Effect.fail(new Aborted({ reason: "no password given" }))),
    );
  });

/** Wallet and TxSender over an existing chain context. */
export const signerLayer = (key: Redacted.Redacted<string>) =>
  TxSender.Default.pipe(
    Layer.provideMerge(Wallet.fromKey(key)),
    Layer.mapError((e) =>
      e._tag === "InvalidInput"
        ? new BadInput({ flag: "TCM_PRIVATE_KEY", message: "must be 32 bytes of hex (0x…)" })
        : e,
    ),
  );

/** Maps TxBuilder's InvalidInput (named by input path) to the flag the user typed. */
export const toFlag =
  (flags: ReadonlyArray<readonly [prefix: string, flag: string, help?: string]>) =>
  (error: InvalidInput): BadInput => {
    const match = flags.find(
      ([prefix]) =>
        error.input === prefix || error.input.startsWith(`${prefix}[`) || error.input.startsWith(`${prefix}.`),
    );
    if (match === undefined) return new BadInput({ flag: error.input, message: error.message });
    const [, flag, help] = match;
    return new BadInput({ flag, message: help === undefined ? error.message : `${help} (${error.message})` });
  };

/**
 * One line on stderr naming the chain a read came from: which RPC (and why that one) and which block. Tables and
 * JSON on stdout stay as they are; a script still sees the source in its logs.
 */
export const readFrom = (blockNumber: bigint) =>
  Effect.gen(function* () {
    const chain = yield* ChainClient;
    const deployment = yield* Deployment;
    const rpc = chain.rpcUrls.join(", ");
    yield* Effect.sync(() =>
      process.stderr.write(
        `read ${rpc} (chain ${deployment.chainId}) at block ${blockNumber}; deployment ${deployment.file}\n`,
      ),
    );
  });

export const isTty = (): boolean => Boolean(process.stdin.isTTY && process.stdout.isTTY);
