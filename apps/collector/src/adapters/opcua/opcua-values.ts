import type { Quality } from '@zcp/model';
import { DataType, type StatusCode } from 'node-opcua-client';
import { CollectorError, type ErrorInfo, errorInfo } from '../../errors.js';

/**
 * Quality from an OPC UA StatusCode's severity (the two top bits, Part 4 §7.39):
 * 00 Good → good, 01 Uncertain → uncertain, 10/11 Bad → bad.
 */
export function qualityOf(statusCode: StatusCode): Quality {
  const severity = statusCode.value >>> 30;
  return severity === 0 ? 'good' : severity === 1 ? 'uncertain' : 'bad';
}

/**
 * A Variant's value as a number: numbers as they are, booleans 1/0, 64-bit integers (which
 * node-opcua carries as [high, low] 32-bit words) combined; anything else NaN.
 */
export function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'number') {
    return value[0] * 2 ** 32 + value[1];
  }
  return Number.NaN;
}

const INTEGER_TYPES: ReadonlySet<DataType> = new Set([DataType.SByte, DataType.Byte, DataType.Int16, DataType.UInt16, DataType.Int32, DataType.UInt32]);

/** What a variable of `dataType` stores when `raw` is written: the read-back must equal it. */
export function storedValue(raw: number, dataType: DataType): number {
  if (dataType === DataType.Float) return Math.fround(raw);
  if (INTEGER_TYPES.has(dataType)) return Math.round(raw);
  return raw;
}

export function isNumericDataType(dataType: DataType): boolean {
  return dataType === DataType.Double || dataType === DataType.Float || INTEGER_TYPES.has(dataType) || dataType === DataType.Boolean;
}

const LOGIN_REFUSED = /BadUserAccessDenied|BadIdentityTokenInvalid|BadIdentityTokenRejected|BadUserSignatureInvalid/;
const SECURITY_REFUSED = /BadSecurityChecksFailed|BadCertificate\w*|BadSecurityPolicyRejected|BadSecurityModeRejected/;

/**
 * Turns node-opcua's errors (messages carrying a StatusCode name) into our codes, with a
 * message an operator can act on: a refused login or certificate says so.
 */
export function opcuaErrorInfo(e: unknown, endpointUrl: string): ErrorInfo {
  const info = errorInfo(e);
  const login = LOGIN_REFUSED.exec(info.message);
  if (login) return { code: 'not_connected', message: `${endpointUrl} refused the login (${login[0]}): check the username and password` };
  const security = SECURITY_REFUSED.exec(info.message);
  if (security)
    return { code: 'not_connected', message: `${endpointUrl} refused the secure channel (${security[0]}): check certificates and security settings` };
  if (/BadTimeout|timeout/i.test(info.message)) return { code: 'timeout', message: info.message };
  if (/ECONNREFUSED|ECONNRESET|EPIPE|socket|closed|not connected|BadConnectionClosed|BadSessionIdInvalid|BadSecureChannel/i.test(info.message)) {
    return { code: 'not_connected', message: info.message };
  }
  return info;
}

export function opcuaError(e: unknown, endpointUrl: string): CollectorError {
  const info = opcuaErrorInfo(e, endpointUrl);
  return new CollectorError(info.code, info.message, { cause: e });
}

/** Write result codes from a Write's StatusCode. */
export function writeErrorInfo(statusCode: StatusCode, nodeId: string): ErrorInfo {
  const name = statusCode.name;
  if (/BadNotWritable|BadUserAccessDenied|BadWriteNotSupported/.test(name)) return { code: 'not_writable', message: `${nodeId} refused the write (${name})` };
  if (/BadOutOfRange/.test(name)) return { code: 'setpoint_out_of_range', message: `${nodeId} refused the value (${name})` };
  if (/BadNodeIdUnknown|BadNodeIdInvalid/.test(name)) return { code: 'unknown_point', message: `${nodeId} does not exist on the server (${name})` };
  return { code: 'internal', message: `write to ${nodeId} failed (${name})` };
}
