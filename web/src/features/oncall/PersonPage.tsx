import { type FormEvent, useMemo, useState } from "react";
import { createPersonCalendarToken, getEveryoneOnCall, getPerson, updatePerson } from "../../api/oncall.ts";
import type { PersonDetail } from "../../api/oncall-types.ts";
import { useResource } from "../../api/resource.ts";
import { Link } from "../../router.tsx";
import { useAction } from "../../ui/action.ts";
import { ErrorNote } from "../../ui/banner.tsx";
import { CopyValue } from "../../ui/copy.tsx";
import { DetailFallback } from "../../ui/detail-fallback.tsx";
import { Field, FormActions, textInput } from "../../ui/field.tsx";
import { Person } from "../../ui/person.tsx";
import { Section, SectionButton } from "../../ui/section.tsx";
import { RelativeTime } from "../../ui/time.tsx";
import { useDocumentTitle } from "../../ui/title.ts";
import { toast } from "../../ui/toast.tsx";
import { useUser } from "../auth/session.tsx";
import { ContactMethodsSection } from "./ContactMethods.tsx";
import { OnCallPage, scheduleHref, teamHref, Warnings } from "./common.tsx";
import { NotificationRulesSection } from "./NotificationRules.tsx";
import { browserZone, timeZoneList, whenIn } from "./zone.ts";

// A person's on-call set-up: what keeps them from being paged, where they are on call now, their time
// zone, how they are reached and when, and a personal calendar feed of their shifts.

/** The signed-in user's own page. */
export function ProfilePage() {
  const user = useUser();
  return <PersonPage username={user.username} own />;
}

export function PersonPage({ username, own = false }: { username: string; own?: boolean }) {
  const resource = useResource(username, (signal) => getPerson(username, signal));
  const person = resource.data;
  useDocumentTitle(own ? "My profile" : person ? `${person.username} · People` : username);
  if (!person)
    return (
      <DetailFallback
        name={username}
        back={{ href: "/people", label: "People" }}
        error={resource.error}
        onRetry={resource.reload}
        notFound={{ title: `No person “${username}”`, href: "/people", link: "Everyone" }}
      />
    );
  const props = { person, refresh: resource.reload };
  return (
    <OnCallPage className="page-person">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/people">People</Link>
        <span aria-hidden="true"> / </span>
        <span aria-current="page">{person.username}</span>
      </nav>
      <header className="detail-head">
        <div className="detail-meta">
          <span className="tag">{person.role}</span>
          <span className="meta-item muted">{person.time_zone}</span>
          {person.teams.map((t) => (
            <Link key={t.name} href={teamHref(t.name)} className="meta-item">
              {t.name}
              {t.role === "manager" ? " (manager)" : ""}
            </Link>
          ))}
        </div>
        <h1 className="detail-title person-title">
          <Person name={person.username} />
          {own ? <span className="muted small"> (you)</span> : null}
        </h1>
        {person.display_name ? <p className="detail-description">{person.display_name}</p> : null}
      </header>
      <Warnings warnings={person.warnings} />
      <div className="schedule-sections">
        <OnCallWhere username={person.username} />
        <ContactMethodsSection {...props} />
        <NotificationRulesSection {...props} />
        <SettingsSection {...props} />
        <CalendarFeedSection person={person} />
      </div>
    </OnCallPage>
  );
}

function OnCallWhere({ username }: { username: string }) {
  const everyone = useResource("on-call", (signal) => getEveryoneOnCall(signal));
  const mine = (everyone.data?.items ?? []).filter((s) => s.on_call.some((p) => p.username === username));
  return (
    <Section headingId="where-h" title="On call now">
      {!everyone.data ? (
        <span className="skeleton" />
      ) : mine.length ? (
        <ul className="row-list">
          {mine.map((s) => (
            <li key={s.schedule} className="row-item">
              <div className="row-main">
                <span>
                  <Link href={scheduleHref(s.schedule)}>{s.schedule}</Link>
                  {s.until ? (
                    <span className="muted">
                      {" "}
                      until {whenIn(s.until, s.time_zone)} ({s.time_zone}), <RelativeTime iso={s.until} />
                    </span>
                  ) : null}
                </span>
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted empty-inline">Not on call in any schedule right now.</p>
      )}
    </Section>
  );
}

function SettingsSection({ person, refresh }: { person: PersonDetail; refresh: () => void }) {
  const [editing, setEditing] = useState(false);
  const mine = useMemo(browserZone, []);
  const [zone, setZone] = useState(person.time_zone);
  const [displayName, setDisplayName] = useState(person.display_name);
  const zones = useMemo(() => timeZoneList(zone, mine), [zone, mine]);
  const save = useAction(async () => {
    await updatePerson(person.username, { time_zone: zone, display_name: displayName.trim() });
    toast("Saved");
    setEditing(false);
    refresh();
  }, ["time_zone", "display_name"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save.run();
  };
  const start = () => {
    setZone(person.time_zone);
    setDisplayName(person.display_name);
    save.clear();
    setEditing(true);
  };
  return (
    <Section
      headingId="settings-h"
      title="Settings"
      tools={!editing ? <SectionButton onClick={start}>Edit settings</SectionButton> : null}
    >
      {editing ? (
        <form className="stack-form" onSubmit={submit} noValidate aria-label="Settings">
          {save.error ? <ErrorNote>{save.error}</ErrorNote> : null}
          <div className="form-row">
            <Field
              label="Time zone"
              hint="Where this person is: for their calendar and notices."
              error={save.fields.time_zone}
              className="field-zone"
            >
              {(ids) => (
                <select {...ids} value={zone} onChange={(e) => setZone(e.target.value)}>
                  {zones.map((z) => (
                    <option key={z} value={z}>
                      {z === mine ? `${z} (this browser)` : z}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Display name" error={save.fields.display_name} className="field-grow">
              {textInput(displayName, setDisplayName)}
            </Field>
          </div>
          <FormActions label="Save" busyLabel="Saving…" busy={save.busy} onCancel={() => setEditing(false)} />
        </form>
      ) : (
        <dl className="facts settings-facts">
          <div>
            <dt>Time zone</dt>
            <dd>{person.time_zone}</dd>
          </div>
          <div>
            <dt>Display name</dt>
            <dd>{person.display_name || <span className="muted">—</span>}</dd>
          </div>
        </dl>
      )}
    </Section>
  );
}

function CalendarFeedSection({ person }: { person: PersonDetail }) {
  const [url, setUrl] = useState<string | null>(null);
  const create = useAction(async () => {
    const made = await createPersonCalendarToken(person.username);
    setUrl(made.calendar_url);
  });
  return (
    <Section headingId="feed-h" title="Calendar feed">
      <p className="muted small section-note">
        {person.username}'s shifts in every schedule, for a calendar app. The URL is shown once; making a new
        one stops the previous one.
      </p>
      {url ? (
        <CopyValue label="iCal URL" value={url} copyLabel="Copy the personal calendar feed URL" />
      ) : (
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          disabled={create.busy}
          onClick={() => void create.run()}
        >
          {create.busy ? "Making…" : "Make a calendar feed URL"}
        </button>
      )}
      {create.error ? <ErrorNote>{create.error}</ErrorNote> : null}
    </Section>
  );
}
