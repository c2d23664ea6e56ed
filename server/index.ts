/**
 * Composition of the server: config, logger, storage, HTTP (API + SvelteKit app)
 * and the sync websocket on one port. `startServer` is what tests run in-process;
 * executed directly (`node --import tsx server/index.ts`) it reads the environment
 * and stops cleanly on SIGTERM/SIGINT.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { REVOKED_CLOSE } from './auth/invitations.ts';
import { type ServerConfig, loadConfig } from './config.ts';
import { CLOSE } from '../src/lib/protocol/index.ts';
import { OidcSignIn } from './auth/oidc.ts';
import { createApi } from './http/api.ts';
import { createRequestHandler, loadAppHandler } from './http/app.ts';
import { createMetricsServer } from './http/metrics-route.ts';
import { requestId } from './http/request-id.ts';
import { createUpgradeHandler } from './http/upgrade.ts';
import { type Logger, createLogger, logContext } from './log.ts';
import { ServerMetrics } from './metrics/metrics.ts';
import { LocalDelivery } from './ops/local-delivery.ts';
import { createConfidentialMoves, mayMoveRounds } from './votes/confidential-moves.ts';
import { createPersonalDataService } from './ops/personal-data.ts';
import { timedStorage } from './metrics/timed-storage.ts';
import { IpRateLimiter } from './shared/rate-limit.ts';
import { PostgresStorage } from './storage/postgres.ts';
import { batchedAppends } from './storage/batched-appends.ts';
import { SqliteStorage } from './storage/sqlite.ts';
import type { MeetingStorage } from './storage/types.ts';
import { type Fanout, singleInstance } from './sync/fanout.ts';
import { RedisFanout } from './sync/redis-fanout.ts';
import { roomKey, type SyncPolicy } from './sync/policy.ts';
import { rolePolicy } from './sync/role-policy.ts';
import { RoomManager } from './sync/rooms.ts';
import { documentListings } from './files/listings.ts';
import cluster from 'node:cluster';
import { startPrimary } from './cluster/primary.ts';
import { runWorker, workerIndex } from './cluster/worker.ts';
import { IpcFanout } from './cluster/ipc-fanout.ts';
import { openFiles } from './files/open.ts';
import type { FileService } from './files/service.ts';

export type { ServerConfig } from './config.ts';
export { loadConfig } from './config.ts';

/** Replaceable parts; each defaults to the single-instance, embedded choice. */
/**
 * Headers must arrive within this, any whole request within the next (uploads of supporting
 * documents on a slow network included); JSON bodies have a shorter deadline (http/body.ts).
 */
const REQUEST_HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 300_000;
const SESSION_PURGE_MS = 3_600_000;

export interface ServerParts {
	logger?: Logger;
	/** Must not be initialised yet: startServer calls init() and, on close, close(). */
	storage?: MeetingStorage;
	fanout?: Fanout;
	policy?: SyncPolicy;
	/** A registry of its own per server by default (tests start several in one process). */
	metrics?: ServerMetrics;
	/** Handlingar; by default in the data directory, or in PostgreSQL with DATABASE_URL (initialised; closed by the caller). */
	files?: FileService;
	/**
	 * Set in a worker of an instance with WORKERS > 1 (cluster/worker.ts): no port of its own (the
	 * primary hands it connections through `adopt`), and the instance's once-only jobs (sweeping
	 * files, purging sessions) run in worker 0 only.
	 */
	worker?: { index: number };
}

export interface RunningServer {
	/** The bound port (useful with `port: 0`). */
	port: number;
	/** The metrics port when `metricsPort` is set (null otherwise). */
	metricsPort: number | null;
	/** Stops accepting, stores what is pending, closes clients with CLOSE.UNAVAILABLE, closes storage. */
	close(): Promise<void>;
	/** A worker's connection from the primary, with the bytes the primary already read of it. */
	adopt(socket: Socket, head: Buffer): void;
}

