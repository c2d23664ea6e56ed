/**
 * The reactive face of one open meeting for the components: the current MeetingView,
 * the session status, who else is here (awareness), this device's identity and what
 * this person is looking at. Components read these fields and call the model's
 * operations on `doc`; nothing else writes the document.
 */
import type * as Y from 'yjs';
import { MEETING_SCHEMA, readLiveState, readMeeting, observeMeeting, watchOwnWrites, type MeetingView, type AgendaItemView } from '$lib/meeting';
import { can, type Action } from '$lib/protocol/roles';
import type { MeetingSession, SessionStatus } from '$lib/sync';

const TYPING_TIMEOUT_MS = 3_000;
/** Distinct colours with at least 4.5:1 contrast against white text. */
const PRESENCE_COLOURS = ['#1d4e89', '#7a2e8e', '#a4161a', '#1e6b34', '#7a4d00', '#00606b', '#5a3e1b', '#3b3f99'];

export interface Peer {
	clientId: number;
	name: string;
	colour: string;
	itemId: string | null;
	following: boolean;
	typingItemId: string | null;
	self: boolean;
}

interface AwarenessFields {
	name?: unknown;
	colour?: unknown;
	itemId?: unknown;
	following?: unknown;
	typingItemId?: unknown;
	/** Set by the server from the connection's invitation; a personal invitation's name wins over what the client says. */
	user?: { name?: unknown };
}

function text(value: unknown): string | null {
	return typeof value === 'string' && value.length > 0 ? value : null;
}

function identityKey(meetingId: string): string {
	return `motesrum:me:${meetingId}`;
}

export class MeetingState {
	readonly session: MeetingSession;
	readonly doc: Y.Doc;
	view = $state.raw<MeetingView>(undefined as unknown as MeetingView);
	status = $state.raw<SessionStatus>(undefined as unknown as SessionStatus);
	peers = $state.raw<Peer[]>([]);
	/** Which participant this device's user said they are (kept on the device only). */
	myParticipantId = $state<string | null>(null);
	/** Follow the chair's current item, or look at `chosenItemId`. */
	following = $state(true);
	chosenItemId = $state<string | null>(null);
	/** The chair's last current item: shown while no item is current (after tabling, during a gap). */
	lastCurrentItemId = $state<string | null>(null);
	/** Polite announcement for screen readers (moves, undo, navigation). */
	announcement = $state('');
	/** The last operation that failed, shown as an alert. */
	error = $state<string | null>(null);
	/** Wall clock for the running timer; ticks only while an item is current. */
	now = $state(Date.now());

	#unsubscribe: (() => void)[] = [];
	#typingTimer: ReturnType<typeof setTimeout> | null = null;
	#tick: ReturnType<typeof setInterval> | null = null;
	#tickEvery = 0;

	/** The link's token, for calls to the HTTP API made from the room. */
	readonly token: string;

