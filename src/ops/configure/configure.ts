// Owns `configure`: answers from flags, then (unless non-interactive) from questions, then one
// checked, commented alphamail_config on disk. Must not print anything but the interview.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { AlphaMailError } from '../../base/index.js';
import { configureQuestions, answerProblem, flagNameOf, type ConfigAnswers } from './questions.js';
import { interview } from './interview.js';
import { renderCheckedConfig, writeConfigFile } from './write.js';

export interface ConfigureOptions {
  /** Where the file goes. */
  out: string;
  /** Overwrite an existing file. */
  force: boolean;
  /** false: every answer comes from `preset`; missing required keys are an error. */
  isInteractive: boolean;
  /** Answers given as flags, by key. */
  preset: ConfigAnswers;
  input: Readable;
  output: Writable;
  /** Echo answers (true when they are piped in rather than typed). */
  shouldEcho?: boolean;
}

export interface ConfigureResult {
  /** Absolute path of the written file. */
  file: string;
  answers: ConfigAnswers;
  text: string;
}

function refuseExisting(file: string): void {
  if (existsSync(file)) {
    throw new AlphaMailError(
      'AM_BAD_REQUEST',
      `${file} exists; configure does not overwrite it without --force`,
      { file },
    );
  }
}

/** Collects the answers and writes the file; rejects with AM_BAD_REQUEST or AM_CONFIG_SYNTAX. */
export async function configure(opts: ConfigureOptions): Promise<ConfigureResult> {
  const file = resolve(opts.out);
  // Before any question: nobody should answer thirteen questions to be refused at the end.
  if (!opts.force) refuseExisting(file);
  for (const [key, value] of Object.entries(opts.preset)) {
    const problem = value === undefined ? null : answerProblem(key as keyof ConfigAnswers, value);
    if (problem !== null) {
      throw new AlphaMailError(
        'AM_BAD_REQUEST',
        `--${flagNameOf(key as keyof ConfigAnswers)}: ${problem}`,
        {
          key,
        },
      );
    }
  }
  let answers: ConfigAnswers;
  if (opts.isInteractive) {
    answers = await interview({
      input: opts.input,
      output: opts.output,
      preset: opts.preset,
      shouldEcho: opts.shouldEcho === true,
    });
  } else {
    answers = { ...opts.preset };
    const missing = configureQuestions().filter((q) => q.required && answers[q.key] === undefined);
    if (missing.length > 0) {
      throw new AlphaMailError(
        'AM_BAD_REQUEST',
        `--non-interactive needs ${missing.map((q) => `--${flagNameOf(q.key)}`).join(', ')}`,
        { keys: missing.map((q) => q.key) },
      );
    }
  }
  const text = renderCheckedConfig(answers, file);
  writeConfigFile(file, text, { force: opts.force });
  return { file, answers, text };
}
