import type { ExpressionLimits } from '../types.js';

export interface ResolvedLimits {
  readonly maxSourceLength: number;
  readonly maxDepth: number;
  readonly maxSteps: number;
  readonly maxCollectionSize: number;
}

export const DEFAULT_LIMITS: ResolvedLimits = Object.freeze({
  maxSourceLength: 10_000,
  maxDepth: 64,
  maxSteps: 100_000,
  maxCollectionSize: 100_000,
});

export function resolveLimits(limits: ExpressionLimits | undefined): ResolvedLimits {
  return {
    maxSourceLength: limits?.maxSourceLength ?? DEFAULT_LIMITS.maxSourceLength,
    maxDepth: limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth,
    maxSteps: limits?.maxSteps ?? DEFAULT_LIMITS.maxSteps,
    maxCollectionSize: limits?.maxCollectionSize ?? DEFAULT_LIMITS.maxCollectionSize,
  };
}
