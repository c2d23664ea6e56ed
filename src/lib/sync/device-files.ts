/**
 * The meeting's handlingar on this device: while a meeting kept on the device is open, every
 * file it lists is downloaded in the background, one at a time, into IndexedDB (local-store.ts),
 * as this device's setting allows (all / only PDFs / none on a metered network). The service
 * worker then answers the file's address from the device, with or without a network.
 *
 * It also keeps the file cookie fresh (POST …/files/session), so a file not yet on the device
 * opens by its plain address; the token never goes into an address.
 */
import { filePath, type FileType, fileType } from '../protocol/files.ts';
import type { DeviceFile, LocalStore } from './local-store.ts';

/** What this device downloads in the background; chosen per device ("Handlingar på enheten"). */
export const DOWNLOAD_POLICIES = ['all', 'pdf', 'unmetered'] as const;
export type DownloadPolicy = (typeof DOWNLOAD_POLICIES)[number];

const POLICY_KEY = 'motesrum:file-downloads';
/** Renewed well before the server's session (two hours) ends. */
const SESSION_RENEW_MS = 30 * 60 * 1000;

export function downloadPolicy(): DownloadPolicy {
	const stored = globalThis.localStorage?.getItem(POLICY_KEY);
	return (DOWNLOAD_POLICIES as readonly string[]).includes(stored ?? '') ? (stored as DownloadPolicy) : 'all';
}

export function setDownloadPolicy(policy: DownloadPolicy): void {
	globalThis.localStorage?.setItem(POLICY_KEY, policy);
}

/** A mobile or data-saving connection, where the browser says so (Network Information API). */
export function onMeteredNetwork(): boolean {
	const connection = (globalThis.navigator as { connection?: { saveData?: boolean; type?: string } } | undefined)?.connection;
	return connection?.saveData === true || connection?.type === 'cellular';
}

/** Whether the policy lets this file download in the background now. */
export function policyAllows(policy: DownloadPolicy, type: string, metered: boolean): boolean {
	if (policy === 'pdf') return type === 'application/pdf';
	if (policy === 'unmetered') return !metered;
	return true;
}

/** A file the meeting lists, as the downloader needs it. */
export interface WantedFile {
	attachmentId: string;
	sha256: string;
	name: string;
	type: string;
	size: number;
	/** This link may not open it (a confidential item's file, for an observer): never asked for. */
	forbidden?: boolean;
}

export interface DeviceFilesStatus {
	/** Files the meeting lists that this link may open. */
	total: number;
	/** Of those, on this device. */
	stored: number;
	/** Bytes of the files on this device. */
	storedBytes: number;
	/** Files the policy leaves on the server for now. */
	skipped: number;
	/** Downloading now (attachment id), if any. */
	current: string | null;
	/** Files that failed for a reason other than the network (refused, not found). */
	failed: number;
	/** Which attachments are on this device. */
	onDevice: ReadonlySet<string>;
}

const EMPTY: DeviceFilesStatus = { total: 0, stored: 0, storedBytes: 0, skipped: 0, current: null, failed: 0, onDevice: new Set() };

export interface DeviceFilesOptions {
	meetingId: string;
	/** Null for a signed-in participant without a link: the session cookie speaks. */
	token: string | null;
	/** The server's origin ('' for the page's own). */
	origin?: string;
	store: LocalStore;
	fetch?: typeof fetch;
	/** The policy and the network kind, read before each download (so a changed setting applies at once). */
	policy?: () => DownloadPolicy;
	metered?: () => boolean;
}

export class DeviceFiles {
	readonly #options: DeviceFilesOptions;
	readonly #fetch: typeof fetch;
	#wanted: WantedFile[] = [];
	#status: DeviceFilesStatus = EMPTY;
	readonly #listeners = new Set<(status: DeviceFilesStatus) => void>();
	/** Refused or missing on the server: not asked for again while this page lives. */
	readonly #failed = new Set<string>();
	#running: Promise<void> | null = null;
	#again = false;
	#destroyed = false;
	#sessionAt = 0;
	readonly #onOnline = () => this.refresh();

