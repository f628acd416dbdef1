/** Plain-text tables for the commands' reports: columns padded to their widest cell. */

/** Formats rows as lines; columns listed in `right` are right-aligned (numbers). */
export function formatTable(rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 && !right.has(i) ? cell : right.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd(),
  );
}

/** A size in bytes with KB/MB when it is a whole number of them: "16384 (16 KB)". */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes} (${bytes / (1024 * 1024)} MB)`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes} (${bytes / 1024} KB)`;
  return String(bytes);
}
