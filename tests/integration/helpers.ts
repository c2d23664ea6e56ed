/**
 * Helpers for the integration tests: the real server as a child process, real
 * y-websocket providers from Node, and polling.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider } from 'y-websocket';
import { sampleMeeting, sampleNotes } from '../../src/lib/meeting/sample.ts';
import { MESSAGE_NOTICE, MESSAGE_SAVED, MESSAGE_SYNC, type Notice, readNotice, readSaved } from '../../src/lib/protocol/index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function tempDir(): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), 'motesrum-it-'));
}

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = net.createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as net.AddressInfo;
			probe.close(() => resolve(port));
		});
	});
}

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
}

export interface ServerProcess {
	port: number;
	origin: string;
	child: ChildProcess;
	/** Every stdout/stderr line so far. */
	output: string[];
	/** Sends `signal` and resolves with the exit code once the process ended. */
	stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `node --import tsx server/index.ts` and resolves once it logged the bound port. */
export async function startServerProcess(options: { dataDir: string; port?: number; env?: Record<string, string> }): Promise<ServerProcess> {
	const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
		cwd: root,
		env: {
			...process.env,
			PORT: String(options.port ?? 0),
			HOST: '127.0.0.1',
			DATA_DIR: options.dataDir,
			LOG_LEVEL: 'info',
			...options.env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const output: string[] = [];
	const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
	const port = await new Promise<number>((resolve, reject) => {
		let buffered = '';
		const onData = (chunk: Buffer) => {
			buffered += chunk.toString('utf8');
			let newline;
			while ((newline = buffered.indexOf('\n')) !== -1) {
				const line = buffered.slice(0, newline);
				buffered = buffered.slice(newline + 1);
				output.push(line);
				try {
					const entry = JSON.parse(line) as { msg?: string; port?: number };
					if (entry.msg === 'listening' && entry.port) resolve(entry.port);
				} catch {
					// not a log line (e.g. a stack trace on stderr)
				}
			}
		};
		child.stdout!.on('data', onData);
		child.stderr!.on('data', onData);
		exited.then((code) => reject(new Error(`server exited with ${code} before listening:\n${output.join('\n')}`)));
	});
	return {
		port,
		origin: `http://127.0.0.1:${port}`,
		child,
		output,
		async stop(signal = 'SIGTERM') {
			if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
			child.kill(signal);
			return exited;
		}
	};
}

/**
 * Creates a meeting through the API. With `sample` (the default) its organiser then writes the
 * sample meeting (src/lib/meeting/sample.ts): one item whose notes every test client types into,
 * since the server refuses writes outside the meeting's schema.
 */
export async function createMeeting(
	origin: string,
	title = 'Ledningsgrupp',
	options: { sample?: boolean } = {}
): Promise<{ id: string; token: string; url: string }> {
	const res = await fetch(`${origin}/api/meetings`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ title })
	});
	if (res.status !== 201) throw new Error(`createMeeting: ${res.status} ${await res.text()}`);
	const meeting = (await res.json()) as { id: string; token: string; url: string };
	if (options.sample ?? true) {
		const organiser = connectClient(origin, meeting.id, meeting.token);
		try {
			await organiser.synced();
			const sample = sampleMeeting(title);
			Y.applyUpdate(organiser.doc, sample);
			// The sample was written by a client of its own: wait for the server to store that client's clocks.
			const reached = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(sample));
			await waitFor(() => [...reached].every(([client, clock]) => (organiser.saved.get(client) ?? 0) >= clock), 'sample meeting saved');
		} finally {
			organiser.destroy();
		}
	}
	return meeting;
}

/** The notes of the sample meeting's item in `doc`; throws until the sample meeting has arrived. */
export function notesOf(doc: Y.Doc): Y.Text {
	const notes = sampleNotes(doc);
	if (!notes) throw new Error('the sample meeting has not arrived in this document yet');
	return notes;
}

