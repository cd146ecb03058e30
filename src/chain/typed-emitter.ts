// TypedEmitter lives in primitives so that every layer can use it without importing chain/.
export { TypedEmitter } from '../primitives/typed-emitter.js';
