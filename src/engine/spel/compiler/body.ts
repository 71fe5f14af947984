/**
 * Source → evaluator for the three SpEL modes: `auto`/`expression` parse one expression, `template`
 * compiles Spring TemplateParserContext text (literal parts and `#{…}` expressions).
 */
import type { CompileOptions, ResultType } from '../../types.js';
import { collectReads, resultTypeOf, type Reads } from '../analyzer/analyze.js';
import { fault, banyanFault } from '../errors.js';
import type { ResolvedLimits } from '../limits.js';
import { checkSource, parseRange, parseSource } from '../parser/parse.js';
import { splitTemplate } from '../parser/template.js';
import { concatText, isPlainObject, typeName } from '../runtime/values.js';
import { createCompiler } from './compile.js';
import type { CompileContext, Evaluator } from './context.js';

export type SpelMode = NonNullable<CompileOptions['mode']>;

/** A compiled expression or template, before the evaluation wrapper (state, budget). */
export interface Body {
  readonly fn: Evaluator;
  readonly cost: number;
  readonly reads: Reads;
  readonly resultType: ResultType;
}

/**
 * A template part as text, as Spring converts it (`getValue(String.class)`): collections joined
 * with ','. Spring has no converter from a Map to String, so a map part is EL1001E there too.
 */
function templateText(v: unknown): string {
  if (isPlainObject(v) || v instanceof Map) throw fault(0, 'TYPE_CONVERSION_ERROR', `Cannot convert value of type '${typeName(v)}' to java.lang.String`);
  return concatText(v);
}

/**
 * Template mode (Spring's TemplateParserContext): literal text and `#{…}` parts. A single part is
 * the value itself (`#{amount}` is a number, plain text is the text); several are concatenated.
 */
function compileTemplate(source: string, limits: ResolvedLimits, ctx: CompileContext): Body {
  checkSource(source, limits);
  const compile = createCompiler(ctx);
  const reads: Reads = { fields: [], variables: [], functions: [] };
  const merge = (r: Reads): void => {
    for (const key of ['fields', 'variables', 'functions'] as const) for (const x of r[key]) if (!reads[key].includes(x)) reads[key].push(x);
  };
  const parts = splitTemplate(source).map((p) => {
    if (p.kind === 'text') return { fn: (() => p.text) as Evaluator, cost: 0, resultType: 'string' as ResultType };
    const ast = parseRange(source, p.start, p.end, limits);
    merge(collectReads(ast.root));
    const c = compile(ast.root);
    return { fn: c.fn, cost: c.cost, resultType: resultTypeOf(ast.root) };
  });
  const [only] = parts;
  if (parts.length === 1 && only) return { fn: only.fn, cost: Math.max(1, only.cost), reads, resultType: only.resultType };
  const fns = parts.map((p) => p.fn);
  const max = ctx.maxCollectionSize;
  const fn: Evaluator = (s) => {
    let out = '';
    for (const f of fns) {
      const v = f(s);
      if (v !== null && v !== undefined) out += typeof v === 'string' ? v : templateText(v);
      if (out.length > max) throw banyanFault(0, 'LIMIT_EXCEEDED', `String length exceeds the limit of ${max}`);
    }
    return out;
  };
  return { fn, cost: 1 + parts.reduce((n, p) => n + p.cost, 0), reads, resultType: 'string' };
}

export function compileBody(source: string, limits: ResolvedLimits, mode: SpelMode, ctx: CompileContext): Body {
  if (mode === 'template') return compileTemplate(source, limits, ctx);
  const ast = parseSource(source, limits, mode);
  const compiled = createCompiler(ctx)(ast.root);
  return { fn: compiled.fn, cost: compiled.cost, reads: collectReads(ast.root), resultType: resultTypeOf(ast.root) };
}
