/**
 * The group page's state: the group's document and the documents of its meetings, each
 * a MeetingSession (device copy first, then the server), and what is derived from them.
 * Everything derived is computed from the documents on the device, so the page reads
 * the same offline.
 */
import * as Y from 'yjs';
import { fetchGroup } from '$lib/api/groups';
import {
	deriveMatters,
	readGroup,
	registerMeeting,
	type GroupMatter,
	type GroupMeetingDoc,
	type GroupMeetingRef,
	type GroupView
} from '$lib/groups';
import { MeetingSession, type SessionStatus } from '$lib/sync';

export class GroupState {
	readonly groupId: string;
	readonly token: string;
	readonly session: MeetingSession;
	#meetings = new Map<string, MeetingSession>();
	/** Bumped on every change of any document, so the derived values recompute. */
	#version = $state(0);
	status = $state<SessionStatus | null>(null);
	/** The server's answer about the group (role), when it was reachable. */
	role = $state<string | null>(null);
	/** The server's list; read-only members cannot copy it into the group document. */
	#serverMeetings = $state<GroupMeetingRef[]>([]);
	#unsubscribe: () => void;
	#destroyed = false;

	constructor(groupId: string, token: string) {
		this.groupId = groupId;
		this.token = token;
		this.session = new MeetingSession({ meetingId: groupId, token, origin: location.origin });
		this.session.doc.on('update', this.#bump);
		this.#unsubscribe = this.session.subscribe((status) => {
			const cameOnline = status.connection === 'online' && this.status?.connection !== 'online';
			this.status = status;
			if (cameOnline) void this.refresh();
		});
		void this.session.ready.then(() => this.#openMeetings());
		addEventListener('online', this.#onNetwork);
		addEventListener('offline', this.#onNetwork);
	}

	#bump = () => {
		this.#version++;
		this.#openMeetings();
	};

	get group(): GroupView {
		void this.#version;
		return readGroup(this.session.doc);
	}

	/** The browser's own view too: an open websocket can outlive the network going away. */
	#networkUp = $state(typeof navigator === 'undefined' ? true : navigator.onLine);

	get online(): boolean {
		return this.#networkUp && this.status?.connection === 'online';
	}

	get connection(): 'online' | 'offline' | 'connecting' {
		if (!this.#networkUp) return 'offline';
		return this.status?.connection ?? 'connecting';
	}

	#onNetwork = () => {
		this.#networkUp = navigator.onLine;
	};

	get readOnly(): boolean {
		return this.status?.readOnly ?? false;
	}

	/** The group's meetings in sequence order: the group document's list and the server's. */
	get meetings(): GroupMeetingRef[] {
		const byId = new Map(this.#serverMeetings.map((m) => [m.id, m]));
		for (const m of this.group.meetings) byId.set(m.id, m);
		return [...byId.values()].sort((a, b) => a.sequence - b.sequence);
	}

	/** The meeting documents on this device (loaded or loading), in sequence order. */
	get meetingDocs(): GroupMeetingDoc[] {
		void this.#version;
		return this.meetings.flatMap((ref) => {
			const session = this.#meetings.get(ref.id);
			return session ? [{ id: ref.id, sequence: ref.sequence, doc: session.doc }] : [];
		});
	}

	get matters(): GroupMatter[] {
		void this.#version;
		return deriveMatters(this.meetingDocs, this.group);
	}

	/** Asks the server for the group's meetings and records any the group document lacks. */
	async refresh(): Promise<void> {
		try {
			const info = await fetchGroup(this.groupId, this.token);
			this.role = info.role;
			await this.session.ready;
			if (this.#destroyed || !this.group.initialised) return;
			for (const meeting of info.meetings) this.addMeeting(meeting);
		} catch {
			// Offline or unreachable: the group document on the device is what we show.
		}
	}

	addMeeting(meeting: GroupMeetingRef): void {
		const ref = { id: meeting.id, sequence: meeting.sequence, title: meeting.title, date: meeting.date, createdAt: meeting.createdAt };
		if (!this.#serverMeetings.some((m) => m.id === ref.id)) this.#serverMeetings = [...this.#serverMeetings, ref];
		if (!this.readOnly) registerMeeting(this.session.doc, ref);
		this.#openMeetings();
	}

	#openMeetings(): void {
		if (this.#destroyed) return;
		const ids = [...readGroup(this.session.doc).meetings.map((m) => m.id), ...this.#serverMeetings.map((m) => m.id)];
		for (const id of ids) {
			if (this.#meetings.has(id)) continue;
			const session = new MeetingSession({ meetingId: id, token: this.token, origin: location.origin });
			session.doc.on('update', () => this.#version++);
			this.#meetings.set(id, session);
		}
	}

	/** Documents of the meetings, for search on the device. */
	docs(): { id: string; doc: Y.Doc }[] {
		return [...this.#meetings].map(([id, session]) => ({ id, doc: session.doc }));
	}

	async destroy(): Promise<void> {
		this.#destroyed = true;
		removeEventListener('online', this.#onNetwork);
		removeEventListener('offline', this.#onNetwork);
		this.#unsubscribe();
		this.session.doc.off('update', this.#bump);
		await Promise.all([this.session.destroy(), ...[...this.#meetings.values()].map((s) => s.destroy())]);
		this.#meetings.clear();
	}
}
