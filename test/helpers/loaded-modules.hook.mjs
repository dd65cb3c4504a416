// Node module hook for the start-up tests (main-process.ts, logLoadedModulesArgs): appends the URL of every module
// the process loads to a file, one a line, so a test can tell what a start loaded before it stopped. Written with
// appendFileSync before the module is loaded, so the file holds every module even when the process exits at once.
import { appendFileSync } from 'node:fs';

let file;

export async function initialize(data) {
  file = data.file;
}

export async function load(url, context, nextLoad) {
  if (file) appendFileSync(file, `${url}\n`);
  return nextLoad(url, context);
}
