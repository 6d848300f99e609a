/** The dated Admin API version used everywhere (TOML, codegen, extension, gateway). */
export const ADMIN_API_VERSION = "2026-07";
