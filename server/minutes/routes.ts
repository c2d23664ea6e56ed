/**
 * The justering endpoints, mounted by server/http/api.ts:
 *
 * - GET  /api/meetings/:id/minutes/approval  → ApprovalState
 * - POST /api/meetings/:id/approval          { action: 'ready' | 'approve', participantId? } → ApprovalState
 * - GET  /api/meetings/:id/minutes/verify    → { ok, fingerprint, currentFingerprint, approvedAt, approvers, reason }
 * - POST /api/meetings/:id/correction        → 201 { id, token, url, previousVersionId }
 *
 * All take `Authorization: Bearer <token>` and refuse like GET /api/meetings/:id.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveAccess } from '../auth/access.ts';
import { sessionOfRequest } from '../auth/oidc.ts';
import { hashToken, newToken } from '../auth/tokens.ts';
import { readJson } from '../http/body.ts';
import { HttpError, sendJson } from '../http/respond.ts';
import type { MeetingRecord, MeetingStorage } from '../storage/types.ts';
import type { ApprovalService } from './approval.ts';

interface MinutesRoute {
	method: string;
	pattern: RegExp;
	handle(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void>;
}

export interface MinutesRouteDeps {
	storage: MeetingStorage;
	approval: ApprovalService;
	maxBodyBytes: number;
	bearer(req: IncomingMessage): string | null;
	/** The app's origin for links (the configured public origin or the request's). */
	origin(req: IncomingMessage): string;
}

async function access(deps: MinutesRouteDeps, req: IncomingMessage, id: string): Promise<{ meeting: MeetingRecord; role: string; participantId: string | null }> {
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

export function minutesRoutes(deps: MinutesRouteDeps): MinutesRoute[] {
	return [
		{
			method: 'GET',
			pattern: /^\/api\/meetings\/([^/]+)\/minutes\/approval$/,
			async handle(req, res, [id]) {
				const { meeting } = await access(deps, req, id);
				sendJson(res, 200, await deps.approval.state(meeting));
			}
		},
		{
			method: 'POST',
			pattern: /^\/api\/meetings\/([^/]+)\/approval$/,
			async handle(req, res, [id]) {
				const { meeting, role, participantId } = await access(deps, req, id);
				const body = await readJson(req, deps.maxBodyBytes);
				sendJson(res, 200, await deps.approval.act(meeting, { role, participantId }, body));
			}
		},
		{
			method: 'GET',
			pattern: /^\/api\/meetings\/([^/]+)\/minutes\/verify$/,
			async handle(req, res, [id]) {
				const { meeting } = await access(deps, req, id);
				sendJson(res, 200, await deps.approval.verify(meeting));
			}
		},
		{
			method: 'POST',
			pattern: /^\/api\/meetings\/([^/]+)\/correction$/,
			async handle(req, res, [id]) {
				const { meeting, role, participantId } = await access(deps, req, id);
				const created = await deps.approval.correct(meeting, { role, participantId });
				const token = newToken();
				await deps.storage.tokens.addToken(hashToken(token), { meetingId: created.id, role: 'organiser', label: '' });
				const url = `${deps.origin(req)}/m/${created.id}#token=${token}`;
				sendJson(res, 201, { id: created.id, token, url, previousVersionId: meeting.id }, { Location: `/api/meetings/${created.id}` });
			}
		}
	];
}
