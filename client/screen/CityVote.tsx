// The projector in a city vote: no dots nor priorities to show, and no counts before the close.
// The vote's title and rules, its budgets with their amounts; while it is open, the QR and address
// to vote by (the hall's join box, given by the page); once closed, where its results are.

import type { ReactNode } from 'react';
import type { CityVote } from '../../shared/city/vote.js';
import { en as cityEn } from '../../shared/i18n/city/en.js';
import { uk as cityUk } from '../../shared/i18n/city/uk.js';
import { registerCatalogue } from '../../shared/i18n/index.js';
import type { ScreenView } from '../../shared/protocol.js';
import { useLang, useT } from '../lib/i18n.js';

registerCatalogue({ uk: cityUk, en: cityEn });

export function CityVoteSlide({ view, vote, join, resultsAt }: { view: ScreenView; vote: CityVote; join: ReactNode; resultsAt: string }) {
  const t = useT();
  const lang = useLang((s) => s.lang);
  const phase = view.forum.phase;
  const open = phase === 'voting';
  const closed = phase === 'results' || phase === 'closed';
  const money = (amount: number) => t('city.money', { amount: new Intl.NumberFormat(lang === 'uk' ? 'uk-UA' : 'en-GB').format(amount) });
  const rule = vote.ballot;
  return (
    <div className="slide city-vote">
      <section className="city-vote-about">
        <h2>{vote.title}</h2>
        <p className="city-vote-rule">
          {rule.kind === 'approval' ? t('city.rules.approval', { max: rule.maxChoices }) : rule.kind === 'points' ? t('city.rules.points', { points: rule.points, max: rule.maxPerProject }) : t('city.rules.knapsack')}
        </p>
        <h3>{t('city.screen.budgets')}</h3>
        <ul className="city-vote-budgets">
          {vote.budgets.map((b) => (
            <li key={b.id}>
              <span className="city-vote-budget-name">{b.name}</span> <strong>{money(b.amount)}</strong>
              <span className="city-vote-budget-count">{t('city.screen.budget', { count: vote.projects.filter((p) => p.budgetId === b.id).length })}</span>
            </li>
          ))}
        </ul>
        {!open && <p className="city-vote-state">{closed ? t('city.closed') : t('city.notOpen')}</p>}
        {closed && view.forum.publicResults && <p className="city-vote-state">{t('city.screen.resultsAt', { address: resultsAt })}</p>}
      </section>
      {open && (
        <section className="city-vote-join" aria-label={t('city.screen.vote')}>
          <p className="city-vote-call">{t('city.screen.vote')}</p>
          {join}
        </section>
      )}
    </div>
  );
}
