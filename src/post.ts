import { post } from './post-step.js';

await post();
