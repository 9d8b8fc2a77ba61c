import { describe, expect, it } from 'vitest';
import { encodeSparkplugPayload, type SparkplugMetric } from './sparkplug.js';
import { createSparkplugTracker } from './sparkplug-tracker.js';

const T0 = Date.UTC(2025, 6, 7, 4);
const msg = (seq: number | undefined, metrics: SparkplugMetric[], timestamp = T0) => encodeSparkplugPayload({ timestamp, seq, metrics });
const nbirth = (bdSeq: number) =>
  msg(0, [
    { name: 'bdSeq', type: 'Int64', value: bdSeq },
    { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
  ]);
const topic = (type: string, device?: string) => `spBv1.0/g/${type}/n1${device ? `/${device}` : ''}`;

describe('Sparkplug B host state (tracker)', () => {
  const born = () => {
    const t = createSparkplugTracker({ group: 'g' });
    t.handle(topic('NBIRTH'), nbirth(3), T0);
    const ev = t.handle(
      topic('DBIRTH', 'pv1'),
      msg(1, [
        { name: 'p_kw', alias: 10, type: 'Double', value: 12.5 },
        { name: 'on', alias: 11, type: 'Boolean', value: true },
        { name: 'label', alias: 12, type: 'String', value: 'x' },
      ]),
      T0,
    );
    return { t, ev };
  };

  it('resolves aliases from the birth certificate and keeps datatypes', () => {
    const { t, ev } = born();
    expect(ev).toEqual([
      {
        kind: 'metrics',
        edgeNode: 'n1',
        device: 'pv1',
        metrics: [
          { name: 'p_kw', value: 12.5, ts: T0 },
          { name: 'on', value: 1, ts: T0 },
          { name: 'label', value: undefined, ts: T0 },
        ],
      },
    ]);
    const data = t.handle(topic('DDATA', 'pv1'), msg(2, [{ alias: 10, type: 'Double', value: 13, timestamp: T0 + 5 }]), T0 + 9);
    expect(data).toEqual([{ kind: 'metrics', edgeNode: 'n1', device: 'pv1', metrics: [{ name: 'p_kw', value: 13, ts: T0 + 5 }] }]);
    expect(t.metricType('n1', 'pv1', 'p_kw')).toBe('Double');
    expect(t.metricType('n1', 'pv1', 'nope')).toBeUndefined();
  });

  it('asks for a rebirth on a seq gap, data before birth and an unknown alias', () => {
    const { t } = born();
    const gap = t.handle(topic('DDATA', 'pv1'), msg(4, [{ alias: 10, type: 'Double', value: 1 }]), T0);
    expect(gap[0]).toEqual({ kind: 'rebirth-needed', edgeNode: 'n1', reason: 'seq_gap' });
    expect(gap[1]).toMatchObject({ kind: 'metrics' }); // the data itself is still good
    expect(t.handle(topic('DDATA', 'pv1'), msg(5, [{ alias: 99, type: 'Double', value: 1 }]), T0)).toContainEqual({
      kind: 'rebirth-needed',
      edgeNode: 'n1',
      reason: 'unknown_alias',
    });
    expect(t.handle(topic('DDATA', 'ghost'), msg(6, [{ alias: 10, type: 'Double', value: 1 }]), T0)).toEqual([
      { kind: 'rebirth-needed', edgeNode: 'n1', reason: 'data_before_birth' },
    ]);
    const other = createSparkplugTracker({ group: 'g' });
    expect(other.handle(topic('NDATA'), msg(7, []), T0)).toEqual([{ kind: 'rebirth-needed', edgeNode: 'n1', reason: 'data_before_birth' }]);
  });

  it('wraps seq from 255 to 0 without a gap', () => {
    const { t } = born();
    let seq = 2;
    for (let i = 0; i < 300; i++, seq = (seq + 1) % 256) {
      const ev = t.handle(topic('DDATA', 'pv1'), msg(seq, [{ alias: 10, type: 'Double', value: i }]), T0);
      expect(ev.map((e) => e.kind)).toEqual(['metrics']);
    }
  });

  it('NDEATH with the current bdSeq kills the node and its devices; a stale one is ignored', () => {
    const { t } = born();
    expect(t.handle(topic('NDEATH'), msg(undefined, [{ name: 'bdSeq', type: 'Int64', value: 2 }]), T0)).toEqual([]);
    expect(t.handle(topic('NDEATH'), msg(undefined, [{ name: 'bdSeq', type: 'Int64', value: 3 }]), T0)).toEqual([{ kind: 'death', edgeNode: 'n1' }]);
    expect(t.metricType('n1', 'pv1', 'p_kw')).toBeUndefined();
    expect(t.handle(topic('DDATA', 'pv1'), msg(2, [{ alias: 10, type: 'Double', value: 1 }]), T0)).toEqual([
      { kind: 'rebirth-needed', edgeNode: 'n1', reason: 'data_before_birth' },
    ]);
  });

  it('reports undecodable payloads and ignores other groups and commands', () => {
    const { t } = born();
    expect(t.handle(topic('DDATA', 'pv1'), new Uint8Array([0xff, 0xff, 0xff]), T0)).toEqual([
      { kind: 'invalid', edgeNode: 'n1', device: 'pv1', problem: 'undecodable_payload' },
    ]);
    expect(t.handle('spBv1.0/other/DDATA/n1/pv1', msg(2, []), T0)).toEqual([]);
    expect(t.handle(topic('DCMD', 'pv1'), msg(undefined, []), T0)).toEqual([]);
    expect(t.handle('spBv1.0/g/DDATA/n1', msg(2, []), T0)).toEqual([]); // DDATA needs a device
  });
});
