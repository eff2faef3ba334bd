import type { Environment } from '../../shared/domain/types';

/**
 * Environments asked for that could not be scanned (each already reported on its own line, with why).
 * A command that plans, changes or exports stops there with exit code 1: acting on the others alone is
 * not what was asked, and a plan built without a scan would fail later, further from the cause.
 */
export class IncompleteScanError extends Error {
  override readonly name = 'IncompleteScanError';
  readonly unscanned: readonly Environment[];

  constructor(unscanned: readonly Environment[], asked: number) {
    const names = unscanned.map((e) => e.displayName).join(', ');
    const others = unscanned.length < asked ? ` (${unscanned.length} of ${asked}); run again, or leave ${unscanned.length === 1 ? 'it' : 'them'} out of --env to go on with the others` : '';
    super(`${names} could not be scanned, so nothing was done${others}.`);
    this.unscanned = unscanned;
  }
}
