// Owns writing mail: the compose page (new, a stored draft, reply/forward prefilled by the
// webcache), its one multipart form (Send, Save draft, Attach, Remove) with post-redirect-get,
// and the JSON autosave used by app.js. Must not lose what was typed: every error re-shows it.
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AlphaMailError, isAlphaMailError, type ErrorCode } from '../../base/index.js';
import { formatAddressList } from '../../mime/index.js';
import type { DraftAttachmentInfo, DraftView } from '../../protocol/index.js';
import {
  backFolder,
  draftFromForm,
  emptyState,
  formatMessageRef,
  parseMessageRef,
  readComposeForm,
  stateFromView,
  typedFromView,
  type ComposeForm,
  type FieldProblem,
  type FormBody,
  type MessageRef,
} from '../compose-form.js';
import type { WebDeps } from '../context.js';
import { fromOf, identityOf } from '../identity.js';
import { requireSignedIn } from '../plugins/session.js';
import { sendPage } from '../render.js';
import type { SignedIn } from '../session-mail.js';
import {
  composeMain,
  composeTitle,
  type ComposeKind,
  type ComposeProblem,
  type ComposeView,
} from '../views/compose-page.js';
import { formatSize } from '../views/format.js';
import { draftComposeUrl, folderUrl, type ComposeMode } from '../views/urls.js';
import { folderNav, loadFolders } from './common.js';

/** Files one post may carry; more is refused by the parser (the page attaches a few at a time). */
export const maxFilesPerPost = 10;
/** Text fields of the form: the body may be the protocol's 5 M characters of UTF-8. */
const maxFieldBytes = 20_000_000;
/** Suggestions offered in the datalist: enough to be useful, small enough for every page. */
const suggestionLimit = 200;

/** Errors that end the signed-in session: the error handler sends the browser to sign in. */
const signInCodes: ReadonlySet<ErrorCode> = new Set(['AM_AUTH_REQUIRED', 'AM_SESSION_UNKNOWN']);

/** A file as received: bytes buffered (at most the upload limit) and whether it went over. */
export interface ReceivedFile {
  readonly filename: string;
  readonly contentType: string;
  readonly data: Buffer;
  readonly isTooLarge: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Files of a multipart compose post, in the order sent. */
    composeFiles: ReceivedFile[] | null;
  }
}

const composeModes: readonly ComposeMode[] = [
  'reply',
  'replyAll',
  'forward',
  'forwardAsAttachment',
];

function tooLargeMessage(file: ReceivedFile, limit: number): string {
  return limit === 0
    ? `“${file.filename}” was not attached: attachments are turned off on this server.`
    : `“${file.filename}” is larger than the limit of ${formatSize(limit)}, so it was not attached.`;
}

/** Refused recipients named after a send, at most (the URL carries them to the index). */
const maxNamedRefusals = 20;

/** An address as a refused-recipient list in a URL may name it: nothing but local@domain. */
function isPlainAddress(text: string): boolean {
  return text.length <= 254 && /^[^\s@<>",;()]+@[^\s@<>",;()]+$/.test(text);
}

/** Where a send lands: the folder it was written from, saying it was sent and who was refused. */
function sentUrl(back: string, refused: readonly { address: string }[]): string {
  const named = refused
    .map((r) => r.address)
    .filter(isPlainAddress)
    .slice(0, maxNamedRefusals);
  const list = named.length === 0 ? '' : `&refused=${encodeURIComponent(named.join(','))}`;
  return `${folderUrl(back)}?sent=1${list}`;
}

/**
 * The index page's notice after a send (`?sent=1`, `&refused=a@x,b@y` when the server refused
 * some recipients but took the message for the others): null when the URL says no send.
 */
export function sentNotice(query: Record<string, unknown>): string | null {
  if (query.sent !== '1') return null;
  const listed = typeof query.refused === 'string' ? query.refused.split(',') : [];
  const refused = listed.filter(isPlainAddress).slice(0, maxNamedRefusals);
  if (refused.length === 0) return 'Message sent.';
  return `Message sent, but the mail server refused ${refused.join(', ')}: they will not receive it.`;
}

