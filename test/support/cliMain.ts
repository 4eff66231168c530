// The CLI from source (run with `node --import tsx`), for tests that need it in a process of its own.
import { main } from '../../server/cli.js';

process.exitCode = await main(process.argv.slice(2));
