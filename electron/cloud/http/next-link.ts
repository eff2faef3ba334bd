import type { HttpResponse } from '../contracts';
import { localInfo, PlatformError } from './platform-error';

/** The page whose answer carried a next-page link: the request it answered, named in the error. */
export interface AnsweredPage {
  url: string;
  response: Pick<HttpResponse, 'status' | 'correlationId'>;
}

/**
 * A next-page link that is not followed (not a URL, another host, outside the API: the core would attach
 * this audience's token to it). The answer is refused as the service's doing, like any other answer
 * Patchbay cannot use — a PlatformError of kind `invalid-response` naming the request it came with —
 * so every caller reports it with its message, never as a crash.
 */
export function refusedNextLink(summary: string, page: AnsweredPage): PlatformError {
  return new PlatformError(localInfo('invalid-response', summary, { status: page.response.status }), {
    method: 'GET',
    url: page.url,
    correlationId: page.response.correlationId,
  });
}
