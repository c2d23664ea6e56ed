import type { IncomingMessage } from 'node:http';
import { HttpError } from './respond.ts';

/** A JSON body is small: one that has not arrived by then never will. */
export const JSON_BODY_TIMEOUT_MS = 10_000;

/**
 * Reads a JSON request body: 415 unless it is declared JSON, 413 past `limit` bytes, 408 when
 * it has not fully arrived within JSON_BODY_TIMEOUT_MS, 400 if unparsable.
 */
export async function readJson(req: IncomingMessage, limit: number, timeoutMs = JSON_BODY_TIMEOUT_MS): Promise<unknown> {
	const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	if (type !== 'application/json') throw new HttpError(415, 'Content-Type must be application/json');
	const declared = Number(req.headers['content-length']);
	if (Number.isFinite(declared) && declared > limit) throw new HttpError(413, `Body larger than ${limit} bytes`);

	const chunks: Buffer[] = [];
	let size = 0;
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		// Ends the iteration below; the connection is not reused (the rest of the body never came).
		req.destroy();
	}, timeoutMs);
	try {
		for await (const chunk of req as AsyncIterable<Buffer>) {
			size += chunk.length;
			if (size > limit) throw new HttpError(413, `Body larger than ${limit} bytes`);
			chunks.push(chunk);
		}
	} catch (error) {
		if (timedOut) throw new HttpError(408, 'The request body did not arrive in time');
		throw error;
	} finally {
		clearTimeout(timer);
	}
	if (timedOut) throw new HttpError(408, 'The request body did not arrive in time');
	try {
		return JSON.parse(Buffer.concat(chunks).toString('utf8'));
	} catch {
		throw new HttpError(400, 'Body is not valid JSON');
	}
}
