import { classify, classifyScript, type Operation } from '../src/index.js';
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
    (i) => `LIST sys/plugins/catalog/${i % 2 ? 'secret' : 'auth'}`,
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

/** The mixed million, then the runbook (after the million's input is garbage, so its heap does not weigh on it). */
export function benchClassify(): void {
  benchMixed();
  gc();
  benchRunbook();
}

function benchMixed(): void {
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
    [
      'heap after GC, before -> after',
      `${mib(heapBefore)} -> ${mib(heapAfter)}`,
      'flat (growth < 8 MiB)',
      ok(heapAfter - heapBefore < 8 * 1024 * 1024),
    ],
    ['heap while running (max sample)', mib(Math.max(...heapSamples)), 'no steady growth', ''],
  ]);
}

/** A 5,000-line runbook in the shapes real ones have: wrappers, variables, here-documents, curl, upgrades, prose. */
function makeRunbook(lines: number): string {
  const blocks: ((i: number) => string[])[] = [
    (i) => [`# step ${i}: rotate and check`, `vault operator rotate`, `vault status -format=json | jq .sealed`],
    (i) => [
      `binpath=\${VAULT_INSTALL_DIR}/vault`,
      `$binpath write -f sys/replication/dr/primary/enable`,
      `MOUNT=team-${i}`,
    ],
    () => [`retry 5 vault secrets enable -path="$MOUNT" kv-v2`, `timeout -s KILL 30 vault operator step-down`],
    (i) => [`kubectl exec -n vault vault-${i % 3} -- vault operator raft list-peers`, `echo "peer ${i} checked"`],
    (i) => [`bash <<EOF`, `vault auth enable -path=ap-${i} approle`, `vault policy write p-${i} p.hcl`, `EOF`],
    (i) => [`curl -sXPOST -H "X-Vault-Token: $VAULT_TOKEN" -d @b.json "$VAULT_ADDR/v1/sys/mounts/m-${i}"`],
    () => [`if ! vault token lookup >/dev/null 2>&1; then`, `  echo "log in first"; exit 1`, `fi`],
    (i) => [`sudo -u vault bash -lc 'vault write -policy-override sys/quotas/rate-limit/q-${i} rate=100'`],
    (i) => [`CMD="vault kv put"`, `$CMD secret/app-${i} password="$(cat pw-${i})"`, `systemctl status vault`],
    (i) => [`helm upgrade vault hashicorp/vault --set server.image.tag=1.${i % 20}.0`, `sleep 5`],
  ];
  const out: string[] = ['#!/usr/bin/env bash', 'set -euo pipefail'];
  for (let i = 0; out.length < lines; i++) out.push(...blocks[i % blocks.length]!(i));
  return out.slice(0, lines).join('\n');
}

function benchRunbook(): void {
  const text = makeRunbook(5000);
  for (let k = 0; k < 5; k++) classifyScript(text); // warm up
  const times: number[] = [];
  let found = 0;
  for (let k = 0; k < 15; k++) {
    const start = now();
    found = classifyScript(text, { file: 'runbook.sh' }).length;
    times.push(now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  table(`runbook: 5,000 lines, ${found} operations found`, [
    ['classifyScript, median of 15', `${median.toFixed(1)} ms`, '< 100 ms (issue #10)', ok(median < 100)],
    ['slowest run', `${times.at(-1)!.toFixed(1)} ms`, '', ''],
  ]);
}
