// Ukrainian: the messages only the server words, which no page downloads: the notices it sends to
// phones already worded, and the pages and pictures it writes itself (the forum chooser, the
// tickets sheet, the entrance poster, the public results page, the result pictures and the
// printable report). The server has them through all.ts.

import type { CatalogueOf, PluralForms } from '../uk.js';

export const uk = {
  // ------------------------------------------------------------ forum chooser (the server’s own address)
  'chooser.title': 'Оберіть свій форум',
  'chooser.none': 'Зараз немає відкритого форуму. Запитайте ведучого, яку адресу відкрити.',

  // ------------------------------------------------------------ notices to phones
  'notice.DOTS_REFUNDED': {
    one: 'Ідею «{title}» у пріоритеті «{priority}» приховано, тож {count} вашу крапку повернуто.',
    few: 'Ідею «{title}» у пріоритеті «{priority}» приховано, тож {count} ваші крапки повернуто.',
    many: 'Ідею «{title}» у пріоритеті «{priority}» приховано, тож {count} ваших крапок повернуто.',
    other: 'Ідею «{title}» у пріоритеті «{priority}» приховано, тож {count} ваших крапки повернуто.',
  },
  'notice.IDEA_HIDDEN': 'Модератор приховав вашу ідею «{title}». Причина: {reason}',
  'notice.IDEA_RESTORED': 'Вашу ідею «{title}» знову показано.',
  'notice.IDEA_MERGED': 'Вашу ідею «{title}» об’єднано з подібною: «{into}». Ви лишаєтеся її автором.',
  'notice.DOTS_MOVED': {
    one: 'Подібні ідеї об’єднано: {count} ваша крапка тепер на ідеї «{into}».',
    few: 'Подібні ідеї об’єднано: {count} ваші крапки тепер на ідеї «{into}».',
    many: 'Подібні ідеї об’єднано: {count} ваших крапок тепер на ідеї «{into}».',
    other: 'Подібні ідеї об’єднано: {count} ваших крапки тепер на ідеї «{into}».',
  },
  'notice.MERGE_REFUNDED': {
    one: 'Подібні ідеї об’єднано в «{into}», і на ній у вас вийшло б більше крапок, ніж дозволено: {count} крапку повернуто, її можна поставити знову в пріоритеті «{priority}».',
    few: 'Подібні ідеї об’єднано в «{into}», і на ній у вас вийшло б більше крапок, ніж дозволено: {count} крапки повернуто, їх можна поставити знову в пріоритеті «{priority}».',
    many: 'Подібні ідеї об’єднано в «{into}», і на ній у вас вийшло б більше крапок, ніж дозволено: {count} крапок повернуто, їх можна поставити знову в пріоритеті «{priority}».',
    other: 'Подібні ідеї об’єднано в «{into}», і на ній у вас вийшло б більше крапок, ніж дозволено: {count} крапки повернуто, їх можна поставити знову в пріоритеті «{priority}».',
  },
  'notice.MERGE_UNDONE': 'Об’єднання з ідеєю «{into}» скасовано: ідеї й крапки повернулися на свої місця.',
  'notice.IDEA_CORRECTED': 'Модератор виправив текст вашої ідеї «{title}».',
  'notice.VOIDED': 'Фасилітатор анулював вашу участь. Причина: {reason}',
  'notice.JOIN_REFUSED': 'Фасилітатор не підтвердив ваше приєднання. Якщо ви в залі, підійдіть до фасилітатора.',

  // ------------------------------------------------------------ tickets sheet
  'tickets.title': { one: '{count} квиток', few: '{count} квитки', many: '{count} квитків', other: '{count} квитка' },
  'tickets.number': 'Квиток учасника № {number}',
  'tickets.how': 'Відскануйте QR-код телефоном або відкрийте адресу й введіть код:',
  'tickets.code': 'Код квитка',
  'tickets.once': 'Один квиток — один голос: він прив’язується до першого телефона.',
  'tickets.print': 'Друкувати',
  'tickets.printHint': 'Формат A4, масштаб 100 %. Розріжте аркуш по пунктиру.',
  'tickets.none': 'Квитків ще немає. Створіть їх на пульті фасилітатора.',

  // ------------------------------------------------------------ public results page
  'public.pageTitle': 'Результати — {title}',
  'public.lead': 'Результати голосування крапками за ідеї проєктів, пріоритет за пріоритетом.',
  'public.phase.results': 'Результати оголошують по черзі. Оновіть сторінку, щоб побачити щойно оголошені.',
  'public.phase.closed': 'Форум завершено. Дякуємо всім учасникам!',
  'public.turnout': 'Явка',
  'public.participants': 'Учасників із голосом',
  'public.voted': 'Проголосували',
  'public.revealed': 'Оголошено пріоритетів',
  'public.revealedOf': '{revealed} з {total}',
  'public.notYet': 'Ще не оголошено.',
  'public.noIdeas': 'У цьому пріоритеті немає ідей.',
  'public.check.heading': 'Як перевірити результати',
  'public.check.hash': 'Відбиток результатів (SHA-256)',
  'public.check.what':
    'Той самий відбиток показано на екрані в залі й надруковано в експорті. Його рахують із канонічного документа результатів (формат viche-results/1): рейтинги всіх пріоритетів із крапками й прихильниками, без імен і часу. Зміниться хоч одна крапка — зміниться й відбиток.',
  'public.check.final':
    'Усі пріоритети оголошено, тож відбиток остаточний. Канонічний документ — поле «canonical» у файлі {json}. Збережіть його текст як є (UTF-8, без переведення рядка в кінці) і порахуйте SHA-256, наприклад: {command}. Результат має збігтися з відбитком вище.',
  'public.check.notFinal':
    'Відбиток стане остаточним, коли буде оголошено всі пріоритети: доти до неоголошених ще можуть додати наліпки з паперових стін. Тоді тут з’явиться й документ для перевірки.',
  'public.check.organisers': 'Організатори перераховують відбиток із бази даних форуму або з експорту командою {command}.',
  'public.json': 'Ці самі дані для програм: {json}.',
  'public.notPublished': 'Результати ще не оприлюднено.',
  'public.notPublishedHelp': 'Фасилітатор оприлюднить їх тут після оголошення в залі. Зазирніть пізніше.',

  // ------------------------------------------------------------ entrance poster
  'poster.pageTitle': 'Плакат для входу — {title}',
  'poster.lead': 'Пропонуйте ідеї й голосуйте з власного телефона',
  'poster.scan': 'Наведіть камеру телефона на QR-код або відкрийте в браузері:',
  'poster.code': 'Код форуму',
  'poster.codeInQr': 'У QR-коді код уже є: лишається натиснути «Приєднатися».',
  'poster.codeHall': 'Код — на екрані в залі',
  'poster.codeHallHelp': 'Він змінюється кожні 30 секунд: вводьте той, що на екрані зараз.',
  'poster.codeTickets': 'Код — на вашому квитку',
  'poster.codeTicketsHelp': 'Відскануйте QR-код на квитку, і код введеться сам.',
  'poster.steps': 'Як долучитися',
  'poster.step.wifi': 'Під’єднайтеся до Wi-Fi зали.',
  'poster.step.open': 'Відскануйте QR-код або введіть адресу в браузері.',
  'poster.step.join.open': 'Натисніть «Приєднатися»: ім’я можна не вказувати.',
  'poster.step.join.hall': 'Введіть код з екрана й натисніть «Приєднатися».',
  'poster.step.join.tickets': 'Введіть код із квитка й натисніть «Приєднатися».',
  'poster.printHint': 'Формат A4, книжкова орієнтація, масштаб 100 %.',
  'poster.qrAlt': 'QR-код адреси {url}',

  // ------------------------------------------------------------ result pictures
  'chart.title': 'Пріоритет {code} «{title}»: рейтинг ідей',
  'chart.sub': 'Рейтинг ідей за кількістю крапок',
  'chart.subPaper': 'Рейтинг ідей за крапками: телефони й паперові наліпки разом',
  'chart.row': '{rank}. {title} — {dots}',
  'chart.moreAt': {
    one: 'Ще {count} ідея на місці {rank}',
    few: 'Ще {count} ідеї на місці {rank}',
    many: 'Ще {count} ідей на місці {rank}',
    other: 'Ще {count} ідеї на місці {rank}',
  },
  'chart.moreRanks': {
    one: 'Ще {count} ідея на місцях {from}–{to}',
    few: 'Ще {count} ідеї на місцях {from}–{to}',
    many: 'Ще {count} ідей на місцях {from}–{to}',
    other: 'Ще {count} ідеї на місцях {from}–{to}',
  },
  'chart.turnout': 'Учасників: {joined} · проголосували: {voted} · у цьому пріоритеті: {votedHere}',
  'chart.hash': 'SHA-256 результатів: {hash}… (перевірка: npm run verify)',
  'chart.notRevealed': 'Пріоритет «{title}» ще не оголошено в залі: картинку можна зробити лише для оголошеного пріоритету.',
  'chart.badSize': 'Невідомий розмір картинки. Можна: {sizes}.',

  // ------------------------------------------------------------ printable report
  'report.title': 'Звіт про результати форуму',
  'report.print': 'Друкувати або зберегти PDF',
  'report.printHint': 'У вікні друку виберіть принтер або «Зберегти як PDF», формат A4. Ця смуга на папір не потрапить.',
  'report.madeAt': 'Складено {date} о {time}',
  'report.phase': 'етап: {phaseName}',
  'report.revealed': 'оголошено в залі пріоритетів: {revealed} з {total}',
  'report.noNames': 'Версія для оприлюднення: без імен авторів.',
  'report.turnout': 'Явка',
  'report.joined': 'Учасники з голосом',
  'report.voted': 'Проголосували',
  'report.voided': 'Анульовано учасників',
  'report.tree': 'Пріоритети й стратегічні цілі',
  'report.treeHelp': 'Ідеї в рейтингу та крапки (з телефонів і паперові разом) за кожним пріоритетом і кожною стратегічною ціллю; приховані ідеї не враховано.',
  'report.col.code': 'Код',
  'report.col.name': 'Пріоритет / стратегічна ціль',
  'report.col.ideas': 'Ідей',
  'report.col.dots': 'Крапок',
  'report.col.voted': 'Проголосували',
  'report.col.shown': 'Оголошено',
  'report.shown': 'так',
  'report.notShown': 'ні',
  'report.noGoal': 'Без стратегічної цілі',
  'report.notShownWarning': 'Цей рейтинг у залі не оголошували. Він лише для організаторів: не оприлюднюйте його, доки його не оголошено.',
  'report.priorityFigures': 'Ідей у рейтингу: {ranked} · проголосували в цьому пріоритеті: {voted}',
  'report.topIdeas': 'Найкращі ідеї',
  'report.phoneDots': 'з телефонів: {phone}',
  'report.paperDots': 'на папері: {paper}',
  'report.where': 'Де',
  'report.author': 'Автор',
  'report.paperCard': 'паперова картка',
  'report.shortlisted': 'з короткого списку форуму «{title}»',
  'report.mergedFrom': 'Об’єднано з',
  'report.rest': 'Решта рейтингу ({more}) — у файлах XLSX і CSV.',
  'report.hiddenHere': 'Приховано ідей: {hidden}.',
  'report.moderation': 'Модерація',
  'report.mod.hidden': 'Приховано ідей',
  'report.mod.merged': 'Ідей об’єднано з подібними',
  'report.mod.corrected': 'Ідей виправлено',
  'report.mod.voided': 'Анульовано учасників',
  'report.mod.paperCards': 'Паперових карток внесено',
  'report.mod.paperDots': 'Паперових наліпок зараховано',
  'report.mod.log': 'Записів у журналі модерації',
  'report.moderationHelp': 'Увесь журнал — хто, коли, що й чому змінив — є у файлах CSV, XLSX і JSON.',
  'report.hash': 'Контрольна сума результатів',
  'report.hashHelp':
    'Це SHA-256 канонічного документа результатів: рейтинги, крапки, прихильники, правила й явка, без імен і часу. Будь-хто з копією бази форуму або JSON-експорту може перерахувати її й порівняти:',
  'report.hashJson': 'Замість бази можна дати JSON-експорт: npm run verify файл.json. Збіг означає, що результати ті самі; розбіжність команда покаже рядок за рядком.',
} satisfies Record<string, string | PluralForms>;

export type ServerCatalogue = CatalogueOf<typeof uk>;
