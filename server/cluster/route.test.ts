import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { peekRequestLine } from './peek.ts';
import { MAX_REQUEST_LINE_BYTES, meetingOfRequestLine, requestLine, slotOf } from './route.ts';

describe('routing a request line', () => {
	it('keys both parts of a meeting by its id, and nothing else', () => {
		expect(meetingOfRequestLine('GET /sync/abc123?token=x HTTP/1.1\r')).toBe('abc123');
		expect(meetingOfRequestLine('GET /sync/abc123/confidential?token=x HTTP/1.1')).toBe('abc123');
		expect(meetingOfRequestLine('GET http://host/sync/abc123 HTTP/1.1')).toBe('abc123');
		expect(meetingOfRequestLine('GET /api/meetings/abc123 HTTP/1.1')).toBeNull();
		expect(meetingOfRequestLine('GET /sync/ HTTP/1.1')).toBeNull();
		expect(meetingOfRequestLine('GARBAGE')).toBeNull();
		expect(meetingOfRequestLine(`GET /sync/${'a'.repeat(300)} HTTP/1.1`)).toBeNull();
	});

	it('finds the line end within the limit', () => {
		expect(requestLine(Buffer.from('GET / HT'))).toBe('incomplete');
		expect(requestLine(Buffer.from('GET / HTTP/1.1\r\nHost: x'))).toBe('GET / HTTP/1.1\r');
		expect(requestLine(Buffer.alloc(MAX_REQUEST_LINE_BYTES + 1, 0x61))).toBe('too-long');
		expect(requestLine(Buffer.concat([Buffer.alloc(MAX_REQUEST_LINE_BYTES + 1, 0x61), Buffer.from('\n')]))).toBe('too-long');
	});

	it('spreads meetings over the slots, always the same way', () => {
		const counts = [0, 0];
		for (let i = 0; i < 1000; i++) counts[slotOf(`meeting-${i}`, 2)]++;
		expect(Math.min(...counts)).toBeGreaterThan(400);
		expect(slotOf('abc', 3)).toBe(slotOf('abc', 3));
	});
});

describe('peeking in the primary', () => {
	const servers: net.Server[] = [];
	afterEach(() => {
		for (const server of servers.splice(0)) server.close();
	});

	async function serve(timeoutMs: number, results: unknown[]): Promise<number> {
		const server = net.createServer(async (socket) => {
			socket.on('error', () => {});
			const peeked = await peekRequestLine(socket, timeoutMs);
			results.push(peeked && peeked.line);
			socket.destroy();
		});
		servers.push(server);
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		return (server.address() as net.AddressInfo).port;
	}

	it('closes a connection that sends no request line in time', async () => {
		const results: unknown[] = [];
		const port = await serve(200, results);
		const socket = net.connect(port, '127.0.0.1');
		socket.write('GET /slow');
		const started = Date.now();
		await new Promise((resolve) => socket.on('close', resolve));
		expect(Date.now() - started).toBeLessThan(2000);
		expect(results).toEqual([null]);
	});

	it('answers 431 to an oversized line and returns a complete one with every byte read', async () => {
		const results: unknown[] = [];
		const port = await serve(2000, results);
		const answer = await new Promise<string>((resolve) => {
			const socket = net.connect(port, '127.0.0.1');
			let text = '';
			socket.on('data', (chunk) => (text += chunk.toString()));
			socket.on('close', () => resolve(text));
			socket.on('error', () => {});
			socket.write('G'.repeat(MAX_REQUEST_LINE_BYTES + 10));
		});
		expect(answer).toMatch(/^HTTP\/1\.1 431 /);
		const socket = net.connect(port, '127.0.0.1');
		socket.write('GET /x HTTP/1.1\r\n');
		await new Promise((resolve) => socket.on('close', resolve));
		expect(results).toEqual([null, 'GET /x HTTP/1.1\r']);
	});
});
