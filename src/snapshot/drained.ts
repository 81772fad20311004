import type { Writable } from 'node:stream';

/** Resolves when a writable that refused more ('write' returned false) can take more, or has closed. */
export const drained = (writable: Writable): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      writable.off('drain', done);
      writable.off('close', done);
      resolve();
    };
    writable.on('drain', done);
    writable.on('close', done);
  });
