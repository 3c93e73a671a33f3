// What a city idea is about, in broad classes: lighting, waste, roads, stops, playgrounds and the
// like. Each class lists the beginnings of the words (stems, Ukrainian, surzhyk and Russian forms)
// that residents use for it, so that "поставити ліхтарі" and "темно ввечері, потрібне освітлення"
// meet on LIGHT though they share no word, and "урни" and "вивіз сміття" on WASTE. Broader than the
// synonym table (synonyms.ts), whose words are one word: here a word only says what a card is
// about, and the duplicate measure (similarity.ts) weighs it apart from the words themselves.
// Written from the language and from what residents propose in a city, not from any labelled card.
// Pure; it ships in the phone's bundle, so it stays a few kilobytes.

// One class a line: its id, then word beginnings (stems as stemming.ts cuts them, so a consonant
// that alternates before -і has its own: дорога / на дорозі, зупинка / на зупинці). A stem belongs to the class of the longest
// beginning it starts with, so a longer beginning can set a word apart from a shorter one
// (світлофор is a crossing's, not light; паркан a fence, not a park; освітл light, освіт school).
// A beginning of "-" is in no class: it only stops a shorter one from matching.
const CLASSES: readonly string[] = [
  'LIGHT ліхтар ліхтарн фонар фонарик освітл освещ світильн світлодіод ламп прожектор підсвіт підсвіч темн темряв світл',
  'WASTE смітт сміттєв смітник смітнич мусор урн урноч контейнер відход звалищ свалк сортув роздільн переробк утиліз вторсировин пластик батарейк компост органічн склотар скло склян пляшк макулатур',
  'CLEAN прибир прибран уборк чистот очист очищ розчист бруд субботник суботник толок',
  'ROAD дорог дорож дороз асфальт ям яма ями ямк ямков вибоїн вибоін покритт проїжджа шлях мост розмітк узбіч',
  'SIDEWALK тротуар тратуар пішохідн пішоход бордюр поребрик плитк бруківк брусчатк',
  'BIKE вело велосипед ровер байк',
  'SCOOTER самокат електросамокат',
  'PARKING парковк паркінг паркув паркомісц стоянк автостоянк',
  'CAR авто автомобіл машин воді',
  'STOP зупинк зупинц зупинок остановк остановц павільйон навіс накритт кінцев',
  'TRANSIT автобус тролейбус троллейбус трамва маршрутк електробус транспорт рейс інтервал пасажир такс розклад автостанц автовокзал',
  'FARE квиток білет валідатор проїзд проїзн оплат безготівк безконтакт картк термінал',
  'CROSSING перехід переход зебр світлофор светофор острівц',
  'TRAFFIC затор пробк корок швидк дтп аварі лежач нерівн горб ганя',
  'PARK парк сквер алея алей набережн лісопарк',
  'GREEN дерев деревц озелен насаджен клумб квіт квітник газон трав кущ саджан висад посад зелен насадж каштан вируб рубк руба',
  'PLAYGROUND дитяч гойдалк гойдалц качел гірк гірц пісочниц песочниц ігров',
  'SPORT спорт стадіон воркаут турнік тренажер футбол баскетбол волейбол тенніс теніс корт бігов біг пробіж фітнес спортзал качалк скейт басейн бассейн плав марафон забіг тренув шахов шахіст шахмат кіберспорт турнір змаган скеле',
  'BENCH лавк лавц лавоч лавочц скамейк скамійк лавиц сидінн альтанк беседк',
  'TOILET туалет вбиральн убиральн санвузол',
  'SHELTER укритт бомбосховищ сховищ підвал тривог',
  'POWER генератор електропостач блекаут відключен електроенерг енергонезалеж сонячн живл резервн панел електростанц відключ',
  'WIFI wifi wi fi вайфай вай фай інтернет хотспот',
  'SCHOOL школ шкіл ліце гімназ учн учнів учител вчител освіт урок клас школяр курс навч лекці лектор тренінг семінар репетит',
  'KINDERGARTEN садок садоч садк дитсад днз',
  'HEALTH лікарн больниц поліклінік амбулатор медич медпункт медзаклад лікар врач аптек аптец здоров пацієнт терапевт педіатр реабіліт стоматолог зуб вакцин донор реєстратур медсестр щепл',
  'ANIMALS собак собач пес псів пса псам вигул тварин безпритульн бродяч притул приют кіт коти котів кішк ветерин ветлікарн ветклінік чип чіп стерилізац',
  'WATER водопостач водопровід водогін колонк бювет питн каналізац ливнівк ливневк злив калюж підтоплен водовідвед підтопл вод труб водоканал кран порив',
  'HEAT опален отоплен тепл котельн утеплен енергоефект термомодерн мерзн холод гаряч бойлер батаре перетоп ітп теплопостач утепл опал отопл',
  'ACCESS пандус безбар інклюзив доступн маломобільн інвалід візок візоч коляск колясц тактильн незряч сліп глух жестов сурдо слабочу заїзд слабозор зор брайл рамп підйомник низькопідлог візочник колясочник',
  'CAMERA відеонагляд відеокамер камер',
  'SAFETY поліц поліцейськ патрул безпек охорон хуліган злочин пян алкогол нарко',
  'YARD двір двор подвір дворик прибудинков підїзд парадн осбб дах покрівл криш гараж',
  'CULTURE культур бібліотек бібліотец книгозбірн книг книжк музе театр кіно кінотеатр концерт фестивал виставк мистецтв мистецьк галере',
  'YOUTH молод підліт студент хаб коворк гурт секці настолк дозвілл',
  'ELDER пенсіонер літн сеніор бабус дідус похил',
  'MARKET ринок ринк базар ярмар торгів торгов кіоск маф ларьок ятк прилавк магазин крамниц фермер ремесл',
  'TOURISM турист туризм екскурс інфоцентр інфопункт тіц путівник сувенір вказівник навігац визначн памятк гастро аудіогід хостел готел',
  'DIGITAL застосун додаток додатк приложен сайт вебсайт портал онлайн електронн цифров бот мобільн смартфон гаджет ґаджет телеграм вайбер чат телефон qr трансляц датчик сенсор монітор ноутбук',
  'NOISE шум галас тиш',
  'ART мурал графіті розпис розмал',
  'FENCE паркан огорож забор',
  'SNOW сніг снігу снігоприбир ожеледиц гололід гололед посипан посип',
  'STAIRS сход лестниц сходинк ступеньк',
  'RIVER пляж річк річц водойм ставок ставк озер купан берег узбереж русл водорост човн човен катер каяк байдарк весл гребн',
  'HOUSING багатоповерх багатоквартирн висотк панельк гуртожит общаг ліфт лифт житл квартир модульн поверх домофон',
  // Kinds of project the first tuning set's cards rarely showed, written from the language: a
  // city's services, business, the people a project is for, its budget.
  'ADMIN цнап адмінпослуг адміністративн адміністратор довідк паспорт реєстрац прописк субсиді послуг',
  'BUSINESS бізнес підприєм фоп стартап інкубатор грант мікрогрант фрилан кредит',
  'INDUSTRY індустріальн промисл промзон завод інвест виробництв',
  'IT it айті програмув програміст кодит кодув робототехн python компютер stem лаборатор 3д 3d принтер',
  'IDP переселен впо переміщен біженц окупован',
  'VETERAN ветеран військов захисник фронт демобіліз поранен бійц воїн',
  'FOOD їж фуд фудкорт кафе кавярн ресторан харчув обід їдальн столов кухн меню сніданк',
  'JOBS робот роботодав працевлашт ваканс безробіт підробіт перенавч профорієнт карєр',
  // Whole domains of what residents propose that the classes above left out, each with the
  // everyday, official and surzhyk words for it, written from the language: so that an idea in
  // words no tuning card used still meets its paraphrase on what it is about.
  'SOCIAL соціальн соцпрацівн соцзахист малозабезпеч малоімущ нужденн бездомн безхатьк нічліжк пральн гуманітар самотн одинок догляд переноч',
  'MEMORIAL памят меморіал загибл полегл геро увічн',
  'AIR повітр забрудн викид смог дим',
  'WILDLIFE птах пташ птиц шпаків годівн білк комах бджіл бджол їжак',
  'EV електромоб електрокар зарядк зарядн',
  'COUNCIL депутат міськрад виборц округ звіт петиці',
  'ADS реклам оголош білборд бігборд вивіск',
  'BUDGET бюджет витрат видатк прозор податк закупів тендер',
  // More beginnings for the classes above, and a few classes more, from the language and from
  // what residents propose (a class may take more than one line).
  'TRANSIT бус рогат тролик маршрутн зупиночн пересадк кондуктор',
  'ROAD латк залат латан грейдер щебен щебін',
  'CROSSING перехрест розвязк кільц острівок',
  'TRAFFIC сповільнювач штучн знак',
  'WATER напір напор насос підкачк водичк водн',
  'WASTE пакет кульк кульок поліетилен сміттєвоз мусоровоз бак бач',
  'GREEN обрізк кронув спил аварійн бурян амброз покіс косін скошув тополь клен дуб сакур',
  'SPORT каток ковзан лиж хокей бокс йог гімнаст атлет велоспорт',
  'CULTURE вистав спектакл ляльков оркестр естрад кінопоказ фільм хор літератур поет',
  'HEALTH хоспіс паліатив дефібрил медицин медик госпітал шпитал діагност онколог',
  'SAFETY міліц наброд бійк бомж грабіж крадіж вандал',
  'HOUSING девятиповерх хрущов підйомн',
  'DIGITAL апк апп табло gps джипіес дія',
  'COUNCIL мері виконком депутатськ сесі',
  'FOUNTAIN фонтан',
  'HEAT енергозбер енергоощад',
  'POWER незламн обігрів',
  'COUNCIL засідан',
  'DIGITAL стрім',
  'WASTE стихійн несанкціонован',
  'TRANSIT перевізн підвіз підвез',
  'ANIMALS намордн повідк повідок собачник',
  'FIRE пожеж гідрант пожежн рятувальн',
  'CEMETERY кладовищ цвинтар',
  // Beginnings that would otherwise fall into a class they are not of.
  '- ботан травм',
];

const BEGINNINGS = new Map<string, string>();
let longest = 0;
for (const line of CLASSES) {
  const [id, ...beginnings] = line.split(' ');
  for (const beginning of beginnings) {
    // A beginning in two classes would be read as the later one's alone, unseen.
    if (BEGINNINGS.has(beginning)) throw new Error(`concepts.ts: "${beginning}" is in two classes`);
    BEGINNINGS.set(beginning, id);
    longest = Math.max(longest, beginning.length);
  }
}

/** Class beginnings are at least this long: shorter ones would match half the language. */
const SHORTEST = 2;

/** The class a stem (stemming.ts) is about, or undefined when it names none. */
export function conceptClassOf(stem: string): string | undefined {
  for (let n = Math.min(longest, stem.length); n >= SHORTEST; n--) {
    const id = BEGINNINGS.get(stem.slice(0, n));
    if (id !== undefined) return id === '-' ? undefined : id;
  }
  return undefined;
}

/** The classes, for tests: each id and its beginnings. */
export function conceptClasses(): Map<string, string[]> {
  const classes = new Map<string, string[]>();
  for (const [beginning, id] of BEGINNINGS) classes.set(id, [...(classes.get(id) ?? []), beginning]);
  return classes;
}
