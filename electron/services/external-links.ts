import { cloudProfiles } from '../cloud/profiles';

/**
 * Links Patchbay may open outside itself: https pages of the Power Platform maker portal and admin
 * center of every cloud. Anything else (a URL in platform data, say) is refused, not opened.
 */
const extraHosts = ['make.powerautomate.com', 'make.gov.powerautomate.us', 'make.high.powerautomate.us', 'learn.microsoft.com'];

export const allowedExternalHosts: ReadonlySet<string> = new Set([
  ...Object.values(cloudProfiles).flatMap((p) => [new URL(p.makerPortal).host, new URL(p.adminCenter).host]),
  ...extraHosts,
]);

export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && url.username === '' && url.password === '' && allowedExternalHosts.has(url.host.toLowerCase());
}
