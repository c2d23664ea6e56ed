/**
 * Server configuration, read once from the environment. Everything else receives a
 * ServerConfig and never looks at process.env itself, so tests can start servers
 * in-process with their own values.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_MEETING_FILE_BYTES } from '../src/lib/protocol/files.ts';
import type { RateLimit } from './shared/rate-limit.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** A token bucket's size and refill rate (server/shared/rate-limit.ts). */
export type RateLimitConfig = RateLimit;

export interface ServerConfig {
	port: number;
	host: string;
	/** Directory for the SQLite file `motesrum.db`; created when missing. */
	dataDir: string;
	/** Origin used in meeting links (e.g. https://motesrum.example.se); the request's origin when unset. */
	publicOrigin: string | null;
	logLevel: LogLevel;
	/** Largest websocket frame accepted, in bytes. */
	maxPayloadBytes: number;
	/** Largest HTTP JSON body accepted, in bytes. */
	maxBodyBytes: number;
	rateLimit: RateLimitConfig;
	/** A meeting's update log is compacted into its snapshot on unload once it has this many entries. */
	compactAfterUpdates: number;
	/** A loaded meeting without a write for this long holds its document encoded instead of live (0: never). */
	idleRoomMs: number;
	/** The adapter-node handler of the built SvelteKit app; served for every non-API path when it exists. */
	appHandlerPath: string;
	/** `postgres://…`: store meetings in PostgreSQL instead of SQLite (needed for several instances). */
	databaseUrl: string | null;
	/** `redis://…`: fan updates and presence out to the other instances serving the same meetings. */
	redisUrl: string | null;
	// ---- access and hardening (docs/security.md)
	/** Largest stored size of one meeting (snapshot plus update log); an edit past it closes with 4413. */
	maxDocumentBytes: number;
	/** Most meetings this instance holds; creating one more answers 507. */
	maxMeetings: number;
	/** API requests per client IP (token bucket). */
	apiRateLimit: RateLimitConfig;
	/** Websocket connection attempts per client IP (token bucket). */
	connectRateLimit: RateLimitConfig;
	/**
	 * 'open': anyone may create meetings; 'secret': POST /api/meetings needs `Authorization: Bearer <organiserSecret>`;
	 * 'signed-in' (the default with OIDC): a signed-in organiser (OIDC_ORGANISER_GROUP) creates meetings and groups,
	 * and the organiser secret, when set, still works for scripts.
	 */
	createMeetings: CreateMeetings;
	organiserSecret: string | null;
	/** Sign-in with the organisation's OpenID Connect provider, or null (links only). */
	oidc: OidcConfig | null;
	/** Behind a reverse proxy: take the client IP from the last X-Forwarded-For entry and the scheme from X-Forwarded-Proto. */
	trustProxy: boolean;
	// ---- operations (docs/deploy.md)
	/** Serve Prometheus metrics at /metrics on this port of its own (no token), or null. */
	metricsPort: number | null;
	/** Address the metrics port listens on. */
	metricsHost: string;
	/** Serve /metrics on the main port to `Authorization: Bearer <metricsToken>`, or null. */
	metricsToken: string | null;
	/** Longest the graceful shutdown waits for clients to take their close before cutting them. */
	shutdownGraceMs: number;
	/**
	 * Server processes of this instance (WORKERS; `auto`: one per core). 1: one process, as
	 * always. More: a primary owns the port and hands each connection to a worker, a meeting's
	 * sync connections all to the same one (server/cluster/README.md).
	 */
	workers: number;
	// ---- handlingar (server/files)
	/** Largest uploaded file. */
	maxFileBytes: number;
	/** Most bytes of files one meeting may hold (every version counts). */
	maxMeetingFileBytes: number;
}

export type CreateMeetings = 'open' | 'secret' | 'signed-in';

