/**
 * The primary of an instance with WORKERS > 1. It owns the port and nothing else of the
 * server: it reads each connection's request line (peek.ts), hands the socket and those
 * bytes to a worker (a sync upgrade to the worker of its meeting, route.ts; anything else
 * round robin), relays the workers' fan-out (ipc-fanout.ts), answers /metrics aggregated
 * over the workers, restarts a worker that dies and stops them all on SIGTERM/SIGINT.
 * It decides nothing about access and adds nothing a worker trusts: a worker sees the
 * connection's bytes exactly as the client sent them.
 */
import cluster, { type Worker } from 'node:cluster';
import net from 'node:net';
import path from 'node:path';
import { AggregatorRegistry } from 'prom-client';
import type { ServerConfig } from '../config.ts';
import { createMetricsServer } from '../http/metrics-route.ts';
import type { Logger } from '../log.ts';
import { SqliteStorage } from '../storage/sqlite.ts';
import { isMessage, type ToPrimary, type ToWorker } from './messages.ts';
import { peekRequestLine } from './peek.ts';
import { meetingOfRequestLine, slotOf } from './route.ts';

/** As the workers' own limit for the headers (index.ts): the request line must arrive within it. */
const REQUEST_LINE_TIMEOUT_MS = 10_000;
/** A worker that dies within this of its start is restarted after a growing pause (1 s, 2 s, … 30 s). */
const QUICK_DEATH_MS = 10_000;
const MAX_RESTART_DELAY_MS = 30_000;

const SERVICE_UNAVAILABLE =
	'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 20\r\n\r\nServer is starting.\n';

interface Slot {
	index: number;
	worker: Worker | null;
	ready: boolean;
	startedAt: number;
	quickDeaths: number;
}

export interface RunningPrimary {
	port: number;
	close(): Promise<void>;
}

