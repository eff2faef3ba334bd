import type { SandboxContext } from '../context';

/**
 * Per-sandbox settings of the Power Apps API that the platform does not let a client choose: how many
 * connections one page of a list holds before `nextLink` takes over. Tests set a small page size to
 * exercise paging; the default is the page size the PowerShell module asks for elsewhere (`$top=250`).
 */

export const DEFAULT_CONNECTION_PAGE_SIZE = 250;

const pageSizes = new WeakMap<SandboxContext, number>();

export function setConnectionPageSize(ctx: SandboxContext, size: number): void {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`page size must be a positive integer, not ${size}`);
  pageSizes.set(ctx, size);
}

export function connectionPageSize(ctx: SandboxContext): number {
  return pageSizes.get(ctx) ?? DEFAULT_CONNECTION_PAGE_SIZE;
}
