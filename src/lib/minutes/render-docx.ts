/**
 * Minutes → DOCX (Word), with real heading styles (navigable, accessible), tab-aligned
 * header columns like the seeds, and the signature block as a borderless two-column
 * table. Runs in the browser (export works offline) and in Node (tests).
 */
import {
	BorderStyle,
	Document,
	ExternalHyperlink,
	HeadingLevel,
	Packer,
	Paragraph,
	Table,
	TableCell,
	TableRow,
	TabStopType,
	TextRun,
	WidthType,
	type ParagraphChild
} from 'docx';
import { signaturePersonText } from './render-text.js';
import type { ItemBlock, ListBlock, Minutes, MinutesBlock } from './types.js';

/** Twips (1/1440 inch): the label column and the name column of the header. */
const LABEL_TAB = 2000;
const NAME_TAB = 5000;
const NONE = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' };
const NO_BORDERS = { top: NONE, bottom: NONE, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE };

/** One paragraph whose lines are separated by line breaks. */
function multiline(texts: readonly string[], options: { bold?: boolean; italics?: boolean } = {}): ParagraphChild[] {
	return texts.flatMap((text, i) =>
		text.split('\n').map((line, j) => new TextRun({ text: line, break: i + j > 0 ? 1 : 0, ...options }))
	);
}

/**
 * Bullets use Word's bullet levels; numbered entries carry their number as text with a
 * hanging indent (a Word numbering definition would restart or continue unpredictably
 * across the many short lists of one document). Links stay links.
 */
function listParagraphs(list: ListBlock, level = 0): Paragraph[] {
	return list.items.flatMap((entry, i) => {
		const text = entry.url
			? [new ExternalHyperlink({ link: entry.url, children: [new TextRun({ text: entry.text, style: 'Hyperlink' })] })]
			: multiline([entry.text]);
		const paragraph = list.ordered
			? new Paragraph({ children: [new TextRun({ text: `${i + 1}.\t` }), ...text], indent: { left: 360 * (level + 1), hanging: 360 }, tabStops: [{ type: TabStopType.LEFT, position: 360 * (level + 1) }] })
			: new Paragraph({ children: text, bullet: { level } });
		return [paragraph, ...(entry.sublist ? listParagraphs(entry.sublist, level + 1) : [])];
	});
}

function blockParagraphs(block: ItemBlock): Paragraph[] {
	switch (block.type) {
		case 'paragraph':
			return [new Paragraph({ children: multiline(block.lines) })];
		case 'list':
			return listParagraphs(block);
		case 'heading':
			return [new Paragraph({ heading: HeadingLevel.HEADING_4, keepNext: true, children: [new TextRun(block.text)] })];
		case 'label':
			return [new Paragraph({ children: [new TextRun({ text: block.text, bold: true })], keepNext: true })];
		case 'flow':
			return [new Paragraph({ children: [new TextRun({ text: block.text, italics: true })] })];
		case 'decision':
			return [
				new Paragraph({
					children: [...(block.number ? [new TextRun({ text: `${block.number}\t` })] : []), ...multiline([block.text])],
					indent: block.number ? { left: 360, hanging: 360 } : undefined,
					tabStops: block.number ? [{ type: TabStopType.LEFT, position: 360 }] : undefined
				}),
				...(block.note ? [new Paragraph({ children: [new TextRun({ text: block.note })] })] : []),
				...block.remarks.map((remark) => new Paragraph({ children: [new TextRun({ text: remark })] }))
			];
		case 'assignment':
			return [
				new Paragraph({
					children: [
						...block.parts.flatMap((part, i) => [
							new TextRun({ text: `${i > 0 ? '  ' : ''}${part.label} `, bold: true }),
							new TextRun({ text: part.value })
						]),
						...(block.done ? [new TextRun({ text: ` ${block.done}` })] : [])
					]
				})
			];
	}
}

