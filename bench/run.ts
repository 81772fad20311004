import { benchClassify } from './classify.js';
import { benchSnapshot } from './snapshot.js';
import { benchTerraform } from './terraform.js';
import { benchHook } from './hook.js';
import { benchInstall } from './install.js';
import { benchConfigBundle } from './config-bundle.js';
import { benchCiFormats } from './ci-formats.js';
import { benchObjectStorage } from './object-storage.js';
import { machineLoad } from './util.js';

/** `npm run bench [name...]`: every benchmark, or the ones named. */
const benches: Record<string, () => void | Promise<void>> = {
  classify: benchClassify,
  snapshot: benchSnapshot,
  terraform: benchTerraform,
  hook: benchHook,
  install: benchInstall,
  'config-bundle': benchConfigBundle,
  'ci-formats': benchCiFormats,
  'object-storage': benchObjectStorage,
};

const wanted = process.argv.slice(2);
for (const [name, run] of Object.entries(benches)) {
  if (wanted.length === 0 || wanted.includes(name)) {
    console.log(`\n[${name}] starts at ${machineLoad()}`);
    await run();
    console.log(`[${name}] ends at ${machineLoad()}`);
  }
}
