// Loads a websockify --record file the way noVNC's playback page does (as a script defining
// VNC_frame_data) and prints its frames as JSON: [{"direction": "{", "ms": 12, "hex": "..."}].
// Exits 1 when the file is not valid JavaScript or an entry is malformed.
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2], 'latin1');
const frames = new Function(`${text}\nreturn VNC_frame_data;`)();
if (!Array.isArray(frames) || frames[frames.length - 1] !== 'EOF') {
    console.error('VNC_frame_data is not an array ending with EOF');
    process.exit(1);
}
const parsed = frames.slice(0, -1).map((entry, index) => {
    const direction = entry[0];
    const end = entry.indexOf(direction, 1);
    if ((direction !== '{' && direction !== '}') || end < 0) {
        console.error(`entry ${index} is malformed: ${JSON.stringify(entry.slice(0, 20))}`);
        process.exit(1);
    }
    const data = entry.slice(end + 1);
    const bytes = Buffer.alloc(data.length);
    for (let i = 0; i < data.length; i += 1) {
        const code = data.charCodeAt(i);
        if (code > 0xff) {
            console.error(`entry ${index} holds a character above 0xff`);
            process.exit(1);
        }
        bytes[i] = code;
    }
    return { direction, ms: Number(entry.slice(1, end)), hex: bytes.toString('hex') };
});
console.log(JSON.stringify(parsed));
