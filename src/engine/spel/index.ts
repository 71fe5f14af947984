import { EngineError, type CompileOptions, type CompiledExpression } from '../types.js';

/** Compile a SpEL expression (with or without the `#{…}` template form). Placeholder until the SpEL compiler lands. */
export function compileSpel(source: string, _options?: Omit<CompileOptions, 'language'>): CompiledExpression {
  throw new EngineError('NOT_SUPPORTED', `SpEL compiler not built yet: ${source.slice(0, 40)}`);
}
