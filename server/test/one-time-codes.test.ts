// A city's vote by one-time codes, end to end: e-mail through a real SMTP server the test starts
// (smtp-server), the code read from the mail it receives; SMS through a local HTTP server playing
// the gateway. An address or a number is one person: proved again, on another phone, it opens the
// same ballot, never a second. Wrong and stale codes are refused in Ukrainian, sends are limited
// per destination, and a failed delivery is told to the resident.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCityVote, type CityVote } from './cityVote.js';
import { codeIn, readable, startGateway, startSmtp, waitFor } from './codeProviders.js';
import { connect, newToken, ok, refused, type TestClient } from './harness.js';


describe('one-time codes by e-mail through a real SMTP server', () => {
  let city: CityVote;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const clients: TestClient[] = [];
  const phone = async () => {
    const token = newToken();
    const c = await connect(city.vote.socketUrl, { role: 'phone', token });
    clients.push(c);
    return Object.assign(c, { token });
  };
  const state = () => city.server.forums.get(city.vote.forumId)!.room.state;
  /** Asks for a code on this phone and reads it from the mail that arrives. */
  const mailedCode = async (p: TestClient & { token: string }, to: string, mailbox: string) => {
    const before = smtp.mails.length;
    expect(ok(await p.send('person:requestCode', { token: p.token, method: 'email', to })).minutes).toBe(15);
    const mail = await waitFor(() => smtp.mails.slice(before).find((m) => m.to.includes(mailbox)), `a mail to ${mailbox}`);
    return codeIn(readable(mail.text))!;
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    city = await startCityVote({ smtp: { url: `smtp://127.0.0.1:${smtp.port}`, from: 'Громадський бюджет <vote@city.test>' } });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await city?.close();
    await new Promise<void>((resolve) => smtp?.server.close(() => resolve()));
  });

  it('is chosen only where the server has the provider', async () => {
    const ack = await city.admin.send('identity:setMethod', { method: 'sms' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'SENDER_MISSING' } });
    expect(ack.ok ? '' : ack.error.message).toMatch(/SMS_GATEWAY_URL/);
    ok(await city.admin.send('identity:setMethod', { method: 'email' }));
  });

  it('sends a code to the mailbox, and the code typed back gives a ballot', async () => {
    const p = await phone();
    const sent = ok(await p.send('person:requestCode', { token: p.token, method: 'email', to: ' Olena.Koval+vote@Example.com ' }));
    expect(sent.sentTo).toBe('o•••@example.com');
    const mail = await waitFor(() => smtp.mails.find((m) => m.to.includes('olena.koval@example.com')), 'the mail');
    const text = readable(mail.text);
    expect(text).toMatch(/^Ваш код для голосування «Громадський бюджет міста»: \d{6}/);
    expect(text).toContain('Код діє 15 хв');
    const code = codeIn(text)!;
    expect(code).toMatch(/^\d{6}$/);
    const wrong = await p.send('person:prove', { token: p.token, proof: { method: 'email', to: 'olena.koval@example.com', code: code === '000000' ? '111111' : '000000' } });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'ONE_TIME_CODE_WRONG' } });
    expect(wrong.ok ? '' : wrong.error.message).toMatch(/Код не підходить/);
    const me = ok(await p.send('person:prove', { token: p.token, name: 'Олена', proof: { method: 'email', to: 'olena.koval@example.com', code } })).me;
    ok(await p.send('dot:place', { ideaId: city.ideaIds[0] }));
    // The code is used up: typed again on another phone, it opens nothing.
    const other = await phone();
    expect(refused(await other.send('person:prove', { token: other.token, proof: { method: 'email', to: 'olena.koval@example.com', code } }))).toBe('ONE_TIME_CODE_EXPIRED');
    expect(state().persons.byPerson.size).toBe(1);
    expect([...state().persons.byPerson.values()]).toEqual([me.participantId]);
  });

  it('an address used once opens the same ballot again, never a second one', async () => {
    const p = await phone();
    const code = await mailedCode(p, 'olena.koval@EXAMPLE.com', 'olena.koval@example.com');
    const again = ok(await p.send('person:prove', { token: p.token, proof: { method: 'email', to: 'olena.koval+second@example.com', code } })).me;
    expect(again.dots).toEqual({ [city.ideaIds[0]]: 1 });
    expect(state().participants.size).toBe(1);
    // Another mailbox is another person.
    const q = await phone();
    const code2 = await mailedCode(q, 'petro@example.org', 'petro@example.org');
    expect(ok(await q.send('person:prove', { token: q.token, proof: { method: 'email', to: 'petro@example.org', code: code2 } })).me.participantId).not.toBe(again.participantId);
    expect(state().participants.size).toBe(2);
  });

  it('refuses what is not an address, and limits codes sent to one address', async () => {
    const p = await phone();
    const bad = await p.send('person:requestCode', { token: p.token, method: 'email', to: 'не адреса' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_CONTACT' } });
    expect(bad.ok ? '' : bad.error.message).toMatch(/Не вдалося прочитати/);
    // Three sends to one address at once, then one every 10 minutes (it was sent two already).
    ok(await p.send('person:requestCode', { token: p.token, method: 'email', to: 'olena.koval@example.com' }));
    expect(refused(await p.send('person:requestCode', { token: p.token, method: 'email', to: 'olena.koval@example.com' }))).toBe('RATE_LIMITED');
  });
});

