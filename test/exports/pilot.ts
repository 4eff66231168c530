import { createPilot, tokenOfLink, workspace } from '../cli/workspace.js';
import { chargedOfficeAnswers } from '../factories/answers.js';

/** A pilot of four offices: one submitted, one with a full draft (a partial), one declined, one untouched. */
export async function fieldedPilot() {
  const ws = workspace();
  const links = await createPilot(ws, { offices: 4 });
  const api = ws.api();
  const [done, partial, declined] = links.map((l) => tokenOfLink(l.link));
  const answers = chargedOfficeAnswers({ b6_altchg_oth: '=HYPERLINK("http://x.example")' });
  await api.put(`/api/respond/${done}/draft`).send({ answers, page: 0, revision: 0 }).expect(200);
  await api.post(`/api/respond/${done}/complete`).send({ answers, revision: 1 }).expect(200);
  await api
    .put(`/api/respond/${partial}/draft`)
    .send({ answers: chargedOfficeAnswers(), page: 3, revision: 0 })
    .expect(200);
  await api.post(`/api/respond/${declined}/decline`).send({}).expect(200);
  return ws;
}
