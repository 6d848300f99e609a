// `npm run shops -- <command>`: the operator's settings of a shop (docs/guarantee.md). The fee rate
// is set here, by the operator, never by the merchant.
//
//   npm run shops -- show <shop>                           settings, subscription, paused?, fees by state
//   npm run shops -- set-fee <shop> <rate>                 0 <= rate < 1, e.g. 0.005 (0.5%); new guarantees only
//   npm run shops -- set-evidence-submit <shop> <days|off> submit saved evidence this many days before it is due
//   npm run shops -- cover-not-received <shop> on|off      also cover product_not_received on delivered orders
//   npm run shops -- thin-data <shop> hold|ship            orders too thin to judge: held (default) or shipped without the guarantee
import { setCoverNotReceived, setEvidenceSubmit, setFeeRate, setThinDataPolicy, showShop } from "../app/guarantee/settings.server";
import { UsageError, withOperatorDb } from "./lib/operator-db";

const USAGE = "usage: npm run shops -- show <shop> | set-fee <shop> <rate> | set-evidence-submit <shop> <days|off> | cover-not-received <shop> on|off | thin-data <shop> hold|ship";

await withOperatorDb(async (db) => {
  const [command, shop, value, ...rest] = process.argv.slice(2);
  const need = (n: number) => {
    if (!shop || (n === 2 && value === undefined) || rest.length || (n === 1 && value !== undefined)) throw new UsageError(USAGE);
  };
  switch (command) {
    case "show": {
      need(1);
      console.log(JSON.stringify(await showShop(db, shop!), null, 2));
      break;
    }
    case "set-fee": {
      need(2);
      const rate = await setFeeRate(db, shop!, value!);
      console.log(`${shop}: fee rate ${rate} (new guarantees; recorded ones keep their rate)`);
      break;
    }
    case "set-evidence-submit": {
      need(2);
      const days = await setEvidenceSubmit(db, shop!, value!);
      console.log(`${shop}: ${days === null ? "evidence saved, never submitted by Holdfast" : `evidence submitted ${days} days before it is due if nobody has`}`);
      break;
    }
    case "cover-not-received": {
      need(2);
      const on = await setCoverNotReceived(db, shop!, value!);
      console.log(`${shop}: product_not_received on delivered orders ${on ? "covered" : "not covered"}`);
      break;
    }
    case "thin-data": {
      need(2);
      const policy = await setThinDataPolicy(db, shop!, value!);
      console.log(`${shop}: orders too thin to judge are ${policy === "hold" ? "held for review" : "shipped without the guarantee"}`);
      break;
    }
    default:
      throw new UsageError(USAGE);
  }
});
