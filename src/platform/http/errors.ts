/**
 * The one error catalogue (seed 002's 常見錯誤代碼 table, plus the transport-level codes a real
 * service needs). Every error response is built from this table, in one place (server.ts).
 */
export const ERROR_CATALOGUE = {
  INVALID_REQUEST: { status: 400, zh: '請求資料格式錯誤', en: 'Malformed request' },
  VALIDATION_FAILED: { status: 400, zh: '資料驗證失敗', en: 'Validation failed' },
  UNAUTHORIZED: { status: 401, zh: '未授權存取', en: 'Authentication required' },
  FORBIDDEN: { status: 403, zh: '權限不足', en: 'Insufficient permissions' },
  RESOURCE_NOT_FOUND: { status: 404, zh: '資源不存在', en: 'Resource not found' },
  METHOD_NOT_ALLOWED: { status: 405, zh: '不支援的 HTTP 方法', en: 'Method not allowed' },
  DUPLICATE_RESOURCE: { status: 409, zh: '資源重複', en: 'Resource already exists' },
  PAYLOAD_TOO_LARGE: { status: 413, zh: '請求內容過大', en: 'Request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '不支援的內容類型', en: 'Unsupported media type' },
  BUSINESS_RULE_VIOLATION: { status: 422, zh: '業務規則違反', en: 'Business rule violation' },
  /** A rule ran past its evaluation deadline (EVALUATION_DEADLINE_MS); in a tree the node is false instead. */
  EVALUATION_BUDGET_EXCEEDED: { status: 422, zh: '規則超出運算時間預算', en: 'Evaluation exceeded its time budget' },
  TOO_MANY_REQUESTS: { status: 429, zh: '請求過於頻繁', en: 'Too many requests' },
  SYSTEM_ERROR: { status: 500, zh: '系統內部錯誤', en: 'Internal error' },
  EXTERNAL_SYSTEM_ERROR: { status: 500, zh: '外部系統錯誤', en: 'External system error' },
  DATABASE_ERROR: { status: 500, zh: '資料庫操作錯誤', en: 'Database error' },
  SERVICE_UNAVAILABLE: { status: 503, zh: '服務暫時無法使用', en: 'Service unavailable' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** A field-level problem, shown to the client in the envelope's `errors` list. */
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

/**
 * An expected failure with a catalogue code. `message` is localised text; when omitted, the
 * catalogue's text is used.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly text: LocalText | undefined;
  readonly errors: readonly FieldError[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, text?: LocalText | string, options: { errors?: readonly FieldError[]; headers?: Record<string, string>; cause?: unknown } = {}) {
    const local = typeof text === 'string' ? { zh: text, en: text } : text;
    super(local?.en ?? ERROR_CATALOGUE[code].en, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.text = local;
    this.errors = options.errors ?? [];
    this.headers = options.headers ?? {};
  }
}

export const notFound = (what: LocalText): AppError => new AppError('RESOURCE_NOT_FOUND', what);
