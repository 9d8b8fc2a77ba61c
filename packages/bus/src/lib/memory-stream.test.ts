import { describe, expect, it } from 'vitest';
import { MemoryStream } from './memory-stream.js';

const bytes = (s: string) => new TextEncoder().encode(s);

function makeStream(spec: Partial<ConstructorParameters<typeof MemoryStream>[0]> = {}) {
  const clock = { ms: 0 };
  const stream = new MemoryStream({ name: 'S', subjects: ['a.>'], ...spec }, () => clock.ms);
  return { stream, clock };
}

describe('MemoryStream', () => {
  it('numbers messages from 1 and keeps a copy of the payload', () => {
    const { stream } = makeStream();
    const data = bytes('x');
    expect(stream.append('a.b', data)).toEqual({ seq: 1, duplicate: false });
    data[0] = 0;
    expect(stream.get(1)?.data).toEqual(bytes('x'));
    expect(stream.append('a.c', bytes('y')).seq).toBe(2);
  });

  it('reports a repeated message id inside the window with the first sequence', () => {
    const { stream, clock } = makeStream({ duplicateWindowMs: 1_000 });
    stream.append('a.b', bytes('1'), 'id-1');
    clock.ms = 999;
    expect(stream.append('a.b', bytes('1'), 'id-1')).toEqual({ seq: 1, duplicate: true });
    expect(stream.size).toBe(1);
  });

  it('forgets message ids once the duplicate window has passed', () => {
    const { stream, clock } = makeStream({ duplicateWindowMs: 1_000 });
    stream.append('a.b', bytes('1'), 'id-1');
    clock.ms = 1_000;
    expect(stream.append('a.b', bytes('1'), 'id-1')).toEqual({ seq: 2, duplicate: false });
  });

  it('defaults the duplicate window to two minutes', () => {
    const { stream, clock } = makeStream();
    stream.append('a.b', bytes('1'), 'id');
    clock.ms = 119_999;
    expect(stream.append('a.b', bytes('1'), 'id').duplicate).toBe(true);
    clock.ms = 120_000;
    expect(stream.append('a.b', bytes('1'), 'id').duplicate).toBe(false);
  });

  it('discards messages older than maxAgeMs', () => {
    const { stream, clock } = makeStream({ maxAgeMs: 100 });
    stream.append('a.b', bytes('1'));
    clock.ms = 50;
    stream.append('a.b', bytes('2'));
    clock.ms = 100;
    expect(stream.get(1)).toBeUndefined();
    expect(stream.get(2)?.data).toEqual(bytes('2'));
    expect(stream.firstSeq).toBe(2);
  });

  it('discards the oldest messages beyond maxBytes', () => {
    // each message is 3 (subject) + 1 (payload) bytes
    const { stream } = makeStream({ maxBytes: 8 });
    for (const s of ['1', '2', '3']) stream.append('a.b', bytes(s));
    expect(stream.size).toBe(2);
    expect(stream.get(1)).toBeUndefined();
    expect(stream.lastSeq).toBe(3);
  });

  it('captures subjects by its patterns', () => {
    const { stream } = makeStream({ subjects: ['a.*.c', 'x.>'] });
    expect(stream.captures('a.b.c')).toBe(true);
    expect(stream.captures('x.y.z')).toBe(true);
    expect(stream.captures('a.b')).toBe(false);
  });
});
