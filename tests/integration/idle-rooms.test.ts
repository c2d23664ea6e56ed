/**
 * Idle rooms (issue 16, point 5): a loaded meeting without writes holds its document
 * encoded. Sync step 1 is then answered from the encoded state, and the document is
 * materialised again by the next write (judged against it as before), on SQLite and on
 * two instances over PostgreSQL + Redis (where a write arrives through the fan-out).
 */
import fs from 'node:fs';
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { MEETING_SCHEMA } from '../../src/lib/meeting/schema.ts';
import { typeRoots } from '../../src/lib/meeting/schema-language.ts';
import { MESSAGE_SAVED, MESSAGE_SYNC, SYNC_STEP1, SYNC_STEP2 } from '../../src/lib/protocol/index.ts';
import { createMeeting, notesOf, notesText, startServerProcess, tempDir, waitFor } from './helpers.ts';
import { health, startInstances, storedNotes, useCleanup } from './multi-helpers.ts';
import { TEST_REDIS_URL, servicesAvailable } from './services.ts';

const { cleanup, client, database } = useCleanup();

/** Long enough that a test step between a write and a request stays within it on a loaded machine. */
const IDLE_MS = 1500;

const idleRooms = async (origin: string) => (await health(origin)).body.idleRooms as number;

/** Asks the server for sync step 2 against `stateVector` over a bare socket, the way a reconnecting client does. */
async function stepTwo(origin: string, meeting: { id: string; token: string }, stateVector: Uint8Array): Promise<Uint8Array> {
	const socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/sync/${meeting.id}?token=${meeting.token}`);
	cleanup.push(() => socket.terminate());
	const answer = new Promise<Uint8Array>((resolve) => {
		socket.on('message', (data: Buffer) => {
			const decoder = decoding.createDecoder(new Uint8Array(data));
			if (decoding.readVarUint(decoder) !== MESSAGE_SYNC || decoding.readVarUint(decoder) !== SYNC_STEP2) return;
			resolve(decoding.readVarUint8Array(decoder));
		});
	});
	await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	encoding.writeVarUint(encoder, SYNC_STEP1);
	encoding.writeVarUint8Array(encoder, stateVector);
	socket.send(encoding.toUint8Array(encoder));
	const update = await answer;
	socket.terminate();
	return update;
}

/** A client that was offline since `earlier` catches up with `update`: what it ends up with. */
function caughtUp(earlier: Uint8Array, update: Uint8Array): { text: string; json: unknown; vector: Map<number, number> } {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, earlier);
	Y.applyUpdate(doc, update);
	const result = { text: notesText(doc), json: (typeRoots(MEETING_SCHEMA, doc), doc.toJSON()), vector: Y.decodeStateVector(Y.encodeStateVector(doc)) };
	doc.destroy();
	return result;
}

describe('idle rooms on SQLite', () => {
	it('answer sync step 1 from the encoded state exactly as from the live document, and materialise on the next write', async () => {
		const dataDir = tempDir();
		cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
		const server = await startServerProcess({ dataDir, env: { IDLE_ROOM_MS: String(IDLE_MS) } });
		cleanup.push(() => server.stop('SIGKILL'));
		const meeting = await createMeeting(server.origin);
		const writer = client(server.origin, meeting);
		await writer.synced();
		notesOf(writer.doc).insert(0, 'Mötet öppnas. ');
		await waitFor(() => writer.allSaved(), 'first edit saved');
		// What a client that goes offline now holds.
		const earlier = Y.encodeStateAsUpdate(writer.doc);
		const earlierVector = Y.encodeStateVector(writer.doc);
		notesOf(writer.doc).insert(0, 'Närvarande: Anna, Bo. ');
		notesOf(writer.doc).delete(0, 'Närvarande: '.length);
		await waitFor(() => writer.allSaved(), 'later edits saved');

		expect(await idleRooms(server.origin)).toBe(0);
		const fromLive = await stepTwo(server.origin, meeting, earlierVector);
		// Still live when it answered: otherwise this compares the encoded state with itself.
		expect(await idleRooms(server.origin)).toBe(0);

		await waitFor(async () => (await idleRooms(server.origin)) === 1, 'room idle', IDLE_MS * 10);
		const fromEncoded = await stepTwo(server.origin, meeting, earlierVector);
		const fromEncodedFresh = await stepTwo(server.origin, meeting, new Uint8Array([0]));
		expect(await idleRooms(server.origin)).toBe(1);

		const expected = notesText(writer.doc);
		expect(expected).toBe('Anna, Bo. Mötet öppnas. ');
		const live = caughtUp(earlier, fromLive);
		const encoded = caughtUp(earlier, fromEncoded);
		expect(encoded.text).toBe(expected);
		expect(encoded).toEqual(live);
		expect(caughtUp(new Uint8Array([0, 0]), fromEncodedFresh)).toEqual(live);

		// A reader joins the idle room: greeted and synced from the encoded state, the room stays idle.
		const reader = client(server.origin, meeting);
		await reader.synced();
		await waitFor(() => notesText(reader.doc) === expected, 'reader has the notes');
		expect(await idleRooms(server.origin)).toBe(1);

		// A write materialises the document, is judged, stored, acknowledged and broadcast.
		notesOf(writer.doc).insert(notesText(writer.doc).length, 'Beslut: ja.');
		await waitFor(() => writer.allSaved() && notesText(reader.doc).endsWith('Beslut: ja.'), 'write after idle saved and broadcast');
		expect(await idleRooms(server.origin)).toBe(0);
		// …and the room turns idle again.
		await waitFor(async () => (await idleRooms(server.origin)) === 1, 'room idle again', IDLE_MS * 10);

		// The writer reconnects: its sync step 2 carries its whole delete set and nothing new. It is
		// acknowledged (greeting + that frame: two SAVED) without waking the room.
		let savedFrames = 0;
		const onSaved = writer.provider.messageHandlers[MESSAGE_SAVED];
		writer.provider.messageHandlers[MESSAGE_SAVED] = (...args) => {
			savedFrames++;
			onSaved(...args);
		};
		writer.provider.disconnect();
		writer.provider.connect();
		await waitFor(() => writer.provider.synced && savedFrames >= 2, 'writer back, its step 2 acknowledged');
		expect(await idleRooms(server.origin)).toBe(1);
		expect(notesText(writer.doc)).toBe(notesText(reader.doc));

	}, 60_000);
});

const available = await servicesAvailable('idle-rooms.test.ts', 'postgres', 'redis');

describe.skipIf(!available)('idle rooms on two instances (PostgreSQL + Redis)', () => {
	it('a room idle on both instances materialises when a write arrives through the fan-out, and a join re-reads without waking it', async () => {
		const databaseUrl = (await database()).url;
		const [a, b] = await startInstances(2, { databaseUrl, redisUrl: TEST_REDIS_URL, env: { IDLE_ROOM_MS: String(IDLE_MS) } }, cleanup);
		const meeting = await createMeeting(a.origin);
		const onA = client(a.origin, meeting);
		const onB = client(b.origin, meeting);
		await Promise.all([onA.synced(), onB.synced()]);
		notesOf(onA.doc).insert(0, 'Punkt 1. ');
		await waitFor(() => onA.allSaved() && notesText(onB.doc) === 'Punkt 1. ', 'first edit crosses instances');

		const bothIdle = async () => (await idleRooms(a.origin)) === 1 && (await idleRooms(b.origin)) === 1;
		await waitFor(bothIdle, 'room idle on both instances', IDLE_MS * 10);

		// A join on a shared fan-out re-reads the storage; nothing is missing, so the room stays idle.
		const late = client(b.origin, meeting);
		await late.synced();
		await waitFor(() => notesText(late.doc) === 'Punkt 1. ', 'late client synced from the encoded state');
		expect(await idleRooms(b.origin)).toBe(1);

		// A write on B: B materialises to judge it, A materialises to apply it from the fan-out.
		notesOf(onB.doc).insert(notesText(onB.doc).length, 'Punkt 2.');
		await waitFor(() => onB.allSaved() && notesText(onA.doc) === 'Punkt 1. Punkt 2.' && notesText(late.doc) === 'Punkt 1. Punkt 2.', 'write from an idle room crosses instances');
		expect(await idleRooms(a.origin)).toBe(0);
		expect(await idleRooms(b.origin)).toBe(0);
		await waitFor(bothIdle, 'idle again on both', IDLE_MS * 10);

		// The idle rooms still hand out everything: a fresh client on A, and the storage itself.
		const reader = client(a.origin, meeting);
		await reader.synced();
		await waitFor(() => notesText(reader.doc) === 'Punkt 1. Punkt 2.', 'reader on A');
		expect(await storedNotes(databaseUrl, meeting.id)).toBe('Punkt 1. Punkt 2.');
	}, 60_000);
});
