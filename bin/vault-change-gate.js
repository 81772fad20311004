#!/usr/bin/env node
// The CLI is bundled into one script (dist/cli.bundle.cjs): a git hook starts it on every push, and loading one
// file is several times faster than loading the few hundred modules that make it up.
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

// The HCL parser is WASM (web-tree-sitter). By default V8 recompiles its hot functions with TurboFan on background
// threads; a CLI run parses for tens of milliseconds, far less than that recompilation costs, and the process then
// waits for it at exit. Baseline (Liftoff) code only: the hook on 1 of 30 .tf files took 80 ms less wall time and
// 140 ms less CPU, and a 2,000-resource diff 60-190 ms less. Set for the CLI process only, never by the library
// (before any WASM is compiled: the parser loads only when a .tf file is read).
setFlagsFromString('--liftoff-only');

const bundle = fileURLToPath(new URL('../dist/cli.bundle.cjs', import.meta.url));
const bytes = readFileSync(bundle);
const source = bytes.toString('utf8');

/**
 * V8's code cache of the bundle, in the user's cache folder: compiling the bundle afresh cost every run ~30 ms.
 * Named by a hash of the bundle, Node's version and the architecture, since V8 checks only the source's length
 * and its own version and flags before it trusts a cache. The folder is created private (0700) and used only when
 * it and the file belong to this user and no one else may write them; anything that goes wrong with it just means
 * compiling afresh.
 */
function codeCache() {
  const base = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  const dir = path.join(base, 'vault-change-gate');
  // The bytes, not the string: hashing the string encodes it again, which cost more than the hash.
  const key = createHash('sha256').update(bytes).update(`${process.version} ${process.arch}`).digest('hex');
  const file = path.join(dir, `cli-${key.slice(0, 24)}.v8`);
  // V8 runs the bytecode a cache holds: one that someone else could have written must never be loaded. So the
  // folder (not a link) and the file must be this user's and writable by no one else.
  const mine = (info) => (process.getuid === undefined || info.uid === process.getuid()) && (info.mode & 0o022) === 0;
  const ours = () => {
    const info = lstatSync(dir, { throwIfNoEntry: false });
    return Boolean(info?.isDirectory() && mine(info));
  };
  let data;
  try {
    if (ours()) {
      const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      try {
        const info = fstatSync(fd);
        if (info.isFile() && mine(info)) data = readFileSync(fd);
      } finally {
        closeSync(fd);
      }
    }
  } catch {
    data = undefined;
  }
  const save = (bytes) => {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (!ours()) return;
      const temporary = `${file}.${process.pid}`;
      writeFileSync(temporary, bytes, { mode: 0o600 });
      renameSync(temporary, file);
      // One cache per build and Node version: keep the few newest (other checkouts), drop the rest.
      const all = readdirSync(dir).filter((f) => /^cli-[0-9a-f]+\.v8$/.test(f));
      const byAge = all.map((f) => [f, statSync(path.join(dir, f)).mtimeMs]).sort((a, b) => b[1] - a[1]);
      for (const [f] of byAge.slice(4)) rmSync(path.join(dir, f), { force: true });
    } catch {
      // No cache this time.
    }
  };
  return { data, save };
}

const cache = codeCache();
// Wrapped like a CommonJS module, on the first line so that line numbers in stack traces stay those of the file.
const wrapped = `(function (exports, require, module, __filename, __dirname, __vcgImport) {${source}\n})`;
const script = new Script(wrapped, { filename: bundle, ...(cache.data ? { cachedData: cache.data } : {}) });
const module = { exports: {} };
const load = (specifier) => import(specifier);
script
  .runInThisContext()
  .call(module.exports, module.exports, createRequire(bundle), module, bundle, path.dirname(bundle), load);

process.exitCode = await module.exports.main(process.argv.slice(2));
// Made after the run, the cache holds the functions that were compiled for it too.
if (!cache.data || script.cachedDataRejected) cache.save(script.createCachedData());
