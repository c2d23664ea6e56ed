/**
 * What the primary reads of a connection before handing it to a worker: the request line of
 * its first request, and from it the meeting a sync upgrade is for. Nothing here decides
 * access or trusts anything: the worker parses the whole request itself, as it would without
 * a primary; the key only chooses which worker does so.
 */
import { SYNC_PREFIX, CONFIDENTIAL_SUFFIX } from '../http/upgrade.ts';

/** The longest request line the primary waits for (Node's own header limit, `--max-http-header-size`). */
export const MAX_REQUEST_LINE_BYTES = 16 * 1024;

/**
 * The request line of `head` (the bytes read so far): `'incomplete'` until its line feed
 * arrived, `'too-long'` once more than MAX_REQUEST_LINE_BYTES came without one, else the line.
 */
export function requestLine(head: Buffer): string | 'incomplete' | 'too-long' {
	const end = head.indexOf(0x0a);
	if (end === -1) return head.length > MAX_REQUEST_LINE_BYTES ? 'too-long' : 'incomplete';
	if (end > MAX_REQUEST_LINE_BYTES) return 'too-long';
	return head.subarray(0, end).toString('latin1');
}

/**
 * The routing key of a request line: the meeting id of a sync upgrade (`/sync/<id>` and
 * `/sync/<id>/confidential` give the same key, so both parts of a meeting share a worker),
 * null for everything else (any worker will do). Anything malformed is null too: the
 * worker that gets it answers as it always did.
 */
export function meetingOfRequestLine(line: string): string | null {
	const parts = line.trimEnd().split(' ');
	if (parts.length !== 3) return null;
	let target = parts[1];
	// Absolute form (`GET http://host/sync/…`), which Node's parser accepts too.
	if (!target.startsWith('/')) {
		const url = URL.parse(target);
		if (!url) return null;
		target = url.pathname;
	}
	const query = target.search(/[?#]/);
	const path = query === -1 ? target : target.slice(0, query);
	if (!path.startsWith(SYNC_PREFIX)) return null;
	const rest = path.slice(SYNC_PREFIX.length);
	const id = rest.endsWith(CONFIDENTIAL_SUFFIX) ? rest.slice(0, -CONFIDENTIAL_SUFFIX.length) : rest;
	return id.length > 0 && id.length <= 256 ? id : null;
}

/** FNV-1a of the key, modulo `slots`: the same meeting always lands on the same worker slot. */
export function slotOf(key: string, slots: number): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < key.length; i++) {
		hash ^= key.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return (hash >>> 0) % slots;
}
