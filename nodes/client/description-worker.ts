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
import { measureJsonText } from './depth';
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
    const text = buffer.toString('utf8');
    if (measureJsonText(text).parsedWeight > MOST_PARSED_BYTES) return { ok: false, tooIntricate: true };
    return { ok: true, kept: true, value: readDocument(job.reading, parseAnswer(text)), bytes: buffer.length };
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
  const text = buffer.toString('utf8');
  if (measureJsonText(text).parsedWeight > MOST_PARSED_BYTES) return { ok: false, tooIntricate: true };
  let kept: { fetchedAt?: unknown; value?: unknown };
  try {
    kept = JSON.parse(text) as { fetchedAt?: unknown; value?: unknown };
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
