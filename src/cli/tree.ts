/**
 * `banyan tree eval --tree tree.json [--now ISO] [--steps]`: evaluates customers (JSON lines on
 * stdin) against a decision tree, writing `{"ok":true,"result":…,"path":[…]}` per line.
 * A progress count goes to stderr, only when stderr is a terminal.
 */
import { readFile } from 'node:fs/promises';
import { compileTree } from '../engine/tree/index.js';
import { EngineError, type CompiledTree, type TreeDefinition } from '../engine/types.js';
import { errorLine, parseLine, processIo, streamLines, toJsonLine, type CliIo } from './jsonl.js';

const USAGE = 'usage: banyan tree eval --tree tree.json [--now ISO-8601] [--steps] < customers.jsonl\n';

export async function run(argv: string[], io: CliIo = processIo): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    io.stdout.write(USAGE);
    return 0;
  }
  if (sub !== 'eval') {
    io.stderr.write(`banyan tree: unknown sub-command ${sub ?? '(none)'}\n${USAGE}`);
    return 2;
  }
  let treeFile: string | undefined;
  let now: Date | undefined;
  let withSteps = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--tree') treeFile = rest[++i];
    else if (arg === '--now') now = new Date(rest[++i] ?? '');
    else if (arg === '--steps') withSteps = true;
    else {
      io.stderr.write(`banyan tree eval: unknown option ${arg}\n${USAGE}`);
      return 2;
    }
  }
  if (!treeFile) {
    io.stderr.write(`banyan tree eval: --tree is required\n${USAGE}`);
    return 2;
  }
  if (now && Number.isNaN(now.getTime())) {
    io.stderr.write('banyan tree eval: --now must be an ISO-8601 date-time\n');
    return 2;
  }
  let tree: CompiledTree;
  try {
    const definition = JSON.parse(await readFile(treeFile, 'utf8')) as TreeDefinition;
    tree = compileTree(definition);
  } catch (err) {
    const detail = err instanceof EngineError ? err.diagnostics.map((d) => `  ${d.nodeId ?? ''} ${d.field ?? ''}: ${d.message}`).join('\n') : '';
    io.stderr.write(`banyan tree eval: cannot load ${treeFile}: ${err instanceof Error ? err.message : String(err)}\n${detail}${detail ? '\n' : ''}`);
    return 2;
  }
  if (tree.isAsync) {
    io.stderr.write('banyan tree eval: the tree has EXTERNAL_SYSTEM / DATABASE_QUERY / DROOLS_RULE nodes, which need the service\n');
    return 2;
  }
  const tty = io.stderr.isTTY === true;
  const started = Date.now();
  const count = await streamLines(
    io.stdin,
    io.stdout,
    (line) => {
      const parsed = parseLine(line);
      if (!parsed.ok) return parsed.line;
      const customer = parsed.value;
      if (customer === null || typeof customer !== 'object' || Array.isArray(customer)) {
        return toJsonLine({ ok: false, error: 'INVALID_INPUT', message: 'each line must be a customer object' });
      }
      try {
        const evaluation = tree.evaluate(customer as Record<string, unknown>, {
          now: now ?? new Date(),
          clock: () => performance.now(),
          recordSteps: withSteps,
          trace: withSteps,
        });
        return toJsonLine(
          withSteps
            ? { ok: true, result: evaluation.result, path: evaluation.path, steps: evaluation.steps }
            : { ok: true, result: evaluation.result, path: evaluation.path },
        );
      } catch (err) {
        return errorLine(err);
      }
    },
    tty ? (n) => io.stderr.write(`\r${n} customers, ${Math.round(n / Math.max(0.001, (Date.now() - started) / 1000))}/s`) : undefined,
  );
  if (tty) io.stderr.write(`\r${count} customers evaluated\n`);
  return 0;
}
