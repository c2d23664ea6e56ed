/**
 * A worker of an instance with WORKERS > 1: the whole server (startServer), except that it
 * listens on no port. The primary sends it connections over the IPC channel, each with the
 * bytes the primary read of it; they are put back in front of the socket's stream and the
 * socket is handed to the HTTP server as if it had accepted it. Without REDIS_URL the
 * fan-out to the other workers is the primary's relay (ipc-fanout.ts); with it, each worker
 * is an instance of its own on Redis, as separate processes always were.
 *
 * The worker exits when the primary's channel closes (Node's cluster does so at once: a
 * primary that crashed leaves no workers behind); SIGTERM/SIGINT stop it gracefully.
 */
import type { Socket } from 'node:net';
import { AggregatorRegistry } from 'prom-client';
import type { ServerConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import { ServerMetrics } from '../metrics/metrics.ts';
import type { Fanout } from '../sync/fanout.ts';
import { IpcFanout } from './ipc-fanout.ts';
import { isMessage, type ToPrimary, type ToWorker } from './messages.ts';

export function workerIndex(): number | null {
	const raw = process.env.MOTESRUM_WORKER_INDEX;
	return raw === undefined || raw === '' ? null : Number(raw);
}

/** The part of `startServer` (index.ts, which passes itself: nothing here imports the top) a worker runs. */
export type StartServer = (
	config: ServerConfig,
	parts: { logger: Logger; metrics: ServerMetrics; fanout?: Fanout; worker: { index: number } }
) => Promise<{ adopt(socket: Socket, head: Buffer): void; close(): Promise<void> }>;

export async function runWorker(config: ServerConfig, log: Logger, index: number, startServer: StartServer): Promise<void> {
	const send = (message: ToPrimary) => process.send?.(message);
	const fanout = config.redisUrl ? undefined : new IpcFanout({ send, connected: () => process.connected }, log);
	const metrics = new ServerMetrics();
	// The primary's AggregatorRegistry collects this registry from every worker: constructing one here
	// installs prom-client's listener that answers it.
	new AggregatorRegistry();
	AggregatorRegistry.setRegistries([metrics.registry]);
	const pendingMetrics = new Map<number, (answer: { contentType: string; body: string | null }) => void>();
	let nextMetrics = 0;
	metrics.renderWith(async () => {
		const id = ++nextMetrics;
		const answer = await new Promise<{ contentType: string; body: string | null }>((resolve) => {
			pendingMetrics.set(id, resolve);
			send({ t: 'motesrum:metrics', id });
		});
		if (answer.body === null) throw new Error('the primary could not aggregate the metrics');
		return { contentType: answer.contentType, body: answer.body };
	});
	let running: Awaited<ReturnType<StartServer>> | null = null;
	const early: [Socket, Buffer][] = [];
	process.on('message', (message: unknown, handle: unknown) => {
		if (!isMessage(message)) return;
		const m = message as ToWorker;
		if (m.t === 'motesrum:connection') {
			const socket = handle as Socket | undefined;
			if (!socket) return;
			const head = Buffer.from(m.head.buffer, m.head.byteOffset, m.head.byteLength);
			if (running) running.adopt(socket, head);
			else early.push([socket, head]);
		} else if (m.t === 'motesrum:metrics') {
			pendingMetrics.get(m.id)?.(m);
			pendingMetrics.delete(m.id);
		} else fanout?.receive(m);
	});
	running = await startServer(
		// The metrics port is the primary's.
		{ ...config, metricsPort: null },
		{ logger: log, metrics, ...(fanout ? { fanout } : {}), worker: { index } }
	);
	for (const [socket, head] of early.splice(0)) running.adopt(socket, head);
	const stop = (signal: string) => {
		log.info({ signal }, "worker shutting down");
		running!.close().then(
			() => process.exit(0),
			(error: unknown) => {
				log.error({ err: error }, 'shutdown failed');
				process.exit(1);
			}
		);
	};
	// `on`, not `once`: a terminal's Ctrl-C reaches the worker and the primary forwards a SIGTERM too.
	for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => stop(signal));
	send({ t: 'motesrum:ready' });
}
