// `BENCH_ONLY=votercodes npm run bench` (or `npx tsx scripts/bench-voter-codes.ts`): how fast a city
// vote's voter codes are made and checked. A batch of BENCH_VOTER_CODES (100,000) issued through a
// real server (the command's ack: the log records only the serials), then its CSV downloaded over
// HTTP (the codes worked out in the documents' worker), a printable sheet of 2,000 cards (QR codes
// included) built the same way, and, in this process, every code worked out and checked again.

import { PersonKeys } from '../server/forum/persons.js';
import { startCityVote } from '../server/test/cityVote.js';
import { ok } from '../server/test/harness.js';

const COUNT = Number(process.env.BENCH_VOTER_CODES ?? 100_000);

const ms = (since: number) => `${(performance.now() - since).toFixed(0)} ms`;

export async function benchVoterCodes(): Promise<void> {
  console.log(`\n## Voter codes: a batch of ${COUNT.toLocaleString('en')}`);
  const city = await startCityVote();
  try {
    ok(await city.admin.send('identity:setMethod', { method: 'codes' }));
    let started = performance.now();
    ok(await city.admin.send('identity:issueCodes', { count: COUNT }));
    console.log(`issued (command to ack): ${ms(started)}`);

    const headers = { 'x-facilitator-key': city.server.facilitatorKey };
    started = performance.now();
    const csv = await (await fetch(`${city.server.url}/f/${city.vote.slug}/console/voter-codes.csv`, { headers })).text();
    const rows = csv.trim().split('\r\n').length - 1;
    console.log(`CSV over HTTP: ${rows.toLocaleString('en')} codes, ${(csv.length / 1e6).toFixed(1)} MB, ${ms(started)}`);

    started = performance.now();
    const sheet = await (await fetch(`${city.server.url}/f/${city.vote.slug}/console/voter-codes`, { headers })).text();
    console.log(`printable sheet of ${(sheet.match(/class="card"/g) ?? []).length.toLocaleString('en')} cards: ${(sheet.length / 1e6).toFixed(1)} MB, ${ms(started)}`);

    const keys = new PersonKeys(city.server.forums.secrets.personKey, city.vote.forumId);
    started = performance.now();
    const codes = keys.voterCodes(1, COUNT);
    console.log(`worked out in this process: ${ms(started)}`);
    started = performance.now();
    let right = 0;
    for (const code of codes) if (keys.readVoterCode(code) !== null) right++;
    console.log(`checked again: ${right.toLocaleString('en')} right, ${ms(started)}`);
  } finally {
    await city.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchVoterCodes();
  process.exit(0);
}
