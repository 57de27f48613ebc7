/**
 * The worker thread that parses the API's description documents and reads them (catalogue.ts's
 * readDocument), so that the runtime's thread neither waits for the parse of megabytes nor holds
 * their parsed tree: it is handed the document's bytes (an answer) or the path of a kept file,
 * and gives back only what the reading keeps. Started by description-reader.ts, one job at a
 * time; the heap limit and the deadline are the reader's.
 */
import fs from 'node:fs/promises';
import v8 from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { readDocument } from './catalogue';
import type { ReaderJob, ReaderReply } from './description-reader';

/**
 * The most a document's parsed tree may be estimated to weigh: 60% of this thread's heap, the
 * rest for the reading's own work. Past its heap a worker is meant to be stopped alone, but V8
 * cannot always stop it in time (a parse growing one huge array): the process would abort. So a
 * document is weighed before it is parsed, and refused when it would come near the limit.
 */
const MOST_PARSED_BYTES = 0.6 * v8.getHeapStatistics().heap_size_limit;

parentPort?.on('message', (job: ReaderJob) => {
  let reply: ReaderReply;
  answer(job)
    .then(
      (done) => (reply = done),
      (err: unknown) => (reply = { ok: false, message: err instanceof Error ? err.message : String(err) }),
    )
    .then(() => {
      try {
        parentPort?.postMessage(reply);
      } catch (err) {
        // Not cloneable (never so for what readDocument makes): said rather than left unanswered.
        parentPort?.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) });
      }
    });
});

async function answer(job: ReaderJob): Promise<ReaderReply> {
  if ('bytes' in job.source) {
    const { bytes } = job.source;
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (parsedWeight(buffer) > MOST_PARSED_BYTES) return { ok: false, tooIntricate: true };
    return { ok: true, kept: true, value: readDocument(job.reading, parseAnswer(buffer.toString('utf8'))), bytes: buffer.length };
  }
  // A kept file: `{"fetchedAt": ms, "value": document}` (description-cache.ts writes them).
  const { file, maxBytes } = job.source;
  let buffer: Buffer;
  try {
    if ((await fs.stat(file)).size > maxBytes) return { ok: true, kept: false }; // kept by an older version, or not by us
    buffer = await fs.readFile(file);
  } catch {
    return { ok: true, kept: false }; // none yet
  }
  if (parsedWeight(buffer) > MOST_PARSED_BYTES) return { ok: false, tooIntricate: true };
  let kept: { fetchedAt?: unknown; value?: unknown };
  try {
    kept = JSON.parse(buffer.toString('utf8')) as { fetchedAt?: unknown; value?: unknown };
  } catch {
    return { ok: true, kept: false };
  }
  if (typeof kept?.fetchedAt !== 'number' || !('value' in kept)) return { ok: true, kept: false };
  return { ok: true, kept: true, value: readDocument(job.reading, kept.value), fetchedAt: kept.fetchedAt, bytes: buffer.length };
}

/** As the client reads an answer: JSON when it parses, `null` when blank, otherwise the text (no reading accepts it). */
function parseAnswer(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return /^\s*$/.test(text) ? null : text;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * What a JSON text would weigh once parsed, at most, in bytes: its text twice over (strings of
 * two-byte characters), 80 bytes per object or array and 24 per member or element. Measured on
 * V8 it is above the real weight: about 1.1 times for the real descriptions (/cloud: 10 MB
 * estimated, 9 MB parsed), 1.6 times for `[{},{},...]` (297 MB estimated, 181 MB parsed). One
 * pass over the bytes, strings skipped by `indexOf`: a few ms a MB.
 */
function parsedWeight(bytes: Buffer): number {
  let containers = 0;
  let separators = 0;
  for (let i = 0; i < bytes.length;) {
    const c = bytes[i];
    if (c === QUOTE) {
      i = stringEnd(bytes, i) + 1;
      continue;
    }
    if (c === 0x7b || c === 0x5b)
      containers++; // { [
    else if (c === 0x2c || c === 0x3a) separators++; // , :
    i++;
  }
  return 2 * bytes.length + 80 * containers + 24 * separators;
}

/** Where the string opened at `start` ends (its closing quote), or the end of the text. */
function stringEnd(bytes: Buffer, start: number): number {
  for (let from = start + 1; ;) {
    const quote = bytes.indexOf(QUOTE, from);
    if (quote === -1) return bytes.length;
    let backslashes = 0;
    while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}
