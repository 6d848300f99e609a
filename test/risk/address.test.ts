import { describe, expect, it } from "vitest";
import { addressKey, normaliseAddressText, normaliseName, normaliseZip } from "~/risk/address";
import { countryNameToIso, intToIp, lookupIpRange, parseIpRangeCsv } from "~/risk/ip-table";

describe("Japanese address variants map to one form", () => {
  const canonical = "千代田区千代田1-1-1";
  it.each([
    "東京都千代田区千代田１丁目１番１号",
    "千代田区千代田1-1-1",
    "東京都 千代田区 千代田一丁目一番一号",
    "東京千代田区千代田１－１－１",
    "〒100-0001 東京都千代田区千代田1丁目1-1",
    "東京都千代田区千代田1丁目1番地1号",
    "東京都千代田区千代田1-1-1",
    "東京都千代田区千代田1‐1‐1",
    "東京都千代田区千代田1ー1ー1",
    "ﾄ".length ? "東京都千代田区千代田１ｰ１ｰ１" : "",
    "日本 東京都千代田区千代田1-1-1",
    "千代田区千代田1の1の1",
  ])("%s", (v) => expect(normaliseAddressText(v)).toBe(canonical));

  it.each([
    ["大阪府大阪市北区梅田三丁目1番3号 グランフロント１０２号室", "大阪市北区梅田3-1-3グランフロント102"],
    ["大阪市北区梅田3-1-3グランフロント102", "大阪市北区梅田3-1-3グランフロント102"],
    ["京都府京都市下京区烏丸通七条下ル東塩小路町721-1", "京都市下京区烏丸通7条下ル東塩小路町721-1"],
    ["北海道札幌市中央区北一条西二丁目", "札幌市中央区北1条西2"],
    ["神奈川県横浜市西区みなとみらい二丁目二番一号", "横浜市西区みなとみらい2-2-1"],
    ["東京都港区六本木六丁目十番一号", "港区六本木6-10-1"],
    ["東京都新宿区西新宿二丁目八番一号", "新宿区西新宿2-8-1"],
  ])("%s -> %s", (v, want) => expect(normaliseAddressText(v)).toBe(want));

  it("keys agree when the prefecture or city moves between fields", () => {
    const a = addressKey({ countryCode: "JP", province: "東京都", city: "千代田区", address1: "千代田１丁目１番１号" });
    const b = addressKey({ countryCode: "jp", city: "", address1: "東京都千代田区千代田1-1-1" });
    expect(a).toBe(b);
  });
  it("different house numbers differ", () => {
    expect(normaliseAddressText("千代田区千代田1-1-1")).not.toBe(normaliseAddressText("千代田区千代田1-1-2"));
  });
});

describe("Western address variants map to one key", () => {
  const key = (address1: string, city = "Springfield", address2?: string) => addressKey({ address1, address2, city, countryCode: "US" });
  const want = key("123 Main Street, Apt. 4");
  it.each([
    "123 MAIN ST #4", "123  main st.  suite 4", "123 Main St Apartment #4", "123 Main St., Unit 4", "123 main street apt 4",
    "123 Main St # 4", "123 Main St Ste 4", "123 Main St. Apt #4", "123 Máin St Apt 4", "123 Main St, No. 4",
  ])("%s", (v) => expect(key(v)).toBe(want));
  it.each([
    ["500 North Avenue", "500 N Ave"], ["1st Floor, 10 Downing Street", "1 fl 10 downing st"], ["PO Box 12", "po box 12"],
  ])("%s ~ %s", (a, b) => expect(key(a)).toBe(key(b)));
  it("address2 and city in the line agree", () => expect(key("123 Main St", "Springfield", "Apt 4")).toBe(want));
  it("different unit differs", () => expect(key("123 Main St Apt 5")).not.toBe(want));
  it("different country differs", () => expect(addressKey({ address1: "123 Main St Apt 4", city: "Springfield", countryCode: "CA" })).not.toBe(want));
  it("no lines -> undefined", () => expect(addressKey({ countryCode: "US" })).toBeUndefined());
});

describe("names and zips", () => {
  it.each([
    ["John Smith", "john smith"], ["  JOHN   SMITH ", "john smith"], ["José Álvarez", "alvarez jose"], ["ＪＯＨＮ ＳＭＩＴＨ", "john smith"], ["O'Brien, Pat", "brien o pat"],
  ])("%s", (n, want) => expect(normaliseName(n)).toBe(want));
  it.each([["100-0001", "1000001"], ["１００－０００１", "1000001"], ["sw1a 1aa", "SW1A1AA"], ["〒100-0001", "1000001"]])("%s", (z, want) => expect(normaliseZip(z)).toBe(want));
});

describe("ip range table", () => {
  const table = parseIpRangeCsv("lower_bound_ip_address,upper_bound_ip_address,country\n16777216,16777471,Australia\n16777472,16777727,Korea Republic of\nbad line\n", countryNameToIso);
  it.each([
    ["1.0.0.1", "AU"], ["1.0.1.255", "KR"], ["1.0.2.0", undefined], ["0.0.0.0", undefined], ["999.1.1.1", undefined], ["not an ip", undefined],
  ])("%s -> %s", (ip, want) => expect(lookupIpRange(table, ip)).toBe(want));
  it.each([["United States", "US"], ["Japan", "JP"], ["Russian Federation", "RU"], ["Viet Nam", "VN"], ["jp", "JP"], ["Atlantis", undefined]])(
    "%s -> %s", (n, want) => expect(countryNameToIso(n)).toBe(want));
  it("int to dotted quad", () => expect(intToIp(732758368.8)).toBe("43.173.1.96"));
});
