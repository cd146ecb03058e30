/**
 * A node:test reporter that prints the 10 slowest test files when the run ends (npm test adds it
 * next to the usual TAP output, which keeps its `# tests N` / `# pass N` summary). A file's time
 * is the runner's own figure for the file's process (the top-level entry named after the file),
 * start-up and imports included.
 * Plain JavaScript: the runner loads reporters before tsx is registered.
 */
export default async function* slowestFiles(source) {
  const perFile = new Map();
  for await (const event of source) {
    const { data } = event;
    if (!['test:complete', 'test:pass', 'test:fail'].includes(event.type) || data.nesting !== 0 || !data.file || data.name !== data.file) continue;
    perFile.set(data.file, Math.max(perFile.get(data.file) ?? 0, data.details?.duration_ms ?? 0));
  }
  const slowest = [...perFile].sort((a, b) => b[1] - a[1]).slice(0, 10);
  if (slowest.length === 0) return;
  const cwd = `${process.cwd()}/`;
  yield `\nslowest ${slowest.length} test files:\n`;
  for (const [file, ms] of slowest) yield `${(ms / 1000).toFixed(1).padStart(8)} s  ${file.startsWith(cwd) ? file.slice(cwd.length) : file}\n`;
}
