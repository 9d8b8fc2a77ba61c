import type { Problem } from '@zcp/model';
import type { ZodError } from 'zod';

/**
 * An error that knows its HTTP status and stable code, and how to become problem+json
 * (RFC 9457). Route handlers throw these; one normaliser (`toProblem`) handles the rest.
 *
 * @example
 * throw new ApiError(404, 'point_not_found', `no point ${id}`)
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: Problem['errors'],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static fromZod(code: string, error: ZodError, where: 'query' | 'path' | 'body'): ApiError {
    const errors = error.issues.map((i) => ({ path: [where, ...i.path].join('.'), message: i.message }));
    return new ApiError(400, code, errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Turns anything thrown into a problem; unknown throws become a 500 without internals. */
export function toProblem(err: unknown, instance?: string): Problem {
  if (err instanceof ApiError) {
    return {
      type: `https://zcp.dev/problems/${err.code}`,
      title: TITLES[err.status] ?? 'Error',
      status: err.status,
      code: err.code,
      detail: err.message,
      ...(instance ? { instance } : {}),
      ...(err.errors ? { errors: err.errors } : {}),
    };
  }
  return {
    type: 'https://zcp.dev/problems/internal',
    title: TITLES[500] as string,
    status: 500,
    code: 'internal',
    detail: 'unexpected error; see the relay log',
    ...(instance ? { instance } : {}),
  };
}

export function problemResponse(problem: Problem): Response {
  return new Response(JSON.stringify(problem), { status: problem.status, headers: { 'content-type': PROBLEM_CONTENT_TYPE } });
}
