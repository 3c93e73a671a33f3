// Reads a priority-tree template (like data/zhytomyr-2030.json) into a checked structure.

import { readFileSync } from 'node:fs';
import { normalizeStructure } from '../../shared/forum/rules.js';
import type { Structure } from '../../shared/forum/types.js';
import { structureSchema } from '../../shared/protocol.js';

export function parseTemplate(json: unknown): { title: string; structure: Structure } {
  const parsed = structureSchema.safeParse(json);
  if (!parsed.success) throw new Error(`The template is not a priority tree: ${parsed.error.issues[0]?.message}`);
  const structure = normalizeStructure(parsed.data);
  if (!structure.ok) throw new Error(`The template has an error: ${JSON.stringify(structure.error)}`);
  return { title: structure.value.vision, structure: structure.value };
}

export function loadTemplate(path: string): { title: string; structure: Structure } {
  return parseTemplate(JSON.parse(readFileSync(path, 'utf8')));
}
