import { assert, describe, it, layer } from "@effect/vitest";
import { launchParamsError } from "@tcm/domain";
import { Effect, Either, Layer } from "effect";
import fc from "fast-check";
import { decodeFunctionData, zeroAddress } from "viem";
import {
  ChainClient,
  DEFAULT_LAUNCH_BOUNDS,
  Deployment,
  type InvalidInput,
  MAX_SUPPLY_LIMIT,
  TxBuilder,
  technoCapitalMachineAbi,
  validateAddress,
  validateAllocation,
  validateLaunchParams,
} from "../src/index.js";

const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const deployment = {
  chainId: 31337,
  machine: "0x0165878A594ca255338adfa4d48449f69242Eb8F",
  stETH: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  wstETH: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  uniswapV2Factory: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
  uniswapV2Router: "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
  weth: "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
  tokenDeployer: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707",
  guardian: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  genesis: 1n,
  deployBlock: 1n,
} as const;

// No RPC is ever contacted: projectCount is given and no gas estimate is asked for.
const Offline = TxBuilder.Default.pipe(
  Layer.provide(
    Layer.mergeAll(ChainClient.layer({ rpcUrls: ["http://127.0.0.1:1"] }), Deployment.fromValue(deployment)),
  ),
);
const opts = { projectCount: 3, launchBounds: DEFAULT_LAUNCH_BOUNDS } as const;

const launch = {
  name: "Token",
  symbol: "TKN",
  launchPrice: 10n ** 15n,
  dailyEmission: 10n ** 21n,
  decayBps: 10n,
  maxSupply: 10n ** 26n,
  seedReserve: 10n ** 24n,
  contributorBps: 1_000n,
  contributorRecipient: ALICE,
};

const expectInvalid = <A>(effect: Effect.Effect<A, unknown, TxBuilder>, input: string, rule: string) =>
  Effect.gen(function* () {
    const error = yield* Effect.flip(effect);
    assert.strictEqual((error as InvalidInput)._tag, "InvalidInput", String(error));
    assert.strictEqual((error as InvalidInput).input, input, (error as InvalidInput).message);
    assert.strictEqual((error as InvalidInput).rule, rule, (error as InvalidInput).message);
    return error as InvalidInput;
  });

