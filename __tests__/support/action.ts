export { runAction, stackInputs, parseFileCommands, type ActionRun } from '../../stack/runner.js';
