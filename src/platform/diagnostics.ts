import type { Diagnostic } from '../engine/types.js';
import { AppError, type FieldError } from './errors.js';

/** Engine diagnostics → the envelope's field errors, each naming node, field and position. */
export function diagnosticsToFieldErrors(diagnostics: readonly Diagnostic[], fieldPrefix: string): FieldError[] {
  return diagnostics.map((d) => ({
    field: d.field ? `${fieldPrefix}${d.field}` : fieldPrefix.replace(/\.$/, '') || 'body',
    message: d.message,
    code: d.code,
    ...(d.nodeId ? { nodeId: d.nodeId } : {}),
    ...(d.position ? { position: { line: d.position.line, column: d.position.column, offset: d.position.offset } } : {}),
  }));
}

function where(d: Diagnostic): { zh: string; en: string } {
  const node = d.nodeId ? { zh: `節點 ${d.nodeId}`, en: `node ${d.nodeId}` } : { zh: '', en: '' };
  const pos = d.position
    ? { zh: `第 ${d.position.line} 行第 ${d.position.column} 欄`, en: `line ${d.position.line}, column ${d.position.column}` }
    : { zh: '', en: '' };
  return {
    zh: [node.zh, pos.zh].filter(Boolean).join(' '),
    en: [node.en, pos.en].filter(Boolean).join(', '),
  };
}

/** A VALIDATION_FAILED error whose message names the first problem's node and position. */
export function invalidContent(what: { zh: string; en: string }, diagnostics: readonly Diagnostic[], fieldPrefix: string): AppError {
  const first = diagnostics[0];
  const at = first ? where(first) : { zh: '', en: '' };
  const more = diagnostics.length > 1 ? { zh: `（另有 ${diagnostics.length - 1} 個問題）`, en: ` (and ${diagnostics.length - 1} more)` } : { zh: '', en: '' };
  return new AppError(
    'VALIDATION_FAILED',
    {
      zh: `${what.zh}驗證失敗: ${at.zh ? `${at.zh}: ` : ''}${first?.message ?? ''}${more.zh}`,
      en: `${what.en} validation failed: ${at.en ? `${at.en}: ` : ''}${first?.message ?? ''}${more.en}`,
    },
    { errors: diagnosticsToFieldErrors(diagnostics, fieldPrefix) },
  );
}
