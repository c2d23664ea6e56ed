/**
 * The hostile-client harness of the attack corpus (issues 12 and 21), written from the
 * wire protocol alone (y-websocket sync/awareness frames, our SAVED and NOTICE frames,
 * the close codes) and the documented meeting layout, never from the server's code.
 *
 * - `encodeUpdate`: Yjs update v1 encoded by hand with lib0, so a test chooses every
 *   field a modified client could: client id, clock, origin, right origin, declared
 *   parent (root name or item id) and key, content of any kind, gaps, delete sets.
 * - `connectPeer`: a bare websocket with a mirror `Y.Doc`, sending whatever it is told
 *   and recording notices, close codes, SAVED frames and the bytes it receives.
 * - `openWorld`: a meeting prepared by its organiser (roster with every role, items, a
 *   decision, an assignment, the live flow started), a link per role, an honest observer
 *   and a model document holding exactly the honest, acknowledged updates. After an
 *   attack, `expectOnlyHonest` lets the organiser write a sentinel and, once the observer
 *   has it, requires the observer's document to equal the model (nothing else arrived).
 * - `StoredChecks`: the same comparison against storage (read with the server stopped)
 *   and through a new observer after a restart, run once at the end of a file.
 */
import fs from 'node:fs';
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import { expect } from 'vitest';
import { CLOSE, MESSAGE_AWARENESS, MESSAGE_NOTICE, MESSAGE_SAVED, MESSAGE_SYNC, type Notice, readNotice, readSaved } from '../../src/lib/protocol/index.ts';
import {
	addAssignment,
	addDecision,
	addItem,
	addParticipant,
	initMeeting,
	openMeeting,
	startItem,
	updateItem,
	updateParticipant
} from '../../src/lib/meeting/index.ts';
import { SqliteStorage } from '../../server/storage/sqlite.ts';
import { invite } from './access-helpers.ts';
import { type ServerProcess, createMeeting, startServerProcess, tempDir, waitFor } from './helpers.ts';
import { loadDocument } from '../../server/storage/document-log.ts';

// ---------------------------------------------------------------- hand-made updates

export interface ID {
	client: number;
	clock: number;
}

export type TypeKind = 'array' | 'map' | 'text' | 'xmlElement' | 'xmlFragment' | 'xmlHook' | 'xmlText';

export type Content =
	| { kind: 'string'; text: string }
	| { kind: 'any'; values: unknown[] }
	| { kind: 'json'; values: unknown[] }
	| { kind: 'binary'; bytes: Uint8Array }
	| { kind: 'embed'; value: unknown }
	| { kind: 'format'; key: string; value: unknown }
	| { kind: 'type'; type: TypeKind; name?: string }
	| { kind: 'doc'; guid: string; opts?: Record<string, unknown> }
	| { kind: 'deleted'; length: number };

export interface StructSpec {
	client: number;
	clock: number;
	origin?: ID | null;
	rightOrigin?: ID | null;
	/** Written only when there is neither origin nor right origin (as Yjs does). */
	parent?: { root: string } | { item: ID };
	parentSub?: string | null;
	content: Content;
}

export interface DeleteSpec {
	client: number;
	clock: number;
	length: number;
}

export interface UpdateSpec {
	structs?: StructSpec[];
	deletes?: DeleteSpec[];
}

const CONTENT_REF: Record<Content['kind'], number> = { deleted: 1, json: 2, binary: 3, string: 4, embed: 5, format: 6, type: 7, any: 8, doc: 9 };
const TYPE_REF: Record<TypeKind, number> = { array: 0, map: 1, text: 2, xmlElement: 3, xmlFragment: 4, xmlHook: 5, xmlText: 6 };

export function contentLength(content: Content): number {
	switch (content.kind) {
		case 'string':
			return content.text.length;
		case 'any':
		case 'json':
			return content.values.length;
		case 'deleted':
			return content.length;
		default:
			return 1;
	}
}

