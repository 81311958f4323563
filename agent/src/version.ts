/** Version of this agent build, reported to the server when the agent connects. */
export const AGENT_VERSION = '0.1.0';
