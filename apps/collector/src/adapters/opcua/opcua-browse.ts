import { BrowseDirection, type BrowseResult, type ClientSession, NodeClass, NodeClassMask, type ReferenceDescription, resolveNodeId } from 'node-opcua-client';
import { CollectorError } from '../../errors.js';

/** A model point browse discovery may find: `tag` is `<assetId>.<metric>`. */
export interface DiscoverablePoint {
  id: number;
  tag: string;
  assetId: string;
}

export interface DiscoveredNode {
  nodeId: string;
  pointId: number;
  assetId: string;
}

export interface DiscoveryResult {
  nodes: DiscoveredNode[];
  /** Candidate points no variable was found for. */
  missing: number[];
  /** Browse / BrowseNext service calls made. */
  requests: number;
  /** Variables seen that match no candidate (other vendors' extras, properties). */
  unmatched: number;
}

/** Nodes per Browse request: well under any server's MaxNodesPerBrowse we have met. */
const BROWSE_BATCH = 100;
const MAX_DEPTH = 12;
/** HierarchicalReferences (Organizes, HasComponent, HasProperty, …), followed forward. */
const HIERARCHICAL_REFERENCES = 'i=33';

/**
 * Walks the hierarchy under `rootNodeId` breadth-first and maps each Variable to a model point
 * by tag: a variable whose browse name is `<metric>` under a node whose browse name is
 * `<assetId>` is point `<assetId>.<metric>` (namespace indexes ignored). Variables are not
 * descended into (their children are properties such as EURange). Continuation points are
 * followed with BrowseNext, so a server's per-node reference limit does not hide variables.
 *
 * @example
 * const { nodes, missing } = await discoverPointNodes(session, 'ns=1;s=Park', park.points)
 */
export async function discoverPointNodes(session: ClientSession, rootNodeId: string, candidates: readonly DiscoverablePoint[]): Promise<DiscoveryResult> {
  const byTag = new Map(candidates.map((p) => [p.tag, p]));
  const found = new Map<number, DiscoveredNode>();
  let requests = 0;
  let unmatched = 0;
  let frontier: { nodeId: string; name: string }[] = [{ nodeId: resolveNodeId(rootNodeId).toString(), name: '' }];
  const visited = new Set<string>(frontier.map((f) => f.nodeId));

  for (let depth = 0; depth < MAX_DEPTH && frontier.length > 0; depth++) {
    const next: { nodeId: string; name: string }[] = [];
    for (let i = 0; i < frontier.length; i += BROWSE_BATCH) {
      const batch = frontier.slice(i, i + BROWSE_BATCH);
      requests++;
      const results: BrowseResult[] = await session.browse(
        batch.map((f) => ({
          nodeId: f.nodeId,
          browseDirection: BrowseDirection.Forward,
          referenceTypeId: HIERARCHICAL_REFERENCES,
          includeSubtypes: true,
          nodeClassMask: NodeClassMask.Object | NodeClassMask.Variable,
          resultMask: 0x3f,
        })),
      );
      for (let k = 0; k < batch.length; k++) {
        const parent = batch[k] as { nodeId: string; name: string };
        let result = results[k];
        const refs: ReferenceDescription[] = [];
        while (result) {
          if (result.statusCode.isNotGood()) throw new CollectorError('internal', `browse of ${parent.nodeId} failed: ${result.statusCode.name}`);
          refs.push(...(result.references ?? []));
          if (!result.continuationPoint || result.continuationPoint.length === 0) break;
          requests++;
          const more: BrowseResult[] = await session.browseNext([result.continuationPoint], false);
          result = more[0];
        }
        for (const ref of refs) {
          const nodeId = ref.nodeId.toString();
          const name = ref.browseName.name ?? '';
          if (ref.nodeClass === NodeClass.Variable) {
            const point = byTag.get(`${parent.name}.${name}`);
            if (point && !found.has(point.id)) found.set(point.id, { nodeId, pointId: point.id, assetId: point.assetId });
            else if (!point) unmatched++;
          } else if (!visited.has(nodeId)) {
            visited.add(nodeId);
            next.push({ nodeId, name });
          }
        }
      }
    }
    frontier = next;
  }
  const missing = candidates.filter((p) => !found.has(p.id)).map((p) => p.id);
  return { nodes: [...found.values()], missing, requests, unmatched };
}
