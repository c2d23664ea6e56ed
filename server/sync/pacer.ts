/**
 * Runs a task at most once per interval: the first call after a quiet interval runs it at
 * the end of the current event-loop turn (so everything of that turn goes together), later
 * calls within the interval run it once when the interval is over. The room paces its
 * presence broadcast with it. Imports nothing; imported by server/sync/room.ts.
 */
export class Pacer {
	readonly #intervalMs: () => number;
	readonly #task: () => void;
	#last = -Infinity;
	#immediate: NodeJS.Immediate | null = null;
	#timer: NodeJS.Timeout | null = null;

	/** `intervalMs` is read at every schedule, so it may follow the load (e.g. a meeting's size). */
	constructor(intervalMs: number | (() => number), task: () => void) {
		this.#intervalMs = typeof intervalMs === 'number' ? () => intervalMs : intervalMs;
		this.#task = task;
	}

	schedule(): void {
		if (this.#immediate || this.#timer) return;
		const wait = this.#last + this.#intervalMs() - performance.now();
		if (wait <= 0) this.#immediate = setImmediate(this.#run);
		else this.#timer = setTimeout(this.#run, wait);
	}

	cancel(): void {
		if (this.#immediate) clearImmediate(this.#immediate);
		if (this.#timer) clearTimeout(this.#timer);
		this.#immediate = null;
		this.#timer = null;
	}

	#run = (): void => {
		this.#immediate = null;
		this.#timer = null;
		this.#last = performance.now();
		this.#task();
	};
}
