import { type EventEnvelope, type Role, viewerServerView } from '@omni2/contracts';

/**
 * An event as a role may see it. Viewers get server views without connection details (the only
 * event carrying them is `mcp_config_changed` for servers); other roles get the event as is.
 */
export function eventFor(role: Role, event: EventEnvelope): EventEnvelope {
  if (role !== 'viewer' || event.type !== 'mcp_config_changed') return event;
  const data = (event as EventEnvelope<'mcp_config_changed'>).data;
  if (data.key !== 'server' || data.server === null) return event;
  return { ...event, data: { ...data, server: viewerServerView(data.server) } };
}
