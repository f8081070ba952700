/**
 * Every command against a real anvil with the forge deployment: the `tcm` binary runs as a child process with
 * --rpc/--deployment and TCM_PRIVATE_KEY, and the chain is read afterwards to check what it did.
 */
import { ANVIL_ACCOUNTS, NEWCOMER } from "@tcm/devnet";
import { mockStETHAbi, projectTokenAbi, technoCapitalMachineAbi } from "@tcm/chain";
import { Effect } from "effect";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  type PublicClient,
  createPublicClient,
  createTestClient,
  createWalletClient,
  http,
  parseEther,
  zeroAddress,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptKeystore } from "../src/keystore.js";
import { type TestNet, inTerminal, startNet, stopNet, tcm } from "./devnet.js";

const user = ANVIL_ACCOUNTS[1]!;
const other = ANVIL_ACCOUNTS[3]!;
const deployer = ANVIL_ACCOUNTS[0]!;

let net: TestNet;
let client: PublicClient;

const machine = () => ({ address: net.deployment.machine, abi: technoCapitalMachineAbi }) as const;
const testClient = () => createTestClient({ mode: "anvil", transport: http(net.node.url) });

/** Sends as an unlocked anvil account (devnet set-up, not under test). */
const sendRaw = async (from: `0x${string}`, to: `0x${string}`, data: `0x${string}`, value = 0n) => {
  const wallet = createWalletClient({ transport: http(net.node.url) });
  const hash = await wallet.sendTransaction({ account: from, to, data, value, chain: null });
  await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
};

beforeAll(async () => {
  net = await startNet();
  client = createPublicClient({ transport: http(net.node.url) }) as PublicClient;
  // The depositor gets 10 stETH (MockStETH.submit).
  const { encodeFunctionData } = await import("viem");
  await sendRaw(
    user.address,
    net.deployment.stETH,
    encodeFunctionData({ abi: mockStETHAbi, functionName: "submit", args: [zeroAddress] }),
    parseEther("10"),
  );
});
afterAll(() => stopNet(net));

