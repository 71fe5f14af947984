import { EngineError, type EngineErrorCode, type SourcePosition } from '../types.js';

/**
 * Spring's SpelMessage catalogue (the subset Banyan can raise). The numeric codes are Spring's,
 * so a rule author migrating from Java sees the same `ELnnnnE` codes in errors and logs.
 */
export const SPEL_MESSAGES = {
  TYPE_CONVERSION_ERROR: 1001,
  METHOD_NOT_FOUND: 1004,
  TYPE_NOT_FOUND: 1005,
  FUNCTION_NOT_DEFINED: 1006,
  PROPERTY_OR_FIELD_NOT_READABLE_ON_NULL: 1007,
  PROPERTY_OR_FIELD_NOT_READABLE: 1008,
  METHOD_CALL_ON_NULL_OBJECT_NOT_ALLOWED: 1011,
  CANNOT_INDEX_INTO_NULL_VALUE: 1012,
  NOT_COMPARABLE: 1013,
  INCORRECT_NUMBER_OF_ARGUMENTS_TO_FUNCTION: 1014,
  INVALID_TYPE_FOR_SELECTION: 1015,
  RESULT_OF_SELECTION_CRITERIA_IS_NOT_BOOLEAN: 1016,
  BETWEEN_RIGHT_OPERAND_MUST_BE_TWO_ELEMENT_LIST: 1017,
  INVALID_PATTERN: 1018,
  PROJECTION_NOT_SUPPORTED_ON_TYPE: 1019,
  ARRAY_INDEX_OUT_OF_BOUNDS: 1024,
  COLLECTION_INDEX_OUT_OF_BOUNDS: 1025,
  STRING_INDEX_OUT_OF_BOUNDS: 1026,
  INDEXING_NOT_SUPPORTED_FOR_TYPE: 1027,
  EXCEPTION_DURING_METHOD_INVOCATION: 1029,
  OPERATOR_NOT_SUPPORTED_BETWEEN_TYPES: 1030,
  NOT_AN_INTEGER: 1035,
  NOT_A_LONG: 1036,
  INVALID_FIRST_OPERAND_FOR_MATCHES_OPERATOR: 1037,
  INVALID_SECOND_OPERAND_FOR_MATCHES_OPERATOR: 1038,
  NOT_A_REAL: 1040,
  MORE_INPUT: 1041,
  RIGHT_OPERAND_PROBLEM: 1042,
  NOT_EXPECTED_TOKEN: 1043,
  OOD: 1044,
  NON_TERMINATING_DOUBLE_QUOTED_STRING: 1045,
  NON_TERMINATING_QUOTED_STRING: 1046,
  MISSING_LEADING_ZERO_FOR_NUMBER: 1047,
  REAL_CANNOT_BE_LONG: 1048,
  UNEXPECTED_DATA_AFTER_DOT: 1049,
  UNEXPECTED_ESCAPE_CHAR: 1065,
  MISSING_CHARACTER: 1069,
  LEFT_OPERAND_PROBLEM: 1070,
  MISSING_SELECTION_EXPRESSION: 1071,
  MAX_REPEATED_TEXT_SIZE_EXCEEDED: 1076,
  MAX_CONCATENATED_STRING_LENGTH_EXCEEDED: 1078,
  NEGATIVE_REPEATED_TEXT_COUNT: 1081,
} as const;

export type SpelMessage = keyof typeof SPEL_MESSAGES;

/** `EL1008E` for `PROPERTY_OR_FIELD_NOT_READABLE`. */
export function spelCode(message: SpelMessage): string {
  return `EL${SPEL_MESSAGES[message]}E`;
}

/**
 * An EngineError that also names the Spring message it corresponds to (if any), so tests and
 * tooling can match Spring's `SpelMessage` even when Banyan's code is its own (e.g. a method
 * outside the whitelist is `NOT_SUPPORTED`, which Spring would report as `METHOD_NOT_FOUND`).
 */
export class SpelError extends EngineError {
  readonly spelMessage: SpelMessage | undefined;

  constructor(code: EngineErrorCode, message: string, position: SourcePosition | undefined, spelMessage?: SpelMessage) {
    super(code, message, position);
    this.name = 'SpelError';
    this.spelMessage = spelMessage;
  }
}

/** 1-based line/column for a 0-based offset. */
export function positionAt(source: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, source.length);
  for (let i = 0; i < end; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

/** Raised at a place in the source: all user-facing errors go through here or `banyanError`. */
export function spelError(source: string, offset: number, message: SpelMessage, detail: string): SpelError {
  const code = spelCode(message);
  return new SpelError(code, `${code}: ${detail}`, positionAt(source, offset), message);
}

export function banyanError(source: string, offset: number, code: EngineErrorCode, detail: string, spelMessage?: SpelMessage): SpelError {
  return new SpelError(code, detail, positionAt(source, offset), spelMessage);
}

/**
 * Thrown by runtime helpers, which know the offending node's offset but not the source text;
 * `evaluate` turns it into a SpelError with line/column. Not an Error: no stack capture cost.
 */
export class RuntimeFault {
  constructor(
    readonly code: EngineErrorCode,
    readonly message: string,
    readonly offset: number,
    readonly spelMessage?: SpelMessage,
  ) {}

  toError(source: string): SpelError {
    return new SpelError(this.code, this.message, positionAt(source, this.offset), this.spelMessage);
  }
}

export function fault(offset: number, message: SpelMessage, detail: string): RuntimeFault {
  const code = spelCode(message);
  return new RuntimeFault(code, `${code}: ${detail}`, offset, message);
}

export function banyanFault(offset: number, code: EngineErrorCode, detail: string, spelMessage?: SpelMessage): RuntimeFault {
  return new RuntimeFault(code, detail, offset, spelMessage);
}
