import { useState } from 'react';
import { PageTitle } from './Layout.js';
import { LetterSettingsForm } from './LetterSettingsForm.js';
import { MailSettingsForm } from './MailSettingsForm.js';
import { type EmailTemplate, type MailSettings, mailApi } from './mailApi.js';
import { OfficePicker } from './OfficePicker.js';
import { casesPath } from './pages.js';
import { Link } from './router.js';
import { SendingPanel } from './SendingPanel.js';
import { TemplateEditor } from './TemplateEditor.js';
import { useLoad } from './useLoad.js';

/**
 * A fielding's email: the three templates (edited, checked by the server, previewed for a real
 * office), its mail settings, and sending the invitations with their progress.
 */
export function EmailPage({ fielding }: { fielding: string }) {
  const templates = useLoad(() => mailApi.templates(fielding), [fielding]);
  const settings = useLoad(() => mailApi.mailSettings(fielding), [fielding]);
  // What the server last saved, over what the page loaded.
  const [saved, setSaved] = useState<Partial<Record<EmailTemplate['kind'], EmailTemplate>>>({});
  const [savedSettings, setSavedSettings] = useState<MailSettings>();
  const [office, setOffice] = useState('');
  const shownSettings = savedSettings ?? settings.value?.settings;
  return (
    <>
      <PageTitle title={`Email for ${fielding}`} />
      <p>
        <Link to="/fieldings">Back to the fieldings</Link> · <Link to={casesPath(fielding)}>Cases of {fielding}</Link>
      </p>
      <SendingPanel fielding={fielding} />
      <section aria-labelledby="fk-templates-title">
        <h2 id="fk-templates-title">Templates</h2>
        {templates.error ? <p className="fk-alert">{templates.error}</p> : null}
        {!templates.value && !templates.error ? <p>Loading…</p> : null}
        {templates.value ? (
          <>
            <p>
              Merge fields in double braces, like <code>{'{{office_name}}'}</code>, are checked when you save: an
              unknown one is shown with its line and column, and nothing is saved. Previews use a real office of the
              fielding; no link or access code is issued for them.
            </p>
            <OfficePicker fielding={fielding} value={office} onChange={setOffice} />
            {templates.value.templates.map((t) => (
              <TemplateEditor
                key={t.kind}
                fielding={fielding}
                template={saved[t.kind] ?? t}
                fields={templates.value?.fields ?? []}
                office={office}
                onSaved={(next) => setSaved((all) => ({ ...all, [next.kind]: next }))}
              />
            ))}
          </>
        ) : null}
      </section>
      {settings.error ? <p className="fk-alert">{settings.error}</p> : null}
      {shownSettings ? (
        <MailSettingsForm fielding={fielding} settings={shownSettings} onSaved={setSavedSettings} />
      ) : null}
      <LetterSettingsForm fielding={fielding} />
    </>
  );
}
