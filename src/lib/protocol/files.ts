/**
 * The wire contract of handlingar (files uploaded to agenda items), shared by the server,
 * the browser and the service worker: which types are accepted, how each is recognised by
 * its first bytes, the default limits, the addresses and the upload protocol's headers.
 * Imports nothing.
 *
 * Upload protocol (resumable, one file at a time):
 * 1. `POST /api/meetings/:id/uploads` `{ itemId, name, type, size }` → 201 `{ uploadId, offset: 0 }`;
 *    refused before any byte is sent when the type is not accepted or the size is over a limit.
 * 2. `PATCH /api/meetings/:id/uploads/:uploadId` with `Upload-Offset: <n>` and the raw bytes
 *    from offset n (any number of them) → `{ offset }`; an interrupted body keeps what arrived.
 * 3. `GET /api/meetings/:id/uploads/:uploadId` → `{ offset, size }`: where to resume.
 * 4. `POST /api/meetings/:id/uploads/:uploadId/finish` → `{ sha256, size, type }` once every byte
 *    is there: the server hashes the bytes, checks them against the type and keeps them.
 * 5. `DELETE /api/meetings/:id/uploads/:uploadId`: gives up; nothing is kept.
 *
 * Reading: `GET /api/meetings/:id/files/:attachmentId`, authorised by the `Authorization`
 * header or by the meeting's file cookie (`POST /api/meetings/:id/files/session` sets it):
 * the address carries no token, so it can be opened in a new tab or the PDF viewer.
 */

export interface FileType {
	readonly mime: string;
	readonly extensions: readonly string[];
	/** Shown inline (the browser's viewer); everything else is a download. */
	readonly inline: boolean;
	/** How the file's first bytes begin (hex), any of these. */
	readonly magic: readonly string[];
}

const ZIP = ['504b0304'];

export const FILE_TYPES: readonly FileType[] = [
	{ mime: 'application/pdf', extensions: ['pdf'], inline: true, magic: ['25504446'] },
	{ mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extensions: ['docx'], inline: false, magic: ZIP },
	{ mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extensions: ['xlsx'], inline: false, magic: ZIP },
	{ mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', extensions: ['pptx'], inline: false, magic: ZIP },
	{ mime: 'image/png', extensions: ['png'], inline: true, magic: ['89504e470d0a1a0a'] },
	{ mime: 'image/jpeg', extensions: ['jpg', 'jpeg'], inline: true, magic: ['ffd8ff'] },
	{ mime: 'image/gif', extensions: ['gif'], inline: true, magic: ['474946383761', '474946383961'] },
	// RIFF....WEBP: the size in between is skipped by `matchesType`.
	{ mime: 'image/webp', extensions: ['webp'], inline: true, magic: ['52494646'] }
];

export const FILE_MIME_TYPES: readonly string[] = FILE_TYPES.map((t) => t.mime);

/** The `accept` attribute of the file picker. */
export const FILE_ACCEPT = FILE_TYPES.flatMap((t) => [t.mime, ...t.extensions.map((e) => `.${e}`)]).join(',');

/** Bytes a type check reads from the start of a file. */
export const MAGIC_BYTES = 16;

/** 25 MB per file and 200 MB per meeting unless configured (MAX_FILE_BYTES, MAX_MEETING_FILE_BYTES); decimal, as the interface shows sizes. */
export const DEFAULT_MAX_FILE_BYTES = 25_000_000;
export const DEFAULT_MAX_MEETING_FILE_BYTES = 200_000_000;

/** The longest file name kept (the schema's title bound). */
export const FILE_NAME_MAX = 200;

export const SHA256_PATTERN = /^[0-9a-f]{64}$/;

export function fileType(mime: string): FileType | undefined {
	return FILE_TYPES.find((t) => t.mime === mime);
}

/**
 * The accepted type of a picked file: its declared type when accepted, else the one its
 * extension names (browsers leave `File.type` empty for some office files).
 */
export function typeOfFile(name: string, declared: string): FileType | undefined {
	const byMime = fileType(declared);
	if (byMime) return byMime;
	const extension = name.toLowerCase().split('.').pop() ?? '';
	return FILE_TYPES.find((t) => t.extensions.includes(extension));
}

/** Whether a file's first bytes (at least MAGIC_BYTES of them, or the whole file) fit its type. */
export function matchesType(mime: string, head: Uint8Array): boolean {
	const type = fileType(mime);
	if (!type) return false;
	const hex = [...head.subarray(0, MAGIC_BYTES)].map((b) => b.toString(16).padStart(2, '0')).join('');
	if (!type.magic.some((m) => hex.startsWith(m))) return false;
	// RIFF files name their kind after the size field.
	if (mime === 'image/webp') return hex.slice(16, 24) === '57454250';
	return true;
}

/** A plain file name for storage and Content-Disposition: no path, no control characters. */
export function cleanFileName(name: string): string {
	const base = name.split(/[/\\]/).pop() ?? '';
	// eslint-disable-next-line no-control-regex
	const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
	return clean.slice(0, FILE_NAME_MAX);
}

export function uploadsPath(meetingId: string): string {
	return `/api/meetings/${encodeURIComponent(meetingId)}/uploads`;
}

/** The address of an attachment's bytes: no token in it (header or cookie authorises). */
export function filePath(meetingId: string, attachmentId: string): string {
	return `/api/meetings/${encodeURIComponent(meetingId)}/files/${encodeURIComponent(attachmentId)}`;
}

/** The cookie path the file session is limited to. */
export function filesPathPrefix(meetingId: string): string {
	return `/api/meetings/${encodeURIComponent(meetingId)}/files/`;
}

export const FILE_PATH_PATTERN = /^\/api\/meetings\/([A-Za-z0-9_-]{22})\/files\/([A-Za-z0-9_-]{16})$/;

/** Request header of PATCH: the offset the body's first byte belongs at. */
export const UPLOAD_OFFSET_HEADER = 'upload-offset';

/** Machine-readable reasons of refused uploads; the interface shows each in Swedish. */
export const UPLOAD_ERRORS = ['file-too-large', 'meeting-full', 'type-not-accepted', 'content-mismatch', 'offset-mismatch', 'incomplete', 'not-found'] as const;
export type UploadError = (typeof UPLOAD_ERRORS)[number];

/**
 * Headers of a file's bytes, the same from the server and from the service worker's device
 * copy: the right type, no sniffing, a sandboxing policy, and a name to save it under.
 */
export function fileResponseHeaders(file: { type: string; name: string; size: number }): Record<string, string> {
	const type = fileType(file.type);
	const inline = type?.inline ?? false;
	return {
		'Content-Type': type ? type.mime : 'application/octet-stream',
		'Content-Length': String(file.size),
		'Content-Disposition': contentDisposition(inline ? 'inline' : 'attachment', file.name),
		'X-Content-Type-Options': 'nosniff',
		// Nothing in the file may run scripts, load anything or reach the app's origin. PDFs get no
		// `sandbox`: Chromium refuses to start its PDF viewer in a sandboxed document.
		'Content-Security-Policy':
			file.type === 'application/pdf'
				? "default-src 'none'; object-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'"
				: "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'",
		'Cache-Control': 'private, no-store',
		'Referrer-Policy': 'no-referrer'
	};
}

/** RFC 6266 with an ASCII fallback and the UTF-8 name (RFC 8187). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
	const clean = cleanFileName(name) || 'fil';
	const ascii = clean
		.normalize('NFD')
		.replace(/[\u0300-\u036f]/g, '')
		.replace(/[^\x20-\x7e]/g, '_')
		.replace(/["\\]/g, '_');
	const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
	return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
