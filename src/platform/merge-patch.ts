/**
 * JSON Merge Patch (RFC 7396): a patch object's members replace the target's, `null` removes a
 * member, nested objects merge recursively, anything else (arrays included) replaces as a whole.
 * Pure; the inputs are not modified.
 */
export const MERGE_PATCH_TYPE = 'application/merge-patch+json';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// defineProperty, not assignment: a member called "__proto__" must stay a member, not become the prototype.
const set = (o: Record<string, unknown>, k: string, value: unknown) =>
  Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true });

/** RFC 7396 §2 MergePatch(Target, Patch). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = {};
  if (isObject(target)) for (const [k, v] of Object.entries(target)) set(result, k, v);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else set(result, k, mergePatch(result[k], v));
  }
  return result;
}
