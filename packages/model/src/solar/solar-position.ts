/**
 * Where the sun is and how much light reaches a surface under a clear sky.
 *
 * Sun position follows NOAA's solar calculator (the "General Solar Position Calculations"
 * spreadsheet after Meeus, *Astronomical Algorithms*): accurate to about 0.01° for years
 * 1800–2100, which is far better than any PV or load forecast needs. Runtime-agnostic: pure
 * arithmetic on epoch milliseconds, no `node:` imports, no ambient clock.
 *
 * Clear-sky irradiance is deliberately simple (Meinel beam attenuation with Kasten–Young air
 * mass, diffuse as a fixed fraction of beam, isotropic sky on tilted planes): it gives the
 * right shape and magnitude for simulation and as a forecast baseline; it is not a
 * bankability model (use Ineichen/REST2 with measured turbidity for that).
 *
 * @see https://gml.noaa.gov/grad/solcalc/calcdetails.html
 * @see https://www.pveducation.org/pvcdrom/properties-of-sunlight/air-mass
 */

const DEG = Math.PI / 180;
const MS_PER_DAY = 86_400_000;
/** Julian day number of the Unix epoch, 1970-01-01T00:00Z. */
const JULIAN_DAY_UNIX_EPOCH = 2_440_587.5;
/** Julian day of J2000.0, 2000-01-01T12:00 TT (UT used; the ~1 min ΔT is below our accuracy). */
const JULIAN_DAY_J2000 = 2_451_545;
const DAYS_PER_JULIAN_CENTURY = 36_525;

/** Total solar irradiance at 1 AU, W/m² (Kopp & Lean 2011, SORCE/TIM). */
export const SOLAR_CONSTANT_WM2 = 1361;
/** Clear-sky diffuse irradiance as a fraction of beam (PVEducation: global ≈ 1.1 × direct). */
const CLEAR_SKY_DIFFUSE_FRACTION = 0.1;
/** Ground reflectance used when the caller gives none (grass / concrete average). */
const DEFAULT_ALBEDO = 0.2;

export interface SolarPosition {
  /** Apparent elevation above the horizon, degrees, corrected for atmospheric refraction. */
  elevationDeg: number;
  /** 90° − elevation. */
  zenithDeg: number;
  /** Clockwise from true north: 90 east, 180 south, 270 west. */
  azimuthDeg: number;
  declinationDeg: number;
  /** Apparent minus mean solar time, minutes. */
  equationOfTimeMin: number;
  /** Negative before solar noon, degrees (15° per hour). */
  hourAngleDeg: number;
  /** Irradiance on a plane normal to the sun at the top of the atmosphere, W/m². */
  extraterrestrialWm2: number;
}

export interface ClearSkyIrradiance {
  /** Global horizontal irradiance, W/m². */
  ghiWm2: number;
  /** Direct normal irradiance, W/m². */
  dniWm2: number;
  /** Diffuse horizontal irradiance, W/m². */
  dhiWm2: number;
}

export interface PvSurface {
  /** 0 = horizontal, 90 = vertical. */
  tiltDeg: number;
  /** Direction the surface faces, clockwise from north (180 = due south). */
  azimuthDeg: number;
  /** Ground reflectance 0..1; default 0.2. */
  albedo?: number;
}

const sin = (deg: number) => Math.sin(deg * DEG);
const cos = (deg: number) => Math.cos(deg * DEG);
const tan = (deg: number) => Math.tan(deg * DEG);
const clampUnit = (x: number) => Math.min(1, Math.max(-1, x));
const mod = (x: number, m: number) => ((x % m) + m) % m;

/** Refraction lifts the apparent sun; NOAA's piecewise fit, returned in degrees. */
function refractionDeg(elevationDeg: number): number {
  const e = elevationDeg;
  let arcsec: number;
  if (e > 85) arcsec = 0;
  else if (e > 5) {
    const t = tan(e);
    arcsec = 58.1 / t - 0.07 / t ** 3 + 0.000086 / t ** 5;
  } else if (e > -0.575) arcsec = 1735 + e * (-518.2 + e * (103.4 + e * (-12.79 + e * 0.711)));
  else arcsec = -20.772 / tan(e);
  return arcsec / 3600;
}

/**
 * The sun's apparent position for an instant and a place (NOAA algorithm).
 *
 * @example
 * const sun = solarPosition(Date.UTC(2025, 5, 21, 4, 0), 31.3, 120.62)
 * sun.elevationDeg // ≈ 82 (solar noon near Suzhou at the June solstice)
 */
