// Ukrainian, the source catalogue: the core, the messages a phone or the projector can show (the
// console shows them too). The console's own messages are in console/uk.ts, and those only the
// server words in server/uk.ts; index.ts says how a page gets which. Plural entries have the forms
// Intl.PluralRules gives for Ukrainian: one (1, 21), few (2–4, 22–24), many (0, 5–20, 25…), other
// (fractions).

export interface PluralForms {
  one: string;
  few?: string;
  many?: string;
  other: string;
}

/** What another language must give for each key of a Ukrainian part: a string, or plural forms. */
export type CatalogueOf<T> = { [K in keyof T]: T[K] extends string ? string : PluralForms };

export const uk = {
  // ------------------------------------------------------------ refusals the phone words itself
  // Every other refusal reaches a phone already worded by the server (console/uk.ts has them all).
  'err.TEXT_REQUIRED': 'Заповніть поле «{fieldName}».',
  'err.UNKNOWN_PRIORITY': 'Такого пріоритету немає.',
  'err.TIMEOUT': 'Сервер не відповів. Перевірте Wi-Fi і спробуйте ще раз.',
  'field.title': 'Назва',

  // ------------------------------------------------------------ phases
  'phase.lobby': 'Збір учасників',
  'phase.ideas': 'Подання ідей',
  'phase.review': 'Модерація',
  'phase.voting': 'Голосування',
  'phase.results': 'Результати',
  'phase.closed': 'Форум завершено',

  // ------------------------------------------------------------ counts
  'count.ideas': { one: '{count} ідея', few: '{count} ідеї', many: '{count} ідей', other: '{count} ідеї' },
  'count.dots': { one: '{count} крапка', few: '{count} крапки', many: '{count} крапок', other: '{count} крапки' },
  'count.supporters': {
    one: '{count} прихильник',
    few: '{count} прихильники',
    many: '{count} прихильників',
    other: '{count} прихильника',
  },
  'count.dotsLeft': {
    one: 'Залишилася {count} крапка',
    few: 'Залишилося {count} крапки',
    many: 'Залишилося {count} крапок',
    other: 'Залишилося {count} крапки',
  },
  'count.ideasLeft': {
    one: 'Можна подати ще {count} ідею',
    few: 'Можна подати ще {count} ідеї',
    many: 'Можна подати ще {count} ідей',
    other: 'Можна подати ще {count} ідеї',
  },
  'unit.ideas': { one: 'ідея', few: 'ідеї', many: 'ідей', other: 'ідеї' },
  'unit.dots': { one: 'крапка', few: 'крапки', many: 'крапок', other: 'крапки' },
  'unit.participants': { one: 'учасник', few: 'учасники', many: 'учасників', other: 'учасника' },
  // The genitive after «до»: до 1 крапки, до 2 крапок, до 5 крапок, до 21 крапки.
  'count.dotsUpTo': { one: '{count} крапки', few: '{count} крапок', many: '{count} крапок', other: '{count} крапки' },

  // ------------------------------------------------------------ common
  'app.name': 'Віче',
  'common.language': 'English',
  'common.languageLabel': 'Switch to English',
  'common.offline': 'Немає зв’язку з сервером. Ваші дії збережуться, щойно зв’язок повернеться.',
  'common.loading': 'Завантаження…',
  'common.saved': 'Збережено',
  'common.saving': 'Зберігаємо…',
  'common.notSaved': 'Не збережено: {message}',
  'common.cancel': 'Скасувати',
  'common.save': 'Зберегти',
  'common.close': 'Закрити',
  'common.noGoal': 'Без цілі',
  'common.outdated': 'Вийшла нова версія сторінки. Оновіть її.',
  'common.reload': 'Оновити',

  // ------------------------------------------------------------ phone
  'phone.title': 'Віче — ваш голос',
  'phone.join.heading': 'Приєднатися до форуму',
  'phone.join.code': 'Код форуму (6 цифр на екрані)',
  'phone.join.name': 'Ваше ім’я (необов’язково)',
  'phone.join.nameHint': 'Ім’я побачать інші учасники поруч із вашими ідеями, а організатори — у підсумках форуму. Можна лишити порожнім.',
  'phone.join.submit': 'Приєднатися',
  'phone.join.joining': 'Приєднуємо…',
  'phone.name.add': 'Додати ім’я',
  'phone.name.change': 'Змінити ім’я',
  'phone.hello': 'Вітаємо, {name}!',
  'phone.helloAnon': 'Вітаємо на форумі!',
  'phone.lobby': 'Форум скоро почнеться. Коли фасилітатор відкриє подання ідей, тут з’явиться форма.',
  'phone.ideas.heading': 'Запропонуйте ідею проєкту',
  'phone.ideas.priority': 'Пріоритет',
  'phone.ideas.choosePriority': '— оберіть пріоритет —',
  'phone.ideas.goal': 'Стратегічна ціль (необов’язково)',
  'phone.ideas.goalTasks': 'Що вже заплановано в цій цілі ({count})',
  'phone.ideas.title': 'Назва ідеї',
  'phone.ideas.description': 'Короткий опис (необов’язково)',
  'phone.ideas.place': 'Де саме? (необов’язково)',
  'phone.ideas.submit': 'Надіслати ідею',
  'phone.ideas.limitReached': 'Ви подали найбільшу кількість ідей. Можна змінити або відкликати подані.',
  'phone.ideas.mine': 'Мої ідеї',
  'phone.ideas.none': 'Ви ще не подали жодної ідеї.',
  'phone.ideas.edit': 'Змінити',
  'phone.ideas.withdraw': 'Відкликати',
  'phone.ideas.withdrawConfirm': 'Відкликати ідею «{title}»?',
  'phone.ideas.hidden': 'Приховано модератором: {reason}',
  'phone.ideas.saved': 'Ідею збережено',
  'phone.ideas.withdrawn': 'Ідею відкликано',
  'phone.ideas.others': 'Ідеї інших учасників',
  'phone.review': 'Модератори переглядають ідеї. Голосування почнеться незабаром.',
  'phone.voting.heading': 'Голосування крапками',
  'phone.voting.help':
    'У кожному пріоритеті у вас {dots}. На одну ідею можна поставити до {cap}. Змінювати вибір можна до кінця голосування.',
  'phone.voting.remove': 'Зняти крапку',
  'phone.voting.mine': 'Ваші крапки: {count}',
  'phone.voting.noIdeas': 'У цьому пріоритеті немає ідей.',
  'phone.voting.addLabel': 'Додати крапку ідеї «{title}»',
  'phone.voting.removeLabel': 'Зняти крапку з ідеї «{title}»',
  'phone.results.heading': 'Результати',
  'phone.results.more': { one: 'І ще {count} ідея нижче в рейтингу; повний рейтинг мають організатори.', few: 'І ще {count} ідеї нижче в рейтингу; повний рейтинг мають організатори.', many: 'І ще {count} ідей нижче в рейтингу; повний рейтинг мають організатори.', other: 'І ще {count} ідеї нижче в рейтингу; повний рейтинг мають організатори.' },
  'phone.results.morePublic': { one: 'І ще {count} ідея нижче в рейтингу: повний рейтинг — на сторінці результатів.', few: 'І ще {count} ідеї нижче в рейтингу: повний рейтинг — на сторінці результатів.', many: 'І ще {count} ідей нижче в рейтингу: повний рейтинг — на сторінці результатів.', other: 'І ще {count} ідеї нижче в рейтингу: повний рейтинг — на сторінці результатів.' },
  'phone.results.publicLink': 'Відкрити сторінку результатів',
  'phone.results.publicHint': 'Там усі оголошені рейтинги повністю; сторінку можна зберегти чи надіслати.',
  'phone.results.waiting': 'Голосування завершено. Результати з’являться, щойно фасилітатор їх покаже.',
  'phone.closed': 'Форум завершено. Дякуємо за участь!',
  'phone.place': 'Місце: {place}',
  'phone.by': 'Автор: {name}',
  'phone.join.codeHall': 'Код з екрана (6 цифр, змінюється кожні 30 с)',
  'phone.join.codeTickets': 'Код із вашого квитка (10 цифр)',
  'phone.waiting.heading': 'Майже готово',
  'phone.waiting.text': 'Чекаємо, поки фасилітатор вас підтвердить.',
  'phone.waiting.hint': 'Не закривайте сторінку: щойно вас підтвердять, бюлетень з’явиться тут сам, сканувати код знову не треба.',
  'phone.joinRefused.heading': 'Приєднання не підтверджено',
  'phone.joinRefused.again': 'Спробувати ще раз',
  'phone.voided.heading': 'Вашу участь анульовано',
  'phone.voided.text':
    'Фасилітатор анулював участь цього пристрою: ваші крапки знято, а ідеї приховано. Причина: {reason}. Якщо це помилка, зверніться до фасилітатора.',
  'phone.offline': 'Немає зв’язку. Ваші натискання збережено й буде надіслано, щойно зв’язок повернеться.',
  'phone.voting.steps': 'Пріоритети голосування',
  'phone.voting.next': 'Далі: {title}',
  'phone.voting.nextSummary': 'Далі: мої крапки',
  'phone.voting.allSteps': 'До всіх пріоритетів',
  'phone.voting.summary': 'Мої крапки',
  'phone.voting.placed': 'Поставлено крапок: {placed} з {total}.',
  'phone.voting.summaryHelp': 'Тут видно, куди пішла кожна ваша крапка. Зняти крапку можна тут або у списку ідей.',
  'phone.voting.summaryNone': 'Тут ви ще не поставили жодної крапки.',
  'phone.voting.openPriority': 'До ідей: {title}',
  'phone.voting.search': 'Пошук серед ідей',
  'phone.voting.searchHint': 'Шукає в назві, описі й місці.',
  'phone.voting.found': 'Знайдено ідей: {shown} з {total}.',
  'phone.voting.notFound': 'Нічого не знайдено. Спробуйте інше слово.',
  'phone.voting.clearSearch': 'Очистити пошук',
  'phone.voting.pending': 'Чекає надсилання',
  'phone.voting.yours': 'Ваша ідея',
  'phone.timer.left': 'Залишилося',
  'phone.timer.over': 'Час вийшов',
  'phone.ideas.merged': 'Об’єднано з подібною ідеєю: ви лишаєтеся її автором.',

  // ------------------------------------------------------------ projector
  'screen.title': 'Віче — екран',
  'screen.join': 'Скануйте QR-код або відкрийте',
  'screen.code': 'Код форуму',
  'screen.joined': 'Приєдналися',
  'screen.newest': 'Нові ідеї',
  'screen.votedOverall': 'Уже проголосували',
  'screen.noTallies': 'Результати буде показано після завершення голосування.',
  'screen.resultsWaiting': 'Результати показуватимемо по черзі, пріоритет за пріоритетом.',
  'screen.closed': 'Дякуємо всім учасникам форуму!',
  'screen.review': 'Модератори переглядають ідеї',
  'screen.codeChanges': 'Код змінюється кожні {seconds} с',
  'screen.tickets': 'Вхід за квитками',
  'screen.ticketsHow': 'Відскануйте QR-код на своєму квитку або відкрийте цю адресу й введіть код із квитка:',
  'screen.noKey': 'Екран відкривається за посиланням із ключем, яке сервер надрукував під час запуску, або з пульта фасилітатора.',
  'screen.badKey': 'Ключ екрана не підходить. Відкрийте посилання з пульта фасилітатора.',
  'screen.final.title': 'Переможці за пріоритетами',
  'screen.final.notYet': 'Ще не оголошено',
  'screen.final.noIdeas': 'Ідей не надійшло',
  'screen.final.noVotes': 'Жодна ідея не отримала крапок',
  'screen.tiedHidden': {
    one: '+{count} ідея з таким самим результатом (місце {rank})',
    few: '+{count} ідеї з таким самим результатом (місце {rank})',
    many: '+{count} ідей з таким самим результатом (місце {rank})',
    other: '+{count} ідеї з таким самим результатом (місце {rank})',
  },
  'screen.rankOf': 'Місце {rank}',
  'screen.rankShared': 'Місце {rank}, спільне з іншими ідеями',
  'screen.revealedOf': {
    one: 'Оголошено {revealed} з {count} пріоритету',
    few: 'Оголошено {revealed} з {count} пріоритетів',
    many: 'Оголошено {revealed} з {count} пріоритетів',
    other: 'Оголошено {revealed} з {count} пріоритету',
  },
  'screen.newestPage': 'Сторінка {page} з {pages}',
  'screen.final.hash': 'Контрольна сума результатів (SHA-256; перевірка: npm run verify):',
  'screen.timer.left': 'Залишилося',
  'screen.timer.over': 'Час вийшов',
} satisfies Record<string, string | PluralForms>;

export type CoreCatalogue = CatalogueOf<typeof uk>;
