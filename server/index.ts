/**
 * Composition of the server: config, logger, storage, HTTP (API + SvelteKit app)
 * and the sync websocket on one port. `startServer` is what tests run in-process;
 * executed directly (`node --import tsx server/index.ts`) it reads the environment
 * and stops cleanly on SIGTERM/SIGINT.
 */
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { type ServerConfig, loadConfig } from './config.ts';
import { createApi } from './http/api.ts';
import { createRequestHandler, loadAppHandler } from './http/app.ts';
import { REVOKED_CLOSE } from './http/invitations.ts';
import { IpRateLimiter } from './http/security.ts';
import { type Logger, createLogger } from './log.ts';
import { PostgresStorage } from './storage/postgres.ts';
import { SqliteStorage } from './storage/sqlite.ts';
import type { MeetingStorage } from './storage/types.ts';
import { type Fanout, singleInstance } from './sync/fanout.ts';
import { RedisFanout } from './sync/redis-fanout.ts';
import type { SyncPolicy } from './sync/policy.ts';
import { rolePolicy } from './sync/role-policy.ts';
import { RoomManager } from './sync/rooms.ts';
import { createUpgradeHandler } from './sync/upgrade.ts';

export type { ServerConfig } from './config.ts';
export { loadConfig } from './config.ts';

/** Replaceable parts; each defaults to the single-instance, embedded choice. */
/**
 * Headers must arrive within this, any whole request within the next (uploads of supporting
 * documents on a slow network included); JSON bodies have a shorter deadline (http/body.ts).
 */
const REQUEST_HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 300_000;

export interface ServerParts {
	logger?: Logger;
	/** Must not be initialised yet: startServer calls init() and, on close, close(). */
	storage?: MeetingStorage;
	fanout?: Fanout;
	policy?: SyncPolicy;
}

export interface RunningServer {
	/** The bound port (useful with `port: 0`). */
	port: number;
	/** Stops accepting, stores what is pending, closes clients with CLOSE.UNAVAILABLE, closes storage. */
	close(): Promise<void>;
}

export async function startServer(config: ServerConfig, parts: ServerParts = {}): Promise<RunningServer> {
	const log = parts.logger ?? createLogger(config.logLevel);
	const storage =
		parts.storage ??
		(config.databaseUrl ? new PostgresStorage(config.databaseUrl, { log }) : SqliteStorage.inDataDir(config.dataDir));
	const fanout = parts.fanout ?? (config.redisUrl ? new RedisFanout(config.redisUrl, { log }) : singleInstance);
	const policy = parts.policy ?? rolePolicy;
	try {
		await storage.init();
	} catch (error) {
		await fanout.close();
		throw error;
	}

	const rooms = new RoomManager({
		storage,
		fanout,
		policy,
		log,
		compactAfterUpdates: config.compactAfterUpdates,
		maxDocumentBytes: config.maxDocumentBytes
	});
	const api = createApi({
		storage,
		fanout,
		publicOrigin: config.publicOrigin,
		maxBodyBytes: config.maxBodyBytes,
		stats: () => rooms.stats(),
		freezeRoom: (meetingId) => rooms.freeze(meetingId),
		createMeetings: config.createMeetings,
		organiserSecret: config.organiserSecret,
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
			fanout.publish(meetingId, { kind: 'revoked', invitationIds: [...invitationIds] });
		},
		closeDeletedRoom: (meetingId) => {
			fanout.publish(meetingId, { kind: 'deleted' });
			return rooms.remove(meetingId);
		}
	});
	const app = await loadAppHandler(config.appHandlerPath, log);
	const server = http.createServer(
		// A client that never finishes its request (headers or body) is cut off instead of holding a socket.
		{ headersTimeout: REQUEST_HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
		createRequestHandler(api, app, log, {
			publicOrigin: config.publicOrigin,
			trustProxy: config.trustProxy,
			apiLimiter: new IpRateLimiter(config.apiRateLimit)
		})
	);

	let closing = false;
	const wss = new WebSocketServer({ noServer: true, maxPayload: config.maxPayloadBytes });
	server.on(
		'upgrade',
		createUpgradeHandler({
			storage,
			rooms,
			wss,
			policy,
			rateLimit: config.rateLimit,
			log,
			isClosing: () => closing,
			connectLimiter: new IpRateLimiter(config.connectRateLimit),
			publicOrigin: config.publicOrigin,
			trustProxy: config.trustProxy
		})
	);

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(config.port, config.host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const address = server.address();
	const port = typeof address === 'object' && address ? address.port : config.port;
	log.info(
		{
			port,
			host: config.host,
			storage: storage instanceof PostgresStorage ? 'postgres' : storage instanceof SqliteStorage ? 'sqlite' : 'custom',
			...(storage instanceof SqliteStorage ? { dataDir: path.resolve(config.dataDir) } : {}),
			fanout: fanout instanceof RedisFanout ? `redis (instance ${fanout.instanceId})` : fanout === singleInstance ? 'none' : 'custom',
			app: app !== null
		},
		'listening'
	);

	let closed: Promise<void> | null = null;
	return {
		port,
		close() {
			closed ??= (async () => {
				closing = true;
				const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
				await rooms.closeAll();
				await closeSockets(wss);
				server.closeIdleConnections();
				await fanout.close();
				await storage.close();
				server.closeAllConnections();
				await stopped;
				log.info('stopped');
			})();
			return closed;
		}
	};
}

/** Gives clients a moment to complete the close handshake (so they see 4503 and reconnect later), then cuts the rest. */
async function closeSockets(wss: WebSocketServer, graceMs = 1000): Promise<void> {
	const deadline = Date.now() + graceMs;
	while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
	for (const ws of wss.clients) ws.terminate();
	await new Promise<void>((resolve) => wss.close(() => resolve()));
}

async function main(): Promise<void> {
	const config = loadConfig();
	const log = createLogger(config.logLevel);
	const running = await startServer(config, { logger: log });
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