export function solarPosition(tMs: number, latDeg: number, lonDeg: number): SolarPosition {
  const julianDay = tMs / MS_PER_DAY + JULIAN_DAY_UNIX_EPOCH;
  const jc = (julianDay - JULIAN_DAY_J2000) / DAYS_PER_JULIAN_CENTURY;

  const meanLongitude = mod(280.46646 + jc * (36000.76983 + jc * 0.0003032), 360);
  const meanAnomaly = 357.52911 + jc * (35999.05029 - 0.0001537 * jc);
  const eccentricity = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc);
  const centre =
    sin(meanAnomaly) * (1.914602 - jc * (0.004817 + 0.000014 * jc)) + sin(2 * meanAnomaly) * (0.019993 - 0.000101 * jc) + sin(3 * meanAnomaly) * 0.000289;
  const trueLongitude = meanLongitude + centre;
  const trueAnomaly = meanAnomaly + centre;
  const radiusAu = (1.000001018 * (1 - eccentricity * eccentricity)) / (1 + eccentricity * cos(trueAnomaly));
  const omega = 125.04 - 1934.136 * jc;
  const apparentLongitude = trueLongitude - 0.00569 - 0.00478 * sin(omega);
  const meanObliquity = 23 + (26 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60) / 60;
  const obliquity = meanObliquity + 0.00256 * cos(omega);
  const declinationDeg = Math.asin(clampUnit(sin(obliquity) * sin(apparentLongitude))) / DEG;

  const y = tan(obliquity / 2) ** 2;
  const equationOfTimeMin =
    (4 / DEG) *
    (y * sin(2 * meanLongitude) -
      2 * eccentricity * sin(meanAnomaly) +
      4 * eccentricity * y * sin(meanAnomaly) * cos(2 * meanLongitude) -
      0.5 * y * y * sin(4 * meanLongitude) -
      1.25 * eccentricity * eccentricity * sin(2 * meanAnomaly));

  // True solar time from UTC minutes: the spreadsheet's "+ 4·lon − 60·tz" with tz = 0.
  const utcMinutes = mod(tMs, MS_PER_DAY) / 60_000;
  const trueSolarMin = mod(utcMinutes + equationOfTimeMin + 4 * lonDeg, 1440);
  const hourAngleDeg = trueSolarMin / 4 < 0 ? trueSolarMin / 4 + 180 : trueSolarMin / 4 - 180;

  const cosZenith = clampUnit(sin(latDeg) * sin(declinationDeg) + cos(latDeg) * cos(declinationDeg) * cos(hourAngleDeg));
  const geometricZenithDeg = Math.acos(cosZenith) / DEG;
  const sinZenith = sin(geometricZenithDeg);
  let azimuthDeg: number;
  if (Math.abs(sinZenith) < 1e-12 || Math.abs(cos(latDeg)) < 1e-12) {
    // Sun at the zenith or observer at a pole: azimuth is undefined; report due south/north.
    azimuthDeg = latDeg >= declinationDeg ? 180 : 0;
  } else {
    const a = Math.acos(clampUnit((sin(latDeg) * cosZenith - sin(declinationDeg)) / (cos(latDeg) * sinZenith))) / DEG;
    azimuthDeg = hourAngleDeg > 0 ? mod(a + 180, 360) : mod(540 - a, 360);
  }

  const elevationDeg = 90 - geometricZenithDeg + refractionDeg(90 - geometricZenithDeg);
  return {
    elevationDeg,
    zenithDeg: 90 - elevationDeg,
    azimuthDeg,
    declinationDeg,
    equationOfTimeMin,
    hourAngleDeg,
    extraterrestrialWm2: SOLAR_CONSTANT_WM2 / (radiusAu * radiusAu),
  };
}

/** Relative optical air mass (Kasten & Young 1989); valid down to the horizon. */
export function airMass(zenithDeg: number): number {
  return 1 / (cos(zenithDeg) + 0.50572 * (96.07995 - zenithDeg) ** -1.6364);
}

/**
 * Clear-sky irradiance for a sun position: exactly zero with the sun at or below the
 * horizon. Beam: Meinel & Meinel (1976), DNI = E0 · 0.7^(AM^0.678).
 *
 * @example
 * clearSkyIrradiance(solarPosition(t, 31.3, 120.62)).ghiWm2 // ≈ 1,000 at a summer noon
 */
export function clearSkyIrradiance(position: SolarPosition): ClearSkyIrradiance {
  if (position.elevationDeg <= 0) return { ghiWm2: 0, dniWm2: 0, dhiWm2: 0 };
  const dniWm2 = position.extraterrestrialWm2 * 0.7 ** (airMass(position.zenithDeg) ** 0.678);
  const dhiWm2 = CLEAR_SKY_DIFFUSE_FRACTION * dniWm2;
  return { ghiWm2: dniWm2 * cos(position.zenithDeg) + dhiWm2, dniWm2, dhiWm2 };
}

/** Cosine of the angle of incidence of the beam on a surface (negative: sun behind it). */
export function cosIncidence(position: SolarPosition, surface: PvSurface): number {
  return cos(position.zenithDeg) * cos(surface.tiltDeg) + sin(position.zenithDeg) * sin(surface.tiltDeg) * cos(position.azimuthDeg - surface.azimuthDeg);
}

/**
 * Plane-of-array irradiance, W/m², with the isotropic sky model (Liu & Jordan):
 * beam · max(0, cos AOI) + diffuse · (1 + cos β)/2 + global · albedo · (1 − cos β)/2.
 * A horizontal surface receives exactly the global horizontal irradiance.
 *
 * @example
 * const sun = solarPosition(t, lat, lon)
 * planeOfArrayIrradiance(sun, clearSkyIrradiance(sun), { tiltDeg: 15, azimuthDeg: 180 })
 */
export function planeOfArrayIrradiance(position: SolarPosition, sky: ClearSkyIrradiance, surface: PvSurface): number {
  if (sky.ghiWm2 <= 0) return 0;
  const albedo = surface.albedo ?? DEFAULT_ALBEDO;
  const beam = sky.dniWm2 * Math.max(0, cosIncidence(position, surface));
  const diffuse = (sky.dhiWm2 * (1 + cos(surface.tiltDeg))) / 2;
  const ground = (sky.ghiWm2 * albedo * (1 - cos(surface.tiltDeg))) / 2;
  return beam + diffuse + ground;
}
