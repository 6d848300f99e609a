// TEMPORARY (replaced by the calibration helper's module at merge): Platt scaling by Newton's method.
export function fitPlatt(logits: ArrayLike<number>, labels: ArrayLike<boolean>): { a: number; b: number } {
  let a = 1;
  let b = 0;
  for (let it = 0; it < 50; it++) {
    let ga = 0, gb = 0, haa = 1e-6, hab = 0, hbb = 1e-6;
    for (let i = 0; i < logits.length; i++) {
      const z = logits[i]!;
      const p = 1 / (1 + Math.exp(-(a * z + b)));
      const e = p - (labels[i] ? 1 : 0);
      const v = p * (1 - p);
      ga += e * z; gb += e; haa += v * z * z; hab += v * z; hbb += v;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    a -= (hbb * ga - hab * gb) / det;
    b -= (haa * gb - hab * ga) / det;
  }
  return a > 0 ? { a, b } : { a: 1, b: 0 };
}
