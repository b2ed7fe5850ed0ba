// Public entry of ops/configure: writes a commented alphamail_config from questions (stdin or a
// pipe) or from flags, asking every key of config/'s table generically.
export { configure, type ConfigureOptions, type ConfigureResult } from './configure.js';
export { interview, type InterviewOptions } from './interview.js';
export {
  configureQuestions,
  flagNameOf,
  keyOfFlag,
  answerProblem,
  type ConfigAnswers,
  type ConfigQuestion,
} from './questions.js';
export { renderCheckedConfig, writeConfigFile, configFileMode } from './write.js';
