import type { FieldError } from './errors.js';

/** Seed 002's response envelope, plus the request id for tracing. */
export interface Envelope<T> {
  readonly success: boolean;
  readonly data: T | null;
  readonly message: string;
  readonly errorCode: string | null;
  readonly timestamp: string;
  readonly requestId: string;
  readonly errors?: readonly FieldError[];
}

/** Java LocalDateTime.now() style: ISO local date-time, no zone (server clock, UTC in containers). */
export function localTimestamp(date: Date = new Date()): string {
  const offsetMs = date.getTimezoneOffset() * 60_000;
  return new Date(date.getTime() - offsetMs).toISOString().replace('Z', '');
}

export function success<T>(data: T, message: string, requestId: string, now?: Date): Envelope<T> {
  return { success: true, data, message, errorCode: null, timestamp: localTimestamp(now), requestId };
}

export function failure(errorCode: string, message: string, requestId: string, errors?: readonly FieldError[]): Envelope<null> {
  return {
    success: false,
    data: null,
    message,
    errorCode,
    timestamp: localTimestamp(),
    requestId,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}
