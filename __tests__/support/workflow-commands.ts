// Workflow commands (`::name k=v,k=v::message`) as the runner reads them from a step's stdout AND stderr,
// and the runner's masking: once `::add-mask::VALUE` is seen, VALUE becomes *** in every later line.
// (The real runner also masks some encodings of a value, e.g. its base64; we mask only the value itself,
// which is stricter: a product must register every form it prints.)

export type Stream = 'stdout' | 'stderr';

export interface LogLine {
  stream: Stream;
  text: string;
}

export interface WorkflowCommand {
  name: string;
  properties: Record<string, string>;
  message: string;
  stream: Stream;
  /** Index of the line in the step's combined log. */
  line: number;
}

const KNOWN = new Set([
  'add-mask',
  'debug',
  'notice',
  'warning',
  'error',
  'group',
  'endgroup',
  'echo',
  'add-matcher',
  'remove-matcher',
  'save-state',
  'set-output',
  'set-env',
  'add-path',
  'stop-commands',
]);

const unescapeData = (s: string) => s.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
const unescapeProperty = (s: string) => unescapeData(s).replace(/%3A/gi, ':').replace(/%2C/gi, ',');

/** Parses one line; undefined when it is not a command the runner knows. */
export function parseCommandLine(text: string): Omit<WorkflowCommand, 'stream' | 'line'> | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('::')) return undefined;
  const end = trimmed.indexOf('::', 2);
  if (end < 0) return undefined;
  const section = trimmed.slice(2, end);
  const space = section.indexOf(' ');
  const name = space < 0 ? section : section.slice(0, space);
  if (!KNOWN.has(name)) return undefined;
  const properties: Record<string, string> = {};
  if (space >= 0) {
    for (const pair of section.slice(space + 1).split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1));
    }
  }
  return { name, properties, message: unescapeData(trimmed.slice(end + 2)) };
}

/** Replaces every occurrence of every mask with ***, merging overlaps as the runner's SecretMasker does. */
export function applyMasks(text: string, masks: readonly string[]): string {
  const ranges: [number, number][] = [];
  for (const mask of masks) {
    if (!mask) continue;
    for (let at = text.indexOf(mask); at >= 0; at = text.indexOf(mask, at + 1))
      ranges.push([at, at + mask.length]);
  }
  if (ranges.length === 0) return text;
  ranges.sort((a, b) => a[0] - b[0]);
  let out = '';
  let pos = 0;
  let [start, stop] = ranges[0] as [number, number];
  for (const [s, e] of ranges.slice(1)) {
    if (s <= stop) stop = Math.max(stop, e);
    else {
      out += `${text.slice(pos, start)}***`;
      pos = stop;
      [start, stop] = [s, e];
    }
  }
  return `${out}${text.slice(pos, start)}***${text.slice(stop)}`;
}

export interface ProcessedLog {
  commands: WorkflowCommand[];
  /** Values registered with add-mask, in order. */
  masks: string[];
  /** Each line as the job log would show it: masked, add-mask lines reduced to `::add-mask::***`. */
  masked: LogLine[];
}

/** Walks the combined log in arrival order, honouring ::stop-commands::TOKEN … ::TOKEN::. */
export function processLog(lines: readonly LogLine[]): ProcessedLog {
  const commands: WorkflowCommand[] = [];
  const masks: string[] = [];
  const masked: LogLine[] = [];
  let stopToken: string | undefined;
  lines.forEach((entry, index) => {
    if (stopToken !== undefined) {
      if (entry.text.trim() === `::${stopToken}::`) stopToken = undefined;
      masked.push({ stream: entry.stream, text: applyMasks(entry.text, masks) });
      return;
    }
    const cmd = parseCommandLine(entry.text);
    if (cmd) {
      commands.push({ ...cmd, stream: entry.stream, line: index });
      if (cmd.name === 'stop-commands' && cmd.message) stopToken = cmd.message;
      if (cmd.name === 'add-mask') {
        if (cmd.message.trim()) masks.push(cmd.message);
        masked.push({ stream: entry.stream, text: '::add-mask::***' });
        return;
      }
    }
    masked.push({ stream: entry.stream, text: applyMasks(entry.text, masks) });
  });
  return { commands, masks, masked };
}
