/** A configuration or environment that Banyan refuses to start with; the message says what to change. */
export class StartupError extends Error {
  override name = 'StartupError';
}
