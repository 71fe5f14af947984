/**
 * Transport-neutral errors: a catalogued code, localised text and field-level details — no HTTP
 * status. Services, repositories, workers and the CLI throw these; the HTTP layer alone decides
 * what each code means on the wire (`platform/http/errors.ts` maps code → status, `server.ts`
 * builds the envelope).
 *
 * The catalogue is seed 002's 常見錯誤代碼 table plus the codes a real service needs; its codes
 * and texts are a contract (clients match on `errorCode`), so entries are added, never renamed.
 */
export const ERROR_CATALOGUE = {
  INVALID_REQUEST: { zh: '請求資料格式錯誤', en: 'Malformed request' },
  VALIDATION_FAILED: { zh: '資料驗證失敗', en: 'Validation failed' },
  UNAUTHORIZED: { zh: '未授權存取', en: 'Authentication required' },
  FORBIDDEN: { zh: '權限不足', en: 'Insufficient permissions' },
  RESOURCE_NOT_FOUND: { zh: '資源不存在', en: 'Resource not found' },
  METHOD_NOT_ALLOWED: { zh: '不支援的 HTTP 方法', en: 'Method not allowed' },
  DUPLICATE_RESOURCE: { zh: '資源重複', en: 'Resource already exists' },
  PAYLOAD_TOO_LARGE: { zh: '請求內容過大', en: 'Request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { zh: '不支援的內容類型', en: 'Unsupported media type' },
  BUSINESS_RULE_VIOLATION: { zh: '業務規則違反', en: 'Business rule violation' },
  /** A rule ran past its evaluation deadline (EVALUATION_DEADLINE_MS); in a tree the node is false instead. */
  EVALUATION_BUDGET_EXCEEDED: { zh: '規則超出運算時間預算', en: 'Evaluation exceeded its time budget' },
  TOO_MANY_REQUESTS: { zh: '請求過於頻繁', en: 'Too many requests' },
  /** An unexpected failure: anything thrown that is not catalogued (a bug somewhere). */
  SYSTEM_ERROR: { zh: '系統內部錯誤', en: 'Internal error' },
  /**
   * One of our own invariants failed (`internalError`): a state the code rules out was reached.
   * The text never names internals; the envelope's requestId finds the logged detail.
   */
  INTERNAL_ERROR: { zh: '系統內部錯誤，回報時請附上請求編號', en: 'Internal error; quote the request id when reporting it' },
  EXTERNAL_SYSTEM_ERROR: { zh: '外部系統錯誤', en: 'External system error' },
  DATABASE_ERROR: { zh: '資料庫操作錯誤', en: 'Database error' },
  SERVICE_UNAVAILABLE: { zh: '服務暫時無法使用', en: 'Service unavailable' },
} as const satisfies Record<string, LocalText>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** A field-level problem (the error's details), shown to the client in the envelope's `errors` list. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
  readonly code?: string;
  readonly nodeId?: string;
  /** For JSON sources (JSONLogic rules): a JSON path to the offending value, e.g. `$.and[1]`. */
  readonly path?: string;
  readonly position?: { readonly line: number; readonly column: number; readonly offset: number };
}

/** Localised text: zh-TW by default, English when the client asks. */
export interface LocalText {
  readonly zh: string;
  readonly en: string;
}

export interface AppErrorOptions {
  /** Field-level details. */
  readonly errors?: readonly FieldError[];
  readonly cause?: unknown;
}

/**
 * An expected failure with a catalogue code. `text` is localised text; when omitted, the
 * catalogue's text is used.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly text: LocalText | undefined;
  readonly errors: readonly FieldError[];

  constructor(code: ErrorCode, text?: LocalText | string, options: AppErrorOptions = {}) {
    const local = typeof text === 'string' ? { zh: text, en: text } : text;
    super(local?.en ?? ERROR_CATALOGUE[code].en, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.text = local;
    this.errors = options.errors ?? [];
  }
}

/**
 * A broken invariant of our own code: answered as INTERNAL_ERROR with the catalogue's generic
 * text; `message` (logs only, never sent) says which invariant.
 */
export class InvariantError extends AppError {
  constructor(invariant: string, options: { cause?: unknown } = {}) {
    super('INTERNAL_ERROR', undefined, options);
    this.name = 'InvariantError';
    this.message = `invariant failed: ${invariant}`;
  }
}

export const notFound = (what: LocalText): AppError => new AppError('RESOURCE_NOT_FOUND', what);

/** For a state the code rules out: `if (!head) throw internalError('audit_chain_head is missing')`. */
export const internalError = (invariant: string, options: { cause?: unknown } = {}): InvariantError => new InvariantError(invariant, options);