function bodyParagraphs(block: MinutesBlock): Paragraph[] {
	switch (block.type) {
		case 'item': {
			const heading = block.continuation
				? new Paragraph({ children: [new TextRun({ text: block.continuation, italics: true })], keepNext: true })
				: new Paragraph({
						heading: block.depth === 0 ? HeadingLevel.HEADING_2 : HeadingLevel.HEADING_3,
						keepNext: true,
						children: [new TextRun(`${block.number}. ${block.title}${block.kindNote ? ` ${block.kindNote}` : ''}`)]
					});
			return [heading, ...block.blocks.flatMap(blockParagraphs)];
		}
		case 'flow':
			return [new Paragraph({ children: [new TextRun({ text: block.text, italics: true })] })];
		case 'heading':
			return [new Paragraph({ heading: HeadingLevel.HEADING_2, keepNext: true, children: [new TextRun(block.text)] })];
		case 'section':
			return [
				new Paragraph({ heading: HeadingLevel.HEADING_2, keepNext: true, children: [new TextRun(block.title)] }),
				...block.blocks.flatMap(blockParagraphs)
			];
	}
}

function signatureTable(minutes: Minutes): Table {
	const rows = Math.max(1, ...minutes.signatures.map((c) => c.people.length));
	const cell = (children: Paragraph[]) =>
		new TableCell({ children, width: { size: 50, type: WidthType.PERCENTAGE }, borders: NO_BORDERS });
	return new Table({
		width: { size: 100, type: WidthType.PERCENTAGE },
		borders: NO_BORDERS,
		rows: [
			new TableRow({
				children: minutes.signatures.map((c) => cell([new Paragraph({ children: [new TextRun({ text: c.label, bold: true })] })]))
			}),
			...Array.from({ length: rows }, (_, i) =>
				new TableRow({
					children: minutes.signatures.map((c) => {
						const person = c.people[i];
						return cell([
							new Paragraph({
								spacing: { before: 480 },
								children: person ? multiline([signaturePersonText(person), ...(person.date ? [person.date] : [])]) : []
							})
						]);
					})
				})
			)
		]
	});
}

export function minutesToDocx(minutes: Minutes): Document {
	const header: Paragraph[] = [
		new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(minutes.heading)] }),
		...minutes.fields.map(
			(f) =>
				new Paragraph({
					tabStops: [{ type: TabStopType.LEFT, position: LABEL_TAB }],
					children: [new TextRun({ text: f.label, bold: true }), new TextRun({ text: `\t${f.value}` })]
				})
		),
		...minutes.notices.map((n) => new Paragraph({ children: [new TextRun({ text: n, italics: true })] })),
		...minutes.participants.flatMap((group) =>
			group.people.map(
				(person, i) =>
					new Paragraph({
						spacing: i === 0 ? { before: 200 } : undefined,
						tabStops: [
							{ type: TabStopType.LEFT, position: LABEL_TAB },
							{ type: TabStopType.LEFT, position: NAME_TAB }
						],
						children: [
							new TextRun({ text: i === 0 ? group.label : '', bold: true }),
							new TextRun({ text: `\t${person.name}\t${person.details}` })
						]
					})
			)
		)
	];
	const closing = (block: Minutes['seal'] | undefined) =>
		block
			? [
					new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(block.heading)] }),
					...block.lines.map((line) => new Paragraph({ children: [new TextRun(line)] }))
				]
			: [];
	const seal = [...closing(minutes.seal), ...closing(minutes.notice)];
	return new Document({
		creator: 'Mötesrum',
		title: minutes.heading,
		styles: {
			default: {
				document: { run: { font: 'Arial', size: 22, language: { value: minutes.locale === 'sv' ? 'sv-SE' : 'en-GB' } } }
			}
		},
		sections: [
			{
				// A4 with 2.5 cm margins, as the printed view.
				properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 1418, bottom: 1418, left: 1418, right: 1418 } } },
				children: [
					...header,
					...minutes.body.flatMap((block) => [new Paragraph({ children: [] }), ...bodyParagraphs(block)]),
					new Paragraph({ children: [], spacing: { before: 480 } }),
					signatureTable(minutes),
					...seal
				]
			}
		]
	});
}

/** The .docx file's bytes (browser and Node). */
export async function renderDocx(minutes: Minutes): Promise<Uint8Array> {
	return new Uint8Array(await Packer.toArrayBuffer(minutesToDocx(minutes)));
}

