// The Logger interface lives in primitives so that every layer shares one definition.
export { type Logger, silentLogger } from '../primitives/logger.js';
