export declare function readMigrations(dir?: string): { name: string; sql: string; checksum: string }[];
export declare function applyPostgresMigrations(opts: {
  connectionString: string;
  schema?: string;
  dir?: string;
  log?: (message: string) => void;
}): Promise<string[]>;
