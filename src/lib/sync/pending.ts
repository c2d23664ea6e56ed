/**
 * Which local edits the server has not yet confirmed as durably stored.
 *
 * An edit that adds content is confirmed by clocks: the server's MESSAGE_SAVED
 * vectors are merged by maximum, and an edit is covered once its client's saved
 * clock reaches the end of the edit. Edits that only delete carry no clocks; they are
 * confirmed by order instead: the server acknowledges every update frame of a
 * connection once, in order, after storing it, so a deletion is covered once as many
 * acknowledgements arrived on its connection as update frames had been sent up to
 * and including the one that carried it. See docs/offline.md.
 */
import { reachOf } from '../protocol/updates.ts';

/** What the store keeps per client id so the count survives a reload. */
export interface PendingClientState {
	/** Clock ends of content edits not yet covered, ascending. */
	clocks: number[];
	/** Deletion-only edits not yet acknowledged. */
	deletes: number;
}

export type PendingSnapshot = Map<number, PendingClientState>;

/** Identifies one websocket and counts its update frames and acknowledgements. */
export class FrameCounter {
	/** Update frames (sync step 2 or update) sent so far. */
	sent = 0;
	/** MESSAGE_SAVED frames after the greeting, i.e. acknowledged update frames. */
	acknowledged = 0;
	greeted = false;
	/** Set when the server refused a frame without acknowledging it: order no longer proves anything. */
	unreliable = false;
}

interface DeleteEdit {
	client: number;
	/** The connection that carries it and the number of its frame, or null until it is sent. */
	frame: { counter: FrameCounter; seq: number } | null;
}

export class PendingEdits {
	readonly #saved = new Map<number, number>();
	readonly #clocks = new Map<number, number[]>();
	#deletes: DeleteEdit[] = [];
	#acknowledged = false;
	/** Clients whose entries changed since the last `takeChanges()`. */
	readonly #changed = new Set<number>();

	/** Number of local edits not yet confirmed. */
	get count(): number {
		let total = this.#deletes.length;
		for (const clocks of this.#clocks.values()) total += clocks.length;
		return total;
	}

	/** Whether the server ever confirmed anything for this meeting (on this device). */
	get acknowledged(): boolean {
		return this.#acknowledged;
	}

	get savedVector(): Map<number, number> {
		return new Map(this.#saved);
	}

	/** Restores what a previous page load left: the saved vector and the unconfirmed edits of its clients. */
	restore(saved: Map<number, number> | null, pending: PendingSnapshot): void {
		if (saved) {
			this.#acknowledged = true;
			this.#mergeSaved(saved);
		}
		for (const [client, state] of pending) {
			const known = this.#clocks.get(client) ?? [];
			this.#clocks.set(client, [...known, ...state.clocks].sort((a, b) => a - b));
			for (let i = 0; i < state.deletes; i++) this.#deletes.push({ client, frame: null });
			this.#changed.add(client);
		}
		this.#dropCovered();
	}

	/**
	 * Records a local update. `frame` is the frame that will carry it when it is sent
	 * on an open connection right away, or null when it waits for the next connection.
	 */
	addLocal(update: Uint8Array, client: number, frame: { counter: FrameCounter; seq: number } | null): void {
		const reach = reachOf(update);
		if (reach.size === 0) {
			this.#deletes.push({ client, frame });
			this.#changed.add(client);
			return;
		}
		for (const [owner, clock] of reach) {
			if (clock <= (this.#saved.get(owner) ?? 0)) continue;
			const clocks = this.#clocks.get(owner) ?? [];
			clocks.push(clock);
			// Local clocks only grow; sort only if a restored list interleaves.
			if (clocks.length > 1 && clocks[clocks.length - 2] > clock) clocks.sort((a, b) => a - b);
			this.#clocks.set(owner, clocks);
			this.#changed.add(owner);
		}
	}

	/** Merges a MESSAGE_SAVED state vector. */
	addSaved(saved: Map<number, number>): void {
		this.#acknowledged = true;
		this.#mergeSaved(saved);
		this.#dropCovered();
	}

	/**
	 * A connection sent its sync step 2: it carries every deletion of the document, so
	 * every deletion not already waiting on this connection now waits on this frame.
	 */
	sentSyncStep2(counter: FrameCounter, seq: number): void {
		for (const edit of this.#deletes) {
			if (edit.frame?.counter !== counter) edit.frame = { counter, seq };
		}
	}

	/** The connection's acknowledgement count grew: deletions carried by acknowledged frames are stored. */
	acknowledgedFrames(counter: FrameCounter): void {
		if (counter.unreliable) return;
		this.#deletes = this.#deletes.filter((edit) => {
			const done = edit.frame !== null && edit.frame.counter === counter && edit.frame.seq <= counter.acknowledged;
			if (done) this.#changed.add(edit.client);
			return !done;
		});
	}

	/** The state of every client changed since the last call (empty state = nothing pending), for persisting. */
	takeChanges(): PendingSnapshot {
		const changes: PendingSnapshot = new Map();
		for (const client of this.#changed) changes.set(client, this.#stateOf(client));
		this.#changed.clear();
		return changes;
	}

	#stateOf(client: number): PendingClientState {
		return {
			clocks: [...(this.#clocks.get(client) ?? [])],
			deletes: this.#deletes.filter((edit) => edit.client === client).length
		};
	}

	#mergeSaved(saved: Map<number, number>): void {
		for (const [client, clock] of saved) {
			if (clock > (this.#saved.get(client) ?? 0)) this.#saved.set(client, clock);
		}
	}

	#dropCovered(): void {
		for (const [client, clocks] of this.#clocks) {
			const saved = this.#saved.get(client) ?? 0;
			let covered = 0;
			while (covered < clocks.length && clocks[covered] <= saved) covered++;
			if (covered === 0) continue;
			this.#changed.add(client);
			if (covered === clocks.length) this.#clocks.delete(client);
			else this.#clocks.set(client, clocks.slice(covered));
		}
	}
}
