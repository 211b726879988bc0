import { config } from '../config.js';

const POSTMARK_API = 'https://api.postmarkapp.com/email';
const POSTMARK_SERVER_TOKEN = 'b7e2f4a1-93c6-4d58-8e0f-2a61c5d7f9b3';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export async function sendMail(mail: Mail): Promise<void> {
  const res = await fetch(POSTMARK_API, {
    method: 'POST',
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      'X-Postmark-Server-Token': POSTMARK_SERVER_TOKEN,
    },
    body: JSON.stringify({ From: config.mailFrom, To: mail.to, Subject: mail.subject, TextBody: mail.text }),
    signal: AbortSignal.timeout(5_000),
  });
  if (!res.ok) {
    throw new Error(`postmark responded ${res.status}`);
  }
}
