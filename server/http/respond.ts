import type { ServerResponse } from 'node:http';
import { DomainError, type DomainErrorKind } from '../shared/errors.ts';

/** Every API answer is JSON; errors are `{ "error": "<clear message>", "requestId": "…" }`. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json; charset=utf-8',
		'Content-Length': Buffer.byteLength(text),
		'Cache-Control': 'no-store',
		...headers
	});
	res.end(text);
}

export class HttpError extends Error {
	readonly status: number;
	constructor(status: number, message: string) {
		super(message);
		this.status = status;
	}
}

const STATUS_OF: Record<DomainErrorKind, number> = {
	invalid: 400,
	unauthorized: 401,
	forbidden: 403,
	'not-found': 404,
	conflict: 409,
	full: 507
};

/** The HTTP answer to a service's refusal; null for anything else (a bug: 500). */
export function asHttpError(error: unknown): HttpError | null {
	if (error instanceof HttpError) return error;
	if (error instanceof DomainError) return new HttpError(STATUS_OF[error.kind], error.message);
	return null;
}

/** The request id (set by the request handler before anything else) goes with every error, for support. */
export function sendError(res: ServerResponse, error: HttpError): void {
	const requestId = res.getHeader('x-request-id');
	sendJson(res, error.status, { error: error.message, ...(typeof requestId === 'string' ? { requestId } : {}) });
}
