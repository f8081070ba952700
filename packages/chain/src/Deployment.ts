import { FileSystem } from "@effect/platform";
import { NodeFileSystem } from "@effect/platform-node";
import { Config, Effect, Either, Layer, ParseResult, Schema } from "effect";
import { type Address, getAddress, isAddress, zeroAddress } from "viem";
import { DeploymentError } from "./errors.js";

/** A 0x address in any case; decoded to its EIP-55 checksum form. Mixed case must carry a valid checksum. */
export const AddressSchema = Schema.String.pipe(
  Schema.filter((s) => isAddress(s, { strict: false }) || "must be a 0x-prefixed 20-byte hex address"),
  Schema.filter((s) => isAddress(s, { strict: true }) || "has an invalid EIP-55 checksum"),
  Schema.transform(Schema.String, {
    strict: true,
    decode: (s) => getAddress(s),
    encode: (s) => s,
  }),
) as unknown as Schema.Schema<Address, string>;

const NonZeroAddress = AddressSchema.pipe(Schema.filter((a) => a !== zeroAddress || "must not be the zero address"));

/** A uint from a JSON number (forge writes numbers) or a decimal string, as bigint. */
const Uint = Schema.Union(
  Schema.BigInt,
  Schema.Number.pipe(
    Schema.int(),
    Schema.nonNegative(),
    Schema.transform(Schema.BigIntFromSelf, {
      strict: true,
      decode: (x) => BigInt(x),
      encode: (x) => Number(x),
    }),
  ),
).pipe(Schema.filter((x) => x >= 0n || "must be non-negative"));

/** What `contracts/script/Deploy.s.sol` writes (DEPLOYMENT_FILE). */
export const DeploymentSchema = Schema.Struct({
  chainId: Schema.Number.pipe(Schema.int(), Schema.positive()),
  machine: NonZeroAddress,
  stETH: NonZeroAddress,
  wstETH: NonZeroAddress,
  uniswapV2Factory: NonZeroAddress,
  /** Zero on networks deployed without a router (DeployNetwork without UNISWAP_V2_ROUTER). */
  uniswapV2Router: AddressSchema,
  weth: AddressSchema,
  tokenDeployer: NonZeroAddress,
  guardian: AddressSchema,
  genesis: Uint,
  /** A lower bound of the block the machine was deployed in (start indexing here). */
  deployBlock: Uint,
  /**
   * The JSON-RPC URL of the node this deployment was made on, written by the local devnet (`npm start`) only, so a
   * client reads the chain the file describes by default. Absent from deployments of real networks.
   */
  rpcUrl: Schema.optional(
    Schema.String.pipe(Schema.filter((s) => /^https?:\/\/\S+$/.test(s) || "must be an http(s) URL")),
  ),
});

export type DeploymentInfo = typeof DeploymentSchema.Type;

const decodeUnknown = Schema.decodeUnknownEither(DeploymentSchema, { errors: "first", onExcessProperty: "ignore" });

/** Validates a parsed deployment object; `file` only names the source in errors. */
export const parseDeployment = (input: unknown, file = "(inline)"): Either.Either<DeploymentInfo, DeploymentError> =>
  Either.mapLeft(decodeUnknown(input), (error) => {
    const issues = ParseResult.ArrayFormatter.formatErrorSync(error);
    const first = issues[0];
    const field = first && first.path.length > 0 ? first.path.map(String).join(".") : "(file)";
    const message = first
      ? first.message.startsWith("is missing")
        ? `${file}: field "${field}" is missing`
        : `${file}: field "${field}" ${describeIssue(first.message)}`
      : `${file}: invalid deployment`;
    return new DeploymentError({ file, field, message });
  });

const describeIssue = (message: string): string =>
  /^(must|has)/.test(message) ? message : `is invalid: ${message.replace(/\s+/g, " ")}`;

/** Reads, parses and validates a deployment JSON file. */
export const loadDeploymentFile = Effect.fn("Deployment.load")(function* (file: string) {
  const fs = yield* FileSystem.FileSystem;
  const text = yield* fs
    .readFileString(file)
    .pipe(
      Effect.mapError(
        (e) => new DeploymentError({ file, field: "(file)", message: `${file}: cannot read (${e.message})` }),
      ),
    );
  const json = yield* Effect.try({
    try: () => JSON.parse(text) as unknown,
    catch: (e) => new DeploymentError({ file, field: "(file)", message: `${file}: not valid JSON (${String(e)})` }),
  });
  return yield* parseDeployment(json, file);
});

/**
 * The deployment in use: contract addresses, chain id, genesis. `Default` reads the file named by
 * `TCM_DEPLOYMENT_FILE`; `Deployment.fromFile(path)` and `Deployment.fromValue(info)` build it explicitly.
 */
export class Deployment extends Effect.Service<Deployment>()("@tcm/chain/Deployment", {
  effect: Effect.gen(function* () {
    const file = yield* Config.string("TCM_DEPLOYMENT_FILE");
    const info = yield* loadDeploymentFile(file);
    return { ...info, file } as const;
  }),
  dependencies: [NodeFileSystem.layer],
}) {
  static fromFile = (file: string): Layer.Layer<Deployment, DeploymentError> =>
    Layer.effect(
      Deployment,
      loadDeploymentFile(file).pipe(Effect.map((info) => new Deployment({ ...info, file }))),
    ).pipe(Layer.provide(NodeFileSystem.layer));

  static fromValue = (info: DeploymentInfo, file = "(inline)"): Layer.Layer<Deployment> =>
    Layer.succeed(Deployment, new Deployment({ ...info, file }));
}
