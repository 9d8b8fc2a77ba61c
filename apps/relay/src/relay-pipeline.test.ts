import { relayPipelineContract } from './relay-pipeline-contract.js';
import { forEachPipelineEnv } from './test-support/pipeline-envs.js';

await forEachPipelineEnv('zcp_relay', relayPipelineContract);
