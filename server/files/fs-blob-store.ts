/**
 * BlobStore in the data directory: `files/blobs/<first two hex digits>/<sha256>` and
 * `files/staging/<stageId>`. A staged file becomes a blob by a rename on the same file
 * system, so a blob is either whole or absent. Writes are appended chunk by chunk as they
 * arrive, each awaited, so a slow disk slows the upload rather than filling memory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BlobLimitError, BlobOffsetError, type BlobStore } from './blob-store.ts';

const STAGE_ID = /^[A-Za-z0-9_-]{8,64}$/;
const SHA256 = /^[0-9a-f]{64}$/;

function checkStage(stageId: string): string {
	if (!STAGE_ID.test(stageId)) throw new Error('malformed stage id');
	return stageId;
}

function checkHash(sha256: string): string {
	if (!SHA256.test(sha256)) throw new Error('malformed SHA-256');
	return sha256;
}

function missing(error: unknown): boolean {
	return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

export class FsBlobStore implements BlobStore {
	readonly #blobs: string;
	readonly #staging: string;

	constructor(root: string) {
		this.#blobs = FsBlobStore.blobsIn(root);
		this.#staging = path.join(root, 'staging');
	}

	/** The store under a data directory, beside the SQLite file. */
	static inDataDir(dataDir: string): FsBlobStore {
		return new FsBlobStore(FsBlobStore.rootIn(dataDir));
	}

	static rootIn(dataDir: string): string {
		return path.join(dataDir, 'files');
	}

	/** Where the finished blobs are: immutable files named by their SHA-256 (what a backup copies). */
	static blobsIn(root: string): string {
		return path.join(root, 'blobs');
	}

	async init(): Promise<void> {
		await fs.promises.mkdir(this.#blobs, { recursive: true });
		await fs.promises.mkdir(this.#staging, { recursive: true });
	}

	async close(): Promise<void> {}

	#stagePath(stageId: string): string {
		return path.join(this.#staging, checkStage(stageId));
	}

	#blobPath(sha256: string): string {
		return path.join(this.#blobs, checkHash(sha256).slice(0, 2), sha256);
	}

	async stagedLength(stageId: string): Promise<number> {
		try {
			return (await fs.promises.stat(this.#stagePath(stageId))).size;
		} catch (error) {
			if (missing(error)) return 0;
			throw error;
		}
	}

	async append(stageId: string, offset: number, body: AsyncIterable<Uint8Array>, limit: number): Promise<number> {
		const file = await fs.promises.open(this.#stagePath(stageId), 'a');
		try {
			let length = (await file.stat()).size;
			if (length !== offset) throw new BlobOffsetError(length);
			for await (const chunk of body) {
				if (length + chunk.byteLength > limit) throw new BlobLimitError(limit);
				await file.write(chunk);
				length += chunk.byteLength;
			}
			return length;
		} finally {
			await file.close();
		}
	}

	async *readStaged(stageId: string): AsyncIterable<Uint8Array> {
		yield* fs.createReadStream(this.#stagePath(stageId));
	}

	async promote(stageId: string, sha256: string): Promise<void> {
		const target = this.#blobPath(sha256);
		if ((await this.size(sha256)) !== null) return this.discardStaged(stageId);
		await fs.promises.mkdir(path.dirname(target), { recursive: true });
		await fs.promises.rename(this.#stagePath(stageId), target);
	}

	async discardStaged(stageId: string): Promise<void> {
		await fs.promises.rm(this.#stagePath(stageId), { force: true });
	}

	async size(sha256: string): Promise<number | null> {
		try {
			return (await fs.promises.stat(this.#blobPath(sha256))).size;
		} catch (error) {
			if (missing(error)) return null;
			throw error;
		}
	}

	async *read(sha256: string): AsyncIterable<Uint8Array> {
		yield* fs.createReadStream(this.#blobPath(sha256));
	}

	async delete(sha256: string): Promise<void> {
		await fs.promises.rm(this.#blobPath(sha256), { force: true });
	}
}
