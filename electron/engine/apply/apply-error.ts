/** Why a run could not be carried out at all (as opposed to a step failing, which is a result). */
export class ApplyError extends Error {
  override readonly name = 'ApplyError';
  constructor(
    readonly code: 'invalid-plan' | 'journal' | 'not-resumable' | 'not-undoable',
    message: string,
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}
