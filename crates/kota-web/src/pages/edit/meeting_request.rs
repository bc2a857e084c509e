//! The forms of a brokerage: a meeting request (for the city or partner one acts for, or on
//! behalf of one a coordinator names), the invitee's answer (shown inline on the brokerage
//! page), and a coordinator's settings (accept every request) and schedule run.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use kota_domain::access::{Principal, Scope};
use kota_domain::brokerage::{
    BrokerageSchedule, BrokerageSettings, MeetingRequest, Participant, Slot,
};
use kota_domain::edit::brokerage::{
    BrokerageSettingsInput, MeetingRequestInput, MeetingRequestKeys, ScheduleInput,
};
use kota_domain::edit::{Code, FieldError, Input};
use kota_domain::ids::Key;
use kota_domain::page::PageRequest;
use kota_store::filter::PartnerFilter;
use kota_store::records::brokerage::{BrokerageTarget, RunSchedule, ScheduleTarget, SetBrokerage};
use kota_store::records::meeting_request::{
    AnswerKind, AnswerMeeting, BrokerageEvent, RequestMeeting, RequestTarget,
};

use super::borrowed;
use crate::AppState;
use crate::error::{PageError, Problem};
use crate::forms::{EditForm, Fields, FormSpec, FormValues, Kind};

/// The brokerage page of an event.
pub(crate) fn brokerage_path(event: &str) -> String {
    format!("/events/{event}/brokerage")
}

/// The event in the path, as a brokerage sees it; a 404 page when there is none.
async fn event(s: &AppState, key: Option<&Key>) -> Result<BrokerageEvent, PageError> {
    let key = key.ok_or_else(|| Problem::not_found("event", ""))?;
    s.store
        .brokerage_event(key)
        .await?
        .ok_or_else(|| Problem::not_found("event", key).into())
}

/// The city or partner `who` acts for, if any.
pub(crate) async fn own_side(
    s: &AppState,
    who: &Principal,
) -> Result<Option<Participant>, PageError> {
    let key = match &who.scope {
        Scope::CityOfficer { city_id } => Key::Id(*city_id),
        Scope::PartnerRepresentative { partner_id } => Key::Id(*partner_id),
        _ => return Ok(None),
    };
    Ok(s.store.participant(&key).await?)
}

/// Every member city and partner, as (slug, name) choices, cities first.
pub(crate) async fn participant_choices(s: &AppState) -> Result<Vec<(String, String)>, PageError> {
    let mut choices: Vec<(String, String)> = s
        .store
        .city_refs()
        .await?
        .into_iter()
        .map(|c| (c.slug, format!("{} (city)", c.name)))
        .collect();
    let partners = s
        .store
        .partners(&PartnerFilter::default(), PageRequest::all())
        .await?
        .items;
    choices.extend(
        partners
            .into_iter()
            .map(|p| (p.slug, format!("{} (partner)", p.name))),
    );
    Ok(choices)
}

/// The form that requests a meeting at the event in the path.
pub(crate) struct RequestForm;

/// A meeting request as the form reads it.
pub(crate) struct RequestInput(MeetingRequestKeys);

impl Input for RequestInput {
    fn field_errors(&self) -> Vec<FieldError> {
        Vec::new()
    }
}

impl EditForm for RequestForm {
    type Edit = RequestMeeting;
    type Choices = Vec<(String, String)>;
    type Input = RequestInput;

    async fn load(
        s: &AppState,
        who: &Principal,
        key: Option<&Key>,
    ) -> Result<RequestTarget, PageError> {
        Ok(RequestTarget {
            event: event(s, key).await?,
            from: own_side(s, who).await?,
            with: None,
            project: None,
            twinning: None,
        })
    }

    async fn choices(s: &AppState) -> Result<Vec<(String, String)>, PageError> {
        participant_choices(s).await
    }

    fn fields(c: &Vec<(String, String)>, f: &mut Fields<'_>) {
        f.pick("with", "Meet with", false, borrowed(c)).required();
        f.input("about", "What about", Kind::TextArea)
            .help("What you would like to discuss: a project, a twinning, an offer.");
        f.input("project", "Project (optional)", Kind::Text)
            .help("The project's address name, as in /projects/NAME.");
        f.pick("from", "On behalf of (coordinators)", false, borrowed(c))
            .help("Leave blank to ask for the city or partner you act for.");
    }

