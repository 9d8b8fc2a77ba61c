import type { Principal } from '@zcp/model';
import type { SqlClient } from '../storage/sql-client.js';

export const AUDIT_EVENTS = ['sign_in', 'access_denied', 'dispatch', 'config_change', 'certificate', 'annotation_delete'] as const;
export type AuditEventKind = (typeof AUDIT_EVENTS)[number];
export type AuditOutcome = 'allowed' | 'denied' | 'succeeded' | 'failed';

export interface AuditEventInput {
  event: AuditEventKind;
  outcome: AuditOutcome;
  principal?: Pick<Principal, 'sub' | 'role'> | undefined;
  parkId?: string | null;
  enterpriseId?: string | null;
  /** The door and what was asked, e.g. `GET /api/points/42/history` or `socket park:join`. */
  resource: string;
  ip?: string | undefined;
  userAgent?: string | undefined;
  /** Small JSON facts (a reason, a setpoint, a certificate id) — never a token or a secret. */
  detail?: Record<string, unknown>;
}

export interface AuditEvent extends Omit<AuditEventInput, 'principal'> {
  id: number;
  at: string;
  actorSub: string | null;
  actorRole: string | null;
}

export interface AuditQuery {
  fromMs?: number;
  toMs?: number;
  event?: AuditEventKind;
  actorSub?: string;
  parkId?: string;
  /** Newest first; at most this many (default 200, cap 1000). */
  limit?: number;
  /** Only events with id below this (paging backwards). */
  beforeId?: number;
}

/** The append-only audit trail in `audit_events` (migration 0008); PostgreSQL and PGlite alike. */
export interface AuditLog {
  append(e: AuditEventInput): Promise<void>;
  list(q: AuditQuery): Promise<AuditEvent[]>;
}

const TOKENISH = /(bearer\s+)?[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{10,}/gi;

/** Scrubs anything shaped like a JWT out of free text before it is stored. */
function scrub(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(TOKENISH, '[token]');
  if (Array.isArray(v)) return v.map(scrub);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, /token|secret|password|authorization/i.test(k) ? '[redacted]' : scrub(x)]));
  return v;
}

export function createAuditLog(sql: () => SqlClient): AuditLog {
  return {
    async append(e) {
      await sql().query(
        `insert into audit_events (actor_sub, actor_role, event, outcome, park_id, enterprise_id, resource, ip, user_agent, detail)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`,
        [
          e.principal?.sub ?? null,
          e.principal?.role ?? null,
          e.event,
          e.outcome,
          e.parkId ?? null,
          e.enterpriseId ?? null,
          scrub(e.resource),
          e.ip ?? null,
          e.userAgent?.slice(0, 300) ?? null,
          JSON.stringify(scrub(e.detail ?? {})),
        ],
      );
    },
    async list(q) {
      const where: string[] = [];
      const params: unknown[] = [];
      const add = (clause: string, v: unknown) => {
        params.push(v);
        where.push(clause.replace('?', `$${params.length}`));
      };
      if (q.fromMs !== undefined) add('at >= to_timestamp(?::float8 / 1000)', q.fromMs);
      if (q.toMs !== undefined) add('at < to_timestamp(?::float8 / 1000)', q.toMs);
      if (q.event) add('event = ?', q.event);
      if (q.actorSub) add('actor_sub = ?', q.actorSub);
      if (q.parkId) add('park_id = ?', q.parkId);
      if (q.beforeId !== undefined) add('id < ?', q.beforeId);
      params.push(Math.min(Math.max(1, q.limit ?? 200), 1000));
      const rows = await sql().query<{
        id: number;
        at_ms: number;
        actor_sub: string | null;
        actor_role: string | null;
        event: AuditEventKind;
        outcome: AuditOutcome;
        park_id: string | null;
        enterprise_id: string | null;
        resource: string;
        ip: string | null;
        user_agent: string | null;
        detail: Record<string, unknown> | string;
      }>(
        `select id::float8 as id, (extract(epoch from at) * 1000)::float8 as at_ms, actor_sub, actor_role, event, outcome, park_id, enterprise_id, resource, ip, user_agent, detail
           from audit_events ${where.length ? `where ${where.join(' and ')}` : ''} order by id desc limit $${params.length}`,
        params,
      );
      return rows.map((r) => ({
        id: r.id,
        at: new Date(r.at_ms).toISOString(),
        actorSub: r.actor_sub,
        actorRole: r.actor_role,
        event: r.event,
        outcome: r.outcome,
        parkId: r.park_id,
        enterpriseId: r.enterprise_id,
        resource: r.resource,
        ...(r.ip !== null && { ip: r.ip }),
        ...(r.user_agent !== null && { userAgent: r.user_agent }),
        detail: typeof r.detail === 'string' ? (JSON.parse(r.detail) as Record<string, unknown>) : r.detail,
      }));
    },
  };
}
