/** Email helpers backed by maintained npm lists (no I/O: the lists are JSON modules). */
import disposableList from "disposable-email-domains/index.json";
import freeList from "email-providers/all.json";

const DISPOSABLE = new Set<string>(disposableList as string[]);
const FREE = new Set<string>(freeList as string[]);

export function normaliseEmail(email: unknown): string | undefined {
  if (typeof email !== "string") return undefined;
  const e = email.trim().toLowerCase();
  const at = e.lastIndexOf("@");
  if (at <= 0 || at === e.length - 1) return undefined;
  return e;
}

export function emailParts(email: string): { local: string; domain: string } {
  const at = email.lastIndexOf("@");
  return { local: email.slice(0, at), domain: email.slice(at + 1) };
}

function parentDomains(domain: string): string[] {
  const parts = domain.split(".");
  const out: string[] = [];
  for (let i = 0; i < parts.length - 1; i++) out.push(parts.slice(i).join("."));
  return out;
}

export function isDisposableDomain(domain: string): boolean {
  return parentDomains(domain).some((d) => DISPOSABLE.has(d));
}

export function isFreeMailDomain(domain: string): boolean {
  return FREE.has(domain);
}

/**
 * How random a local part looks, 0..1: long runs of consonants, digit/letter mixing
 * and high character diversity, as in "xk7qz9wp3v". Names ("john.smith84") score low.
 */
export function localPartRandomness(local: string): number {
  const s = local.replace(/\+.*$/u, "").toLowerCase();
  const letters = s.replace(/[^a-z]/gu, "");
  if (s.length < 6) return 0;
  const digits = s.replace(/[^0-9]/gu, "").length;
  let maxConsonantRun = 0;
  let run = 0;
  for (const c of letters) {
    if ("aeiouy".includes(c)) run = 0;
    else maxConsonantRun = Math.max(maxConsonantRun, ++run);
  }
  let switches = 0;
  for (let i = 1; i < s.length; i++) {
    const a = /\d/u.test(s[i - 1]!);
    const b = /\d/u.test(s[i]!);
    if (a !== b) switches++;
  }
  const vowelRatio = letters.length ? [...letters].filter((c) => "aeiouy".includes(c)).length / letters.length : 0;
  let r = 0;
  if (maxConsonantRun >= 5) r += 0.4;
  if (switches >= 3) r += 0.3;
  if (letters.length >= 6 && vowelRatio < 0.2) r += 0.3;
  if (digits / s.length > 0.5) r += 0.2;
  return Math.min(1, r);
}
