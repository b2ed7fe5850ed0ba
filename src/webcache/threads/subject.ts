// Owns reading a subject for threading: the base subject with reply and forward markers and list
// tags removed, and whether it was marked as a reply. Pure: no index, no IMAP.

/** Reply markers in common clients' languages (Re, German AW, Nordic SV/VS, Dutch Antw, Polish Odp). */
const replyMarkers = new Set(['re', 'aw', 'sv', 'vs', 'antw', 'odp']);
/** Forward markers (Fwd/Fw, German WG, French TR, Spanish RV, Portuguese ENC). */
const forwardMarkers = new Set(['fwd', 'fw', 'wg', 'tr', 'rv', 'enc']);
/** One leading "Re:", "Re[2]:", "AW :", "Fwd：" or "[list-tag]". */
const leadingMarker = /^\s*(?:([a-z]{1,4})\s*(?:\[\d+\]|\(\d+\))?\s*[:\uff1a]|\[[^\]]*\])\s*/i;
/** A trailing "(fwd)" some old clients add instead of a prefix. */
const trailingForward = /\s*\(fwd\)\s*$/i;

export interface SubjectKey {
  /** Lower-cased base subject with whitespace collapsed; '' means "nothing to match on". */
  base: string;
  /** True when a reply marker (not only a forward marker) was found before the base. */
  isReply: boolean;
}

export function subjectKey(subject: string): SubjectKey {
  let rest = subject.replace(/\s+/g, ' ').trim();
  let isReply = false;
  for (;;) {
    const match = leadingMarker.exec(rest);
    if (match === null) break;
    const word = match[1]?.toLowerCase();
    if (word !== undefined && !replyMarkers.has(word) && !forwardMarkers.has(word)) break;
    if (word !== undefined && replyMarkers.has(word)) isReply = true;
    rest = rest.slice(match[0].length);
  }
  rest = rest.replace(trailingForward, '');
  return { base: rest.toLowerCase(), isReply };
}
