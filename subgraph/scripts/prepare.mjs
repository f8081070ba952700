#!/usr/bin/env node
// Writes the subgraph manifest for one network from subgraph.template.yaml and networks.json.
//
// Usage (from anywhere):
//   node subgraph/scripts/prepare.mjs [network] [deployment.json] [--out <file>] [--mapping <file>]
//     network          key of networks.json (default: devnet)
//     deployment.json  the deploy script's output ({ machine, deployBlock, … }); overrides the address and start
//                      block of networks.json. Without it, the network's `deploymentFile` is used when it exists,
//                      else the committed values (so a fresh clone builds).
//     --out            manifest to write, relative to subgraph/ or absolute (default: subgraph.yaml). A manifest
//                      in another folder gets its file paths rewritten to point back here; gnd builds a manifest
//                      into build/ beside it, so the test, e2e and benchmark manifests live in folders of their
//                      own and never overwrite the default build.
//     --mapping        mapping file, relative to subgraph/ (default: src/mappings/machine.ts; the benchmark's
//                      no-op manifest passes bench/noop.ts)
//     --defaults       ignore the network's deploymentFile: the committed values of networks.json (how the
//                      committed subgraph.yaml is made)
//     --test-shim      append the test-only data source of tests/shim/ (gnd unit tests only, never deployed)
//
// The file is written only once every value is known and valid: a bad input leaves the old manifest untouched.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdirSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const SUBGRAPH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const fail = (message) => {
  process.stderr.write(`prepare: ${message}\n`);
  process.exit(1);
};

const parseArgs = (argv) => {
  const positional = [];
  const options = { out: "subgraph.yaml", mapping: "src/mappings/machine.ts", testShim: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--test-shim") {
      options.testShim = true;
    } else if (arg === "--defaults") {
      options.defaults = true;
    } else if (arg === "--out" || arg === "--mapping") {
      const value = argv[++i];
      if (!value) fail(`${arg} needs a value`);
      options[arg.slice(2)] = value;
    } else if (arg.startsWith("--")) {
      fail(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length > 2) fail(`too many arguments: ${positional.join(" ")}`);
  return { network: positional[0] ?? "devnet", deploymentPath: positional[1], ...options };
};

const readJson = (path, what) => {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    fail(`cannot read ${what} ${path}: ${error.message}`);
  }
};

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

const { network, deploymentPath, out, mapping, testShim, defaults } = parseArgs(process.argv.slice(2));
const networks = readJson(resolve(SUBGRAPH_DIR, "networks.json"), "network config");
const config = networks[network];
if (!config || network.startsWith("$")) {
  fail(`unknown network "${network}"; networks.json has: ${Object.keys(networks).filter((k) => !k.startsWith("$")).join(", ")}`);
}

let address = config.address;
let startBlock = config.startBlock;
let source = "networks.json";
const deploymentFile = deploymentPath
  ? resolve(process.cwd(), deploymentPath)
  : !defaults && config.deploymentFile && resolve(SUBGRAPH_DIR, config.deploymentFile);
if (deploymentPath && !existsSync(deploymentFile)) fail(`deployment file ${deploymentFile} does not exist`);
if (deploymentFile && existsSync(deploymentFile)) {
  const deployment = readJson(deploymentFile, "deployment file");
  if (deployment.machine === undefined) fail(`${deploymentFile} has no "machine" address`);
  address = deployment.machine;
  startBlock = Number(deployment.deployBlock ?? 0);
  source = deploymentFile;
}

if (typeof config.network !== "string" || !/^[a-z0-9-]+$/.test(config.network)) fail(`networks.json ${network}.network is invalid`);
if (typeof address !== "string" || !ADDRESS.test(address)) fail(`address "${address}" (from ${source}) is not an address`);
if (!Number.isSafeInteger(startBlock) || startBlock < 0) fail(`startBlock "${startBlock}" (from ${source}) is not a block number`);
const mappingPath = isAbsolute(mapping) ? mapping : resolve(SUBGRAPH_DIR, mapping);
if (!existsSync(mappingPath)) fail(`mapping ${mappingPath} does not exist`);

const values = {
  network: config.network,
  address: address.toLowerCase(),
  startBlock: String(startBlock),
  prune: config.prune ?? "auto",
  mappingFile: mapping,
};
const render = (template) =>
  template.replace(/\{\{(\w+)\}\}/g, (match, key) => {
    if (!(key in values)) fail(`template placeholder ${match} has no value`);
    return values[key];
  });
let manifest = render(readFileSync(resolve(SUBGRAPH_DIR, "subgraph.template.yaml"), "utf8"));
// dataSources is the template's last key, so the shim's list item can simply follow it.
if (testShim) manifest += render(readFileSync(resolve(SUBGRAPH_DIR, "tests/shim/datasource.yaml"), "utf8"));
const header = `# GENERATED by scripts/prepare.mjs from subgraph.template.yaml for network "${network}" (${source === "networks.json" ? source : "deployment file"}). Do not edit.\n`;
const outPath = resolve(SUBGRAPH_DIR, out);
const back = relative(dirname(outPath), SUBGRAPH_DIR).split("\\").join("/");
if (back !== "") manifest = manifest.replace(/^(\s*file: )\.\//gm, `$1${back}/`);
mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, header + manifest);
process.stdout.write(`prepare: ${out} for ${network} (${config.network}) machine ${values.address} from block ${startBlock}\n`);
