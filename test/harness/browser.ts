// Owns the browser tests' Chromium: Debian's binary driven by playwright-core, kept off the
// network (only the AlphaMail origin is let through, everything else is blocked and recorded),
// and an axe-core runner with the WCAG 2.2 A/AA rules. Must not download browsers or use mocks.
/// <reference lib="dom" />
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium; no browser is ever downloaded. */
export const chromiumPath = '/usr/bin/chromium';
/** Flags that keep headless Chromium quiet and off the network. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
/** The axe rule sets the issue asks for: WCAG 2.0, 2.1 and 2.2 at levels A and AA. */
export const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
/** The two widths every page is checked at, in CSS pixels. */
export const viewportWidthsPx = [375, 1280] as const;
/** Viewport height used with every width, in CSS pixels. */
export const viewportHeightPx = 800;

const require = createRequire(import.meta.url);
const axeScriptPath = require.resolve('axe-core/axe.min.js');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

export interface TestBrowser {
  browser: Browser;
  /** Requests to any other origin than AlphaMail's, which were blocked. */
  blocked: string[];
  /**
   * A fresh context (own profile: cookies, storage) whose every request outside `origin` is
   * aborted and recorded in `blocked`.
   */
  newContext(opts?: {
    width?: number;
    colorScheme?: 'light' | 'dark';
    javaScriptEnabled?: boolean;
  }): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function startBrowser(origin: string): Promise<TestBrowser> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  const blocked: string[] = [];
  const allowed = new URL(origin).origin;
  return {
    browser,
    blocked,
    async newContext(opts = {}) {
      const context = await browser.newContext({
        viewport: { width: opts.width ?? 1280, height: viewportHeightPx },
        colorScheme: opts.colorScheme ?? 'light',
        javaScriptEnabled: opts.javaScriptEnabled ?? true,
        serviceWorkers: 'block',
        // axe is injected as an inline script; the app's CSP would (rightly) refuse it.
        bypassCSP: true,
      });
      await context.route('**/*', async (route) => {
        const url = route.request().url();
        // about:blank and data: never reach the network; only the app's own origin may.
        if (url.startsWith('data:') || url.startsWith('about:') || new URL(url).origin === allowed)
          await route.continue();
        else {
          blocked.push(url);
          await route.abort('blockedbyclient');
        }
      });
      return context;
    },
    async close() {
      await browser.close();
    },
  };
}

/** Runs axe-core (injected from node_modules) on the page's main document. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const already = await page.evaluate(() => 'axe' in globalThis);
  if (!already) await page.addScriptTag({ path: axeScriptPath });
  const result = await page.evaluate(async (tags: string[]) => {
    // axe is a global installed by the script tag; typed loosely here because it is not imported.
    const axe = (globalThis as unknown as { axe: AxeGlobal }).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      targets: v.nodes.map((n) => n.target.map((t) => String(t)).join(' ')),
    }));
  }, axeTags);
  return result;
}

/** The slice of axe-core's API the runner uses. */
interface AxeGlobal {
  run(
    context: Document,
    options: { runOnly: { type: 'tag'; values: string[] }; resultTypes: string[] },
  ): Promise<{
    violations: {
      id: string;
      impact?: string | null;
      help: string;
      nodes: { target: unknown[] }[];
    }[];
  }>;
}

/** One line per violation, for assertion messages. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact ?? '?'}): ${v.help} — ${v.targets.join(', ')}`)
    .join('\n');
}