export async function startServer(config: ServerConfig, parts: ServerParts = {}): Promise<RunningServer> {
	const log = parts.logger ?? createLogger(config.logLevel);
	const metrics = parts.metrics ?? new ServerMetrics();
	// Appends of one event-loop turn share a transaction (batched-appends.ts); timed as each edit waits for it.
	const storage = timedStorage(
		batchedAppends(parts.storage ?? (config.databaseUrl ? new PostgresStorage(config.databaseUrl, { log }) : SqliteStorage.inDataDir(config.dataDir, { log }))),
		metrics
	);
	// Wrapped so the server can hand its own stored changes (an erasure) to its open rooms.
	const fanout = new LocalDelivery(parts.fanout ?? (config.redisUrl ? new RedisFanout(config.redisUrl, { log, metrics }) : singleInstance));
	const policy = parts.policy ?? rolePolicy;
	try {
		await storage.init();
	} catch (error) {
		await fanout.close();
		throw error;
	}
	let opened: Awaited<ReturnType<typeof openFiles>> | null = null;
	try {
		opened = parts.files ? null : await openFiles(config, documentListings(storage.docs, storage.confidential), log);
	} catch (error) {
		await fanout.close();
		await storage.close();
		throw error;
	}
	const files = parts.files ?? opened!.files;
	// Once per instance (worker 0 of several): the jobs below would only repeat each other's work.
	const instanceJobs = (parts.worker?.index ?? 0) === 0;
	// Files of meetings deleted while the process was down, files removed from meetings, abandoned uploads: in the background.
	if (instanceJobs) void files
		.sweep(async (meetingId) => (await storage.meetings.getMeeting(meetingId))?.deletedAt != null)
		.then((swept) => (swept.meetings > 0 || swept.reclaimed > 0 || swept.uploads > 0) && log.info(swept, 'files swept'))
		.catch((error: unknown) => log.warn({ err: error }, 'sweeping files failed'));

	const sessions = config.oidc ? storage.sessions : null;
	// Expired sessions and abandoned logins are deleted now and then; a lookup never returns one anyway.
	const purge = sessions && instanceJobs
		? setInterval(() => void sessions.purgeExpired(Date.now()).catch((error: unknown) => log.warn({ err: error }, 'purging sessions failed')), SESSION_PURGE_MS).unref()
		: null;

	const confidentialMoves = createConfidentialMoves({ storage, deliver: (meetingId, message) => fanout.deliver(meetingId, message), log });
	const rooms = new RoomManager({
		storage,
		fanout,
		policy,
		log,
		metrics,
		compactAfterUpdates: config.compactAfterUpdates,
		idleAfterMs: config.idleRoomMs,
		maxDocumentBytes: config.maxDocumentBytes,
		afterStored: (room, writes) => {
			if (mayMoveRounds(writes)) void confidentialMoves.check(room.meetingId);
		}
	});
	const signIn =
		config.oidc && sessions
			? new OidcSignIn({
					config: config.oidc,
					sessions,
					log,
					// This instance's connections opened with the session close at once; other instances find the
					// session gone from the store at their next session check (below).
					onLogout: (ended) => {
						const closed = rooms.disconnectAll((connection) => connection.access.session?.id === ended.id, CLOSE.UNAUTHORIZED, 'signed out');
						if (closed > 0) log.info({ session: ended.id, closed }, 'connections of a signed-out session closed');
					}
				})
			: null;
	// A logout on another instance, or an expiry, closes this instance's connections of that session
	// within one check (the logging-out instance closes its own at once, in onLogout).
	const sessionCheck =
		config.oidc && sessions
			? setInterval(() => void closeEndedSessions(sessions).catch((error: unknown) => log.warn({ err: error }, 'checking sessions failed')), config.oidc.sessionCheckMs).unref()
			: null;
	async function closeEndedSessions(store: NonNullable<typeof sessions>): Promise<void> {
		const open = rooms.sessionIds();
		if (open.size === 0) return;
		const live = await store.liveSessionIds([...open], Date.now());
		const ended = new Set([...open].filter((id) => !live.has(id)));
		if (ended.size === 0) return;
		const closed = rooms.disconnectAll((connection) => ended.has(connection.access.session?.id ?? ''), CLOSE.UNAUTHORIZED, 'signed out');
		log.info({ sessions: ended.size, closed }, 'connections of ended sessions closed');
	}
	const api = createApi({
		storage,
		fanout,
		publicOrigin: config.publicOrigin,
		maxBodyBytes: config.maxBodyBytes,
		stats: () => rooms.stats(),
		freezeRoom: (meetingId) => rooms.freeze(meetingId),
		createMeetings: config.createMeetings,
		organiserSecret: config.organiserSecret,
		signIn,
		maxMeetings: config.maxMeetings,
		trustProxy: config.trustProxy,
		disconnect: (meetingId, invitationIds) => {
			const closed = rooms.disconnect(
				meetingId,
				(connection) => connection.access.invitationId !== null && invitationIds.includes(connection.access.invitationId),
				REVOKED_CLOSE.code,
				REVOKED_CLOSE.reason
			);
			if (closed > 0) log.info({ meetingId, closed }, 'connections of revoked invitations closed');
			for (const part of ['main', 'confidential'] as const) fanout.publish(roomKey(meetingId, part), { kind: 'revoked', invitationIds: [...invitationIds] });
		},
		closeDeletedRoom: (meetingId) => {
			for (const part of ['main', 'confidential'] as const) fanout.publish(roomKey(meetingId, part), { kind: 'deleted' });
			return rooms.remove(meetingId);
		},
		files,
		personalData: createPersonalDataService({ storage, deliver: (meetingId, message) => fanout.deliver(meetingId, message), log }),
		deliver: (meetingId, message) => fanout.deliver(meetingId, message),
		log
	});
	const app = await loadAppHandler(config.appHandlerPath, log);
	const server = http.createServer(
		// A client that never finishes its request (headers or body) is cut off instead of holding a socket.
		{ headersTimeout: REQUEST_HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
		createRequestHandler(api, app, log, {
			publicOrigin: config.publicOrigin,
			trustProxy: config.trustProxy,
			apiLimiter: new IpRateLimiter(config.apiRateLimit),
			metrics,
			metricsToken: config.metricsToken,
			signIn
		})
	);

	let closing = false;
	const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxPayloadBytes });
	metrics.observe({ rooms: () => rooms.stats(), sockets: () => wss.clients.size });
	const upgrade = createUpgradeHandler({
			storage,
			rooms,
			wss,
			policy,
			rateLimit: config.rateLimit,
			log,
			isClosing: () => closing,
			connectLimiter: new IpRateLimiter(config.connectRateLimit),
			publicOrigin: config.publicOrigin,
			trustProxy: config.trustProxy,
			signIn,
			metrics
	});
	// The upgrade's log lines carry a request id like those of plain requests.
	server.on('upgrade', (req, socket, head) => logContext.run({ reqId: requestId(req, config.trustProxy) }, () => upgrade(req, socket, head)));

	// A worker listens on nothing; 'listening' starts the HTTP server's header and request timeouts for adopted sockets.
	const port = parts.worker ? (server.emit('listening'), config.port) : await listen(server, config.port, config.host);
	const metricsServer = config.metricsPort === null ? null : createMetricsServer(metrics);
	const metricsPort = metricsServer ? await listen(metricsServer, config.metricsPort!, config.metricsHost) : null;
	log.info(
		{
			port,
			host: config.host,
			storage: storage.engine,
			...(storage.engine === 'sqlite' ? { dataDir: path.resolve(config.dataDir) } : {}),
			fanout: fanout.inner instanceof RedisFanout ? `redis (instance ${fanout.inner.instanceId})` : fanout.inner === singleInstance ? 'none' : fanout.inner instanceof IpcFanout ? 'between workers (IPC)' : 'custom',
			app: app !== null,
			metrics: metricsPort !== null ? `port ${metricsPort}` : config.metricsToken ? '/metrics with token' : 'off',
			signIn: config.oidc ? config.oidc.issuer : 'off'
		},
		parts.worker ? 'worker ready' : 'listening'
	);

	let closed: Promise<void> | null = null;
	return {
		port,
		metricsPort,
		adopt(socket, head) {
			if (closing) {
				socket.destroy();
				return;
			}
			// The primary's bytes first, then whatever the kernel still holds; the server takes it as its own accept.
			if (head.length > 0) socket.unshift(head);
			server.emit('connection', socket);
		},
		close() {
			closed ??= (async () => {
				closing = true;
				if (purge) clearInterval(purge);
				if (sessionCheck) clearInterval(sessionCheck);
				// Each step's duration is logged: docs/deploy.md quotes them for the orchestrator's grace period.
				const started = performance.now();
				const since = (from: number) => Math.round(performance.now() - from);
				const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
				const sockets = wss.clients.size;
				let step = performance.now();
				await rooms.closeAll();
				const roomsMs = since(step);
				step = performance.now();
				await closeSockets(wss, config.shutdownGraceMs);
				const socketsMs = since(step);
				server.closeIdleConnections();
				step = performance.now();
				await fanout.close();
				await opened?.close();
				await storage.close();
				const storageMs = since(step);
				server.closeAllConnections();
				await stopped;
				if (metricsServer) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
				log.info({ sockets, roomsMs, socketsMs, storageMs, totalMs: since(started) }, 'stopped');
			})();
			return closed;
		}
	};
}

