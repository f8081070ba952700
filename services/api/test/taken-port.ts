/**
 * For the tests of an API that cannot listen (bind.test.ts, cluster.test.ts): a port held by another server, and a
 * deployment file whose addresses need no chain (the API's startup check only warns).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";

/** Writes a well-formed deployment (chain 31337, placeholder addresses 0x…01 to 0x…08) to `file`. */
export const writePlaceholderDeployment = (file: string): void => {
  const address = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
  writeFileSync(
    file,
    JSON.stringify({
      chainId: 31337,
      machine: address(1),
      stETH: address(2),
      wstETH: address(3),
      uniswapV2Factory: address(4),
      uniswapV2Router: address(5),
      weth: address(6),
      tokenDeployer: address(7),
      guardian: address(8),
      genesis: 1,
      deployBlock: 1,
    }),
  );
};

/** A port on 127.0.0.1 that another server listens on until `release`. */
export const holdPort = async (): Promise<{ readonly port: number; readonly release: () => Promise<void> }> => {
  const held = createServer();
  await new Promise<void>((resolve) => held.listen(0, "127.0.0.1", resolve));
  return {
    port: (held.address() as { port: number }).port,
    release: () => new Promise<void>((resolve) => held.close(() => resolve())),
  };
};

/**
 * For the enclosing suite: a placeholder deployment in a temporary folder and a port held by another server, from
 * beforeAll to afterAll (then released and the folder removed). `port` is read inside tests.
 */
export const useTakenPort = (prefix: string): { readonly deploymentFile: string; readonly port: number } => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const deploymentFile = join(dir, "deployment.json");
  let held: Awaited<ReturnType<typeof holdPort>> | undefined;
  beforeAll(async () => {
    writePlaceholderDeployment(deploymentFile);
    held = await holdPort();
  });
  afterAll(async () => {
    await held?.release();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    deploymentFile,
    get port() {
      if (held === undefined) throw new Error("the taken port is held from beforeAll on");
      return held.port;
    },
  };
};
