// Owns checking a page with its text at 200%, the way a reader does it: Chromium's own font-size
// setting (CDP Page.setFontSizes, the Settings → Appearance → Font size preference), not CSS
// injection or page zoom. Must not change the page beyond the font size, and must restore it.
/// <reference lib="dom" />
import { writeFileSync } from 'node:fs';
import type { CDPSession, Page } from 'playwright-core';

/** Chromium's default font sizes in CSS pixels (standard and monospace). */
export const defaultFontSizesPx = { standard: 16, fixed: 13 } as const;
/** The text-resize success criterion (WCAG 1.4.4): 200%. */
export const textScale = 2;
/** Screens captured per zoomed page: enough to judge the layout, not the whole of a long page. */
const maxScreenshotScreens = 3;

interface Layout {
  scrollWidth: number;
  clientWidth: number;
  clipped: string[];
  controls: string[];
  offscreen: string[];
}

/** Scroll size, clipped boxes and visible controls of the page as it is laid out now. */
function measure(page: Page): Promise<Layout> {
  return page.evaluate(async () => {
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const root = document.scrollingElement ?? document.documentElement;
    const describe = (el: Element): string => {
      const id = el.id ? `#${el.id}` : '';
      const cls = el.classList.length > 0 ? `.${Array.from(el.classList).join('.')}` : '';
      const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
      return `${el.tagName.toLowerCase()}${id}${cls} "${text}"`;
    };
    const isShown = (el: Element): boolean => {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return r.width > 1 && r.height > 1 && style.visibility !== 'hidden';
    };
    const clipped: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll('*'))) {
      if (!(el instanceof HTMLElement) || !isShown(el)) continue;
      const style = getComputedStyle(el);
      const hides = (v: string) => v === 'hidden' || v === 'clip';
      // Text cut off sideways is lost; scrolling boxes (auto/scroll) still let it be read.
      if (hides(style.overflowX) && el.scrollWidth > el.clientWidth + 1) clipped.push(describe(el));
    }
    const controls: string[] = [];
    const offscreen: string[] = [];
    const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary';
    for (const el of Array.from(document.querySelectorAll(selector))) {
      if (!isShown(el)) continue;
      controls.push(describe(el));
      const r = el.getBoundingClientRect();
      if (r.left < -1 || r.right > root.clientWidth + 1) offscreen.push(describe(el));
    }
    return {
      scrollWidth: root.scrollWidth,
      clientWidth: root.clientWidth,
      clipped,
      controls,
      offscreen,
    };
  });
}

async function setFontScale(cdp: CDPSession, scale: number): Promise<void> {
  await cdp.send('Page.setFontSizes', {
    fontSizes: {
      standard: defaultFontSizesPx.standard * scale,
      fixed: defaultFontSizesPx.fixed * scale,
    },
  });
}

/**
 * Screenshots of the zoomed page, one per screenful, as `<prefix>-1.png`, `-2.png`… Playwright's
 * own screenshots (and CDP's beyond-viewport capture) reset the font sizes before capturing, so
 * this scrolls and captures the viewport only.
 */
async function screenshotScreens(page: Page, cdp: CDPSession, prefix: string): Promise<void> {
  const { scrollHeight, innerHeight } = await page.evaluate(() => ({
    scrollHeight: document.documentElement.scrollHeight,
    innerHeight: window.innerHeight,
  }));
  const screens = Math.min(maxScreenshotScreens, Math.ceil(scrollHeight / innerHeight));
  for (let i = 0; i < screens; i++) {
    await page.evaluate((y) => window.scrollTo(0, y), i * innerHeight);
    const shot = await cdp.send('Page.captureScreenshot', { format: 'png' });
    writeFileSync(`${prefix}-${i + 1}.png`, Buffer.from(shot.data, 'base64'));
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}

/**
 * What breaks on this page with text at 200%: sideways scrolling, text cut off by boxes that
 * hide overflow, and controls that vanish or move off screen. With `screenshotPrefix`, the
 * zoomed page is also captured, screen by screen, before the font size is put back.
 */
export async function textZoomProblems(page: Page, screenshotPrefix?: string): Promise<string[]> {
  const normal = await measure(page);
  const cdp = await page.context().newCDPSession(page);
  await setFontScale(cdp, textScale);
  try {
    const zoomed = await measure(page);
    if (screenshotPrefix) await screenshotScreens(page, cdp, screenshotPrefix);
    const problems: string[] = [];
    if (zoomed.scrollWidth > zoomed.clientWidth)
      problems.push(`text 200%: scrolls sideways ${zoomed.scrollWidth} > ${zoomed.clientWidth}`);
    for (const c of zoomed.clipped) problems.push(`text 200%: clipped ${c}`);
    for (const c of zoomed.offscreen) problems.push(`text 200%: control off screen ${c}`);
    const shown = new Set(zoomed.controls);
    for (const c of normal.controls)
      if (!shown.has(c)) problems.push(`text 200%: control no longer visible ${c}`);
    return problems;
  } finally {
    await setFontScale(cdp, 1);
    await cdp.detach();
  }
}
