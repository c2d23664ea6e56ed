import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { readJson } from './body.ts';
import { HttpError } from './respond.ts';

/** A request whose body arrives as the test writes it. */
function request(): PassThrough & IncomingMessage {
	const stream = new PassThrough() as PassThrough & IncomingMessage;
	stream.headers = { 'content-type': 'application/json' };
	return stream;
}

describe('readJson', () => {
	it('reads a body that arrives in pieces', async () => {
		const req = request();
		const read = readJson(req, 1024, 1_000);
		req.write('{"title":');
		req.end('"Nämnd"}');
		expect(await read).toEqual({ title: 'Nämnd' });
	});

	it('gives up with 408 on a body that never finishes, and drops the connection', async () => {
		const req = request();
		const read = readJson(req, 1024, 50);
		req.write('{"title":');
		const error = await read.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(HttpError);
		expect((error as HttpError).status).toBe(408);
		expect(req.destroyed).toBe(true);
	});
});
