/** Reference data for the order factory: names, addresses, products, devices. Plain data, no logic. */
import type { Address } from "./types.js";

export type AddressSeed = Omit<Address, "firstName" | "lastName" | "phone" | "company">;

export const WESTERN_FIRST = ["Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Ethan", "Sophie", "James", "Chloe", "Daniel", "Grace", "Henry", "Isla", "Jack"];
export const WESTERN_LAST = ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Martin", "Clarke", "Walker", "Young", "Hughes", "Moore", "Evans", "Baker", "Hall"];
/** Japanese buyers type their names in kanji; family name first in Japan but Shopify keeps first/last fields. */
export const JAPANESE_FIRST = ["太郎", "花子", "翔太", "陽菜", "蓮", "結衣", "大翔", "さくら", "健一", "美咲"];
export const JAPANESE_LAST = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"];
export const JAPANESE_ROMAJI_LAST = ["sato", "suzuki", "takahashi", "tanaka", "ito", "watanabe", "yamamoto", "nakamura", "kobayashi", "kato"];

export const ADDRESSES: Record<string, AddressSeed[]> = {
  US: [
    { address1: "350 Fifth Avenue", address2: null, city: "New York", province: "New York", provinceCode: "NY", zip: "10118", country: "United States", countryCode: "US", latitude: 40.7484, longitude: -73.9857 },
    { address1: "1600 Amphitheatre Pkwy", address2: null, city: "Mountain View", province: "California", provinceCode: "CA", zip: "94043", country: "United States", countryCode: "US", latitude: 37.422, longitude: -122.0841 },
    { address1: "233 S Wacker Dr", address2: "Suite 4400", city: "Chicago", province: "Illinois", provinceCode: "IL", zip: "60606", country: "United States", countryCode: "US", latitude: 41.8789, longitude: -87.6359 },
    { address1: "1200 Main St", address2: null, city: "Houston", province: "Texas", provinceCode: "TX", zip: "77002", country: "United States", countryCode: "US", latitude: 29.7545, longitude: -95.3666 },
    { address1: "400 Broad St", address2: null, city: "Seattle", province: "Washington", provinceCode: "WA", zip: "98109", country: "United States", countryCode: "US", latitude: 47.6205, longitude: -122.3493 },
  ],
  GB: [
    { address1: "221B Baker Street", address2: null, city: "London", province: "England", provinceCode: "ENG", zip: "NW1 6XE", country: "United Kingdom", countryCode: "GB", latitude: 51.5238, longitude: -0.1586 },
    { address1: "1 Deansgate", address2: null, city: "Manchester", province: "England", provinceCode: "ENG", zip: "M3 1AZ", country: "United Kingdom", countryCode: "GB", latitude: 53.4839, longitude: -2.2446 },
  ],
  DE: [{ address1: "Unter den Linden 77", address2: null, city: "Berlin", province: "Berlin", provinceCode: "BE", zip: "10117", country: "Germany", countryCode: "DE", latitude: 52.5163, longitude: 13.3777 }],
  FR: [{ address1: "5 Avenue Anatole France", address2: null, city: "Paris", province: "Paris", provinceCode: "75", zip: "75007", country: "France", countryCode: "FR", latitude: 48.8584, longitude: 2.2945 }],
  JP: [
    { address1: "神南1-19-11", address2: "パークウェースクエア2 4階", city: "渋谷区", province: "Tōkyō", provinceCode: "JP-13", zip: "150-0041", country: "Japan", countryCode: "JP", latitude: 35.6652, longitude: 139.6988 },
    { address1: "梅田3-1-1", address2: null, city: "大阪市北区", province: "Ōsaka", provinceCode: "JP-27", zip: "530-0001", country: "Japan", countryCode: "JP", latitude: 34.7025, longitude: 135.4959 },
    { address1: "中区栄3-4-5", address2: "栄ビル 5F", city: "名古屋市", province: "Aichi", provinceCode: "JP-23", zip: "460-0008", country: "Japan", countryCode: "JP", latitude: 35.1681, longitude: 136.9066 },
    { address1: "北1条西2丁目", address2: null, city: "札幌市中央区", province: "Hokkaidō", provinceCode: "JP-01", zip: "060-0001", country: "Japan", countryCode: "JP", latitude: 43.0621, longitude: 141.3544 },
  ],
  NG: [{ address1: "12 Adeola Odeku St", address2: null, city: "Lagos", province: "Lagos", provinceCode: "LA", zip: "101241", country: "Nigeria", countryCode: "NG", latitude: 6.4281, longitude: 3.4216 }],
  RU: [{ address1: "Tverskaya 7", address2: null, city: "Moscow", province: "Moscow", provinceCode: "MOW", zip: "125009", country: "Russia", countryCode: "RU", latitude: 55.7602, longitude: 37.6136 }],
};