layer(Offline)("TxBuilder validation (each bad input → InvalidInput naming it)", (it) => {
  const cases: ReadonlyArray<[string, (b: TxBuilder) => Effect.Effect<unknown, unknown>, string, string]> = [
    [
      "deposit amount 0",
      (b) => b.deposit({ amount: 0n, allocation: [{ projectId: 1, bps: 10_000 }] }, opts),
      "amount",
      "amount",
    ],
    [
      "deposit below MIN_DEPOSIT",
      (b) => b.deposit({ amount: 999_999_999n, allocation: [{ projectId: 1, bps: 10_000 }] }, opts),
      "amount",
      "amount",
    ],
    [
      "deposit amount not an integer",
      (b) => b.deposit({ amount: "1.5", allocation: [{ projectId: 1, bps: 10_000 }] }, opts),
      "amount",
      "amount",
    ],
    [
      "allocation empty",
      (b) => b.deposit({ amount: 10n ** 18n, allocation: [] }, opts),
      "allocation",
      "allocation-empty",
    ],
    [
      "allocation > 8 entries",
      (b) =>
        b.deposit(
          { amount: 10n ** 18n, allocation: Array.from({ length: 9 }, (_, i) => ({ projectId: i + 1, bps: 1 })) },
          { projectCount: 20 },
        ),
      "allocation",
      "allocation-length",
    ],
    [
      "allocation unknown project",
      (b) => b.deposit({ amount: 10n ** 18n, allocation: [{ projectId: 4, bps: 10_000 }] }, opts),
      "allocation[0].projectId",
      "unknown-project",
    ],
    [
      "allocation project 0",
      (b) => b.reallocate({ allocation: [{ projectId: 0, bps: 10_000 }] }, opts),
      "allocation[0].projectId",
      "unknown-project",
    ],
    [
      "allocation not ascending",
      (b) =>
        b.deposit(
          {
            amount: 10n ** 18n,
            allocation: [
              { projectId: 2, bps: 5_000 },
              { projectId: 1, bps: 5_000 },
            ],
          },
          opts,
        ),
      "allocation[1].projectId",
      "allocation-order",
    ],
    [
      "allocation duplicate id",
      (b) =>
        b.reallocate(
          {
            allocation: [
              { projectId: 2, bps: 5_000 },
              { projectId: 2, bps: 5_000 },
            ],
          },
          opts,
        ),
      "allocation[1].projectId",
      "allocation-order",
    ],
    [
      "allocation zero bps",
      (b) =>
        b.deposit(
          {
            amount: 10n ** 18n,
            allocation: [
              { projectId: 1, bps: 0 },
              { projectId: 2, bps: 10_000 },
            ],
          },
          opts,
        ),
      "allocation[0].bps",
      "allocation-bps",
    ],
    [
      "allocation sum 9,000",
      (b) =>
        b.deposit(
          {
            amount: 10n ** 18n,
            allocation: [
              { projectId: 1, bps: 6_000 },
              { projectId: 3, bps: 3_000 },
            ],
          },
          opts,
        ),
      "allocation",
      "allocation-sum",
    ],
    ["topUp 0", (b) => b.topUp({ amount: 0n }), "amount", "amount"],
    ["withdraw 0", (b) => b.withdraw({ amount: 0n, receiver: ALICE }), "amount", "amount"],
    ["withdraw receiver malformed", (b) => b.withdraw({ amount: 1n, receiver: "0x1234" }), "receiver", "address"],
    [
      "withdraw receiver bad checksum",
      (b) => b.withdraw({ amount: 1n, receiver: ALICE.replace("C51812", "c51812") }),
      "receiver",
      "address-checksum",
    ],
    ["withdraw receiver zero", (b) => b.withdraw({ amount: 1n, receiver: zeroAddress }), "receiver", "address-zero"],
    ["claim no ids", (b) => b.claim({ projectIds: [], receiver: ALICE }, opts), "projectIds", "empty"],
    [
      "claim unknown id",
      (b) => b.claim({ projectIds: [1, 7], receiver: ALICE }, opts),
      "projectIds[1]",
      "unknown-project",
    ],
    ["claim duplicate id", (b) => b.claim({ projectIds: [1, 1], receiver: ALICE }, opts), "projectIds[1]", "duplicate"],
    ["claimContributor unknown", (b) => b.claimContributor({ projectId: 9 }, opts), "projectId", "unknown-project"],
    ["harvest unknown", (b) => b.harvest({ projectId: 4 }, opts), "projectId", "unknown-project"],
    ["harvestMany no ids", (b) => b.harvestMany({ projectIds: [] }, opts), "projectIds", "empty"],
    ["harvestMany duplicate id", (b) => b.harvestMany({ projectIds: [2, 2] }, opts), "projectIds[1]", "duplicate"],
    ["deploy unknown", (b) => b.deploy({ projectId: 4 }, opts), "projectId", "unknown-project"],
    ["deploy project 0", (b) => b.deploy({ projectId: 0 }, opts), "projectId", "unknown-project"],
    ["deploy id not an integer", (b) => b.deploy({ projectId: "1.5" }, opts), "projectId", "project-id"],
    ["deployMany no ids", (b) => b.deployMany({ projectIds: [] }, opts), "projectIds", "empty"],
    ["deployMany unknown id", (b) => b.deployMany({ projectIds: [1, 5] }, opts), "projectIds[1]", "unknown-project"],
    ["deployMany duplicate id", (b) => b.deployMany({ projectIds: [3, 1, 3] }, opts), "projectIds[2]", "duplicate"],
    [
      "gas estimate sender malformed",
      (b) => b.harvest({ projectId: 1 }, { ...opts, from: "alice" }),
      "from",
      "address",
    ],
    ["approve negative-looking amount", (b) => b.approveStEth({ amount: "-1" }), "amount", "amount"],
    ["launch empty name", (b) => b.launchProject({ ...launch, name: "" }, opts), "params.name", "empty"],
    ["launch empty symbol", (b) => b.launchProject({ ...launch, symbol: "" }, opts), "params.symbol", "empty"],
    [
      "launch price below 1e6",
      (b) => b.launchProject({ ...launch, launchPrice: 999_999n }, opts),
      "params.launchPrice",
      "bounds",
    ],
    [
      "launch price above 1e24",
      (b) => b.launchProject({ ...launch, launchPrice: 10n ** 24n + 1n }, opts),
      "params.launchPrice",
      "bounds",
    ],
    [
      "launch maxSupply below 1e18",
      (b) => b.launchProject({ ...launch, maxSupply: 10n ** 18n - 1n }, opts),
      "params.maxSupply",
      "bounds",
    ],
    [
      "launch maxSupply above 2^95-1",
      (b) => b.launchProject({ ...launch, maxSupply: MAX_SUPPLY_LIMIT + 1n }, opts),
      "params.maxSupply",
      "bounds",
    ],
    [
      "launch dailyEmission 0",
      (b) => b.launchProject({ ...launch, dailyEmission: 0n }, opts),
      "params.dailyEmission",
      "bounds",
    ],
    [
      "launch seedReserve below 1e15",
      (b) => b.launchProject({ ...launch, seedReserve: 10n ** 15n - 1n }, opts),
      "params.seedReserve",
      "bounds",
    ],
    [
      "launch seedReserve above maxSupply / 2",
      (b) => b.launchProject({ ...launch, seedReserve: launch.maxSupply / 2n + 1n }, opts),
      "params.seedReserve",
      "bounds",
    ],
    [
      "launch seedReserve missing",
      (b) => b.launchProject({ ...launch, seedReserve: undefined as never }, opts),
      "params.seedReserve",
      "bounds",
    ],
    [
      "launch dailyEmission > maxSupply",
      (b) => b.launchProject({ ...launch, dailyEmission: launch.maxSupply + 1n }, opts),
      "params.dailyEmission",
      "bounds",
    ],
    [
      "launch dailyEmission > maxSupply − seedReserve",
      (b) => b.launchProject({ ...launch, dailyEmission: launch.maxSupply - launch.seedReserve + 1n }, opts),
      "params.dailyEmission",
      "bounds",
    ],
    ["launch decay > 5000", (b) => b.launchProject({ ...launch, decayBps: 5_001n }, opts), "params.decayBps", "bounds"],
    [
      "launch contributor > 2000",
      (b) => b.launchProject({ ...launch, contributorBps: 2_001n }, opts),
      "params.contributorBps",
      "bounds",
    ],
    [
      "launch contributor recipient missing",
      (b) => b.launchProject({ ...launch, contributorRecipient: zeroAddress }, opts),
      "params.contributorRecipient",
      "address-zero",
    ],
  ];
  for (const [name, build, input, rule] of cases) {
    it.effect(name, () => expectInvalid(Effect.flatMap(TxBuilder, build), input, rule));
  }

  it.effect("valid inputs build calldata to the machine (no gas estimate without `from`)", () =>
    Effect.gen(function* () {
      const b = yield* TxBuilder;
      const tx = yield* b.deposit(
        {
          amount: "1000000000",
          allocation: [
            { projectId: 1, bps: 6_000 },
            { projectId: 3, bps: "4000" },
          ],
        },
        opts,
      );
      assert.strictEqual(tx.to, deployment.machine);
      assert.strictEqual(tx.value, 0n);
      assert.isFalse("gasEstimate" in tx);
      const launched = yield* b.launchProject(
        { ...launch, contributorBps: 0n, contributorRecipient: undefined as never },
        opts,
      );
      assert.match(launched.data, /^0x/);
      const approve = yield* b.approveStEth({ amount: "max" });
      assert.strictEqual(approve.to, deployment.stETH);
      // The keeper's calls: one selector each, the ids ABI-encoded as given.
      const calls = [
        ["harvest", yield* b.harvest({ projectId: 2 }, opts), [2]],
        ["harvestMany", yield* b.harvestMany({ projectIds: [1, "3"] }, opts), [[1, 3]]],
        ["deploy", yield* b.deploy({ projectId: "3" }, opts), [3]],
        ["deployMany", yield* b.deployMany({ projectIds: [3, 1, 2n] }, opts), [[3, 1, 2]]],
      ] as const;
      for (const [functionName, tx, args] of calls) {
        assert.strictEqual(tx.to, deployment.machine);
        const decoded = decodeFunctionData({ abi: technoCapitalMachineAbi, data: tx.data });
        assert.strictEqual(decoded.functionName, functionName);
        assert.deepStrictEqual(decoded.args, args);
      }
    }),
  );

  it.effect("the allocation-sum message reads like the contract's revert sentence", () =>
    Effect.gen(function* () {
      const e = yield* expectInvalid(
        Effect.flatMap(TxBuilder, (b) => b.reallocate({ allocation: [{ projectId: 1, bps: 9_000 }] }, opts)),
        "allocation",
        "allocation-sum",
      );
      assert.strictEqual(e.message, "Allocation sums to 9,000 bps; it must be exactly 10,000");
    }),
  );
});

