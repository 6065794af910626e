// Reads vitest's JSON report and fails when any test was skipped or left as a todo: a test that
// cannot find its data must fail CI, not vanish from the count (every test's data is in the repo).
import { readFileSync } from 'node:fs';

const path = process.argv[2];
const report = JSON.parse(readFileSync(path, 'utf8'));
const skipped = [];
for (const file of report.testResults ?? []) {
  for (const t of file.assertionResults ?? []) {
    if (t.status !== 'passed' && t.status !== 'failed') skipped.push(`${file.name}: ${t.fullName} (${t.status})`);
  }
}
const line = `tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped, ${report.numTodoTests} todo`;
if (skipped.length > 0 || report.numPendingTests > 0 || report.numTodoTests > 0) {
  console.error(`${line}\nCI fails on skipped tests:\n  ${skipped.join('\n  ')}`);
  process.exit(1);
}
// Last, the plain closing line that CI reads: 'N passed, N failed, N skipped' after one word and a colon.
console.log(`none skipped, ${report.numTodoTests} todo`);
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests} skipped`);
