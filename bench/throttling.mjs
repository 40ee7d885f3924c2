// What bench/load.mjs and bench/race.mjs share: Lighthouse's mobile network profiles, the
// CPU slowdown, and a phone-sized page in a fresh browser context with both applied through
// the DevTools protocol.
import { PHONE } from '../e2e/browser.mjs';

/** Slow 4G as Lighthouse's devtools throttling sets it (150 ms RTT ×3.75, 1.6 Mbps ×0.9), and
 * Regular 3G (300 ms, 700 kbps); the CPU slowed 4× on both, a low-end phone. */
export const PROFILES = {
  'Slow 4G': { latency: 150 * 3.75, down: (1.6 * 1024 * 1024 * 0.9) / 8, up: (750 * 1024 * 0.9) / 8, cpu: 4 },
  'Regular 3G': { latency: 300, down: (700 * 1024) / 8, up: (700 * 1024) / 8, cpu: 4 },
};

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A phone-sized page in a new browser context (so no cache, no service worker, empty
 * storage), with `profile`'s network and CPU applied; `init` scripts run in every page. */
export async function throttled(browser, profile, init = []) {
  const context = await browser.newContext(PHONE);
  for (const [script, arg] of init) await context.addInitScript(script, arg);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: profile.latency, downloadThroughput: profile.down, uploadThroughput: profile.up });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
  return { context, page };
}
