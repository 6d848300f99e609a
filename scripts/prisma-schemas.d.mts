export declare const SQLITE_SCHEMA: string;
export declare const PG_SCHEMA: string;
export declare const SQLITE_MIGRATIONS: string;
export declare const PG_MIGRATIONS: string;
export declare const MIGRATED_SNAPSHOT: string;
export declare function toPostgresSchema(source: string): string;
export declare function readSource(): string;
