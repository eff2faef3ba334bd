import { describe, expect, it } from 'vitest';
import { cloudProfiles } from '../cloud/profiles';
import { allowedLinkHosts, isAllowedExternalUrl, isAllowedLink, isAllowedSignInUrl } from './external-links';

describe('isAllowedLink (window.open, clicked links, external:open)', () => {
  it('accepts https deep links into the maker portals and admin centers of every cloud', () => {
    for (const url of [
      'https://make.powerapps.com/environments/00000000-0000-0000-0000-000000000001/solutions',
      'https://make.powerautomate.com/environments/x/flows/y/details',
      'https://admin.powerplatform.microsoft.com/environments',
      'https://make.gov.powerapps.us/',
      'https://make.gov.powerautomate.us/',
      'https://gcc.admin.powerplatform.microsoft.us/',
      'https://make.high.powerapps.us/',
      'https://make.high.powerautomate.us/',
      'https://high.admin.powerplatform.microsoft.us/',
      'https://make.apps.appsplatform.us/',
      'https://make.powerautomate.appsplatform.us/',
      'https://admin.appsplatform.us/',
      'https://make.powerapps.cn/',
      'https://make.powerautomate.cn/',
      'https://admin.powerplatform.azure.cn/',
      'https://learn.microsoft.com/en-us/power-automate/',
      'https://MAKE.POWERAPPS.COM/',
    ]) {
      expect(isAllowedLink(url), url).toBe(true);
    }
  });

  it('covers the maker portal and admin center of every cloud profile', () => {
    for (const profile of Object.values(cloudProfiles)) {
      expect(isAllowedLink(`${profile.makerPortal}/`), profile.id).toBe(true);
      expect(isAllowedLink(`${profile.adminCenter}/`), profile.id).toBe(true);
    }
    expect(allowedLinkHosts.size).toBeGreaterThanOrEqual(15);
  });

  it('refuses other schemes, hosts, look-alikes, credentials, ports and garbage', () => {
    for (const url of [
      'http://make.powerapps.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'app://renderer/index.html',
      'ms-settings:privacy',
      'smb://make.powerapps.com/share',
      'https://make.powerapps.com.evil.example/',
      'https://evil.example/make.powerapps.com',
      'https://evilmake.powerapps.com/',
      'https://user:pass@make.powerapps.com/',
      'https://make.powerapps.com@evil.example/',
      'https://make.powerapps.com:8443/',
      'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      'https://127.0.0.1/login/x',
      'not a url',
      '',
      42,
      null,
      undefined,
      `https://make.powerapps.com/${'a'.repeat(9000)}`,
    ]) {
      expect(isAllowedLink(url), String(url).slice(0, 60)).toBe(false);
    }
  });
});

describe('isAllowedSignInUrl (msal interactive sign-in in the system browser)', () => {
  it('accepts the Entra authority of every cloud', () => {
    for (const profile of Object.values(cloudProfiles)) {
      expect(isAllowedSignInUrl(`${profile.authorityBase}/contoso.onmicrosoft.com/oauth2/v2.0/authorize?client_id=x`), profile.id).toBe(true);
    }
  });

  it('accepts a sandbox sign-in page on loopback, on any port, under /login/ only', () => {
    expect(isAllowedSignInUrl('https://127.0.0.1:52311/login/contoso/oauth2/v2.0/authorize?x=1')).toBe(true);
    expect(isAllowedSignInUrl('https://localhost:52311/login/t/oauth2/v2.0/authorize')).toBe(true);
    expect(isAllowedSignInUrl('https://[::1]:52311/login/t/oauth2/v2.0/authorize')).toBe(true);
    expect(isAllowedSignInUrl('https://127.0.0.1:52311/_sandbox/reset')).toBe(false);
    expect(isAllowedSignInUrl('http://127.0.0.1:52311/login/t')).toBe(false);
  });

  it('refuses other hosts and the portals (they are links, not sign-in pages)', () => {
    expect(isAllowedSignInUrl('https://login.microsoftonline.com.evil.example/x')).toBe(false);
    expect(isAllowedSignInUrl('https://login.microsoftonline.com:444/x')).toBe(false);
    expect(isAllowedSignInUrl('https://make.powerapps.com/')).toBe(false);
    expect(isAllowedSignInUrl('https://192.168.1.5/login/x')).toBe(false);
  });

  it('isAllowedExternalUrl is the union of both lists', () => {
    expect(isAllowedExternalUrl('https://make.powerapps.com/')).toBe(true);
    expect(isAllowedExternalUrl('https://login.microsoftonline.us/t/oauth2/v2.0/authorize')).toBe(true);
    expect(isAllowedExternalUrl('https://evil.example/')).toBe(false);
  });
});
