// The results' SHA-256, as `npm run verify` recomputes it: of the canonical results document
// (shared/forum/resultsHash.ts says its exact format). Shown on the projector's final slide and
// printed in every export, so anyone holding the database or an export can check the count.

import { createHash } from 'node:crypto';
import { canonicalResults } from '../../shared/forum/resultsHash.js';
import type { ForumState } from '../../shared/forum/types.js';

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

export const resultsHash = (state: ForumState): string => sha256Hex(canonicalResults(state));
