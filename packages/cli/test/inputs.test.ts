/**
 * Failure paths through the real binary: the bad-input matrix (exit 2, the flag named on stderr), an unreachable
 * RPC (exit 3), and a launch driven in a pseudo-terminal that answers the confirmation prompt (exit 0 / 4).
 */
import { NodeContext } from "@effect/platform-node";
import { technoCapitalMachineAbi } from "@tcm/chain";
import { ANVIL_ACCOUNTS } from "@tcm/devnet";
import { ConfigProvider, Effect } from "effect";
import { type PublicClient, createPublicClient, http } from "viem";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { program } from "../src/program.js";
import { type TestNet, inTerminal, startNet, stopNet, tcm } from "./devnet.js";

let net: TestNet;
let client: PublicClient;

beforeAll(async () => {
  net = await startNet();
  client = createPublicClient({ transport: http(net.node.url) }) as PublicClient;
});
afterAll(() => stopNet(net));

const LAUNCH = ["launch", "--name", "Bad", "--symbol", "BAD", "--yes"];
const ok = { "--launch-price": "0.001", "--daily-emission": "10000", "--max-supply": "21000000" };
const launchWith = (overrides: Record<string, string>) => [
  ...LAUNCH,
  ...Object.entries({ ...ok, ...overrides }).flatMap(([k, v]) => [k, v]),
];

/** [case, args, flag expected on stderr, text expected on stderr] */
const MATRIX: ReadonlyArray<readonly [string, ReadonlyArray<string>, string, RegExp]> = [
  [
    "launch price below 1e6 wei-scale",
    launchWith({ "--launch-price": "0.0000000000001" }),
    "--launch-price",
    /0\.000000000001 to 1,000,000 wstETH per token/,
  ],
  ["launch price above 1e24", launchWith({ "--launch-price": "1e7" }), "--launch-price", /1e6\.\.1e24/],
  ["launch price not a number", launchWith({ "--launch-price": "cheap" }), "--launch-price", /decimal/],
  [
    "max supply below 1 token",
    launchWith({ "--max-supply": "0.5", "--daily-emission": "0.1" }),
    "--max-supply",
    /1e18\.\.2\^95-1/,
  ],
  [
    "max supply above 2^95-1",
    launchWith({ "--max-supply": "1e11" }),
    "--max-supply",
    /39,614,081,257\.132168796771975167/,
  ],
  [
    "daily emission 0",
    launchWith({ "--daily-emission": "0" }),
    "--daily-emission",
    /up to --max-supply minus --seed-reserve/,
  ],
  [
    "daily emission above max supply",
    launchWith({ "--daily-emission": "30000000" }),
    "--daily-emission",
    /up to --max-supply/,
  ],
  [
    "daily emission above max supply − seed reserve",
    launchWith({ "--daily-emission": "20790001" }),
    "--daily-emission",
    /20,790,000/,
  ],
  [
    "seed reserve below 0.001 token",
    launchWith({ "--seed-reserve": "0.0001" }),
    "--seed-reserve",
    /0\.001 tokens up to half of --max-supply/,
  ],
  [
    "seed reserve above half the max supply",
    launchWith({ "--seed-reserve": "51%" }),
    "--seed-reserve",
    /at most 10,500,000/,
  ],
  ["seed reserve not a number", launchWith({ "--seed-reserve": "some" }), "--seed-reserve", /decimal/],
  [
    "name longer than 64 bytes of UTF-8",
    ["launch", "--name", "é".repeat(33), "--symbol", "BAD", "--yes", ...Object.entries(ok).flat()],
    "--name",
    /66 bytes \(UTF-8\); at most 64/,
  ],
  [
    "metadata URI longer than 512 bytes",
    launchWith({ "--metadata-uri": `ipfs://${"x".repeat(506)}` }),
    "--metadata-uri",
    /513 bytes \(UTF-8\); at most 512/,
  ],
  ["decay above 5000 bps", launchWith({ "--decay": "5001" }), "--decay", /0 to 5000 bps/],
  [
    "contributor share above 2000 bps",
    launchWith({ "--contributor-share": "25%" }),
    "--contributor-share",
    /0 to 2000 bps/,
  ],
  [
    "contributor share without recipient",
    launchWith({ "--contributor-share": "5%" }),
    "--contributor-recipient",
    /required/,
  ],
  [
    "bad recipient address",
    launchWith({ "--contributor-share": "5%", "--contributor-recipient": "0x123" }),
    "--contributor-recipient",
    /address/,
  ],
  [
    "allocation not summing to 10000",
    ["deposit", "--amount", "1", "--alloc", "1:6000,2:3000", "--yes"],
    "--alloc",
    /10,000/,
  ],
  [
    "allocation to an unknown project",
    ["deposit", "--amount", "1", "--alloc", "9:10000", "--yes"],
    "--alloc",
    /does not exist/,
  ],
  [
    "deposit below the minimum",
    ["deposit", "--amount", "1wei", "--alloc", "1:10000", "--yes"],
    "--amount",
    /minimum deposit/,
  ],
  ["withdraw without amount or --all", ["withdraw", "--yes"], "--amount", /--all/],
  ["harvest of an unknown project", ["harvest", "7", "--yes"], "<project-id>", /does not exist/],
  ["deploy of an unknown project", ["deploy", "1", "9", "--yes"], "<project-id>", /does not exist/],
  ["deploy of a project listed twice", ["deploy", "2", "2", "--yes"], "<project-id>", /listed twice|each listed once/],
  ["status of an unknown project", ["status", "--project", "42"], "--project", /does not exist/],
  ["status of a malformed account", ["status", "--account", "0xnope"], "--account", /address/],
  ["missing required flag", ["launch", "--symbol", "X"], "--name", /--name/],
];

