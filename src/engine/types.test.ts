import { describe, expect, it } from 'vitest';
import { EngineError } from './types.js';

describe('EngineError', () => {
  it('carries its code, position and a default diagnostic', () => {
    const err = new EngineError('SYNTAX_ERROR', 'bad token', { offset: 3, line: 1, column: 4 });
    expect(err.code).toBe('SYNTAX_ERROR');
    expect(err.diagnostics).toEqual([{ code: 'SYNTAX_ERROR', message: 'bad token', position: { offset: 3, line: 1, column: 4 } }]);
  });
});
