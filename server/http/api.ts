/**
 * The JSON API: create a meeting, read it with its token, delete it, and the health check.
 * Routes are a small table matched in order; anything else under /api/ is a JSON 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { permissionsOf } from '../../src/lib/protocol/roles.ts';
import { createApprovalService } from '../minutes/approval.ts';
import { minutesRoutes } from '../minutes/routes.ts';
import { noticeRoutes } from '../minutes/notice.ts';
import { hashToken, newMeetingId, newToken } from '../auth/tokens.ts';
import { type OidcSignIn, sessionOfRequest } from '../auth/oidc.ts';
import type { CreateMeetings } from '../config.ts';
import { newInvitationId } from '../storage/invitation-ids.ts';
import type { MeetingStorage } from '../storage/types.ts';
import type { Fanout } from '../sync/fanout.ts';
import type { RoomStats } from '../sync/rooms.ts';
import { groupRoutes } from '../groups/api.ts';
import { readJson } from './body.ts';
import { invitationRoutes, meetingUrl, requireAccess } from './invitations.ts';
import { type PrivacyDeps, privacyRoutes } from './privacy.ts';
import { bearer, requestOrigin } from './request.ts';
import { HttpError, sendJson } from './respond.ts';
import { secretMatches } from './secret.ts';

export const TITLE_MAX_LENGTH = 200;

export interface ApiDeps {
	storage: MeetingStorage;
	fanout: Fanout;
	publicOrigin: string | null;
	maxBodyBytes: number;
	stats(): RoomStats;
	/** Makes a meeting read-only in the sync rooms once its minutes are approved. */
	freezeRoom(meetingId: string): Promise<void>;
	createMeetings: CreateMeetings;
	organiserSecret: string | null;
	/** Sign-in with OIDC (its routes and the signed-in organiser's right to create), or null. */
	signIn: OidcSignIn | null;
	maxMeetings: number;
	trustProxy: boolean;
	/** Closes this instance's connections opened with these (revoked) invitations. */
	disconnect(meetingId: string, invitationIds: readonly string[]): void;
	/** Closes the sync connections of a deleted meeting with CLOSE.NOT_FOUND. */
	closeDeletedRoom(meetingId: string): Promise<void>;
	/** Export and erasure of one person's data (organisers only). */
	personalData: PrivacyDeps['service'];
}

interface Route {
	method: string;
	pattern: RegExp;
	handle(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void>;
}

function validTitle(body: unknown): string {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		throw new HttpError(400, 'Body must be a JSON object');
	}
	const title = (body as Record<string, unknown>).title;
	if (typeof title !== 'string') throw new HttpError(400, 'title is required and must be a string');
	const trimmed = title.trim();
	if (trimmed.length === 0) throw new HttpError(400, 'title must not be empty');
	if (trimmed.length > TITLE_MAX_LENGTH) throw new HttpError(400, `title must be at most ${TITLE_MAX_LENGTH} characters`);
	return trimmed;
}

/**
 * Whether the request may create a meeting or a group; throws the answer otherwise. In
 * 'signed-in' mode a signed-in organiser may, and so may the organiser secret's bearer (scripts).
 */
function requireCreator(req: IncomingMessage, deps: Pick<ApiDeps, 'createMeetings' | 'organiserSecret'>, what: string): void {
	if (deps.createMeetings === 'open') return;
	if (deps.organiserSecret !== null && secretMatches(bearer(req), deps.organiserSecret)) return;
	if (deps.createMeetings === 'secret') throw new HttpError(401, `Creating ${what} needs the organiser secret (Authorization: Bearer <secret>)`);
	const session = sessionOfRequest(req);
	if (!session) throw new HttpError(401, `Creating ${what} needs signing in`);
	if (!session.organiser) throw new HttpError(403, `Creating ${what} is for organisers (OIDC_ORGANISER_GROUP)`);
}

function signInRoutes(signIn: OidcSignIn): Route[] {
	return [
		{ method: 'GET', pattern: /^\/auth\/login$/, handle: (req, res) => signIn.login(req, res) },
		{ method: 'GET', pattern: /^\/auth\/callback$/, handle: (req, res) => signIn.callback(req, res) },
		{ method: 'POST', pattern: /^\/auth\/logout$/, handle: (req, res) => signIn.logout(req, res) },
		{
			method: 'GET',
			pattern: /^\/api\/session$/,
			async handle(req, res) {
				const session = sessionOfRequest(req);
				sendJson(res, 200, { user: session && { name: session.name, email: session.email, organiser: session.organiser } });
			}
		}
	];
}