/**
 * The same program main.ts runs, in this process with a captured Console (a Node start-up per case would take
 * most of the suite's time); two cases also go through the real binary below.
 */
const runInProcess = async (args: ReadonlyArray<string>) => {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...xs: unknown[]) => void out.push(xs.join(" ")));
  const error = vi.spyOn(console, "error").mockImplementation((...xs: unknown[]) => void err.push(xs.join(" ")));
  try {
    const argv = ["node", "tcm", ...args, "--rpc", net.node.url, "--deployment", net.deploymentFile];
    const config = ConfigProvider.fromMap(new Map([["TCM_PRIVATE_KEY", ANVIL_ACCOUNTS[1]!.privateKey]]));
    const code = await Effect.runPromise(
      program(argv).pipe(Effect.withConfigProvider(config), Effect.provide(NodeContext.layer)),
    );
    return { code, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
};

describe("bad input: exit 2 naming the flag and the accepted range", () => {
  for (const [name, args, flag, text] of MATRIX) {
    it(name, async () => {
      const r = await runInProcess(args);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(flag);
      expect(r.stderr).toMatch(text);
    });
  }

  it("through the binary: out-of-range launch price and a missing deployment file", async () => {
    const [price, deployment] = await Promise.all([
      tcm(launchWith({ "--launch-price": "0.0000000000001" }), { net }),
      tcm(["status", "--rpc", net.node.url, "--deployment", "/nonexistent/tcm.json"]),
    ]);
    expect(price.code).toBe(2);
    expect(price.stderr).toMatch(/^error: --launch-price: accepted 0\.000000000001 to/);
    expect(deployment.code).toBe(2);
    expect(deployment.stderr).toMatch(/--deployment: .*cannot read/);
  });
});

describe("RPC and signing failures", () => {
  it("unreachable RPC: exit 3 and the URL", async () => {
    const r = await tcm(["status", "--rpc", "http://127.0.0.1:9", "--deployment", net.deploymentFile]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot reach RPC at http:\/\/127\.0\.0\.1:9/);
  });

  it("no key: exit 2 explaining TCM_PRIVATE_KEY / --keystore; no terminal and no --yes: exit 4", async () => {
    const [noKey, noTty] = await Promise.all([
      tcm(["withdraw", "--all", "--yes"], { net, key: null }),
      tcm(
        [
          "launch",
          "--name",
          "N",
          "--symbol",
          "N",
          "--launch-price",
          "1",
          "--daily-emission",
          "0.5",
          "--max-supply",
          "1",
        ],
        { net },
      ),
    ]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/TCM_PRIVATE_KEY/);
    expect(noTty.code).toBe(4);
    expect(noTty.stderr).toMatch(/pass --yes/);
  });
});

describe("interactive confirmation in a pseudo-terminal", () => {
  const args = (symbol: string) => [
    "launch",
    "--name",
    `Interactive ${symbol}`,
    "--symbol",
    symbol,
    "--launch-price",
    "0.01",
    "--daily-emission",
    "500",
    "--max-supply",
    "1000000",
    "--rpc",
    net.node.url,
    "--deployment",
    net.deploymentFile,
  ];

  it("answers y: the prompt is shown and the project exists afterwards", async () => {
    const before = await client.readContract({
      address: net.deployment.machine,
      abi: technoCapitalMachineAbi,
      functionName: "projectCount",
    });
    const r = await inTerminal(args("YES"), /Launch YES\?/, "y");
    expect(r.output).toMatch(/Launch YES\?/);
    expect(r.output).toMatch(/launch price\s+0\.01 wstETH per token/);
    expect(r.code, r.output).toBe(0);
    const after = await client.readContract({
      address: net.deployment.machine,
      abi: technoCapitalMachineAbi,
      functionName: "projectCount",
    });
    expect(after).toBe(before + 1);
  });

  it("answers n: exit 4 and nothing is sent", async () => {
    const before = await client.readContract({
      address: net.deployment.machine,
      abi: technoCapitalMachineAbi,
      functionName: "projectCount",
    });
    const r = await inTerminal(args("NO"), /Launch NO\?/, "n");
    expect(r.code, r.output).toBe(4);
    expect(r.output).toMatch(/aborted: nothing was sent/);
    const after = await client.readContract({
      address: net.deployment.machine,
      abi: technoCapitalMachineAbi,
      functionName: "projectCount",
    });
    expect(after).toBe(before);
  });
});
