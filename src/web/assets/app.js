// AlphaMail's enhancement script. Everything works without it; it only sizes the message frame
// to its content (same origin: the frame has allow-same-origin but no scripts of its own).
/* global document */
(() => {
  'use strict';

  /** Never grow a frame beyond this: a hostile message could be millions of pixels tall. */
  const maxFrameHeightPx = 200000;
  /** Room for a horizontal scrollbar, so the last line is never hidden under it. */
  const slackPx = 24;

  function fit(frame) {
    let doc;
    try {
      doc = frame.contentDocument;
    } catch {
      return;
    }
    if (!doc || !doc.documentElement) return;
    // The root element's box is the content's height; scrollHeight would never go below the
    // frame's current height, so a short message could not shrink its frame.
    const content = Math.ceil(doc.documentElement.getBoundingClientRect().height);
    frame.style.minHeight = '6rem';
    frame.style.height = `${Math.min(content + slackPx, maxFrameHeightPx)}px`;
  }

  function watch(frame) {
    const onLoad = () => {
      fit(frame);
      // Images load after the document: fit again as they arrive.
      const doc = frame.contentDocument;
      if (!doc) return;
      for (const img of doc.images) img.addEventListener('load', () => fit(frame));
    };
    frame.addEventListener('load', onLoad);
    if (frame.contentDocument && frame.contentDocument.readyState === 'complete') onLoad();
  }

  function start() {
    for (const frame of document.querySelectorAll('iframe.message-frame')) watch(frame);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();

// Keyboard shortcuts and the new-mail notice, both speaking through one polite live region.
// j/k move through the index rows (or to the next/previous message), o or Enter opens, every
// control marked data-shortcut="<key>" is reached by its key, ? lists them in a dialog. Never
// fires while the user types. New mail arrives as server-sent events on index pages.
/* global EventSource, Element, HTMLInputElement, HTMLTextAreaElement, HTMLSelectElement */
(() => {
  'use strict';

  /** What each conventional key does, for the help dialog. */
  const keyNames = {
    j: 'Next message',
    k: 'Previous message',
    o: 'Open the selected message',
    r: 'Reply',
    a: 'Reply to all',
    f: 'Forward',
    c: 'Compose a new message',
    '#': 'Delete',
    '/': 'Search',
    '?': 'Show this list of shortcuts',
  };
  /** Gap between clearing and filling the live region, so a repeated text is announced again. */
  const announceGapMs = 50;
  /** First wait before reconnecting a failed event stream; doubles on every failure. */
  const reconnectFirstMs = 2000;
  /** Longest wait between reconnects, so a restarted webcache is noticed within a minute. */
  const reconnectMaxMs = 60000;

  let liveRegion = null;
  let currentRow = -1;

  function announce(text) {
    if (!liveRegion) return;
    liveRegion.textContent = '';
    window.setTimeout(() => {
      liveRegion.textContent = text;
    }, announceGapMs);
  }

  /** Inputs that take no typing: keys pressed on them may still be shortcuts. */
  const nonTextInputs = ['checkbox', 'radio', 'button', 'submit', 'reset', 'image', 'file'];

  function isTyping(target) {
    if (!(target instanceof Element)) return false;
    if (target.isContentEditable) return true;
    if (target instanceof HTMLInputElement) return !nonTextInputs.includes(target.type);
    return (
      target.closest('textarea, select, [contenteditable]:not([contenteditable="false"])') !== null
    );
  }

  function indexRows() {
    return Array.from(document.querySelectorAll('table.message-index tbody tr')).filter((row) =>
      row.querySelector('td.col-subject a'),
    );
  }

  function shortcutTargets() {
    const targets = new Map();
    for (const el of document.querySelectorAll('[data-shortcut]')) {
      const key = el.getAttribute('data-shortcut');
      // A hidden control (another page state, a closed menu) is not a target.
      if (key && !targets.has(key) && el.getClientRects().length > 0) targets.set(key, el);
    }
    return targets;
  }

  function markRow(rows, index) {
    rows.forEach((row, i) => {
      if (i === index) row.setAttribute('aria-current', 'true');
      else row.removeAttribute('aria-current');
      row.classList.toggle('is-current', i === index);
    });
    currentRow = index;
  }

  function selectRow(rows, index) {
    markRow(rows, index);
    const link = rows[index].querySelector('td.col-subject a');
    link.focus();
    announce(`Message ${index + 1} of ${rows.length}: ${link.textContent.trim()}`);
  }

  function moveInIndex(rows, step) {
    const focusedRow = document.activeElement && document.activeElement.closest('tbody tr');
    const from = focusedRow ? rows.indexOf(focusedRow) : currentRow;
    const next = from < 0 ? 0 : from + step;
    if (next < 0 || next >= rows.length) {
      rows[from].querySelector('td.col-subject a').focus();
      announce(step > 0 ? 'Last message on this page' : 'First message on this page');
      return;
    }
    selectRow(rows, next);
  }

  function activate(el) {
    if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) {
      el.focus();
      el.select();
    } else if (el instanceof HTMLSelectElement) {
      el.focus();
    } else {
      el.focus();
      el.click();
    }
  }

  /** The shortcuts this page offers, in a stable order: [key label, description]. */
  function availableShortcuts() {
    const list = [];
    const targets = shortcutTargets();
    if (indexRows().length > 0) {
      list.push(['j', keyNames.j], ['k', keyNames.k], ['o or Enter', keyNames.o]);
    }
    for (const [key, el] of targets) {
      if (indexRows().length > 0 && (key === 'j' || key === 'k')) continue;
      list.push([key, keyNames[key] || el.textContent.trim() || el.getAttribute('aria-label')]);
    }
    list.push(['?', keyNames['?']]);
    return list;
  }

  let dialog = null;
  let returnFocus = null;

  function focusablesIn(root) {
    return Array.from(root.querySelectorAll('a[href], button, input, select, textarea')).filter(
      (el) => !el.disabled,
    );
  }

  function buildDialog() {
    const d = document.createElement('dialog');
    d.id = 'shortcut-help';
    d.className = 'shortcut-help';
    d.setAttribute('aria-labelledby', 'shortcut-help-title');
    const heading = document.createElement('h2');
    heading.id = 'shortcut-help-title';
    heading.textContent = 'Keyboard shortcuts';
    const list = document.createElement('dl');
    for (const [key, what] of availableShortcuts()) {
      const dt = document.createElement('dt');
      const kbd = document.createElement('kbd');
      kbd.textContent = key;
      dt.append(kbd);
      const dd = document.createElement('dd');
      dd.textContent = what;
      list.append(dt, dd);
    }
    const note = document.createElement('p');
    note.textContent = 'Shortcuts do not work while you type in a field.';
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Close';
    close.addEventListener('click', () => d.close());
    d.append(heading, list, note, close);
    // showModal makes the page inert; Tab still wraps inside the dialog rather than leaving it.
    d.addEventListener('keydown', (event) => {
      if (event.key !== 'Tab') return;
      const items = focusablesIn(d);
      const first = items[0];
      const last = items[items.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    });
    d.addEventListener('close', () => {
      d.remove();
      dialog = null;
      if (returnFocus && document.contains(returnFocus)) returnFocus.focus();
      returnFocus = null;
    });
    return d;
  }

  function openHelp() {
    if (dialog) return;
    returnFocus = document.activeElement;
    dialog = buildDialog();
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector('button').focus();
  }

  function onKey(event) {
    if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) return;
    if (dialog || isTyping(event.target)) return;
    const key = event.key;
    if (key === '?') {
      event.preventDefault();
      openHelp();
      return;
    }
    const rows = indexRows();
    if (rows.length > 0 && (key === 'j' || key === 'k')) {
      event.preventDefault();
      moveInIndex(rows, key === 'j' ? 1 : -1);
      return;
    }
    if (rows.length > 0 && (key === 'o' || key === 'Enter')) {
      // Enter on a link or button already does what it says; only a bare Enter opens the row.
      if (key === 'Enter' && event.target.closest('a[href], button, summary')) return;
      const focusedRow = document.activeElement && document.activeElement.closest('tbody tr');
      const index = focusedRow ? rows.indexOf(focusedRow) : currentRow;
      if (index < 0) return;
      event.preventDefault();
      const link = rows[index].querySelector('td.col-subject a');
      announce(`Opening ${link.textContent.trim()}`);
      link.click();
      return;
    }
    const target = shortcutTargets().get(key);
    if (target) {
      event.preventDefault();
      activate(target);
    } else if ((key === 'j' || key === 'k') && document.querySelector('nav.message-nav')) {
      announce(key === 'j' ? 'This is the last message' : 'This is the first message');
    }
  }

  function showNewMail(box, count, mail) {
    const link = box.querySelector('a') || document.createElement('a');
    link.href = box.getAttribute('data-show');
    link.textContent =
      count === 1 ? 'New mail: 1 new message — show' : `New mail: ${count} new messages — show`;
    if (!link.parentNode) box.append(link);
    box.hidden = false;
    const who = mail.from || 'an unknown sender';
    const subject = mail.subject || '(no subject)';
    announce(
      count === 1
        ? `1 new message from ${who}: ${subject}`
        : `${count} new messages, the latest from ${who}: ${subject}`,
    );
  }

  /** Listens for new mail in this folder; reconnects with growing pauses when the stream fails. */
  function watchNewMail(box) {
    if (typeof EventSource !== 'function') return;
    let delayMs = reconnectFirstMs;
    let count = 0;
    const connect = () => {
      const source = new EventSource(box.getAttribute('data-events'));
      source.addEventListener('open', () => {
        delayMs = reconnectFirstMs;
        box.setAttribute('data-live', 'connected');
      });
      source.addEventListener('mail', (event) => {
        let mail;
        try {
          mail = JSON.parse(event.data);
        } catch {
          return;
        }
        count += 1;
        showNewMail(box, count, mail);
      });
      source.addEventListener('error', () => {
        // The browser's own retry gives up on an error status; one loop with backoff instead.
        source.close();
        box.setAttribute('data-live', 'reconnecting');
        window.setTimeout(connect, delayMs);
        delayMs = Math.min(delayMs * 2, reconnectMaxMs);
      });
    };
    connect();
  }

  function addHint() {
    if (indexRows().length === 0 && shortcutTargets().size === 0) return;
    // Beside the account links, so the banner keeps its two ends: name left, account right.
    const banner =
      document.querySelector('header.banner .account') || document.querySelector('header.banner');
    if (!banner) return;
    const hint = document.createElement('button');
    hint.type = 'button';
    hint.className = 'shortcut-hint';
    hint.append('Press ');
    const kbd = document.createElement('kbd');
    kbd.textContent = '?';
    hint.append(kbd, ' for keyboard shortcuts');
    hint.addEventListener('click', openHelp);
    banner.append(hint);
  }

  function startShortcuts() {
    liveRegion = document.createElement('div');
    liveRegion.id = 'live-announcer';
    liveRegion.className = 'visually-hidden';
    liveRegion.setAttribute('role', 'status');
    liveRegion.setAttribute('aria-live', 'polite');
    document.body.append(liveRegion);
    addHint();
    document.addEventListener('keydown', onKey);
    // Tabbing onto a row's link makes it the current row, so j/k continue from there.
    document.addEventListener('focusin', (event) => {
      const row = event.target instanceof Element && event.target.closest('tbody tr');
      if (!row) return;
      const rows = indexRows();
      const index = rows.indexOf(row);
      if (index >= 0 && index !== currentRow) markRow(rows, index);
    });
    for (const box of document.querySelectorAll('[data-events]')) watchNewMail(box);
  }

  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', startShortcuts);
  else startShortcuts();
})();

// Compose: saves the draft in the background ~30 s after a change and when the page is left,
// through the JSON autosave endpoint (same form fields and CSRF token, no files).
/* global window, navigator, fetch, FormData */
(() => {
  'use strict';

  /** Wait after the last change before saving: long enough not to save every keystroke. */
  const autosaveDelayMs = 30000;

  function enhance(form) {
    const url = form.getAttribute('data-autosave');
    const status = document.getElementById('autosave-status');
    let timer = null;
    let isDirty = false;
    let isSubmitting = false;
    let isSaving = false;

    function fields() {
      const data = new FormData(form);
      data.delete('files');
      data.delete('action');
      data.delete('remove');
      return data;
    }

    function announce(text) {
      if (!status) return;
      status.textContent = '';
      // A fresh text node after clearing makes screen readers announce a repeated message.
      window.setTimeout(() => {
        status.textContent = text;
      }, 50);
    }

    function applySaved(result) {
      if (form.elements.draft) form.elements.draft.value = result.draft;
      const hidden = form.querySelectorAll('input[name="attachment"]');
      if (Array.isArray(result.attachments) && result.attachments.length === hidden.length) {
        result.attachments.forEach((value, i) => {
          hidden[i].value = value;
        });
      }
    }

    async function save() {
      timer = null;
      if (!isDirty || isSubmitting || isSaving) return;
      isSaving = true;
      isDirty = false;
      try {
        const res = await fetch(url, {
          method: 'POST',
          body: fields(),
          credentials: 'same-origin',
          headers: { accept: 'application/json' },
        });
        const type = res.headers.get('content-type') || '';
        const result = type.includes('application/json') ? await res.json() : null;
        if (res.ok && result && result.saved) {
          applySaved(result);
          announce('Draft saved');
        } else {
          isDirty = true;
          announce(
            result && result.message ? `Draft not saved: ${result.message}` : 'Draft not saved',
          );
        }
      } catch {
        isDirty = true;
      } finally {
        isSaving = false;
      }
    }

    function changed() {
      isDirty = true;
      if (timer === null) timer = window.setTimeout(() => void save(), autosaveDelayMs);
    }

    form.addEventListener('input', changed);
    form.addEventListener('submit', () => {
      isSubmitting = true;
      if (timer !== null) window.clearTimeout(timer);
    });
    window.addEventListener('pagehide', () => {
      if (!isDirty || isSubmitting || !navigator.sendBeacon) return;
      navigator.sendBeacon(url, fields());
    });
  }

  function startCompose() {
    for (const form of document.querySelectorAll('form[data-autosave]')) enhance(form);
  }

  if (document.readyState === 'loading')
    document.addEventListener('DOMContentLoaded', startCompose);
  else startCompose();
})();
