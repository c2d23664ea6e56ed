/**
 * Helpers for the integration tests: the real server as a child process, real
 * y-websocket providers from Node (testkit/clients.ts), and polling.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import { sampleNotes } from '../../src/lib/meeting/sample.ts';
import { MESSAGE_NOTICE, MESSAGE_SYNC, type Notice, readNotice } from '../../src/lib/protocol/index.ts';

import { type Client, connectClient, createMeeting } from '../../testkit/clients.ts';
import { onLines } from '../../testkit/lines.ts';
import { freePort, waitFor } from '../../testkit/wait.ts';

// Shared with bench/ (testkit/README.md); the tests import them from here as before.
export { type Client, connectClient, createMeeting, freePort, waitFor };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function tempDir(): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), 'motesrum-it-'));
}

/**
 * The server process of the calling `describe`, over a data directory of its own, and the
 * clients its tests open: started before the suite, and everything gone after it. A test may
 * stop and start `server` again on the same `dataDir` (a restart).
 */
export function serverPerSuite(env?: Record<string, string>) {
	const suite = {
		server: null as unknown as ServerProcess,
		dataDir: '',
		clients: [] as Client[],
		keep: (client: Client) => void suite.clients.push(client)
	};
	beforeAll(async () => {
		suite.dataDir = tempDir();
		suite.server = await startServerProcess({ dataDir: suite.dataDir, env });
	});
	afterAll(async () => {
		for (const client of suite.clients) client.destroy();
		await suite.server?.stop();
		fs.rmSync(suite.dataDir, { recursive: true, force: true });
	});
	return suite;
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
		onLines(child, (line) => {
			output.push(line);
			try {
				const entry = JSON.parse(line) as { msg?: string; port?: number };
				if (entry.msg === 'listening' && entry.port) resolve(entry.port);
			} catch {
				// not a log line (e.g. a stack trace on stderr)
			}
		});
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

/** Opens a raw websocket (with these headers) and resolves with the HTTP status if the upgrade was refused, or 101. */
export function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url, { headers });
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
