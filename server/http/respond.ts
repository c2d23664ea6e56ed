import type { ServerResponse } from 'node:http';

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

/** The request id (set by the request handler before anything else) goes with every error, for support. */
export function sendError(res: ServerResponse, error: HttpError): void {
	const requestId = res.getHeader('x-request-id');
	sendJson(res, error.status, { error: error.message, ...(typeof requestId === 'string' ? { requestId } : {}) });
}
