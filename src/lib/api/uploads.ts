/**
 * Uploading one file to a meeting (the protocol is in src/lib/protocol/files.ts): the server
 * refuses a file too large or of a type it does not take before any byte goes; the bytes go in
 * one request, with progress; when the network breaks the upload waits for it, asks the server
 * how far it got and sends the rest. It gives up, saying so, after a few tries without progress.
 */
import { type UploadError, typeOfFile, uploadsPath, UPLOAD_OFFSET_HEADER } from '$lib/protocol/files';

export type UploadFailure = UploadError | 'network' | 'forbidden' | 'cancelled' | 'server';

export class UploadFailed extends Error {
	constructor(
		readonly code: UploadFailure,
		/** The limit (bytes) for 'file-too-large' and 'meeting-full'. */
		readonly limit: number | null = null
	) {
		super(code);
	}
}

export interface UploadProgress {
	sent: number;
	total: number;
	/** 'waiting': the network went away; the upload goes on when it is back. */
	state: 'sending' | 'waiting' | 'checking';
}

export interface UploadedFile {
	sha256: string;
	size: number;
	type: string;
}

export interface UploadOptions {
	meetingId: string;
	/** Null for a signed-in participant without a link: the session cookie speaks. */
	token: string | null;
	onProgress?: (progress: UploadProgress) => void;
	signal?: AbortSignal;
	/** Tries in a row that move nothing before giving up. */
	attempts?: number;
}

const FIRST_RETRY_MS = 1_000;
const LONGEST_RETRY_MS = 15_000;

async function json(response: Response): Promise<Record<string, unknown>> {
	return ((await response.json().catch(() => ({}))) ?? {}) as Record<string, unknown>;
}

function failure(status: number, body: Record<string, unknown>): UploadFailed {
	if (status === 401 || status === 403) return new UploadFailed('forbidden');
	const code = typeof body.code === 'string' ? (body.code as UploadError) : 'server';
	return new UploadFailed(code, typeof body.limit === 'number' ? body.limit : null);
}

/** One PATCH of the bytes from `offset`, with progress; resolves with the server's offset, rejects 'network' when cut. */
function send(url: string, token: string | null, file: Blob, offset: number, onSent: (sent: number) => void, signal?: AbortSignal): Promise<number> {
	return new Promise((resolve, reject) => {
		const xhr = new XMLHttpRequest();
		xhr.open('PATCH', url);
		if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
		xhr.setRequestHeader(UPLOAD_OFFSET_HEADER, String(offset));
		xhr.setRequestHeader('content-type', 'application/octet-stream');
		xhr.upload.onprogress = (event) => onSent(offset + event.loaded);
		xhr.onload = () => {
			let body: Record<string, unknown> = {};
			try {
				body = JSON.parse(xhr.responseText) as Record<string, unknown>;
			} catch {
				// A proxy's error page: judged by the status alone.
			}
			if (xhr.status === 200 && typeof body.offset === 'number') resolve(body.offset);
			else if (xhr.status === 409 && typeof body.offset === 'number') resolve(body.offset);
			else if (xhr.status >= 500 || xhr.status === 429 || xhr.status === 0) reject(new UploadFailed('network'));
			else reject(failure(xhr.status, body));
		};
		xhr.onerror = () => reject(new UploadFailed('network'));
		xhr.ontimeout = () => reject(new UploadFailed('network'));
		const abort = () => xhr.abort();
		xhr.onabort = () => reject(new UploadFailed('cancelled'));
		signal?.addEventListener('abort', abort, { once: true });
		xhr.onloadend = () => signal?.removeEventListener('abort', abort);
		xhr.send(file.slice(offset));
	});
}

/** Until the browser is online again (or `ms` passed, whichever is later) or the upload is cancelled. */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		const done = () => {
			clearTimeout(timer);
			globalThis.removeEventListener?.('online', check);
			signal?.removeEventListener('abort', cancel);
		};
		const check = () => {
			if (globalThis.navigator?.onLine === false) return;
			done();
			resolve();
		};
		const cancel = () => {
			done();
			reject(new UploadFailed('cancelled'));
		};
		const timer = setTimeout(check, ms);
		globalThis.addEventListener?.('online', check);
		signal?.addEventListener('abort', cancel, { once: true });
	});
}

export async function uploadFile(file: File, options: UploadOptions): Promise<UploadedFile> {
	const { meetingId, token, signal } = options;
	const type = typeOfFile(file.name, file.type);
	if (!type) throw new UploadFailed('type-not-accepted');
	const base = uploadsPath(meetingId);
	const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
	const report = (sent: number, state: UploadProgress['state']) => options.onProgress?.({ sent, total: file.size, state });

	let started: Response;
	try {
		started = await fetch(base, {
			method: 'POST',
			headers: { ...headers, 'content-type': 'application/json' },
			body: JSON.stringify({ name: file.name, type: type.mime, size: file.size }),
			signal
		});
	} catch {
		throw new UploadFailed(signal?.aborted ? 'cancelled' : 'network');
	}
	const startBody = await json(started);
	if (started.status !== 201) throw failure(started.status, startBody);
	const url = `${base}/${startBody.uploadId as string}`;

	try {
		let offset = 0;
		let idle = 0;
		let delay = FIRST_RETRY_MS;
		const attempts = options.attempts ?? 6;
		while (offset < file.size) {
			report(offset, 'sending');
			try {
				const reached = await send(url, token, file, offset, (sent) => report(sent, 'sending'), signal);
				idle = reached > offset ? 0 : idle + 1;
				offset = reached;
				delay = FIRST_RETRY_MS;
			} catch (error) {
				if (!(error instanceof UploadFailed) || error.code !== 'network') throw error;
				if (++idle >= attempts) throw error;
				report(offset, 'waiting');
				await pause(delay, signal);
				delay = Math.min(delay * 2, LONGEST_RETRY_MS);
				report(offset, 'checking');
				// Where the server's copy really ends: part of the cut request may have arrived.
				const status = await fetch(url, { headers, signal }).catch(() => null);
				if (status?.ok) {
					const reached = (await json(status)).offset;
					if (typeof reached === 'number') {
						if (reached > offset) idle = 0;
						offset = reached;
					}
				} else if (status && status.status < 500) {
					throw failure(status.status, await json(status));
				}
			}
			if (idle >= attempts) throw new UploadFailed('network');
		}
		report(file.size, 'checking');
		const finished = await fetch(`${url}/finish`, { method: 'POST', headers, signal }).catch(() => null);
		if (!finished) throw new UploadFailed(signal?.aborted ? 'cancelled' : 'network');
		const body = await json(finished);
		if (!finished.ok) throw failure(finished.status, body);
		return { sha256: body.sha256 as string, size: body.size as number, type: body.type as string };
	} catch (error) {
		// Given up or cancelled: the server's half is discarded (if the network lets us say so; else it expires).
		if (error instanceof UploadFailed && (error.code === 'cancelled' || error.code === 'network')) {
			void fetch(url, { method: 'DELETE', headers }).catch(() => {});
		}
		throw error;
	}
}
