/** How long a message id is remembered for de-duplication when a stream does not say. */
export const DEFAULT_DUPLICATE_WINDOW_MS = 2 * 60_000;
