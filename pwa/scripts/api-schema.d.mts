export declare const OPENAPI_PATH: string;
export declare const SCHEMA_PATH: string;
export declare function generateSchema(): Promise<string>;
