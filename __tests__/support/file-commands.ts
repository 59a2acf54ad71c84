// Reads the runner's file commands (GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV) the way the runner does:
// `name=value` lines and `name<<DELIMITER` … `DELIMITER` blocks (what @actions/core writes).

export interface FileCommandResult {
  values: Record<string, string>;
  /** Problems the runner would fail the step for (e.g. an unterminated heredoc). */
  errors: string[];
}

export function parseFileCommands(text: string): FileCommandResult {
  const values: Record<string, string> = {};
  const errors: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    // Same precedence as the runner: an '=' before any '<<' makes it a plain key=value line.
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      const name = line.slice(0, eq);
      if (!name) errors.push(`line ${i + 1}: empty name`);
      else values[name] = line.slice(eq + 1);
      continue;
    }
    if (heredoc < 0) {
      errors.push(`line ${i + 1}: invalid format "${line}"`);
      continue;
    }
    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    if (!name || !delimiter) {
      errors.push(`line ${i + 1}: invalid heredoc "${line}"`);
      continue;
    }
    const end = lines.indexOf(delimiter, i + 1);
    if (end < 0) {
      errors.push(`line ${i + 1}: matching delimiter not found "${delimiter}"`);
      break;
    }
    values[name] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return { values, errors };
}

/** GITHUB_PATH: one directory per line. */
export function parsePathFile(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '');
}
