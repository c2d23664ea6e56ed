/**
 * The reactive face of one open meeting for the components: the current MeetingView,
 * the session status, who else is here (awareness), this device's identity and what
 * this person is looking at. Components read these fields and call the model's
 * operations on `doc`; nothing else writes the document.
 */
import * as Y from 'yjs';
import {
	MEETING_SCHEMA,
	MeetingError,
	admitHands,
	breakTime,
	createTextUndo,
	getItemNotes,
	itemTime,
	readLiveState,
	timePlan,
	readMeeting,
	observeMeeting,
	adoptConfidentialItems,
	attachConfidentialPart,
	watchOwnWrites,
	type MeetingView,
	type AgendaItemView,
	type BreakTime,
	type ItemTime,
	type TextUndo,
	type TimePlan
} from '$lib/meeting';
import { can, type Action } from '$lib/protocol/roles';
import { m } from '$lib/paraglide/messages.js';
import { DeviceFiles, deviceStore, type DeviceFilesStatus, type MeetingSession, type SessionStatus, type WantedFile } from '$lib/sync';
import { itemLabel } from './format';

const TYPING_TIMEOUT_MS = 3_000;
/** The room shows whole minutes: a tick every few seconds turns the minute over on time. */
const TICK_MS = 5_000;
const PLANNED_TICK_MS = 30_000;
/** How long after the last keystroke the view still stays on the item typed in when the chair moves on. */
export const FOLLOW_IDLE_MS = 4_000;
/** Distinct colours with at least 4.5:1 contrast against white text. */
const PRESENCE_COLOURS = ['#1d4e89', '#7a2e8e', '#a4161a', '#1e6b34', '#7a4d00', '#00606b', '#5a3e1b', '#3b3f99'];

/** Changes made on this device that wait for the server: items whose notes changed, decisions, other edits. */
export interface PendingWork {
	readonly notes: number;
	readonly decisions: number;
	readonly other: number;
}

/**
 * Which part of the meeting a changed shared type belongs to, from its keys below the
 * `items` root: `<item>/notes` is an item's notes, `<item>/decisions[/<decision>/…]` a
 * decision (for the decisions map itself, the decisions added or changed in it).
 */
/** Any shared type (Yjs types them by their event type). */
type SharedType = Y.AbstractType<any>;

function placesOf(type: SharedType, keysChanged: Set<string | null>): { kind: 'notes' | 'decision'; id: string }[] {
	const keys: string[] = [];
	let at: SharedType = type;
	while (at._item) {
		const key = at._item.parentSub;
		if (key === null) return [];
		keys.unshift(key);
		at = at._item.parent as SharedType;
	}
	if (at !== type.doc?.getMap('items')) return [];
	if (keys.length === 2 && keys[1] === 'notes') return [{ kind: 'notes', id: keys[0] }];
	if (keys.length === 2 && keys[1] === 'decisions') {
		return [...keysChanged].filter((k): k is string => k !== null).map((id) => ({ kind: 'decision' as const, id }));
	}
	if (keys.length >= 3 && keys[1] === 'decisions') return [{ kind: 'decision', id: keys[2] }];
	return [];
}

