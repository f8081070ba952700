// Standalone: node --import tsx packages/ipfs/src/main.ts [--port 5001] [--dir <folder>]
import { parseArgs } from "node:util";
import { startIpfs } from "./server.js";

const { values } = parseArgs({
  options: { port: { type: "string", default: "5001" }, dir: { type: "string" }, host: { type: "string" } },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535)
  throw new Error(`--port must be a TCP port, got ${values.port}`);
const endpoint = await startIpfs({
  port,
  ...(values.dir === undefined ? {} : { dir: values.dir }),
  ...(values.host === undefined ? {} : { host: values.host }),
});
process.stdout.write(`ipfs: gateway ${endpoint.url}/ipfs/<cid>, RPC ${endpoint.url}/api/v0/\n`);
const stop = () => void endpoint.close().then(() => process.exit(0));
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
