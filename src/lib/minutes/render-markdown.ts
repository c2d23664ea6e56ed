/**
 * Minutes → Markdown (CommonMark). All text from the document is escaped, so a note
 * such as "*Södertälje kommun deltar inte …" stays a literal asterisk, not emphasis.
 */
import { signaturePersonText } from './render-text.js';
import type { ItemBlock, ListBlock, Minutes, MinutesBlock } from './types.js';

/** Escapes what CommonMark would read as markup, anywhere and at the start of a line. */
export function escapeMarkdown(text: string): string {
	return text
		.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`)
		.replace(/^(\s*)([#+=-])/gm, '$1\\$2')
		.replace(/^(\s*\d+)([.)])/gm, '$1\\$2');
}

/** Lines joined with hard breaks (a trailing backslash). */
function lines(texts: readonly string[]): string {
	return texts.map(escapeMarkdown).join('\\\n');
}

/** A link's address as CommonMark accepts it: in angle brackets, with the few characters that would end it escaped. */
function linkTarget(url: string): string {
	return `<${url.replace(/[<>\\]/g, (c) => encodeURIComponent(c))}>`;
}

function list(b: ListBlock, depth = 0): string {
	const indent = '   '.repeat(depth);
	return b.items
		.map((entry, i) => {
			const marker = b.ordered ? `${i + 1}.` : '-';
			const text = escapeMarkdown(entry.text).replace(/\n/g, `\\\n${indent}   `);
			const line = `${indent}${marker} ${entry.url ? `[${text}](${linkTarget(entry.url)})` : text}`;
			return entry.sublist ? `${line}\n${list(entry.sublist, depth + 1)}` : line;
		})
		.join('\n');
}

function block(b: ItemBlock): string {
	switch (b.type) {
		case 'paragraph':
			return lines(b.lines);
		case 'list':
			return list(b);
		case 'heading':
			return `#### ${escapeMarkdown(b.text)}`;
		case 'label':
			return `**${escapeMarkdown(b.text)}**`;
		case 'flow':
			return `*${escapeMarkdown(b.text)}*`;
		case 'decision': {
			const text = lines(b.text.split('\n'));
			const parts = [b.number ? `${escapeMarkdown(b.number)} ${text}` : text];
			if (b.note) parts.push(escapeMarkdown(b.note));
			parts.push(...b.remarks.map(escapeMarkdown));
			return parts.join('\n\n');
		}
		case 'assignment':
			return b.parts.map((p) => `**${escapeMarkdown(p.label)}** ${escapeMarkdown(p.value)}`).join(' ') +
				(b.done ? ` ${escapeMarkdown(b.done)}` : '');
	}
}

function bodyBlock(b: MinutesBlock): string {
	switch (b.type) {
		case 'item': {
			const heading = b.continuation
				? `*${escapeMarkdown(b.continuation)}*`
				: `${b.depth === 0 ? '##' : '###'} ${escapeMarkdown(`${b.number}. ${b.title}`)}${b.kindNote ? ` ${escapeMarkdown(b.kindNote)}` : ''}`;
			return [heading, ...b.blocks.map(block)].join('\n\n');
		}
		case 'flow':
			return `*${escapeMarkdown(b.text)}*`;
		case 'heading':
			return `## ${escapeMarkdown(b.text)}`;
		case 'section':
			return [`## ${escapeMarkdown(b.title)}`, ...b.blocks.map(block)].join('\n\n');
	}
}

/** The signature block as a table: the labels side by side, as the seeds print them. */
function signatureTable(minutes: Minutes): string {
	const columns = minutes.signatures;
	const rows = Math.max(1, ...columns.map((c) => c.people.length));
	const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
	return [
		row(columns.map((c) => escapeMarkdown(c.label))),
		row(columns.map(() => '---')),
		...Array.from({ length: rows }, (_, i) =>
			row(
				columns.map((c) => {
					const person = c.people[i];
					return person ? escapeMarkdown(signaturePersonText(person)) + (person.date ? ` ${person.date}` : '') : ' ';
				})
			)
		)
	].join('\n');
}

export function renderMarkdown(minutes: Minutes): string {
	const parts: string[] = [`# ${escapeMarkdown(minutes.heading)}`];
	if (minutes.fields.length > 0) {
		parts.push(minutes.fields.map((f) => `**${escapeMarkdown(f.label)}** ${escapeMarkdown(f.value)}`).join('\\\n'));
	}
	parts.push(...minutes.notices.map((n) => `*${escapeMarkdown(n)}*`));
	for (const group of minutes.participants) {
		parts.push(
			`**${escapeMarkdown(group.label)}**`,
			group.people.map((p) => `- ${escapeMarkdown(p.name)}${p.details ? ` ${escapeMarkdown(p.details)}` : ''}`).join('\n')
		);
	}
	parts.push(...minutes.body.map(bodyBlock));
	parts.push(signatureTable(minutes));
	if (minutes.seal) parts.push(`## ${escapeMarkdown(minutes.seal.heading)}`, lines(minutes.seal.lines));
	if (minutes.notice) parts.push(`## ${escapeMarkdown(minutes.notice.heading)}`, lines(minutes.notice.lines.filter(Boolean)));
	return parts.join('\n\n') + '\n';
}
