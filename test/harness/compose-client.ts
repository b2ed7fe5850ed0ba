// Posts the compose form as a browser without JavaScript does: reads the fields the page holds
// (hidden state, draft, back, the typed values) and sends them back as multipart/form-data.
import { csrfToken, type FormClient, type Page } from './http-client.js';

/** A file to attach as the form's `files` input would send it. */
export interface UploadFile {
  name: string;
  type: string;
  bytes: Buffer;
}

export function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The value of an input or the text of a textarea, as a browser would post it back. */
export function fieldValue(body: string, name: string): string {
  const input = new RegExp(`<input[^>]*\\sname="${name}"[^>]*\\svalue="([^"]*)"`).exec(body);
  if (input?.[1] !== undefined) return decodeEntities(input[1]);
  const area = new RegExp(`<textarea[^>]*\\sname="${name}"[^>]*>\\n?([\\s\\S]*?)</textarea>`).exec(
    body,
  );
  if (area?.[1] !== undefined) return decodeEntities(area[1]);
  throw new Error(`no field ${name}`);
}

/** What the compose form posts before the user changes anything. */
export function composeFields(body: string): Record<string, string | string[]> {
  return {
    _csrf: csrfToken(body),
    state: fieldValue(body, 'state'),
    draft: fieldValue(body, 'draft'),
    back: fieldValue(body, 'back'),
    to: fieldValue(body, 'to'),
    cc: fieldValue(body, 'cc'),
    bcc: fieldValue(body, 'bcc'),
    subject: fieldValue(body, 'subject'),
    text: fieldValue(body, 'text'),
    attachment: [...body.matchAll(/name="attachment" value="([^"]*)"/g)].map((m) =>
      decodeEntities(m[1] ?? ''),
    ),
  };
}

/** Posts the compose form as multipart, as a browser does, and follows a redirect. */
export async function postCompose(
  client: FormClient,
  fields: Record<string, string | string[]>,
  attach: readonly UploadFile[] = [],
): Promise<Page> {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    for (const one of Array.isArray(v) ? v : [v]) data.append(k, one);
  }
  for (const f of attach) {
    data.append('files', new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name);
  }
  const res = await client.raw('/compose', { method: 'POST', body: data });
  const location = res.headers.get('location');
  if (res.status >= 300 && res.status < 400 && location) return client.get(location);
  return { status: res.status, url: res.url, headers: res.headers, body: await res.text() };
}
