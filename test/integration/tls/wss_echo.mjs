// Node `ws` client over wss://: 1 MiB of random bytes must come back byte-exact.
// Usage: node wss_echo.mjs URL CA_FILE
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const WebSocket = require('ws');
const [url, caFile] = process.argv.slice(2);
const payload = randomBytes(1 << 20);
const timer = setTimeout(() => { console.error('timed out after 20 s'); process.exit(2); }, 20000);

const ws = new WebSocket(url, ['binary'], { ca: readFileSync(caFile) });
const chunks = [];
let received = 0;
ws.on('open', () => ws.send(payload));
ws.on('message', (data) => {
  chunks.push(data);
  received += data.length;
  if (received >= payload.length) {
    const ok = Buffer.concat(chunks).equals(payload);
    console.log(`wss echo of ${received} bytes: ${ok ? 'identical' : 'DIFFERENT'}`);
    clearTimeout(timer);
    ws.close();
    process.exitCode = ok ? 0 : 1;
  }
});
ws.on('error', (err) => { console.error(`ws error: ${err.message}`); process.exit(1); });
