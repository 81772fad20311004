import { it } from 'vitest';
import { classifyScript } from '../../src/index.js';
it('show', () => {
  const s = process.env.SCRIPT ?? '';
  for (const c of classifyScript(s))
    console.log(
      `R ${c.line} ${c.verdict} ${c.category} ${c.method ?? '-'} ${c.path ?? '-'} | ${c.input} | ${c.reason.slice(0, 140)}`,
    );
});
