/**
 * JSON-lines plumbing for `banyan expr` and `banyan tree eval`: one output line per input line, in
 * order, with backpressure (input pauses while stdout is full), so a million lines run in
 * constant memory.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { isDecimal } from '../engine/decimal.js';
import { EngineError } from '../engine/types.js';

const DEC_OPEN = '\u0000DEC:';
const DEC_PATTERN = /"\\u0000DEC:([^"\\]+)"/g;

/** JSON.stringify where decimal.js values become JSON numbers with their exact digits. */
export function toJsonLine(value: unknown): string {
  let sawDecimal = false;
  const text = JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    if (isDecimal(raw)) {
      sawDecimal = true;
      return raw.isFinite() ? DEC_OPEN + raw.toString() : null;
    }
    return v === undefined ? null : v;
  });
  return sawDecimal ? text.replace(DEC_PATTERN, '$1') : text;
}

/** The error line for a failed input: `{"ok":false,"error":CODE,"message":…}`. */
export function errorLine(err: unknown): string {
  if (err instanceof EngineError) return toJsonLine({ ok: false, error: err.code, message: err.message });
  return toJsonLine({ ok: false, error: 'INTERNAL_ERROR', message: err instanceof Error ? err.message : String(err) });
}

/** Parses one input line; `undefined` plus an error line when it is not JSON. */
export function parseLine(line: string): { ok: true; value: unknown } | { ok: false; line: string } {
  try {
    return { ok: true, value: JSON.parse(line) };
  } catch (err) {
    return { ok: false, line: toJsonLine({ ok: false, error: 'INVALID_JSON', message: err instanceof Error ? err.message : String(err) }) };
  }
}

/**
 * Streams `input` line by line through `handle` (which returns the output line), writing to
 * `output`. Blank lines are skipped. Resolves with the number of lines handled.
 */
export function streamLines(input: Readable, output: Writable, handle: (line: string) => string, onProgress?: (count: number) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input, crlfDelay: Infinity });
    let count = 0;
    let paused = false;
    const onDrain = (): void => {
      paused = false;
      rl.resume();
    };
    output.on('drain', onDrain);
    rl.on('line', (line) => {
      if (line.trim() === '') return;
      count++;
      const ok = output.write(`${handle(line)}\n`);
      if (onProgress && (count & 0x3fff) === 0) onProgress(count);
      if (!ok && !paused) {
        paused = true;
        rl.pause();
      }
    });
    rl.on('close', () => {
      output.off('drain', onDrain);
      resolve(count);
    });
    input.on('error', reject);
  });
}

/** Writes a final chunk and waits until stdout has flushed it. */
export function flush(output: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (output.write('')) resolve();
    else output.once('drain', () => resolve());
  });
}

/** The streams a command uses; injected so commands run in-process in tests. */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable & { readonly isTTY?: boolean };
}

export const processIo: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
