/**
 * Reading a connection's request line in the primary, before it is handed to a worker.
 * Bounded in size (MAX_REQUEST_LINE_BYTES) and time: a connection that sends no request
 * line in time is closed, one that sends too much without a line end gets 431. Once the
 * line is in, the socket stops reading, so every byte the primary did not read stays in
 * the kernel for the worker, and the bytes it read travel with the socket.
 */
import type { Socket } from 'node:net';
import { requestLine } from './route.ts';

export type Peeked = { line: string; head: Buffer } | null;

const TOO_LARGE =
	'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 24\r\n\r\nRequest line too large.\n';

/** Resolves with the request line and every byte read, or null once the socket was closed (too slow, too large, gone). */
export function peekRequestLine(socket: Socket, timeoutMs: number): Promise<Peeked> {
	return new Promise((resolve) => {
		let head: Buffer = Buffer.alloc(0);
		let done = false;
		const finish = (result: Peeked) => {
			if (done) return;
			done = true;
			clearTimeout(timer);
			socket.off('data', onData);
			socket.off('end', onGone);
			socket.off('close', onGone);
			resolve(result);
		};
		const onGone = () => {
			socket.destroy();
			finish(null);
		};
		const onData = (chunk: Buffer) => {
			head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
			const line = requestLine(head);
			if (line === 'incomplete') return;
			// Nothing more is read here: what the client sends next waits in the kernel for the worker.
			socket.pause();
			(socket as Socket & { _handle?: { readStop?(): number } })._handle?.readStop?.();
			if (line === 'too-long') {
				socket.end(TOO_LARGE);
				socket.destroySoon();
				finish(null);
				return;
			}
			finish({ line, head });
		};
		const timer = setTimeout(() => {
			// As Node's own headersTimeout: no request line in time, no answer either.
			socket.destroy();
			finish(null);
		}, timeoutMs);
		socket.on('data', onData);
		socket.once('end', onGone);
		socket.once('close', onGone);
	});
}
