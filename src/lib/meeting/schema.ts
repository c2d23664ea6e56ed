/**
 * The meeting document's schema: for every root and every path, the Yjs type, the keys, the
 * value types and bounds, and who may write it (`WriteScope`). It is the same layout that
 * docs/meeting-schema.md describes and the operations in this folder write; change all three
 * together. The server refuses any update that does not fit it (server/sync), and the app's
 * own writes are checked against it in development and tests.
 */
import type { DocumentSchema, FieldSpec, KeySpec, NodeSpec, ValueSpec } from './schema-language.js';
import {
	ATTENDANCES,
	DECISION_NUMBERINGS,
	ITEM_KINDS,
	MEETING_KINDS,
	PARTICIPANT_ROLES,
	PARTICIPANT_SECTIONS,
	ASSIGNMENT_STATUSES,
	REMOTE_MARKINGS,
	SEATS
} from './types.js';
import { LIMITS } from './validate.js';
import { MAX_ATTACHMENT_BYTES, MEDIA_TYPE, SHA256_HEX } from './attachment-format.js';

/** Entity ids: 16 URL-safe characters (ids.ts). */
export const ENTITY_ID: KeySpec = { name: 'an entity id', pattern: /^[A-Za-z0-9_-]{16}$/ };
/** Meeting (and group) ids: 22 URL-safe characters (src/lib/protocol). */
export const MEETING_ID: KeySpec = { name: 'a meeting id', pattern: /^[A-Za-z0-9_-]{22}$/ };
/** A carried matter: `kind:originMeetingId:sourceId` (outstanding.ts). */
export const OUTSTANDING_KEY: KeySpec = { name: 'an outstanding key', pattern: /^(tabled|assignment):[A-Za-z0-9_-]{1,64}:[A-Za-z0-9_-]{1,64}$/ };
/** "Beslutet ska skickas till": keyed by the lower-cased name. */
const RECIPIENT_KEY: KeySpec = { name: 'a recipient name', pattern: /^[^\u0000-\u001f]{1,500}$/u };
/**
 * Formal procedure: `<itemId or roundId>:<participantId>` (formal-doc.ts). Hands and ballots
 * keyed so are written by that participant; the server's rule for that is still to come, so
 * they are runner-only here until then (docs/meeting-schema.md, "Formal procedure").
 */