function refusalText(error: unknown): string {
	if (!(error instanceof MeetingError)) return m.room_refused_unknown();
	switch (error.code) {
		case 'INVALID_INPUT':
			return m.room_refused_input();
		case 'INVALID_STATE':
			return m.room_refused_state();
		case 'NOT_FOUND':
			return m.room_refused_not_found();
		case 'UNSUPPORTED_SCHEMA':
			return m.room_refused_newer();
		case 'NOT_INITIALISED':
		case 'ALREADY_INITIALISED':
			return m.room_refused_loading();
	}
}

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
	/** Wall clock for the running timer and the time plan; ticks while the meeting runs or is still to start. */
	now = $state(Date.now());
	/** The item whose editor has the focus on this device (notes, a decision's wording), if any. */
	editingItemId = $state<string | null>(null);
	/** The item this person last typed in, while that was less than FOLLOW_IDLE_MS ago. */
	recentlyTypedItemId = $state<string | null>(null);
	/**
	 * The item the view stays on while the chair is elsewhere: the one shown when this person
	 * began typing. Following the chair never swaps an editor under the caret.
	 */
	heldItemId = $state<string | null>(null);
	/** The browser's own online/offline signal: the room shows "offline" at once, not when the socket notices. */
	browserOnline = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
	/** The caret's last place in each item's notes on this device: a decision added next is placed there. */
	readonly notesCaret = new Map<string, number>();
	/** What this person changed that the server has not stored yet, in their terms. */
	pendingWork = $state.raw<PendingWork>({ notes: 0, decisions: 0, other: 0 });
	/** The meeting's handlingar on this device (null until the device's store is open, or where there is none). */
	files = $state.raw<DeviceFilesStatus | null>(null);
	/** Downloads the handlingar in the background and keeps the file cookie fresh. */
	deviceFiles: DeviceFiles | null = null;

	#unsubscribe: (() => void)[] = [];
	/** This person's undo history per item's notes; kept while the room is open, so it survives switching items or tabs. */
	#notesUndo = new Map<string, { text: Y.Text; undo: TextUndo }>();
	#typingTimer: ReturnType<typeof setTimeout> | null = null;
	#idleTimer: ReturnType<typeof setTimeout> | null = null;
	#pending = { notes: new Set<string>(), decisions: new Set<string>(), other: 0 };
	#tick: ReturnType<typeof setInterval> | null = null;
	#tickEvery = 0;
	#destroyed = false;
	/** The live flow as last announced; null until the meeting's state is known (loading announces nothing). */
	#liveSeen: MeetingView['live'] | null = null;

	/** The link's token, for calls to the HTTP API made from the room; null for a signed-in participant (cookie). */
	readonly token: string | null;

	constructor(session: MeetingSession, token: string | null) {
		this.session = session;
		this.token = token;
		this.doc = session.doc;
		// Before the first reading: a confidential item's content is read (and written) through the part.
		this.#unsubscribe.push(attachConfidentialPart(this.doc, session.confidential.doc, () => session.confidential.ready));
		this.view = readMeeting(this.doc);
		this.lastCurrentItemId = this.view.live.currentItemId;
		this.status = session.status;
		this.myParticipantId = globalThis.localStorage?.getItem(identityKey(session.meetingId)) ?? null;
		this.#unsubscribe.push(
			session.confidential.onSynced(() => this.#adoptConfidential()),
			session.subscribe((status) => {
				this.status = status;
				if (status.serverSynced) this.#adoptConfidential();
				if (status.pending === 0) this.#clearPendingWork();
				if (this.#liveSeen === null && (status.serverSynced || (status.localLoaded && status.connection === 'offline'))) {
					this.#liveSeen = this.view.live;
				}
			}),
			this.#countLocalWork(),
			this.#listenToNetwork(),
			observeMeeting(this.doc, (view) => {
				if (view.live.currentItemId) this.lastCurrentItemId = view.live.currentItemId;
				this.view = view;
				this.deviceFiles?.setFiles(this.#wantedFiles());
				this.#announceLive(view);
				// After the transaction that delivered the hand, not inside its observer.
				queueMicrotask(() => this.#admitHands());
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
		void this.#keepFiles();
	}

	/** Files this link may open, for the device's copy: a confidential item's only with documents.confidential. */
	#wantedFiles(): WantedFile[] {
		const mayConfidential = this.role !== null && can(this.role, 'documents.confidential');
		return this.view.agenda.flatMap((item) =>
			(item.attachments ?? []).map((file) => ({
				attachmentId: file.id,
				sha256: file.sha256,
				name: file.name,
				type: file.type,
				size: file.size,
				forbidden: Boolean(item.confidentialGround) && !mayConfidential
			}))
		);
	}

	async #keepFiles(): Promise<void> {
		const store = await deviceStore();
		if (!store || this.#destroyed) return;
		const files = new DeviceFiles({ meetingId: this.session.meetingId, token: this.token, store });
		this.deviceFiles = files;
		this.#unsubscribe.push(
			files.subscribe((status) => (this.files = status)),
			() => files.destroy(),
			// The role arrives with the server's answer (the files with the document: see the constructor).
			this.session.subscribe((status) => status.meeting && files.setFiles(this.#wantedFiles()))
		);
		files.setFiles(this.#wantedFiles());
	}

	/**
	 * A confidential item whose content is not in the confidential part yet (marked before the
	 * part existed, or on a device without it) is moved there by a device that runs the
	 * meeting, once both documents hold the server's state.
	 */
	#adoptConfidential(): void {
		if (!this.canRun || !this.status.serverSynced || !this.session.confidential.synced) return;
		this.act(() => adoptConfidentialItems(this.doc));
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

	/** Runs the speaker list and the votes: part of the record. */
	get mayRunFormal(): boolean {
		return this.canRun;
	}

	/**
	 * Raising a hand and voting for oneself: "is it me" — others only as the participant their
	 * link names (the server checks the key's participant id against it), runners for anyone.
	 */
	get mayActForSelf(): boolean {
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


	/** The person the link is for, else the one chosen on this device ("Vem är du?"). */
	get me() {
		const id = this.linkParticipantId ?? this.myParticipantId;
		return this.view.participants.find((p) => p.id === id) ?? null;
	}

	/** Who the events and remarks written from this device are by: the link's identity first. */
	get actingParticipantId(): string | null {
		return this.me?.id ?? null;
	}

	/** Typing now: an editor has the focus, or a keystroke came in the last few seconds. */
	get busyTyping(): boolean {
		return this.editingItemId !== null || this.recentlyTypedItemId !== null;
	}

	/** The item on screen: the chair's current item while following, else the chosen one. */
	get shownItemId(): string | null {
		const exists = (id: string | null): id is string => id !== null && this.view.agenda.some((item) => item.id === id);
		const current = this.view.live.currentItemId;
		if (this.following && exists(this.heldItemId)) return this.heldItemId;
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

	/** Spent against planned minutes of an item, in the room's one format (whole minutes). */
	itemTime(item: Pick<AgendaItemView, 'id' | 'plannedMinutes'>): ItemTime {
		return itemTime(this.spentMs(item.id), item.plannedMinutes);
	}

	/** The meeting's planned end against the planned minutes of the agenda still ahead. */
	get timePlan(): TimePlan {
		return timePlan(this.view, (itemId) => this.spentMs(itemId), new Date(this.now));
	}

	/** A running break's countdown, or null. */
	get breakTime(): BreakTime | null {
		const pause = this.view.live.onBreak ? this.view.live.breaks.at(-1) : undefined;
		return pause ? breakTime(pause, new Date(this.now)) : null;
	}

	announce(message: string): void {
		// Re-setting the same text would not be read again.
		this.announcement = this.announcement === message ? `${message}\u00a0` : message;
	}

	/**
	 * Runs a model operation; a refusal (bad input, state changed meanwhile) is shown, not
	 * thrown, in the interface's language with what to do (the model's own message is English, for developers).
	 */
	act<T>(operation: () => T): T | undefined {
		this.error = null;
		try {
			return operation();
		} catch (error) {
			this.error = refusalText(error);
			return undefined;
		}
	}

	/** Looks at another item than the chair's; stops following. */
	look(itemId: string): void {
		if (itemId === this.view.live.currentItemId) return this.follow();
		this.chosenItemId = itemId;
		this.following = false;
		this.heldItemId = null;
		this.editingItemId = null;
		this.publishPresence();
	}

	follow(): void {
		this.following = true;
		this.chosenItemId = null;
		this.heldItemId = null;
		this.editingItemId = null;
		this.publishPresence();
	}

	/** An editor of `itemId` got (true) or lost (false) the focus. */
	editing(itemId: string, focused: boolean): void {
		if (focused) this.editingItemId = itemId;
		else if (this.editingItemId === itemId) this.editingItemId = null;
		this.#updateHold();
	}

	/**
	 * The chair is on another item than the one this person is typing in ("Ordföranden är
	 * på punkt 3"), or null. The view follows by itself once they are idle.
	 */
	get chairElsewhere() {
		const current = this.currentItem;
		return this.following && this.heldItemId && current && current.id !== this.heldItemId ? current : null;
	}

	/**
	 * Keeps the view on the item being typed in while the chair moves, and lets it go once
	 * the person is idle (focus out of the editor and no keystroke for FOLLOW_IDLE_MS).
	 */
	#updateHold(): void {
		const typingIn = this.editingItemId ?? this.recentlyTypedItemId;
		if (!this.following) return;
		if (typingIn === null) {
			if (this.heldItemId !== null) {
				this.heldItemId = null;
				this.publishPresence();
			}
			return;
		}
		// Hold the item typed in if it is the one on screen (the chair's, or the last one shown while none is current).
		if (this.heldItemId === null && this.shownItemId === typingIn) this.heldItemId = typingIn;
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
		this.recentlyTypedItemId = itemId;
		this.#updateHold();
		if (this.#idleTimer) clearTimeout(this.#idleTimer);
		this.#idleTimer = setTimeout(() => {
			this.recentlyTypedItemId = null;
			this.#updateHold();
		}, FOLLOW_IDLE_MS);
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

	/**
	 * On the device of someone who runs the meeting: queue the hands this replica sees for the
	 * first time, so the speaker list follows the order hands reached the meeting. Writes only
	 * when a hand is new (no loop through the observer).
	 */
	#admitHands(): void {
		if (!this.mayRunFormal || this.#unsubscribe.length === 0) return;
		for (const itemId of new Set([this.view.live.currentItemId, this.shownItemId])) {
			if (itemId === null || !this.view.agenda.some((item) => item.id === itemId)) continue;
			try {
				admitHands(this.doc, itemId);
			} catch (error) {
				this.error = error instanceof Error ? error.message : String(error);
			}
		}
	}

	/**
	 * One polite announcement, on every device, when the meeting opens, the item changes, a
	 * break starts or ends, or the meeting closes, whoever did it. Typing never announces.
	 */
	#announceLive(view: MeetingView): void {
		const before = this.#liveSeen;
		if (before === null) return;
		const after = view.live;
		this.#liveSeen = after;
		const current = view.agenda.find((item) => item.id === after.currentItemId);
		const now = current ? itemLabel(current) : '';
		let message: string | null = null;
		if (before.status !== 'closed' && after.status === 'closed') message = m.day_announce_closed();
		else if (before.status === 'planned' && after.status !== 'planned') message = m.day_announce_opened({ item: now ? m.day_announce_item({ item: now }) : '' }).trim();
		else if (!before.onBreak && after.onBreak) message = m.day_announce_break();
		else if (before.onBreak && !after.onBreak) message = m.day_announce_break_ended({ item: now ? m.day_announce_item({ item: now }) : '' }).trim();
		else if (before.currentItemId !== after.currentItemId) message = now ? m.day_announce_item({ item: now }) : m.day_announce_no_item();
		if (message) this.announce(message);
	}

	/** Undo and redo of this person's own edits of an item's notes (Ctrl+Z takes back a word or phrase, never others' text). */
	notesUndo(itemId: string): TextUndo {
		// Marking an item confidential (or public again) moves its notes to another text: a new history.
		const text = getItemNotes(this.doc, itemId);
		const held = this.#notesUndo.get(itemId);
		if (held?.text === text) return held.undo;
		held?.undo.destroy();
		const undo = createTextUndo(text);
		this.#notesUndo.set(itemId, { text, undo });
		return undo;
	}

	destroy(): void {
		this.#destroyed = true;
		for (const { undo } of this.#notesUndo.values()) undo.destroy();
		this.#notesUndo.clear();
		for (const off of this.#unsubscribe) off();
		this.#unsubscribe = [];
		if (this.#typingTimer) clearTimeout(this.#typingTimer);
		if (this.#idleTimer) clearTimeout(this.#idleTimer);
		if (this.#tick) clearInterval(this.#tick);
		this.#tick = null;
	}

	/** Counts what this person changed, by what a person calls it: an item's notes, a decision, anything else. */
	#countLocalWork(): () => void {
		const handler = (transaction: Y.Transaction) => {
			if (!transaction.local || transaction.changed.size === 0) return;
			let counted = false;
			for (const [type, keys] of transaction.changed) {
				for (const place of placesOf(type, keys)) {
					(place.kind === 'notes' ? this.#pending.notes : this.#pending.decisions).add(place.id);
					counted = true;
				}
			}
			if (!counted) this.#pending.other++;
			this.pendingWork = { notes: this.#pending.notes.size, decisions: this.#pending.decisions.size, other: this.#pending.other };
		};
		this.doc.on('afterTransaction', handler);
		return () => this.doc.off('afterTransaction', handler);
	}

	#clearPendingWork(): void {
		if (this.#pending.notes.size === 0 && this.#pending.decisions.size === 0 && this.#pending.other === 0) return;
		this.#pending = { notes: new Set(), decisions: new Set(), other: 0 };
		this.pendingWork = { notes: 0, decisions: 0, other: 0 };
	}

	#listenToNetwork(): () => void {
		if (typeof window === 'undefined') return () => {};
		const online = () => (this.browserOnline = true);
		const offline = () => (this.browserOnline = false);
		window.addEventListener('online', online);
		window.addEventListener('offline', offline);
		return () => {
			window.removeEventListener('online', online);
			window.removeEventListener('offline', offline);
		};
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
		// A break ticks too: its countdown is shown to everyone.
		const running = (this.view.live.status === 'open' && this.view.live.currentItemId !== null) || this.view.live.status === 'paused';
		// Before the meeting the forecast ("dagordningen räcker till") moves with the clock once the start time has passed.
		const every = running ? TICK_MS : this.view.live.status === 'planned' ? PLANNED_TICK_MS : 0;
		if (every === this.#tickEvery) return;
		if (this.#tick) clearInterval(this.#tick);
		this.#tick = null;
		this.#tickEvery = every;
		this.now = Date.now();
		if (every > 0) this.#tick = setInterval(() => (this.now = Date.now()), every);
	}
}
