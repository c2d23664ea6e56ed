import type { IncomingMessage } from 'node:http';
import { HttpError } from './respond.ts';

/** Reads a JSON request body: 415 unless it is declared JSON, 413 past `limit` bytes, 400 if unparsable. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
	const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	if (type !== 'application/json') throw new HttpError(415, 'Content-Type must be application/json');
	const declared = Number(req.headers['content-length']);
	if (Number.isFinite(declared) && declared > limit) throw new HttpError(413, `Body larger than ${limit} bytes`);

	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req as AsyncIterable<Buffer>) {
		size += chunk.length;
		if (size > limit) throw new HttpError(413, `Body larger than ${limit} bytes`);
		chunks.push(chunk);
	}
	try {
		return JSON.parse(Buffer.concat(chunks).toString('utf8'));
	} catch {
		throw new HttpError(400, 'Body is not valid JSON');
	}
}
