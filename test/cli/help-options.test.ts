import { describe, expect, it } from 'vitest';
import { checkOptionSpec } from '../../src/cli/check-args.js';
import { usageFor, type Usage } from '../../src/cli/usage.js';

/** The long flags a usage lists (`--op OP` → `--op`). */
const flags = (u: Usage): string[] => u.options.flatMap(([f]) => f.split(', ').map((x) => x.split(' ')[0] as string));

describe('the usage registry lists every option the parsers take', () => {
  it.each(['check', 'exec'])('%s', (command) => {
    const listed = flags(usageFor(command) as Usage);
    // exec refuses --fail-on (letting a refused command run is --override's, which is recorded).
    const taken = Object.keys(checkOptionSpec)
      .map((k) => `--${k}`)
      .filter((f) => !(command === 'exec' && f === '--fail-on'));
    for (const f of taken) expect(listed, `${command} ${f}`).toContain(f);
  });

  it('lists the report flags on classify, and each command of the new families', () => {
    expect(flags(usageFor('classify') as Usage)).toEqual(
      expect.arrayContaining(['--format', '--output', '--fail-on', '--json']),
    );
    for (const c of ['lock acquire', 'lock release', 'status', 'config-bundle save', 'config-bundle inspect'])
      expect(usageFor(c), c).toBeDefined();
  });
});