/** Whether the sample meeting has arrived in `doc`. */
export function sampleArrived(doc: Y.Doc): boolean {
	return sampleNotes(doc) !== null;
}

/** The sample notes as text, '' until they have arrived. */
export function notesText(doc: Y.Doc): string {
	return sampleNotes(doc)?.toString() ?? '';
}

export interface Client {
	doc: Y.Doc;
	provider: WebsocketProvider;
	/** The highest saved clock per client id the server acknowledged (MESSAGE_SAVED). */
	saved: Map<number, number>;
	/** Close events the provider saw. */
	closes: number[];
	synced(): Promise<void>;
	/** True when every clock of this doc's own client is acknowledged as saved. */
	allSaved(): boolean;
	destroy(): void;
}

export function connectClient(origin: string, meetingId: string, token: string): Client {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(origin.replace(/^http/, 'ws') + '/sync', meetingId, doc, {
		params: { token },
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		connect: false
	});
	const saved = new Map<number, number>();
	const closes: number[] = [];
	provider.messageHandlers[MESSAGE_SAVED] = (_encoder: unknown, decoder: decoding.Decoder) => {
		for (const [client, clock] of Y.decodeStateVector(readSaved(decoder))) {
			if (clock > (saved.get(client) ?? 0)) saved.set(client, clock);
		}
	};
	provider.on('connection-close', (event) => {
		if (event) closes.push(event.code);
	});
	provider.connect();
	return {
		doc,
		provider,
		saved,
		closes,
		synced: () => waitFor(() => provider.synced, 'provider synced'),
		allSaved: () => (saved.get(doc.clientID) ?? 0) >= (Y.decodeStateVector(Y.encodeStateVector(doc)).get(doc.clientID) ?? 0),
		destroy() {
			provider.destroy();
			doc.destroy();
		}
	};
}

/** Opens a raw websocket and resolves with the HTTP status if the upgrade was refused, or 101. */
export function upgradeStatus(url: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url);
		ws.on('unexpected-response', (_req, res) => {
			resolve(res.statusCode ?? 0);
			ws.terminate();
		});
		ws.on('open', () => {
			resolve(101);
			ws.close();
		});
		ws.on('error', (error) => {
			if (!error.message.includes('Unexpected server response')) reject(error);
		});
	});
}

/** Records the notices (101) the server sends `client`, e.g. that the meeting was approved. */
export function recordNotices(client: Client): Notice[] {
	const notices: Notice[] = [];
	client.provider.messageHandlers[MESSAGE_NOTICE] = (_encoder: unknown, decoder: decoding.Decoder) => {
		notices.push(readNotice(decoder));
	};
	return notices;
}

export interface RawSyncClient {
	socket: WebSocket;
	/** Every notice the server sent so far. */
	notices: Notice[];
	/** Sends `update` as a sync update, unchecked, the way a modified client could. */
	send(update: Uint8Array): void;
}

/**
 * A bare websocket speaking the sync protocol, for proving what the server refuses
 * (e.g. writes to an approved meeting) without a provider that would hold edits back.
 * Resolves once the server greeted it; the caller terminates `socket`.
 */
export async function connectRawSyncClient(origin: string, meeting: { id: string; token: string }): Promise<RawSyncClient> {
	const socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/sync/${meeting.id}?token=${meeting.token}`);
	const notices: Notice[] = [];
	let greeted = false;
	socket.on('message', (data: Buffer) => {
		const decoder = decoding.createDecoder(new Uint8Array(data));
		const type = decoding.readVarUint(decoder);
		if (type === MESSAGE_NOTICE) notices.push(readNotice(decoder));
		if (type === MESSAGE_SYNC) greeted = true;
	});
	await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
	await waitFor(() => greeted, 'server greeting');
	return {
		socket,
		notices,
		send(update) {
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, MESSAGE_SYNC);
			syncProtocol.writeUpdate(encoder, update);
			socket.send(encoding.toUint8Array(encoder));
		}
	};
}