async function listen(server: http.Server, port: number, host: string): Promise<number> {
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const address = server.address();
	return typeof address === 'object' && address ? address.port : port;
}

/** Gives clients a moment to complete the close handshake (so they see 4503 and reconnect later), then cuts the rest. */
async function closeSockets(wss: WebSocketServer, graceMs: number): Promise<void> {
	const deadline = Date.now() + graceMs;
	while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
	for (const ws of wss.clients) ws.terminate();
	await new Promise<void>((resolve) => wss.close(() => resolve()));
}

async function main(): Promise<void> {
	const config = loadConfig();
	const log = createLogger(config.logLevel);
	const index = workerIndex();
	if (index !== null && cluster.isWorker) return runWorker(config, log.child({ worker: index }), index, startServer);
	const running = config.workers > 1 ? await startPrimary(config, log) : await startServer(config, { logger: log });
	for (const signal of ['SIGTERM', 'SIGINT'] as const) {
		process.once(signal, () => {
			log.info({ signal }, 'shutting down');
			running.close().then(
				() => process.exit(0),
				(error: unknown) => {
					log.error({ err: error }, 'shutdown failed');
					process.exit(1);
				}
			);
		});
	}
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
	main().catch((error: unknown) => {
		console.error(error);
		process.exit(1);
	});
}
