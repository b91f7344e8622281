'use strict';
// 100 simultaneous clients each get back exactly their own bytes.
const { loadWs, deadline, randomBytes, open, receiveBytes, firstDifference, run } = require('./common');

const WebSocket = loadWs();
deadline(60);
const CLIENTS = 100;

async function client(url, index) {
  const payload = Buffer.concat([Buffer.from(`client ${index}|`), randomBytes(1000 + index, 32768)]);
  const ws = await open(WebSocket, url);
  const echoed = receiveBytes(ws, payload.length);
  ws.send(payload);
  const got = await echoed;
  if (!got.equals(payload)) throw new Error(`client ${index}: ${firstDifference(payload, got)}`);
  ws.close(1000);
}

run(async (url) => {
  const results = await Promise.allSettled(
    Array.from({ length: CLIENTS }, (_, i) => client(url, i)));
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length) {
    throw new Error(`${failed.length} of ${CLIENTS} clients failed, e.g. ${failed[0].reason.message}`);
  }
});
