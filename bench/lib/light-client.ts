/**
 * A load generator, not a measuring client: it speaks the y-websocket wire format over
 * a bare TCP socket (its own minimal websocket framing), types real Yjs updates and
 * sends presence, but never decodes what it receives (it only skips frames and answers
 * pings). That keeps the bench process's CPU small per connection, so the server, not
 * the client side, becomes the limit. Latency is measured by real y-websocket clients
 * in other meetings of the same run.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { sampleNotes } from '../../src/lib/meeting/sample.ts';
import { MESSAGE_AWARENESS, MESSAGE_SYNC } from '../../src/lib/protocol/index.ts';
import type { MeetingAddress } from './servers.ts';

export interface LightClient {
	/** Resolves once the websocket handshake succeeded. */
	ready: Promise<void>;
	type(): void;
	presence(): void;
	destroy(): void;
}

const OPCODE_PING = 0x9;
const OPCODE_PONG = 0xa;
const OPCODE_BINARY = 0x2;

/** A masked client frame (RFC 6455 §5.2); payloads here stay far below 64 KiB. */
function frame(opcode: number, payload: Uint8Array): Buffer {
	const small = payload.length < 126;
	const header = Buffer.alloc(small ? 6 : 8);
	header[0] = 0x80 | opcode;
	if (small) header[1] = 0x80 | payload.length;
	else {
		header[1] = 0x80 | 126;
		header.writeUInt16BE(payload.length, 2);
	}
	const mask = randomBytes(4);
	mask.copy(header, small ? 2 : 4);
	const body = Buffer.from(payload);
	for (let i = 0; i < body.length; i++) body[i] ^= mask[i & 3];
	return Buffer.concat([header, body]);
}

export function connectLight(address: MeetingAddress): LightClient {
	const url = new URL(`${address.serverUrl}/${address.room}`);
	for (const [key, value] of Object.entries(address.params)) url.searchParams.set(key, value);
	const socket = net.connect(Number(url.port), url.hostname);
	socket.setNoDelay(true);
	const doc = new Y.Doc();
	// The same bytes the meeting was seeded with, so the keystrokes land in its real notes.
	if (address.sample) Y.applyUpdate(doc, address.sample);
	const text = sampleNotes(doc) ?? new Y.Text();
	const awareness = new awarenessProtocol.Awareness(doc);
	let open = false;
	const send = (message: Uint8Array) => {
		if (open && !socket.destroyed) socket.write(frame(OPCODE_BINARY, message));
	};
	doc.on('update', (update: Uint8Array) => {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_SYNC);
		syncProtocol.writeUpdate(encoder, update);
		send(encoding.toUint8Array(encoder));
	});
	awareness.on('update', ({ added, updated }: { added: number[]; updated: number[] }) => {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
		encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, [...added, ...updated]));
		send(encoding.toUint8Array(encoder));
	});

	let pending: Buffer = Buffer.alloc(0);
	/** Skips every complete frame; answers pings so the server keeps the connection. */
	const consume = () => {
		let offset = 0;
		while (pending.length - offset >= 2) {
			const opcode = pending[offset] & 0x0f;
			let length = pending[offset + 1] & 0x7f;
			let headerLength = 2;
			if (length === 126) {
				if (pending.length - offset < 4) break;
				length = pending.readUInt16BE(offset + 2);
				headerLength = 4;
			} else if (length === 127) {
				if (pending.length - offset < 10) break;
				length = Number(pending.readBigUInt64BE(offset + 2));
				headerLength = 10;
			}
			if (pending.length - offset < headerLength + length) break;
			if (opcode === OPCODE_PING) {
				socket.write(frame(OPCODE_PONG, pending.subarray(offset + headerLength, offset + headerLength + length)));
			}
			offset += headerLength + length;
		}
		pending = pending.subarray(offset);
	};

	const ready = new Promise<void>((resolve, reject) => {
		socket.once('error', reject);
		socket.once('close', () => reject(new Error('closed before the handshake')));
		let handshake = '';
		const onData = (chunk: Buffer) => {
			if (!open) {
				handshake += chunk.toString('latin1');
				const end = handshake.indexOf('\r\n\r\n');
				if (end === -1) return;
				if (!handshake.startsWith('HTTP/1.1 101')) {
					reject(new Error(`upgrade refused: ${handshake.split('\r\n')[0]}`));
					socket.destroy();
					return;
				}
				open = true;
				pending = Buffer.from(handshake.slice(end + 4), 'latin1');
				// Like a real client: sync step 1 with its (empty) state vector.
				const encoder = encoding.createEncoder();
				encoding.writeVarUint(encoder, MESSAGE_SYNC);
				syncProtocol.writeSyncStep1(encoder, doc);
				send(encoding.toUint8Array(encoder));
				resolve();
			} else {
				pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
			}
			consume();
		};
		socket.on('data', onData);
		socket.write(
			`GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
				`Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`
		);
	});
	ready.catch(() => undefined);
	socket.on('error', () => undefined);

	let tick = 0;
	return {
		ready,
		type() {
			text.insert(text.length, 'a');
		},
		presence() {
			awareness.setLocalStateField('cursor', { index: text.length, tick: tick++ });
		},
		destroy() {
			open = false;
			awareness.destroy();
			doc.destroy();
			socket.destroy();
		}
	};
}
