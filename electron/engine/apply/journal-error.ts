/**
 * Why the journal refused: its own module so the CLI's error handling can recognise it without loading
 * the journal (and zod) for commands that never open one.
 */
export class JournalError extends Error {
  override readonly name = 'JournalError';
  constructor(
    readonly code: 'exists' | 'not-found' | 'locked' | 'invalid-run-id' | 'closed' | 'io',
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}
