// A collector's trickle sessions (GET /dashboard/api/collectors/<uuid>/sessions/), each
// opened on the collector's page as a chart range.
import { el } from '../dom.js';
import { counted, table, timeOf } from './lists.js';

export async function render(root, ctx) {
  const collector = await ctx.api(`/api/collectors/${ctx.params.id}/`);
  const history = await ctx.api(`/dashboard/api/collectors/${collector.uuid}/sessions/`, { query: { status: 'all' } });
  const sessions = history.dates.flatMap((day) => history.sessions_by_date[day]);
  root.replaceChildren(
    el('h1', { text: `Sessions of ${collector.name}` }),
    el('p', {}, el('a', { href: `#/collectors/${collector.id}`, text: `Back to ${collector.name}` })),
    sessions.length
      ? table(`${counted(history.total_sessions, 'session')}, newest first`,
        ['Session', 'Status', 'Started', 'Ended', 'Samples', 'Duration', 'Charts'],
        sessions.map((session) => [
          session.name, session.status, timeOf(session.started_at),
          session.ended_at ? timeOf(session.ended_at) : 'active', String(session.sample_count),
          duration(session.duration_seconds),
          el('a', { href: sessionRange(collector.id, session), class: 'session-open', 'data-id': session.session_id,
                    text: 'Open charts' })]),
        { id: 'sessions' })
      : el('p', { id: 'sessions-empty', text: 'No sessions yet: the first tick the agent sends opens one.' }));
}

// The collector page over the session's window: an active session runs to its last data.
function sessionRange(collectorId, session) {
  const to = session.ended_at
    ?? new Date(Date.parse(session.started_at) + session.duration_seconds * 1000).toISOString();
  return `#/collectors/${collectorId}?${new URLSearchParams({ from: session.started_at, to })}`;
}

function duration(seconds) {
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
