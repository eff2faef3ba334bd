import { cloudProfiles } from '../cloud/profiles';

/**
 * Which URLs may leave the app for the system browser (checklist 14–15, Bitwarden's `SafeShell`).
 * Two lists, both https only, no credentials in the URL, default port:
 *
 * - links: the Power Apps maker portal, the Power Automate maker portal and the Power Platform admin
 *   center of every cloud (the deep links the matrix offers), plus Microsoft Learn (the `fix` texts
 *   point there; `external:open` uses the same list);
 * - sign-in: the Entra ID authority host of every cloud, for msal's interactive sign-in (system browser
 *   plus loopback, style anchors §6.3), and the loopback host of a sandbox account's sign-in page.
 *
 * Pure: no Electron import, so the lists are unit-tested in Node and shared by main and the app services.
 */

/** Power Automate's maker portal per cloud; CloudProfile has no field for it (DoD and China UNCONFIRMED in the references). */
const powerAutomatePortals = ['make.powerautomate.com', 'make.gov.powerautomate.us', 'make.high.powerautomate.us', 'make.powerautomate.appsplatform.us', 'make.powerautomate.cn'];
const documentationHosts = ['learn.microsoft.com'];

const hostOf = (url: string): string => new URL(url).host.toLowerCase();

export const allowedLinkHosts: ReadonlySet<string> = new Set([
  ...Object.values(cloudProfiles).flatMap((p) => [hostOf(p.makerPortal), hostOf(p.adminCenter)]),
  ...powerAutomatePortals,
  ...documentationHosts,
]);

export const allowedSignInHosts: ReadonlySet<string> = new Set(Object.values(cloudProfiles).map((p) => hostOf(p.authorityBase)));

const loopbackHosts: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A well-formed https URL without user info or port, or null. */
function plainHttps(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length > 8192) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return null;
  return url;
}

/** A link the renderer may open (window.open, target=_blank, a clicked href, `external:open`). */
export function isAllowedLink(raw: unknown): boolean {
  const url = plainHttps(raw);
  return url !== null && url.port === '' && allowedLinkHosts.has(url.hostname.toLowerCase());
}

/**
 * A URL msal may open for interactive sign-in: an Entra authorize page of one of the clouds, or a
 * sandbox's sign-in page on this machine (any port: the sandbox picks one at start).
 */
export function isAllowedSignInUrl(raw: unknown): boolean {
  const url = plainHttps(raw);
  if (url === null) return false;
  const host = url.hostname.toLowerCase();
  if (loopbackHosts.has(host)) return url.pathname.startsWith('/login/');
  return url.port === '' && allowedSignInHosts.has(host);
}

/** What the app services may open: a sign-in page or an allowed link, nothing else. */
export function isAllowedExternalUrl(raw: unknown): boolean {
  return isAllowedLink(raw) || isAllowedSignInUrl(raw);
}
