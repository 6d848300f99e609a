/** Shopify's GraphQL leaky bucket, per shop, with an injectable clock. */
import type { Clock } from "./clock.js";

export interface ThrottleConfig {
  /** Points restored per second (Standard 100, Advanced 200, Plus 1000, Enterprise 2000). */
  restoreRate: number;
  /** Bucket size (maximumAvailable). */
  bucketSize: number;
  /** Largest cost one query may request. */
  maxQueryCost: number;
}

export const STANDARD_PLAN: ThrottleConfig = { restoreRate: 100, bucketSize: 2000, maxQueryCost: 1000 };

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class LeakyBucket {
  private available: number;
  private updatedAt: number;

  constructor(
    private readonly config: ThrottleConfig,
    private readonly clock: Clock,
  ) {
    this.available = config.bucketSize;
    this.updatedAt = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    this.available = Math.min(this.config.bucketSize, this.available + elapsed * this.config.restoreRate);
    this.updatedAt = now;
  }

  /** Takes `cost` points if the bucket holds them; otherwise takes nothing. */
  tryTake(cost: number): boolean {
    this.refill();
    if (this.available < cost) return false;
    this.available -= cost;
    return true;
  }

  /** Gives back points taken for a query whose actual cost came in under the requested cost. */
  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.config.bucketSize, this.available + points);
  }

  /** Empties (or sets) the bucket, e.g. to simulate another app sharing it. */
  drain(toPoints = 0): void {
    this.refill();
    this.available = Math.max(0, Math.min(this.config.bucketSize, toPoints));
  }

  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.config.bucketSize,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.config.restoreRate,
    };
  }
}

export class Throttle {
  private readonly buckets = new Map<string, LeakyBucket>();
  constructor(
    readonly config: ThrottleConfig,
    private readonly clock: Clock,
  ) {}

  bucket(shop: string): LeakyBucket {
    let bucket = this.buckets.get(shop);
    if (!bucket) {
      bucket = new LeakyBucket(this.config, this.clock);
      this.buckets.set(shop, bucket);
    }
    return bucket;
  }
}
