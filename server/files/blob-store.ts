/**
 * Where the bytes of handlingar live: content-addressed blobs (named by the SHA-256 of their
 * bytes), written through a staging area so an upload can arrive in several requests and be
 * resumed. Bytes are streamed in and out; no implementation holds a whole file in memory.
 *
 * Implementations: `FsBlobStore` (files in the data directory, the embedded default) and
 * `PostgresBlobStore` (chunked rows, for several instances). An S3-compatible store fits the
 * same shape (staging as a multipart upload, `promote` as a copy to the hash's key).
 * The contract suite is tests/integration/file-store-contract.ts.
 */

export class BlobLimitError extends Error {
	constructor(readonly limit: number) {
		super(`more than ${limit} bytes`);
	}
}

export class BlobOffsetError extends Error {
	constructor(readonly actual: number) {
		super(`staged data ends at ${actual}`);
	}
}

export interface BlobStore {
	init(): Promise<void>;
	close(): Promise<void>;

	/** Bytes staged under `stageId` so far (0 when nothing is). */
	stagedLength(stageId: string): Promise<number>;
	/**
	 * Appends `body` to the staged bytes, which must end at `offset` (else BlobOffsetError with
	 * where they end). What arrives before `body` fails or ends is kept, so an interrupted
	 * request can be resumed. Past `limit` total bytes it throws BlobLimitError; the caller
	 * then discards the stage. Resolves with the new length.
	 */
	append(stageId: string, offset: number, body: AsyncIterable<Uint8Array>, limit: number): Promise<number>;
	readStaged(stageId: string): AsyncIterable<Uint8Array>;
	/**
	 * Makes the staged bytes the blob `sha256` (the caller hashed them), or drops them when
	 * that blob exists already. Callers hold the hash's lock (FileCatalog.withHashLock).
	 */
	promote(stageId: string, sha256: string): Promise<void>;
	discardStaged(stageId: string): Promise<void>;

	/** The blob's size, or null when there is no such blob. */
	size(sha256: string): Promise<number | null>;
	read(sha256: string): AsyncIterable<Uint8Array>;
	/** Removes the blob (nothing when absent). Callers hold the hash's lock. */
	delete(sha256: string): Promise<void>;
}
