// Edits JSON text in place: only the members whose value changes are rewritten, so every other byte of
// a user's file (layout, key order, numbers such as 1.0 or 20-digit integers) stays as it was. A parse
// and re-serialize would rewrite all of those. jsonc-parser supplies the syntax tree with offsets; its
// `modify` is not used because its formatter rewrites the neighbouring lines' whitespace, and without it
// new members land on one line and removing a first member joins two lines.
import { type Node, parseTree } from 'jsonc-parser';

interface Edit {
  offset: number;
  length: number;
  content: string;
}

interface Layout {
  text: string;
  eol: string;
  /** One level of indentation ('' for a minified file). */
  unit: string;
}

type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Structural equality of JSON values; key order alone is no change, a member set to undefined is absent. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]))
    );
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = (o: JsonObject) => Object.keys(o).filter((k) => o[k] !== undefined);
  const ka = keys(a);
  return ka.length === keys(b).length && ka.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]));
}

/** The keys an object node names more than once (JSON.parse keeps the last, the docker CLI merges them). */
export function duplicateKeys(node: Node | undefined): string[] {
  const seen = new Set<string>();
  const dups = new Set<string>();
  for (const prop of node?.type === 'object' ? (node.children ?? []) : []) {
    const key = String(prop.children?.[0]?.value);
    if (seen.has(key)) dups.add(key);
    seen.add(key);
  }
  return [...dups];
}

export function jsonTree(text: string): Node | undefined {
  return parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
}

/**
 * `text` (a JSON document) changed so that its value is `to`: members that are equal keep their bytes,
 * removed members go with their separator, new ones are laid out like their neighbours. An empty document
 * is written the way the docker CLI writes its config (tab-indented).
 */
export function editJson(text: string, to: unknown): string {
  const root = text.trim() === '' ? undefined : jsonTree(text);
  if (root === undefined) return `${JSON.stringify(to, null, '\t')}\n`;
  const layout: Layout = {
    text,
    eol: text.includes('\r\n') ? '\r\n' : '\n',
    // Nothing to go by in a document with no indented line: docker's tab when it is empty, else minified.
    unit: /\n([ \t]+)\S/.exec(text)?.[1] ?? (root.children?.length ? '' : '\t'),
  };
  const edits: Edit[] = [];
  diff(root, JSON.parse(text), to, layout, edits);
  return applyEdits(text, edits);
}

function diff(node: Node, from: unknown, to: unknown, layout: Layout, edits: Edit[]): void {
  if (sameJson(from, to)) return;
  if (node.type === 'object' && isObject(from) && isObject(to) && duplicateKeys(node).length === 0) {
    editObject(node, from, to, layout, edits);
    return;
  }
  const indent = lineIndent(layout.text, node.offset);
  edits.push({ offset: node.offset, length: node.length, content: serialize(to, indent, layout) });
}

function editObject(node: Node, from: JsonObject, to: JsonObject, layout: Layout, edits: Edit[]): void {
  const props = node.children ?? [];
  const keyOf = (p: Node) => String(p.children?.[0]?.value);
  const kept = (p: Node) => to[keyOf(p)] !== undefined;
  const added = Object.keys(to).filter((k) => to[k] !== undefined && !Object.hasOwn(from, k));
  const last = props.findLast(kept);
  if (last === undefined) {
    // Nothing of the old members stays: the object's inside is laid out anew ({} when empty).
    const inside = { offset: node.offset + 1, length: node.length - 2 };
    edits.push({ ...inside, content: freshMembers(node, to, added, layout) });
    return;
  }
  const firstKept = props.findIndex(kept);
  // A leading run of removed members goes up to the first kept one, which takes over their indentation.
  if (firstKept > 0) {
    const start = props[0] as Node;
    const keptStart = (props[firstKept] as Node).offset;
    edits.push({ offset: start.offset, length: keptStart - start.offset, content: '' });
  }
  props.forEach((p, i) => {
    const value = p.children?.[1];
    if (!kept(p)) {
      // Any later removed member goes with the comma and whitespace before it.
      const prev = props[i - 1];
      if (i > firstKept && prev) edits.push({ offset: end(prev), length: end(p) - end(prev), content: '' });
    } else if (value) {
      diff(value, from[keyOf(p)], to[keyOf(p)], layout, edits);
    }
  });
  if (added.length > 0) {
    const [key, value] = last.children as [Node, Node];
    const lead = leadingSpace(layout.text, last.offset);
    const colon = layout.text.slice(end(key), value.offset);
    // Compact after a neighbour that is a one-line object or array, else indented like the neighbour.
    const container = value.type === 'object' || value.type === 'array';
    const oneLine = container && !layout.text.slice(value.offset, end(value)).includes('\n');
    const indent = lead.includes('\n') && !oneLine ? lead.slice(lead.lastIndexOf('\n') + 1) : undefined;
    const members = added.map(
      (k) => `,${lead}${JSON.stringify(k)}${colon}${serialize(to[k], indent, layout)}`,
    );
    edits.push({ offset: end(last), length: 0, content: members.join('') });
  }
}

/** The members of an object whose old members all go, in the file's layout. */
function freshMembers(node: Node, to: JsonObject, keys: readonly string[], layout: Layout): string {
  if (keys.length === 0) return '';
  if (layout.unit === '') return keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(to[k])}`).join(',');
  const outer = lineIndent(layout.text, node.offset);
  const inner = outer + layout.unit;
  const members = keys.map(
    (k) => `${layout.eol}${inner}${JSON.stringify(k)}: ${serialize(to[k], inner, layout)}`,
  );
  return `${members.join(',')}${layout.eol}${outer}`;
}

/** `value` as JSON: indented when the place it goes is on a line of its own (`indent` given), else compact. */
function serialize(value: unknown, indent: string | undefined, layout: Layout): string {
  if (indent === undefined || layout.unit === '') return JSON.stringify(value);
  return JSON.stringify(value, null, layout.unit).replace(/\n/g, `${layout.eol}${indent}`);
}

const end = (n: Node) => n.offset + n.length;

/** The whitespace just before `offset`. */
function leadingSpace(text: string, offset: number): string {
  let i = offset;
  while (i > 0 && /\s/.test(text.charAt(i - 1))) i--;
  return text.slice(i, offset);
}

/** The indentation of the line `offset` is on. */
function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start, offset))?.[0] ?? '';
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  // Stable by offset, an insertion before a removal that starts where it goes.
  const sorted = [...edits].sort((a, b) => a.offset - b.offset || a.length - b.length);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.offset < pos) throw new Error('internal error: overlapping JSON edits');
    out += text.slice(pos, e.offset) + e.content;
    pos = e.offset + e.length;
  }
  return out + text.slice(pos);
}