export interface OidcConfig {
	/** The provider's issuer URL (discovery at `<issuer>/.well-known/openid-configuration`). */
	issuer: string;
	clientId: string;
	/** Null for a public client (PKCE only). */
	clientSecret: string | null;
	/** The value of `groupsClaim` that makes a user an organiser; null: every signed-in user is one. */
	organiserGroup: string | null;
	/** The claim (ID token or userinfo) listing the user's groups or roles, e.g. `groups` or `roles` (Entra ID). */
	groupsClaim: string;
	/** How long a session lasts after sign-in. */
	sessionHours: number;
	/**
	 * How often an instance checks that the sessions its connections were opened with still
	 * exist: a logout on another instance, or an expiry, closes them within this time.
	 */
	sessionCheckMs: number;
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

// server/ when run from source, build/ when run as the bundle build/server.js: both sit beside build/.
const serverDir = path.dirname(fileURLToPath(import.meta.url));

export const defaultConfig: ServerConfig = {
	port: 3000,
	host: '0.0.0.0',
	dataDir: './data',
	publicOrigin: null,
	logLevel: 'info',
	maxPayloadBytes: 2 * 1024 * 1024,
	maxBodyBytes: 64 * 1024,
	rateLimit: { perSecond: 100, burst: 300 },
	compactAfterUpdates: 500,
	// Long enough that a pause in typing does not re-encode the document, short enough that a
	// meeting everyone merely has open costs its encoded size.
	idleRoomMs: 30_000,
	appHandlerPath: path.join(serverDir, '..', 'build', 'handler.js'),
	databaseUrl: null,
	redisUrl: null,
	maxDocumentBytes: 32 * 1024 * 1024,
	maxMeetings: 10_000,
	// A whole office behind one NAT address opens the app at once: generous bursts, modest refill.
	apiRateLimit: { perSecond: 10, burst: 120 },
	connectRateLimit: { perSecond: 5, burst: 60 },
	createMeetings: 'open',
	organiserSecret: null,
	oidc: null,
	trustProxy: false,
	metricsPort: null,
	metricsHost: '0.0.0.0',
	metricsToken: null,
	shutdownGraceMs: 1000,
	workers: 1,
	maxFileBytes: DEFAULT_MAX_FILE_BYTES,
	maxMeetingFileBytes: DEFAULT_MAX_MEETING_FILE_BYTES
};

/** Like the organiser secret: long enough that guessing it through the rate limit is hopeless. */
export const METRICS_TOKEN_MIN_LENGTH = 16;

function metrics(env: NodeJS.ProcessEnv): Pick<ServerConfig, 'metricsPort' | 'metricsHost' | 'metricsToken'> {
	const token = env.METRICS_TOKEN || null;
	if (token && token.length < METRICS_TOKEN_MIN_LENGTH) throw new Error(`METRICS_TOKEN must be at least ${METRICS_TOKEN_MIN_LENGTH} characters`);
	const port = env.METRICS_PORT ? integer(env, 'METRICS_PORT', 0, 1) : null;
	return { metricsPort: port, metricsHost: env.METRICS_HOST || defaultConfig.metricsHost, metricsToken: token };
}

/** The organiser secret must be long enough that guessing it through the rate limit is hopeless. */
export const ORGANISER_SECRET_MIN_LENGTH = 16;

function meetingCreation(env: NodeJS.ProcessEnv, oidc: OidcConfig | null): Pick<ServerConfig, 'createMeetings' | 'organiserSecret'> {
	const secret = env.ORGANISER_SECRET || null;
	const mode = env.CREATE_MEETINGS || (oidc ? 'signed-in' : secret ? 'secret' : 'open');
	if (mode !== 'open' && mode !== 'secret' && mode !== 'signed-in') {
		throw new Error(`CREATE_MEETINGS must be "open", "secret" or "signed-in", got "${mode}"`);
	}
	if (mode === 'signed-in' && !oidc) throw new Error('CREATE_MEETINGS=signed-in needs OIDC_ISSUER');
	if (mode === 'secret' && !secret) throw new Error('CREATE_MEETINGS=secret needs ORGANISER_SECRET');
	if (mode === 'open' && secret) throw new Error('ORGANISER_SECRET is set but CREATE_MEETINGS=open: remove one of them');
	if (secret && secret.length < ORGANISER_SECRET_MIN_LENGTH) {
		throw new Error(`ORGANISER_SECRET must be at least ${ORGANISER_SECRET_MIN_LENGTH} characters`);
	}
	return { createMeetings: mode, organiserSecret: secret };
}

/** Loopback issuers may speak plain http (a provider on the same host, tests); any other must be https. */
export function isLoopbackIssuer(issuer: string): boolean {
	const host = new URL(issuer).hostname;
	return host === 'localhost' || host === '127.0.0.1' || host === '[::1]';
}

function oidc(env: NodeJS.ProcessEnv): OidcConfig | null {
	const issuer = env.OIDC_ISSUER || null;
	if (!issuer) {
		for (const name of ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_ORGANISER_GROUP']) {
			if (env[name]) throw new Error(`${name} is set but OIDC_ISSUER is not`);
		}
		return null;
	}
	const url = URL.parse(issuer);
	if (!url || (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackIssuer(issuer)))) {
		throw new Error(`OIDC_ISSUER must be an https URL (http only on localhost), got "${issuer}"`);
	}
	if (!env.OIDC_CLIENT_ID) throw new Error('OIDC_ISSUER is set but OIDC_CLIENT_ID is not');
	return {
		issuer,
		clientId: env.OIDC_CLIENT_ID,
		clientSecret: env.OIDC_CLIENT_SECRET || null,
		organiserGroup: env.OIDC_ORGANISER_GROUP || null,
		groupsClaim: env.OIDC_GROUPS_CLAIM || 'groups',
		sessionHours: integer(env, 'OIDC_SESSION_HOURS', 8, 1),
		sessionCheckMs: integer(env, 'OIDC_SESSION_CHECK_SECONDS', 30, 1) * 1000
	};
}

