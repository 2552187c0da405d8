export { expressIdentity } from './express.js';
export { fastifyIdentity } from './fastify.js';
export { contextWithIdentity, identifyFromHeaders, runWithIdentity, type Identify, type IdentityOptions } from './identity.js';
