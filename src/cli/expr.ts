/**
 * `banyan expr [--lang spel|jsonlogic] [--template]`: evaluates JSON lines `{"expr", "root",
 * "variables"?}` from stdin and writes `{"ok":true,"value":…}` or `{"ok":false,"error":CODE,
 * "message":…}` per line. Compiled expressions are cached by source in a bounded LRU.
 *
 * With JSONLogic, `expr` is the rule as JSON: a JSON string is the string literal it is (`"apple"`
 * gives `"apple"`, as in JSONLogic's own test suite), never rule text to parse. With SpEL,
 * `--template` reads `expr` as a Spring template (`'回饋 #{amount} 元'`).
 */
import { LRUCache } from 'lru-cache';
import { compileExpression } from '../engine/expression.js';
import { compileJsonLogic } from '../engine/jsonlogic/index.js';
import type { CompiledExpression, Language } from '../engine/types.js';
import { errorLine, parseLine, processIo, streamLines, toJsonLine, type CliIo } from './jsonl.js';

const USAGE = 'usage: banyan expr [--lang spel|jsonlogic] [--template] [--now ISO-8601] < lines.jsonl\n';

export async function run(argv: string[], io: CliIo = processIo): Promise<number> {
  let language: Language = 'spel';
  let now: Date | undefined;
  let template = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--lang' || arg === '--language') {
      const v = argv[++i];
      if (v !== 'spel' && v !== 'jsonlogic') {
        io.stderr.write(`banyan expr: --lang must be spel or jsonlogic\n${USAGE}`);
        return 2;
      }
      language = v;
    } else if (arg === '--now') {
      now = new Date(argv[++i] ?? '');
      if (Number.isNaN(now.getTime())) {
        io.stderr.write('banyan expr: --now must be an ISO-8601 date-time\n');
        return 2;
      }
    } else if (arg === '--template') {
      template = true;
    } else if (arg === '--help' || arg === '-h') {
      io.stdout.write(USAGE);
      return 0;
    } else {
      io.stderr.write(`banyan expr: unknown option ${arg}\n${USAGE}`);
      return 2;
    }
  }
  if (template && language !== 'spel') {
    io.stderr.write(`banyan expr: --template is for --lang spel\n${USAGE}`);
    return 2;
  }
  const cache = new LRUCache<string, CompiledExpression>({ max: 1024 });
  const compile = (expr: unknown): CompiledExpression =>
    language === 'jsonlogic' ? compileJsonLogic(expr) : compileExpression(expr, { language, mode: template ? 'template' : 'auto' });
  await streamLines(io.stdin, io.stdout, (line) => {
    const parsed = parseLine(line);
    if (!parsed.ok) return parsed.line;
    const input = parsed.value as { expr?: unknown; root?: unknown; variables?: Record<string, unknown> } | null;
    if (input === null || typeof input !== 'object' || !('expr' in input)) {
      return toJsonLine({ ok: false, error: 'INVALID_INPUT', message: 'each line must be an object {"expr", "root", "variables"?}' });
    }
    try {
      const key = typeof input.expr === 'string' ? input.expr : `\u0001${JSON.stringify(input.expr)}`;
      let compiled = cache.get(key);
      if (!compiled) {
        compiled = compile(input.expr);
        cache.set(key, compiled);
      }
      const variables = input.variables !== null && typeof input.variables === 'object' ? input.variables : undefined;
      return toJsonLine({ ok: true, value: compiled.evaluate(input.root ?? null, variables, { now: now ?? new Date() }) ?? null });
    } catch (err) {
      return errorLine(err);
    }
  });
  return 0;
}
