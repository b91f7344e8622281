'use strict';
// Shared by the Node ws scripts, which test_node.py runs as `node SCRIPT ws://127.0.0.1:PORT/`
// against websockify proxying to an echo target. Exit status 0 means pass.

function loadWs() {
  try {
    return require('ws');
  } catch (err) {
    fail(`the ws package is missing: run npm ci in test/integration/node (${err.code})`);
  }
}

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

// Every script has a deadline, so a hang fails with a message instead of a ctest kill.
function deadline(seconds) {
  setTimeout(() => fail(`not finished within ${seconds} s`), seconds * 1000).unref();
}

// Reproducible bytes from a seed (mulberry32): the same data on every run.
function randomBytes(seed, size) {
  let state = seed >>> 0;
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (t ^ (t >>> 14)) >>> 24;
  }
  return out;
}

// Opens a connection; resolves with the socket, rejects on error or a refused handshake.
function open(WebSocket, url, protocols) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`handshake refused with HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

// Collects binary messages until `count` bytes arrived (the echo may be split or joined).
function receiveBytes(ws, count) {
  return new Promise((resolve, reject) => {
    const parts = [];
    let total = 0;
    ws.on('message', (data, isBinary) => {
      if (!isBinary) reject(new Error('got a text frame, expected binary frames'));
      parts.push(data);
      total += data.length;
      if (total >= count) resolve(Buffer.concat(parts));
    });
    ws.once('close', (code, reason) =>
      reject(new Error(`closed (${code} ${reason}) after ${total} of ${count} bytes`)));
  });
}

function firstDifference(expected, got) {
  const limit = Math.min(expected.length, got.length);
  let i = 0;
  while (i < limit && expected[i] === got[i]) i++;
  return `expected ${expected.length} bytes, got ${got.length}; first difference at offset ${i}`;
}

// Runs main(url), turning a rejection into a FAIL line and exit status 1.
function run(main) {
  const url = process.argv[2];
  if (!url) fail('usage: node SCRIPT ws://HOST:PORT/');
  main(url).then(
    () => { console.log('PASS'); process.exit(0); },
    (err) => fail(err.message));
}

module.exports = { loadWs, fail, deadline, randomBytes, open, receiveBytes, firstDifference, run };
