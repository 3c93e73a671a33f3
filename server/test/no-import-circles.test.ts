// Holds the code free of import circles: every relative import (type-only ones too, since a
// circle of types still ties two files' jobs together) among server/, shared/, client/ and
// scripts/ is read from the source text, and any strongly connected group of files fails the test,
// named with one circle through it. Plain text reading, so it needs no bundler and sees what tsc
// would.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const folders = ['server', 'shared', 'client', 'scripts'];
const sourceFile = /\.(ts|tsx|mts)$/;

/** `import … from './x.js'`, `export … from '../y.js'`, `import './z.js'`, over one or more lines. */
const importLine = /^\s*(?:import|export)\s+(?:[\w$\s{},*]*?\s*from\s*)?['"](\.{1,2}\/[^'"]+)['"]/gm;

function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...sourceFiles(path));
    else if (sourceFile.test(name) && !name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

/** The file an import names: `./x.js` is written for `./x.ts` or `./x.tsx`, a folder for its index. */
function resolveImport(from: string, spec: string, known: Set<string>): string | null {
  const base = resolve(dirname(from), spec);
  const stem = base.replace(/\.(m?js|jsx|tsx?|mts)$/, '');
  for (const candidate of [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (known.has(candidate)) return candidate;
  }
  return null;
}

function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const targets = new Set<string>();
    for (const match of text.matchAll(importLine)) {
      const target = resolveImport(file, match[1], known);
      if (target) targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/** Tarjan's strongly connected components with more than one file, or one file importing itself. */
function circles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    if (group.length > 1 || (graph.get(file) ?? []).includes(file)) groups.push(group.sort());
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);
  return groups;
}

/** One shortest circle through the group's first file, so the message shows which imports close it. */
function oneCircle(graph: Map<string, string[]>, group: string[]): string[] {
  const members = new Set(group);
  const start = group[0];
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const target of graph.get(file) ?? []) {
      if (!members.has(target)) continue;
      if (target === start) {
        const path = [file];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0])!);
        return [...path, start];
      }
      if (!cameFrom.has(target)) {
        cameFrom.set(target, file);
        queue.push(target);
      }
    }
  }
  return group;
}

describe('import circles', () => {
  it('none among the files of server/, shared/, client/ and scripts/', () => {
    const files = folders.flatMap((folder) => sourceFiles(join(root, folder)));
    expect(files.length).toBeGreaterThan(100);
    const graph = importGraph(files);
    const found = circles(graph).map((group) =>
      oneCircle(graph, group)
        .map((file) => relative(root, file))
        .join(' → ') + (group.length > 2 ? ` (group of ${group.length}: ${group.map((f) => relative(root, f)).join(', ')})` : ''),
    );
    expect(found, `import circles:\n${found.join('\n')}`).toEqual([]);
  });

  it('sees a circle of type-only and multi-line imports', () => {
    const known = ['/a.ts', '/b.ts', '/c.tsx'];
    const graph = new Map([
      ['/a.ts', ['/b.ts']],
      ['/b.ts', ['/c.tsx']],
      ['/c.tsx', ['/a.ts']],
    ]);
    expect(circles(graph)).toEqual([known]);
    expect(circles(new Map([['/a.ts', ['/b.ts']], ['/b.ts', []]]))).toEqual([]);
    const text = "import type {\n  A,\n  B,\n} from './a.js';\nexport { c } from \"../c.js\";\nimport './d.js';\nconst s = 'import x from \"./no.js\"';\n";
    expect([...text.matchAll(importLine)].map((m) => m[1])).toEqual(['./a.js', '../c.js', './d.js']);
  });
});