    fn spec<'a>(t: &RequestTarget, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        let e = &t.event.event;
        FormSpec {
            title: format!("Request a meeting: {}", e.name),
            section: "events",
            action: format!("{}/request", brokerage_path(&e.slug)),
            intro: Some(
                "The city or partner you invite answers on the brokerage page; once accepted, \
                 the meeting goes into the schedule the coordinators run."
                    .into(),
            ),
            back_href: brokerage_path(&e.slug),
            back_label: format!("One-to-one meetings: {}", e.name),
            submit: "Request the meeting",
            build,
        }
    }

    fn values(_: &RequestTarget) -> FormValues {
        FormValues::default()
    }

    fn input(_: &Vec<(String, String)>, v: &FormValues) -> (RequestInput, Vec<FieldError>) {
        let input = MeetingRequestInput {
            from: v.opt("from"),
            with: v.text("with").to_owned(),
            about: v.opt("about"),
            project: v.opt("project"),
            twinning: None,
        };
        match input.parts() {
            Ok(keys) => (RequestInput(keys), Vec::new()),
            Err(errors) => {
                let blank = MeetingRequestKeys {
                    from: None,
                    with: Key::Slug(String::new()),
                    about: String::new(),
                    project: None,
                    twinning: None,
                };
                (RequestInput(blank), errors)
            }
        }
    }

    fn edit(t: &RequestTarget, input: RequestInput) -> RequestMeeting {
        RequestMeeting {
            event: Key::Id(t.event.event.id),
            keys: input.0,
        }
    }

    fn done(t: &RequestTarget, _: &MeetingRequest) -> String {
        brokerage_path(&t.event.event.slug)
    }
}

/// The invitee's answer `A` to the meeting request in the path.
pub(crate) struct AnswerForm<A>(std::marker::PhantomData<A>);

/// An answer takes nothing.
pub(crate) struct NoInput;

impl Input for NoInput {
    fn field_errors(&self) -> Vec<FieldError> {
        Vec::new()
    }
}

impl<A: AnswerKind> EditForm for AnswerForm<A> {
    type Edit = AnswerMeeting<A>;
    type Choices = ();
    type Input = NoInput;

    async fn load(
        s: &AppState,
        who: &Principal,
        key: Option<&Key>,
    ) -> Result<MeetingRequest, PageError> {
        let key = key.ok_or_else(|| Problem::not_found("meeting request", ""))?;
        s.store
            .meeting_request(key)
            .await?
            .filter(|r| r.visible_to(who))
            .ok_or_else(|| Problem::not_found("meeting request", key).into())
    }

    async fn choices(_: &AppState) -> Result<(), PageError> {
        Ok(())
    }

    fn fields((): &(), _: &mut Fields<'_>) {}

    fn spec<'a>(r: &MeetingRequest, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        FormSpec {
            title: format!(
                "{}: meeting of {} with {}",
                A::ANSWER.label(),
                r.requester.name,
                r.invitee.name
            ),
            section: "events",
            action: format!("/meeting-requests/{}/{}", r.id, A::ANSWER.as_str()),
            intro: (!r.about.is_empty()).then(|| format!("About: {}", r.about)),
            back_href: brokerage_path(&r.event.slug),
            back_label: format!("One-to-one meetings: {}", r.event.name),
            submit: A::ANSWER.label(),
            build,
        }
    }

    fn values(r: &MeetingRequest) -> FormValues {
        let mut v = FormValues::default();
        v.set("version", Some(r.version.to_string()));
        v
    }

    fn input((): &(), _: &FormValues) -> (NoInput, Vec<FieldError>) {
        (NoInput, Vec::new())
    }

    fn edit(r: &MeetingRequest, _: NoInput) -> AnswerMeeting<A> {
        AnswerMeeting::new(Key::Id(r.id))
    }

    fn done(r: &MeetingRequest, _: &MeetingRequest) -> String {
        brokerage_path(&r.event.slug)
    }
}

/// A coordinator's brokerage settings of the event in the path.
pub(crate) struct SettingsForm;

impl EditForm for SettingsForm {
    type Edit = SetBrokerage;
    type Choices = ();
    type Input = BrokerageSettingsInput;

    async fn load(
        s: &AppState,
        _: &Principal,
        key: Option<&Key>,
    ) -> Result<BrokerageTarget, PageError> {
        let event = event(s, key).await?;
        let version = s.store.brokerage_settings_version(event.event.id).await?;
        Ok(BrokerageTarget { event, version })
    }

    async fn choices(_: &AppState) -> Result<(), PageError> {
        Ok(())
    }

    fn fields((): &(), f: &mut Fields<'_>) {
        f.input("accept_all", "Accept every request", Kind::Checkbox)
            .help("Requests are accepted as they are made, and those waiting now are accepted.");
    }

    fn spec<'a>(t: &BrokerageTarget, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        let e = &t.event.event;
        FormSpec {
            title: format!("Brokerage settings: {}", e.name),
            section: "events",
            action: format!("{}/settings", brokerage_path(&e.slug)),
            intro: None,
            back_href: brokerage_path(&e.slug),
            back_label: format!("One-to-one meetings: {}", e.name),
            submit: "Save the settings",
            build,
        }
    }

    fn values(t: &BrokerageTarget) -> FormValues {
        let mut v = FormValues::default();
        v.set("version", Some(t.version.to_string()));
        if t.event.accept_all {
            v.set("accept_all", Some("on".to_owned()));
        }
        v
    }

    fn input((): &(), v: &FormValues) -> (BrokerageSettingsInput, Vec<FieldError>) {
        (
            BrokerageSettingsInput {
                accept_all: v.checked("accept_all"),
            },
            Vec::new(),
        )
    }

    fn edit(t: &BrokerageTarget, input: BrokerageSettingsInput) -> SetBrokerage {
        SetBrokerage {
            event: Key::Id(t.event.event.id),
            input,
        }
    }

    fn done(t: &BrokerageTarget, _: &BrokerageSettings) -> String {
        brokerage_path(&t.event.event.slug)
    }
}

