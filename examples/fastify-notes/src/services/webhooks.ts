import type { FastifyBaseLogger } from 'fastify';

export type TeamEvent =
  | { type: 'note.created'; teamId: number; noteId: number; title: string }
  | { type: 'member.added'; teamId: number; userId: number };

/** Tells a team's own integration (Slack, Zapier, …) what happened; failures are logged, not raised. */
export async function notifyTeamWebhook(webhookUrl: string | null, event: TeamEvent, log: FastifyBaseLogger): Promise<void> {
  if (!webhookUrl) return;
  try {
    const res = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'notes-webhooks/1.0' },
      body: JSON.stringify({ ...event, sentAt: new Date().toISOString() }),
    });
    if (!res.ok) log.warn({ status: res.status, teamId: event.teamId }, 'team webhook rejected the event');
  } catch (err) {
    log.warn({ err, teamId: event.teamId }, 'team webhook unreachable');
  }
}
