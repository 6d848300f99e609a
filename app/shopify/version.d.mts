export declare const ADMIN_API_VERSION: "2026-07";
