import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/config/duration.js';
import { runCli } from '../helpers/cli.js';
import { tempFiles } from '../helpers/tmp.js';

// Moved from test/gate/decision-log-io.test.ts: the configuration's durations.
const configured = (config: object): string =>
  tempFiles({ 'vault-change-gate.config.json': JSON.stringify(config) }, 'duration-');

describe('durations too long to compute with', () => {
  it.each(['99999999999999999999w', '9007199254740993ms', '5300w', '1w36525d'])(
    '%s is a configuration error (exit 2), not a default',
    async (text) => {
      const configs = [
        { snapshots: { maxAge: { default: text } } },
        { snapshots: { maxAge: { upgrade: text } } },
        { clockSkew: text },
      ];
      for (const config of configs) {
        const r = await runCli(['check', '--op', 'vault secrets enable kv'], { cwd: configured(config) });
        expect(r.code, JSON.stringify(config)).toBe(2);
        expect(r.stderr).toMatch(/at most 100 years/);
      }
    },
  );

  it('long but sane durations still parse', () => {
    expect(parseDuration('52w')).toBe(52 * 604_800_000);
    expect(parseDuration('36500d')).toBe(36_500 * 86_400_000);
    expect(parseDuration('99999999999999999999w')).toBeNull();
  });
});
