// The Japanese message catalogue: the same keys as en.ts (the type makes a missing key an error).
import type { MessageKey } from "./en";

export const ja: Record<MessageKey, string> = {
  "guarantee.active": "保証対象: この注文が不正と判明した場合、Holdfast が {amount} を全額お支払いします。",
  "guarantee.reapproved": "保証継続: {fields} の変更後に再審査し、再び承認されました。",
  "guarantee.held": "保証対象外: 注文は確認のため保留中です。",
  "guarantee.released_by_staff": "保証対象外: Holdfast の保留がスタッフにより解除されたため、保証なしで発送されます。",
  "guarantee.approved_by_staff": "保証対象外: Holdfast が保留した注文をスタッフが承認したため、保証なしで発送されます。",
  "guarantee.test_order": "保証対象外: テスト注文は保証されません。",
  "guarantee.shopify_protect": "Holdfast の保証対象外: この注文は Shopify Protect で保護されています。",
  "guarantee.cancelled": "保証対象外: 注文は発送前にキャンセルされました。",
  "guarantee.fulfilled_before_decision": "保証対象外: Holdfast の判定前に注文が発送されました。",
  "guarantee.subscription_not_approved": "保証対象外: このストアでは Holdfast の従量課金がまだ承認されていません。承認すると、承認された注文が保証されます。",
  "guarantee.thin_data": "保証対象外: 判定に必要な情報が不足していました。",
  "guarantee.void_cancelled": "保証無効: 注文は {date} にキャンセルされました。",
  "guarantee.void_rescreen_held": "保証無効: {date} に {fields} が変更され、再審査で保留になりました。",
  "claim.opened": "請求を開始しました: この不審請求は Holdfast の保証対象です。",
  "claim.not_guaranteed": "請求なし: 注文は保証対象ではありませんでした ({why})。",
  "claim.not_screened": "請求なし: Holdfast はこの注文を審査していません。",
  "claim.reason_not_covered": "請求なし: 保証の対象は不正利用によるチャージバック (fraudulent、unrecognized) で、「{reason}」は対象外です。",
  "claim.not_received_not_delivered": "請求なし: 「商品未着」は、配達済みと確認できる注文のみ対象です。",
  "claim.inquiry": "請求はまだありません: これは照会です。カード会社がチャージバックに移行した場合、改めて判定します。",
  "claim.reason_unknown": "請求なし: Shopify から Holdfast の知らない理由 (「{raw}」) が届きました。",
  "claim.no_order": "請求なし: この不審請求には注文がありません。",
  "claim.waiting_for_screening": "待機中: 注文がまだ審査されていません。審査後に判定します。",
  "claim.state.open": "処理中",
  "claim.state.approved": "承認済み: Holdfast が {amount} をお支払いします",
  "claim.state.paid": "支払済み ({reference})",
  "claim.state.closed": "終了: 不審請求は勝訴または防止され、お支払いはありません",
  "billing.paused": "Holdfast の請求額が承認済みの上限に達しました。注文は引き続き保証され、上限が引き上げられるまで手数料は未請求として記録されます。",
  "billing.no_rate": "手数料は未請求として記録されました: {from} から {to} への為替レートが設定されていません。",
  "billing.not_approved": "承認された注文を保証するため、Holdfast の従量課金を承認してください。",
  "hold.reason_notes": "Holdfast による保留 (リスクスコア {score}/1000)。この保留を解除すると、Holdfast のチャージバック保証なしで発送されます。",
  "billing.resumed": "Holdfast の請求を再開しました: 上限に余裕ができたため、未請求の手数料を請求しています。",
  "billing.refused": "手数料は未請求として記録されました: Shopify が従量課金を拒否しました ({message})。",
  "billing.pending_approval": "Holdfast の従量課金はお客様の承認待ちです。",
  // Claims and evidence (issue 13, claims).
  "claim.status_unknown": "Shopify から Holdfast の知らない不審請求ステータス (\"{raw}\") が届きました: 判明するまで請求はオープンのままです。",
  "claim.state.charge_refunded": "承認済み: 不審請求の対象となった支払いが返金されたため、Holdfast は {amount} をお支払いします",
  "evidence.saved": "証拠を不審請求に保存しました (未提出): {date} までにご自身の証拠を追加できます。",
  "evidence.submitted": "証拠をカードネットワークに提出しました。",
  "evidence.failed": "Holdfast は証拠を登録できませんでした: {error}。請求の支払いはこれに左右されません。",
  "evidence.submit_scheduled": "それまでに誰も提出していなければ、Holdfast が {date} に証拠を提出します。",
  // スタッフ向けページ: ナビゲーションと共通語 (issue 15)。
  "nav.dashboard": "ダッシュボード",
  "nav.orders": "注文",
  "nav.review": "審査キュー",
  "nav.claims": "補償請求",
  "nav.settings": "設定",
  "nav.failed": "失敗した処理",
  "common.language": "言語",
  "common.not_found": "見つかりません。",
  "common.previous": "前へ",
  "common.next": "次へ",
  "common.none": "なし",
  "common.save": "保存",
  "common.cancel": "キャンセル",
  "common.retry": "再試行",
  "common.error": "問題が発生しました: {message}",
  "verdict.ship": "承認",
  "verdict.hold": "保留",
  "guarantee.badge.active": "保証対象",
  "guarantee.badge.void": "保証無効",
  "guarantee.badge.none": "保証対象外",
  "claim.badge.open": "未決",
  "claim.badge.approved": "承認済み",
  "claim.badge.paid": "支払済み",
  "claim.badge.closed": "終了",

  // --- Order receipt, review queue and staff decisions (keys added below this line) ---

  // --- Orders list, dashboard and failed work (keys added below this line) ---

  // --- Claims and settings (keys added below this line) ---

  // --- Order block route and shared (keys added below this line) ---
};
