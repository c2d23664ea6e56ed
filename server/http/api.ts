/**
 * The JSON API: create a meeting, read it with its token, delete it, and the health check.
 * Routes are a small table matched in order; anything else under /api/ is a JSON 404.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveAccess } from '../auth/access.ts';
import { createApprovalService } from '../minutes/approval.ts';
import { minutesRoutes } from '../minutes/routes.ts';
import { hashToken, newMeetingId, newToken } from '../auth/tokens.ts';
import type { MeetingStorage } from '../storage/types.ts';
import type { Fanout } from '../sync/fanout.ts';
import type { RoomStats } from '../sync/rooms.ts';
import { groupRoutes } from '../groups/api.ts';
import { readJson } from './body.ts';
import { HttpError, sendJson } from './respond.ts';

export const TITLE_MAX_LENGTH = 200;

export interface ApiDeps {
	storage: MeetingStorage;
	fanout: Fanout;
	publicOrigin: string | null;
	maxBodyBytes: number;
	stats(): RoomStats;
	/** Makes a meeting read-only in the sync rooms once its minutes are approved. */
	freezeRoom(meetingId: string): Promise<void>;
	/** Closes the sync connections of a deleted meeting with CLOSE.NOT_FOUND. */
	closeDeletedRoom(meetingId: string): Promise<void>;
}

interface Route {
	method: string;
	pattern: RegExp;
	handle(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void>;
}

export function requestOrigin(req: IncomingMessage): string {
	const encrypted = 'encrypted' in req.socket && Boolean(req.socket.encrypted);
	return `${encrypted ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
}

export function bearer(req: IncomingMessage): string | null {
	const header = req.headers.authorization ?? '';
	const match = /^Bearer\s+(\S+)$/i.exec(header);
	return match ? match[1] : null;
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

export function createApi(deps: ApiDeps) {
	const routes: Route[] = [
		{
			method: 'GET',
			pattern: /^\/healthz$/,
			async handle(_req, res) {
				const [storage, fanout] = await Promise.all([
					// Any cheap read proves the storage answers.
					deps.storage.getMeeting('healthcheck').then(
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
				const title = validTitle(await readJson(req, deps.maxBodyBytes));
				const id = newMeetingId();
				const token = newToken();
				await deps.storage.createMeeting({ id, title });
				await deps.storage.addToken(hashToken(token), { meetingId: id, role: 'organiser', label: '' });
				// The token travels in the fragment: browsers never send it to servers or in Referer headers.
				const url = `${deps.publicOrigin ?? requestOrigin(req)}/m/${id}#token=${token}`;
				sendJson(res, 201, { id, token, url }, { Location: `/api/meetings/${id}` });
			}
		},
		{
			method: 'GET',
			pattern: /^\/api\/meetings\/([^/]+)$/,
			async handle(req, res, [id]) {
				const access = await resolveAccess(deps.storage, id, bearer(req));
				switch (access.status) {
					case 'malformed-id':
						throw new HttpError(400, 'Malformed meeting id');
					case 'not-found':
						throw new HttpError(404, 'Meeting not found');
					case 'unauthorized':
						throw new HttpError(401, 'Missing or wrong token');
				}
				const { meeting, role } = access;
				sendJson(res, 200, { id: meeting.id, title: meeting.title, epoch: meeting.epoch, frozenAt: meeting.frozenAt, role });
			}
		},
		{
			method: 'DELETE',
			pattern: /^\/api\/meetings\/([^/]+)$/,
			async handle(req, res, [id]) {
				const access = await resolveAccess(deps.storage, id, bearer(req));
				switch (access.status) {
					case 'malformed-id':
						throw new HttpError(400, 'Malformed meeting id');
					case 'not-found':
						throw new HttpError(404, 'Meeting not found');
					case 'unauthorized':
						throw new HttpError(401, 'Missing or wrong token');
				}
				if (access.role !== 'organiser') throw new HttpError(403, 'Only the organiser may delete the meeting');
				if (!(await deps.storage.deleteMeeting(id))) {
					const now = await deps.storage.getMeeting(id);
					if (now?.frozenAt && !now.deletedAt) throw new HttpError(409, 'Approved minutes cannot be deleted');
					throw new HttpError(404, 'Meeting not found');
				}
				await deps.closeDeletedRoom(id);
				res.writeHead(204, { 'Cache-Control': 'no-store' });
				res.end();
			}
		},
		// Meeting groups (docs/groups.md).
		...groupRoutes({ storage: deps.storage, publicOrigin: deps.publicOrigin, maxBodyBytes: deps.maxBodyBytes, bearer, requestOrigin }),
		// Minutes approval, verification and corrections (docs/minutes.md).
		...minutesRoutes({
			storage: deps.storage,
			approval: createApprovalService({ storage: deps.storage, freezeRoom: deps.freezeRoom }),
			maxBodyBytes: deps.maxBodyBytes,
			bearer,
			origin: (req) => deps.publicOrigin ?? requestOrigin(req)
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
