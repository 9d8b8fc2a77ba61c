import type { AssetKind, PointUnit } from './schema.js';

export interface MetricSpec {
  metric: string;
  unit: PointUnit;
  kind: 'gauge' | 'counter';
  label: { zh: string; en: string };
}

const m = (metric: string, unit: PointUnit, kind: 'gauge' | 'counter', zh: string, en: string): MetricSpec => ({
  metric,
  unit,
  kind,
  label: { zh, en },
});

/**
 * The points every asset of a kind exposes. Power sign conventions (one for the whole
 * product): consumers report positive `p_kw` when drawing power; PV reports positive
 * generation; the battery reports positive `p_kw` when DISCHARGING into the park; the grid
 * meter reports positive `p_kw` when IMPORTING from the grid; a green line meter reports
 * positive `p_kw` when delivering into its enterprise (a supply, like PV).
 */
export const ASSET_METRICS: Readonly<Record<AssetKind, readonly MetricSpec[]>> = {
  grid_meter: [
    m('p_kw', 'kW', 'gauge', '有功功率', 'Active power'),
    m('q_kvar', 'kvar', 'gauge', '无功功率', 'Reactive power'),
    m('v_ll', 'V', 'gauge', '线电压', 'Line voltage'),
    m('f_hz', 'Hz', 'gauge', '频率', 'Frequency'),
    m('e_import_kwh', 'kWh', 'counter', '正向有功电能', 'Energy imported'),
    m('e_export_kwh', 'kWh', 'counter', '反向有功电能', 'Energy exported'),
  ],
  sub_meter: [
    m('p_kw', 'kW', 'gauge', '有功功率', 'Active power'),
    m('e_import_kwh', 'kWh', 'counter', '正向有功电能', 'Energy imported'),
    m('e_export_kwh', 'kWh', 'counter', '反向有功电能', 'Energy exported'),
  ],
  pv_inverter: [
    m('p_kw', 'kW', 'gauge', '发电功率', 'AC power'),
    m('e_kwh', 'kWh', 'counter', '累计发电量', 'Energy generated'),
    m('irradiance_wm2', 'W/m2', 'gauge', '辐照度', 'Plane irradiance'),
    m('module_temp_c', '°C', 'gauge', '组件温度', 'Module temperature'),
  ],
  battery: [
    m('p_kw', 'kW', 'gauge', '充放电功率', 'Power (discharge +)'),
    m('soc_pct', '%', 'gauge', '荷电状态', 'State of charge'),
    m('e_charge_kwh', 'kWh', 'counter', '累计充电量', 'Energy charged'),
    m('e_discharge_kwh', 'kWh', 'counter', '累计放电量', 'Energy discharged'),
    m('cell_temp_c', '°C', 'gauge', '电芯温度', 'Cell temperature'),
    m('setpoint_kw', 'kW', 'gauge', '功率设定值', 'Power setpoint'),
  ],
  ev_charger: [
    m('p_kw', 'kW', 'gauge', '充电功率', 'Charging power'),
    m('e_kwh', 'kWh', 'counter', '累计充电量', 'Energy delivered'),
    m('connected', '', 'gauge', '车辆连接', 'Vehicle connected'),
  ],
  gas_boiler: [
    m('heat_kw', 'kW', 'gauge', '供热功率', 'Heat output'),
    m('gas_m3h', 'm3/h', 'gauge', '燃气流量', 'Gas flow'),
    m('gas_m3', 'm3', 'counter', '累计燃气量', 'Gas consumed'),
    m('e_heat_kwh', 'kWh', 'counter', '累计供热量', 'Heat delivered'),
    m('supply_temp_c', '°C', 'gauge', '供水温度', 'Supply temperature'),
  ],
  chiller: [
    m('p_kw', 'kW', 'gauge', '电功率', 'Electric power'),
    m('e_kwh', 'kWh', 'counter', '累计电量', 'Energy consumed'),
    m('cooling_kw', 'kW', 'gauge', '制冷量', 'Cooling output'),
    m('cop', '', 'gauge', '能效比', 'COP'),
    m('chw_supply_c', '°C', 'gauge', '冷冻水供水温度', 'Chilled water supply'),
  ],
  production_line: [
    m('p_kw', 'kW', 'gauge', '电功率', 'Electric power'),
    m('e_kwh', 'kWh', 'counter', '累计电量', 'Energy consumed'),
    m('output_uph', 'units/h', 'gauge', '产量', 'Output rate'),
    m('running', '', 'gauge', '运行状态', 'Running'),
  ],
  building_load: [m('p_kw', 'kW', 'gauge', '电功率', 'Electric power'), m('e_kwh', 'kWh', 'counter', '累计电量', 'Energy consumed')],
  // Heat bought from outside the park (steam from a utility's CHP plant), metered at the enterprise's intake.
  heat_meter: [m('heat_kw', 'kW', 'gauge', '热功率', 'Heat flow'), m('e_heat_gj', 'GJ', 'counter', '累计热量', 'Heat received')],
  // 绿电直连: a dedicated line from an off-site wind/PV plant into one enterprise, not through the park's grid connection.
  green_line_meter: [
    m('p_kw', 'kW', 'gauge', '直连绿电功率', 'Direct green power'),
    m('e_import_kwh', 'kWh', 'counter', '直连绿电电量', 'Direct green energy'),
  ],
};

/** Asset kinds whose `p_kw` draws power from the park's bus (load convention). */
export const LOAD_KINDS: ReadonlySet<AssetKind> = new Set(['ev_charger', 'chiller', 'production_line', 'building_load']);

export function metricSpec(kind: AssetKind, metric: string): MetricSpec | undefined {
  return ASSET_METRICS[kind].find((s) => s.metric === metric);
}
