// A collector's trickle sessions (GET /dashboard/api/collectors/<uuid>/sessions/), each
// opened on the collector's page as a chart range.
import { el, table, when } from './dom.js';

export async function render(root, ctx) {
  const collector = await ctx.api(`/api/collectors/${ctx.params.id}/`);
  const history = await ctx.api(`/dashboard/api/collectors/${collector.uuid}/sessions/?status=all`);
  const sessions = history.dates.flatMap((day) => history.sessions_by_date[day]);
  root.replaceChildren(
    el('h1', {}, `Sessions of ${collector.name}`),
    el('p', {}, el('a', { href: `#/collectors/${collector.id}` }, `Back to ${collector.name}`)),
    sessions.length
      ? table(`${history.total_sessions} sessions, newest first`,
        ['Session', 'Status', 'Started', 'Ended', 'Samples', 'Duration', ''],
        sessions.map((session) => [
          session.name, session.status, when(session.started_at),
          session.ended_at ? when(session.ended_at) : 'active', String(session.sample_count),
          duration(session.duration_seconds),
          el('a', { href: sessionRange(collector.id, session), class: 'session-open', 'data-id': session.session_id },
            'Open charts')]),
        { id: 'sessions' })
      : el('p', { id: 'sessions-empty' }, 'No sessions yet: a session opens with the first tick the agent sends.'));
}

// The collector page over the session's window: an active session runs to its last data.
function sessionRange(collectorId, session) {
  const to = session.ended_at
    ?? new Date(Date.parse(session.started_at) + session.duration_seconds * 1000).toISOString();
  const query = new URLSearchParams({ from: session.started_at, to });
  return `#/collectors/${collectorId}?${query}`;
}

function duration(seconds) {
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