function writeContent(encoder: encoding.Encoder, content: Content): void {
	switch (content.kind) {
		case 'deleted':
			encoding.writeVarUint(encoder, content.length);
			return;
		case 'json':
			encoding.writeVarUint(encoder, content.values.length);
			for (const value of content.values) encoding.writeVarString(encoder, value === undefined ? 'undefined' : JSON.stringify(value));
			return;
		case 'binary':
			encoding.writeVarUint8Array(encoder, content.bytes);
			return;
		case 'string':
			encoding.writeVarString(encoder, content.text);
			return;
		case 'embed':
			encoding.writeVarString(encoder, JSON.stringify(content.value));
			return;
		case 'format':
			encoding.writeVarString(encoder, content.key);
			encoding.writeVarString(encoder, JSON.stringify(content.value));
			return;
		case 'type':
			encoding.writeVarUint(encoder, TYPE_REF[content.type]);
			if (content.type === 'xmlElement' || content.type === 'xmlHook') encoding.writeVarString(encoder, content.name ?? 'p');
			return;
		case 'any':
			encoding.writeVarUint(encoder, content.values.length);
			for (const value of content.values) encoding.writeAny(encoder, value as Parameters<typeof encoding.writeAny>[1]);
			return;
		case 'doc':
			encoding.writeVarString(encoder, content.guid);
			encoding.writeAny(encoder, (content.opts ?? {}) as Parameters<typeof encoding.writeAny>[1]);
			return;
	}
}

function writeId(encoder: encoding.Encoder, id: ID): void {
	encoding.writeVarUint(encoder, id.client);
	encoding.writeVarUint(encoder, id.clock);
}

/**
 * A Yjs update (v1) exactly as specified. Structs of one client must not overlap; a gap
 * between them is encoded as a Skip, like Yjs does for updates with missing clocks.
 */
export function encodeUpdate(spec: UpdateSpec): Uint8Array {
	const encoder = encoding.createEncoder();
	const byClient = new Map<number, StructSpec[]>();
	for (const struct of spec.structs ?? []) {
		const list = byClient.get(struct.client) ?? [];
		list.push(struct);
		byClient.set(struct.client, list);
	}
	encoding.writeVarUint(encoder, byClient.size);
	for (const [client, list] of byClient) {
		list.sort((a, b) => a.clock - b.clock);
		const entries: ({ skip: number } | StructSpec)[] = [];
		let clock = list[0].clock;
		for (const struct of list) {
			if (struct.clock < clock) throw new Error(`overlapping structs for client ${client} at ${struct.clock}`);
			if (struct.clock > clock) entries.push({ skip: struct.clock - clock });
			entries.push(struct);
			clock = struct.clock + contentLength(struct.content);
		}
		encoding.writeVarUint(encoder, entries.length);
		encoding.writeVarUint(encoder, client);
		encoding.writeVarUint(encoder, list[0].clock);
		for (const entry of entries) {
			if ('skip' in entry) {
				encoding.writeUint8(encoder, 10);
				encoding.writeVarUint(encoder, entry.skip);
				continue;
			}
			const origin = entry.origin ?? null;
			const rightOrigin = entry.rightOrigin ?? null;
			const parentSub = entry.parentSub ?? null;
			const info = (CONTENT_REF[entry.content.kind] & 0b11111) | (origin ? 0x80 : 0) | (rightOrigin ? 0x40 : 0) | (parentSub !== null ? 0x20 : 0);
			encoding.writeUint8(encoder, info);
			if (origin) writeId(encoder, origin);
			if (rightOrigin) writeId(encoder, rightOrigin);
			if (!origin && !rightOrigin) {
				const parent = entry.parent;
				if (!parent) throw new Error('a struct without origins needs a parent');
				if ('root' in parent) {
					encoding.writeVarUint(encoder, 1);
					encoding.writeVarString(encoder, parent.root);
				} else {
					encoding.writeVarUint(encoder, 0);
					writeId(encoder, parent.item);
				}
				if (parentSub !== null) encoding.writeVarString(encoder, parentSub);
			}
			writeContent(encoder, entry.content);
		}
	}
	const deletes = new Map<number, DeleteSpec[]>();
	for (const range of spec.deletes ?? []) deletes.set(range.client, [...(deletes.get(range.client) ?? []), range]);
	encoding.writeVarUint(encoder, deletes.size);
	for (const [client, ranges] of deletes) {
		ranges.sort((a, b) => a.clock - b.clock);
		encoding.writeVarUint(encoder, client);
		encoding.writeVarUint(encoder, ranges.length);
		for (const range of ranges) {
			encoding.writeVarUint(encoder, range.clock);
			encoding.writeVarUint(encoder, range.length);
		}
	}
	return encoding.toUint8Array(encoder);
}

// ---------------------------------------------------------------- reading documents

// Any shared type: Y.Text, Y.Map, Y.Array… (their event types differ, so `unknown` would not accept them).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyType = Y.AbstractType<any>;
type AnyItem = Y.Item;