export async function startPrimary(config: ServerConfig, log: Logger): Promise<RunningPrimary> {
	const count = config.workers;
	// SQLite: migrations once, here, before any worker opens the file (PostgreSQL's run under an advisory lock).
	if (!config.databaseUrl) {
		const storage = SqliteStorage.inDataDir(config.dataDir, { log });
		await storage.init();
		await storage.close();
	}
	// Update bytes travel as they are; the sockets as handles. The workers run this same entry point.
	cluster.setupPrimary({ serialization: 'advanced' });
	const aggregator = new AggregatorRegistry();
	const slots: Slot[] = Array.from({ length: count }, (_, index) => ({ index, worker: null, ready: false, startedAt: 0, quickDeaths: 0 }));
	const relay = new Relay();
	let stopping = false;
	let roundRobin = 0;

	let allReady: () => void = () => {};
	let failed: (error: Error) => void = () => {};
	const started = new Promise<void>((resolve, reject) => {
		allReady = resolve;
		failed = reject;
	});
	let everyoneReadyOnce = false;

	const fork = (slot: Slot) => {
		const worker = cluster.fork({ MOTESRUM_WORKER_INDEX: String(slot.index) });
		slot.worker = worker;
		slot.ready = false;
		slot.startedAt = Date.now();
		worker.on('message', (message: unknown) => {
			if (!isMessage(message)) return;
			const m = message as ToPrimary;
			if (m.t === 'motesrum:ready') {
				slot.ready = true;
				if (everyoneReadyOnce) log.info({ worker: slot.index, pid: worker.process.pid }, 'worker restarted');
				else if (slots.every((s) => s.ready)) {
					everyoneReadyOnce = true;
					allReady();
				}
			} else if (m.t === 'motesrum:metrics') {
				aggregator.clusterMetrics().then(
					(body) => send(worker, { t: 'motesrum:metrics', id: m.id, contentType: aggregator.contentType, body }),
					(error: unknown) => {
						log.warn({ err: error }, 'aggregating metrics failed');
						send(worker, { t: 'motesrum:metrics', id: m.id, contentType: aggregator.contentType, body: null });
					}
				);
			} else relay.receive(worker, m);
		});
		worker.on('exit', (code, signal) => {
			slot.ready = false;
			if (slot.worker === worker) slot.worker = null;
			relay.gone(worker);
			if (stopping) return;
			if (!everyoneReadyOnce) {
				failed(new Error(`worker ${slot.index} exited with ${signal ?? code} before it was ready`));
				return;
			}
			slot.quickDeaths = Date.now() - slot.startedAt < QUICK_DEATH_MS ? slot.quickDeaths + 1 : 0;
			// A clean exit is a worker that stopped on a signal of its own (a terminal's Ctrl-C reaches the
			// whole process group): the primary's own handler is about to run, so it gets a moment first.
			const delay = Math.max(code === 0 ? 200 : 0, slot.quickDeaths === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 1000 * 2 ** (slot.quickDeaths - 1)));
			setTimeout(() => {
				if (stopping) return;
				log.error({ worker: slot.index, pid: worker.process.pid, code, signal, restartedAfterMs: delay }, 'worker died, restarting it');
				fork(slot);
			}, delay).unref();
		});
	};
	for (const slot of slots) fork(slot);
	try {
		await started;
	} catch (error) {
		stopping = true;
		for (const slot of slots) slot.worker?.process.kill('SIGTERM');
		throw error;
	}

	/** The meeting's worker for a sync upgrade, any ready one otherwise (or while the meeting's own restarts). */
	const choose = (meeting: string | null): Worker | null => {
		if (meeting !== null) {
			const own = slots[slotOf(meeting, count)];
			if (own.ready && own.worker) return own.worker;
		}
		for (let i = 0; i < count; i++) {
			const slot = slots[(roundRobin + i) % count];
			if (slot.ready && slot.worker) {
				roundRobin = (slot.index + 1) % count;
				return slot.worker;
			}
		}
		return null;
	};

	const server = net.createServer(async (socket) => {
		socket.on('error', () => socket.destroy());
		const peeked = await peekRequestLine(socket, REQUEST_LINE_TIMEOUT_MS);
		if (!peeked || socket.destroyed) return;
		const worker = stopping ? null : choose(meetingOfRequestLine(peeked.line));
		if (!worker) {
			socket.end(SERVICE_UNAVAILABLE);
			return;
		}
		try {
			worker.send({ t: 'motesrum:connection', head: peeked.head } satisfies ToWorker, socket, { keepOpen: false }, (error) => {
				if (error) socket.destroy();
			});
		} catch {
			socket.destroy();
		}
	});
	const port = await new Promise<number>((resolve, reject) => {
		server.once('error', reject);
		server.listen(config.port, config.host, () => {
			server.off('error', reject);
			const address = server.address();
			resolve(typeof address === 'object' && address ? address.port : config.port);
		});
	});
	const metricsServer =
		config.metricsPort === null
			? null
			: createMetricsServer({ render: async () => ({ contentType: aggregator.contentType, body: await aggregator.clusterMetrics() }) });
	const metricsPort = metricsServer
		? await new Promise<number>((resolve, reject) => {
				metricsServer.once('error', reject);
				metricsServer.listen(config.metricsPort!, config.metricsHost, () => {
					const address = metricsServer.address();
					resolve(typeof address === 'object' && address ? address.port : config.metricsPort!);
				});
			})
		: null;
	log.info(
		{
			port,
			host: config.host,
			workers: count,
			pids: slots.map((slot) => slot.worker?.process.pid),
			storage: config.databaseUrl ? 'postgres' : 'sqlite',
			...(config.databaseUrl ? {} : { dataDir: path.resolve(config.dataDir) }),
			fanout: config.redisUrl ? 'redis (each worker an instance)' : 'between workers (IPC)',
			metrics: metricsPort !== null ? `port ${metricsPort}` : config.metricsToken ? '/metrics with token' : 'off'
		},
		'listening'
	);

	let closed: Promise<void> | null = null;
	return {
		port,
		close() {
			closed ??= (async () => {
				stopping = true;
				const begun = performance.now();
				const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
				// Each worker stops as a single process does: stores what is pending, closes its clients with 4503.
				const exits = slots.flatMap((slot) => {
					const worker = slot.worker;
					if (!worker || worker.isDead()) return [];
					const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
					worker.process.kill('SIGTERM');
					return [exited];
				});
				await Promise.all(exits);
				await stopped;
				if (metricsServer) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
				log.info({ workers: exits.length, totalMs: Math.round(performance.now() - begun) }, 'stopped');
			})();
			return closed;
		}
	};
}

