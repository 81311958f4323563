/** DI token of the opened AppInfrastructure. */
export const APP_INFRASTRUCTURE = Symbol('AppInfrastructure');