describe("pure validators", () => {
  it("checksums addresses and accepts lower case", () => {
    assert.deepStrictEqual(validateAddress("a", ALICE.toLowerCase()), Either.right(ALICE));
  });
  it("accept exactly the contract's launch bounds", () => {
    assert.isTrue(
      Either.isRight(
        validateLaunchParams("p", {
          ...launch,
          launchPrice: 10n ** 6n,
          maxSupply: 10n ** 18n,
          seedReserve: 10n ** 15n,
          dailyEmission: 10n ** 18n - 10n ** 15n,
          decayBps: 5_000n,
          contributorBps: 2_000n,
        }),
      ),
    );
    assert.isTrue(
      Either.isRight(
        validateLaunchParams("p", {
          ...launch,
          launchPrice: 10n ** 24n,
          maxSupply: MAX_SUPPLY_LIMIT,
          seedReserve: MAX_SUPPLY_LIMIT / 2n,
          dailyEmission: 1n,
        }),
      ),
    );
  });
  it("accept 8 ascending entries summing to 10,000", () => {
    const allocation = Array.from({ length: 8 }, (_, i) => ({ projectId: i + 1, bps: i === 0 ? 3_000 : 1_000 }));
    assert.isTrue(Either.isRight(validateAllocation("allocation", allocation, 8)));
  });
});

