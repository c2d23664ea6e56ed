/**
 * Minutes → plain text, laid out like the seeds: label and name columns in the header,
 * numbered item headings, "Beslut" blocks, and the two signature columns at the end.
 */
import type { ItemBlock, ItemSection, ListBlock, ListEntry, Minutes, MinutesBlock, SignatureColumn, SignaturePerson } from './types.js';

function pad(text: string, width: number): string {
	return text + ' '.repeat(Math.max(1, width - text.length));
}

/** A multi-line text under a prefix, continuation lines aligned with the first. */
function prefixed(prefix: string, text: string): string[] {
	return text.split('\n').map((line, i) => (i === 0 ? prefix : ' '.repeat(prefix.length)) + line);
}

/** "Uppdrag: … Ansvarig: … Klart: …" on one line. */
export function assignmentLine(block: Extract<ItemBlock, { type: 'assignment' }>): string {
	const text = block.parts.map((part) => `${part.label} ${part.value}`).join('  ');
	return block.done ? `${text} ${block.done}` : text;
}

export function signaturePersonText(person: SignaturePerson): string {
	return person.role ? `${person.name}, ${person.role}` : person.name;
}

/** A list entry's text, with its link after it in angle brackets when it has one. */
export function entryText(entry: ListEntry): string {
	return entry.url ? `${entry.text} <${entry.url}>` : entry.text;
}

/** "- " or "1. " per entry, nested lists indented two spaces per level. */
function listLines(list: ListBlock, depth = 0): string[] {
	const indent = '  '.repeat(depth);
	return list.items.flatMap((entry, i) => [
		...prefixed(`${indent}${list.ordered ? `${i + 1}. ` : '- '}`, entryText(entry)),
		...(entry.sublist ? listLines(entry.sublist, depth + 1) : [])
	]);
}

function blockLines(block: ItemBlock): string[] {
	switch (block.type) {
		case 'paragraph':
			return [...block.lines];
		case 'list':
			return listLines(block);
		case 'heading':
		case 'label':
		case 'flow':
			return [block.text];
		case 'decision':
			return [
				...prefixed(block.number ? `${block.number} ` : '', block.text),
				...(block.note ? ['', block.note] : []),
				...block.remarks
			];
		case 'assignment':
			return [assignmentLine(block)];
	}
}

function itemLines(section: ItemSection): string[] {
	const heading = section.continuation ?? `${section.number}. ${section.title}${section.kindNote ? ` ${section.kindNote}` : ''}`;
	return [heading, ...section.blocks.flatMap((block) => ['', ...blockLines(block)])];
}

function bodyLines(block: MinutesBlock): string[] {
	switch (block.type) {
		case 'item':
			return itemLines(block);
		case 'flow':
		case 'heading':
			return [block.text];
		case 'section':
			return [block.title, ...block.blocks.flatMap((b) => ['', ...blockLines(b)])];
	}
}

function signatureLines(columns: readonly SignatureColumn[]): string[] {
	const width =
		Math.max(...columns.map((c) => Math.max(c.label.length, ...c.people.map((p) => signaturePersonText(p).length)))) + 6;
	const rows = Math.max(1, ...columns.map((c) => c.people.length));
	const row = (cell: (column: SignatureColumn) => string) => columns.map((c) => pad(cell(c), width)).join('').trimEnd();
	const lines = [row((c) => c.label), ''];
	for (let i = 0; i < rows; i++) {
		lines.push(row((c) => (c.people[i] ? signaturePersonText(c.people[i]) : '')));
		const dates = row((c) => c.people[i]?.date ?? '');
		if (dates) lines.push(dates);
	}
	return lines;
}

export function renderText(minutes: Minutes): string {
	const out: string[] = [minutes.heading, ''];
	const labelWidth = Math.max(0, ...minutes.fields.map((f) => f.label.length), ...minutes.participants.map((g) => g.label.length)) + 2;
	for (const field of minutes.fields) out.push(pad(field.label, labelWidth) + field.value);
	if (minutes.notices.length > 0) out.push('', ...minutes.notices);
	for (const group of minutes.participants) {
		out.push('');
		const nameWidth = Math.max(...group.people.map((p) => p.name.length)) + 2;
		group.people.forEach((person, i) => {
			out.push((pad(i === 0 ? group.label : '', labelWidth) + pad(person.name, nameWidth) + person.details).trimEnd());
		});
	}
	for (const block of minutes.body) out.push('', '', ...bodyLines(block));
	out.push('', '', ...signatureLines(minutes.signatures));
	if (minutes.seal) out.push('', '', minutes.seal.heading, '', ...minutes.seal.lines);
	if (minutes.notice) out.push('', '', minutes.notice.heading, '', ...minutes.notice.lines);
	return out.join('\n') + '\n';
}