/** Id of the struct that holds a nested type (e.g. an item's notes Y.Text). */
export function typeId(type: AnyType): ID {
	const item = type._item;
	if (!item) throw new Error('a root type has no struct');
	return { client: item.id.client, clock: item.id.clock };
}

/** The id of the last clock of the last visible element of a sequence type. */
export function lastElementId(type: AnyType): ID {
	let last: AnyItem | null = null;
	for (let n = type._start; n; n = n.right) if (!n.deleted && n.countable) last = n;
	if (!last) throw new Error('empty sequence');
	return { client: last.id.client, clock: last.id.clock + last.length - 1 };
}

/** The id of the first visible element of a sequence type. */
export function firstElementId(type: AnyType): ID {
	for (let n = type._start; n; n = n.right) if (!n.deleted && n.countable) return { client: n.id.client, clock: n.id.clock };
	throw new Error('empty sequence');
}

/** The struct holding the current value of `key` in a map type. */
export function mapEntryId(map: AnyType, key: string): ID {
	const item = map._map.get(key);
	if (!item || item.deleted) throw new Error(`no entry ${key}`);
	return { client: item.id.client, clock: item.id.clock };
}

/** The next clock of `client` in `doc` (its state). */
export function stateOf(doc: Y.Doc, client: number): number {
	return Y.getState(doc.store, client);
}

/** The last struct a client wrote, as id of its last clock. */
export function lastStructOf(doc: Y.Doc, client: number): { id: ID; item: AnyItem } {
	const structs = doc.store.clients.get(client);
	if (!structs?.length) throw new Error(`client ${client} wrote nothing`);
	const item = structs[structs.length - 1] as AnyItem;
	return { id: { client, clock: item.id.clock + item.length - 1 }, item };
}

function contentState(item: AnyItem, out: unknown[]): void {
	const content = item.content as unknown as { constructor: { name: string } } & Record<string, unknown>;
	switch (content.constructor.name) {
		case 'ContentString': {
			const str = content.str as string;
			const last = out[out.length - 1];
			if (last && typeof last === 'object' && 'str' in last) (last as { str: string }).str += str;
			else out.push({ str });
			return;
		}
		case 'ContentAny':
			for (const value of content.arr as unknown[]) out.push({ any: value });
			return;
		case 'ContentJSON':
			for (const value of content.arr as unknown[]) out.push({ json: value });
			return;
		case 'ContentBinary':
			out.push({ binary: Buffer.from(content.content as Uint8Array).toString('base64') });
			return;
		case 'ContentEmbed':
			out.push({ embed: content.embed });
			return;
		case 'ContentFormat':
			out.push({ format: content.key, value: content.value });
			return;
		case 'ContentDoc':
			out.push({ doc: (content.doc as Y.Doc).guid });
			return;
		case 'ContentType':
			out.push({ type: typeState(content.type as AnyType) });
			return;
		default:
			out.push({ unknown: content.constructor.name });
	}
}

function typeState(type: AnyType): unknown {
	const map: Record<string, unknown> = {};
	for (const key of [...type._map.keys()].sort()) {
		const item = type._map.get(key)!;
		if (item.deleted) continue;
		const out: unknown[] = [];
		contentState(item, out);
		map[key] = out.length === 1 ? out[0] : out;
	}
	const seq: unknown[] = [];
	for (let n = type._start; n; n = n.right) if (!n.deleted) contentState(n, seq);
	return { kind: type.constructor.name === 'AbstractType' ? 'root' : type.constructor.name, map, seq };
}

/**
 * Everything visible in a document, canonical (runs of text merged, map keys sorted),
 * with formatting, embeds, binary, JSON and subdocuments included: two documents with
 * the same integrated updates give the same string, whatever their history.
 */
export function deepState(doc: Y.Doc): string {
	const roots: Record<string, unknown> = {};
	for (const name of [...doc.share.keys()].sort()) {
		const state = typeState(doc.share.get(name)!) as { map: object; seq: unknown[] };
		if (Object.keys(state.map).length || state.seq.length) roots[name] = { map: state.map, seq: state.seq };
	}
	return JSON.stringify(roots);
}

export function stateVector(doc: Y.Doc): Record<string, number> {
	return Object.fromEntries([...Y.decodeStateVector(Y.encodeStateVector(doc))].sort(([a], [b]) => a - b).map(([c, k]) => [String(c), k]));
}

function copyOf(doc: Y.Doc): Y.Doc {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return copy;
}

// ---------------------------------------------------------------- raw peers