function send(worker: Worker, message: ToWorker): void {
	if (worker.isConnected()) worker.send(message);
}

/** The primary's half of the IPC fan-out: who subscribes to what, and the barrier before a new subscriber's resync. */
class Relay {
	readonly #subscribers = new Map<string, Set<Worker>>();
	/** Barriers waiting for acknowledgements: the workers still to answer, and what to do then. */
	readonly #barriers = new Map<number, { waiting: Set<Worker>; then: () => void }>();
	#nextBarrier = 0;

	receive(worker: Worker, message: ToPrimary): void {
		switch (message.t) {
			case 'motesrum:publish': {
				for (const other of this.#subscribers.get(message.key) ?? []) {
					if (other !== worker) send(other, { t: 'motesrum:fanout', key: message.key, message: message.message });
				}
				return;
			}
			case 'motesrum:subscribe':
				return this.#subscribe(worker, message.key, message.n);
			case 'motesrum:unsubscribe': {
				const set = this.#subscribers.get(message.key);
				if (!set?.delete(worker)) return;
				if (set.size === 0) this.#subscribers.delete(message.key);
				this.#tellCounts(message.key, null);
				return;
			}
			case 'motesrum:peers-ack': {
				const barrier = this.#barriers.get(message.barrier);
				if (!barrier) return;
				barrier.waiting.delete(worker);
				this.#settle(message.barrier);
				return;
			}
		}
	}

	#subscribe(worker: Worker, key: string, n: number): void {
		let set = this.#subscribers.get(key);
		if (!set) this.#subscribers.set(key, (set = new Set()));
		set.add(worker);
		const acknowledge = () => {
			const current = this.#subscribers.get(key);
			if (!current?.has(worker)) return;
			send(worker, { t: 'motesrum:subscribed', key, n, others: current.size - 1 });
		};
		// The workers already subscribed start publishing before the newcomer reads the storage.
		const others = [...set].filter((other) => other !== worker && other.isConnected());
		if (others.length === 0) return acknowledge();
		const id = ++this.#nextBarrier;
		this.#barriers.set(id, { waiting: new Set(others), then: acknowledge });
		for (const other of others) send(other, { t: 'motesrum:peers', key, others: set.size - 1, barrier: id });
	}

	/** Every subscriber but `except` learns how many others subscribe to `key` now. */
	#tellCounts(key: string, except: Worker | null): void {
		const set = this.#subscribers.get(key);
		if (!set) return;
		for (const worker of set) if (worker !== except) send(worker, { t: 'motesrum:peers', key, others: set.size - 1 });
	}

	#settle(id: number): void {
		const barrier = this.#barriers.get(id);
		if (!barrier || barrier.waiting.size > 0) return;
		this.#barriers.delete(id);
		barrier.then();
	}

	/** A worker exited: its subscriptions end, barriers stop waiting for it, and its peers re-read what it may have stored unpublished. */
	gone(worker: Worker): void {
		for (const [key, set] of this.#subscribers) {
			if (!set.delete(worker)) continue;
			if (set.size === 0) {
				this.#subscribers.delete(key);
				continue;
			}
			this.#tellCounts(key, null);
			for (const other of set) send(other, { t: 'motesrum:fanout', key, message: { kind: 'resync' } });
		}
		for (const [id, barrier] of this.#barriers) {
			if (barrier.waiting.delete(worker)) this.#settle(id);
		}
	}
}
