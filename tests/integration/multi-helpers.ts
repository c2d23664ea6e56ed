/**
 * Helpers for the multi-instance tests: server processes on PostgreSQL and Redis,
 * a TCP proxy that can be re-pointed or cut (to move clients to another instance, or
 * to take PostgreSQL away without touching the machine's server), a private
 * redis-server that can be killed and restarted, and typing clients.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterEach } from 'vitest';
import * as Y from 'yjs';
import { PostgresStorage } from '../../server/storage/postgres.ts';
import { type Client, type ServerProcess, connectClient, freePort, startServerProcess, tempDir, waitFor, notesOf, notesText } from './helpers.ts';
import { type TestSchema, freshSchema } from './services.ts';

export type Cleanup = (() => Promise<unknown> | unknown)[];

/**
 * Per-test teardown for a test file: whatever a test registers (processes, clients,
 * schemas) is released newest first after each test, so a failing test leaves no
 * server running or schema behind for the next one.
 */
export function useCleanup(): {
	cleanup: Cleanup;
	/** A y-websocket client for `meeting` on `origin`, destroyed after the test. */
	client(origin: string, meeting: { id: string; token: string }): Client;
	/** A fresh PostgreSQL schema, dropped after the test. */
	database(): Promise<TestSchema>;
} {
	const cleanup: Cleanup = [];
	afterEach(async () => {
		while (cleanup.length) await cleanup.pop()!();
	});
	return {
		cleanup,
		client(origin, meeting) {
			const c = connectClient(origin, meeting.id, meeting.token);
			cleanup.push(() => c.destroy());
			return c;
		},
		async database() {
			const schema = await freshSchema();
			cleanup.push(() => schema.drop());
			return schema;
		}
	};
}

export interface InstanceOptions {
	databaseUrl: string;
	/** Omitted: the instance runs without fan-out. */
	redisUrl?: string;
	env?: Record<string, string>;
}

/** One server process with its own (unused) data dir; killed and removed by `cleanup`. */
export async function startInstance(options: InstanceOptions, cleanup: Cleanup): Promise<ServerProcess> {
	const dataDir = tempDir();
	cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
	const server = await startServerProcess({
		dataDir,
		env: {
			DATABASE_URL: options.databaseUrl,
			...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
			...options.env
		}
	});
	cleanup.push(() => server.stop('SIGKILL'));
	return server;
}

export async function startInstances(n: number, options: InstanceOptions, cleanup: Cleanup): Promise<ServerProcess[]> {
	return Promise.all(Array.from({ length: n }, () => startInstance(options, cleanup)));
}

export interface Proxy {
	port: number;
	origin: string;
	/** New connections go to `port`; existing ones are cut, so their clients reconnect through it. */
	retarget(port: number): void;
	/** Cuts every connection and refuses new ones (accepted, then closed at once) until `restore()`. */
	cut(): void;
	restore(): void;
	close(): Promise<void>;
}

/** A TCP proxy on 127.0.0.1 forwarding to 127.0.0.1:`targetPort`. */
export async function startProxy(targetPort: number): Promise<Proxy> {
	let target = targetPort;
	let open = true;
	const sockets = new Set<net.Socket>();
	const cutAll = () => {
		for (const socket of sockets) socket.destroy();
		sockets.clear();
	};
	const server = net.createServer((incoming) => {
		if (!open) {
			incoming.destroy();
			return;
		}
		const outgoing = net.connect(target, '127.0.0.1');
		sockets.add(incoming);
		sockets.add(outgoing);
		const drop = () => {
			incoming.destroy();
			outgoing.destroy();
			sockets.delete(incoming);
			sockets.delete(outgoing);
		};
		incoming.on('error', drop).on('close', drop);
		outgoing.on('error', drop).on('close', drop);
		incoming.pipe(outgoing);
		outgoing.pipe(incoming);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as net.AddressInfo;
	return {
		port,
		origin: `http://127.0.0.1:${port}`,
		retarget(next) {
			target = next;
			cutAll();
		},
		cut() {
			open = false;
			cutAll();
		},
		restore() {
			open = true;
		},
		close() {
			cutAll();
			return new Promise((resolve) => server.close(() => resolve()));
		}
	};
}

export interface RedisProcess {
	port: number;
	url: string;
	/** Kills the server (SIGKILL: no save, no goodbye to clients). */
	kill(): Promise<void>;
	/** Starts it again on the same port, empty. */
	start(): Promise<void>;
}

/** A private, non-persistent redis-server on a free port, so the machine's shared Redis is never restarted. */
export async function startRedis(cleanup: Cleanup): Promise<RedisProcess> {
	const port = await freePort();
	let child: ChildProcess | null = null;
	const url = `redis://127.0.0.1:${port}`;
	const kill = async () => {
		const running = child;
		child = null;
		if (!running || running.exitCode !== null) return;
		const exited = new Promise((resolve) => running.once('exit', resolve));
		running.kill('SIGKILL');
		await exited;
	};
	const start = async () => {
		child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
			stdio: 'ignore'
		});
		await waitFor(async () => {
			const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
			probe.on('error', () => {});
			try {
				await probe.connect();
				return (await probe.ping()) === 'PONG';
			} catch {
				return false;
			} finally {
				probe.disconnect();
			}
		}, 'redis-server answering', 5000);
	};
	await start();
	cleanup.push(kill);
	return { port, url, kill, start };
}

export function textOf(client: Client): string {
	return notesText(client.doc);
}

export function count(text: string, char: string): number {
	return text.split(char).length - 1;
}

/** Types `n` copies of `char` at random places, one keystroke (one update) every `pauseMs`. */
export async function type(client: Client, char: string, n: number, pauseMs = 2): Promise<void> {
	const text = notesOf(client.doc);
	for (let i = 0; i < n; i++) {
		text.insert(Math.floor(Math.random() * (text.length + 1)), char);
		await new Promise((resolve) => setTimeout(resolve, pauseMs));
	}
}

/** Resolves once every client has the same text and all of its own edits acknowledged as saved. */
export async function converged(clients: Client[], what: string, timeoutMs = 15_000): Promise<string> {
	await waitFor(
		() => clients.every((client) => textOf(client) === textOf(clients[0]) && client.allSaved()),
		what,
		timeoutMs
	);
	return textOf(clients[0]);
}

export async function health(origin: string): Promise<{ status: number; body: Record<string, unknown> }> {
	const res = await fetch(`${origin}/healthz`);
	return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The meeting's notes as stored in PostgreSQL, read with a storage of the test's own (not any instance's memory). */
export async function storedNotes(databaseUrl: string, meetingId: string): Promise<string> {
	const storage = new PostgresStorage(databaseUrl);
	await storage.init();
	try {
		const stored = new Y.Doc();
		for (const update of await storage.docs.loadUpdates(meetingId)) Y.applyUpdate(stored, update);
		return notesText(stored);
	} finally {
		await storage.close();
	}
}
