import { SourceFailure } from './store.js';

/**
 * Loads an SDK package at first use, so that the hook and every other command never pay for it. The SDKs are
 * optional peer dependencies: one missing is a finding that names the package to install, not a crash.
 */
export async function loadSdk<T>(pkg: string, scheme: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      const reason = `${scheme} sources need the package ${pkg}, which is not installed: npm install ${pkg}.`;
      throw new SourceFailure('SOURCE_SDK_MISSING', reason, { cause: error });
    }
    throw error;
  }
}
