import { spawnSync } from 'node:child_process';
import { it } from 'vitest';
import { fieldedPilot } from '../test/exports/pilot.js';
it('x', async () => {
  const ws = await fieldedPilot();
  await ws.run('export', '--fielding', 'pilot', '--out', 'export', '--formats', 'csv,sav');
  const f = ws.file('export/data.sav');
  const r = spawnSync('pspp', ['-O', 'format=csv', '-o', '-', '-'], { input: `GET FILE='${f}'.\nDISPLAY DICTIONARY /VARIABLES=b6_altchg_oth office_id state.\nMISSING VALUES state b6_altchg_oth.\n`, encoding: 'utf8' });
  console.log(r.stdout.slice(0, 3000), r.stderr);
  const h = spawnSync('Rscript', ['-e', `library(haven); d <- read_sav('${f}', user_na=TRUE); print(attributes(d$b6_altchg_oth)); print(d$b6_altchg_oth); print(attributes(d$state))`], { encoding: 'utf8' });
  console.log(h.stdout, h.stderr);
}, 60000);
