/** Durations as people write them in config files: `90s`, `90m`, `24h`, `2d`, `1w`, `1h30m`. */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
export const DURATION_PATTERN = /^(?:\d+(?:ms|s|m|h|d|w))+$/;

/**
 * The longest duration accepted: 100 years. Longer is a typo (`"99999999999999999999w"` is not even a whole number
 * of milliseconds a double can hold), and every date computed from it (now minus the duration) stays a valid date.
 */
export const MAX_DURATION_MS = 100 * 365.25 * 86_400_000;

/** Milliseconds, or null when the text is not a duration or is longer than MAX_DURATION_MS: never a default. */
export function parseDuration(text: string): number | null {
  if (!DURATION_PATTERN.test(text)) return null;
  let total = 0;
  for (const m of text.matchAll(/(\d+)(ms|s|m|h|d|w)/g)) total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  return Number.isSafeInteger(total) && total <= MAX_DURATION_MS ? total : null;
}

/** A compact human form: `42s`, `12m`, `3h 5m`, `6d 1h`. */
export function formatDuration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h}h ${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}
