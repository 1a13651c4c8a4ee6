/**
 * A person using the seller app in Chromium, as the flow test drives it: signing in from the link
 * `npm run dev` printed, accepting an invite, reading the overview's key figures. Locators go by
 * the words a person reads (the app's own copy, in English) and by roles, never by layout.
 */
import type { Page } from 'playwright-core';
import { PANEL_COPY } from '../../../web/panel/copy';
import { SELLER_COPY } from '../../../web/seller/copy';
import { eventually } from '../eventually';
import type { ProductProcess } from '../processes';

export const SELLER = SELLER_COPY.en;
export const PANEL = PANEL_COPY.en;

const PRINTED = {
  /** What `npm run dev` prints at start for the owner of its tenant. */
  ownerAtStart: /Sign in\s+(\S+)/,
  signIn: /Seller app sign-in link: (\S+)/,
  invite: /Seller app invite to [^:]+: (\S+)/,
} as const;

/** Where the process's output stands now: links printed after this mark are new. */
export const outputMark = (dev: ProductProcess) => dev.output().length;

/** The first link of `kind` the process printed after `mark`. */
export function printedLink(dev: ProductProcess, kind: keyof typeof PRINTED, mark: number): Promise<string> {
  return eventually(
    `npm run dev to print a ${kind} link`,
    async () => dev.output().slice(mark).match(PRINTED[kind])?.[1],
  );
}

/** Photographs a step of the flow (the test names the files). */
export type Shoot = (page: Page, step: string) => Promise<unknown>;

/** Opens a printed sign-in link and presses its button (only the POST signs in). */
export async function openSignInLink(page: Page, link: string, shoot: Shoot) {
  await page.goto(link);
  await shoot(page, 'sign-in-confirm');
  await page.getByRole('button', { name: SELLER.signIn.confirmButton }).click();
  await page.getByRole('button', { name: SELLER.layout.signOut }).waitFor();
}

/** Asks for a sign-in link on the sign-in page, then opens the link the process printed. */
export async function signIn(page: Page, origin: string, email: string, dev: ProductProcess, shoot: Shoot) {
  await page.goto(`${origin}/app/sign-in?lang=en`);
  await page.getByLabel(SELLER.signIn.email).fill(email);
  await shoot(page, 'sign-in');
  const mark = outputMark(dev);
  await page.getByRole('button', { name: SELLER.signIn.submit }).click();
  await page.getByRole('heading', { name: SELLER.signIn.sentTitle }).waitFor();
  // The link points at PUBLIC_BASE_URL (localhost); the browser opens it as printed.
  await openSignInLink(page, await printedLink(dev, 'signIn', mark), shoot);
}

/** Opens a printed invite link and accepts it (which signs the person in). */
export async function acceptInvite(page: Page, link: string, shoot: Shoot, step: string) {
  await page.goto(link);
  await shoot(page, step);
  await page.getByRole('button', { name: SELLER.invite.accept }).click();
  await page.getByRole('button', { name: SELLER.layout.signOut }).waitFor();
}

/** The overview's key figures as shown: each figure's label → its value and the line under it. */
export async function keyFigures(page: Page): Promise<Record<string, { value: string; detail: string }>> {
  const figures = page.getByRole('region', { name: PANEL.overview.kpis }).getByRole('listitem');
  const shown: Record<string, { value: string; detail: string }> = {};
  for (const figure of await figures.all()) {
    const lines = (await figure.innerText())
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    const [label = '', value = '', detail = ''] = lines;
    shown[label] = { value, detail };
  }
  return shown;
}
