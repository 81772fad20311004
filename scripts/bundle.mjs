// Bundles the CLI into one file, dist/cli.bundle.js (the library stays plain tsc output). A git hook starts it on
// every push and every byte of it is compiled on every start, so it carries only what the CLI runs.
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

// Loaded from node_modules at run time, and only when used: web-tree-sitter finds its tree-sitter.wasm beside its
// own module and the grammar's .wasm is resolved in its package, so neither may be copied into the bundle folder.
// The object-storage SDKs (optional peer dependencies) are imported only when an s3://, azure:// or gs:// source is
// read: kept out of the bundle, so the hook's start-up compiles none of their megabytes.
const external = [
  'web-tree-sitter',
  '@tree-sitter-grammars/tree-sitter-hcl',
  'node-vault',
  '@aws-sdk/client-s3',
  '@azure/storage-blob',
  '@azure/identity',
  '@google-cloud/storage',
];
const require =
  "import { createRequire as __vcgCreateRequire } from 'node:module';" +
  ' const require = __vcgCreateRequire(import.meta.url);';

await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: 'dist/cli.bundle.js',
  external,
  banner: { js: require },
  plugins: [englishOnly],
  logLevel: 'warning',
});