const REMOTE = Symbol('remote');
const LOCAL = Symbol('local');

export interface Peer {
	label: string;
	doc: Y.Doc;
	socket: WebSocket;
	notices: Notice[];
	/** Close code once closed (by either side), else null. */
	closeCode: number | null;
	/** One state vector per SAVED frame received, in order. */
	saved: Map<number, number>[];
	/** Sync step 2 and update frames sent (each owed a SAVED or a NOTICE). */
	framesSent: number;
	/** Bytes and count of awareness frames received. */
	awarenessBytes: number;
	awarenessFrames: number;
	/** The largest awareness frame received, in bytes. */
	largestAwarenessFrame: number;
	/** The latest awareness state seen per client id (decoded without applying). */
	presence: Map<number, unknown>;
	/** Sends `update` as a sync update frame. */
	send(update: Uint8Array): void;
	sendFrame(frame: Uint8Array): void;
	sendAwareness(entries: { client: number; clock: number; state: unknown }[]): void;
	/** Runs `fn` on the mirror doc in one transaction and sends the resulting update; returns it (null if nothing changed). */
	edit(fn: (doc: Y.Doc) => void): Uint8Array | null;
	/** Resolves once every frame sent so far is acknowledged; throws if the server refused or closed instead. */
	acked(timeoutMs?: number): Promise<void>;
	/** Resolves with the server's answer to the frames sent so far: all saved, or a refusal (notice/close). */
	answer(timeoutMs?: number): Promise<'saved' | 'refused'>;
	/** The highest saved clock per client id. */
	savedClock(client: number): number;
	close(): Promise<void>;
}

export interface PeerOptions {
	/** An existing document to continue with (a device reconnecting with its offline edits). */
	doc?: Y.Doc;
	clientID?: number;
	/** Apply what the server sends to the mirror (default true). */
	mirror?: boolean;
}

