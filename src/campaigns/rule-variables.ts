/**
 * Write-time check of what a campaign's rules read against the evaluation root's schema, so a typo
 * (`event.amout`) is a 400 naming the variable, with a "did you mean" hint, instead of a run-time
 * RULE_ERROR ("operand got null") on every event. Pure.
 *
 * Root: `player` (id + free-form attributes), `event` (id, type, occurredAt + the event's data),
 * `campaign` (id, currency, rewardType). Event data and player attributes are open (tenants send
 * their own fields), so an unknown name there is refused only when it is a near miss of a known
 * one; the roots and `campaign.*` are closed.
 */
import { EngineError } from '../engine/types.js';
import { compileExpression } from '../engine/index.js';
import type { FieldError } from '../platform/errors.js';
import { RULE_NAMES, type CampaignRules } from './campaign-rules.js';

export const ROOTS = ['player', 'event', 'campaign'] as const;
export const CAMPAIGN_FIELDS = ['id', 'currency', 'rewardType'] as const;
/** Event fields every event has, then the data fields of the documented event types (docs/campaigns.md). */
export const EVENT_BASE_FIELDS = ['id', 'type', 'occurredAt'] as const;
export const EVENT_DATA_FIELDS: Readonly<Record<string, readonly string[]>> = {
  '*': ['amount', 'currency'],
  'user.deposit': ['method', 'paymentMethod', 'firstDeposit'],
  'user.withdrawal': ['method'],
  'user.bet': ['winAmount', 'game', 'gameId', 'provider'],
  'user.login': ['streakDays', 'channel', 'device'],
};

/** Optimal string alignment distance (Levenshtein with transpositions), for "did you mean". */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((d[i - 1] as number[])[j]! + 1, row[j - 1]! + 1, (d[i - 1] as number[])[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, (d[i - 2] as number[])[j - 2]! + 1);
    }
  }
  return (d[a.length] as number[])[b.length]!;
}

/** The closest known name, if close enough to be a typo (case differences count as typos). */
export function nearest(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    if (k === name) return undefined;
    const d = k.toLowerCase() === name.toLowerCase() ? 0.5 : distance(name, k);
    if (!best || d < best.d) best = { name: k, d };
  }
  return best && best.d <= Math.max(1, Math.min(2, Math.floor(name.length / 3))) ? best.name : undefined;
}

function eventFields(eventTypes: readonly string[]): string[] {
  return [...new Set([...EVENT_BASE_FIELDS, ...(EVENT_DATA_FIELDS['*'] ?? []), ...eventTypes.flatMap((t) => EVENT_DATA_FIELDS[t] ?? [])])];
}

/** The problem with one read path, or undefined when it fits the root's schema. */
function problem(path: string, eventTypes: readonly string[]): { message: string; suggestion?: string } | undefined {
  const [root = '', field, ...rest] = path.split('.');
  if (!(ROOTS as readonly string[]).includes(root)) {
    const known = eventFields(eventTypes);
    const suggestion = known.includes(root)
      ? `event.${root}`
      : nearest(root, ROOTS)
        ? [nearest(root, ROOTS), field, ...rest].filter(Boolean).join('.')
        : undefined;
    return { message: `${path} is not a variable: rules read player.*, event.* or campaign.*`, ...(suggestion ? { suggestion } : {}) };
  }
  if (field === undefined) return undefined;
  if (root === 'campaign' && !(CAMPAIGN_FIELDS as readonly string[]).includes(field)) {
    const s = nearest(field, CAMPAIGN_FIELDS);
    return { message: `campaign has no field ${field} (it has ${CAMPAIGN_FIELDS.join(', ')})`, ...(s ? { suggestion: `campaign.${s}` } : {}) };
  }
  if (root === 'event') {
    // The event's data is merged into the event: event.amount, not event.data.amount.
    if (field === 'data' && rest.length > 0)
      return { message: `${path} is not a variable: event data fields are read as event.${rest.join('.')}`, suggestion: `event.${rest.join('.')}` };
    const s = nearest(field, eventFields(eventTypes));
    if (s) return { message: `events have no field ${field}`, suggestion: ['event', s, ...rest].join('.') };
  }
  return undefined;
}

/** Every read of every rule that does not fit the evaluation root, as field errors naming the rule and variable. */
export function ruleVariableErrors(rules: CampaignRules, eventTypes: readonly string[]): FieldError[] {
  const errors: FieldError[] = [];
  for (const name of RULE_NAMES) {
    const spec = rules[name];
    if (!spec) continue;
    let fields: readonly string[];
    try {
      fields = compileExpression(spec.rule, { language: spec.language ?? 'jsonlogic', decimal: name === 'rewardFormula' }).fields;
    } catch (error) {
      if (error instanceof EngineError) continue; // reported by validateCampaignRules
      throw error;
    }
    for (const path of fields) {
      const p = problem(path, eventTypes);
      if (!p) continue;
      const hint = p.suggestion ? `; did you mean ${p.suggestion}?` : '';
      errors.push({ field: name, code: 'UNKNOWN_VARIABLE', message: `${name} reads ${path}: ${p.message}${hint}` });
    }
  }
  return errors;
}
