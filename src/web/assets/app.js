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
