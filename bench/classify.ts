import { classify, type Operation } from '../src/index.js';
import { gc, mib, now, ok, perSecond, table } from './util.js';

/**
 * A mixed set of a million operations, made from templates with varying names so that nothing can be answered
 * from a cache: HTTP requests of every verdict, path tricks, namespaced requests, objects, vault command lines
 * and upgrades, in roughly the proportions a plan or a runbook has them.
 */
function makeOperations(count: number): Operation[] {
  const t: ((i: number) => Operation)[] = [
    (i) => `POST sys/mounts/team-${i}/kv`,
    (i) => `GET /v1/sys/mounts/team-${i}/kv/tune`,
    (i) => `PUT sys/policies/acl/policy-${i}`,
    (i) => `DELETE /v1/ns-${i % 97}/sys/auth/approle-${i}`,
    (i) => `GET sys/storage/raft/snapshot-auto/status/daily-${i}`,
    (i) => `POST sys/leases/revoke-prefix/aws/creds/role-${i}`,
    (i) => `LIST sys/plugins/catalog/${i % 2 ? "secret" : "auth"}`,
    (i) => `PUT secret/data/app-${i}/config`,
    (i) => `POST sys//mounts/x${i}`,
    (i) => `POST sys/%2e%2e/mounts/x${i}`,
    (i) => `GET sys/mfa/method/totp/m${i}/generate`,
    (i) => ({ method: 'POST', path: `sys/quotas/rate-limit/q${i}`, namespace: `team-${i % 13}` }),
    (i) => ({ method: 'GET', path: `sys/internal/ui/mounts/kv-${i}` }),
    (i) => `vault secrets enable -path=team-${i} kv-v2`,
    (i) => `vault operator rekey -init -key-shares=${(i % 5) + 1} -key-threshold=1`,
    (i) => `vault kv put secret/app-${i} password=x`,
    (i) => `upgrade 1.${i % 20}.${i % 7} -> 1.${(i % 20) + 1}.0`,
  ];
  // HTTP strings dominate real input (plans, curl, API logs); command lines and objects are rarer.
  const weights = [8, 8, 6, 6, 4, 4, 4, 6, 1, 1, 1, 3, 3, 2, 1, 1, 1];
  const bag: ((i: number) => Operation)[] = [];
  weights.forEach((w, k) => {
    for (let j = 0; j < w; j++) bag.push(t[k]!);
  });
  return Array.from({ length: count }, (_, i) => bag[(i * 7919) % bag.length]!(i));
}

export function benchClassify(): void {
  const N = 1_000_000;
  const ops = makeOperations(N);
  // Warm up over the whole set once: the JIT, lazily built tables and V8's string caches settle here, so the
  // measured pass shows whether classifying itself keeps anything.
  for (let i = 0; i < N; i++) classify(ops[i]!);
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const heapSamples: number[] = [];
  let sink = 0;
  const start = now();
  for (let i = 0; i < N; i++) {
    sink += classify(ops[i]!).verdict.length;
    if (i % 200_000 === 199_999) heapSamples.push(process.memoryUsage().heapUsed);
  }
  const ms = now() - start;
  gc();
  const heapAfter = process.memoryUsage().heapUsed;
  if (ops.length !== N) throw new Error('unreachable'); // keeps the input alive, so heap before and after compare like with like
  const rate = (N / ms) * 1000;
  table(`classify: ${N.toLocaleString('en-US')} mixed operations in ${ms.toFixed(0)} ms (checksum ${sink})`, [
    ['classifications per second', perSecond(N, ms), '>= 1,000,000/s (issue #2)', ok(rate >= 1_000_000)],
    ['heap after GC, before -> after', `${mib(heapBefore)} -> ${mib(heapAfter)}`, 'flat (growth < 8 MiB)', ok(heapAfter - heapBefore < 8 * 1024 * 1024)],
    ['heap while running (max sample)', mib(Math.max(...heapSamples)), 'no steady growth', ''],
  ]);
}
