// `fieldkit` as its own process, run from the TypeScript sources (node --import tsx), so that a test
// can run several at once against one database without building dist/ first.
import { main } from '../../server/cli.js';

process.exitCode = await main(process.argv.slice(2));