export function createApi(deps: ApiDeps) {
	const origin = (req: IncomingMessage) => deps.publicOrigin ?? requestOrigin(req, deps.trustProxy);
	const routes: Route[] = [
		{
			method: 'GET',
			pattern: /^\/api\/instance$/,
			async handle(_req, res) {
				// The start page asks for the organiser secret only when the instance needs one, and offers sign-in when there is one.
				sendJson(res, 200, { createMeetings: deps.createMeetings, ...(deps.signIn && { signIn: true }) });
			}
		},
		...(deps.signIn ? signInRoutes(deps.signIn) : []),
		{
			method: 'GET',
			pattern: /^\/healthz$/,
			async handle(_req, res) {
				const [storage, fanout] = await Promise.all([
					// Any cheap read proves the storage answers.
					deps.storage.meetings.getMeeting('healthcheck').then(
						() => 'ok' as const,
						() => 'unavailable' as const
					),
					deps.fanout.health().catch(() => 'unavailable' as const)
				]);
				const ok = storage === 'ok' && fanout === 'ok';
				sendJson(res, ok ? 200 : 503, { ok, storage, fanout, ...deps.stats() });
			}
		},
		{
			method: 'POST',
			pattern: /^\/api\/meetings$/,
			async handle(req, res) {
				requireCreator(req, deps, 'meetings');
				const title = validTitle(await readJson(req, deps.maxBodyBytes));
				if ((await deps.storage.meetings.countMeetings()) >= deps.maxMeetings) {
					throw new HttpError(507, 'This instance holds its maximum number of meetings');
				}
				const id = newMeetingId();
				const token = newToken();
				await deps.storage.meetings.createMeeting({ id, title });
				await deps.storage.tokens.addToken(hashToken(token), { meetingId: id, role: 'organiser', label: '', id: newInvitationId(), participantId: null });
				sendJson(res, 201, { id, token, url: meetingUrl(origin(req), id, token) }, { Location: `/api/meetings/${id}` });
			}
		},
		{
			method: 'GET',
			pattern: /^\/api\/meetings\/([^/]+)$/,
			async handle(req, res, [id]) {
				const { meeting, role, participantId, name, invitationId } = await requireAccess(deps.storage, req, id);
				sendJson(res, 200, {
					id: meeting.id,
					title: meeting.title,
					epoch: meeting.epoch,
					frozenAt: meeting.frozenAt,
					role,
					participantId,
					name,
					invitationId,
					// What the caller may do, so the UI can adapt (the server enforces it regardless).
					permissions: permissionsOf(role)
				});
			}
		},
		...invitationRoutes({ storage: deps.storage, maxBodyBytes: deps.maxBodyBytes, origin, disconnect: deps.disconnect }),
		{
			method: 'DELETE',
			pattern: /^\/api\/meetings\/([^/]+)$/,
			async handle(req, res, [id]) {
				const { role } = await requireAccess(deps.storage, req, id);
				if (role !== 'organiser') throw new HttpError(403, 'Only the organiser may delete the meeting');
				if (!(await deps.storage.meetings.deleteMeeting(id))) {
					const now = await deps.storage.meetings.getMeeting(id);
					if (now?.frozenAt && !now.deletedAt) throw new HttpError(409, 'Approved minutes cannot be deleted');
					throw new HttpError(404, 'Meeting not found');
				}
				await deps.closeDeletedRoom(id);
				res.writeHead(204, { 'Cache-Control': 'no-store' });
				res.end();
			}
		},
		// Meeting groups (docs/groups.md).
		...groupRoutes({
			storage: deps.storage,
			publicOrigin: deps.publicOrigin,
			maxBodyBytes: deps.maxBodyBytes,
			bearer,
			requestOrigin: (req) => requestOrigin(req, deps.trustProxy),
			// Groups stay open to anyone except where signing in decides who creates.
			requireCreator: (req) => {
				if (deps.createMeetings === 'signed-in') requireCreator(req, deps, 'groups');
			}
		}),
		// One person's data: export and erasure (docs/security.md).
		...privacyRoutes({ service: deps.personalData, organiserSecret: deps.organiserSecret, maxBodyBytes: deps.maxBodyBytes }),
		// Minutes approval, verification and corrections (docs/minutes.md).
		...minutesRoutes({
			storage: deps.storage,
			approval: createApprovalService({ storage: deps.storage, freezeRoom: deps.freezeRoom }),
			maxBodyBytes: deps.maxBodyBytes,
			bearer,
			origin
		}),
		// The notice of approved minutes (anslag).
		...noticeRoutes({ storage: deps.storage, maxBodyBytes: deps.maxBodyBytes, bearer })
	];

	/** Handles the request and returns true if the path is ours (/healthz or /api/...). */
	return async function handleApi(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
		const matching = routes.map((route) => ({ route, match: route.pattern.exec(path) })).filter((r) => r.match);
		if (matching.length === 0) {
			if (!path.startsWith('/api/')) return false;
			throw new HttpError(404, 'No such API endpoint');
		}
		const hit = matching.find(({ route }) => route.method === req.method);
		if (!hit) {
			res.setHeader('Allow', matching.map(({ route }) => route.method).join(', '));
			throw new HttpError(405, `Method ${req.method} not allowed`);
		}
		await hit.route.handle(req, res, hit.match!.slice(1));
		return true;
	};
}
