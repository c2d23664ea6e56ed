/**
 * The request id: the one a trusted proxy sent (`X-Request-Id`, when it looks like an id),
 * else a new UUID. It is answered in the `X-Request-Id` header and in every error body, and
 * stamped on every log line written while the request is handled (see `logContext`), so a
 * user's "it said error abc123" finds the server's lines at once.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const ACCEPTED = /^[A-Za-z0-9._:-]{8,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

export function requestId(req: IncomingMessage, trustProxy: boolean): string {
	const given = trustProxy ? req.headers[REQUEST_ID_HEADER] : undefined;
	return typeof given === 'string' && ACCEPTED.test(given) ? given : randomUUID();
}
