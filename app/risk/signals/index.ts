/** The signal registry, in evaluation (and report) order. One signal per file. */
import type { Signal } from "../signal";
import { accountInstantPurchase } from "./account-instant-purchase";
import { accountAge } from "./account-age";
import { newCustomer } from "./new-customer";
import { orderValue } from "./order-value";
import { orderValueVsShop } from "./order-value-vs-shop";
import { emailDisposable } from "./email-disposable";
import { emailFreemail } from "./email-freemail";
import { emailRandom } from "./email-random";
import { emailNameMismatch } from "./email-name-mismatch";
import { phoneInvalid } from "./phone-invalid";
import { phoneCountryMismatch } from "./phone-country-mismatch";
import { billingShippingCountry } from "./billing-shipping-country";
import { billingShippingZip } from "./billing-shipping-zip";
import { billingShippingName } from "./billing-shipping-name";
import { billingShippingDistance } from "./billing-shipping-distance";
import { ipCountryMismatch } from "./ip-country-mismatch";
import { avs } from "./avs";
import { cvv } from "./cvv";
import { failedPayments } from "./failed-payments";
import { velocityEmail } from "./velocity-email";
import { velocityPhone } from "./velocity-phone";
import { velocityIp } from "./velocity-ip";
import { velocityDevice } from "./velocity-device";
import { velocityCard } from "./velocity-card";
import { velocityAddress } from "./velocity-address";
import { deviceShared } from "./device-shared";
import { resaleQuantity } from "./resale-quantity";
import { addressVariedNames } from "./address-varied-names";
import { shopifyRecommendation } from "./shopify-recommendation";
import { velocityCustomer } from "./velocity-customer";
import { cardsPerCustomer } from "./cards-per-customer";
import { cardsPerEmail } from "./cards-per-email";
import { cardsPerDevice } from "./cards-per-device";
import { customersPerCard } from "./customers-per-card";
import { customersPerDevice } from "./customers-per-device";
import { customersPerIp } from "./customers-per-ip";
import { cardNewForCustomer } from "./card-new-for-customer";
import { customerOrderGap } from "./customer-order-gap";
import { orderValuePercentile } from "./order-value-percentile";
import { orderHourNight } from "./order-hour-night";

export const SIGNALS: readonly Signal[] = [
  accountInstantPurchase, accountAge, newCustomer, orderValue, orderValueVsShop,
  emailDisposable, emailFreemail, emailRandom, emailNameMismatch, phoneInvalid, phoneCountryMismatch,
  billingShippingCountry, billingShippingZip, billingShippingName, billingShippingDistance, ipCountryMismatch,
  avs, cvv, failedPayments,
  velocityEmail, velocityPhone, velocityIp, velocityDevice, velocityCard, velocityAddress,
  deviceShared, resaleQuantity, addressVariedNames, shopifyRecommendation,
  // Issue 14 part 2: signals that generalise across shops.
  velocityCustomer, cardsPerCustomer, cardsPerEmail, cardsPerDevice, customersPerCard, customersPerDevice, customersPerIp,
  cardNewForCustomer, customerOrderGap, orderValuePercentile, orderHourNight,
];
