import { formBody, type SbRequest } from '../http';

/** The form body of a POST sent as application/x-www-form-urlencoded; empty otherwise (Entra ignores other bodies). */
export function formOf(req: SbRequest): Record<string, string> {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  return req.method === 'POST' && type.startsWith('application/x-www-form-urlencoded') ? formBody(req) : {};
}
