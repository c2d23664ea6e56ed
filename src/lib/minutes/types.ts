/**
 * The structured minutes: what the renderers (Svelte view, Markdown, plain text, DOCX)
 * draw. Every string is plain text, never markup: a renderer escapes for its own format,
 * and Svelte's text interpolation is already safe.
 */
import type { MeetingKind, ParticipantRole } from '../meeting/index.js';
import type { NoticeRecord } from './notice.js';

export type MinutesLocale = 'sv' | 'en';

/** "Magnus Gyllestad" + "Haninge, ordförande": the seed lays these out in two columns. */
export interface PersonLine {
	readonly name: string;
	readonly details: string;
}

export interface ParticipantGroup {
	/** "Närvarande", "Frånvarande:", "Övriga deltagare". */
	readonly label: string;
	readonly people: readonly PersonLine[];
}

/** One entry of a list: its text (continuation lines after "\n"), a link, and a nested list. */
export interface ListEntry {
	readonly text: string;
	/** A supporting document's address: exports keep it as a link. */
	readonly url: string | null;
	readonly sublist: ListBlock | null;
}

export interface ListBlock {
	readonly type: 'list';
	/** Numbered 1., 2., … instead of bullets. */
	readonly ordered: boolean;
	readonly items: readonly ListEntry[];
}

/** A piece of an item's content, in reading order. */
export type ItemBlock =
	| { readonly type: 'paragraph'; readonly lines: readonly string[] }
	| ListBlock
	/** A sub-heading the secretary wrote in the notes ("# Diskussion"). */
	| { readonly type: 'heading'; readonly text: string }
	/** "Beslut", "Underlag", "Parkerade frågor". */
	| { readonly type: 'label'; readonly text: string }
	| {
			readonly type: 'decision';
			/** "1)" when the item has several decisions; null for a single one (as the seeds print it). */
			readonly number: string | null;
			readonly text: string;
			/** Footnote, e.g. "*Södertälje kommun deltar inte i beslutet ovan." */
			readonly note: string | null;
			/** Reservation (dissent) and jäv sentences. */
			readonly remarks: readonly string[];
	  }
	/** "Uppdrag: … Ansvarig: … Klart: …": labelled parts in order, and "(utfört)" once done. */
	| {
			readonly type: 'assignment';
			readonly parts: readonly { readonly label: string; readonly value: string }[];
			readonly done: string | null;
	  }
	/** A sentence the live flow produced: "Denna punkt hanns inte med under mötet." */
	| { readonly type: 'flow'; readonly text: string };

/** One stretch of time an item was handled (an item suspended and resumed has two). */
export interface ItemSection {
	readonly type: 'item';
	readonly itemId: string;
	readonly number: string;
	readonly depth: 0 | 1;
	readonly title: string;
	/** "(beslutspunkt)" or null. */
	readonly kindNote: string | null;
	/** Set for a later stretch of the same item: the sentence shown instead of the heading ("Punkt 7 återupptas."). */
	readonly continuation: string | null;
	readonly blocks: readonly ItemBlock[];
}

export type MinutesBlock =
	| ItemSection
	/** A heading between items, e.g. over the sub-items one organisation raised. */
	| { readonly type: 'heading'; readonly text: string }
	/** A sentence between items: "Kort paus.", "Mötet bryts för punkt 9 på agendan.", the closing words. */
	| { readonly type: 'flow'; readonly text: string }
	| { readonly type: 'section'; readonly title: string; readonly blocks: readonly ItemBlock[] };

export interface SignaturePerson {
	readonly name: string;
	/** "ordförande" for the chair in a protokoll. */
	readonly role: string | null;
	/** YYYY-MM-DD once this person approved. */
	readonly date: string | null;
}

export interface SignatureColumn {
	/** "Vid anteckningarna", "Justeras" / "Justerat". */
	readonly label: string;
	readonly people: readonly SignaturePerson[];
}

export interface Minutes {
	readonly locale: MinutesLocale;
	readonly kind: MeetingKind | 'extract';
	/** "Minnesanteckningar från" / "Protokoll från" / "Protokollsutdrag från". */
	readonly kindLine: string;
	/** The group, or the meeting title when there is no group. */
	readonly group: string;
	/** The document's heading on one line: "Minnesanteckningar från <group>", or the meeting's own wording. */
	readonly heading: string;
	/** "Tid" and "Plats", in order. */
	readonly fields: readonly { readonly label: string; readonly value: string }[];
	/** Version links and similar notices shown under the header. */
	readonly notices: readonly string[];
	readonly participants: readonly ParticipantGroup[];
	readonly body: readonly MinutesBlock[];
	readonly signatures: readonly SignatureColumn[];
	/** The approval record (fingerprint, approvers, times) once there is one. */
	readonly seal: { readonly heading: string; readonly lines: readonly string[] } | null;
	/** "Bevis om anslag" once the approved minutes' notice is recorded (formal.ts). */
	readonly notice?: { readonly heading: string; readonly lines: readonly string[] } | null;
}

/** One approval of the minutes, as the server records it. */
export interface ApprovalEntry {
	readonly participantId: string | null;
	readonly name: string;
	readonly role: Extract<ParticipantRole, 'adjuster' | 'chair' | 'secretary'>;
	/** ISO time. */
	readonly at: string;
}

/** What the server knows about the minutes' approval (GET /api/meetings/:id/minutes/approval). */
export interface ApprovalState {
	readonly ready: ApprovalEntry | null;
	readonly approvals: readonly ApprovalEntry[];
	/** Who still has to approve (participant ids and names from the document). */
	readonly pending: readonly { readonly participantId: string; readonly name: string; readonly role: 'adjuster' | 'chair' }[];
	readonly frozenAt: string | null;
	readonly approvedAt: string | null;
	/** SHA-256 hex of the canonical export, once approved. */
	readonly fingerprint: string | null;
	readonly previousVersionId: string | null;
	readonly nextVersionId: string | null;
}

export interface MinutesOptions {
	locale?: MinutesLocale;
	approval?: ApprovalState | null;
	/** The id of the meeting this one corrects (from the document header or the server). */
	previousVersionId?: string | null;
	/** The public version (offentlig): confidential items print their title and legal ground only. */
	publicVersion?: boolean;
	/** The recorded notice of the approved minutes (anslag), from GET /api/meetings/:id/minutes/notice. */
	notice?: NoticeRecord | null;
	/** The address of an uploaded file (handlingar), for links in print, Markdown and DOCX; names only without it. */
	fileUrl?: (attachmentId: string) => string;
}