export const PHONE_PREFIX: Record<string, string> = { US: "+1212555", GB: "+4420794", DE: "+4930123", FR: "+3314555", JP: "+8135555", NG: "+2348012", RU: "+7495123" };
export const ACCEPT_LANGUAGE: Record<string, string> = { US: "en-US,en;q=0.9", GB: "en-GB,en;q=0.9", DE: "de-DE,de;q=0.9,en;q=0.8", FR: "fr-FR,fr;q=0.9", JP: "ja-JP,ja;q=0.9,en;q=0.6", NG: "en-NG,en;q=0.9", RU: "ru-RU,ru;q=0.9" };

export const FREE_EMAIL = ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me"];
export const JAPANESE_EMAIL = ["gmail.com", "yahoo.co.jp", "docomo.ne.jp", "icloud.com"];
export const DISPOSABLE_EMAIL = ["mailinator.com", "guerrillamail.com", "10minutemail.com", "yopmail.com", "trashmail.com", "sharklasers.com"];

export const USER_AGENTS = [
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
];

export interface Product {
  title: string;
  variantTitle: string | null;
  sku: string;
  price: number;
  grams: number;
  vendor: string;
}

export const PRODUCTS: Product[] = [
  { title: "Merino Wool Beanie", variantTitle: "Charcoal", sku: "BEANIE-CHAR", price: 29, grams: 120, vendor: "Northfold" },
  { title: "Ceramic Pour-Over Set", variantTitle: null, sku: "POUR-SET", price: 58, grams: 1400, vendor: "Kiln & Co" },
  { title: "Leather Card Wallet", variantTitle: "Tan", sku: "WALLET-TAN", price: 45, grams: 80, vendor: "Northfold" },
  { title: "Trail Running Shoes", variantTitle: "EU 42", sku: "TRAIL-42", price: 139, grams: 900, vendor: "Ridgeline" },
  { title: "Noise-Cancelling Headphones", variantTitle: "Black", sku: "NC-HP-BLK", price: 349, grams: 250, vendor: "Sonance" },
  { title: "Smartwatch Series 9", variantTitle: "45mm", sku: "SW9-45", price: 429, grams: 60, vendor: "Sonance" },
  { title: "Organic Sencha Tea 100g", variantTitle: null, sku: "SENCHA-100", price: 18, grams: 110, vendor: "Kiln & Co" },
  { title: "Gift Card", variantTitle: "$100", sku: "GIFT-100", price: 100, grams: 0, vendor: "Holdfast Demo" },
];

export const HIGH_RISK_PRODUCTS = PRODUCTS.filter((p) => p.price >= 100);

export const CARD_BINS = [
  { bin: "424242", company: "Visa", last4: "4242" },
  { bin: "555555", company: "Mastercard", last4: "4444" },
  { bin: "378282", company: "American Express", last4: "0005" },
  { bin: "353011", company: "JCB", last4: "0000" },
  { bin: "601111", company: "Discover", last4: "1117" },
];
