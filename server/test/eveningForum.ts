// A forum as a real evening leaves it, built through the rules as the server would: the Zhytomyr
// tree (6 priorities), 130 residents with names, 240 ideas whose titles, descriptions and places
// run from a few words to the limits, as residents write them, about 1,800 dots spent, two paper
// cards with stickers, a hidden idea and a merge; then results. The same seed gives the same forum.
// The documents meant for paper (the XLSX, the pictures) are measured on it.

import { fileURLToPath } from 'node:url';
import { decideJoin } from '../../shared/forum/admission.js';
import { decideMerge, decidePaperBallots, decidePaperDots, decidePaperIdea } from '../../shared/forum/facilitation.js';
import { decideHideIdea, decidePlaceDot, decideSubmitIdea, decideTransition } from '../../shared/forum/rules.js';
import { Recorder } from '../../shared/forum/testing.js';
import { DEFAULT_RULES, FACILITATOR, LIMITS, type ForumEvent, type ForumState } from '../../shared/forum/types.js';
import { creationEvents } from '../forums/create.js';
import { loadTemplate } from '../forum/template.js';

const TEMPLATE = fileURLToPath(new URL('../../data/zhytomyr-2030.json', import.meta.url));

/** A small deterministic generator (mulberry32): the forum is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VERBS = ['Облаштувати', 'Відремонтувати', 'Встановити', 'Створити', 'Висадити', 'Відкрити', 'Запровадити', 'Побудувати', 'Осучаснити', 'Організувати'];
const THINGS = [
  'велодоріжку',
  'дитячий майданчик',
  'громадський простір для зустрічей сусідів',
  'пандус і поручні',
  'зупинку громадського транспорту з навісом',
  'безкоштовний Wi-Fi',
  'контейнери для роздільного збору сміття',
  'вуличне освітлення',
  'спортивний майданчик із тренажерами',
  'сквер з лавками',
  'безпечний пішохідний перехід',
  'молодіжний центр',
  'літній кінотеатр',
  'онлайн-запис до ЦНАПу',
  'зарядні станції для електромобілів',
  'каштани та липи',
  'тактильну плитку',
  'курси цифрової грамотності для старших',
  'інклюзивний простір',
];
const WHERE = [
  'на вулиці Київській',
  'у парку Гагаріна',
  'біля школи № 23',
  'в мікрорайоні Польовий',
  'вздовж набережної річки Тетерів від Хмелівського мосту до Гідропарку',
  'на Богунії',
  'біля Житнього ринку',
  'у дворах Корбутівки',
  'на майдані Корольова',
];
const TAILS = ['', '', 'з ліхтарями й лавками', 'для людей з інвалідністю та батьків з візочками', 'для підлітків району', 'з камерами відеоспостереження', 'та урнами для сортування'];
const SENTENCES = [
  'Зараз тут темно й небезпечно ввечері, особливо взимку.',
  'Цим щодня користуються сотні людей, серед них діти й літні.',
  'Можна фінансувати з громадського бюджету та залучити місцевий бізнес.',
  'Сусіди готові допомогти з прибиранням і доглядом.',
  'У сусідніх містах це вже працює і люди задоволені.',
  'Потрібні освітлення, урни й лавки кожні 200 метрів.',
  'Люди на візках зараз не можуть сюди потрапити без сторонньої допомоги.',
  'Пропоную почати з пілотної ділянки й подивитися, як піде.',
  'Підлітки району не мають де проводити час після школи.',
];
const PLACES = ['', 'Набережна Тетерева', 'вул. Київська, 12', 'Парк Гагаріна', 'Мікрорайон Польовий, біля школи № 23', 'Богунський район', 'Центр'];
const FIRST = ['Олена', 'Марко', 'Ірина', 'Богдан', 'Софія', 'Андрій', 'Наталя', 'Тарас', 'Оксана', 'Василь', 'Галина', 'Юрій', 'Мар’яна'];
const LAST = ['Коваль', 'Ткачук', 'Мельник', 'Шевчук', 'Бондаренко', 'Кравчук', 'Олійник', 'Лисенко', 'Савчук', 'Гуменюк'];

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)];

/** At most `max` characters, cut at a word's end. */
function upTo(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max + 1);
  return cut.slice(0, cut.lastIndexOf(' ')).replace(/[\s,]+$/, '');
}

export interface EveningForum {
  state: ForumState;
  /** Ideas' ids by title, for checks. */
  ideas: Map<string, string>;
  /** The events that built it, in order. */
  log: ForumEvent[];
}

