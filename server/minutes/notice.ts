/**
 * The notice of the approved minutes (anslag), mounted by server/http/api.ts:
 *
 * - GET /api/meetings/:id/minutes/notice → { notice: NoticeRecord | null, appealEndsOn: string | null }
 * - PUT /api/meetings/:id/minutes/notice { postedOn, takeDownOn, keptAt } → the same
 *
 * Approved meetings are frozen (their document takes no writes), so the notice is stored
 * beside the approval records. Only the organiser records it, and only once the minutes are
 * approved; the dates are checked by src/lib/minutes/notice.ts (posted on or after the
 * approval day, taken down no earlier than the day after the three-week appeal period).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveAccess } from '../auth/access.ts';
import { sessionOfRequest } from '../auth/oidc.ts';
import { readJson } from '../http/body.ts';
import { HttpError, sendJson } from '../http/respond.ts';
import type { MeetingStorage, NoticeRecord } from '../storage/types.ts';
import { NoticeError, appealEndsOn, checkNotice, swedishDate } from '../../src/lib/minutes/notice.ts';

interface NoticeRoute {
	method: string;
	pattern: RegExp;
	handle(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void>;
}

export interface NoticeRouteDeps {
	storage: MeetingStorage;
	maxBodyBytes: number;
	bearer(req: IncomingMessage): string | null;
}

/** Who records the notice. Kept here until the role table (server/auth/roles.ts) has an action for it. */
const NOTICE_ROLES = new Set(['organiser']);

async function access(deps: NoticeRouteDeps, req: IncomingMessage, id: string) {
	const result = await resolveAccess(deps.storage, id, deps.bearer(req), sessionOfRequest(req));
	switch (result.status) {
		case 'malformed-id':
			throw new HttpError(400, 'Malformed meeting id');
		case 'not-found':
			throw new HttpError(404, 'Meeting not found');
		case 'unauthorized':
			throw new HttpError(401, 'Missing or wrong token');
	}
	return result;
}

function answer(notice: NoticeRecord | null) {
	return { notice, appealEndsOn: notice ? appealEndsOn(notice.postedOn) : null };
}

export function noticeRoutes(deps: NoticeRouteDeps): NoticeRoute[] {
	const pattern = /^\/api\/meetings\/([^/]+)\/minutes\/notice$/;
	return [
		{
			method: 'GET',
			pattern,
			async handle(req, res, [id]) {
				const { meeting } = await access(deps, req, id);
				sendJson(res, 200, answer(await deps.storage.notices.getNotice(meeting.id)));
			}
		},
		{
			method: 'PUT',
			pattern,
			async handle(req, res, [id]) {
				const { meeting, role, name } = await access(deps, req, id);
				if (!NOTICE_ROLES.has(role)) throw new HttpError(403, 'Only the organiser records the notice of the minutes');
				const seal = await deps.storage.minutes.getSeal(meeting.id);
				const approvedAt = seal?.approvedAt ?? meeting.frozenAt;
				if (!approvedAt) throw new HttpError(409, 'The minutes are not approved yet');
				const body = await readJson(req, deps.maxBodyBytes);
				let input;
				try {
					input = checkNotice(body, swedishDate(approvedAt));
				} catch (error) {
					if (error instanceof NoticeError) throw new HttpError(400, error.message);
					throw error;
				}
				const record: NoticeRecord = {
					meetingId: meeting.id,
					...input,
					recordedBy: name || role,
					recordedAt: new Date().toISOString()
				};
				await deps.storage.notices.setNotice(record);
				sendJson(res, 200, answer(record));
			}
		}
	];
}
