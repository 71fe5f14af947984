/**
 * Editing a campaign the way clients do it: GET it, change it, PUT it back (the read-only fields
 * of the view are accepted and ignored), or PATCH a JSON Merge Patch (RFC 7396) onto it.
 */
import { Type } from 'typebox';
import { AppError } from '../platform/errors.js';
import type { Locale } from '../platform/http/i18n.js';
import { fieldErrors, validatorOf } from '../platform/http/validation.js';
import { mergePatch } from '../platform/merge-patch.js';
import { CampaignInput, type CampaignView } from './campaigns.schema.js';

/** Fields of the view that a client cannot set; sent back on PUT or PATCH they are ignored. */
export const READ_ONLY_FIELDS = ['id', 'status', 'effectiveStatus', 'templateId', 'createdAt', 'updatedAt'] as const;

const readOnly = Object.fromEntries(
  READ_ONLY_FIELDS.map((f) => [f, Type.Optional(Type.Unknown({ readOnly: true, description: 'read-only: accepted and ignored' }))]),
);

/** PUT's body: the campaign definition, plus the view's read-only fields (ignored), so a GET → PUT round trip works. */
export const CampaignReplaceInput = Type.Object(
  { ...CampaignInput.properties, ...readOnly },
  { additionalProperties: false, description: 'The campaign as GET returns it, changed; read-only fields are ignored' },
);

/** PATCH's body (application/merge-patch+json): members replace, null removes, objects merge. */
export const CampaignMergePatch = Type.Record(Type.String(), Type.Unknown(), {
  description:
    'JSON Merge Patch (RFC 7396) of the campaign definition: members replace, null removes (limits.cooldownSeconds: null lifts the cooldown), nested objects merge, arrays replace. Read-only fields are ignored.',
  examples: [{ name: 'Deposit match 60%', limits: { maxRewardsPerPlayer: 5, cooldownSeconds: null }, exclusivityGroup: null }],
});

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The view's `limits` shows an unset limit as null; as input an unset limit is absent (a null would
 * be coerced to 0 by the HTTP layer, which is no "unlimited"). Applied to PUT bodies before validation.
 */
export function withoutNullLimits(body: unknown): unknown {
  if (!isObject(body) || !isObject(body.limits)) return body;
  return { ...body, limits: Object.fromEntries(Object.entries(body.limits).filter(([, v]) => v !== null)) };
}

/** The definition part of a view, as the input it would have been created with (nulls = absent). */
export function definitionOf(view: CampaignView): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(CampaignInput.properties)) {
    const value = (view as unknown as Record<string, unknown>)[key];
    if (value !== null && value !== undefined) input[key] = value;
  }
  return withoutNullLimits(input) as Record<string, unknown>;
}

/** The campaign input after applying `patch` to `current`, validated (400 naming each field). */
export function applyCampaignPatch(current: CampaignView, patch: Record<string, unknown>, locale: Locale): CampaignInput {
  const definition = { ...patch };
  for (const f of READ_ONLY_FIELDS) delete definition[f];
  const merged = mergePatch(definitionOf(current), definition);
  const validate = validatorOf(CampaignInput);
  if (!validate(merged)) {
    const errors = fieldErrors((validate.errors ?? []).slice(0, 20), locale);
    const detail = errors.map((e) => e.message).join('; ');
    throw new AppError('INVALID_REQUEST', { zh: `請求資料驗證失敗: ${detail}`, en: `Request validation failed: ${detail}` }, { errors });
  }
  return merged as CampaignInput;
}
