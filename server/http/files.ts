/**
 * The HTTP face of handlingar (protocol in src/lib/protocol/files.ts), mounted by
 * server/http/api.ts:
 *
 *   POST   /api/meetings/:id/uploads                    documents.upload  {name, type, size} → 201 {uploadId, offset, size}
 *   GET    /api/meetings/:id/uploads/:uploadId          documents.upload  → {offset, size}
 *   PATCH  /api/meetings/:id/uploads/:uploadId          documents.upload  Upload-Offset + raw bytes → {offset, size}
 *   POST   /api/meetings/:id/uploads/:uploadId/finish   documents.upload  → {sha256, size, type}
 *   DELETE /api/meetings/:id/uploads/:uploadId          documents.upload  → 204
 *   POST   /api/meetings/:id/files/session              document.read     → 204 + the file cookie
 *   GET    /api/meetings/:id/files/:attachmentId        bearer or cookie  → the bytes
 *
 * A file is served only when the meeting's document lists it and the meeting holds its
 * bytes; a confidential item's files need `documents.confidential` (a guest: an item they
 * attend). The name comes from the document, the type from the upload's check.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as Y from 'yjs';
import { findAttachment } from '../../src/lib/meeting/attachments.ts';
import { fileResponseHeaders, filesPathPrefix, UPLOAD_OFFSET_HEADER } from '../../src/lib/protocol/files.ts';
import { can } from '../../src/lib/protocol/roles.ts';
import { type Access, accessOfTokenHash } from '../auth/access.ts';
import { readJson } from './body.ts';
import { requireAccess } from './access.ts';
import { bearer } from './request.ts';
import { sessionOfRequest } from './signin.ts';
import type { Route } from './route.ts';
import { HttpError, sendJson } from './respond.ts';
import { loadStoredDocs } from '../votes/server-change.ts';
import type { MeetingStorage } from '../storage/types.ts';
import { guestAttends } from '../sync/write-rules.ts';
import { type FileService, UploadRefused } from '../files/service.ts';
import { isMeetingId } from '../../src/lib/protocol/index.ts';

/** The cookie that lets the browser open a meeting's files by their plain address. */
export const FILE_COOKIE = 'motesrum_files';
/** How long a file session lasts; the meeting page renews it while it is open. */
export const FILE_SESSION_SECONDS = 2 * 60 * 60;

export interface FileRouteDeps {
	storage: MeetingStorage;
	files: FileService;
	maxBodyBytes: number;
	/** The app's origin (https: sets the cookie Secure). */
	origin(req: IncomingMessage): string;
}

const MEETING = '([^/]+)';
const UPLOAD = '([A-Za-z0-9_-]{22})';

function refused(res: ServerResponse, error: UploadRefused): void {
	const requestId = res.getHeader('x-request-id');
	sendJson(res, error.status, { error: error.message, code: error.code, ...error.detail, ...(typeof requestId === 'string' ? { requestId } : {}) });
}

async function answer(res: ServerResponse, work: () => Promise<void>): Promise<void> {
	try {
		await work();
	} catch (error) {
		if (error instanceof UploadRefused) return refused(res, error);
		throw error;
	}
}

function cookieValue(req: IncomingMessage, name: string): string | null {
	for (const part of (req.headers.cookie ?? '').split(';')) {
		const [key, ...rest] = part.trim().split('=');
		if (key === name) return rest.join('=');
	}
	return null;
}

const sessionHash = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

type Granted = Extract<Access, { status: 'ok' }>;

/** Access from the Authorization header, else from the file cookie's session, else from a signed-in user's session (http/signin.ts). */
async function fileAccess(deps: FileRouteDeps, req: IncomingMessage, meetingId: string): Promise<Granted> {
	if (req.headers.authorization) return requireAccess(deps.storage, req, meetingId);
	if (!isMeetingId(meetingId)) throw new HttpError(400, 'Malformed meeting id');
	const value = cookieValue(req, FILE_COOKIE);
	const session = value && /^[A-Za-z0-9_-]{43}$/.test(value) ? await deps.files.catalog.findSession(sessionHash(value)) : null;
	const meeting = await deps.storage.meetings.getMeeting(meetingId);
	if (!meeting || meeting.deletedAt) throw new HttpError(404, 'Meeting not found');
	if (!session || session.meetingId !== meetingId) {
		if (sessionOfRequest(req)) return requireAccess(deps.storage, req, meetingId);
		throw new HttpError(401, 'Missing or expired file session');
	}
	const access = await accessOfTokenHash(deps.storage, meeting, session.tokenHash);
	if (access.status !== 'ok') throw new HttpError(401, 'Missing or wrong token');
	return access;
}

function uploadAccess(deps: FileRouteDeps, req: IncomingMessage, meetingId: string): Promise<Granted> {
	return requireAccess(deps.storage, req, meetingId, 'documents.upload').then((access) => {
		if (access.meeting.frozenAt) throw new HttpError(409, 'The minutes are approved: the meeting takes no new files');
		return access;
	});
}

