/**
 * Helpers for the access tests: invitations over the API, stock y-websocket clients
 * that also record the server's notices, and a meeting prepared through the domain
 * model by its organiser.
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { MESSAGE_NOTICE, type Notice, readNotice } from '../../src/lib/protocol/index.ts';
import { addItem, addParticipant, initMeeting, openMeeting, startItem, schemaVersionOf, setHeader } from '../../src/lib/meeting/index.ts';
import { type Client, connectClient, waitFor } from './helpers.ts';

export interface AccessClient extends Client {
	notices: Notice[];
}

export function connectWithNotices(origin: string, meetingId: string, token: string): AccessClient {
	const client = connectClient(origin, meetingId, token) as AccessClient;
	client.notices = [];
	client.provider.messageHandlers[MESSAGE_NOTICE] = (_encoder: unknown, decoder: decoding.Decoder) => {
		client.notices.push(readNotice(decoder));
	};
	return client;
}

export interface Invitation {
	invitationId: string;
	token: string;
	url: string;
}

export async function invite(
	origin: string,
	meeting: { id: string; token: string },
	body: { name: string; role: string; participantId?: string }
): Promise<Invitation> {
	const res = await fetch(`${origin}/api/meetings/${meeting.id}/invitations`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${meeting.token}` },
		body: JSON.stringify(body)
	});
	if (res.status !== 201) throw new Error(`invite: ${res.status} ${await res.text()}`);
	return (await res.json()) as Invitation;
}

export interface PreparedMeeting {
	participantId: string;
	item1: string;
	item2: string;
}

/** Through the organiser's client: a meeting with one participant and two items, opened with item 1 current unless `planned`. */
export async function prepareMeeting(organiser: Client, options: { planned?: boolean } = {}): Promise<PreparedMeeting> {
	await organiser.synced();
	const doc = organiser.doc;
	// createMeeting already wrote the sample meeting (one item); this adds to it.
	if (schemaVersionOf(doc) === null) initMeeting(doc, { title: 'Ledningsgrupp', date: '2023-06-09' });
	else setHeader(doc, { date: '2023-06-09' });
	const participantId = addParticipant(doc, { name: 'Anna Andersson', role: 'member' });
	const item1 = addItem(doc, { title: 'Välkommen' });
	const item2 = addItem(doc, { title: 'Övriga frågor' });
	if (!options.planned) {
		openMeeting(doc);
		startItem(doc, item1);
	}
	await waitFor(() => organiser.allSaved(), 'organiser setup saved');
	return { participantId, item1, item2 };
}

/** JSON with object keys sorted: maps list their keys in the order their entries arrived, which differs by replica. */
function sortedJson(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) =>
		v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v
	);
}

/** The doc's full state as one comparable string (for "nothing changed" checks). */
export function stateOf(doc: Y.Doc): string {
	return sortedJson({
		meta: doc.getMap('meta').toJSON(),
		header: doc.getMap('header').toJSON(),
		participants: doc.getMap('participants').toJSON(),
		items: doc.getMap('items').toJSON(),
		parkingLot: doc.getMap('parkingLot').toJSON(),
		events: doc.getArray('events').toJSON()
	});
}
