// The job summary: one row per registry, logged in or failed, so a reader sees at a glance which
// registries this step covered, how, and until when.
export interface SummaryRow {
  host: string;
  account?: string;
  region: string;
  /** docker CLI, config file, and the role when one was assumed. */
  how: string;
  expiresAt?: Date;
  /** Set when this registry failed: the one-line cause. */
  error?: string;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function renderSummary(rows: readonly SummaryRow[]): string {
  if (rows.length === 0) return '';
  const failed = rows.filter((r) => r.error).length;
  const title =
    failed === 0
      ? `### ECR login: ${rows.length} registr${rows.length === 1 ? 'y' : 'ies'}`
      : `### ECR login: ${failed} of ${rows.length} failed`;
  const lines = [
    title,
    '',
    '| Registry | Account | Region | How | Expires (UTC) |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) =>
      [
        '',
        `\`${cell(r.host)}\``,
        r.account ?? '—',
        r.region,
        r.error ? `❌ ${cell(r.error)}` : cell(r.how),
        r.expiresAt ? r.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z') : '—',
        '',
      ]
        .join(' | ')
        .trim(),
    ),
    '',
  ];
  return lines.join('\n');
}
