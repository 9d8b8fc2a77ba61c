import { AttributeIds, type ClientSession, type DataType, type DataValue } from 'node-opcua-client';
import type { WriteResult } from '../adapter.js';
import type { OpcuaNode } from './opcua-options.js';
import { numberOf, storedValue, writeErrorInfo } from './opcua-values.js';

/**
 * Writes a value (in delivered units) to a node and confirms it with a Read: the value is
 * converted to the variable's built-in type (read once and cached), and `ok` means the
 * server accepted the Write and the read-back equals what that type can hold. Throws only
 * for service failures (the caller turns those into a result).
 */
export async function writeAndReadBack(
  session: ClientSession,
  node: OpcuaNode,
  value: number,
  dataTypes: Map<string, DataType>,
  request: () => void,
): Promise<WriteResult> {
  let dataType = dataTypes.get(node.nodeId);
  if (dataType === undefined) {
    request();
    dataType = await session.getBuiltInDataType(node.nodeId as never);
    dataTypes.set(node.nodeId, dataType);
  }
  const raw = storedValue((value - node.offset) / node.scale, dataType);
  const expected = raw * node.scale + node.offset;
  request();
  const written = await session.write({ nodeId: node.nodeId, attributeId: AttributeIds.Value, value: { value: { dataType, value: raw } } });
  if (written.isNotGood()) return { ok: false, error: writeErrorInfo(written, node.nodeId) };
  request();
  const dv = await session.read({ nodeId: node.nodeId, attributeId: AttributeIds.Value });
  const readBack = numberOf(dv.value?.value) * node.scale + node.offset;
  if (dv.statusCode.isNotGood() || readBack !== expected) {
    return { ok: false, readBack, error: { code: 'readback_mismatch', message: `wrote ${expected}, read back ${readBack} (${dv.statusCode.name})` } };
  }
  return { ok: true, readBack };
}

/** Reads the Value of many nodes in chunks of `maxNodesPerRead`, handing each DataValue to `onValue`. */
export async function readAll(
  session: ClientSession,
  nodes: readonly { pointId: number; nodeId: string }[],
  maxNodesPerRead: number,
  onValue: (pointId: number, dv: DataValue) => void,
  request: () => void,
): Promise<void> {
  for (let i = 0; i < nodes.length; i += maxNodesPerRead) {
    const chunk = nodes.slice(i, i + maxNodesPerRead);
    request();
    const values = await session.read(chunk.map((n) => ({ nodeId: n.nodeId, attributeId: AttributeIds.Value })));
    chunk.forEach((n, k) => {
      const dv = values[k];
      if (dv) onValue(n.pointId, dv);
    });
  }
}
