import type { LiteralNode } from '../ast/nodes.js';
import { spelError } from '../errors.js';
import type { Token } from '../lexer/tokens.js';

const INT_MAX = 2n ** 31n - 1n;
const LONG_MAX = 2n ** 63n - 1n;

/**
 * Numeric literal → node, with Java's range rules: an int literal must fit 32 bits (hex may use
 * all 32, as Integer.parseUnsignedInt would not; Spring uses Integer.parseInt, so 0xCAFEBABE fails).
 */
export function parseNumber(source: string, t: Token): LiteralNode {
  if (t.kind === 'real') {
    const value = Number(t.text);
    return { kind: 'literal', start: t.start, value, numberKind: t.suffix === 'f' ? 'float' : 'double' };
  }
  const big = t.suffix === 'hex' ? BigInt(`0x${t.text}`) : BigInt(t.text);
  if (t.kind === 'long') {
    if (big > LONG_MAX) throw spelError(source, t.start, 'NOT_A_LONG', `The value '${t.text}' cannot be parsed as a long`);
    return { kind: 'literal', start: t.start, value: Number(big), numberKind: 'long' };
  }
  if (big > INT_MAX) throw spelError(source, t.start, 'NOT_AN_INTEGER', `The value '${t.text}' cannot be parsed as an int`);
  return { kind: 'literal', start: t.start, value: Number(big), numberKind: 'int' };
}
