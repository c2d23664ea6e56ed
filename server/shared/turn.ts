/**
 * The end of an event-loop turn, shared by the storage and the sockets, in three steps run by
 * one setImmediate:
 *
 * 1. commit: the document appends made during the turn are committed as one transaction
 *    (`storage/batched-appends.ts`);
 * 2. release: frames held until those appends were stored are handed to their sockets
 *    (`sync/room.ts`: an update is forwarded in the turn it arrives, but its bytes wait here);
 * 3. uncork: every socket corked during the turn writes what it was sent, in one syscall.
 *
 * So a turn's frames leave the process only after the turn's appends are committed: with
 * SQLite (synchronous) within the same turn, with PostgreSQL once its commit has resolved.
 * Steps 2 and 3 of a turn without appends run at once. A socket corked in several turns that
 * are still waiting for their commits stays corked until the last of them is done (cork counts).
 */
import type { Socket } from 'node:net';

interface Turn {
	commits: (() => Promise<void>)[];
	releases: (() => void)[];
	sockets: Set<Socket>;
}

let open: Turn | null = null;
/** The turn whose release step runs now: sockets corked by a release join its uncork. */
let releasing: Turn | null = null;

/** The turn collecting work; a commit or release asked for while one is released goes to the next. */
function current(): Turn {
	if (!open) {
		open = { commits: [], releases: [], sockets: new Set() };
		setImmediate(end);
	}
	return open;
}

function end(): void {
	const turn = open as Turn;
	open = null;
	if (turn.commits.length === 0) {
		finish(turn);
		return;
	}
	// Commit steps never reject (each append carries its own outcome); finish either way.
	void Promise.allSettled(turn.commits.map((commit) => commit())).then(() => finish(turn));
}

function finish(turn: Turn): void {
	releasing = turn;
	// A release that throws (a bug) must not keep the other rooms' frames or the sockets back: it is rethrown after.
	let failure: unknown = null;
	for (const release of turn.releases) {
		try {
			release();
		} catch (error) {
			failure ??= error;
		}
	}
	releasing = null;
	for (const socket of turn.sockets) socket.uncork();
	if (failure !== null) throw failure;
}

/** Runs `commit` at the end of this turn, before its frames are released. */
export function commitAtTurnEnd(commit: () => Promise<void>): void {
	current().commits.push(commit);
}

/** Runs `release` at the end of this turn, once its commits have resolved. */
export function releaseAtTurnEnd(release: () => void): void {
	current().releases.push(release);
}

/** Corks `socket` until the end of this turn (once per turn however often it is sent to). */
export function corkForTurn(socket: Socket): void {
	const turn = releasing ?? current();
	if (turn.sockets.has(socket)) return;
	socket.cork();
	turn.sockets.add(socket);
}