describe('one-time codes by SMS through a local HTTP gateway', () => {
  let city: CityVote;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  const clients: TestClient[] = [];
  const phone = async () => {
    const token = newToken();
    const c = await connect(city.vote.socketUrl, { role: 'phone', token });
    clients.push(c);
    return Object.assign(c, { token });
  };
  const state = () => city.server.forums.get(city.vote.forumId)!.room.state;

  beforeAll(async () => {
    gateway = await startGateway();
    city = await startCityVote({ smsGateway: { url: `http://127.0.0.1:${gateway.port}/send`, token: 'gateway-token' } });
    ok(await city.admin.send('identity:setMethod', { method: 'sms' }));
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await city?.close();
    await new Promise<void>((resolve) => gateway?.server.close(() => resolve()));
  });

  it('posts the code to the gateway for the number as typed in Ukraine, and the code gives one ballot for that number', async () => {
    const p = await phone();
    expect(ok(await p.send('person:requestCode', { token: p.token, method: 'sms', to: '067 123-45-67' })).sentTo).toBe('+380•••67');
    const post = await waitFor(() => gateway.posts.find((x) => x.body.to === '+380671234567'), 'the gateway post');
    expect(post.auth).toBe('Bearer gateway-token');
    const code = codeIn(post.body.text)!;
    const me = ok(await p.send('person:prove', { token: p.token, proof: { method: 'sms', to: '+380671234567', code } })).me;

    const second = await phone();
    ok(await second.send('person:requestCode', { token: second.token, method: 'sms', to: '380671234567' }));
    const post2 = await waitFor(() => gateway.posts.filter((x) => x.body.to === '+380671234567')[1], 'the second post');
    expect(ok(await second.send('person:prove', { token: second.token, proof: { method: 'sms', to: '0671234567', code: codeIn(post2.body.text)! } })).me.participantId).toBe(me.participantId);
    expect(state().participants.size).toBe(1);
  });

  it('tells the resident when the gateway could not deliver the code', async () => {
    gateway.failing.on = true;
    const p = await phone();
    ok(await p.send('person:requestCode', { token: p.token, method: 'sms', to: '+48 601 234 567' }));
    // The delivery fails after the ack; the code the resident types is then answered "not sent".
    let ack = await p.send('person:prove', { token: p.token, proof: { method: 'sms', to: '+48601234567', code: '123456' } });
    for (let i = 0; i < 200 && !ack.ok && ack.error.code !== 'CODE_NOT_SENT'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      ack = await p.send('person:prove', { token: p.token, proof: { method: 'sms', to: '+48601234567', code: '123456' } });
    }
    expect(ack).toMatchObject({ ok: false, error: { code: 'CODE_NOT_SENT' } });
    expect(ack.ok ? '' : ack.error.message).toMatch(/не вдалося надіслати/);
    gateway.failing.on = false;
  });
});
