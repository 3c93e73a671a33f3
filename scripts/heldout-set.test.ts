// Integrity of the held-out duplicate set (data/test/duplicate-ideas-uk-heldout.json): its labels
// must be consistent on their own, or any figure measured on it means nothing. Nothing here runs
// the duplicate method; the set is kept apart from it.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface HeldoutIdea {
  id: string;
  group: string;
  theme: string;
  priorityCode: string;
  title: string;
  description: string;
  place: string;
}

interface HeldoutSet {
  _about: string;
  ideas: HeldoutIdea[];
  lookAlikes: [string, string][];
}

interface Concept {
  priorities: { code: string; goals?: { code: string }[] }[];
}

function readJson<T>(relative: string): T {
  return JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as T;
}

const set = readJson<HeldoutSet>('../data/test/duplicate-ideas-uk-heldout.json');
const concept = readJson<Concept>('../data/zhytomyr-2030.json');
const conceptCodes = new Set(
  concept.priorities.flatMap((priority) => [priority.code, ...(priority.goals ?? []).map((goal) => goal.code)]),
);

function byGroup(): Map<string, HeldoutIdea[]> {
  const groups = new Map<string, HeldoutIdea[]>();
  for (const idea of set.ideas) groups.set(idea.group, [...(groups.get(idea.group) ?? []), idea]);
  return groups;
}

describe('the held-out duplicate set', () => {
  it('says what it is and holds at least 240 cards with unique ids', () => {
    expect(set._about.length).toBeGreaterThan(200);
    expect(set.ideas.length).toBeGreaterThanOrEqual(240);
    const ids = set.ideas.map((idea) => idea.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has cards whose fields are all strings, with a non-empty title of at most 140 characters', () => {
    for (const idea of set.ideas) {
      for (const field of ['id', 'group', 'theme', 'priorityCode', 'title', 'description', 'place'] as const) {
        expect(typeof idea[field], `${idea.id}.${field}`).toBe('string');
      }
      expect(idea.title.trim().length, idea.id).toBeGreaterThan(0);
      expect(idea.title.length, idea.id).toBeLessThanOrEqual(140);
      expect(idea.group.trim().length, idea.id).toBeGreaterThan(0);
      expect(idea.theme.trim().length, idea.id).toBeGreaterThan(0);
    }
  });

  it('has at least 65 duplicate groups of two to five cards, and no title repeated word for word', () => {
    const groups = [...byGroup().values()];
    const duplicateGroups = groups.filter((cards) => cards.length >= 2);
    expect(duplicateGroups.length).toBeGreaterThanOrEqual(65);
    for (const cards of groups) expect(cards.length, cards[0].group).toBeLessThanOrEqual(5);
    const titles = set.ideas.map((idea) => idea.title.trim().toLowerCase());
    expect(new Set(titles).size).toBe(titles.length);
  });

  it('gives every card of a group one theme and one priority code, each code from the concept', () => {
    for (const [group, cards] of byGroup()) {
      expect(new Set(cards.map((card) => card.theme)).size, group).toBe(1);
      expect(new Set(cards.map((card) => card.priorityCode)).size, group).toBe(1);
    }
    for (const idea of set.ideas) expect(conceptCodes.has(idea.priorityCode), `${idea.id}: ${idea.priorityCode}`).toBe(true);
    // Every priority of the concept has cards under it or under one of its goals.
    for (const priority of concept.priorities) {
      const used = set.ideas.some(
        (idea) => idea.priorityCode === priority.code || idea.priorityCode.startsWith(`${priority.code}.`),
      );
      expect(used, priority.code).toBe(true);
    }
  });

  it('lists at least 25 look-alike pairs, each of two existing cards in different groups, none twice', () => {
    expect(set.lookAlikes.length).toBeGreaterThanOrEqual(25);
    const byId = new Map(set.ideas.map((idea) => [idea.id, idea]));
    const seen = new Set<string>();
    for (const pair of set.lookAlikes) {
      expect(pair).toHaveLength(2);
      const [a, b] = pair.map((id) => byId.get(id));
      expect(a, pair.join('/')).toBeDefined();
      expect(b, pair.join('/')).toBeDefined();
      expect(a!.group, pair.join('/')).not.toBe(b!.group);
      const key = [...pair].sort().join('/');
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });
});
