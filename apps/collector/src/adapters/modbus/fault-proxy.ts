import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import type { Rng } from '@zcp/model';

/**
 * What the fault proxy does with each request: forward it (`pass`), swallow it (`silent`:
 * the master times out), answer random bytes (`noise`), answer a well-framed but lying
 * Modbus TCP response (`malformed`: right transaction id, byte count larger than the data),
 * answer an exception with `exceptionCode`, or forward and then flip a byte of the answer
 * (`corrupt`: a CRC error on RTU).
 */
export type FaultMode = 'pass' | 'silent' | 'noise' | 'malformed' | 'exception' | 'corrupt';

export interface FaultProxy {
  readonly port: number;
  mode: FaultMode;
  exceptionCode: number;
  /** Requests seen per mode. */
  readonly counts: Record<FaultMode, number>;
  close(): Promise<void>;
}

/**
 * A TCP man-in-the-middle between a Modbus master and a real server, for fault tests. Works
 * for both framings: requests are forwarded as they come; `malformed`/`exception` answers
 * are built as Modbus TCP (MBAP) frames or as RTU frames (`framing`).
 *
 * @example
 * const proxy = await startFaultProxy({ upstreamPort: sim.port, framing: 'mbap', rng })
 * proxy.mode = 'noise'
 */
export async function startFaultProxy(options: {
  upstreamPort: number;
  framing: 'mbap' | 'rtu';
  rng: Rng;
  crc?: (b: Uint8Array) => number;
}): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  const counts: Record<FaultMode, number> = { pass: 0, silent: 0, noise: 0, malformed: 0, exception: 0, corrupt: 0 };
  const state = { mode: 'pass' as FaultMode, exceptionCode: 0x04 };
  const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => options.rng.int(0, 255)));
  const rtuFrame = (body: number[]): Buffer => {
    const b = Buffer.from(body);
    const crc = options.crc?.(b) ?? 0;
    return Buffer.concat([b, Buffer.from([crc & 0xff, crc >> 8])]);
  };
  const answer = (req: Buffer, kind: 'malformed' | 'exception'): Buffer => {
    if (options.framing === 'mbap') {
      const tid = req.readUInt16BE(0);
      const unit = req[6] as number;
      const fc = req[7] as number;
      const pdu = kind === 'exception' ? [fc | 0x80, state.exceptionCode] : [fc, 200, ...randomBytes(4)];
      const head = Buffer.alloc(7);
      head.writeUInt16BE(tid, 0);
      head.writeUInt16BE(0, 2);
      head.writeUInt16BE(pdu.length + 1, 4);
      head[6] = unit;
      return Buffer.concat([head, Buffer.from(pdu)]);
    }
    const unit = req[0] as number;
    const fc = req[1] as number;
    return kind === 'exception' ? rtuFrame([unit, fc | 0x80, state.exceptionCode]) : rtuFrame([unit, fc, 200, ...randomBytes(4)]);
  };
  const server: Server = createServer((client) => {
    sockets.add(client);
    const upstream = netConnect({ host: '127.0.0.1', port: options.upstreamPort });
    sockets.add(upstream);
    let corruptNext = false;
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', () => {
      sockets.delete(client);
      upstream.destroy();
    });
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    client.on('data', (req: Buffer) => {
      const mode = state.mode;
      counts[mode]++;
      if (mode === 'pass' || mode === 'corrupt') {
        corruptNext = mode === 'corrupt';
        upstream.write(req);
      } else if (mode === 'noise') client.write(randomBytes(options.rng.int(1, 40)));
      else if (mode === 'malformed' || mode === 'exception') client.write(answer(req, mode));
      // silent: nothing
    });
    upstream.on('data', (res: Buffer) => {
      if (corruptNext) {
        corruptNext = false;
        const copy = Buffer.from(res);
        const i = copy.length - 1;
        copy[i] = (copy[i] as number) ^ 0x5a;
        client.write(copy);
        return;
      }
      client.write(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    get mode() {
      return state.mode;
    },
    set mode(m: FaultMode) {
      state.mode = m;
    },
    get exceptionCode() {
      return state.exceptionCode;
    },
    set exceptionCode(c: number) {
      state.exceptionCode = c;
    },
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
