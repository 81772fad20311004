import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpOperationSchema } from '../../src/index.js';
import { isPlainHttpOperation } from '../../src/classify/classify.js';

describe('the fast object check', () => {
  it('accepts only what HttpOperationSchema accepts (for objects without `kind`)', () => {
    const value = fc.oneof(fc.string(), fc.constant(''), fc.integer(), fc.constant(undefined), fc.constant(null));
    const obj = fc.record({ method: value, path: value, namespace: value, other: value }, { requiredKeys: [] });
    fc.assert(
      fc.property(obj, (o) => {
        if (isPlainHttpOperation(o)) expect(HttpOperationSchema.safeParse(o).success).toBe(true);
        else if (!('kind' in o) && !('other' in o)) {
          const zodOk = HttpOperationSchema.safeParse(o).success;
          // zod treats an explicit `namespace: undefined` as absent; the fast check hands that case to zod.
          if (zodOk) expect(o.namespace === undefined && 'namespace' in o).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