	constructor(session: MeetingSession, token: string) {
		this.session = session;
		this.token = token;
		this.doc = session.doc;
		this.view = readMeeting(this.doc);
		this.lastCurrentItemId = this.view.live.currentItemId;
		this.status = session.status;
		this.myParticipantId = globalThis.localStorage?.getItem(identityKey(session.meetingId)) ?? null;
		this.#unsubscribe.push(
			session.subscribe((status) => (this.status = status)),
			observeMeeting(this.doc, (view) => {
				if (view.live.currentItemId) this.lastCurrentItemId = view.live.currentItemId;
				this.view = view;
				this.#updateTicking();
				// The chair moved on, or my participant's name changed: the others should see it.
				const presence = this.session.awareness.getLocalState() as AwarenessFields | null;
				if (presence?.itemId !== this.shownItemId || presence?.name !== (this.me?.name ?? null)) this.publishPresence();
			})
		);
		// The server refuses off-schema writes; in development a bug in our own writes fails where it is made.
		if (import.meta.env.DEV) this.#unsubscribe.push(watchOwnWrites(this.doc, MEETING_SCHEMA));
		const onAwareness = () => this.#readPeers();
		session.awareness.on('change', onAwareness);
		this.#unsubscribe.push(() => session.awareness.off('change', onAwareness));
		this.publishPresence();
		this.#updateTicking();
	}

	get role(): string | null {
		return this.status.meeting?.role ?? null;
	}

	/** Writes are possible: not an observer, not frozen, not refused. */
	get canEdit(): boolean {
		return this.view.initialised && !this.status.readOnly && this.status.error === null;
	}

	/** Whether the link's role may do `action`: the server's role table, which it enforces on every write. */
	may(action: Action): boolean {
		return this.canEdit && this.role !== null && can(this.role, action);
	}

	/** The record: chair controls, agenda, decisions, assignments, parking lot, roster. */
	get canRun(): boolean {
		return this.may('record.write');
	}

	/** The participant the link itself is for (a personal invitation), whatever this device chose to show. */
	get linkParticipantId(): string | null {
		return this.status.meeting?.participantId ?? null;
	}

	/** Checking `me` in: those who run the meeting check anyone in; others only themselves, as their link names them. */
	get canCheckIn(): boolean {
		const me = this.me;
		if (!me) return false;
		return this.canRun || (this.may('attendance.self') && me.id === this.linkParticipantId);
	}

	/** Writing an item's notes; a guest writes only in the items they attend or present (as the server checks). */
	canWriteNotes(item: AgendaItemView): boolean {
		if (!this.may('notes.write')) return false;
		if (this.role !== 'guest') return true;
		const id = this.linkParticipantId;
		if (id === null) return false;
		const guest = this.view.participants.find((p) => p.id === id);
		const parent = item.parentId ? this.view.agenda.find((i) => i.id === item.parentId) : null;
		const items = [item, ...(parent ? [parent] : [])];
		if (items.some((i) => i.presenters.some((p) => p.participantId === id))) return true;
		const scope = guest?.items ?? { scope: 'all' as const };
		if (scope.scope === 'all') return true;
		const listed = items.some((i) => scope.itemIds.includes(i.id));
		return scope.scope === 'only' ? listed : !listed;
	}

	/** The person chosen on this device, else the one a personal invitation is for. */
	get me() {
		const id = this.myParticipantId ?? this.status.meeting?.participantId ?? null;
		return this.view.participants.find((p) => p.id === id) ?? null;
	}

	/** The item on screen: the chair's current item while following, else the chosen one. */
	get shownItemId(): string | null {
		const exists = (id: string | null): id is string => id !== null && this.view.agenda.some((item) => item.id === id);
		const current = this.view.live.currentItemId;
		if (this.following && current) return current;
		if (!this.following && exists(this.chosenItemId)) return this.chosenItemId;
		if (exists(this.lastCurrentItemId)) return this.lastCurrentItemId;
		return current ?? this.view.agenda[0]?.id ?? null;
	}

	get shownItem(): AgendaItemView | null {
		const id = this.shownItemId;
		return this.view.agenda.find((item) => item.id === id) ?? null;
	}

	get currentItem(): AgendaItemView | null {
		const id = this.view.live.currentItemId;
		return this.view.agenda.find((item) => item.id === id) ?? null;
	}

	/** Time spent on an item, including the running part of the current one. */
	spentMs(itemId: string): number {
		if (itemId !== this.view.live.currentItemId || this.view.live.status !== 'open') {
			return this.view.agenda.find((item) => item.id === itemId)?.timeSpentMs ?? 0;
		}
		return readLiveState(this.doc, new Date(this.now)).timeSpentMs.get(itemId) ?? 0;
	}

	announce(message: string): void {
		// Re-setting the same text would not be read again.
		this.announcement = this.announcement === message ? `${message}\u00a0` : message;
	}

	/** Runs a model operation; a refusal (bad input, state changed meanwhile) is shown, not thrown. */
	act<T>(operation: () => T): T | undefined {
		this.error = null;
		try {
			return operation();
		} catch (error) {
			this.error = error instanceof Error ? error.message : String(error);
			return undefined;
		}
	}

	/** Looks at another item than the chair's; stops following. */
	look(itemId: string): void {
		if (itemId === this.view.live.currentItemId) return this.follow();
		this.chosenItemId = itemId;
		this.following = false;
		this.publishPresence();
	}

	follow(): void {
		this.following = true;
		this.chosenItemId = null;
		this.publishPresence();
	}

	setMe(participantId: string | null): void {
		this.myParticipantId = participantId;
		const storage = globalThis.localStorage;
		if (participantId) storage?.setItem(identityKey(this.session.meetingId), participantId);
		else storage?.removeItem(identityKey(this.session.meetingId));
		this.publishPresence();
	}

	/** Tells the others this person is typing in an item, for a few seconds. */
	typing(itemId: string): void {
		this.#setPresence({ typingItemId: itemId });
		if (this.#typingTimer) clearTimeout(this.#typingTimer);
		this.#typingTimer = setTimeout(() => this.#setPresence({ typingItemId: null }), TYPING_TIMEOUT_MS);
	}

	publishPresence(): void {
		const awareness = this.session.awareness;
		this.#setPresence({
			name: this.me?.name ?? null,
			colour: PRESENCE_COLOURS[awareness.clientID % PRESENCE_COLOURS.length],
			itemId: this.shownItemId,
			following: this.following
		});
	}

	/** Whether the timer should show seconds and tick each second (not with reduced motion). */
	tickSeconds = true;

	destroy(): void {
		for (const off of this.#unsubscribe) off();
		this.#unsubscribe = [];
		if (this.#typingTimer) clearTimeout(this.#typingTimer);
		if (this.#tick) clearInterval(this.#tick);
		this.#tick = null;
	}

	#setPresence(fields: AwarenessFields): void {
		const awareness = this.session.awareness;
		awareness.setLocalState({ ...(awareness.getLocalState() ?? {}), ...fields });
	}

	#readPeers(): void {
		const awareness = this.session.awareness;
		const peers: Peer[] = [];
		for (const [clientId, state] of awareness.getStates()) {
			const fields = state as AwarenessFields;
			peers.push({
				clientId,
				name: text(fields.user?.name) ?? text(fields.name) ?? '',
				colour: text(fields.colour) ?? PRESENCE_COLOURS[0],
				itemId: text(fields.itemId),
				following: fields.following !== false,
				typingItemId: text(fields.typingItemId),
				self: clientId === awareness.clientID
			});
		}
		peers.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name, 'sv') || a.clientId - b.clientId);
		this.peers = peers;
	}

	#updateTicking(): void {
		const running = this.view.live.status === 'open' && this.view.live.currentItemId !== null;
		const every = running ? (this.tickSeconds ? 1_000 : 30_000) : 0;
		if (every === this.#tickEvery) return;
		if (this.#tick) clearInterval(this.#tick);
		this.#tick = null;
		this.#tickEvery = every;
		this.now = Date.now();
		if (every > 0) this.#tick = setInterval(() => (this.now = Date.now()), every);
	}

	/** Called once with the user's motion preference. */
	setReducedMotion(reduced: boolean): void {
		this.tickSeconds = !reduced;
		this.#tickEvery = -1;
		this.#updateTicking();
	}
}
