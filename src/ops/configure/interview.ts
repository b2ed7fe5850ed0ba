// Owns configure's questions and answers over any pair of streams (a terminal or a pipe):
// one line per answer, an empty line keeps the default, a bad answer is asked again.
// Must not write the config file (write.ts does) nor know any key by name.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { AlphaMailError } from '../../base/index.js';
import { wrapWords } from '../../config/index.js';
import { answerProblem, configureQuestions, type ConfigAnswers } from './questions.js';

/** Prompt text wraps at this width so it reads on an 80-column terminal. */
const promptWidthChars = 78;
/** A key answered wrongly this many times in a row stops configure (a pipe would loop). */
const maxTriesPerKey = 3;

export interface InterviewOptions {
  input: Readable;
  output: Writable;
  /** Keys already answered (by flags): not asked. */
  preset?: ConfigAnswers;
  /** Write each answer after its prompt: piped answers are not echoed by a terminal. */
  shouldEcho?: boolean;
}

/**
 * Asks every key of the table not in `preset`; returns preset plus the non-empty answers.
 * Input that ends early keeps the defaults of the rest; a required key left open is an error.
 */
export async function interview(opts: InterviewOptions): Promise<ConfigAnswers> {
  const answers: ConfigAnswers = { ...opts.preset };
  // terminal: false also for a TTY: plain lines, no escape sequences in a piped transcript.
  const rl = createInterface({ input: opts.input, terminal: false, crlfDelay: Infinity });
  // The iterator buffers lines that arrive before their question (answers piped in at once).
  const lines = rl[Symbol.asyncIterator]();
  let isInputOver = false;
  const say = (text: string): void => {
    opts.output.write(text);
  };
  try {
    say('alphamail configure: press Enter to keep the value in brackets.\n');
    for (const question of configureQuestions()) {
      if (answers[question.key] !== undefined) continue;
      say('\n');
      for (const paragraph of question.description) {
        for (const line of wrapWords(paragraph.replace(/`/g, ''), promptWidthChars))
          say(`${line}\n`);
      }
      for (let tries = 1; ; tries++) {
        say(`${question.key} [${question.shownDefault.replace(/`/g, '')}]: `);
        const next = isInputOver ? null : await lines.next();
        if (next === null || next.done === true) {
          isInputOver = true;
          say('\n');
          if (!question.required) break;
          throw new AlphaMailError(
            'AM_BAD_REQUEST',
            `configure: the input ended before ${question.key}, which is required, was answered`,
            { key: question.key },
          );
        }
        const value = String(next.value).trim();
        if (opts.shouldEcho === true) say(`${value}\n`);
        if (value === '') {
          if (!question.required) break;
          say(`  ${question.key} is required.\n`);
        } else {
          const problem = answerProblem(question.key, value);
          if (problem === null) {
            answers[question.key] = value;
            break;
          }
          say(`  ${problem}\n`);
        }
        if (tries >= maxTriesPerKey) {
          throw new AlphaMailError(
            'AM_BAD_REQUEST',
            `configure: no usable answer for ${question.key} after ${maxTriesPerKey} tries`,
            { key: question.key },
          );
        }
      }
    }
    return answers;
  } finally {
    rl.close();
  }
}
