// Owns turning config/'s key table into configure's questions and flags, generically: a key
// added to the table is asked and gets a --flag with no change here. Pure: no I/O.
import {
  configKeyNames,
  configKeys,
  renderConfigFile,
  type ConfigKeyName,
  type KeySpec,
} from '../../config/index.js';

/** Answers by key, as they would be written after `key:` in the file. */
export type ConfigAnswers = Partial<Record<ConfigKeyName, string>>;

export interface ConfigQuestion {
  key: ConfigKeyName;
  /** The key's description paragraphs: the prompt. */
  description: readonly string[];
  /** What an empty answer means, shown in brackets: the default, or "required". */
  shownDefault: string;
  required: boolean;
}

function specOf(key: ConfigKeyName): KeySpec<unknown> {
  return configKeys[key];
}

/** One question per key of the table, in the table's order. */
export function configureQuestions(): ConfigQuestion[] {
  return configKeyNames.map((key) => {
    const spec = specOf(key);
    return {
      key,
      description: spec.description,
      shownDefault: spec.required ? 'required' : (spec.default ?? spec.defaultNote ?? 'unset'),
      required: spec.required,
    };
  });
}

/** `web_listen` ↔ `--web-listen`. */
export function flagNameOf(key: ConfigKeyName): string {
  return key.replace(/_/g, '-');
}

export function keyOfFlag(flag: string): ConfigKeyName | null {
  const key = flag.replace(/-/g, '_');
  return configKeyNames.find((k) => k === key) ?? null;
}

/** Why `value` cannot be the answer for `key` (the key's own grammar), or null when it can. */
export function answerProblem(key: ConfigKeyName, value: string): string | null {
  try {
    specOf(key).parse(value);
    // The file grammar too: no " #", no line breaks, no surrounding spaces.
    renderConfigFile({ [key]: value });
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