export function eveningForum({ participants = 130, ideas = 240, seed = 19 } = {}): EveningForum {
  const rnd = random(seed);
  const { structure } = loadTemplate(TEMPLATE);
  const r = new Recorder();
  let clock = Date.UTC(2026, 10, 26, 16);
  const now = () => (clock += 1_000);
  r.apply(creationEvents('evening', '482913', { title: 'Житомир 2030: громадський форум', structure, rules: { ...DEFAULT_RULES }, admission: 'open' }, now()));
  const people: string[] = [];
  for (let i = 0; i < participants; i++) {
    const participantId = `p${i}`;
    people.push(participantId);
    const name = rnd() < 0.15 ? '' : `${pick(rnd, FIRST)} ${pick(rnd, LAST)}`;
    r.run(decideJoin(r.state, { code: '482913', name, participantId, tokenHash: `hash-${i}`, at: now(), address: `10.0.${i >> 8}.${i & 255}` }));
  }
  r.run(decideTransition(r.state, 'ideas'));
  const titles = new Map<string, string>();
  const byPriority = new Map<string, string[]>(structure.priorities.map((p) => [p.code, []]));
  for (let i = 0; i < ideas; i++) {
    const p = structure.priorities[i % structure.priorities.length];
    // A third short, a third middling, a third long up to the limit: titles as they come in.
    const length = [40, 80, LIMITS.title][Math.floor(i / 6) % 3];
    let title = upTo([pick(rnd, VERBS), pick(rnd, THINGS), pick(rnd, WHERE), pick(rnd, TAILS)].filter(Boolean).join(' '), length);
    while (titles.has(title)) title = upTo(`${title} ${i}`, LIMITS.title);
    const sentences = Math.floor(rnd() * 5);
    const description = Array.from({ length: sentences }, () => pick(rnd, SENTENCES)).join(' ');
    const ideaId = `i${i}`;
    titles.set(title, ideaId);
    byPriority.get(p.code)!.push(ideaId);
    const input = { priorityCode: p.code, goalCode: p.goals.length && rnd() < 0.8 ? pick(rnd, p.goals).code : null, title, description, place: pick(rnd, PLACES) };
    if (i === 7 || i === 100) {
      r.run(decidePaperIdea(r.state, { ...input, paperAuthor: `${pick(rnd, FIRST)} ${pick(rnd, LAST)}` }, ideaId, now(), FACILITATOR));
    } else {
      r.run(decideSubmitIdea(r.state, people[i % participants], input, ideaId, now()));
    }
  }
  r.run(decideTransition(r.state, 'review'));
  r.run(decideHideIdea(r.state, 'i11', 'Реклама, не про місто', now()));
  byPriority.set('6', byPriority.get('6')!.filter((id) => id !== 'i11'));
  r.run(decideMerge(r.state, 'i4', ['i10'], 'm1', now(), FACILITATOR));
  byPriority.set('5', byPriority.get('5')!.filter((id) => id !== 'i10'));
  r.run(decideTransition(r.state, 'voting'));
  // Some ideas draw the hall, most a few dots: popularity falls off with a long, tied tail.
  const weight = new Map([...byPriority.values()].flat().map((id) => [id, rnd() ** 3 + 0.02]));
  for (const participantId of people) {
    for (const list of byPriority.values()) {
      if (rnd() < 0.22) continue;
      const total = list.reduce((n, id) => n + weight.get(id)!, 0);
      for (let tries = 0, placed = 0; placed < DEFAULT_RULES.dotsPerPriority && tries < 12; tries++) {
        let x = rnd() * total;
        const ideaId = list.find((id) => (x -= weight.get(id)!) <= 0) ?? list.at(-1)!;
        if (decidePlaceDot(r.state, participantId, ideaId).ok) {
          r.run(decidePlaceDot(r.state, participantId, ideaId));
          placed++;
        }
      }
    }
  }
  r.run(decideTransition(r.state, 'results'));
  r.run(decidePaperBallots(r.state, 10, now()));
  r.run(decidePaperDots(r.state, 'i7', 6, now(), FACILITATOR));
  r.run(decidePaperDots(r.state, 'i100', 3, now(), FACILITATOR));
  return { state: r.state, ideas: titles, log: r.log };
}

/** A vote-only forum of a shortlist from the evening: its ideas came from there, some got paper stickers. */
export function shortlistForum(evening: ForumState): ForumState {
  const r = new Recorder();
  const brought = [...evening.ideas.values()].filter((i) => i.status === 'active' && i.priorityCode === '5').slice(0, 4);
  r.apply(
    creationEvents(
      'shortlist',
      '573920',
      {
        title: 'Житомир 2030: голосування за короткий список',
        structure: evening.structure,
        rules: { ...DEFAULT_RULES },
        admission: 'open',
        voteOnly: true,
        basedOn: { forumId: evening.id, title: evening.title },
        ideas: brought.map((i) => ({
          priorityCode: i.priorityCode,
          goalCode: i.goalCode,
          title: i.title,
          description: i.description,
          place: i.place,
          author: i.paperAuthor,
          origin: { forumId: evening.id, forumTitle: evening.title, ideaId: i.id },
        })),
      },
      Date.UTC(2026, 11, 3, 16),
    ),
  );
  r.run(decideJoin(r.state, { code: '573920', name: 'Олена Коваль', participantId: 'v1', tokenHash: 'hash-v1', at: Date.UTC(2026, 11, 3, 17) }));
  const ideaIds = [...r.state.ideas.keys()];
  r.run(decidePlaceDot(r.state, 'v1', ideaIds[0]));
  r.run(decideTransition(r.state, 'results'));
  r.run(decidePaperBallots(r.state, 5, Date.UTC(2026, 11, 3, 19)));
  r.run(decidePaperDots(r.state, ideaIds[1], 2, Date.UTC(2026, 11, 3, 19), FACILITATOR));
  return r.state;
}
