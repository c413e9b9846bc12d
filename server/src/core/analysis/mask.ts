/**
 * No output shows a secret the file holds: a message that quotes a value (an invalid enum value, an identity id,
 * an owner) masks any literal secret in it. Applied where findings are made, before they are cached, so a shifted
 * copy after an edit costs nothing (secret-inline's own messages are masked already).
 */
import type { RawFinding } from '../report';
import { maskSecretsIn } from '../rules/secrets/secret-inline';

/** Masks the messages of `findings` from index `from` on, in place (fresh findings, not yet shared). */
export function maskMessages(findings: RawFinding[], from = 0): void {
  for (let i = from; i < findings.length; i++) {
    const f = findings[i];
    if (f.ruleId === 'secret-inline') continue;
    const m = maskSecretsIn(f.message);
    if (m !== f.message) f.message = m;
  }
}
