#!/usr/bin/env node
// `kubeharden-lsp`: the WebAssembly language server on standard input and
// output, for Node. The server itself is the engine's `LanguageServer` (the
// same state machine as the native `kubeharden lsp`); this file only frames
// messages, reads the workspace's files, and drives the debounce timer.
import { readFileSync, readdirSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LanguageServer, debounceMs } from '../lsp/node/index.mjs';

const MAX_BYTES = 32 * 1024 * 1024;
const server = new LanguageServer();
const utf8 = new TextDecoder('utf-8', { fatal: true });

function send(messages) {
  for (const m of messages) {
    const body = Buffer.from(JSON.stringify(m), 'utf8');
    process.stdout.write(`Content-Length: ${body.length}\r\n\r\n`);
    process.stdout.write(body);
  }
}

/** UTF-8 text of a file within the engine's size limit, else null. */
function readText(path) {
  try {
    const st = lstatSync(path);
    if (!st.isFile() || st.size > MAX_BYTES) return null;
    return utf8.decode(readFileSync(path));
  } catch {
    return null;
  }
}

// Every *.yaml / *.yml file under a folder, in name order. `.git` and
// `node_modules` are left out; symbolic links are not followed (no loops).
function* yamlFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== '.git' && e.name !== 'node_modules') yield* yamlFiles(p);
    } else if (e.isFile() && /\.ya?ml$/i.test(e.name)) {
      yield p;
    }
  }
}

let loaded = false;
let timer = null;

function afterMessage() {
  if (!loaded && server.roots().length > 0) {
    loaded = true;
    for (const root of server.roots()) {
      if (!root.startsWith('file:')) continue;
      for (const path of yamlFiles(fileURLToPath(root))) {
        const text = readText(path);
        if (text !== null) server.setFile(pathToFileURL(path).href, text);
      }
    }
  }
  for (const uri of server.takeReads()) {
    server.setFile(uri, uri.startsWith('file:') ? readText(fileURLToPath(uri)) : null);
  }
  const code = server.exitCode();
  if (code !== undefined) {
    process.stdout.write('', () => process.exit(code));
    return;
  }
  // Debounce: check once the client has been quiet for debounceMs.
  if (timer) clearTimeout(timer);
  timer = server.hasPending()
    ? setTimeout(() => {
        timer = null;
        send(server.flush());
      }, debounceMs())
    : null;
}

function parseError(why) {
  return { jsonrpc: '2.0', id: null, error: { code: -32700, message: `parse error: ${why}` } };
}

let buffer = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const header = buffer.subarray(0, end).toString('latin1');
    const match = /^content-length:\s*(\d+)\s*$/im.exec(header);
    if (!match) {
      buffer = buffer.subarray(end + 4);
      send([parseError('no Content-Length')]);
      continue;
    }
    const length = Number(match[1]);
    if (buffer.length < end + 4 + length) return;
    const body = buffer.subarray(end + 4, end + 4 + length);
    buffer = buffer.subarray(end + 4 + length);
    let text;
    try {
      text = utf8.decode(body);
    } catch {
      send([parseError('message body is not UTF-8')]);
      continue;
    }
    send(server.handle(text));
    afterMessage();
    if (server.exitCode() !== undefined) return;
  }
});
// The client went away without `exit`.
process.stdin.on('end', () => {
  if (server.exitCode() === undefined) process.exit(1);
});
