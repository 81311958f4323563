/** Agent protocol version this build speaks; the agent gateway refuses others with a protocol error. */
export const AGENT_VERSION = '0.1.0';
