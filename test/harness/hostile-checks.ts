// Owns the browser-side evidence for hostile mail: every request of a context (frames included),
// scripts compiled in message frames (no init script is added, so any is the mail's), dialogs, CSP/sandbox reports, popups, and the
// in-page check of a message frame. Must not block AlphaMail's own requests or alter pages.
/// <reference lib="dom" />
import type { BrowserContext, Page } from 'playwright-core';

export interface ContextWatch {
  /** Every URL requested by any page or frame of the context, in order. */
  readonly requests: string[];
  /** Requests to any origin but AlphaMail's (each was aborted). */
  readonly outside: string[];
  /** Scripts compiled in the main world of any frame but a page's top frame. */
  readonly scriptsInFrames: string[];
  /** Dialogs (alert, confirm, prompt, beforeunload) opened by any frame. */
  readonly canaries: string[];
  /** Chromium's console reports about CSP violations and sandbox-blocked scripts. */
  readonly securityLogs: string[];
  readonly popups: string[];
  /** Starts watching one page of the context (CDP: scripts and security logs). */
  attach(page: Page): Promise<void>;
}

/** Console text Chromium writes when CSP or the sandbox blocks something. */
const securityLogPattern = /Content Security Policy|Blocked script execution|sandboxed/i;

interface ScriptParsed {
  url: string;
  executionContextAuxData?: { frameId?: string; isDefault?: boolean };
}

/** Records everything the context does; requests outside `origin` are aborted and listed. */
export async function watchContext(context: BrowserContext, origin: string): Promise<ContextWatch> {
  const allowed = new URL(origin).origin;
  const watch: ContextWatch = {
    requests: [],
    outside: [],
    scriptsInFrames: [],
    canaries: [],
    securityLogs: [],
    popups: [],
    async attach(page) {
      page.on('dialog', (dialog) => {
        watch.canaries.push(`dialog ${dialog.type()}: ${dialog.message()}`);
        void dialog.dismiss().catch(() => undefined);
      });
      page.on('popup', (popup) => watch.popups.push(popup.url()));
      const cdp = await context.newCDPSession(page);
      const tree = (await cdp.send('Page.getFrameTree')) as {
        frameTree: { frame: { id: string } };
      };
      const topFrame = tree.frameTree.frame.id;
      cdp.on('Debugger.scriptParsed', (event: ScriptParsed) => {
        const aux = event.executionContextAuxData;
        if (aux?.isDefault === true && aux.frameId !== undefined && aux.frameId !== topFrame) {
          watch.scriptsInFrames.push(event.url === '' ? '(inline or eval)' : event.url);
        }
      });
      cdp.on('Log.entryAdded', (event: { entry: { text: string; url?: string } }) => {
        if (securityLogPattern.test(event.entry.text)) {
          watch.securityLogs.push(`${event.entry.url ?? ''}: ${event.entry.text}`);
        }
      });
      await cdp.send('Debugger.enable');
      await cdp.send('Log.enable');
    },
  };
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    watch.requests.push(url);
    if (url.startsWith('data:') || url.startsWith('about:') || new URL(url).origin === allowed) {
      await route.continue();
    } else {
      watch.outside.push(url);
      await route.abort('blockedbyclient');
    }
  });
  return watch;
}

/**
 * Runs in the message page (top frame). The frame is same-origin (allow-same-origin, no
 * allow-scripts), so its document is read from here without running anything inside it.
 * Self-contained: Playwright serialises it into the page.
 */
export function frameProblems(): string[] {
  const problems: string[] = [];
  const iframe = document.querySelector<HTMLIFrameElement>('iframe.message-frame');
  const main = document.querySelector('main');
  if (!main) return ['no main landmark'];
  if (!iframe) {
    // A vector that sanitises to nothing may leave no HTML body: then the text view is shown.
    return document.querySelector('.message-text, .message-body .empty') ? [] : ['no body'];
  }
  const sandbox = (iframe.getAttribute('sandbox') ?? '').split(/\s+/);
  if (sandbox.includes('allow-scripts')) problems.push('frame sandbox allows scripts');
  const f = iframe.getBoundingClientRect();
  const m = main.getBoundingClientRect();
  const slackPx = 0.5;
  if (
    f.left < m.left - slackPx ||
    f.right > m.right + slackPx ||
    f.top < m.top - slackPx ||
    f.bottom > m.bottom + slackPx
  ) {
    problems.push(`frame box ${JSON.stringify(f)} leaves main ${JSON.stringify(m)}`);
  }
  const doc = iframe.contentDocument;
  const view = doc?.defaultView;
  if (!doc || !view) return [...problems, 'frame document not readable'];
  if (!doc.location.pathname.endsWith('/body')) {
    problems.push(`frame navigated to ${doc.location.href}`);
  }
  const forbidden = new Set([
    'script',
    'form',
    'input',
    'button',
    'textarea',
    'select',
    'iframe',
    'frame',
    'object',
    'embed',
    'base',
    'meta',
    'link',
    'svg',
    'math',
  ]);
  for (const el of Array.from(doc.body.querySelectorAll('*'))) {
    const tag = el.localName;
    if (forbidden.has(tag)) problems.push(`<${tag}> in the body`);
    const position = view.getComputedStyle(el).position;
    if (position === 'fixed' || position === 'absolute' || position === 'sticky') {
      problems.push(`<${tag}> is position:${position}`);
    }
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\u0000-\u0020]/g, '').toLowerCase(); // eslint-disable-line no-control-regex -- as URL parsers skip them
      if (name.startsWith('on')) problems.push(`<${tag} ${name}>`);
      if (/^(?:action|formaction|srcset|xlink:href|background|poster|dynsrc|lowsrc)$/.test(name)) {
        problems.push(`<${tag} ${name}>`);
      }
      if ((name === 'href' || name === 'src') && /^(?:javascript|vbscript|data):/.test(value)) {
        if (!(name === 'src' && /^data:image\/(?:png|gif|jpeg|webp)[;,]/.test(value))) {
          problems.push(`<${tag} ${name}=${attr.value.slice(0, 60)}>`);
        }
      }
    }
  }
  for (const a of Array.from(doc.querySelectorAll('a[href]'))) {
    const href = a.getAttribute('href') ?? '';
    if (href.startsWith('#')) continue;
    const rel = (a.getAttribute('rel') ?? '').toLowerCase().split(/\s+/);
    if (a.getAttribute('target') !== '_blank' || !rel.includes('noopener')) {
      problems.push(`link ${href.slice(0, 60)} without target=_blank rel=noopener`);
    }
    if (!rel.includes('noreferrer')) problems.push(`link ${href.slice(0, 60)} without noreferrer`);
  }
  for (const sheet of Array.from(doc.styleSheets)) {
    let rules: CSSRuleList;
    try {
      rules = sheet.cssRules;
    } catch {
      problems.push('unreadable style sheet (loaded from elsewhere)');
      continue;
    }
    for (const rule of Array.from(rules)) {
      const text = rule.cssText;
      if (/\[/.test(text.split('{')[0] ?? '')) problems.push(`attribute selector: ${text}`);
      if (/@import|@font-face/i.test(text)) problems.push(`at-rule kept: ${text.slice(0, 80)}`);
    }
  }
  return problems;
}