describe("the domain's rules, named after the input", () => {
  const field: Record<string, string> = {
    TCM_EmptyName: "p.name",
    TCM_EmptySymbol: "p.symbol",
    TCM_NameTooLong: "p.name",
    TCM_SymbolTooLong: "p.symbol",
    TCM_MetadataURITooLong: "p.metadataURI",
    TCM_LaunchPriceOutOfBounds: "p.launchPrice",
    TCM_MaxSupplyOutOfBounds: "p.maxSupply",
    TCM_SeedReserveOutOfBounds: "p.seedReserve",
    TCM_DailyEmissionOutOfBounds: "p.dailyEmission",
    TCM_DecayOutOfBounds: "p.decayBps",
    TCM_ContributorShareOutOfBounds: "p.contributorBps",
    TCM_ContributorRecipientZero: "p.contributorRecipient",
  };
  it("validateLaunchParams refuses exactly what launchParamsError refuses, naming the parameter of the contract's error", () => {
    const around = (x: bigint) => fc.constantFrom(x - 1n, x, x + 1n);
    fc.assert(
      fc.property(
        fc.record({
          // Lengths around the UTF-8 byte limits (64, 32, 512): "é" is 2 bytes, "€" 3.
          name: fc.constantFrom("", "Token", "n".repeat(64), "n".repeat(65), "é".repeat(32), "é".repeat(32) + "n"),
          symbol: fc.constantFrom("", "TKN", "S".repeat(32), "S".repeat(33), "€".repeat(11)),
          metadataURI: fc.constantFrom("", "ipfs://bafy", "u".repeat(512), "u".repeat(513), "€".repeat(171)),
          launchPrice: fc.oneof(around(10n ** 6n), around(10n ** 24n), fc.bigInt({ min: 0n, max: 10n ** 25n })),
          maxSupply: fc.oneof(around(10n ** 18n), around(MAX_SUPPLY_LIMIT), fc.bigInt({ min: 0n, max: 1n << 96n })),
          seedReserve: fc.oneof(around(10n ** 15n), fc.bigInt({ min: 0n, max: 1n << 95n })),
          dailyEmission: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 1n << 95n })),
          decayBps: fc.oneof(around(5_000n), fc.bigInt({ min: 0n, max: 6_000n })),
          contributorBps: fc.oneof(around(2_000n), fc.bigInt({ min: 0n, max: 3_000n })),
          contributorRecipient: fc.constantFrom(zeroAddress, ALICE),
        }),
        (params) => {
          const domain = launchParamsError({
            ...params,
            contributorRecipient: params.contributorRecipient.toLowerCase() as `0x${string}`,
          });
          const chain = validateLaunchParams("p", params);
          if (domain === undefined)
            assert.isTrue(Either.isRight(chain), JSON.stringify(Either.isLeft(chain) ? chain.left.message : ""));
          else
            assert.isTrue(
              Either.isLeft(chain) && chain.left.input === field[domain._tag],
              `${domain._tag} vs ${Either.isLeft(chain) ? chain.left.input : "accepted"}`,
            );
        },
      ),
      { numRuns: 500 },
    );
  });
});
