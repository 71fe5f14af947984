/**
 * Resolved `${env:BANYAN_EXT_SECRET_*}` values must never reach storage, logs or answers, even
 * when the remote system echoes them back (an echoing endpoint is the classic way to read a
 * header). Every string the call produced is scrubbed before anything else sees it.
 */
export const REDACTED = '***';

/** The spellings a secret takes in text we store: as is, JSON-escaped, URL-encoded. Longest first, so a longer secret is not half-replaced by a shorter one. */
function spellings(secrets: readonly string[]): string[] {
  const out = new Set<string>();
  for (const secret of secrets) {
    if (secret === '') continue;
    out.add(secret);
    out.add(JSON.stringify(secret).slice(1, -1));
    out.add(encodeURIComponent(secret));
  }
  return [...out].sort((a, b) => b.length - a.length);
}

/** Build a scrubber for these secret values: strings (and object keys) anywhere in a JSON value lose every occurrence. */
export function secretScrubber(secrets: readonly string[]): <T>(value: T) => T {
  const needles = spellings(secrets);
  if (needles.length === 0) return (value) => value;
  const text = (s: string): string => {
    // A secret with `*` in it can re-form across the mask's edge ("ab**" in "aab**" → "a***"): repeat, then give up on the string.
    let out = s;
    for (let round = 0; round < 4; round++) {
      const hits = needles.filter((needle) => out.includes(needle));
      if (hits.length === 0) return out;
      for (const needle of hits) out = out.split(needle).join(REDACTED);
    }
    if (!needles.some((needle) => out.includes(needle))) return out;
    return needles.some((needle) => REDACTED.includes(needle)) ? '' : REDACTED;
  };
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      // defineProperty, not assignment: an echoed `"__proto__"` key stays an own data property
      // instead of replacing the copy's prototype (JSON.parse makes it an own key too).
      for (const [key, inner] of Object.entries(value))
        Object.defineProperty(out, text(key), { value: walk(inner), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return value;
  };
  return <T>(value: T): T => walk(value) as T;
}
