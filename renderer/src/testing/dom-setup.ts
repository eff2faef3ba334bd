/**
 * What jsdom lacks and the UI needs: matchMedia (theme), ResizeObserver (Fluent, the virtualizer),
 * element sizes (the virtualizer renders what fits), scrolling. Import first in component tests.
 */

class NoopResizeObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}

export function setupDom({ width = 1600, height = 4000 }: { width?: number; height?: number } = {}): void {
  if (!('ResizeObserver' in window)) Object.defineProperty(window, 'ResizeObserver', { value: NoopResizeObserver, configurable: true, writable: true });
  if (typeof window.matchMedia !== 'function') {
    Object.defineProperty(window, 'matchMedia', {
      configurable: true,
      writable: true,
      value: (query: string) => ({ matches: false, media: query, onchange: null, addEventListener() {}, removeEventListener() {}, addListener() {}, removeListener() {}, dispatchEvent: () => false }),
    });
  }
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => height });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => width });
  keepModalsExposed();
  if (!HTMLElement.prototype.scrollIntoView) HTMLElement.prototype.scrollIntoView = function scrollIntoView() {};
  if (!HTMLElement.prototype.scrollTo) HTMLElement.prototype.scrollTo = function scrollTo() {};
}

let sanitizer: MutationObserver | null = null;

/**
 * Fluent's focus manager (tabster) hides everything outside the active modal with aria-hidden, and in
 * jsdom it loses track of which modal is active (focus events differ), hiding the open dialog itself or
 * the page after it closed. Role queries then find nothing. In component tests only, undo the
 * aria-hidden that tabster adds to elements already in the page (icons and our own aria-hidden are set
 * at creation, never by a later mutation). Modality itself is checked by the e2e stories in Chromium.
 */
function keepModalsExposed(): void {
  if (sanitizer) return;
  sanitizer = new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target as Element;
      if (r.attributeName === 'aria-hidden' && r.oldValue === null && el.getAttribute('aria-hidden') === 'true') el.removeAttribute('aria-hidden');
    }
  });
  sanitizer.observe(document.documentElement, { subtree: true, attributes: true, attributeFilter: ['aria-hidden'], attributeOldValue: true });
}
