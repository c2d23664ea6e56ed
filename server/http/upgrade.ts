/**
 * The HTTP upgrade to `/sync/<meetingId>?token=<token>` — or `/sync/<meetingId>/confidential`
 * for the meeting's confidential part, only for roles with `confidential.read` (403 otherwise) — (or, signed in, with the session
 * cookie instead of a token: server/http/signin.ts). Access is decided here,
 * before any websocket exists, so a refused client gets a plain HTTP status
 * (400 malformed id, 404 unknown meeting, 401 missing or wrong token, 503 while
 * shutting down) and never a half-open connection.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import type { WebSocketServer } from 'ws';
import { CLOSE } from '../../src/lib/protocol/index.ts';
import { can } from '../../src/lib/protocol/roles.ts';
import { resolveAccess } from '../auth/access.ts';
import type { OidcSignIn } from '../auth/oidc.ts';
import type { RateLimitConfig } from '../config.ts';
import { pathOnly, type Logger } from '../log.ts';
import type { SyncMetrics } from '../metrics/metrics.ts';
import type { IpRateLimiter } from '../shared/rate-limit.ts';
import type { MeetingStorage } from '../storage/types.ts';
import { Connection } from '../sync/connection.ts';
import type { SyncPolicy } from '../sync/policy.ts';
import type { RoomManager } from '../sync/rooms.ts';
import { clientIp } from './request.ts';
import { BASE_HEADERS, sameOrigin } from './security.ts';
import { sessionOfCookie } from './signin.ts';

export const SYNC_PREFIX = '/sync/';
/** The confidential part's path after the meeting id (src/lib/sync/session.ts opens it). */
export const CONFIDENTIAL_SUFFIX = '/confidential';

export interface UpgradeDeps {
	storage: MeetingStorage;
	rooms: RoomManager;
	wss: WebSocketServer;
	policy: SyncPolicy;
	rateLimit: RateLimitConfig;
	log: Logger;
	isClosing(): boolean;
	/** Per-IP limit on connection attempts (checked before the token lookup). */
	connectLimiter: IpRateLimiter;
	publicOrigin: string | null;
	trustProxy: boolean;
	metrics: SyncMetrics;
	/** With OIDC: a signed-in participant's session cookie opens the meeting too (roster e-mail). */
	signIn: OidcSignIn | null;
}

/** The same headers as every HTTP answer, also on a refused upgrade. */
const REFUSAL_HEADERS = Object.entries({ ...BASE_HEADERS, 'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'", 'Cache-Control': 'no-store' })
	.map(([name, value]) => `${name}: ${value}\r\n`)
	.join('');

function refuse(socket: Duplex, status: number, message: string, extra = ''): void {
	const body = `${message}\n`;
	socket.end(
		`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
			'Connection: close\r\n' +
			REFUSAL_HEADERS +
			extra +
			'Content-Type: text/plain; charset=utf-8\r\n' +
			`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
	);
}

export function createUpgradeHandler(deps: UpgradeDeps) {
	const handle = async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
		// A client that vanishes during the token lookup must not crash the process.
		socket.on('error', () => socket.destroy());
		const path = pathOnly(req.url);
		const log = deps.log.child({ path });
		if (deps.isClosing()) return refuse(socket, 503, 'Server is shutting down');
		if (!path.startsWith(SYNC_PREFIX)) return refuse(socket, 404, 'Not found');
		if (!deps.connectLimiter.take(clientIp(req, deps.trustProxy))) {
			log.warn('sync refused: too many connection attempts');
			return refuse(socket, 429, 'Too many connection attempts', `Retry-After: ${deps.connectLimiter.retryAfterSeconds}\r\n`);
		}
		if (!sameOrigin(req, deps.publicOrigin)) {
			log.warn({ origin: req.headers.origin }, 'sync refused: cross-origin');
			return refuse(socket, 403, 'Cross-origin connection refused');
		}

		const url = new URL(req.url ?? '/', 'http://localhost');
		// Not URI-decoded: a valid id is plain base64url, anything else is refused as malformed.
		const rest = path.slice(SYNC_PREFIX.length);
		const part = rest.endsWith(CONFIDENTIAL_SUFFIX) ? 'confidential' : 'main';
		const meetingId = part === 'main' ? rest : rest.slice(0, -CONFIDENTIAL_SUFFIX.length);
		let access;
		try {
			const session = deps.signIn ? await sessionOfCookie(deps.signIn, req) : null;
			access = await resolveAccess(deps.storage, meetingId, url.searchParams.get('token'), session);
		} catch (error) {
			log.error({ err: error }, 'access check failed');
			return refuse(socket, 503, 'Storage unavailable');
		}
		switch (access.status) {
			case 'malformed-id':
				return refuse(socket, 400, 'Malformed meeting id');
			case 'not-found':
				return refuse(socket, 404, 'Meeting not found');
			case 'unauthorized':
				log.info('sync refused: missing or wrong token, and no signed-in participant');
				return refuse(socket, 401, 'Missing or wrong token');
		}
		if (socket.destroyed) return;
		if (part === 'confidential') {
			if (!can(access.role, 'confidential.read')) {
				log.info({ role: access.role }, 'sync refused: the role may not read confidential items');
				return refuse(socket, 403, 'Your role may not read confidential items');
			}
			// A group's document has no agenda items, so no confidential part either.
			if (await deps.storage.groups.getGroup(meetingId)) return refuse(socket, 404, 'Not found');
			if (socket.destroyed) return;
		}
		const context = {
			meeting: access.meeting,
			role: access.role,
			invitationId: access.invitationId,
			participantId: access.participantId,
			name: access.name,
			session: access.session
		};
		deps.wss.handleUpgrade(req, socket, head, (ws) => {
			const connection = new Connection(ws, {
				meetingId,
				part,
				access: context,
				canWrite: deps.policy.canWrite(context),
				rateLimit: deps.rateLimit,
				log: deps.log,
				metrics: deps.metrics,
				// A client that shows nobody's presence (a bot, a screen without cursors) says so and is sent none.
				wantsPresence: url.searchParams.get('presence') !== 'off'
			});
			connection.log.info({ role: access.role, canWrite: connection.canWrite }, 'sync connected');
			connection.onClose(() => connection.log.info('sync disconnected'));
			deps.rooms.join(connection).catch((error: unknown) => {
				connection.log.error({ err: error }, 'joining the room failed');
				connection.close(CLOSE.UNAVAILABLE, 'server error');
			});
		});
	};
	return (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
		handle(req, socket, head).catch((error: unknown) => {
			deps.log.error({ err: error, path: pathOnly(req.url) }, 'upgrade failed');
			socket.destroy();
		});
	};
}
