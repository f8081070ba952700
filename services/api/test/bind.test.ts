/**
 * The API's process when it cannot listen: a message naming the address, the port and the variable to change, and a
 * non-zero exit (no stack trace of a ServeError). No chain is needed: the startup check only warns.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { useTakenPort } from "./taken-port.js";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const taken = useTakenPort("tcm-api-bind-");
const { deploymentFile } = taken;

/** A port nothing listens on (bound, then closed). */
const deadPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const free = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return free;
};

const runApi = async (env: Record<string, string>) => {
  const child = spawn(process.execPath, ["--import", "tsx", main], {
    env: {
      ...process.env,
      TCM_RPC_URLS: `http://127.0.0.1:${await deadPort()}`,
      TCM_DEPLOYMENT_FILE: deploymentFile,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stderr };
};

describe("the API process on a port that is taken", () => {
  it("exits 2 with a message naming the port and TCM_API_PORT", async () => {
    const { code, stderr } = await runApi({ TCM_API_PORT: String(taken.port) });
    expect(code).toBe(2);
    expect(stderr).toContain(`the API cannot listen on 127.0.0.1:${taken.port}: port ${taken.port} is already in use`);
    expect(stderr).toContain("Set TCM_API_PORT to a free port");
    expect(stderr).not.toMatch(/ServeError|An error has occurred/);
  }, 70_000);

  it("names TCM_API_HOST when the host is not an address of this machine", async () => {
    // 192.0.2.1 (TEST-NET-1, RFC 5737) is never assigned to this machine.
    const { code, stderr } = await runApi({ TCM_API_PORT: String(taken.port), TCM_API_HOST: "192.0.2.1" });
    expect(code).toBe(2);
    expect(stderr).toContain("the API cannot listen on 192.0.2.1:");
    expect(stderr).toContain("Set TCM_API_HOST");
  }, 70_000);
});
