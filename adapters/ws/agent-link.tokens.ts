/** DI token of the opened AgentLinkInfrastructure (presence, blobs, geolocation, node id, settings). */
export const AGENT_LINK = Symbol('AgentLink');
