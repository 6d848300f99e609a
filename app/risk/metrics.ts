/** Evaluation metrics shared by backtest and train. Pure. */

/** ROC-AUC with ties counted as half (Mann-Whitney U). */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<boolean>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let pos = 0;
  let neg = 0;
  let rankSum = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j < idx.length && scores[idx[j]!] === scores[idx[i]!]) j++;
    const avg = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (labels[idx[k]!]) { rankSum += avg; pos++; } else neg++;
    i = j;
  }
  return pos && neg ? (rankSum - (pos * (pos + 1)) / 2) / (pos * neg) : NaN;
}

/** Average precision (area under the precision-recall curve, step-wise, ties grouped). */
export function prAuc(scores: ArrayLike<number>, labels: ArrayLike<boolean>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let totalPos = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]) totalPos++;
  if (!totalPos) return NaN;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    let dtp = 0;
    while (j < idx.length && scores[idx[j]!] === scores[idx[i]!]) { if (labels[idx[j]!]) dtp++; else fp++; j++; }
    tp += dtp;
    ap += (dtp / totalPos) * (tp / (tp + fp));
    i = j;
  }
  return ap;
}

/** The lowest threshold that approves a score of x: x + 1 for integer scores, just above x for fractional ones (1000 x a probability kept to 6 decimals). */
const above = (x: number): number => (Number.isInteger(x) ? x + 1 : x + 1e-9);

export interface ApprovalPoint { approval: number; threshold: number; fraud_caught: number; fraud_rate_approved: number }

/**
 * For a target approval rate: the lowest threshold t (hold when score >= t) that
 * approves at least that share of orders; ties are never split, so the actual
 * approval is >= the target.
 */
export function approvalPoint(scores: ArrayLike<number>, labels: ArrayLike<boolean>, approval: number): ApprovalPoint {
  const sorted = Float64Array.from(scores as ArrayLike<number>).sort();
  const n = sorted.length;
  const k = Math.ceil(approval * n); // at least k approved
  let t = k >= n ? above(sorted[n - 1] ?? 0) : above(sorted[k - 1]!);
  if (k > 0 && k < n && sorted[k - 1] !== sorted[k]) t = sorted[k]!;
  if (k <= 0) t = sorted[0] ?? 0;
  let fraud = 0;
  let caught = 0;
  let approved = 0;
  let approvedFraud = 0;
  for (let i = 0; i < scores.length; i++) {
    const held = scores[i]! >= t;
    if (labels[i]) { fraud++; if (held) caught++; }
    if (!held) { approved++; if (labels[i]) approvedFraud++; }
  }
  return { approval, threshold: t, fraud_caught: fraud ? caught / fraud : NaN, fraud_rate_approved: approved ? approvedFraud / approved : 0 };
}

/** Recall at a false-positive rate (share of legitimate orders held), ties not split. */
export function recallAtFpr(scores: ArrayLike<number>, labels: ArrayLike<boolean>, fpr: number): { threshold: number; recall: number; fpr: number } {
  const neg: number[] = [];
  for (let i = 0; i < scores.length; i++) if (!labels[i]) neg.push(scores[i]!);
  neg.sort((a, b) => a - b);
  const p = approvalPoint(neg, neg.map(() => false), 1 - fpr);
  let pos = 0;
  let caught = 0;
  let fp = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i]) { pos++; if (scores[i]! >= p.threshold) caught++; } else if (scores[i]! >= p.threshold) fp++;
  }
  return { threshold: p.threshold, recall: pos ? caught / pos : NaN, fpr: neg.length ? fp / neg.length : 0 };
}
