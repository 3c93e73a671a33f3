// Ukrainian: the staff page of a city vote's service point (client/staff/): checking a resident in
// person, helping them fill the ballot, and typing in paper ballots. Only that page registers
// this part; the server words its refusals from the city part.

import type { CatalogueOf } from '../uk.js';

export const uk = {
  'staff.title': 'Пункт голосування',
  'staff.who': '{name} · {point}',
  'staff.noKey': 'Відкрийте сторінку за посиланням, яке видав організатор голосування.',
  'staff.badLink': 'Посилання недійсне або доступ відкликано. Зверніться до організатора голосування.',
  'staff.revoked': 'Ваш доступ відкликав організатор. Ця сторінка більше не приймає бюлетенів.',
  'staff.notOpen': 'Голосування зараз не відкрите: бюлетені приймають лише під час голосування.',
  'staff.closed': 'Голосування завершено. Бюлетені більше не приймаються.',
  'staff.noIdentity': 'У цьому голосуванні не визначено, як особа підтверджує, хто вона. Зверніться до організатора.',
  'staff.offline': 'Немає зв’язку з сервером. Нічого не надіслано: дочекайтеся зв’язку й повторіть.',
  'staff.channel': 'Спосіб голосування',
  'staff.channel.service-point': 'Допомога на місці',
  'staff.channel.paper': 'Паперовий бюлетень',
  'staff.step.check': '1. Перевірка особи',
  'staff.step.ballot': '2. Бюлетень',
  'staff.checkHelp.service-point': 'Перевірте документ мешканця особисто й введіть його дані. Номер не зберігається: лише його ключований відбиток.',
  'staff.checkHelp.paper': 'Введіть дані особи з паперового бюлетеня. Номер не зберігається: лише його ключований відбиток.',
  'staff.document': 'Який документ перевірено',
  'staff.document.passport': 'Паспорт',
  'staff.document.id-card': 'ID-картка',
  'staff.document.residence-permit': 'Посвідка на проживання',
  'staff.document.other': 'Інший документ',
  'staff.chooseDocument': 'Позначте, який документ ви перевірили.',
  'staff.code': 'Код виборця (16 знаків з листа)',
  'staff.number': 'Номер документа',
  'staff.fact': 'Рік народження',
  'staff.check': 'Перевірити',
  'staff.checking': 'Перевіряємо…',
  'staff.mayVote': 'Ця особа може голосувати.',
  'staff.votedHere': 'Уже проголосувала тут у бюджетах: {budgets}.',
  'staff.allVoted': 'Ця особа вже проголосувала в усіх бюджетах. Інших бюлетенів не приймаємо.',
  'staff.ballotHelp.service-point': 'Мешканець обирає сам; ви допомагаєте прочитати й позначити. Бюлетень остаточний: після надсилання його не змінити.',
  'staff.ballotHelp.paper': 'Перенесіть позначки з паперового бюлетеня точно так, як їх зроблено. Бюлетень остаточний.',
  'staff.cast': 'Прийняти бюлетень',
  'staff.casting': 'Надсилаємо…',
  'staff.accepted': 'Бюлетень прийнято: {budget}',
  'staff.receiptHelp': 'Передайте код квитанції мешканцеві: за ним після завершення голосування він знайде свій бюлетень серед оприлюднених.',
  'staff.next': 'Наступний мешканець',
  'staff.budgetDone': 'У цьому бюджеті бюлетень уже прийнято.',
} as const;

export type StaffCatalogue = CatalogueOf<typeof uk>;
