export declare const MAX_WEBHOOK_BODY_BYTES: number;
export declare const MAX_JSON_DEPTH: number;
export declare const MAX_LINE_ITEMS: number;
export declare const MAX_JOB_PAYLOAD_BYTES: number;
export declare const MAX_WEBHOOK_ID_LENGTH: number;
export declare const MAX_JOB_KEY_LENGTH: number;
