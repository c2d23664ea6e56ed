/**
 * The justering endpoints (the services: server/minutes/approval.ts and notice.ts):
 *
 * - GET  /api/meetings/:id/minutes/approval  → ApprovalState
 * - POST /api/meetings/:id/approval          { action: 'ready' | 'approve', participantId? } → ApprovalState
 * - GET  /api/meetings/:id/minutes/verify    → { ok, fingerprint, currentFingerprint, approvedAt, approvers, reason }
 * - POST /api/meetings/:id/correction        → 201 { id, token, url, previousVersionId }
 * - GET  /api/meetings/:id/minutes/notice    → { notice: NoticeRecord | null, appealEndsOn: string | null }
 * - PUT  /api/meetings/:id/minutes/notice    { postedOn, takeDownOn, keptAt } → the same
 *
 * All take `Authorization: Bearer <token>` and refuse like GET /api/meetings/:id.
 */
import type { IncomingMessage } from 'node:http';
import type { ApprovalRequest, ApprovalService } from '../minutes/approval.ts';
import type { NoticeService } from '../minutes/notice.ts';
import type { MeetingStorage } from '../storage/types.ts';
import { requireAccess } from './access.ts';
import { readJson } from './body.ts';
import { meetingUrl } from './invitations.ts';
import { HttpError, sendJson } from './respond.ts';
import type { Route } from './route.ts';

export interface MinutesRouteDeps {
	storage: MeetingStorage;
	approval: ApprovalService;
	notices: NoticeService;
	maxBodyBytes: number;
	/** The app's origin for links (the configured public origin or the request's). */
	origin(req: IncomingMessage): string;
}

function validApprovalRequest(body: unknown): ApprovalRequest {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'Body must be a JSON object');
	const { action, participantId } = body as Record<string, unknown>;
	if (action !== 'ready' && action !== 'approve') throw new HttpError(400, "action must be 'ready' or 'approve'");
	if (participantId !== undefined && participantId !== null && typeof participantId !== 'string') throw new HttpError(400, 'participantId must be a string');
	return { action, participantId };
}

export function minutesRoutes(deps: MinutesRouteDeps): Route[] {
	const { storage } = deps;
	const notice = /^\/api\/meetings\/([^/]+)\/minutes\/notice$/;
	return [
		{
			method: 'GET',
			pattern: /^\/api\/meetings\/([^/]+)\/minutes\/approval$/,
			async handle(req, res, [id]) {
				const { meeting } = await requireAccess(storage, req, id);
				sendJson(res, 200, await deps.approval.state(meeting));
			}
		},
		{
			method: 'POST',
			pattern: /^\/api\/meetings\/([^/]+)\/approval$/,
			async handle(req, res, [id]) {
				const { meeting, role, participantId } = await requireAccess(storage, req, id);
				const body = validApprovalRequest(await readJson(req, deps.maxBodyBytes));
				sendJson(res, 200, await deps.approval.act(meeting, { role, participantId }, body));
			}
		},
		{
			method: 'GET',
			pattern: /^\/api\/meetings\/([^/]+)\/minutes\/verify$/,
			async handle(req, res, [id]) {
				const { meeting } = await requireAccess(storage, req, id);
				sendJson(res, 200, await deps.approval.verify(meeting));
			}
		},
		{
			method: 'POST',
			pattern: /^\/api\/meetings\/([^/]+)\/correction$/,
			async handle(req, res, [id]) {
				const { meeting, role, participantId } = await requireAccess(storage, req, id);
				const { created, token } = await deps.approval.correct(meeting, { role, participantId });
				const url = meetingUrl(deps.origin(req), created.id, token);
				sendJson(res, 201, { id: created.id, token, url, previousVersionId: meeting.id }, { Location: `/api/meetings/${created.id}` });
			}
		},
		{
			method: 'GET',
			pattern: notice,
			async handle(req, res, [id]) {
				const { meeting } = await requireAccess(storage, req, id);
				sendJson(res, 200, await deps.notices.get(meeting));
			}
		},
		{
			method: 'PUT',
			pattern: notice,
			async handle(req, res, [id]) {
				// The role is checked before the body is read: a member's request is refused as it is.
				const { meeting, role, name } = await requireAccess(storage, req, id, 'minutes.notice');
				const body = await readJson(req, deps.maxBodyBytes);
				sendJson(res, 200, await deps.notices.record(meeting, { role, name }, body));
			}
		}
	];
}
