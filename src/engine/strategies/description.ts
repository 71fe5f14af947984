/**
 * Offer descriptions as SpEL templates (Spring's TemplateParserContext): `'回饋 #{amount} 元，到期
 * #{validUntil}'`. A description without `#{` is plain text and costs nothing. Inside `#{…}`,
 * bare names read the offer (`amount`, `discountAmount`, `discountPercentage`, `validUntil`,
 * `promotionId`, `promotionName`, `promotionType`) and then the customer; `#name` the variables.
 */
import type { Decimal } from '../decimal.js';
import { compileExpression, validateExpression } from '../expression.js';
import type { CompiledExpression, Diagnostic, ExpressionLimits } from '../types.js';

export function isTemplate(text: unknown): text is string {
  return typeof text === 'string' && text.includes('#{');
}

export function compileDescription(text: string, limits?: ExpressionLimits): CompiledExpression {
  return compileExpression(text, { language: 'spel', mode: 'template', ...(limits ? { limits } : {}) });
}

/** Write-time check of a templated description (syntax, unknown functions): `parameters.description`. */
export function validateDescription(text: unknown): Diagnostic[] {
  if (!isTemplate(text)) return [];
  return validateExpression(text, { language: 'spel', mode: 'template' }).map((d) => ({
    ...d,
    code: 'INVALID_PARAMETER',
    field: 'parameters.description',
    message: `description: ${d.message}`,
  }));
}

export interface OfferView {
  readonly amount: Decimal;
  readonly discountPercentage: number | null;
  readonly validUntil: string | null;
  readonly promotionId: string | null;
  readonly promotionName: string | null;
  readonly promotionType: string | null;
}

/** The description text for one offer; a single `#{x}` part that is not text is printed as Spring would. */
export function renderDescription(
  template: CompiledExpression,
  offer: OfferView,
  customer: Readonly<Record<string, unknown>>,
  variables: Readonly<Record<string, unknown>>,
  now: Date,
): string | null {
  const root = { ...customer, ...offer, discountAmount: offer.amount };
  const v = template.evaluate(root, variables, { now });
  return v === null || v === undefined ? null : typeof v === 'string' ? v : String(v);
}
