/**
 * Asks the server whether this token still opens this meeting, and which epoch the
 * meeting has, before a local copy is sent anywhere.
 */
import type { MeetingAccess } from '../protocol/api.ts';
import { ApiError, createApiClient } from '../protocol/client.ts';

/** What the session keeps of GET /api/meetings/:id (the local copy stores the same). */
export type MeetingInfo = Pick<MeetingAccess, 'id' | 'title' | 'epoch' | 'frozenAt' | 'role'> & Partial<Pick<MeetingAccess, 'participantId'>>;

export type MeetingCheck =
	| { kind: 'ok'; info: MeetingInfo }
	/** 401/403: the token is wrong or was revoked. */
	| { kind: 'access-lost' }
	/** 404 (or a malformed id): the meeting does not exist, or was deleted. */
	| { kind: 'not-found' }
	/** No answer that says anything about the meeting: offline, server down, 5xx. */
	| { kind: 'unreachable' };

export async function checkMeeting(
	origin: string,
	meetingId: string,
	/** Null for a signed-in participant without a link: the session cookie speaks for them. */
	token: string | null,
	fetchImpl: typeof fetch = globalThis.fetch
): Promise<MeetingCheck> {
	try {
		return { kind: 'ok', info: await createApiClient({ origin, fetch: fetchImpl })('meeting', { params: { id: meetingId }, token }) };
	} catch (error) {
		if (!(error instanceof ApiError)) return { kind: 'unreachable' };
		if (error.status === 401 || error.status === 403) return { kind: 'access-lost' };
		if (error.status === 404 || error.status === 400) return { kind: 'not-found' };
		return { kind: 'unreachable' };
	}
}

const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/**
 * Asks again and again until the server answers: one question at a time, retried with
 * backoff (1 s doubling to 30 s) and at once when the browser says it is online again.
 */
export class ServerCheck {
	readonly #ask: () => Promise<MeetingCheck>;
	readonly #answered: (check: MeetingCheck) => void;
	#asking = false;
	#timer: ReturnType<typeof setTimeout> | null = null;
	#delay = RETRY_MIN_MS;
	#stopped = false;

	/** `answered` gets every answer, 'unreachable' included; it calls `retryLater()` when it wants another try. */
	constructor(ask: () => Promise<MeetingCheck>, answered: (check: MeetingCheck) => void) {
		this.#ask = ask;
		this.#answered = answered;
	}

	async run(): Promise<void> {
		if (this.#stopped || this.#asking) return;
		this.#asking = true;
		let check: MeetingCheck;
		try {
			check = await this.#ask();
		} finally {
			this.#asking = false;
		}
		if (this.#stopped) return;
		if (check.kind === 'ok') this.#delay = RETRY_MIN_MS;
		this.#answered(check);
	}

	retryLater(): void {
		if (this.#timer || this.#stopped) return;
		globalThis.addEventListener?.('online', this.#onOnline);
		this.#timer = setTimeout(() => {
			this.#timer = null;
			void this.run();
		}, this.#delay);
		this.#delay = Math.min(this.#delay * 2, RETRY_MAX_MS);
	}

	stop(): void {
		this.#stopped = true;
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		globalThis.removeEventListener?.('online', this.#onOnline);
	}

	#onOnline = (): void => {
		if (this.#timer) clearTimeout(this.#timer);
		this.#timer = null;
		this.#delay = RETRY_MIN_MS;
		void this.run();
	};
}
