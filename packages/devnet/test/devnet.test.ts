/** The harness against the real tools: anvil by PID, the forge deploy, snapshots, files, Postgres, IPFS, gql. */
import { readFileSync } from "node:fs";
import { toFunctionSelector } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ANVIL_DEPLOYER,
  type Devnet,
  createDatabase,
  databaseExists,
  dropDatabase,
  evmRevert,
  evmSnapshot,
  freePort,
  gql,
  isAlive,
  postgresAnswers,
  rpc,
  startAnvil,
  startDevnet,
  startIpfsEndpoint,
  stopAnvil,
  writeDeploymentFile,
} from "../src/promise.js";

describe("devnet (anvil + forge devnet deploy)", () => {
  let net: Devnet & { readonly close: () => Promise<void> };
  beforeAll(async () => {
    net = await startDevnet({ demoProjects: false });
  });
  afterAll(() => net?.close());

  it("deploys with the deployer as guardian, genesis read from the machine, and the node's URL", async () => {
    expect(net.deployment.chainId).toBe(31337);
    expect(net.deployment.guardian).toBe(ANVIL_DEPLOYER.address);
    expect(net.deployment.rpcUrl).toBe(net.node.url);
    const head = BigInt(await rpc<string>(net.node.url, "eth_blockNumber"));
    expect(net.deployment.deployBlock).toBeGreaterThan(0n);
    expect(net.deployment.deployBlock).toBeLessThanOrEqual(head);
    const genesis = await rpc<string>(net.node.url, "eth_call", [
      { to: net.deployment.machine, data: toFunctionSelector("genesis()") },
      "latest",
    ]);
    expect(BigInt(genesis)).toBe(net.deployment.genesis);
  });

  it("writes the deployment file the forge script's shape (numbers for small uints)", () => {
    const json = JSON.parse(readFileSync(net.deploymentFile, "utf8"));
    expect(json.machine).toBe(net.deployment.machine);
    expect(json.genesis).toBe(Number(net.deployment.genesis));
    expect(json.rpcUrl).toBe(net.node.url);
    const big = JSON.parse(readFileSync(writeDeploymentFile({ ...net.deployment, genesis: 2n ** 64n }), "utf8"));
    expect(big.genesis).toBe("18446744073709551616");
  });

  it("evm_snapshot / evm_revert return to the saved state", async () => {
    const id = await evmSnapshot(net.node.url);
    const before = await rpc<string>(net.node.url, "eth_blockNumber");
    await rpc(net.node.url, "evm_mine");
    expect(await rpc<string>(net.node.url, "eth_blockNumber")).not.toBe(before);
    await evmRevert(net.node.url, id);
    expect(await rpc<string>(net.node.url, "eth_blockNumber")).toBe(before);
    await expect(evmRevert(net.node.url, "0x999")).rejects.toThrow(/evm_revert/);
  });

  it("a failing deploy names forge and its output", async () => {
    const { deployDevnet } = await import("../src/promise.js");
    await expect(deployDevnet({ rpcUrl: net.node.url, privateKey: "0x01" })).rejects.toThrow(/forge script failed/);
  });
});

describe("processes and services", () => {
  it("anvil starts on a free port and stops by PID", async () => {
    const node = await startAnvil();
    expect(node.url).toBe(`http://127.0.0.1:${node.port}`);
    expect(isAlive(node.pid)).toBe(true);
    await stopAnvil(node.pid);
    expect(isAlive(node.pid)).toBe(false);
    await stopAnvil(node.pid); // already gone: no error
  });

  it("a taken port is an error naming it", async () => {
    const node = await startAnvil();
    try {
      await expect(startAnvil({ port: node.port, startTimeoutMs: 5_000 })).rejects.toThrow(
        new RegExp(`port ${node.port}`),
      );
    } finally {
      await stopAnvil(node.pid);
    }
  });

  it("freePort gives distinct bindable ports", async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    for (const port of ports) expect(port).toBeGreaterThan(1023);
  });

  it("the IPFS endpoint answers graph-node's probe, and gql reports GraphQL errors", async () => {
    const ipfs = await startIpfsEndpoint();
    try {
      const probe = await fetch(`${ipfs.value.url}/ipfs/QmUNLLsPACCz1vLxQVkXqqLX5R1X345qqfHbsf67hvA3Nn`, {
        method: "HEAD",
      });
      expect(probe.status).toBe(200);
    } finally {
      await ipfs.close();
    }
    await expect(gql(`http://127.0.0.1:${await freePort()}/graphql`, "{ x }")).rejects.toThrow();
  });

  it("creates a C-locale database and drops it", async () => {
    expect(postgresAnswers(), "PostgreSQL on PGHOST:PGPORT (default 127.0.0.1:5432)").toBe(true);
    const db = await createDatabase({ prefix: "tcm_devnet_test" });
    expect(databaseExists(db.name)).toBe(true);
    expect(db.url).toMatch(new RegExp(`/${db.name}$`));
    await dropDatabase(db.name);
    expect(databaseExists(db.name)).toBe(false);
  });
});