	constructor(options: DeviceFilesOptions) {
		this.#options = options;
		this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
		globalThis.addEventListener?.('online', this.#onOnline);
	}

	get status(): DeviceFilesStatus {
		return this.#status;
	}

	/** Svelte store contract: called at once and on every change. */
	subscribe(listener: (status: DeviceFilesStatus) => void): () => void {
		this.#listeners.add(listener);
		listener(this.#status);
		return () => this.#listeners.delete(listener);
	}

	/** The files the meeting lists now; starts downloading what is missing. */
	setFiles(files: readonly WantedFile[]): void {
		const same =
			files.length === this.#wanted.length &&
			files.every((f, i) => f.attachmentId === this.#wanted[i].attachmentId && f.name === this.#wanted[i].name && f.forbidden === this.#wanted[i].forbidden);
		this.#wanted = [...files];
		if (!same) this.refresh();
	}

	/** Runs a pass now (or right after the one running). */
	refresh(): void {
		if (this.#destroyed) return;
		if (this.#running) {
			this.#again = true;
			return;
		}
		this.#running = this.#pass()
			.catch(() => {})
			.finally(() => {
				this.#running = null;
				if (this.#again) {
					this.#again = false;
					this.refresh();
				}
			});
	}

	/** Resolves when no pass is running (tests, and the page before it reports "all on the device"). */
	async settled(): Promise<void> {
		while (this.#running) await this.#running;
	}

	destroy(): void {
		this.#destroyed = true;
		globalThis.removeEventListener?.('online', this.#onOnline);
		this.#listeners.clear();
	}

	/** Opens (or renews) the file cookie, so files not on the device open by their address. */
	async ensureSession(): Promise<void> {
		if (Date.now() - this.#sessionAt < SESSION_RENEW_MS) return;
		const { meetingId, token, origin = '' } = this.#options;
		const response = await this.#fetch(`${origin}/api/meetings/${encodeURIComponent(meetingId)}/files/session`, {
			method: 'POST',
			headers: token ? { authorization: `Bearer ${token}` } : {},
			credentials: 'same-origin'
		});
		if (response.ok) this.#sessionAt = Date.now();
	}

	async #pass(): Promise<void> {
		const { store, meetingId } = this.#options;
		const wanted = this.#wanted.filter((f) => !f.forbidden);
		// Files the meeting no longer lists leave the device; renamed ones keep their bytes.
		await store.keepOnlyFiles(meetingId, new Set(wanted.map((f) => f.attachmentId)));
		await this.#report(null);
		if (globalThis.navigator?.onLine !== false) await this.ensureSession().catch(() => {});
		for (const file of wanted) {
			if (this.#destroyed) return;
			const stored = (await store.listFiles(meetingId)).find((f) => f.attachmentId === file.attachmentId);
			const record: DeviceFile = { meetingId, attachmentId: file.attachmentId, sha256: file.sha256, name: file.name, type: file.type, size: file.size };
			if (stored && stored.sha256 === file.sha256) {
				if (stored.name !== file.name) await store.putFile(record);
				continue;
			}
			// The same bytes under another item or meeting: listed at once, nothing to fetch.
			if (await store.hasBlob(file.sha256)) {
				await store.putFile(record);
				continue;
			}
			if (this.#failed.has(file.attachmentId)) continue;
			if (!policyAllows(this.#options.policy?.() ?? downloadPolicy(), file.type, this.#options.metered?.() ?? onMeteredNetwork())) continue;
			await this.#report(file.attachmentId);
			const blob = await this.#download(file);
			if (blob === 'offline') break;
			// The type the server checked the bytes against, not the one the document names.
			if (blob) await store.putFile({ ...record, type: blob.type || record.type }, blob);
		}
		await this.#report(null);
	}

	/** The file's bytes, null when the server refuses it for good, 'offline' when the network is gone. */
	async #download(file: WantedFile): Promise<Blob | null | 'offline'> {
		const { meetingId, token, origin = '' } = this.#options;
		let response: Response;
		try {
			response = await this.#fetch(`${origin}${filePath(meetingId, file.attachmentId)}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, cache: 'no-store' });
		} catch {
			return 'offline';
		}
		if (!response.ok) {
			// 5xx and 429 may pass; a refusal or a missing file does not.
			if (response.status >= 500 || response.status === 429) return 'offline';
			this.#failed.add(file.attachmentId);
			return null;
		}
		const blob = await response.blob().catch(() => null);
		if (!blob) return 'offline';
		if (blob.size !== file.size) {
			this.#failed.add(file.attachmentId);
			return null;
		}
		return blob;
	}

	async #report(current: string | null): Promise<void> {
		const { store, meetingId } = this.#options;
		const wanted = this.#wanted.filter((f) => !f.forbidden);
		const listed = new Set(wanted.map((f) => f.attachmentId));
		const onDevice = (await store.listFiles(meetingId)).filter((f) => listed.has(f.attachmentId));
		const ids = new Set(onDevice.map((f) => f.attachmentId));
		const policy = this.#options.policy?.() ?? downloadPolicy();
		const metered = this.#options.metered?.() ?? onMeteredNetwork();
		this.#status = {
			total: wanted.length,
			stored: onDevice.length,
			storedBytes: onDevice.reduce((sum, f) => sum + f.size, 0),
			skipped: wanted.filter((f) => !ids.has(f.attachmentId) && !policyAllows(policy, f.type, metered)).length,
			current,
			failed: wanted.filter((f) => this.#failed.has(f.attachmentId)).length,
			onDevice: ids
		};
		for (const listener of this.#listeners) listener(this.#status);
	}
}

/** Opens in the browser's viewer (a new tab) rather than downloading. */
export function opensInline(type: string): boolean {
	const known: FileType | undefined = fileType(type);
	return known?.inline ?? false;
}
