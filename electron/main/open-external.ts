import { shell } from 'electron';
import type { Logger } from '../log/logger';
import { isAllowedExternalUrl, isAllowedLink } from '../services/external-links';

/**
 * The app's only call to `shell.openExternal` (checklist 15; the static check in
 * static-security.test.ts fails on any other). A URL reaches the system browser only after the
 * allowlist in external-links.ts accepted it, and then in the form the URL parser normalised, so the
 * string checked and the string opened cannot differ.
 */

export interface ExternalOpener {
  /** A link from page content (window.open, a clicked href): portal, admin center and docs hosts only. */
  openLink: (url: string) => Promise<boolean>;
  /** For the app services: msal's sign-in page or an allowed link; throws on anything else. */
  openForServices: (url: string) => Promise<void>;
}

export function createExternalOpener(log: Logger): ExternalOpener {
  const openChecked = async (url: string, allowed: boolean): Promise<boolean> => {
    if (!allowed) {
      log.warn('Refused to open an external URL', { url: url.slice(0, 200) });
      return false;
    }
    try {
      await shell.openExternal(new URL(url).href, { activate: true });
      return true;
    } catch (error) {
      log.warn('The system browser did not open', { error: error instanceof Error ? error.message : String(error) });
      return false;
    }
  };
  return {
    openLink: (url) => openChecked(url, isAllowedLink(url)),
    openForServices: async (url) => {
      if (!isAllowedExternalUrl(url)) {
        log.warn('Refused to open an external URL', { url: url.slice(0, 200) });
        throw new Error('Patchbay opens only sign-in pages and Power Platform portal links in the browser.');
      }
      if (!(await openChecked(url, true))) throw new Error('The system browser could not be opened.');
    },
  };
}
