/** noVNC in Chromium over wss:// (TLS on websockify's port) (see support/novnc_check.js). */
import { after, test } from 'node:test';

import { checkNovnc } from './support/novnc_check.js';
import { stopAll, withProcessLogs } from './support/processes.js';

after(stopAll);

test('noVNC connects over wss:// and shows the desktop\'s colour', { timeout: 90000 },
    (t) => withProcessLogs(() => checkNovnc(t, { encrypt: true })));
