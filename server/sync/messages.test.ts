import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import {
	BadMessageError,
	decodeClientMessage,
	encodeAwareness,
	encodeSyncStep1,
	encodeSyncStep2,
	encodeUpdate,
	encodeSavedClocks,
	isEmptyUpdate,
	shareFrame,
	shareUpdateFrame
} from './messages.ts';
import { encodeSaved } from '../../src/lib/protocol/index.ts';
import { createRequire } from 'node:module';

/** Frames exactly as the stock y-websocket client builds them. */
function clientFrame(write: (encoder: encoding.Encoder) => void): Uint8Array {
	const encoder = encoding.createEncoder();
	write(encoder);
	return encoding.toUint8Array(encoder);
}

describe('decodeClientMessage', () => {
	const doc = new Y.Doc();
	doc.getText('notes').insert(0, 'Nästa möte');

	it('reads the frames the stock client sends', () => {
		const step1 = clientFrame((e) => {
			encoding.writeVarUint(e, 0);
			syncProtocol.writeSyncStep1(e, doc);
		});
		expect(decodeClientMessage(step1)).toEqual({ type: 'sync-step1', stateVector: Y.encodeStateVector(doc) });

		const step2 = clientFrame((e) => {
			encoding.writeVarUint(e, 0);
			syncProtocol.writeSyncStep2(e, doc);
		});
		expect(decodeClientMessage(step2)).toEqual({ type: 'update', update: Y.encodeStateAsUpdate(doc) });

		const update = clientFrame((e) => {
			encoding.writeVarUint(e, 0);
			syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc));
		});
		expect(decodeClientMessage(update)).toEqual({ type: 'update', update: Y.encodeStateAsUpdate(doc) });

		const awareness = new awarenessProtocol.Awareness(doc);
		const state = awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]);
		expect(decodeClientMessage(encodeAwareness(state))).toEqual({ type: 'awareness', update: state });
		expect(decodeClientMessage(Uint8Array.from([3]))).toEqual({ type: 'query-awareness' });
		awareness.destroy();
	});

	it('round-trips what the server sends', () => {
		const sv = Y.encodeStateVector(doc);
		expect(decodeClientMessage(encodeSyncStep1(sv))).toEqual({ type: 'sync-step1', stateVector: sv });
		const u = Y.encodeStateAsUpdate(doc);
		expect(decodeClientMessage(encodeSyncStep2(u))).toEqual({ type: 'update', update: u });
		expect(decodeClientMessage(encodeUpdate(u))).toEqual({ type: 'update', update: u });
	});

	it.each([
		['an empty frame', []],
		['an unknown message type', [42]],
		['the auth type, which clients never send', [2, 0]],
		['an unknown sync type', [0, 7, 0]],
		['a truncated update', [0, 2, 200, 1, 2, 3]],
		['trailing bytes', [3, 0]]
	])('refuses %s', (_name, bytes) => {
		expect(() => decodeClientMessage(Uint8Array.from(bytes))).toThrow(BadMessageError);
	});
});

describe('isEmptyUpdate', () => {
	it('recognises the update of a doc with nothing in it', () => {
		expect(isEmptyUpdate(Y.encodeStateAsUpdate(new Y.Doc()))).toBe(true);
		const doc = new Y.Doc();
		doc.getText('notes').insert(0, 'x');
		expect(isEmptyUpdate(Y.encodeStateAsUpdate(doc))).toBe(false);
	});
});

describe('shareFrame', () => {
	// ws's own framing of a server (unmasked) binary message, the bytes a socket would get from ws.send.
	const { Sender } = createRequire(import.meta.url)('ws') as { Sender: { frame(data: Buffer, options: object): Buffer[] } };

	it.each([0, 1, 125, 126, 65535, 65536, 70_000])('frames %i bytes exactly as ws does', (length) => {
		const message = new Uint8Array(length).map((_, i) => i % 251);
		const expected = Buffer.concat(Sender.frame(Buffer.from(message), { fin: true, opcode: 2, mask: false, readOnly: false, rsv1: false }));
		const { framed } = shareFrame(message);
		expect(framed.equals(expected)).toBe(true);
	});
});

describe('shareUpdateFrame and encodeSavedClocks', () => {
	it.each([0, 1, 120, 123, 124, 125, 126, 127, 128, 16_383, 16_384, 65_530, 70_000])('frames an update of %i bytes as shareFrame(encodeUpdate(update)) does', (length) => {
		const update = new Uint8Array(length).map((_, i) => (i * 7) % 253);
		const expected = shareFrame(encodeUpdate(update));
		const actual = shareUpdateFrame(update);
		expect(actual.framed.equals(expected.framed)).toBe(true);
		expect(actual.message).toEqual(expected.message);
	});

	it('encodes a SAVED frame as encodeSaved(Y.encodeStateVector(clocks)) does, for any client ids and clocks', () => {
		const cases: Map<number, number>[] = [
			new Map(),
			new Map([[1, 0]]),
			new Map([
				[7, 127],
				[3, 128],
				[2 ** 32 - 1, 2 ** 31],
				[123_456_789, 16_384]
			]),
			new Map(Array.from({ length: 200 }, (_, i) => [(i * 2_654_435_761) % 2 ** 32, i * 1000] as [number, number]))
		];
		for (const clocks of cases) expect(encodeSavedClocks(clocks)).toEqual(encodeSaved(Y.encodeStateVector(clocks)));
	});
});
