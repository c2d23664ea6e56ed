/**
 * The JSON API: create a meeting, read it with its token, delete it, and the health check.
 * Routes are a small table matched in order; anything else under /api/ is a JSON 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { permissionsOf } from '../../src/lib/protocol/roles.ts';
import { createInvitationService } from '../auth/invitations.ts';
import { hashToken, newMeetingId, newToken } from '../auth/tokens.ts';
import type { OidcSignIn } from '../auth/oidc.ts';
import type { CreateMeetings } from '../config.ts';
import { newInvitationId } from '../storage/invitation-ids.ts';
import { createGroupService } from '../groups/service.ts';
import { createApprovalService } from '../minutes/approval.ts';
import { createNoticeService } from '../minutes/notice.ts';
import type { MeetingStorage } from '../storage/types.ts';
import type { Fanout, FanoutMessage } from '../sync/fanout.ts';
import type { Logger } from '../log.ts';
import { fileRoutes } from './files.ts';
import type { FileService } from '../files/service.ts';
import { secretVoteRoutes } from './votes.ts';
import { createSecretVotes } from '../votes/secret-votes.ts';
import type { RoomStats } from '../sync/rooms.ts';
import { requireAccess } from './access.ts';
import { groupRoutes } from './groups.ts';
import { invitationRoutes, meetingUrl } from './invitations.ts';
import { minutesRoutes } from './minutes.ts';
import { type PrivacyDeps, privacyRoutes } from './privacy.ts';
import { bearer, requestOrigin } from './request.ts';
import { HttpError } from './respond.ts';
import { type Route, readBody, reply, route } from './route.ts';
import { secretMatches } from './secret.ts';
import { sessionOfRequest, signInRoutes } from './signin.ts';

export interface ApiDeps {
	storage: MeetingStorage;
	fanout: Fanout;
	publicOrigin: string | null;
	maxBodyBytes: number;
	stats(): RoomStats;
	/** Makes a meeting read-only in the sync rooms once its minutes are approved. */
	freezeRoom(meetingId: string): Promise<void>;
	createMeetings: CreateMeetings;
	/** Sign-in with OIDC (its routes and the signed-in organiser's right to create), or null. */
	signIn: OidcSignIn | null;
	organiserSecret: string | null;
	maxMeetings: number;
	trustProxy: boolean;
	/** Closes this instance's connections opened with these (revoked) invitations. */
	disconnect(meetingId: string, invitationIds: readonly string[]): void;
	/** Closes the sync connections of a deleted meeting with CLOSE.NOT_FOUND. */
	closeDeletedRoom(meetingId: string): Promise<void>;
	/** Export and erasure of one person's data (organisers only). */
	personalData: PrivacyDeps['service'];
	/** Handlingar: uploads and the bytes of meetings' files. */
	files: FileService;
	/** Hands a change the server stored itself (a secret vote's count) to the open rooms, here and on other instances. */
	deliver(meetingId: string, message: FanoutMessage): void;
	log: Logger;
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

