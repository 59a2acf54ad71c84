// Renders user-supplied text for an error message: quoted, control and non-ASCII characters escaped
// (never raw, so they cannot forge workflow commands, garble the log or hide a look-alike letter), and
// cut when long so a message stays one line.
const MAX_SHOWN = 80;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

export function display(text: string): string {
  const chars = [...text];
  const cut = chars.length > MAX_SHOWN ? chars.slice(0, MAX_SHOWN).join('') : text;
  const quoted = JSON.stringify(cut).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return cut === text ? quoted : `${quoted}…`;
}

/**
 * Replaces the userinfo (`user:pass@`) after an optional scheme with `***`, so a password is never shown.
 * It ends at the last '@' that does not open a digest, so a password holding '/' or '@' is still covered.
 */
export function redactUserinfo(text: string): string {
  const scheme = SCHEME.exec(text)?.[0] ?? '';
  const rest = text.slice(scheme.length);
  // `file:///…` has an empty authority: its '@'s are path (node_modules/@scope), not userinfo.
  if (scheme && rest.startsWith('/')) return text;
  const end = [...rest.matchAll(/@(?!sha256:)/gi)].at(-1)?.index ?? -1;
  return end < 0 ? text : `${scheme}***${rest.slice(end)}`;
}

/** Free text: every `scheme://…` up to the next whitespace loses its userinfo by the rule above. */
export function redactUrls(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S*/gi, (url) => redactUserinfo(url));
}
