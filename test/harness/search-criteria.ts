// Owns the tests' "no criterion used" search, which each test spreads its own terms over.
// Must not hold anything else: tests state the criteria they search for.
import type { SearchCriteria } from '../../src/protocol/index.js';

export const noSearchCriteria: SearchCriteria = {
  from: '',
  to: '',
  subject: '',
  body: '',
  text: '',
  since: null,
  before: null,
  unread: false,
  flagged: false,
  hasAttachment: false,
};
