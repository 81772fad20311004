// Bundles the CLI into one file, dist/cli.bundle.cjs (the library stays plain tsc output). A git hook starts it on
// every push and every byte of it is compiled on every start, so it carries only what the CLI runs.
//
// The bundle is a plain script, not an ES module, so that bin/vault-change-gate.js can compile it with node:vm and
// V8's code cache (Node 20 has no compile cache for ES modules): a script wrapped like a CommonJS module, whose
// `import.meta.url` and dynamic `import()` are supplied by the bin.
import { readFile, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';

/**
 * zod's `z` namespace re-exports every locale, a third of the bundle; the CLI speaks English only. English is
 * registered by zod's schemas module itself (zod/v4/classic/schemas.js), not through this index, so it stays.
 */
const englishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: 'zod-locales', namespace: 'vcg-empty' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'vcg-empty' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

/**
 * node:http and node:https (with tls and net under them) took ~10 ms of every start, the hook's included, for the
 * live-Vault transport that most runs never use. Their default exports become proxies that load the module on first
 * use. Only the default export exists here: a named import of either fails the build rather than running eagerly.
 */
const lazyBuiltins = {
  name: 'lazy-http',
  setup(b) {
    b.onResolve({ filter: /^node:https?$/ }, (args) =>
      args.namespace === 'vcg-lazy' ? { path: args.path, external: true } : { path: args.path, namespace: 'vcg-lazy' },
    );
    b.onLoad({ filter: /.*/, namespace: 'vcg-lazy' }, (args) => ({
      contents:
        'let loaded;\n' +
        `const load = () => (loaded ??= require(${JSON.stringify(args.path)}));\n` +
        'export default new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load() });\n',
      loader: 'js',
    }));
  },
};

// Loaded from node_modules at run time, and only when used. web-tree-sitter's module is bundled (its 150 KB were
// compiled afresh on every run that read a .tf file; in the bundle they are in the code cache), while both .wasm
// files are resolved in their packages by src/terraform/hcl.ts, so nothing is copied into the bundle folder.
// The object-storage SDKs (optional peer dependencies) are imported only when an s3://, azure:// or gs:// source is
// read: kept out of the bundle, so the hook's start-up compiles none of their megabytes.
const external = [
  '@tree-sitter-grammars/tree-sitter-hcl',
  'node-vault',
  '@aws-sdk/client-s3',
  '@azure/storage-blob',
  '@azure/identity',
  '@google-cloud/storage',
];
const outfile = 'dist/cli.bundle.cjs';

await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile,
  external,
  define: { 'import.meta.url': '__vcgModuleUrl' },
  banner: { js: "const __vcgModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [englishOnly, lazyBuiltins],
  logLevel: 'warning',
});

// A script compiled by node:vm has no import(): each one (node: built-ins, the externals above) goes through the
// bin's own import, which resolves from the same package and loads ES modules as ES modules.
const text = await readFile(outfile, 'utf8');
const rewritten = text.replace(/\bimport\((?=["'])/g, '__vcgImport(');
const left = /\bimport\((?!\))/.exec(rewritten);
if (left) throw new Error(`bundle: an import() with a computed argument is left at ${left.index}: load it another way`);
await writeFile(outfile, rewritten);
