-- Audit trail (issue 7): sign-ins, permission denials, dispatch commands, configuration changes,
-- certificate operations and annotation deletions — who, what, when, from where, outcome.
-- Append-only: a trigger refuses UPDATE and DELETE, so not even the relay can rewrite history.
create table audit_events (
  id bigserial primary key,
  at timestamptz not null default now(),
  actor_sub text,
  actor_role text,
  -- sign_in, access_denied, dispatch, config_change, certificate, annotation_delete, …
  event text not null,
  -- allowed | denied | succeeded | failed
  outcome text not null,
  park_id text,
  enterprise_id text,
  -- The door and what was asked: `GET /api/points/42/history`, `socket park:join`, `doc ent-x` …
  resource text not null,
  ip text,
  user_agent text,
  detail jsonb not null default '{}'::jsonb
);
create index audit_events_at_idx on audit_events (at);
create index audit_events_actor_idx on audit_events (actor_sub, at);

create function audit_events_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_events is append-only';
end;
$$;
create trigger audit_events_no_update before update or delete on audit_events
  for each row execute function audit_events_append_only();
