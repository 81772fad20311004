import { describe, expect, it } from 'vitest';
import { classify, classifyScript } from '../../src/index.js';

/**
 * A URL fragment (`#access_token=…`, OAuth's implicit flow) is not sent by curl, but the line is echoed: before
 * the fix the invalid path came back with the fragment's value in `input` and the reason.
 */
const lines = [
  'curl -XPUT "http://v:8200/v1/sys/step-down#X-Vault-Token=FRAG-SECRET"',
  'PUT sys/step-down#access_token=FRAG-SECRET',
  'curl -X POST http://v:8200/v1/sys/mounts/kv#token=FRAG-SECRET',
];

describe('secrets in a URL fragment are masked', () => {
  it.each(lines)('%s', (line) => {
    const op = classify(line);
    expect(JSON.stringify(op)).not.toContain('FRAG-SECRET');
    const script = classifyScript(`${line}\n`);
    expect(JSON.stringify(script)).not.toContain('FRAG-SECRET');
  });
});
