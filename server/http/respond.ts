import type { ServerResponse } from 'node:http';

/** Every API answer is JSON; errors are `{ "error": "<clear message>" }`. */
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

export function sendError(res: ServerResponse, error: HttpError): void {
	sendJson(res, error.status, { error: error.message });
}
