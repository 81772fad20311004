import { describe, expect, it } from 'vitest';
import { classify, classifyScript } from '../../src/index.js';

/**
 * `curl -K FILE` reads options from a file (`request = PUT`, `data = …`, more URLs): before the fix the line was
 * read as a GET, `read-only`, so a PUT to /sys hidden in the file got a GO.
 */
const lines = [
  'curl -K put.cfg http://v:8200/v1/sys/mounts/kv',
  'curl --config=put.cfg $VAULT_ADDR/v1/sys/seal',
  'curl -sK put.cfg "${VAULT_ADDR}/v1/sys/step-down"',
  'curl http://v:8200/v1/sys/mounts --config put.cfg',
];

describe('curl with a config file is not understood', () => {
  it.each(lines)('%s', (line) => {
    expect(classify(line).verdict).toBe('invalid');
    expect(classify(line).reason).toMatch(/put\.cfg \(-K\)/);
    const ops = classifyScript(`${line}\n`);
    expect(ops.map((o) => o.verdict)).toEqual(['invalid']);
  });

  it('without a Vault URL it is not a Vault operation', () => {
    expect(classifyScript('curl -K other.cfg https://example.com/x\n')).toEqual([]);
  });
});
