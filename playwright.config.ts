import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests (style anchors §6.4, item 6). `web` drives the real renderer in Chromium through the
 * web host (no Electron binary needed); an `electron` project joins it where the binary exists.
 * Chromium is the system one (`/usr/bin/chromium`, or PATCHBAY_CHROMIUM): never `playwright install`.
 */

const executablePath = process.env['PATCHBAY_CHROMIUM'] ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env['CI'],
  reporter: [['list']],
  use: {
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'web',
      grepInvert: /@electron/,
      testIgnore: ['**/security-sweep.spec.ts'],
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath,
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
        },
      },
    },
    {
      // After every web spec: no token or secret in what the hosts logged, wrote or sent (e2e/security-sweep.spec.ts).
      name: 'sweep',
      testMatch: '**/security-sweep.spec.ts',
      dependencies: ['web'],
    },
    {
      // The real app through Playwright's _electron (e2e/electron-*.spec.ts, tagged @electron). Each spec
      // skips, saying why, where node_modules/electron/dist is missing; on Linux run under xvfb-run.
      name: 'electron',
      testMatch: '**/electron-*.spec.ts',
      grep: /@electron/,
    },
  ],
});
