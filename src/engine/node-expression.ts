import { compileExpression } from './expression.js';
import { EngineError, type CompiledExpression } from './types.js';

/** The compiled expression of a condition node, or undefined if it has none or it does not compile. */
export function compileExpressionForNode(commandType: string, expression: unknown): CompiledExpression | undefined {
  try {
    if (commandType === 'SPEL_CONDITION' && typeof expression === 'string') return compileExpression(expression, { language: 'spel' });
    if (commandType === 'JSONLOGIC_CONDITION' && expression !== undefined) return compileExpression(expression, { language: 'jsonlogic' });
    return undefined;
  } catch (error) {
    if (error instanceof EngineError) return undefined;
    throw error;
  }
}