/** Connects, sends its sync step 1, answers the server's, and resolves once its sync step 2 arrived. */
export async function connectPeer(origin: string, meetingId: string, token: string, label: string, options: PeerOptions = {}): Promise<Peer> {
	const doc = options.doc ?? new Y.Doc();
	if (options.clientID !== undefined) doc.clientID = options.clientID;
	const socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/sync/${meetingId}?token=${token}`);
	let synced = false;
	const peer: Peer = {
		label,
		doc,
		socket,
		notices: [],
		closeCode: null,
		saved: [],
		framesSent: 0,
		awarenessBytes: 0,
		awarenessFrames: 0,
		largestAwarenessFrame: 0,
		presence: new Map(),
		send(update) {
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, MESSAGE_SYNC);
			syncProtocol.writeUpdate(encoder, update);
			peer.framesSent++;
			socket.send(encoding.toUint8Array(encoder));
		},
		sendFrame(frame) {
			socket.send(frame);
		},
		sendAwareness(entries) {
			const inner = encoding.createEncoder();
			encoding.writeVarUint(inner, entries.length);
			for (const entry of entries) {
				encoding.writeVarUint(inner, entry.client);
				encoding.writeVarUint(inner, entry.clock);
				encoding.writeVarString(inner, JSON.stringify(entry.state));
			}
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
			encoding.writeVarUint8Array(encoder, encoding.toUint8Array(inner));
			socket.send(encoding.toUint8Array(encoder));
		},
		edit(fn) {
			let captured: Uint8Array | null = null;
			const capture = (update: Uint8Array, origin: unknown) => {
				if (origin === LOCAL) captured = captured ? Y.mergeUpdates([captured, update]) : update;
			};
			doc.on('update', capture);
			try {
				doc.transact(() => fn(doc), LOCAL);
			} finally {
				doc.off('update', capture);
			}
			if (captured) peer.send(captured);
			return captured;
		},
		async acked(timeoutMs = 5000) {
			const outcome = await peer.answer(timeoutMs);
			if (outcome !== 'saved') {
				throw new Error(`${label}: honest write refused (close ${peer.closeCode}, notices ${JSON.stringify(peer.notices)})`);
			}
		},
		async answer(timeoutMs = 5000) {
			const owed = peer.framesSent;
			const noticesBefore = peer.notices.length;
			let outcome: 'saved' | 'refused' | null = null;
			await waitFor(
				() => {
					if (peer.saved.length >= 1 + owed) outcome = 'saved';
					else if (peer.closeCode !== null || peer.notices.length > noticesBefore) outcome = 'refused';
					return outcome !== null;
				},
				`${label}: an answer to its frames`,
				timeoutMs
			);
			return outcome!;
		},
		savedClock(client) {
			return Math.max(0, ...peer.saved.map((sv) => sv.get(client) ?? 0));
		},
		async close() {
			if (peer.closeCode !== null || socket.readyState === WebSocket.CLOSED) return;
			const closed = new Promise((resolve) => socket.once('close', resolve));
			socket.close();
			await closed;
		}
	};
	socket.on('message', (data: Buffer) => {
		const bytes = new Uint8Array(data);
		const decoder = decoding.createDecoder(bytes);
		const type = decoding.readVarUint(decoder);
		if (type === MESSAGE_SYNC) {
			const reply = encoding.createEncoder();
			encoding.writeVarUint(reply, MESSAGE_SYNC);
			const kind = options.mirror === false ? peekSync(decoder, reply, doc) : syncProtocol.readSyncMessage(decoder, reply, doc, REMOTE);
			if (kind === syncProtocol.messageYjsSyncStep1) {
				peer.framesSent++;
				socket.send(encoding.toUint8Array(reply));
			}
			if (kind === syncProtocol.messageYjsSyncStep2) synced = true;
		} else if (type === MESSAGE_SAVED) {
			peer.saved.push(Y.decodeStateVector(readSaved(decoder)));
		} else if (type === MESSAGE_NOTICE) {
			peer.notices.push(readNotice(decoder));
		} else if (type === MESSAGE_AWARENESS) {
			peer.awarenessFrames++;
			peer.awarenessBytes += bytes.length;
			peer.largestAwarenessFrame = Math.max(peer.largestAwarenessFrame, bytes.length);
			const inner = decoding.createDecoder(decoding.readVarUint8Array(decoder));
			const n = decoding.readVarUint(inner);
			for (let i = 0; i < n; i++) {
				const client = decoding.readVarUint(inner);
				decoding.readVarUint(inner);
				peer.presence.set(client, JSON.parse(decoding.readVarString(inner)));
			}
		}
	});
	socket.on('close', (code) => {
		peer.closeCode = code;
	});
	await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
	const step1 = encoding.createEncoder();
	encoding.writeVarUint(step1, MESSAGE_SYNC);
	syncProtocol.writeSyncStep1(step1, doc);
	socket.send(encoding.toUint8Array(step1));
	await waitFor(() => synced || peer.closeCode !== null, `${label}: synced`);
	if (!synced) throw new Error(`${label}: closed with ${peer.closeCode} before syncing`);
	return peer;
}

/** Answers a sync step 1 with an empty step 2 and ignores everything else: a peer that keeps no mirror. */
function peekSync(decoder: decoding.Decoder, reply: encoding.Encoder, _doc: Y.Doc): number {
	const kind = decoding.readVarUint(decoder);
	if (kind === syncProtocol.messageYjsSyncStep1) {
		decoding.readVarUint8Array(decoder);
		syncProtocol.writeSyncStep2(reply, new Y.Doc());
	}
	return kind;
}

// ---------------------------------------------------------------- server and meetings

/** Rate limits out of the way: the corpus sends many connections and frames on purpose. */
export const ATTACK_ENV: Record<string, string> = {
	API_RATE_BURST: '100000',
	API_RATE_PER_SECOND: '100000',
	CONNECT_RATE_BURST: '100000',
	CONNECT_RATE_PER_SECOND: '100000',
	SYNC_RATE_BURST: '100000',
	SYNC_RATE_PER_SECOND: '100000'
};

export interface AttackServer {
	server: ServerProcess;
	dataDir: string;
	origin(): string;
	stop(): Promise<void>;
	restart(): Promise<void>;
	remove(): Promise<void>;
}

export async function startAttackServer(env: Record<string, string> = {}): Promise<AttackServer> {
	const dataDir = tempDir();
	const handle: AttackServer = {
		server: await startServerProcess({ dataDir, env: { ...ATTACK_ENV, ...env } }),
		dataDir,
		origin: () => handle.server.origin,
		async stop() {
			await handle.server.stop();
		},
		async restart() {
			const port = handle.server.port;
			await handle.server.stop();
			// The same port, so worlds opened before the restart reach it again.
			handle.server = await startServerProcess({ dataDir, port, env: { ...ATTACK_ENV, ...env } });
		},
		async remove() {
			await handle.server.stop();
			fs.rmSync(dataDir, { recursive: true, force: true });
		}
	};
	return handle;
}

export const ROLES = ['organiser', 'chair', 'secretary', 'adjuster', 'member', 'guest', 'observer'] as const;
export type Role = (typeof ROLES)[number];
export const RUNNERS: readonly Role[] = ['organiser', 'chair', 'secretary'];
export const NOTE_WRITERS: readonly Role[] = ['adjuster', 'member', 'guest'];

export interface World {
	origin: string;
	meetingId: string;
	tokens: Record<Role, string>;
	/** Participant ids: chair, secretary, adjuster (invited), adjuster2, member, guest. */
	participants: { chair: string; secretary: string; adjuster: string; adjuster2: string; member: string; guest: string };
	/** item1: everyone attends it (the guest included); item2: the guest neither attends nor presents; item3: the guest presents. */
	items: { item1: string; item2: string; item3: string };
	decision: string;
	assignment: string;
	organiser: Peer;
	observer: Peer;
	/** Exactly the honest, acknowledged updates. */
	model: Y.Doc;
	peers: Peer[];
	/** A peer with `role`'s link (a fresh client id unless given), closed with the world. */
	connect(role: Role, options?: PeerOptions & { label?: string }): Promise<Peer>;
	/** An honest write by `peer` (synced): sent, required to be acknowledged, added to the model. */
	honest(peer: Peer, fn: (doc: Y.Doc) => void): Promise<Uint8Array>;
	/** Adds an update the server acknowledged to the model. */
	accept(update: Uint8Array): void;
	/**
	 * The organiser writes a new `header.place`; once the observer has it, the observer's
	 * document must equal the model exactly (content, state vector, nothing pending).
	 */
	expectOnlyHonest(what: string): Promise<void>;
	/** The organiser writes a new `header.place` and waits until the observer has it (broadcasts keep their order). */
	sentinel(what: string): Promise<void>;
	/** True when the observer's document equals the model (content, state vector, nothing pending). */
	observerMatchesModel(): boolean;
	/** Registers the model for the end-of-file storage and restart check. */
	registerStored(what: string, checks: StoredChecks): void;
	close(): Promise<void>;
}

export const NOTES_PATH = (itemId: string) => `items/${itemId}/notes`;

export function notesOf(doc: Y.Doc, itemId: string): Y.Text {
	return (doc.getMap('items').get(itemId) as Y.Map<unknown>).get('notes') as Y.Text;
}

export function itemMap(doc: Y.Doc, itemId: string): Y.Map<unknown> {
	return doc.getMap('items').get(itemId) as Y.Map<unknown>;
}

export function participantMap(doc: Y.Doc, participantId: string): Y.Map<unknown> {
	return doc.getMap('participants').get(participantId) as Y.Map<unknown>;
}

export function decisionMap(doc: Y.Doc, itemId: string, decisionId: string): Y.Map<unknown> {
	return (itemMap(doc, itemId).get('decisions') as Y.Map<unknown>).get(decisionId) as Y.Map<unknown>;
}

/** A client id nobody in the meeting uses (random 31-bit, 0 excluded). */
export function freshClientId(): number {
	return 1 + Math.floor(Math.random() * 0x7ffffffe);
}

let sentinelCounter = 0;

/**
 * A meeting as a real one looks when the attack starts: prepared and opened by the
 * organiser (whose last write is the live flow's `item_started`), one link per role.
 */
export async function openWorld(origin: string, options: { planned?: boolean } = {}): Promise<World> {
	const created = await createMeeting(origin, 'Nämnden', { sample: false });
	const peers: Peer[] = [];
	const organiser = await connectPeer(origin, created.id, created.token, 'organiser');
	peers.push(organiser);
	const ids = { participants: {} as World['participants'], items: {} as World['items'], decision: '', assignment: '' };
	organiser.edit((doc) => {
		initMeeting(doc, { title: 'Nämnden', date: '2026-11-30' });
		ids.items.item1 = addItem(doc, { title: 'Mötets öppnande' });
		ids.items.item2 = addItem(doc, { title: 'Budget' });
		ids.items.item3 = addItem(doc, { title: 'Föredragning' });
		ids.participants.chair = addParticipant(doc, { name: 'Rickard Ordförande', role: 'chair' });
		ids.participants.secretary = addParticipant(doc, { name: 'Helene Sekreterare', role: 'secretary' });
		ids.participants.adjuster = addParticipant(doc, { name: 'Camilla Justerare', role: 'adjuster' });
		ids.participants.adjuster2 = addParticipant(doc, { name: 'Stefan Justerare', role: 'adjuster' });
		ids.participants.member = addParticipant(doc, { name: 'Anna Ledamot', role: 'member' });
		ids.participants.guest = addParticipant(doc, { name: 'Gustav Gäst', role: 'guest' });
		updateParticipant(doc, ids.participants.guest, { items: { scope: 'only', itemIds: [ids.items.item1] } });
		updateItem(doc, ids.items.item3, { presenters: [{ participantId: ids.participants.guest }] });
		ids.decision = addDecision(doc, ids.items.item1, { text: 'Nämnden beslutar att godkänna dagordningen.' });
		ids.assignment = addAssignment(doc, ids.items.item1, { text: 'Skicka protokollet', dueDate: '2026-12-15' });
	});
	if (!options.planned) {
		organiser.edit((doc) => {
			openMeeting(doc);
			startItem(doc, ids.items.item1);
		});
	}
	await organiser.acked();
	const meeting = { id: created.id, token: created.token };
	const tokens = { organiser: created.token } as Record<Role, string>;
	const p = ids.participants;
	const forRole: [Role, string | undefined][] = [
		['chair', p.chair],
		['secretary', p.secretary],
		['adjuster', p.adjuster],
		['member', p.member],
		['guest', p.guest],
		['observer', undefined]
	];
	for (const [role, participantId] of forRole) {
		tokens[role] = (await invite(origin, meeting, { name: `Person (${role})`, role, participantId })).token;
	}
	const observer = await connectPeer(origin, created.id, tokens.observer, 'observer');
	peers.push(observer);
	const model = copyOf(organiser.doc);
	const world: World = {
		origin,
		meetingId: created.id,
		tokens,
		participants: ids.participants,
		items: ids.items,
		decision: ids.decision,
		assignment: ids.assignment,
		organiser,
		observer,
		model,
		peers,
		async connect(role, opts = {}) {
			const peer = await connectPeer(origin, created.id, tokens[role], opts.label ?? role, opts);
			peers.push(peer);
			return peer;
		},
		async honest(peer, fn) {
			const update = peer.edit(fn);
			if (!update) throw new Error(`${peer.label}: the honest write changed nothing`);
			await peer.acked();
			Y.applyUpdate(model, update);
			return update;
		},
		accept(update) {
			Y.applyUpdate(model, update);
		},
		async sentinel(what) {
			const place = `Sal ${++sentinelCounter}`;
			await world.honest(organiser, (doc) => doc.getMap('header').set('place', place));
			await waitFor(() => observer.doc.share.has('header') && (observer.doc.share.get('header')!._map.get('place')?.content.getContent()[0] === place), `${what}: the observer has the sentinel`);
		},
		observerMatchesModel() {
			return (
				deepState(observer.doc) === deepState(model) &&
				JSON.stringify(stateVector(observer.doc)) === JSON.stringify(stateVector(model)) &&
				observer.doc.store.pendingStructs === null &&
				observer.doc.store.pendingDs === null
			);
		},
		async expectOnlyHonest(what) {
			await world.sentinel(what);
			expect.soft(deepState(observer.doc), `${what}: the observer's document holds exactly the honest writes`).toBe(deepState(model));
			expect.soft(stateVector(observer.doc), `${what}: the observer's state vector`).toEqual(stateVector(model));
			expect.soft(observer.doc.store.pendingStructs, `${what}: nothing pending at the observer`).toBeNull();
			expect.soft(observer.doc.store.pendingDs, `${what}: no pending deletions at the observer`).toBeNull();
		},
		registerStored(what, checks) {
			checks.add({ what, meetingId: created.id, observerToken: tokens.observer, expected: deepState(model), vector: stateVector(model) });
		},
		async close() {
			await Promise.all(peers.map((peer) => peer.close()));
		}
	};
	return world;
}

