// Opens N idle WebSockets to Anvil's /ws, keeps them open, then checks they are alive (ping → pong on a sample)
// and that one notification reaches every one of them. Prints one JSON line of figures on stdout.
// Usage: node client.mjs URL TOKEN N IDLE_SECONDS NOTIFY_CMD   (NOTIFY_CMD: a shell command that raises a notification)
import { WebSocket } from 'ws';
import { execSync } from 'node:child_process';

const [url, token, nArg, idleArg, notifyCmd] = process.argv.slice(2);
const n = Number(nArg), idleSeconds = Number(idleArg);
const sources = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4']; // four source addresses: well clear of the ephemeral-port range
const sockets = [];
let connected = 0, failed = 0, pongs = 0, notified = 0, closedEarly = 0, lastNotificationAt = 0;

function open(i) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url}/ws?token=${token}`, { localAddress: sources[i % sources.length], perMessageDeflate: false });
    let done = false;
    const finish = (ok) => { if (!done) { done = true; ok ? connected++ : failed++; resolve(); } };
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      if (msg.type === 'connected') finish(true);
      else if (msg.type === 'pong') pongs++;
      else if (msg.type === 'notification') { notified++; lastNotificationAt = performance.now(); }
      else if (msg.type === 'ping') ws.send('{"type":"pong"}');
    });
    ws.on('error', () => finish(false));
    ws.on('close', () => { if (done) closedEarly++; finish(false); });
    sockets.push(ws);
  });
}

const t0 = performance.now();
const inFlight = 200;
for (let i = 0; i < n; i += inFlight) {
  await Promise.all(Array.from({ length: Math.min(inFlight, n - i) }, (_, k) => open(i + k)));
}
const openSeconds = (performance.now() - t0) / 1000;
process.stderr.write(`   ${connected} connected, ${failed} failed in ${openSeconds.toFixed(1)} s; idling ${idleSeconds} s\n`);
console.log(JSON.stringify({ phase: 'open', connected, failed, openSeconds }));
await new Promise((r) => setTimeout(r, idleSeconds * 1000));
const openAfterIdle = sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length;
console.log(JSON.stringify({ phase: 'idle', openAfterIdle }));

// Liveness: a ping on 100 sockets spread over the set.
const sample = sockets.filter((ws) => ws.readyState === WebSocket.OPEN).filter((_, i, all) => i % Math.max(1, Math.floor(all.length / 100)) === 0).slice(0, 100);
sample.forEach((ws) => ws.send('{"type":"ping"}'));
await new Promise((r) => setTimeout(r, 3000));

// Fan-out: one notification for the user, who holds every socket.
const t1 = performance.now();
execSync(notifyCmd, { stdio: 'inherit', shell: '/bin/bash' });
const deadline = performance.now() + 30000;
while (notified < openAfterIdle && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
const fanOutSeconds = notified ? (lastNotificationAt - t1) / 1000 : null;
console.log(JSON.stringify({ phase: 'done', n, connected, failed, openSeconds, openAfterIdle, sample: sample.length, pongs, notified, fanOutSeconds, closedEarly }));
sockets.forEach((ws) => ws.terminate());
process.exit(0);
