import { describe, expect, it } from 'vitest';
import { carbonStream, isPublishSubject, parkStreams, parseTelemetrySubject, subjectMatches, subjects, telemetryStream } from './subjects.js';

describe('subjects', () => {
  it('builds telemetry subjects and parses them back', () => {
    const s = subjects.telemetry('demo', 'pv-1');
    expect(s).toBe('park.demo.telemetry.pv-1');
    expect(parseTelemetrySubject(s)).toEqual({ parkId: 'demo', assetId: 'pv-1' });
    expect(parseTelemetrySubject('park.demo.carbon.x')).toBeUndefined();
  });

  it('refuses tokens that would break the subject scheme', () => {
    for (const bad of ['a.b', '*', '>', 'a b', '']) expect(() => subjects.telemetry('demo', bad)).toThrow(RangeError);
  });

  it('matches NATS wildcards like the server does', () => {
    const cases: [string, string, boolean][] = [
      ['park.*.telemetry.>', 'park.demo.telemetry.pv1', true],
      ['park.*.telemetry.>', 'park.demo.telemetry', false],
      ['park.*.telemetry.>', 'park.demo.telemetry.a.b', true],
      ['park.demo.*', 'park.demo.x', true],
      ['park.demo.*', 'park.demo.x.y', false],
      ['park.demo.x', 'park.demo.x', true],
      ['park.demo.x', 'park.demo.y', false],
      ['>', 'a', true],
      ['a.>', 'a', false],
    ];
    for (const [p, s, want] of cases) expect(subjectMatches(p, s), `${p} ~ ${s}`).toBe(want);
  });

  it('stream per park covers exactly that park', () => {
    const st = telemetryStream('t1');
    expect(st.subjects.every((p) => subjectMatches(p, subjects.telemetry('t1', 'a')))).toBe(true);
    expect(st.subjects.some((p) => subjectMatches(p, subjects.telemetry('t2', 'a')))).toBe(false);
  });

  it('knows a publishable subject', () => {
    expect(isPublishSubject('a.b')).toBe(true);
    expect(isPublishSubject('a.*')).toBe(false);
    expect(isPublishSubject('a..b')).toBe(false);
  });
});

describe('parkStreams', () => {
  it('names every stream a park gets (telemetry and live carbon), each capturing only that park', () => {
    const streams = parkStreams('p1');
    expect(streams.map((x) => x.name)).toEqual([telemetryStream('p1').name, carbonStream('p1').name]);
    expect(new Set(parkStreams('p2').map((x) => x.name)).has(streams[0]?.name ?? '')).toBe(false);
  });
});
