export { loadStackConfig, type StackConfig, StackConfigError } from './config.js';
export { createStack, type Stack } from './stack.js';