export function registerComposeRoutes(app: FastifyInstance, deps: WebDeps): void {
  const limit = deps.config.maxUploadBytes;

  async function suggestions(who: SignedIn): Promise<string[]> {
    try {
      const { addresses } = await deps.mail.call(who, 'suggestAddresses', {
        limit: suggestionLimit,
      });
      return addresses.map((a) => formatAddressList([a]));
    } catch (err) {
      // Suggestions only help: composing must work without them.
      if (isAlphaMailError(err, 'AM_SESSION_UNKNOWN')) throw err;
      deps.logger.info({ err }, 'address suggestions unavailable');
      return [];
    }
  }

  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    who: SignedIn,
    view: Omit<ComposeView, 'csrf' | 'from' | 'suggestions' | 'maxUploadBytes'>,
    status = 200,
  ): Promise<FastifyReply> {
    // The form must show even when the folder list cannot be had: it holds what the user typed.
    const [folders, suggested] = await Promise.all([
      loadFolders(deps, who).catch((err: unknown) => {
        if (isAlphaMailError(err) && signInCodes.has(err.code)) throw err;
        return null;
      }),
      suggestions(who),
    ]);
    const full: ComposeView = {
      ...view,
      csrf: who.record.csrf,
      from: fromOf(identityOf(deps, who)),
      suggestions: suggested,
      maxUploadBytes: limit,
    };
    return sendPage(
      deps,
      request,
      reply,
      {
        title: composeTitle(full),
        main: composeMain(full),
        nav: folders ? folderNav(folders, null) : null,
      },
      status,
    );
  }

  function viewOfDraft(kind: ComposeKind, draft: DraftView, ref: MessageRef | null, back: string) {
    return {
      kind,
      typed: typedFromView(draft, formatAddressList),
      state: stateFromView(draft),
      attachments: draft.attachments,
      draft: ref,
      back,
    };
  }

  /** Uploads the files that fit; returns them as attachments and the ones that did not. */
  async function uploadFiles(
    who: SignedIn,
    files: readonly ReceivedFile[],
  ): Promise<{ added: DraftAttachmentInfo[]; problems: FieldProblem[] }> {
    const added: DraftAttachmentInfo[] = [];
    const problems: FieldProblem[] = [];
    for (const file of files) {
      if (file.isTooLarge || limit === 0) {
        problems.push({ field: 'files', message: tooLargeMessage(file, limit) });
        continue;
      }
      const result = await deps.mail.upload(
        who,
        { filename: file.filename, contentType: file.contentType },
        file.data,
      );
      added.push({
        ref: { kind: 'upload', id: result.id },
        filename: result.filename,
        contentType: result.contentType,
        size: result.size,
      });
    }
    return { added, problems };
  }

  /** The form again, as typed, with its problems at the top. */
  function showForm(
    request: FastifyRequest,
    reply: FastifyReply,
    who: SignedIn,
    form: ComposeForm,
    problems: readonly ComposeProblem[],
    status: number,
  ): Promise<FastifyReply> {
    return show(
      request,
      reply,
      who,
      {
        kind: form.draft ? 'draft' : 'new',
        typed: form.typed,
        state: form.state,
        attachments: form.attachments,
        draft: form.draft,
        back: form.back,
        problems,
      },
      status,
    );
  }

  app.get('/compose', async (request, reply) => {
    const who = requireSignedIn(request);
    const query = request.query as Record<string, unknown>;
    const back = backFolder(query.back);
    const notice = query.saved === '1' ? 'Draft saved.' : null;
    if (query.draft !== undefined) {
      const ref = parseMessageRef(query.draft);
      if (!ref) throw new AlphaMailError('AM_BAD_REQUEST', 'bad draft in URL');
      const draft = await deps.mail.call(who, 'getDraft', ref);
      return show(request, reply, who, { ...viewOfDraft('draft', draft, ref, back), notice });
    }
    if (query.mode !== undefined) {
      const mode = composeModes.find((m) => m === query.mode);
      const ref = parseMessageRef(query.message);
      if (!mode || !ref) throw new AlphaMailError('AM_BAD_REQUEST', 'bad mode or message in URL');
      const from = fromOf(identityOf(deps, who));
      const draft = await deps.mail.call(who, 'composeFrom', { ...ref, mode, from });
      return show(request, reply, who, viewOfDraft(mode, draft, null, back));
    }
    const signature = identityOf(deps, who).signature;
    return show(request, reply, who, {
      kind: 'new',
      typed: {
        to: typeof query.to === 'string' ? query.to.slice(0, 1000) : '',
        cc: '',
        bcc: '',
        subject: '',
        // RFC 3676 §4.3: "-- " on its own line starts the signature.
        text: signature === '' ? '' : `\n\n-- \n${signature}`,
      },
      state: emptyState,
      attachments: [],
      draft: null,
      back,
    });
  });

  void app.register(async (scope) => {
    scope.decorateRequest('composeFiles', null);
    await scope.register(multipart, {
      attachFieldsToBody: 'keyValues',
      throwFileSizeLimit: false,
      limits: {
        // At least 1 so the parser reads one byte past 0 and marks the file as too large.
        fileSize: Math.max(1, limit),
        files: maxFilesPerPost,
        fieldSize: maxFieldBytes,
        fields: 500,
      },
      async onFile(part) {
        const data = await part.toBuffer();
        // The browser sends an empty part for a file input left empty.
        if (part.filename === '' && data.length === 0) return;
        const files = (this.composeFiles ??= []);
        files.push({
          filename: part.filename || 'attachment',
          contentType: part.mimetype || 'application/octet-stream',
          data: part.file.truncated ? Buffer.alloc(0) : data,
          isTooLarge: part.file.truncated || (limit === 0 && data.length > 0),
        });
      },
    });

    scope.post('/compose', async (request, reply) => {
      const who = requireSignedIn(request);
      let form = readComposeForm((request.body ?? {}) as FormBody);
      try {
        const uploaded = await uploadFiles(who, request.composeFiles ?? []);
        const attachments = [...form.attachments, ...uploaded.added];
        if (form.action === 'remove' && form.removeIndex !== null) {
          attachments.splice(form.removeIndex, 1);
        }
        form = { ...form, attachments };
        if (uploaded.problems.length > 0) {
          return await showForm(request, reply, who, form, uploaded.problems, 413);
        }
        const built = draftFromForm(form, fromOf(identityOf(deps, who)));
        if (!built.ok) return await showForm(request, reply, who, form, [built.problem], 400);
        if (form.action !== 'send') {
          const stored = await deps.mail.call(who, 'saveDraft', { draft: built.draft });
          const saved = form.action === 'save';
          return reply.redirect(draftComposeUrl(stored, form.back, saved), 303);
        }
        const result = await deps.mail.call(who, 'sendMessage', { draft: built.draft });
        if (result.sent) return reply.redirect(sentUrl(form.back, result.refused), 303);
        const kept = await deps.mail.call(who, 'getDraft', result.draft);
        const problem = {
          field: null,
          message: `${result.reason} What you wrote is kept in Drafts.`,
        };
        return await show(
          request,
          reply,
          who,
          {
            ...viewOfDraft('draft', kept, result.draft, form.back),
            problemHeading: 'The message was not sent',
            problems: [problem],
          },
          502,
        );
      } catch (err) {
        // Whatever failed, what was typed is shown again; only a lost sign-in leaves the page.
        if (!isAlphaMailError(err) || signInCodes.has(err.code)) throw err;
        deps.logger.info({ code: err.code, reason: err.message }, 'compose action failed');
        const problem = { field: null, message: err.userMessage };
        return showForm(request, reply, who, form, [problem], err.status);
      }
    });

    scope.post('/compose/autosave', async (request, reply) => {
      const who = requireSignedIn(request);
      const form = readComposeForm((request.body ?? {}) as FormBody);
      const built = draftFromForm(form, fromOf(identityOf(deps, who)));
      if (!built.ok) return reply.code(400).send({ saved: false, message: built.problem.message });
      const stored = await deps.mail.call(who, 'saveDraft', { draft: built.draft });
      // The old draft is gone: its attachments now live in the new one, under new part numbers.
      const attachments =
        form.attachments.length === 0
          ? []
          : (await deps.mail.call(who, 'getDraft', stored)).attachments.map((a) =>
              JSON.stringify(a),
            );
      return reply.send({ saved: true, draft: formatMessageRef(stored), attachments });
    });
  });
}
