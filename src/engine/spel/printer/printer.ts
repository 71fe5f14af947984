import type { ExpressionNode, ExpressionVisitor, LiteralNode, SpelAst, StepNode } from '../ast/nodes.js';
import { visit } from '../ast/nodes.js';

function real(n: number): string {
  const s = String(n);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

function literal(node: LiteralNode): string {
  const v = node.value;
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  if (typeof v !== 'number') return String(v);
  switch (node.numberKind) {
    case 'long':
      return `${v}L`;
    case 'float':
      return `${real(v)}f`;
    case 'double':
      return real(v);
    default:
      return String(v);
  }
}

/** Heads that need parentheses before `.step` to parse back to the same tree. */
function needsParens(node: ExpressionNode): boolean {
  return node.kind === 'chain' || (node.kind === 'literal' && typeof node.value === 'number');
}

const printer: ExpressionVisitor<string> = {
  literal,
  binary: (n) => `(${print(n.left)} ${n.operator} ${print(n.right)})`,
  unary: (n) => {
    // `! [0]`, not `![0]`, which would lex as a projection.
    const operand = print(n.operand);
    return `(${n.operator}${operand.startsWith('[') ? ' ' : ''}${operand})`;
  },
  ternary: (n) => `(${print(n.condition)} ? ${print(n.whenTrue)} : ${print(n.whenFalse)})`,
  elvis: (n) => `(${print(n.value)} ?: ${print(n.fallback)})`,
  variable: (n) => `#${n.name}`,
  functionCall: (n) => `#${n.name}(${n.args.map(print).join(', ')})`,
  list: (n) => `{${n.items.map(print).join(', ')}}`,
  map: (n) =>
    n.entries.length === 0 ? '{:}' : `{${n.entries.map((e) => `${e.key.kind === 'mapKey' ? e.key.name : print(e.key)}:${print(e.value)}`).join(', ')}}`,
  chain: (n) => {
    let out = n.head ? (needsParens(n.head) ? `(${print(n.head)})` : print(n.head)) : '';
    n.steps.forEach((st, i) => {
      out += step(st, i === 0 && !n.head);
    });
    return out;
  },
};

function step(st: StepNode, leading: boolean): string {
  const dot = leading ? '' : st.nullSafe ? '?.' : '.';
  switch (st.kind) {
    case 'property':
      return `${dot}${st.name}`;
    case 'method':
      return `${dot}${st.name}(${st.args.map(print).join(', ')})`;
    case 'index':
      return `${st.nullSafe && !leading ? '?.' : ''}[${print(st.index)}]`;
    case 'selection':
      return `${dot}${st.mode === 'all' ? '?' : st.mode === 'first' ? '^' : '$'}[${print(st.criteria)}]`;
    case 'projection':
      return `${dot}![${print(st.expression)}]`;
  }
}

function print(node: ExpressionNode): string {
  return visit(node, printer);
}

/**
 * Canonical text: every operator application is parenthesised, so printing is unambiguous and
 * `parse(print(ast))` yields the same tree.
 */
export function printAst(ast: SpelAst | ExpressionNode): string {
  return print('root' in ast ? ast.root : ast);
}