/** The codes a refusal may carry: forbidden (role, ownership) or invalid (schema). */
export type Refusal = 'forbidden' | 'invalid' | 'forbidden-or-invalid';

const REFUSAL_CLOSE: Record<Refusal, number[]> = {
	forbidden: [CLOSE.FORBIDDEN],
	invalid: [CLOSE.INVALID],
	'forbidden-or-invalid': [CLOSE.FORBIDDEN, CLOSE.INVALID]
};
const REFUSAL_NOTICE: Record<Refusal, string[]> = {
	forbidden: ['forbidden'],
	invalid: ['invalid'],
	'forbidden-or-invalid': ['forbidden', 'invalid']
};

/**
 * The attacker's frames were refused as `kind`: no SAVED for them, a notice, and the
 * connection closed with the matching code. Observers (read-only from the upgrade on)
 * may instead get a read-only notice and stay open.
 */
export async function expectRefused(attacker: Peer, kind: Refusal, what: string, options: { readOnly?: boolean } = {}): Promise<void> {
	const owed = attacker.framesSent;
	const allSaved = () => attacker.saved.length >= 1 + owed;
	if (options.readOnly) {
		await waitFor(() => attacker.notices.length > 0 || attacker.closeCode !== null || allSaved(), `${what}: an answer`, 5000).catch(() => {});
		expect.soft(allSaved(), `${what}: no SAVED for the refused frames`).toBe(false);
		const codes = attacker.notices.map((n) => n.code);
		expect.soft(codes.some((c) => c === 'read-only' || c === 'forbidden'), `${what}: a read-only or forbidden notice, got ${JSON.stringify(codes)}`).toBe(true);
		return;
	}
	await waitFor(() => attacker.closeCode !== null || allSaved(), `${what}: closed or saved`, 5000).catch(() => {});
	expect.soft(allSaved(), `${what}: no SAVED for the refused frames`).toBe(false);
	expect.soft(REFUSAL_CLOSE[kind].includes(attacker.closeCode ?? -1), `${what}: closed with ${REFUSAL_CLOSE[kind].join('/')}, got ${attacker.closeCode}`).toBe(true);
	const codes = attacker.notices.map((n) => n.code as string);
	expect.soft(codes.some((c) => REFUSAL_NOTICE[kind].includes(c)), `${what}: a ${REFUSAL_NOTICE[kind].join('/')} notice, got ${JSON.stringify(codes)}`).toBe(true);
}

