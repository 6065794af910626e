/**
 * Headless Chromium for the browser tests: Debian's `chromium` (installed by `.ci/run` with apt;
 * never downloaded by a test tool) driven by playwright-core, with a WAV file as the microphone.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The Chromium binary, or a one-line error saying how to install it. */
export function chromiumPath(): string {
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) throw new Error(`no Chromium at ${CANDIDATES.join(' or ')}: apt-get install -y chromium`);
  return found;
}

/** No network chatter, no sandbox (containers), no first-run UI. */
const QUIET = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Headless Chromium with a fresh profile and `args` added to QUIET. The caller closes the context. */
export async function launchChromium(args: readonly string[] = []): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'kws-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    viewport: { width: 1000, height: 640 },
    args: [...args, ...QUIET],
  });
}

/**
 * A fresh profile whose microphone plays `wav` once (`%noloop`), permission granted, no network
 * chatter. The caller closes the context.
 */
export function launchWithMic(wav: string): Promise<BrowserContext> {
  return launchChromium([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}%noloop`,
    '--autoplay-policy=no-user-gesture-required',
  ]);
}
