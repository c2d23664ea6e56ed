/**
 * The canonical export of a meeting: what the approval fingerprint is computed over,
 * and what "Exportera JSON" downloads. It is the meeting as `readMeeting` sees it (the
 * event log included, each event marked applied or not), read with a fixed `now` so
 * nothing depends on when it is computed, serialised as JSON with keys sorted by UTF-16
 * code unit, no whitespace, UTF-8. Anyone holding the export can recompute the
 * fingerprint: `sha256(bytes)` in hex.
 *
 * The content fingerprint ignores what readMeeting does not show (e.g. a key no reader
 * knows). `stateFingerprint` covers that: it hashes the Yjs snapshot (state vector and
 * delete set, both encoded in a fixed order), so any stored update that adds or deletes
 * anything changes it, whatever it changes.
 *
 * Plain TypeScript over Web Crypto (browser and Node 20): no Node built-ins.
 */
import * as Y from 'yjs';
import { readMeeting, type MeetingView } from '../meeting/index.js';
import { readPreviousVersionId } from './versions.js';

export const CANONICAL_FORMAT = 'motesrum-meeting/1';
/** Readers compute time per item up to `now`; a fixed instant keeps that stable. */
export const CANONICAL_NOW = '1970-01-01T00:00:00.000Z';

export interface CanonicalExport {
	readonly format: typeof CANONICAL_FORMAT;
	/** The meeting this one corrects, if it is a correction. */
	readonly previousVersionId: string | null;
	readonly meeting: MeetingView;
}

/** JSON with object keys sorted at every level; `undefined` members are left out as JSON does. */
export function canonicalJson(value: unknown): string {
	if (value === null || typeof value !== 'object') {
		if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('Non-finite number in canonical JSON');
		return JSON.stringify(value);
	}
	if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
	const record = value as Record<string, unknown>;
	const keys = Object.keys(record)
		.filter((key) => record[key] !== undefined)
		.sort();
	return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
}

export function canonicalExport(doc: Y.Doc): CanonicalExport {
	return {
		format: CANONICAL_FORMAT,
		previousVersionId: readPreviousVersionId(doc),
		// As the server reads the stored document: a device's confidential part does not change the fingerprint.
		meeting: readMeeting(doc, { now: CANONICAL_NOW, mainDocumentOnly: true })
	};
}

/** The exact bytes that are fingerprinted. */
export function canonicalBytes(doc: Y.Doc): Uint8Array {
	return new TextEncoder().encode(canonicalJson(canonicalExport(doc)));
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
	const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
	return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** SHA-256 hex of the canonical export: the fingerprint shown on approved minutes. */
export async function fingerprint(doc: Y.Doc): Promise<string> {
	return sha256Hex(canonicalBytes(doc));
}

/** SHA-256 hex of the document's Yjs snapshot (state vector + delete set). */
export async function stateFingerprint(doc: Y.Doc): Promise<string> {
	return sha256Hex(Y.encodeSnapshot(Y.snapshot(doc)));
}
