export declare const defaultSqliteUrl: string;
export declare function databaseKind(url: string): "sqlite" | "postgresql";
