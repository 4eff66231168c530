import { type FormEvent, useRef, useState } from 'react';
import { ROLES } from '../../server/contracts/roles.js';
import { api, type SetPasswordLink, type Staff } from './api.js';
import { PageTitle, ROLE_NAMES } from './Layout.js';
import { failureMessage, useSession } from './session.js';
import { ConfirmButton, DataTable, Field, FormError, formatTime, Hidden, ShownOnce, useAnnounce } from './ui.js';
import { useLoad } from './useLoad.js';

const STATUS_NAMES: Record<Staff['status'], string> = {
  active: 'Active',
  password_not_set: 'Password not set',
  disabled: 'Disabled',
};

/** Admins add, disable, re-role and reset staff accounts; a new or reset account gets a one-time link. */
export function StaffPage() {
  const { value, error, reload } = useLoad(api.users);
  const [link, setLink] = useState<{ purpose: string; link: SetPasswordLink }>();
  return (
    <>
      <PageTitle title="Staff" />
      <AddStaffForm
        onAdded={(added) => {
          setLink({ purpose: `New account ${added.staff.email}`, link: added });
          reload();
        }}
      />
      {link ? (
        <ShownOnce label={`Set-password link for ${link.link.staff.email}`} value={link.link.setPasswordLink}>
          {link.purpose}: send this link to its owner. It works once, until {formatTime(link.link.expiresAt)}, and is
          shown only now.
        </ShownOnce>
      ) : null}
      <h2>Accounts</h2>
      {error ? <p className="fk-alert">{error}</p> : null}
      {!value && !error ? <p>Loading…</p> : null}
      {value ? (
        <StaffTable
          staff={value.staff}
          onChanged={reload}
          onLink={(reset) => setLink({ purpose: `Password reset for ${reset.staff.email}`, link: reset })}
        />
      ) : null}
    </>
  );
}

function AddStaffForm({ onAdded }: { onAdded: (added: SetPasswordLink) => void }) {
  const session = useSession();
  const announce = useAnnounce();
  const [errors, setErrors] = useState<{ email?: string; fullName?: string; form?: string }>({});
  const emailInput = useRef<HTMLInputElement>(null);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const email = String(data.get('email') ?? '').trim();
    const fullName = String(data.get('fullName') ?? '').trim();
    const role = String(data.get('role')) as Staff['role'];
    if (!email.includes('@')) {
      setErrors({ email: 'Enter the email address of the new account, like name@example.org.' });
      return emailInput.current?.focus();
    }
    const result = await api.addUser(email, role, fullName);
    if (result.ok) {
      setErrors({});
      form.reset();
      announce(`Account ${result.value.staff.email} added. Its set-password link is shown below.`);
      return onAdded(result.value);
    }
    const { failure } = result;
    if (failure.kind === 'refused' && failure.fields.fullName) {
      return setErrors({ fullName: `Not a usable name: ${failure.fields.fullName}` });
    }
    if (failure.kind === 'refused' && (failure.code === 'staff_exists' || failure.fields.email)) {
      setErrors({
        email: failure.fields.email ? `Not a valid email address: ${failure.fields.email}` : failure.message,
      });
      return emailInput.current?.focus();
    }
    setErrors({ form: failureMessage(failure, session) });
  };
  return (
    <form className="fk-form" onSubmit={submit} noValidate aria-labelledby="add-staff">
      <h2 id="add-staff">Add an account</h2>
      <FormError message={errors.form} />
      <Field
        ref={emailInput}
        label="Email"
        name="email"
        type="email"
        autoComplete="off"
        required
        error={errors.email}
      />
      <Field
        label="Full name"
        hint="Optional. Records take the person’s initials from it (Maria de Lopez: MDL)."
        name="fullName"
        type="text"
        maxLength={200}
        autoComplete="off"
        error={errors.fullName}
      />
      <div className="fk-field">
        <label htmlFor="add-role">Role</label>
        <select id="add-role" name="role" defaultValue="fieldwork">
          {ROLES.map((role) => (
            <option key={role} value={role}>
              {ROLE_NAMES[role]}
            </option>
          ))}
        </select>
      </div>
      <button type="submit">Add account</button>
    </form>
  );
}

