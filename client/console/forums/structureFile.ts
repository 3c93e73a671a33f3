// Reading a priority tree from a JSON file in the browser, for a new forum: the file's shape is
// checked by hand (zod stays out of the console page; a code written as a number is taken as
// text), then the rules the server applies, so that a wrong file is explained before anything is
// sent. Whatever else the file holds (a template's notes) is left out.

import { normalizeStructure } from '../../../shared/forum/rules.js';
import type { Goal, Origin, Structure, Task } from '../../../shared/forum/types.js';
import { errorMessage } from '../../../shared/i18n/errors.js';
import type { Lang } from '../../../shared/protocol.js';
import type { T } from '../../lib/i18n.js';

export type StructureRead =
  | { ok: true; structure: Structure; priorities: number; goals: number }
  | { ok: false; message: string };

/** A file's tree as its shape allows, or the path of the first thing that does not fit. */
export type Shape = { ok: true; value: Structure } | { ok: false; path: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
const optional = (v: unknown) => (v === undefined || v === null ? '' : text(v));

/** A link back to an earlier forum's idea, kept when it is whole; anything else is dropped. */
function originOf(v: unknown): Origin | undefined {
  if (!isObject(v)) return undefined;
  const { forumId, forumTitle, ideaId } = v;
  return typeof forumId === 'string' && typeof forumTitle === 'string' && typeof ideaId === 'string' ? { forumId, forumTitle, ideaId } : undefined;
}

/** The shape of a priority tree read from JSON (the structure editor's import uses it too). */
export function shapeOf(json: unknown): Shape {
  if (!isObject(json)) return { ok: false, path: '/' };
  if (typeof json.vision !== 'string') return { ok: false, path: 'vision' };
  if (!Array.isArray(json.priorities)) return { ok: false, path: 'priorities' };
  const priorities: Structure['priorities'] = [];
  for (const [i, p] of json.priorities.entries()) {
    const at = `priorities[${i}]`;
    if (!isObject(p)) return { ok: false, path: at };
    const code = text(p.code);
    if (code === null) return { ok: false, path: `${at}.code` };
    if (typeof p.title !== 'string') return { ok: false, path: `${at}.title` };
    const subtitle = optional(p.subtitle);
    if (subtitle === null) return { ok: false, path: `${at}.subtitle` };
    const color = optional(p.color);
    if (color === null) return { ok: false, path: `${at}.color` };
    const rawGoals = p.goals ?? [];
    if (!Array.isArray(rawGoals)) return { ok: false, path: `${at}.goals` };
    const goals: Goal[] = [];
    for (const [j, g] of rawGoals.entries()) {
      const gAt = `${at}.goals[${j}]`;
      if (!isObject(g)) return { ok: false, path: gAt };
      const goalCode = text(g.code);
      if (goalCode === null) return { ok: false, path: `${gAt}.code` };
      if (typeof g.title !== 'string') return { ok: false, path: `${gAt}.title` };
      const goal: Goal = { code: goalCode, title: g.title };
      const origin = originOf(g.origin);
      if (origin) goal.origin = origin;
      if (g.tasks !== undefined && g.tasks !== null) {
        if (!Array.isArray(g.tasks)) return { ok: false, path: `${gAt}.tasks` };
        const tasks: Task[] = [];
        for (const [k, task] of g.tasks.entries()) {
          if (!isObject(task) || typeof task.title !== 'string') return { ok: false, path: `${gAt}.tasks[${k}].title` };
          const taskOrigin = originOf(task.origin);
          tasks.push(taskOrigin ? { title: task.title, origin: taskOrigin } : { title: task.title });
        }
        if (tasks.length > 0) goal.tasks = tasks;
      }
      goals.push(goal);
    }
    priorities.push({ code, title: p.title, subtitle, color, goals });
  }
  return { ok: true, value: { vision: json.vision, priorities } };
}

/** The tree in a file's text, or what is wrong with it, in the page's language. */
export function readStructureFile(t: T, lang: Lang, fileName: string, body: string): StructureRead {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    return { ok: false, message: t('console.importNotJson', { file: fileName, detail: (err as Error).message }) };
  }
  const shape = shapeOf(json);
  if (!shape.ok) return { ok: false, message: t('console.importBadShape', { file: fileName, detail: t('console.importField', { path: shape.path }) }) };
  const checked = normalizeStructure(shape.value);
  if (!checked.ok) return { ok: false, message: t('forums.create.fileRule', { file: fileName, detail: errorMessage(lang, checked.error) }) };
  const goals = shape.value.priorities.reduce((n, p) => n + p.goals.length, 0);
  // The tree as the file has it: the server normalises it again, the same way.
  return { ok: true, structure: shape.value, priorities: shape.value.priorities.length, goals };
}