export function fileRoutes(deps: FileRouteDeps): Route[] {
	const { files } = deps;
	return [
		{
			method: 'POST',
			pattern: new RegExp(`^/api/meetings/${MEETING}/uploads$`),
			async handle(req, res, [id]) {
				const access = await uploadAccess(deps, req, id);
				const body = (await readJson(req, deps.maxBodyBytes)) as Record<string, unknown> | null;
				if (typeof body !== 'object' || body === null) throw new HttpError(400, 'Body must be a JSON object');
				await answer(res, async () => {
					const upload = await files.start({
						meetingId: id,
						name: String(body.name ?? ''),
						type: String(body.type ?? ''),
						size: Number(body.size),
						invitationId: access.invitationId
					});
					sendJson(res, 201, { uploadId: upload.id, offset: 0, size: upload.size });
				});
			}
		},
		{
			method: 'GET',
			pattern: new RegExp(`^/api/meetings/${MEETING}/uploads/${UPLOAD}$`),
			async handle(req, res, [id, uploadId]) {
				await uploadAccess(deps, req, id);
				await answer(res, async () => sendJson(res, 200, await files.status(id, uploadId)));
			}
		},
		{
			method: 'PATCH',
			pattern: new RegExp(`^/api/meetings/${MEETING}/uploads/${UPLOAD}$`),
			async handle(req, res, [id, uploadId]) {
				await uploadAccess(deps, req, id);
				const offset = Number(req.headers[UPLOAD_OFFSET_HEADER]);
				if (!Number.isSafeInteger(offset) || offset < 0) throw new HttpError(400, 'Upload-Offset must be a byte offset');
				await answer(res, async () => {
					try {
						sendJson(res, 200, await files.receive(id, uploadId, offset, req as AsyncIterable<Uint8Array>));
					} catch (error) {
						// The rest of a refused body is never read: the connection cannot be reused.
						if (error instanceof UploadRefused) res.setHeader('Connection', 'close');
						throw error;
					}
				});
			}
		},
		{
			method: 'POST',
			pattern: new RegExp(`^/api/meetings/${MEETING}/uploads/${UPLOAD}/finish$`),
			async handle(req, res, [id, uploadId]) {
				await uploadAccess(deps, req, id);
				await answer(res, async () => {
					const file = await files.finish(id, uploadId);
					sendJson(res, 200, { sha256: file.sha256, size: file.size, type: file.type });
				});
			}
		},
		{
			method: 'DELETE',
			pattern: new RegExp(`^/api/meetings/${MEETING}/uploads/${UPLOAD}$`),
			async handle(req, res, [id, uploadId]) {
				await uploadAccess(deps, req, id);
				await answer(res, async () => {
					await files.abort(id, uploadId);
					res.writeHead(204, { 'Cache-Control': 'no-store' });
					res.end();
				});
			}
		},
		{
			method: 'POST',
			pattern: new RegExp(`^/api/meetings/${MEETING}/files/session$`),
			async handle(req, res, [id]) {
				await requireAccess(deps.storage, req, id, 'document.read');
				const token = bearer(req);
				if (token === null) {
					// A signed-in participant without a link: the sign-in cookie already opens the files.
					res.writeHead(204, { 'Cache-Control': 'no-store' });
					res.end();
					return;
				}
				const value = randomBytes(32).toString('base64url');
				await files.catalog.addSession(sessionHash(value), {
					meetingId: id,
					tokenHash: createHash('sha256').update(token, 'utf8').digest('hex'),
					expiresAt: new Date(Date.now() + FILE_SESSION_SECONDS * 1000).toISOString()
				});
				const secure = deps.origin(req).startsWith('https:') ? '; Secure' : '';
				res.writeHead(204, {
					'Cache-Control': 'no-store',
					// Only for this meeting's file addresses, never sent cross-site, never readable by scripts.
					'Set-Cookie': `${FILE_COOKIE}=${value}; Path=${filesPathPrefix(id)}; Max-Age=${FILE_SESSION_SECONDS}; HttpOnly; SameSite=Strict${secure}`
				});
				res.end();
			}
		},
		{
			method: 'GET',
			pattern: new RegExp(`^/api/meetings/${MEETING}/files/([A-Za-z0-9_-]{16})$`),
			async handle(req, res, [id, attachmentId]) {
				const access = await fileAccess(deps, req, id);
				// A confidential item's files are listed in the confidential part (attachments.ts): both are read.
				const stored = await loadStoredDocs(deps.storage, id);
				const { doc, part } = stored;
				try {
					const attachment = findAttachment(doc, attachmentId);
					if (!attachment) throw new HttpError(404, 'No such file in this meeting');
					const item = doc.getMap<Y.Map<unknown>>('items').get(attachment.itemId);
					// Listed in the part counts as confidential too (an item made public whose entry has not moved back yet).
					const confidential = (item instanceof Y.Map && typeof item.get('confidentialGround') === 'string') || part.getMap('attachments').has(attachmentId);
					if (confidential) {
						if (!can(access.role, 'documents.confidential')) throw new HttpError(403, 'The item is confidential (sekretess): your role may not open its files');
						if (access.role === 'guest' && !guestAttends(doc, access.participantId, attachment.itemId)) {
							throw new HttpError(403, 'The item is confidential (sekretess) and you do not attend it');
						}
					}
					const file = await files.file(id, attachment.sha256);
					if (!file) throw new HttpError(404, 'The meeting holds no such file');
					const headers: Record<string, string> = { ...fileResponseHeaders({ type: file.type, name: attachment.name, size: file.size }), ETag: `"${file.sha256}"` };
					if (req.headers['if-none-match'] === headers.ETag) {
						res.writeHead(304, { ETag: headers.ETag, 'Cache-Control': headers['Cache-Control'] });
						res.end();
						return;
					}
					res.writeHead(200, headers);
					// Streamed with backpressure: a slow reader slows the reading, nothing piles up in memory.
					await pipeline(Readable.from(files.blobs.read(file.sha256)), res).catch((error: NodeJS.ErrnoException) => {
						// The reader went away; the status line is out, so there is nobody left to tell.
						if (error.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
					});
				} finally {
					stored.destroy();
				}
			}
		}
	];
}