/// A coordinator's schedule run for the event in the path.
pub(crate) struct ScheduleForm;

/// A schedule as the form reads it.
pub(crate) struct ScheduleFormInput(ScheduleInput);

impl Input for ScheduleFormInput {
    fn field_errors(&self) -> Vec<FieldError> {
        self.0.check().err().unwrap_or_default()
    }
}

/// How the form writes a slot's start.
const START_FORMAT: &str = "%Y-%m-%d %H:%M";

impl EditForm for ScheduleForm {
    type Edit = RunSchedule;
    type Choices = ();
    type Input = ScheduleFormInput;

    async fn load(
        s: &AppState,
        _: &Principal,
        key: Option<&Key>,
    ) -> Result<ScheduleTarget, PageError> {
        let event = event(s, key).await?;
        let before = s.store.brokerage_schedule(event.event.id).await?;
        Ok(ScheduleTarget { event, before })
    }

    async fn choices(_: &AppState) -> Result<(), PageError> {
        Ok(())
    }

    fn fields((): &(), f: &mut Fields<'_>) {
        f.input("tables", "Tables", Kind::Number).required();
        f.input("starts", "Slot start times (UTC)", Kind::TextArea)
            .required()
            .help("One per line, in order, as YYYY-MM-DD HH:MM.");
        f.input("minutes", "Minutes per slot", Kind::Number)
            .required();
    }

    fn spec<'a>(t: &ScheduleTarget, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        let e = &t.event.event;
        FormSpec {
            title: format!("Run the schedule: {}", e.name),
            section: "events",
            action: format!("{}/schedule", brokerage_path(&e.slug)),
            intro: Some(
                "Every accepted meeting gets a slot and a table; nobody meets twice at once. \
                 The new schedule replaces the one before."
                    .into(),
            ),
            back_href: brokerage_path(&e.slug),
            back_label: format!("One-to-one meetings: {}", e.name),
            submit: "Run the schedule",
            build,
        }
    }

    fn values(t: &ScheduleTarget) -> FormValues {
        let mut v = FormValues::default();
        v.set(
            "version",
            Some(t.before.as_ref().map_or(0, |s| s.version).to_string()),
        );
        if let Some(s) = &t.before {
            v.set("tables", Some(s.tables.to_string()));
            let starts: Vec<String> = s
                .slots
                .iter()
                .map(|x| x.starts_at.format(START_FORMAT).to_string())
                .collect();
            v.set("starts", Some(starts.join("\n")));
            let minutes = s
                .slots
                .first()
                .map(|x| (x.ends_at - x.starts_at).num_minutes());
            v.set("minutes", minutes.map(|m| m.to_string()));
        }
        v
    }

    fn input((): &(), v: &FormValues) -> (ScheduleFormInput, Vec<FieldError>) {
        let mut errors = Vec::new();
        let tables = v.number::<u32>("tables", &mut errors).unwrap_or(0);
        let minutes = v.number::<i64>("minutes", &mut errors).unwrap_or(0);
        if !(1..=24 * 60).contains(&minutes) {
            errors.push(FieldError::new(
                "minutes",
                Code::OutOfRange,
                "Give each slot's length in minutes, from 1 to 1440",
            ));
        }
        let length = Duration::minutes(minutes.clamp(1, 24 * 60));
        let mut slots = Vec::new();
        for line in v.lines("starts") {
            match NaiveDateTime::parse_from_str(line.trim(), START_FORMAT) {
                Ok(t) => {
                    let starts_at: DateTime<Utc> = t.and_utc();
                    slots.push(Slot {
                        starts_at,
                        ends_at: starts_at + length,
                    });
                }
                Err(_) => errors.push(FieldError::new(
                    "starts",
                    Code::InvalidFormat,
                    format!("Give each start as YYYY-MM-DD HH:MM (“{line}” is not one)"),
                )),
            }
        }
        if minutes <= 0 && !errors.iter().any(|e| e.field == "minutes") {
            errors.push(FieldError::new(
                "minutes",
                Code::Required,
                "Give the minutes each slot lasts",
            ));
        }
        (ScheduleFormInput(ScheduleInput { slots, tables }), errors)
    }

    fn edit(t: &ScheduleTarget, input: ScheduleFormInput) -> RunSchedule {
        RunSchedule {
            event: Key::Id(t.event.event.id),
            input: input.0,
        }
    }

    fn done(t: &ScheduleTarget, _: &BrokerageSchedule) -> String {
        brokerage_path(&t.event.event.slug)
    }
}
