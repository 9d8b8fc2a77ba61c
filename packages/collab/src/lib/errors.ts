/** Why a collab call failed, with a stable code (STYLE.md habit 6). */
export type CollabErrorCode = 'not_found' | 'invalid_input' | 'invalid_move' | 'refused';

export class CollabError extends Error {
  constructor(
    readonly code: CollabErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CollabError';
  }
}
