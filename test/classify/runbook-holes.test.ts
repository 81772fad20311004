import { describe, expect, it } from 'vitest';
import { classifyScript } from '../../src/index.js';

/** Shapes that once ran vault (or wrote /sys) unseen, or cried wolf on plain commands: each row is one spelling. */
const verdicts = (text: string) => classifyScript(text).map((c) => `${c.verdict} ${c.method ?? '-'} ${c.path ?? '-'}`);

describe('an option letter before "vault" takes a value only in a tool known to give it one', () => {
  it.each([
    'unshare -n vault operator seal',
    'unshare -m -u vault operator seal',
    'mytool -n vault write sys/mounts/x type=kv',
    'mytool -c vault secrets disable kv',
  ])('%s is a vault command run through a tool the gate does not know: invalid', (script) => {
    expect(verdicts(script)).toEqual(['invalid - -']);
  });

  it.each([
    'kubectl -n vault delete pod vault-2',
    'kubectl --namespace vault delete pod vault-0',
    '$KUBECTL -n vault delete pod vault-2',
    'oc -n vault delete pod vault-1',
    'helm -n vault status vault',
    'helm -n vault list',
    'kubectl -n vault auth can-i list secrets',
    'pkill -u vault',
  ])('%s names a namespace or a user called vault: nothing', (script) => {
    expect(classifyScript(script)).toEqual([]);
  });
});