export const PAIR_KEY: KeySpec = { name: 'an id pair', pattern: /^[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{16}$/ };

/** The longest break one can plan ("Kort paus" is minutes; lunch is at most a few hours). */
export const BREAK_MAX_MINUTES = 240;

export const EVENT_TYPES = [
	'meeting_opened',
	'item_started',
	'item_completed',
	'item_suspended',
	'item_resumed',
	'item_tabled',
	'item_not_reached',
	'break_started',
	'break_ended',
	'meeting_closed'
] as const;

const id: ValueSpec = { t: 'key', key: ENTITY_ID };
const idOrNull: ValueSpec = { t: 'key', key: ENTITY_ID, nullable: true };
const time: ValueSpec = { t: 'time' };
const timeOrNull: ValueSpec = { t: 'time', nullable: true };
const order: ValueSpec = { t: 'order' };
const name: ValueSpec = { t: 'string', max: LIMITS.name, nonEmpty: true };
const title: ValueSpec = { t: 'string', max: LIMITS.title, nonEmpty: true };
const shortOrNull: ValueSpec = { t: 'string', max: LIMITS.title, nullable: true };
const textOrNull: ValueSpec = { t: 'string', max: LIMITS.shortText, nullable: true };
const dateOrNull: ValueSpec = { t: 'date', nullable: true };
const clockOrNull: ValueSpec = { t: 'clock', nullable: true };

const personRef: ValueSpec = {
	t: 'oneOf',
	options: [
		{ t: 'object', fields: { participantId: { t: 'string', max: LIMITS.name, nonEmpty: true } } },
		{ t: 'object', fields: { name: title } }
	]
};

const destination: ValueSpec = {
	t: 'tagged',
	tag: 'kind',
	variants: {
		next_meeting: {},
		unspecified: {},
		// `time` only with a date ("torsdagen den 3 december kl 19.00"); absent in older entries.
		extra_meeting: { date: dateOrNull, time: clockOrNull },
		date: { date: { t: 'date' }, time: clockOrNull }
	}
};

const itemScope: ValueSpec = {
	t: 'tagged',
	tag: 'scope',
	variants: {
		all: {},
		only: { itemIds: { t: 'list', of: id, max: LIMITS.list } },
		except: { itemIds: { t: 'list', of: id, max: LIMITS.list } }
	}
};

const eventRecord: ValueSpec = {
	t: 'object',
	fields: {
		id,
		type: { t: 'enum', values: EVENT_TYPES },
		at: time,
		by: { t: 'string', max: LIMITS.name, nullable: true },
		itemId: idOrNull,
		fromItemId: idOrNull,
		forItemId: idOrNull,
		via: { t: 'enum', values: ['goto', 'next', 'previous'], nullable: true },
		parkingEntryId: idOrNull,
		note: textOrNull,
		// break_started only, and only when given: older logs have no such key.
		minutes: { t: 'int', min: 1, max: BREAK_MAX_MINUTES }
	}
};

/** A Yjs item id in a relative position: a client id and a clock. */
const yjsId: ValueSpec = {
	t: 'object',
	fields: { client: { t: 'int', min: 0, max: Number.MAX_SAFE_INTEGER }, clock: { t: 'int', min: 0, max: Number.MAX_SAFE_INTEGER } }
};

/** A decision's place in its item's notes: `Y.relativePositionToJSON` (anchors.ts). */
const notesAnchor: ValueSpec = {
	t: 'object',
	nullable: true,
	fields: { type: yjsId, tname: { t: 'string', max: LIMITS.name }, item: yjsId, assoc: { t: 'int', min: -1, max: 1 } }
};

const value = (spec: ValueSpec, write?: FieldSpec['write']): FieldSpec => ({ value: spec, write });
const node = (spec: NodeSpec): FieldSpec => ({ node: spec });

/** Tombstoned entities share these keys. */
const entityKeys = {
	order: value(order),
	createdAt: value(time),
	deletedAt: value(timeOrNull)
};

const decision: NodeSpec = {
	y: 'map',
	fields: {
		text: node({ y: 'text', max: LIMITS.longText }),
		note: value(textOrNull),
		notesAnchor: value(notesAnchor),
		...entityKeys,
		reservations: node({
			y: 'values',
			key: ENTITY_ID,
			of: { t: 'object', fields: { who: personRef, text: { t: 'string', max: LIMITS.longText, nullable: true }, at: time } }
		}),
		conflicts: node({ y: 'values', key: ENTITY_ID, of: { t: 'object', fields: { who: personRef, note: textOrNull, at: time } } })
	}
};

const assignment: NodeSpec = {
	y: 'map',
	fields: {
		text: value({ t: 'string', max: LIMITS.shortText, nonEmpty: true }),
		owner: value({ ...personRef, nullable: true }),
		dueDate: value(dateOrNull),
		dueText: value(shortOrNull),
		status: value({ t: 'enum', values: ASSIGNMENT_STATUSES }),
		doneAt: value(timeOrNull),
		...entityKeys
	}
};

/**
 * What an item says beyond its title: for a confidential item it lives in the meeting's
 * confidential part (CONFIDENTIAL_SCHEMA), never in the meeting document (docs/security.md).
 */
const itemContent = {
	// Everyone who co-edits notes writes in the text; only runners replace the text itself.
	notes: node({ y: 'text', max: LIMITS.longText, write: 'notes' }),
	decisions: node({ y: 'entities', key: ENTITY_ID, of: decision }),
	assignments: node({ y: 'entities', key: ENTITY_ID, of: assignment }),
	documents: node({
		y: 'values',
		key: ENTITY_ID,
		of: { t: 'object', fields: { title, url: { t: 'url', schemes: ['http:', 'https:'], max: LIMITS.shortText }, order } }
	})
} satisfies Record<string, FieldSpec>;

/** The keys of an item that hold its content (moved into the confidential part when the item is marked). */
export const ITEM_CONTENT_KEYS = Object.keys(itemContent) as readonly (keyof typeof itemContent)[];

const item: NodeSpec = {
	y: 'map',
	fields: {
		title: value(title),
		heading: value(shortOrNull),
		decisionNumbering: value({ t: 'enum', values: DECISION_NUMBERINGS, nullable: true }),
		parentId: value(idOrNull),
		kind: value({ t: 'enum', values: ITEM_KINDS, nullable: true }),
		plannedMinutes: value({ t: 'int', min: 0, max: 24 * 60, nullable: true }),
		presenters: value({ t: 'list', of: personRef, max: LIMITS.list }),
		guests: value({ t: 'list', of: personRef, max: LIMITS.list }),
		...itemContent,
		extractRecipients: node({ y: 'values', key: RECIPIENT_KEY, of: { t: 'object', fields: { name: title, addedAt: time } } }),
		confidentialGround: value({ t: 'string', max: 200, nonEmpty: true, nullable: true }),
		speakingLimitSeconds: value({ t: 'int', min: 10, max: 3_600, nullable: true }),
		...entityKeys
	}
};

const participant: NodeSpec = {
	y: 'map',
	fields: {
		name: value(name),
		organisation: value(shortOrNull),
		title: value(shortOrNull),
		email: value({ t: 'string', max: LIMITS.name, nullable: true }),
		role: value({ t: 'enum', values: PARTICIPANT_ROLES }),
		section: value({ t: 'enum', values: PARTICIPANT_SECTIONS }),
		// A participant checks themself in; everything else about them is the runners'.
		attendance: value({ t: 'enum', values: ATTENDANCES }, 'self'),
		checkedIn: value({ t: 'boolean' }, 'self'),
		checkedInAt: value(timeOrNull, 'self'),
		items: value(itemScope),
		seat: value({ t: 'enum', values: SEATS, nullable: true }),
		serving: value({ t: 'boolean' }),
		...entityKeys
	}
};

const parkingEntry: NodeSpec = {
	y: 'map',
	fields: {
		kind: value({ t: 'enum', values: ['tabled_item', 'question'] }),
		itemId: value(idOrNull),
		sourceItemId: value(idOrNull),
		text: value({ t: 'string', max: LIMITS.shortText }),
		reason: value(textOrNull),
		destination: value(destination),
		createdAt: value(time),
		resolvedAt: value(timeOrNull),
		resolution: value(textOrNull),
		deletedAt: value(timeOrNull),
		// Shared by the entries of one "rest of the agenda" tabling.
		batchId: value(idOrNull)
	}
};

const outstandingOrigin: ValueSpec = {
	t: 'object',
	fields: {
		kind: { t: 'enum', values: ['tabled', 'assignment'] },
		meetingId: { t: 'string', max: 64, nonEmpty: true },
		meetingTitle: { t: 'string', max: LIMITS.title },
		meetingDate: dateOrNull,
		meetingSequence: { t: 'int', min: 1, max: 1_000_000, nullable: true },
		itemNumber: { t: 'string', max: 16 },
		itemTitle: { t: 'string', max: LIMITS.title },
		sourceId: { t: 'string', max: 64, nonEmpty: true },
		text: { t: 'string', max: LIMITS.shortText },
		owner: { t: 'object', nullable: true, fields: { name: { t: 'string', max: LIMITS.title }, organisation: shortOrNull } },
		dueDate: dateOrNull,
		dueText: shortOrNull
	}
};

const speechKind: ValueSpec = { t: 'enum', values: ['speak', 'reply'] };
const tallyCount: ValueSpec = { t: 'int', min: 0, max: LIMITS.list };

/** Formal procedure (speakers.ts, votes.ts, quorum.ts): flat top-level roots of plain values. */
const formalRoots: Record<string, NodeSpec> = {
	// Keyed `<itemId>:<participantId>`: a participant raises and lowers their own hand.
	hands: { y: 'values', key: PAIR_KEY, write: 'self', of: { t: 'object', fields: { raised: { t: 'boolean' }, kind: speechKind, at: time } } },
	speakerQueue: {
		y: 'values',
		key: PAIR_KEY,
		of: { t: 'object', nullable: true, fields: { handAt: timeOrNull, kind: speechKind, requested: speechKind, order, queuedAt: time } }
	},
	speeches: {
		y: 'values',
		key: ENTITY_ID,
		of: {
			t: 'object',
			fields: {
				itemId: id,
				participantId: id,
				kind: speechKind,
				handAt: timeOrNull,
				startedAt: time,
				endedAt: timeOrNull,
				limitSeconds: { t: 'int', min: 10, max: 3_600, nullable: true }
			}
		}
	},
	propositions: {
		y: 'values',
		key: ENTITY_ID,
		of: {
			t: 'object',
			fields: {
				itemId: id,
				kind: { t: 'enum', values: ['original', 'motion'] },
				label: shortOrNull,
				text: { t: 'string', max: LIMITS.longText, nonEmpty: true },
				mover: { ...personRef, nullable: true },
				order,
				createdAt: time,
				deletedAt: timeOrNull
			}
		}
	},
	votes: {
		y: 'values',
		key: ENTITY_ID,
		of: {
			t: 'object',
			fields: {
				itemId: id,
				propositionIds: { t: 'list', of: id, max: LIMITS.list },
				acclamationWinnerId: idOrNull,
				method: { t: 'enum', values: ['acclamation', 'open', 'closed'] },
				yesPropositionId: idOrNull,
				noPropositionId: idOrNull,
				status: { t: 'enum', values: ['open', 'closed'] },
				voters: { t: 'list', of: id, max: LIMITS.list },
				winnerPropositionId: idOrNull,
				tieBreak: { t: 'enum', values: ['casting', 'lot'], nullable: true },
				decisionId: idOrNull,
				createdAt: time,
				closedAt: timeOrNull,
				deletedAt: timeOrNull
			}
		}
	},
	// Keyed `<roundId>:<participantId>`: a voter casts their own ballot, once, while the (open, named) vote is open
	// (write-rules.ts). A secret vote's ballots never come here: see secretVoted.
	ballots: {
		y: 'values',
		key: PAIR_KEY,
		write: 'self',
		of: { t: 'object', fields: { choice: { t: 'enum', values: ['yes', 'no', 'abstain'] }, at: time, recordedBy: idOrNull } }
	},
	itemConflicts: { y: 'values', key: PAIR_KEY, of: { t: 'object', nullable: true, fields: { note: textOrNull, at: time } } },
	// Secret (sluten) votes are cast through the server (server/votes), which stores only who has voted
	// and the running count: no client writes here, the server does.
	// `<roundId>:<participantId>` → true: this voter has voted (never how).
	secretVoted: { y: 'values', key: PAIR_KEY, write: 'never', of: { t: 'boolean' } },
	// `<roundId>` → the count, written when the vote is closed.
	secretTallies: {
		y: 'values',
		key: ENTITY_ID,
		write: 'never',
		of: { t: 'object', fields: { yes: tallyCount, no: tallyCount, abstain: tallyCount } }
	}
};

/**
 * The formal roots that say what an item's propositions and votes are: for a confidential item
 * they live in the confidential part (confidential.ts `voteDocOf`), never in the meeting document.
 */
export const VOTE_ROOT_KEYS = ['propositions', 'votes', 'ballots', 'secretVoted', 'secretTallies'] as const;

/** Handlingar (attachments.ts): what describes each uploaded file, never its bytes; written by those who run the meeting. */
const attachmentsRoot: NodeSpec = {
	y: 'values',
	key: ENTITY_ID,
	write: 'run',
	of: {
		t: 'object',
		fields: {
			itemId: id,
			name: title,
			sha256: { t: 'key', key: { name: 'a SHA-256 in hex', pattern: SHA256_HEX } },
			size: { t: 'int', min: 0, max: MAX_ATTACHMENT_BYTES },
			type: { t: 'key', key: { name: 'a media type', pattern: MEDIA_TYPE } },
			order,
			uploadedAt: time,
			replacedBy: idOrNull,
			deletedAt: timeOrNull
		}
	}
};

/**
 * The flat roots whose entries belong to one item — the speaker list (hands, queue, speeches),
 * jäv for the item, the files listed under it, and its propositions and votes (VOTE_ROOT_KEYS).
 * For a confidential item they live in the confidential part (confidential.ts `itemDocOf`),
 * never in the meeting document. How an entry names its item: `ITEM_ROOT_ENTRY`.
 */
export const ITEM_ROOT_KEYS = ['hands', 'speakerQueue', 'speeches', 'itemConflicts', 'attachments', ...VOTE_ROOT_KEYS] as const;
export type ItemRootKey = (typeof ITEM_ROOT_KEYS)[number];

/**
 * How an entry of an item root names its item: by its key `<itemId>:<participantId>`, by its
 * value's `itemId`, or through its round (`<roundId>:<participantId>` or `<roundId>`), whose
 * value names the item.
 */
export const ITEM_ROOT_ENTRY: Record<ItemRootKey, 'key' | 'value' | 'round-pair' | 'round'> = {
	hands: 'key',
	speakerQueue: 'key',
	itemConflicts: 'key',
	speeches: 'value',
	attachments: 'value',
	propositions: 'value',
	votes: 'value',
	ballots: 'round-pair',
	secretVoted: 'round-pair',
	secretTallies: 'round'
};

export const MEETING_SCHEMA: DocumentSchema = {
	name: 'meeting',
	write: 'run',
	roots: {
		meta: { y: 'map', fields: { schemaVersion: value({ t: 'int', min: 1, max: 1_000 }), createdAt: value(time) } },
		header: {
			y: 'map',
			fields: {
				title: value(title),
				groupName: value(shortOrNull),
				kind: value({ t: 'enum', values: MEETING_KINDS }),
				date: value(dateOrNull),
				startTime: value(clockOrNull),
				endTime: value(clockOrNull),
				place: value(shortOrNull),
				meetingLink: value({ t: 'url', schemes: ['http:', 'https:'], max: LIMITS.shortText, nullable: true }),
				nextMeetingDate: value(dateOrNull),
				nextMeetingTime: value(clockOrNull),
				nextMeetingPlace: value(shortOrNull),
				nextMeetingNote: value(textOrNull),
				remoteMarking: value({ t: 'enum', values: REMOTE_MARKINGS, nullable: true }),
				openingClosing: value({ t: 'oneOf', options: [{ t: 'boolean' }], nullable: true }),
				minutesHeading: value(shortOrNull),
				previousVersionId: value({ t: 'key', key: MEETING_ID, nullable: true })
			}
		},
		participants: { y: 'entities', key: ENTITY_ID, of: participant },
		items: { y: 'entities', key: ENTITY_ID, of: item },
		parkingLot: { y: 'entities', key: ENTITY_ID, of: parkingEntry },
		events: { y: 'log', of: eventRecord, max: 100_000 },
		groupLink: {
			y: 'map',
			fields: {
				groupId: value({ t: 'key', key: MEETING_ID }),
				sequence: value({ t: 'int', min: 1, max: 1_000_000 }),
				outstandingItemId: value(idOrNull),
				nextMeetingItemId: value(idOrNull)
			}
		},
		outstanding: {
			y: 'entities',
			key: OUTSTANDING_KEY,
			of: {
				y: 'map',
				fields: {
					origin: value(outstandingOrigin),
					itemId: value(idOrNull),
					status: value({ t: 'enum', values: ['open', 'done'] }),
					closedAt: value(timeOrNull),
					resolution: value(textOrNull),
					carriedAt: value(time),
					position: value({ t: 'int', min: 0, max: 100_000 })
				}
			}
		},
		...formalRoots,
		attachments: attachmentsRoot
	}
};

/**
 * A meeting's confidential part: a document of its own, sent only to connections whose role
 * may read confidential items (`confidential.read`), holding the content of each confidential
 * item under the item's id, and its entries of the item roots (ITEM_ROOT_KEYS). Same places
 * and write scopes as in the meeting document.
 */
export const CONFIDENTIAL_SCHEMA: DocumentSchema = {
	name: 'confidential',
	write: 'run',
	roots: {
		items: { y: 'entities', key: ENTITY_ID, of: { y: 'map', fields: itemContent } },
		// A confidential item's speaker list, jäv, files, propositions and decision rounds, with the same keys and
		// specs as in the meeting document (ITEM_ROOT_KEYS).
		...Object.fromEntries(ITEM_ROOT_KEYS.map((key) => [key, key === 'attachments' ? attachmentsRoot : formalRoots[key]]))
	}
};
