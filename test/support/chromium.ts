/**
 * Debian's Chromium through playwright-core, started the way every browser test of this repository
 * starts it: headless, no sandbox (CI runs as root), and none of the background traffic (updates,
 * sync) that a test machine without internet would wait on.
 */
import { type Browser, chromium } from 'playwright-core';

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