export function createApi(deps: ApiDeps) {
	const origin = (req: IncomingMessage) => deps.publicOrigin ?? requestOrigin(req, deps.trustProxy);
	const routes: Route[] = [
		route('instance', async (_req, res) => {
			// The start page asks for the organiser secret only when the instance needs one, and offers sign-in when there is one.
			reply(res, 'instance', {
				createMeetings: deps.createMeetings,
				...(deps.signIn && { signIn: true as const }),
				// The upload form states the limits before anyone picks a file.
				files: { maxFileBytes: deps.files.limits.maxFileBytes, maxMeetingBytes: deps.files.limits.maxMeetingBytes },
				personalData: { secret: deps.organiserSecret !== null, signedIn: deps.signIn?.namesOrganisers ?? false }
			});
		}),
		...(deps.signIn ? signInRoutes({ signIn: deps.signIn, publicOrigin: deps.publicOrigin, origin }) : []),
		route('health', async (_req, res) => {
			const [storage, fanout] = await Promise.all([
				// Any cheap read proves the storage answers.
				deps.storage.meetings.getMeeting('healthcheck').then(
					() => 'ok' as const,
					() => 'unavailable' as const
				),
				deps.fanout.health().catch(() => 'unavailable' as const)
			]);
			const ok = storage === 'ok' && fanout === 'ok';
			reply(res, 'health', { ok, storage, fanout, ...deps.stats() }, ok ? 200 : 503);
		}),
		route('createMeeting', async (req, res) => {
			requireCreator(req, deps, 'meetings');
			const { title } = await readBody(req, 'createMeeting', deps.maxBodyBytes);
			if ((await deps.storage.meetings.countMeetings()) >= deps.maxMeetings) {
				throw new HttpError(507, 'This instance holds its maximum number of meetings');
			}
			const id = newMeetingId();
			const token = newToken();
			await deps.storage.meetings.createMeeting({ id, title });
			await deps.storage.tokens.addToken(hashToken(token), { meetingId: id, role: 'organiser', label: '', id: newInvitationId(), participantId: null });
			reply(res, 'createMeeting', { id, token, url: meetingUrl(origin(req), id, token) }, 201, { Location: `/api/meetings/${id}` });
		}),
		route('meeting', async (req, res, [id]) => {
			const { meeting, role, participantId, name, invitationId } = await requireAccess(deps.storage, req, id);
			reply(res, 'meeting', {
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
		}),
		...invitationRoutes({
			storage: deps.storage,
			invitations: createInvitationService({ storage: deps.storage, disconnect: deps.disconnect }),
			maxBodyBytes: deps.maxBodyBytes,
			origin
		}),
		route('deleteMeeting', async (req, res, [id]) => {
			const { role } = await requireAccess(deps.storage, req, id);
			if (role !== 'organiser') throw new HttpError(403, 'Only the organiser may delete the meeting');
			if (!(await deps.storage.meetings.deleteMeeting(id))) {
				const now = await deps.storage.meetings.getMeeting(id);
				if (now?.frozenAt && !now.deletedAt) throw new HttpError(409, 'Approved minutes cannot be deleted');
				throw new HttpError(404, 'Meeting not found');
			}
			await deps.closeDeletedRoom(id);
			// The meeting's files go with it (the start-up sweep finishes this if the process stops here).
			await deps.files.releaseMeeting(id);
			res.writeHead(204, { 'Cache-Control': 'no-store' });
			res.end();
		}),
		// Meeting groups (docs/groups.md).
		...groupRoutes({
			storage: deps.storage,
			groups: createGroupService(deps.storage),
			maxBodyBytes: deps.maxBodyBytes,
			origin,
			// Groups stay open to anyone except where signing in decides who creates.
			requireCreator: (req) => {
				if (deps.createMeetings === 'signed-in') requireCreator(req, deps, 'groups');
			}
		}),
		// One person's data: export and erasure (docs/security.md).
		...privacyRoutes({
			service: deps.personalData,
			organiserSecret: deps.organiserSecret,
			signedInOrganisers: deps.signIn?.namesOrganisers ?? false,
			maxBodyBytes: deps.maxBodyBytes
		}),
		// Minutes approval, verification, corrections and the notice (docs/minutes.md).
		...minutesRoutes({
			storage: deps.storage,
			approval: createApprovalService({ storage: deps.storage, freezeRoom: deps.freezeRoom }),
			notices: createNoticeService(deps.storage),
			maxBodyBytes: deps.maxBodyBytes,
			origin
		}),
		// Handlingar: uploads and files (docs/files.md).
		...fileRoutes({ storage: deps.storage, files: deps.files, maxBodyBytes: deps.maxBodyBytes, origin }),
		// Secret votes, cast through the server (server/votes).
		...secretVoteRoutes({
			storage: deps.storage,
			votes: createSecretVotes({ storage: deps.storage, deliver: deps.deliver, log: deps.log }),
			maxBodyBytes: deps.maxBodyBytes
		})
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
