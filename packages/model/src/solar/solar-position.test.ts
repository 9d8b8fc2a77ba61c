import { describe, expect, it } from 'vitest';
import { airMass, clearSkyIrradiance, planeOfArrayIrradiance, SOLAR_CONSTANT_WM2, solarPosition } from './solar-position.js';

const SUZHOU = { lat: 31.3, lon: 120.62 };
const MINUTE_MS = 60_000;

/** Highest elevation of the day (scanned per minute) and when it happens. */
function solarNoon(dayUtcMs: number, lat: number, lon: number) {
  let best = { tMs: dayUtcMs, elevationDeg: -90, azimuthDeg: 0 };
  for (let m = 0; m < 1440; m++) {
    const tMs = dayUtcMs + m * MINUTE_MS;
    const p = solarPosition(tMs, lat, lon);
    if (p.elevationDeg > best.elevationDeg) best = { tMs, elevationDeg: p.elevationDeg, azimuthDeg: p.azimuthDeg };
  }
  return best;
}

describe('solarPosition', () => {
  it('matches the NREL SPA reference case (Reda & Andreas 2004, Golden CO) within 0.05°', () => {
    // 2003-10-17 12:30:30 local (UTC−7); SPA: zenith 50.11162°, azimuth 194.34024°.
    const p = solarPosition(Date.UTC(2003, 9, 17, 19, 30, 30), 39.742476, -105.1786);
    expect(p.zenithDeg).toBeCloseTo(50.11162, 1);
    expect(Math.abs(p.zenithDeg - 50.11162)).toBeLessThan(0.05);
    expect(Math.abs(p.azimuthDeg - 194.34024)).toBeLessThan(0.05);
  });

  it('culminates at 90° − lat + declination at the solstices, due south', () => {
    const june = solarNoon(Date.UTC(2025, 5, 21), SUZHOU.lat, SUZHOU.lon);
    expect(june.elevationDeg).toBeGreaterThan(90 - 31.3 + 23.4 - 0.1);
    expect(june.elevationDeg).toBeLessThan(90 - 31.3 + 23.45 + 0.1);
    const december = solarNoon(Date.UTC(2025, 11, 21), SUZHOU.lat, SUZHOU.lon);
    expect(Math.abs(december.elevationDeg - (90 - 31.3 - 23.44))).toBeLessThan(0.15);
    expect(Math.abs(december.azimuthDeg - 180)).toBeLessThan(1);
    // Solar noon at 120.62° E is about 11:57 local (03:57 UTC) give or take the equation of time.
    const noonUtcH = (december.tMs - Date.UTC(2025, 11, 21)) / 3_600_000;
    expect(noonUtcH).toBeGreaterThan(3.6);
    expect(noonUtcH).toBeLessThan(4.1);
  });

  it('is below the horizon at local midnight and rises in the east, sets in the west', () => {
    const midnight = solarPosition(Date.UTC(2025, 5, 21, 16, 0), SUZHOU.lat, SUZHOU.lon); // 00:00 UTC+8
    expect(midnight.elevationDeg).toBeLessThan(-20);
    const morning = solarPosition(Date.UTC(2025, 5, 21, 0, 0), SUZHOU.lat, SUZHOU.lon); // 08:00 local
    expect(morning.azimuthDeg).toBeGreaterThan(45);
    expect(morning.azimuthDeg).toBeLessThan(135);
    expect(morning.hourAngleDeg).toBeLessThan(0);
    const evening = solarPosition(Date.UTC(2025, 5, 21, 10, 0), SUZHOU.lat, SUZHOU.lon); // 18:00 local
    expect(evening.azimuthDeg).toBeGreaterThan(225);
    expect(evening.hourAngleDeg).toBeGreaterThan(0);
  });

  it('has the known equation-of-time extremes (+16.4 min early Nov, −14.2 min mid Feb)', () => {
    expect(solarPosition(Date.UTC(2025, 10, 3, 12), 0, 0).equationOfTimeMin).toBeCloseTo(16.4, 0);
    expect(solarPosition(Date.UTC(2025, 1, 11, 12), 0, 0).equationOfTimeMin).toBeCloseTo(-14.2, 0);
  });

  it('puts the extraterrestrial irradiance 3.3 % above the constant at perihelion and below at aphelion', () => {
    const jan = solarPosition(Date.UTC(2025, 0, 4), 0, 0).extraterrestrialWm2;
    const jul = solarPosition(Date.UTC(2025, 6, 4), 0, 0).extraterrestrialWm2;
    expect(jan / SOLAR_CONSTANT_WM2).toBeCloseTo(1.034, 2);
    expect(jul / SOLAR_CONSTANT_WM2).toBeCloseTo(0.967, 2);
  });
});

describe('clearSkyIrradiance', () => {
  it('is exactly zero at night and about 1 kW/m² at a summer noon', () => {
    const night = clearSkyIrradiance(solarPosition(Date.UTC(2025, 5, 21, 16), SUZHOU.lat, SUZHOU.lon));
    expect(night).toEqual({ ghiWm2: 0, dniWm2: 0, dhiWm2: 0 });
    const noon = clearSkyIrradiance(solarPosition(Date.UTC(2025, 5, 21, 4), SUZHOU.lat, SUZHOU.lon));
    expect(noon.ghiWm2).toBeGreaterThan(900);
    expect(noon.ghiWm2).toBeLessThan(1100);
    expect(noon.dhiWm2).toBeCloseTo(noon.dniWm2 * 0.1, 6);
  });

  it('grows with elevation through the morning', () => {
    let previous = -1;
    for (let h = -1; h <= 4; h += 0.25) {
      const ghi = clearSkyIrradiance(solarPosition(Date.UTC(2025, 2, 20) + h * 3_600_000, SUZHOU.lat, SUZHOU.lon)).ghiWm2;
      expect(ghi).toBeGreaterThanOrEqual(previous);
      previous = ghi;
    }
    expect(previous).toBeGreaterThan(700);
  });

  it('uses an air mass of 1 overhead and about 38 at the horizon', () => {
    expect(airMass(0)).toBeCloseTo(1, 3);
    expect(airMass(60)).toBeCloseTo(2, 1);
    expect(airMass(90)).toBeGreaterThan(30);
  });
});

describe('planeOfArrayIrradiance', () => {
  const winterNoon = solarPosition(Date.UTC(2025, 11, 21, 4), SUZHOU.lat, SUZHOU.lon);
  const sky = clearSkyIrradiance(winterNoon);

  it('equals global horizontal irradiance on a horizontal plane', () => {
    expect(planeOfArrayIrradiance(winterNoon, sky, { tiltDeg: 0, azimuthDeg: 180 })).toBeCloseTo(sky.ghiWm2, 9);
  });

  it('gains from tilting south in winter and loses the beam facing north', () => {
    const south = planeOfArrayIrradiance(winterNoon, sky, { tiltDeg: 30, azimuthDeg: 180 });
    const north = planeOfArrayIrradiance(winterNoon, sky, { tiltDeg: 70, azimuthDeg: 0 });
    expect(south).toBeGreaterThan(sky.ghiWm2 * 1.2);
    // Steep north face: no beam, only sky diffuse and ground reflection.
    expect(north).toBeLessThan(sky.dhiWm2 + sky.ghiWm2 * 0.2);
  });

  it('is zero when the sky gives nothing', () => {
    expect(planeOfArrayIrradiance(winterNoon, { ghiWm2: 0, dniWm2: 0, dhiWm2: 0 }, { tiltDeg: 15, azimuthDeg: 180 })).toBe(0);
  });
});
