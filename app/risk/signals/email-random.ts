import type { Signal } from "../signal";
import { emailParts, localPartRandomness } from "../email";

/** Random-looking local part ("xk7qz9wp3v@..."). */
export const emailRandom: Signal = {
  id: "email_random_local_part",
  meta: { direction: "a random-looking email local part is riskier", shape: "randomness of the local part, 0..1", prior: 1, max: 3 },
  compute(f) {
    if (typeof f.email !== "string") return null;
    const { local } = emailParts(f.email);
    return { feature: localPartRandomness(local), value: local.slice(0, 64) };
  },
  reason: (r, lang) => (lang === "ja" ? `ランダムに見えるメールアドレス（${r.value}）` : `Email address looks randomly generated (${r.value})`),
};
