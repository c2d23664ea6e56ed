/**
 * The justering endpoints (the services: server/minutes/approval.ts and notice.ts; bodies
 * and answers: src/lib/protocol/api.ts):
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
import type { ApprovalService } from '../minutes/approval.ts';
import type { NoticeService } from '../minutes/notice.ts';
import type { MeetingStorage } from '../storage/types.ts';
import { requireAccess } from './access.ts';
import { meetingUrl } from './invitations.ts';
import { type Route, readBody, reply, route } from './route.ts';

export interface MinutesRouteDeps {
	storage: MeetingStorage;
	approval: ApprovalService;
	notices: NoticeService;
	maxBodyBytes: number;
	/** The app's origin for links (the configured public origin or the request's). */
	origin(req: IncomingMessage): string;
}

export function minutesRoutes(deps: MinutesRouteDeps): Route[] {
	const { storage } = deps;
	return [
		route('approval', async (req, res, [id]) => {
			const { meeting } = await requireAccess(storage, req, id);
			reply(res, 'approval', await deps.approval.state(meeting));
		}),
		route('approve', async (req, res, [id]) => {
			const { meeting, role, participantId } = await requireAccess(storage, req, id);
			const body = await readBody(req, 'approve', deps.maxBodyBytes);
			reply(res, 'approve', await deps.approval.act(meeting, { role, participantId }, body));
		}),
		route('verify', async (req, res, [id]) => {
			const { meeting } = await requireAccess(storage, req, id);
			reply(res, 'verify', await deps.approval.verify(meeting));
		}),
		route('correction', async (req, res, [id]) => {
			const { meeting, role, participantId } = await requireAccess(storage, req, id);
			const { created, token } = await deps.approval.correct(meeting, { role, participantId });
			const url = meetingUrl(deps.origin(req), created.id, token);
			reply(res, 'correction', { id: created.id, token, url, previousVersionId: meeting.id }, 201, { Location: `/api/meetings/${created.id}` });
		}),
		route('notice', async (req, res, [id]) => {
			const { meeting } = await requireAccess(storage, req, id);
			reply(res, 'notice', await deps.notices.get(meeting));
		}),
		route('recordNotice', async (req, res, [id]) => {
			// The role is checked before the body is read: a member's request is refused as it is.
			const { meeting, role, name } = await requireAccess(storage, req, id, 'minutes.notice');
			const body = await readBody(req, 'recordNotice', deps.maxBodyBytes);
			reply(res, 'recordNotice', await deps.notices.record(meeting, { role, name }, body));
		})
	];
}