// ---------------------------------------------------------------- stored state

export interface StoredCheck {
	what: string;
	meetingId: string;
	observerToken: string;
	expected: string;
	vector: Record<string, number>;
}

export class StoredChecks {
	readonly checks: StoredCheck[] = [];

	add(check: StoredCheck): void {
		this.checks.push(check);
	}

	/**
	 * Stops the server, reads every registered meeting from its SQLite file (no server
	 * memory involved), then restarts it and reads each again through a new observer.
	 */
	async verifySqlite(server: AttackServer): Promise<void> {
		await server.stop();
		const storage = SqliteStorage.inDataDir(server.dataDir);
		try {
			await storage.init();
			expect(this.checks.length, 'attacks registered a stored check').toBeGreaterThan(0);
			for (const check of this.checks) {
				const doc = await loadDocument(storage.docs, check.meetingId);
				expect.soft(deepState(doc), `${check.what}: the stored document holds exactly the honest writes`).toBe(check.expected);
				expect.soft(stateVector(doc), `${check.what}: the stored state vector`).toEqual(check.vector);
				doc.destroy();
			}
		} finally {
			await storage.close();
			await server.restart();
		}
		await this.verifyThroughObservers(server.origin());
	}

	/** A new observer per meeting (after a restart, or on another instance) sees exactly the honest writes. */
	async verifyThroughObservers(origin: string): Promise<void> {
		for (const check of this.checks) {
			const reader = await connectPeer(origin, check.meetingId, check.observerToken, 'reader');
			expect.soft(deepState(reader.doc), `${check.what}: a new observer's document`).toBe(check.expected);
			expect.soft(stateVector(reader.doc), `${check.what}: a new observer's state vector`).toEqual(check.vector);
			await reader.close();
		}
	}
}

/**
 * Worlds shared by the tests of a file, one per key, replaced once an attack got through
 * (the observer no longer equals the model), so one leak never makes the next attack
 * look like one. `registerAll` hands each clean world's final model to the stored check.
 */
export class WorldPool {
	readonly #worlds = new Map<string, World>();
	constructor(readonly origin: () => string, readonly options: { planned?: boolean } = {}) {}

	async get(key: string): Promise<World> {
		const world = this.#worlds.get(key);
		if (world && world.organiser.closeCode === null && world.observerMatchesModel()) return world;
		if (world) await world.close();
		const fresh = await openWorld(this.origin(), this.options);
		this.#worlds.set(key, fresh);
		return fresh;
	}

	registerAll(checks: StoredChecks): void {
		for (const [key, world] of this.#worlds) {
			if (world.observerMatchesModel()) world.registerStored(`world ${key}`, checks);
		}
	}

	async closeAll(): Promise<void> {
		for (const world of this.#worlds.values()) await world.close();
		this.#worlds.clear();
	}
}