function StaffTable({
  staff,
  onChanged,
  onLink,
}: {
  staff: Staff[];
  onChanged: () => void;
  onLink: (reset: SetPasswordLink) => void;
}) {
  const session = useSession();
  const announce = useAnnounce();
  const [problem, setProblem] = useState<string>();
  // A disabled account's buttons go away; focus then stays in the table instead of falling to the page's top.
  const table = useRef<HTMLElement>(null);
  const report = (message: string) => {
    setProblem(message);
    announce(message);
  };
  const changeRole = async (member: Staff, role: Staff['role']) => {
    const result = await api.changeRole(member.id, role);
    if (!result.ok) return report(failureMessage(result.failure, session));
    setProblem(undefined);
    announce(`${member.email} is now ${ROLE_NAMES[role]}; their sessions have ended.`);
    if (member.id === session.staff.id) session.expired();
    onChanged();
  };
  return (
    <>
      {problem ? (
        <p className="fk-alert" role="alert">
          {problem}
        </p>
      ) : null}
      <DataTable caption={`Staff accounts (${staff.length})`} ref={table}>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Full name (initials)</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Added</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {staff.map((member) => (
            <tr key={member.id}>
              <th scope="row">{member.email}</th>
              <td>
                <NameEditor member={member} onSaved={onChanged} onProblem={report} />
              </td>
              <td>
                {member.status === 'disabled' ? (
                  ROLE_NAMES[member.role]
                ) : (
                  <RoleChanger member={member} onChange={(role) => changeRole(member, role)} />
                )}
              </td>
              <td>{STATUS_NAMES[member.status]}</td>
              <td>{formatTime(member.createdAt)}</td>
              <td className="fk-actions">
                {member.status === 'disabled' ? null : (
                  <>
                    <ConfirmButton
                      label="Reset password"
                      subject={member.email}
                      question="Their password stops working now."
                      onConfirm={async () => {
                        const result = await api.resetPassword(member.id);
                        if (!result.ok) return report(failureMessage(result.failure, session));
                        announce(`Password of ${member.email} reset. The new set-password link is shown above.`);
                        onLink(result.value);
                        onChanged();
                      }}
                    />{' '}
                    <ConfirmButton
                      label="Disable"
                      subject={member.email}
                      question="This cannot be undone."
                      onConfirm={async () => {
                        const result = await api.disableUser(member.id);
                        if (!result.ok) return report(failureMessage(result.failure, session));
                        announce(`${member.email} is disabled.`);
                        table.current?.focus();
                        onChanged();
                      }}
                    />
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </DataTable>
    </>
  );
}

function RoleChanger({ member, onChange }: { member: Staff; onChange: (role: Staff['role']) => Promise<void> }) {
  const [role, setRole] = useState(member.role);
  const id = `role-${member.id}`;
  return (
    <span className="fk-inline">
      <label htmlFor={id} className="fk-visually-hidden">
        Role of {member.email}
      </label>
      <select id={id} value={role} onChange={(event) => setRole(event.target.value as Staff['role'])}>
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {ROLE_NAMES[r]}
          </option>
        ))}
      </select>{' '}
      <button type="button" disabled={role === member.role} onClick={() => onChange(role)}>
        Change role<Hidden> of {member.email}</Hidden>
      </button>
    </span>
  );
}

/** An account's full name, changed in place; its initials (which record headers take) shown beside it. */
function NameEditor({
  member,
  onSaved,
  onProblem,
}: {
  member: Staff;
  onSaved: () => void;
  onProblem: (message: string) => void;
}) {
  const session = useSession();
  const announce = useAnnounce();
  const [name, setName] = useState(member.fullName);
  const id = `name-${member.id}`;
  const save = async () => {
    const result = await api.renameUser(member.id, name.trim());
    if (!result.ok) return onProblem(failureMessage(result.failure, session));
    announce(`Full name of ${member.email} saved; initials ${result.value.staff.initials}.`);
    onSaved();
  };
  return (
    <span className="fk-inline">
      <label htmlFor={id} className="fk-visually-hidden">
        Full name of {member.email}
      </label>
      <input id={id} type="text" maxLength={200} value={name} onChange={(event) => setName(event.target.value)} />{' '}
      <span>({member.initials})</span>{' '}
      <button type="button" disabled={name.trim() === member.fullName} onClick={save}>
        Save name<Hidden> of {member.email}</Hidden>
      </button>
    </span>
  );
}
