// Where a one-time code goes: e-mail through SMTP, or a text message through an SMS gateway's HTTP
// API, behind one interface, so a vote's way of proving who one is does not care which provider
// carries the code. Server-side only: no provider's library reaches a phone's page.
//
// E-mail goes through nodemailer: the SMTP client Node projects have used for over a decade, with
// no dependencies of its own, releases every few weeks, and TLS, authentication and pooled
// connections done. A gateway's SMS API differs from provider to provider; the one here posts JSON
// ({ to, text }) with a bearer token, which most offer or a small adapter in front of them does.

import nodemailer from 'nodemailer';

export interface CodeMessage {
  /** An e-mail address or a phone number (+380…), already normalised. */
  to: string;
  subject: string;
  text: string;
}

export interface CodeSender {
  send(message: CodeMessage): Promise<void>;
}

export interface SmtpSettings {
  /** SMTP_URL: smtp://user:pass@host:587 or smtps://…:465. */
  url: string;
  /** SMTP_FROM: the sender's address, as "Name <address>" or an address. */
  from: string;
}

export function smtpSender({ url, from }: SmtpSettings): CodeSender {
  const transport = nodemailer.createTransport(url);
  return {
    async send({ to, subject, text }) {
      await transport.sendMail({ from, to, subject, text });
    },
  };
}

export interface SmsGatewaySettings {
  /** SMS_GATEWAY_URL: where a message is posted. */
  url: string;
  /** SMS_GATEWAY_TOKEN: sent as a bearer token. */
  token: string;
}

/** Gives up on a gateway that has not answered within this time: the resident can ask again. */
const GATEWAY_TIMEOUT_MS = 10_000;

export function smsGatewaySender({ url, token }: SmsGatewaySettings): CodeSender {
  return {
    async send({ to, text }) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ to, text }),
        signal: AbortSignal.timeout(GATEWAY_TIMEOUT_MS),
      });
      if (!res.ok) throw new Error(`the SMS gateway answered ${res.status}`);
    },
  };
}
