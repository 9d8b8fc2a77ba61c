import { ASSET_METRICS, type Asset, type Park, type Point, type PointUnit } from '@zcp/model';
import {
  AccessLevelFlag,
  type AddressSpace,
  DataType,
  DataValue,
  type EUInformation,
  makeEUInformation,
  StatusCodes,
  type UAObject,
  Variant,
} from 'node-opcua';
import type { ParkSimulator } from '../park-simulator.js';
import { OPCUA_WRITABLE_METRICS } from './opcua-naming.js';

/** UNECE Rec 20 common codes (what OPC UA's EUInformation.unitId encodes) for the park's units. */
const EU_BY_UNIT: Partial<Record<PointUnit, EUInformation>> = {
  kW: makeEUInformation('KWT', 'kW', 'kilowatt'),
  kWh: makeEUInformation('KWH', 'kWh', 'kilowatt hour'),
  kvar: makeEUInformation('KVR', 'kvar', 'kilovar'),
  V: makeEUInformation('VLT', 'V', 'volt'),
  Hz: makeEUInformation('HTZ', 'Hz', 'hertz'),
  '%': makeEUInformation('P1', '%', 'percent'),
  '°C': makeEUInformation('CEL', '°C', 'degree Celsius'),
  m3: makeEUInformation('MTQ', 'm³', 'cubic metre'),
  'm3/h': makeEUInformation('MQH', 'm³/h', 'cubic metre per hour'),
  'W/m2': makeEUInformation('D54', 'W/m²', 'watt per square metre'),
  GJ: makeEUInformation('GV', 'GJ', 'gigajoule'),
};

/** EURange (the normal operating range a client may scale a display to). */
function euRangeOf(point: Point, asset: Asset): { low: number; high: number } {
  if (point.unit === '%') return { low: 0, high: 100 };
  if (point.kind === 'counter') return { low: 0, high: 1e12 };
  const rated = asset.rating.ratedKw ?? 10_000;
  if (point.unit === 'kW' || point.unit === 'kvar') return { low: -2 * rated, high: 2 * rated };
  return { low: -1e6, high: 1e6 };
}

export interface ParkAddressSpaceOptions {
  /** Fastest sampling the server supports for these variables, ms (node-opcua's default is 1000). */
  minimumSamplingIntervalMs: number;
}

/**
 * Builds Objects/Park/<enterprise>/<building>/<asset>/<metric> in the server's own namespace:
 * park-level assets (grid meter, battery, boiler, EV chargers) sit directly under Park, an
 * enterprise's assets without a building under the enterprise. Browse names are the model
 * ids (so `<asset>.<metric>` of a variable is its point tag); display names are English.
 * Values are read from the simulator on every sample (the variable is a getter), with the
 * simulation instant as the source timestamp, so a read always sees the simulator's current
 * state and nothing has to be pushed per tick.
 *
 * @returns the number of variables created
 */
export function buildParkAddressSpace(addressSpace: AddressSpace, simulator: ParkSimulator, options: ParkAddressSpaceOptions): number {
  const park: Park = simulator.park;
  const ns = addressSpace.getOwnNamespace();
  const objects = addressSpace.rootFolder.objects;
  const root = ns.addFolder(objects, { browseName: 'Park', nodeId: 's=Park', displayName: park.name.en, description: `Park ${park.id}` });

  const enterpriseFolders = new Map<string, UAObject>();
  for (const e of park.enterprises) enterpriseFolders.set(e.id, ns.addFolder(root, { browseName: e.id, nodeId: `s=${e.id}`, displayName: e.name.en }));
  const buildingFolders = new Map<string, UAObject>();
  for (const b of park.buildings) {
    const parent = (b.enterpriseId ? enterpriseFolders.get(b.enterpriseId) : undefined) ?? root;
    buildingFolders.set(b.id, ns.addFolder(parent, { browseName: b.id, nodeId: `s=${b.id}`, displayName: b.name.en }));
  }

  const pointsByAsset = new Map<string, Point[]>();
  for (const p of park.points) pointsByAsset.set(p.assetId, [...(pointsByAsset.get(p.assetId) ?? []), p]);

  const dataValueOf = (pointId: number): DataValue => {
    const value = simulator.value(pointId);
    const t = simulator.timeMs();
    const sourceTimestamp = t === undefined ? new Date() : new Date(Math.round(t));
    if (value === undefined || !Number.isFinite(value)) {
      return new DataValue({ value: new Variant({ dataType: DataType.Double, value: 0 }), statusCode: StatusCodes.BadNoCommunication, sourceTimestamp });
    }
    return new DataValue({ value: new Variant({ dataType: DataType.Double, value }), statusCode: StatusCodes.Good, sourceTimestamp });
  };

  let count = 0;
  for (const asset of park.assets) {
    const parent =
      (asset.buildingId ? buildingFolders.get(asset.buildingId) : undefined) ??
      (asset.enterpriseId ? enterpriseFolders.get(asset.enterpriseId) : undefined) ??
      root;
    const assetNode = ns.addObject({ organizedBy: parent, browseName: asset.id, nodeId: `s=${asset.id}`, displayName: asset.name.en });
    for (const point of pointsByAsset.get(asset.id) ?? []) {
      const writable = OPCUA_WRITABLE_METRICS.has(`${asset.kind}.${point.metric}`);
      const spec = ASSET_METRICS[asset.kind].find((m) => m.metric === point.metric);
      const access = writable ? AccessLevelFlag.CurrentRead | AccessLevelFlag.CurrentWrite : AccessLevelFlag.CurrentRead;
      const value = {
        timestamped_get: () => dataValueOf(point.id),
        ...(writable
          ? {
              timestamped_set: async (dv: DataValue) => {
                try {
                  simulator.setSetpoint(asset.id, Number(dv.value.value));
                  return StatusCodes.Good;
                } catch {
                  // The battery refuses setpoints beyond its rating (setpoint_out_of_range).
                  return StatusCodes.BadOutOfRange;
                }
              },
            }
          : {}),
      };
      const common = {
        componentOf: assetNode,
        browseName: point.metric,
        nodeId: `s=${point.tag}`,
        displayName: spec?.label.en ?? point.metric,
        dataType: 'Double',
        minimumSamplingInterval: options.minimumSamplingIntervalMs,
        accessLevel: access,
        userAccessLevel: access,
        value,
      };
      const eu = EU_BY_UNIT[point.unit];
      if (eu) ns.addAnalogDataItem({ ...common, engineeringUnits: eu, engineeringUnitsRange: euRangeOf(point, asset) });
      else ns.addVariable(common);
      count++;
    }
  }
  return count;
}