/** WORKERS: a count (1–64), or `auto` for `os.availableParallelism()`. */
function workers(env: NodeJS.ProcessEnv): number {
	const raw = env.WORKERS;
	if (raw === 'auto') return os.availableParallelism();
	const count = integer(env, 'WORKERS', defaultConfig.workers, 1);
	if (count > 64) throw new Error(`WORKERS must be at most 64 (or "auto"), got "${raw}"`);
	return count;
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
	const raw = env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min) {
		throw new Error(`${name} must be an integer >= ${min}, got "${raw}"`);
	}
	return value;
}

function origin(raw: string | undefined): string | null {
	if (!raw) return null;
	const url = URL.parse(raw);
	if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
		throw new Error(`PUBLIC_ORIGIN must be an http(s) origin, got "${raw}"`);
	}
	return url.origin;
}

/** A URL whose scheme is one of `protocols`; the message never repeats the value (it may hold a password). */
function serviceUrl(env: NodeJS.ProcessEnv, name: string, protocols: string[]): string | null {
	const raw = env[name];
	if (!raw) return null;
	const url = URL.parse(raw);
	if (!url || !protocols.includes(url.protocol)) {
		throw new Error(`${name} must be a ${protocols.map((p) => `${p}//…`).join(' or ')} URL`);
	}
	return raw;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
	const logLevel = (env.LOG_LEVEL ?? defaultConfig.logLevel) as LogLevel;
	if (!LOG_LEVELS.includes(logLevel)) {
		throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
	}
	const signIn = oidc(env);
	return {
		...defaultConfig,
		port: integer(env, 'PORT', defaultConfig.port, 0),
		host: env.HOST || defaultConfig.host,
		dataDir: env.DATA_DIR || defaultConfig.dataDir,
		publicOrigin: origin(env.PUBLIC_ORIGIN),
		logLevel,
		rateLimit: {
			perSecond: integer(env, 'SYNC_RATE_PER_SECOND', defaultConfig.rateLimit.perSecond, 1),
			burst: integer(env, 'SYNC_RATE_BURST', defaultConfig.rateLimit.burst, 1)
		},
		compactAfterUpdates: integer(env, 'COMPACT_AFTER_UPDATES', defaultConfig.compactAfterUpdates, 1),
		idleRoomMs: integer(env, 'IDLE_ROOM_MS', defaultConfig.idleRoomMs, 0),
		databaseUrl: serviceUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
		redisUrl: serviceUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
		maxDocumentBytes: integer(env, 'MAX_DOCUMENT_BYTES', defaultConfig.maxDocumentBytes, 1024),
		maxMeetings: integer(env, 'MAX_MEETINGS', defaultConfig.maxMeetings, 1),
		apiRateLimit: {
			perSecond: integer(env, 'API_RATE_PER_SECOND', defaultConfig.apiRateLimit.perSecond, 1),
			burst: integer(env, 'API_RATE_BURST', defaultConfig.apiRateLimit.burst, 1)
		},
		connectRateLimit: {
			perSecond: integer(env, 'CONNECT_RATE_PER_SECOND', defaultConfig.connectRateLimit.perSecond, 1),
			burst: integer(env, 'CONNECT_RATE_BURST', defaultConfig.connectRateLimit.burst, 1)
		},
		...meetingCreation(env, signIn),
		oidc: signIn,
		trustProxy: env.TRUST_PROXY === '1' || env.TRUST_PROXY === 'true',
		...metrics(env),
		shutdownGraceMs: integer(env, 'SHUTDOWN_GRACE_MS', defaultConfig.shutdownGraceMs, 0),
		workers: workers(env),
		maxFileBytes: integer(env, 'MAX_FILE_BYTES', defaultConfig.maxFileBytes, 1),
		maxMeetingFileBytes: integer(env, 'MAX_MEETING_FILE_BYTES', defaultConfig.maxMeetingFileBytes, 1)
	};
}