describe("tcm against anvil", () => {
  it("launch: creates the project with the typed parameters", async () => {
    const r = await tcm(
      [
        "launch",
        "--name",
        "CLI Token",
        "--symbol",
        "CLI",
        "--metadata-uri",
        "ipfs://cli",
        "--launch-price",
        "0.001",
        "--daily-emission",
        "10000",
        "--max-supply",
        "21000000",
        "--decay",
        "1%",
        "--contributor-share",
        "500",
        "--contributor-recipient",
        other.address,
        "--yes",
      ],
      { net },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Project 4 launched/);
    const count = await client.readContract({ ...machine(), functionName: "projectCount" });
    expect(count).toBe(4);
    const p = await client.readContract({ ...machine(), functionName: "getProject", args: [4] });
    expect(p.launchPrice).toBe(10n ** 15n);
    expect(p.dailyEmission).toBe(10_000n * 10n ** 18n);
    expect(p.maxSupply).toBe(21_000_000n * 10n ** 18n);
    expect(p.decayBps).toBe(100n);
    expect(p.contributorBps).toBe(500n);
    // --seed-reserve's default: 1 % of the max supply, outside the emission schedule.
    expect(p.seedReserve).toBe(210_000n * 10n ** 18n);
    expect(p.emissionCap).toBe(p.maxSupply - p.seedReserve);
    expect(r.stdout).toMatch(/seed reserve\s+210,000 tokens: opens the pool at the launch price with up to 210 wstETH/);
    expect(p.contributorRecipient).toBe(other.address);
    expect(p.metadataURI).toBe("ipfs://cli");
    expect(p.owner).toBe(user.address);
  });

  it("harvest of a project launched this epoch says it is not ready and when it will be", async () => {
    const r = await tcm(["harvest", "4", "--yes"], { net });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /Project 4 is not ready to harvest: it was launched in epoch \d+, the current one, and a project's first harvest opens with the next epoch, at \d{4}-\d\d-\d\dT[\d:]+Z \(in \d+ h \d+ min, when epoch \d+ begins\)/,
    );
    expect(r.stderr).not.toMatch(/already harvested/);
  });

  it('errors name only flags the user passed; unlimited allowances read "unlimited"; --help into a pipe has no colour codes', async () => {
    // `other` has no position and no rewards.
    const claim = await tcm(["claim", "--yes"], { net, key: other.privateKey });
    expect(claim.code).toBe(1);
    expect(claim.stderr).toMatch(/has no pending rewards to claim in any project/);
    expect(claim.stderr).not.toMatch(/--project/);
    const withdraw = await tcm(["withdraw", "--all", "--yes"], { net, key: other.privateKey });
    expect(withdraw.code).toBe(1);
    expect(withdraw.stderr).toMatch(/has no position to withdraw from/);
    expect(withdraw.stderr).not.toMatch(/--amount/);
    const { encodeFunctionData, maxUint256 } = await import("viem");
    await sendRaw(
      other.address,
      net.deployment.stETH,
      encodeFunctionData({ abi: mockStETHAbi, functionName: "approve", args: [net.deployment.machine, maxUint256] }),
    );
    const status = await tcm(["status", "--account", other.address], { net });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/allowance to the machine: unlimited/);
    // No NO_COLOR, stdout a pipe: plain text all the same.
    const help = await tcm(["--help"], { env: { NO_COLOR: "" } });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/USAGE/);
    expect(help.stdout).not.toMatch(/\x1b\[/);
  });

  it("--dry-run prints {to, data, value} as JSON and sends nothing", async () => {
    const before = await client.getTransactionCount({ address: user.address });
    const r = await tcm(["deposit", "--amount", "1", "--alloc", "1:10000", "--dry-run"], { net });
    expect(r.code).toBe(0);
    const txs = JSON.parse(r.stdout) as Array<{ to: string; data: string; value: string }>;
    expect(txs.map((t) => t.to)).toEqual([net.deployment.stETH, net.deployment.machine]);
    expect(txs[1]!.data.startsWith("0x")).toBe(true);
    expect(txs[1]!.value).toBe("0");
    expect(await client.getTransactionCount({ address: user.address })).toBe(before);
  });

  it("deposit: approves stETH, opens the position with the allocation", async () => {
    const r = await tcm(["deposit", "--amount", "2", "--alloc", "1:6000,2:4000", "--yes"], { net });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/approve 2 stETH/);
    expect(r.stdout).toMatch(/tokens\/day/);
    const [principal, entries] = await client.readContract({
      ...machine(),
      functionName: "positionOf",
      args: [user.address],
    });
    expect(principal).toBe(2n * 10n ** 18n);
    expect(entries.map((e) => [e.projectId, e.bps])).toEqual([
      [1, 6000],
      [2, 4000],
    ]);
  });

  it("deposit again tops the position up (keeps the split)", async () => {
    const r = await tcm(["deposit", "--amount", "1", "--yes"], { net });
    expect(r.code, r.stderr).toBe(0);
    const [principal] = await client.readContract({ ...machine(), functionName: "positionOf", args: [user.address] });
    expect(principal).toBe(3n * 10n ** 18n);
  });

  it("allocate: re-splits the yield", async () => {
    const r = await tcm(["allocate", "--alloc", "1:5000,4:5000", "--yes"], { net });
    expect(r.code, r.stderr).toBe(0);
    const [, entries] = await client.readContract({ ...machine(), functionName: "positionOf", args: [user.address] });
    expect(entries.map((e) => [e.projectId, e.bps])).toEqual([
      [1, 5000],
      [4, 5000],
    ]);
  });

  it("harvest: collects a day of yield and opens the pools; a second harvest in the epoch is a decoded revert (exit 1)", async () => {
    const { encodeFunctionData } = await import("viem");
    const pooled = await client.readContract({
      address: net.deployment.stETH,
      abi: mockStETHAbi,
      functionName: "getTotalPooledEther",
    });
    await sendRaw(
      deployer.address,
      net.deployment.stETH,
      encodeFunctionData({ abi: mockStETHAbi, functionName: "rebase", args: [pooled / 100n] }),
    );
    await testClient().increaseTime({ seconds: 86_400 });
    await testClient().mine({ blocks: 1 });
    const r = await tcm(["harvest", "1", "4", "--yes"], { net }); // harvester: the user (earns the bounty)
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/opens the pool/);
    expect(r.stdout).toMatch(/pending wstETH after/);
    for (const id of [1, 4]) {
      const p = await client.readContract({ ...machine(), functionName: "getProject", args: [id] });
      expect(p.seeded).toBe(true);
      expect(p.totalLiquidity).toBeGreaterThan(0n);
    }
    const again = await tcm(["harvest", "1", "--yes"], { net });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already harvested in epoch/);
  });

  it("deploy: not due is a decoded revert; a day later the harvest steps, and after stepInterval `deploy` runs the next step", async () => {
    // The opening step deployed the pending wstETH: nothing to deploy yet.
    const nothing = await tcm(["deploy", "1", "--yes"], { net });
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/pending wstETH to deploy; a step needs at least/);
    const { encodeFunctionData } = await import("viem");
    const pooled = await client.readContract({
      address: net.deployment.stETH,
      abi: mockStETHAbi,
      functionName: "getTotalPooledEther",
    });
    await sendRaw(
      deployer.address,
      net.deployment.stETH,
      encodeFunctionData({ abi: mockStETHAbi, functionName: "rebase", args: [pooled / 100n] }),
    );
    await testClient().increaseTime({ seconds: 86_400 });
    await testClient().mine({ blocks: 1 });
    const harvested = await tcm(["harvest", "1", "4", "--yes"], { net });
    expect(harvested.code, harvested.stderr).toBe(0);
    expect(harvested.stdout).toMatch(/a deploy step/);
    const notDue = await tcm(["deploy", "1", "--yes"], { net });
    expect(notDue.code).toBe(1);
    expect(notDue.stderr).toMatch(/next deploy step is not due yet; it may run from/);
    const before = await client.readContract({ ...machine(), functionName: "getProject", args: [1] });
    const interval = await client.readContract({ ...machine(), functionName: "stepInterval" });
    await testClient().increaseTime({ seconds: Number(interval) });
    await testClient().mine({ blocks: 1 });
    // --dry-run prints the one deployMany transaction and sends nothing.
    const dry = await tcm(["deploy", "1", "4", "--dry-run"], { net });
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toHaveLength(1);
    const r = await tcm(["deploy", "1,4", "--yes"], { net });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/buy \+ add/);
    const after = await client.readContract({ ...machine(), functionName: "getProject", args: [1] });
    expect(after.lastStepTime).toBeGreaterThan(before.lastStepTime);
    expect(after.pendingWstEth).toBeLessThan(before.pendingWstEth);
    expect(after.totalLiquidity).toBeGreaterThan(before.totalLiquidity);
  });

  it("deploy --all: previews every due step and asks in a terminal; n sends nothing, y runs them in one deployMany", async () => {
    const { encodeFunctionData } = await import("viem");
    // Ids and --all together, or neither: bad input naming the flag, before anything is read or sent.
    const [both, neither] = await Promise.all([
      tcm(["deploy", "1", "--all", "--yes"], { net }),
      tcm(["deploy", "--yes"], { net }),
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--all/);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/project ids .* or pass --all/);
    // Nothing due anywhere: --all says why for each project and exits 0 (a cron job's normal case).
    const idle = await tcm(["deploy", "--all", "--yes"], { net });
    expect(idle.code, idle.stderr).toBe(0);
    expect(idle.stdout).toMatch(/Nothing to deploy: no project is ready/);
    expect(idle.stdout).toMatch(/#1: /);
    // A day of yield, harvested by everyone's harvest --all, then a step interval: steps are due with pending wstETH.
    const pooled = await client.readContract({
      address: net.deployment.stETH,
      abi: mockStETHAbi,
      functionName: "getTotalPooledEther",
    });
    await sendRaw(
      deployer.address,
      net.deployment.stETH,
      encodeFunctionData({ abi: mockStETHAbi, functionName: "rebase", args: [pooled / 100n] }),
    );
    await testClient().increaseTime({ seconds: 86_400 });
    await testClient().mine({ blocks: 1 });
    const harvested = await tcm(["harvest", "--all", "--yes"], { net });
    expect(harvested.code, harvested.stderr).toBe(0);
    const interval = await client.readContract({ ...machine(), functionName: "stepInterval" });
    await testClient().increaseTime({ seconds: Number(interval) });
    await testClient().mine({ blocks: 1 });
    const count = Number(await client.readContract({ ...machine(), functionName: "projectCount" }));
    const ids = Array.from({ length: count }, (_, i) => i + 1);
    const due = (
      await Promise.all(
        ids.map((id) => client.readContract({ ...machine(), functionName: "isDeployReady", args: [id] })),
      )
    ).flatMap((ready, i) => (ready ? [i + 1] : []));
    expect(due.length).toBeGreaterThan(0);
    const steppedAt = () =>
      Promise.all(
        due.map((id) =>
          client.readContract({ ...machine(), functionName: "getProject", args: [id] }).then((p) => p.lastStepTime),
        ),
      );
    const before = await steppedAt();

    const declined = await inTerminal(
      ["deploy", "--all", "--rpc", net.node.url, "--deployment", net.deploymentFile],
      /Run the deploy step\?/,
      "n",
    );
    expect(declined.code, declined.output).toBe(4);
    expect(declined.output).toMatch(new RegExp(`Deploy step for ${due.map((id) => `#${id}`).join(", ")}`));
    expect(await steppedAt()).toEqual(before);

    const accepted = await inTerminal(
      ["deploy", "--all", "--rpc", net.node.url, "--deployment", net.deploymentFile],
      /Run the deploy step\?/,
      "y",
    );
    expect(accepted.code, accepted.output).toBe(0);
    const after = await steppedAt();
    after.forEach((t, i) => expect(t, `project ${due[i]}`).toBeGreaterThan(before[i] as bigint));
  });

  it("claim: mints the earned tokens to --to", async () => {
    const p = await client.readContract({ ...machine(), functionName: "getProject", args: [1] });
    const r = await tcm(["claim", "--project", "1", "--to", other.address, "--yes"], { net });
    expect(r.code, r.stderr).toBe(0);
    const balance = await client.readContract({
      address: p.token,
      abi: projectTokenAbi,
      functionName: "balanceOf",
      args: [other.address],
    });
    expect(balance).toBeGreaterThan(0n);
  });

  it("status and projects: tables by default, JSON with --json", async () => {
    const [table, project, account, sorted] = await Promise.all([
      tcm(["status"], { net }),
      tcm(["status", "--project", "1", "--json"], { net }),
      tcm(["status", "--account", user.address, "--json"], { net }),
      tcm(["projects", "--sort", "liquidity", "--json"], { net }),
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/total principal\s+3 stETH/);
    expect(table.stdout).toMatch(/projects\s+4/);
    expect(JSON.parse(project.stdout)).toMatchObject({ id: 1, seeded: true, harvestReady: false });
    expect(JSON.parse(account.stdout)).toMatchObject({ principal: (3n * 10n ** 18n).toString() });
    const list = JSON.parse(sorted.stdout) as Array<{
      id: number;
      liquidityWstEth: string;
      pendingWstEth: string;
      harvestedWstEth: string;
      deployedWstEth: string;
      deploymentRatio: string | null;
    }>;
    expect(list).toHaveLength(4);
    // The deployment figures against the machine's own events and views, summed here independently.
    const [harvests, steps] = await Promise.all([
      client.getContractEvents({ ...machine(), eventName: "Harvested", fromBlock: 0n, strict: true }),
      client.getContractEvents({ ...machine(), eventName: "Deployed", fromBlock: 0n, strict: true }),
    ]);
    for (const row of list) {
      const harvested = harvests
        .filter((l) => l.args.projectId === row.id)
        .reduce((sum, l) => sum + l.args.report.wstEthWrapped, 0n);
      const deployed = steps
        .filter((l) => l.args.projectId === row.id)
        .reduce((sum, l) => sum + l.args.report.wstEthAdded + l.args.report.wstEthSwapped, 0n);
      const view = await client.readContract({ ...machine(), functionName: "getProject", args: [row.id] });
      expect(BigInt(row.harvestedWstEth), `#${row.id} harvested`).toBe(harvested);
      expect(BigInt(row.deployedWstEth), `#${row.id} deployed`).toBe(deployed);
      expect(BigInt(row.pendingWstEth), `#${row.id} pending`).toBe(view.pendingWstEth);
      expect(row.deploymentRatio, `#${row.id} ratio`).toBe(
        harvested === 0n ? null : ((deployed * 10n ** 18n) / harvested).toString(),
      );
    }
    // Every harvested wei is deployed, pending or paid as a step bounty.
    const bounties = steps.reduce((sum, l) => sum + l.args.report.bounty, 0n);
    const total = (key: "harvestedWstEth" | "deployedWstEth" | "pendingWstEth") =>
      list.reduce((sum, r) => sum + BigInt(r[key]), 0n);
    expect(total("deployedWstEth") + total("pendingWstEth") + bounties).toBe(total("harvestedWstEth"));
    expect(JSON.parse(project.stdout)).toMatchObject({ deployedWstEth: list.find((r) => r.id === 1)?.deployedWstEth });
    expect(table.stdout).toMatch(/deployed\s+\d+\.\d+ % of the/);
    const liquidity = list.map((p) => BigInt(p.liquidityWstEth));
    expect([...liquidity].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))).toEqual(liquidity);
  });

  it("reads the RPC the deployment names when no --rpc is given, and says which RPC and block it read", async () => {
    // The test node is on a random port: a CLI falling back to 127.0.0.1:8545 would fail or read another chain.
    expect(net.node.url).not.toBe("http://127.0.0.1:8545");
    const r = await tcm(["projects", "--deployment", net.deploymentFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/CLI Token/);
    const head = await client.getBlockNumber({ cacheTime: 0 });
    const [, url, block] = /^read (\S+) \(chain 31337\) at block (\d+); deployment (\S+)\n$/.exec(r.stderr) ?? [];
    expect(url).toBe(net.node.url);
    expect(BigInt(block ?? -1)).toBe(head);
    const status = await tcm(["status", "--json"], { net });
    expect(status.stderr).toMatch(
      new RegExp(`^read ${net.node.url.replace(/[.:/]/g, "\\$&")} \\(chain 31337\\) at block \\d+`),
    );
    expect(JSON.parse(status.stdout)).toMatchObject({ chainId: 31337 });
  });

  it("devnet fund: gives an address exactly --eth ether and --steth stETH; refused when stETH is not the devnet mock", async () => {
    const to = NEWCOMER.address;
    const [eth0, st0] = await Promise.all([
      client.getBalance({ address: to }),
      client.readContract({ address: net.deployment.stETH, abi: mockStETHAbi, functionName: "balanceOf", args: [to] }),
    ]);
    const r = await tcm(["devnet", "fund", "--to", to, "--eth", "2.5", "--steth", "7"], { net });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Funded ${to}`));
    expect(await client.getBalance({ address: to })).toBe(eth0 + 25n * 10n ** 17n);
    const st1 = await client.readContract({
      address: net.deployment.stETH,
      abi: mockStETHAbi,
      functionName: "balanceOf",
      args: [to],
    });
    // stETH moves in shares: at most 1 wei of rounding.
    expect(st1 - st0 >= 7n * 10n ** 18n - 1n && st1 - st0 <= 7n * 10n ** 18n).toBe(true);
    // The same chain, but a deployment whose stETH is not the mock (here the wstETH contract): refused, nothing sent.
    const dir = dirname(net.deploymentFile);
    const fake = join(dir, "not-mock.json");
    writeFileSync(
      fake,
      JSON.stringify({ ...JSON.parse(readFileSync(net.deploymentFile, "utf8")), stETH: net.deployment.wstETH }),
    );
    const refused = await tcm(["devnet", "fund", "--to", to, "--deployment", fake, "--rpc", net.node.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/only on the local devnet .* is not the devnet mock/);
    expect(await client.getBalance({ address: to })).toBe(eth0 + 25n * 10n ** 17n);
    const noTarget = await tcm(["devnet", "fund"], { net, key: null });
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toMatch(/--to: give the address to fund/);
  });

  it("withdraw: an amount, then --all closes the position", async () => {
    const partial = await tcm(["withdraw", "--amount", "0.5", "--yes"], { net });
    expect(partial.code, partial.stderr).toBe(0);
    let [principal] = await client.readContract({ ...machine(), functionName: "positionOf", args: [user.address] });
    expect(principal).toBe(25n * 10n ** 17n);
    const all = await tcm(["withdraw", "--all", "--yes"], { net });
    expect(all.code, all.stderr).toBe(0);
    [principal] = await client.readContract({ ...machine(), functionName: "positionOf", args: [user.address] });
    expect(principal).toBe(0n);
  });

  it("signs with a v3 keystore (password from TCM_KEYSTORE_PASSWORD)", async () => {
    const ks = await Effect.runPromise(encryptKeystore(other.privateKey, "correct horse", { n: 1024 }));
    const file = join(dirname(net.deploymentFile), "keystore.json");
    writeFileSync(file, JSON.stringify(ks));
    const r = await tcm(
      [
        "launch",
        "--name",
        "Keystore",
        "--symbol",
        "KEY",
        "--launch-price",
        "1",
        "--daily-emission",
        "0.5",
        "--max-supply",
        "1",
        "--keystore",
        file,
        "--yes",
      ],
      { net, key: null, env: { TCM_KEYSTORE_PASSWORD: "correct horse" } },
    );
    expect(r.code, r.stderr).toBe(0);
    const p = await client.readContract({ ...machine(), functionName: "getProject", args: [5] });
    expect(p.owner).toBe(privateKeyToAccount(other.privateKey).address);
    const wrong = await tcm(["withdraw", "--all", "--keystore", file, "--yes"], {
      net,
      key: null,
      env: { TCM_KEYSTORE_PASSWORD: "nope" },
    });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/--keystore: .*wrong password/);
  });
});
