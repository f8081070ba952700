import {
  type Action,
  type Address,
  type LaunchParams,
  type State,
  type Transition,
  execute,
  initialState,
  unwrap,
} from "../src/index.js";

export const E = 10n ** 18n;
export const DAY = 86_400n;
export const addr = (n: number): Address => `0x${n.toString(16).padStart(40, "0")}`;

export const MACHINE = addr(0x7c3);
export const STETH = addr(0x5e);
export const WSTETH = addr(0x3000);
export const GUARDIAN = addr(0x9);
export const KEEPER = addr(0x4ee);
export const DEV = addr(0xde7);
export const ALICE = addr(0xa11ce);
export const BOB = addr(0xb0b);
export const TRADER = addr(0x7ade);

export const launchParams = (overrides: Partial<LaunchParams> = {}): LaunchParams => ({
  name: "Project",
  symbol: "PRJ",
  metadataURI: "ipfs://x",
  launchPrice: 10n ** 15n,
  dailyEmission: 1_000n * E,
  decayBps: 100n,
  maxSupply: 1_000_000n * E,
  seedReserve: 100_000n * E,
  contributorBps: 1_000n,
  contributorRecipient: DEV,
  ...overrides,
});

/** The devnet's step parameters (contracts/script/Deploy.s.sol). */
export const STEP_INTERVAL = 1_200n;
export const FOLLOW_WINDOW = 2n * DAY;
export const STEP_BOUNTY_BPS = 10n;
export const MAX_STEP_BOUNTY = E / 200n;

/** The constructor's parameters at `now` = 1 (the devnet's step parameters): what the configuration tests vary. */
export const INITIAL_PARAMS = {
  now: 1n,
  machine: MACHINE,
  stEth: STETH,
  wstEth: WSTETH,
  guardian: GUARDIAN,
  bountyBps: 10n,
  maxBounty: E,
  maxImpactBps: 50n,
  minHarvestValue: 10n ** 9n,
  stepInterval: STEP_INTERVAL,
  followWindow: FOLLOW_WINDOW,
  stepBountyBps: STEP_BOUNTY_BPS,
  maxStepBounty: MAX_STEP_BOUNTY,
};

export const fresh = (
  overrides: {
    maxBounty?: bigint;
    bountyBps?: bigint;
    maxImpactBps?: bigint;
    stepInterval?: bigint;
    followWindow?: bigint;
    stepBountyBps?: bigint;
    maxStepBounty?: bigint;
  } = {},
): State =>
  unwrap(
    initialState({
      now: 1_700_000_000n,
      machine: MACHINE,
      stEth: STETH,
      wstEth: WSTETH,
      guardian: GUARDIAN,
      bountyBps: overrides.bountyBps ?? 10n,
      maxBounty: overrides.maxBounty ?? E,
      maxImpactBps: overrides.maxImpactBps ?? 50n,
      minHarvestValue: 10n ** 9n,
      stepInterval: overrides.stepInterval ?? STEP_INTERVAL,
      followWindow: overrides.followWindow ?? FOLLOW_WINDOW,
      stepBountyBps: overrides.stepBountyBps ?? STEP_BOUNTY_BPS,
      maxStepBounty: overrides.maxStepBounty ?? MAX_STEP_BOUNTY,
      initialPooledEther: 1_000n * E,
    }),
  );

/** Executes an action that must succeed: the state after it and its output. */
export const exec = (s: State, action: Action): Transition => {
  const result = execute(s, action);
  if (!result.ok)
    throw new Error(
      `${action.type} reverted: ${JSON.stringify(result.error, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}`,
    );
  return result.value;
};

/** Runs actions that must succeed. */
export const run = (state: State, ...actions: Action[]): State =>
  actions.reduce((s, action) => exec(s, action).state, state);

/** Three projects: token addresses below and above wstETH so both pair orientations are covered. */
export const withProjects = (state: State = fresh()): State =>
  run(
    state,
    { type: "launch", caller: DEV, params: launchParams(), token: addr(0x1000), pair: addr(0x1001) },
    {
      type: "launch",
      caller: DEV,
      params: launchParams({ decayBps: 0n, contributorBps: 0n, contributorRecipient: addr(0) }),
      token: addr(0x5000),
      pair: addr(0x5001),
    },
    {
      type: "launch",
      caller: DEV,
      params: launchParams({ launchPrice: 10n ** 17n, decayBps: 5_000n }),
      token: addr(0x2fff),
      pair: addr(0x2ffe),
    },
    { type: "submit", account: ALICE, amount: 1_000n * E },
    { type: "submit", account: BOB, amount: 1_000n * E },
    { type: "submit", account: TRADER, amount: 1_000n * E },
    { type: "wrap", account: TRADER, amount: 500n * E },
  );

/** Alice allocates 100 stETH to `projectId`; a day later a rebase of `rebaseDivisor`-th of Lido (1% by default) is its yield. */
export const withYield = (state: State, projectId: number, rebaseDivisor = 100n): State => {
  const s = run(
    state,
    { type: "deposit", account: ALICE, amount: 100n * E, allocation: [{ projectId, bps: 10_000n }] },
    { type: "advanceTime", seconds: DAY },
  );
  return run(s, { type: "rebase", delta: s.lido.totalPooledEther / rebaseDivisor });
};
