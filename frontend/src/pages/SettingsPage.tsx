import { useState, type ReactNode } from "react";
import { useNavigate } from "react-router";
import * as api from "../api/endpoints";
import type { UserBody } from "../api/types";
import { ApiKeysPanel } from "../components/ApiKeysPanel";
import { ErrorMessage } from "../components/ErrorMessage";
import { FormField } from "../components/FormField";
import { usePageTitle } from "../components/Layout";
import { useI18n } from "../i18n/I18nProvider";
import { useAction } from "../lib/useAction";
import { useSession } from "../session/SessionProvider";

/** A settings form with its own saved / failed line. */
function SettingsForm({ title, onSubmit, children }: { title: string; onSubmit: () => Promise<void>; children: ReactNode }) {
  const { t } = useI18n();
  const save = useAction(onSubmit);
  return (
    <form className="card" onSubmit={save.submit}>
      <h2>{title}</h2>
      {children}
      {save.done ? <p role="status">{t("settings.saved")}</p> : null}
      <ErrorMessage error={save.error} />
    </form>
  );
}

function ProfileForm({ user, onUser }: { user: UserBody; onUser: (u: UserBody) => void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState(user.username);
  return (
    <SettingsForm title={t("settings.profile")} onSubmit={async () => onUser(await api.updateMe(username.trim()))}>
      <FormField label={t("field.username")} value={username} onChange={(e) => setUsername(e.target.value)} required name="username" />
      <p>
        {t("field.email")}: <strong>{user.email}</strong>
      </p>
      <p data-testid="video-limit">{t("settings.videoLimit", { limit: String(user.videoLimit) })}</p>
      <button type="submit" className="primary">
        {t("common.save")}
      </button>
    </SettingsForm>
  );
}

function PasswordForm() {
  const { t } = useI18n();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  return (
    <SettingsForm
      title={t("settings.password")}
      onSubmit={async () => {
        await api.changePassword(current, next);
        setCurrent("");
        setNext("");
      }}
    >
      <FormField label={t("field.currentPassword")} type="password" value={current} onChange={(e) => setCurrent(e.target.value)} required autoComplete="current-password" name="current-password" />
      <FormField label={t("field.newPassword")} type="password" value={next} onChange={(e) => setNext(e.target.value)} required autoComplete="new-password" name="new-password" />
      <button type="submit" className="primary">
        {t("settings.changePassword")}
      </button>
    </SettingsForm>
  );
}

function OpenAiKeyForm({ user, onUser }: { user: UserBody; onUser: (u: UserBody) => void }) {
  const { t } = useI18n();
  const [key, setKey] = useState("");
  const clear = useAction(async () => onUser(await api.clearOpenAiKey()));
  return (
    <SettingsForm
      title={t("settings.openaiKey")}
      onSubmit={async () => {
        onUser(await api.setOpenAiKey(key.trim()));
        setKey("");
      }}
    >
      <p data-testid="openai-key-state">
        {user.hasOpenaiKey ? t("settings.keySet", { last4: user.openaiKeyLast4 ?? "····" }) : t("settings.keyNotSet")}
      </p>
      <p className="muted">{t("settings.keyExplain")}</p>
      <FormField label={t("settings.newKey")} type="password" value={key} onChange={(e) => setKey(e.target.value)} required autoComplete="off" name="openai-key" />
      <div className="actions">
        <button type="submit" className="primary">
          {t("settings.saveKey")}
        </button>
        {user.hasOpenaiKey ? (
          <button type="button" onClick={() => clear.run()}>
            {t("settings.clearKey")}
          </button>
        ) : null}
      </div>
      <ErrorMessage error={clear.error} />
    </SettingsForm>
  );
}

function DeleteAccountForm({ onDeleted }: { onDeleted: () => void }) {
  const { t } = useI18n();
  const [password, setPassword] = useState("");
  return (
    <SettingsForm
      title={t("settings.deleteAccount")}
      onSubmit={async () => {
        await api.deleteMe(password);
        onDeleted();
      }}
    >
      <p className="muted">{t("settings.deleteExplain")}</p>
      <FormField label={t("field.password")} type="password" value={password} onChange={(e) => setPassword(e.target.value)} required autoComplete="current-password" name="delete-password" />
      <button type="submit" className="danger">
        {t("settings.deleteAccount")}
      </button>
    </SettingsForm>
  );
}

export function SettingsPage() {
  const { t } = useI18n();
  usePageTitle(t("settings.title"));
  const { user, setUser } = useSession();
  const navigate = useNavigate();
  if (!user) return null;
  return (
    <div className="stack">
      <h1>{t("settings.title")}</h1>
      <div className="grid-2">
        <ProfileForm user={user} onUser={setUser} />
        <PasswordForm />
        <OpenAiKeyForm user={user} onUser={setUser} />
        <ApiKeysPanel />
        <DeleteAccountForm
          onDeleted={() => {
            setUser(null);
            navigate("/");
          }}
        />
      </div>
    </div>
  );
}
