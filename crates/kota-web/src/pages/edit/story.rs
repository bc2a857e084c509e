//! Forms of stories: write one (`/stories/new`), edit one (`/stories/{key}/edit`). Outcome
//! figures are one per line (`what | figure | unit`), sources one per line (`title | address`).

use kota_domain::access::Principal;
use kota_domain::edit::{Code, FieldError, OutcomeInput, SourceInput, StoryInput, StoryLinks};
use kota_domain::ids::Key;
use kota_domain::page::PageRequest;
use kota_domain::story::{LANGUAGES, Story, StoryKind, Visibility};
use kota_store::filter::{PartnerFilter, ProjectFilter};
use kota_store::records::story::{CreateStory, NewStory, UpdateStory};

use super::{area_choices, borrowed, vocabulary};
use crate::AppState;
use crate::error::{PageError, Problem};
use crate::forms::{EditForm, Fields, FormSpec, FormValues, Kind};

/// What the story forms offer: kinds, cities, projects, partners, focus areas, languages and
/// who may read it.
pub(crate) struct Choices {
    kinds: Vec<(String, String)>,
    cities: Vec<(String, String)>,
    projects: Vec<(String, String)>,
    partners: Vec<(String, String)>,
    areas: Vec<(String, String)>,
    languages: Vec<(String, String)>,
    visibilities: Vec<(String, String)>,
}

impl Choices {
    async fn load(s: &AppState) -> Result<Self, PageError> {
        let all = PageRequest::all();
        Ok(Self {
            kinds: vocabulary(StoryKind::ALL, StoryKind::as_str, StoryKind::label),
            cities: s
                .store
                .city_refs()
                .await?
                .into_iter()
                .map(|c| (c.slug, c.name))
                .collect(),
            projects: s
                .store
                .projects(&ProjectFilter::default(), all, None)
                .await?
                .items
                .into_iter()
                .map(|p| (p.slug, format!("{} — {}", p.city.name, p.title)))
                .collect(),
            partners: s
                .store
                .partners(&PartnerFilter::default(), all)
                .await?
                .items
                .into_iter()
                .map(|p| (p.slug, p.name))
                .collect(),
            areas: area_choices(&s.store.framework().await?),
            languages: LANGUAGES
                .iter()
                .map(|(tag, name)| ((*tag).to_owned(), format!("{name} ({tag})")))
                .collect(),
            visibilities: vocabulary(Visibility::ALL, Visibility::as_str, Visibility::label),
        })
    }

    fn story_fields(&self, f: &mut Fields<'_>) {
        f.pick("kind", "Kind", false, borrowed(&self.kinds))
            .required();
        f.pick("city", "City", false, borrowed(&self.cities))
            .required();
        f.pick("project", "Project", false, borrowed(&self.projects))
            .help("One of the city's projects, when the story is about one.");
        f.pick("partner", "Partner", false, borrowed(&self.partners))
            .help("The partner that tells it or took part; a partner's representative names their own, for a city it worked with.");
        f.pick("focus_areas", "Focus areas", true, borrowed(&self.areas))
            .required();
        f.pick("language", "Language", false, borrowed(&self.languages))
            .required()
            .help("The language the title and text are written in.");
        f.input("title", "Title", Kind::Text).required();
        f.input("body", "Text", Kind::TextArea)
            .required()
            .help("Paragraphs separated by a blank line.");
        f.input("outcomes", "Outcome figures", Kind::TextArea)
            .help("One per line: what | figure | unit, e.g. Bus riders | 1,250.5 | % more (a point before decimals).");
        f.input("sources", "Sources", Kind::TextArea)
            .help("One per line: title | web address (the address is optional).");
        f.pick(
            "visibility",
            "Who may read it",
            false,
            borrowed(&self.visibilities),
        )
        .required();
    }
}

/// The outcome lines as figures; a line that does not read adds an error naming it. The
/// figure and unit are the last two parts of a line, so a label may hold a `|`.
fn outcomes(v: &FormValues, errors: &mut Vec<FieldError>) -> Vec<OutcomeInput> {
    let mut out = Vec::new();
    for (i, line) in v.lines("outcomes").iter().enumerate() {
        let parts: Vec<&str> = line.rsplitn(3, '|').map(str::trim).collect();
        let [unit, value, label] = parts.as_slice() else {
            errors.push(FieldError::new(
                "outcomes",
                Code::InvalidFormat,
                format!("Line {}: write what | figure | unit", i + 1),
            ));
            continue;
        };
        match figure(value) {
            Some(number) => out.push(OutcomeInput {
                label: (*label).to_owned(),
                value: number,
                unit: (*unit).to_owned(),
            }),
            None => errors.push(FieldError::new(
                "outcomes",
                Code::NotANumber,
                format!(
                    "Line {}: give the figure as a number with a point before any decimals, \
                     e.g. 12.5 or 1,250 (“{value}” is not one)",
                    i + 1
                ),
            )),
        }
    }
    out
}

/// A figure as written: digits with a point before any decimals, and commas or spaces
/// between groups of three digits (`1,250.5`, `1 250`); none when it reads otherwise, so
/// that a decimal comma (`12,5`) is never taken for a thousands separator.
fn figure(written: &str) -> Option<f64> {
    let spaced = written.replace(['\u{a0}', '\u{202f}'], " ");
    let grouped = spaced.contains([',', ' ']);
    let (whole, decimals) = spaced.split_once('.').unwrap_or((&spaced, ""));
    if grouped {
        let digits = whole.trim_start_matches(['-', '+']);
        let mut groups = digits.split([',', ' ']);
        let first = groups.next().unwrap_or("");
        let well_grouped = (1..=3).contains(&first.len())
            && groups.all(|g| g.len() == 3)
            && digits
                .chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == ' ');
        if !well_grouped || decimals.contains([',', ' ']) {
            return None;
        }
    }
    spaced
        .replace([',', ' '], "")
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
}

/// The source lines as sources: the web address is what follows a line's last `|`.
fn sources(v: &FormValues) -> Vec<SourceInput> {
    v.lines("sources")
        .iter()
        .map(|line| {
            let (title, url) = line.rsplit_once('|').unwrap_or((line, ""));
            let url = url.trim();
            SourceInput {
                title: title.trim().to_owned(),
                url: (!url.is_empty()).then(|| url.to_owned()),
            }
        })
        .collect()
}

/// A choice the form needs: its value, or an error saying it is needed.
fn required<T>(
    v: &FormValues,
    name: &str,
    parse: impl Fn(&str) -> Option<T>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let chosen = v.choice(name, parse, errors);
    if chosen.is_none() && v.opt(name).is_none() {
        errors.push(kota_domain::edit::words::required(name));
    }
    chosen
}

fn story_input(v: &FormValues) -> (StoryInput, Vec<FieldError>) {
    let mut errors = Vec::new();
    let kind = required(v, "kind", StoryKind::parse, &mut errors);
    let visibility = required(v, "visibility", Visibility::parse, &mut errors);
    let input = StoryInput {
        kind: kind.unwrap_or(StoryKind::SuccessStory),
        city: v.text("city").trim().to_owned(),
        project: v.opt("project"),
        partner: v.opt("partner"),
        focus_areas: v.all("focus_areas"),
        language: v.text("language").trim().to_owned(),
        title: v.text("title").to_owned(),
        body: v.text("body").to_owned(),
        outcomes: outcomes(v, &mut errors),
        sources: sources(v),
        visibility,
    };
    (input, errors)
}

fn story_values(s: &Story) -> FormValues {
    let mut v = FormValues::default();
    v.set("kind", Some(s.kind.as_str().to_owned()))
        .set("city", Some(s.city.slug.clone()))
        .set("project", s.project.as_ref().map(|p| p.slug.clone()))
        .set("partner", s.partner.as_ref().map(|p| p.slug.clone()))
        .set_all("focus_areas", &s.focus_areas)
        .set("language", Some(s.language.clone()))
        .set("title", Some(s.title.clone()))
        .set("body", Some(s.body.clone()))
        .set(
            "outcomes",
            Some(
                s.outcomes
                    .iter()
                    .map(|o| format!("{} | {} | {}", o.label, o.value, o.unit))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        )
        .set(
            "sources",
            Some(
                s.sources
                    .iter()
                    .map(|src| match &src.url {
                        Some(url) => format!("{} | {url}", src.title),
                        // An empty address keeps a title's own `|` in the title.
                        None if src.title.contains('|') => format!("{} |", src.title),
                        None => src.title.clone(),
                    })
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        )
        .set("visibility", Some(s.visibility.as_str().to_owned()))
        .set("version", Some(s.version.to_string()));
    v
}

fn saved(s: &Story) -> String {
    format!("/stories/{}", s.slug)
}

fn story_spec<'a>(
    title: String,
    action: String,
    back: (String, String),
    build: &'a (dyn Fn(&mut Fields<'_>) + Sync),
) -> FormSpec<'a> {
    FormSpec {
        title,
        section: "stories",
        action,
        intro: Some(
            "A success story tells what worked and what came of it; a lesson what the city \
             learned. Give the figures with their units and the documents they come from. A \
             story for network members only is shown to signed-in people alone."
                .into(),
        ),
        back_href: back.0,
        back_label: back.1,
        submit: "Save the story",
        build,
    }
}

/// A new story: `/stories/new`.
pub(crate) struct NewStoryForm;

impl EditForm for NewStoryForm {
    type Edit = CreateStory;
    type Choices = Choices;
    type Input = StoryInput;

    async fn load(_: &AppState, _: &Principal, _: Option<&Key>) -> Result<NewStory, PageError> {
        Ok(NewStory {
            links: StoryLinks::default(),
            names_partner: false,
            worked_with: false,
        })
    }

    async fn choices(s: &AppState) -> Result<Choices, PageError> {
        Choices::load(s).await
    }

    fn fields(choices: &Choices, f: &mut Fields<'_>) {
        choices.story_fields(f);
    }

    fn spec<'a>(_: &NewStory, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        story_spec(
            "Write a story".into(),
            "/stories/new".into(),
            ("/stories".into(), "Stories and lessons".into()),
            build,
        )
    }

    fn values(_: &NewStory) -> FormValues {
        let mut v = FormValues::default();
        v.set("visibility", Some(Visibility::Public.as_str().to_owned()))
            .set("language", Some("en".to_owned()));
        v
    }

    fn input(_: &Choices, values: &FormValues) -> (StoryInput, Vec<FieldError>) {
        story_input(values)
    }

    fn edit(_: &NewStory, input: StoryInput) -> CreateStory {
        CreateStory { input }
    }

    fn done(_: &NewStory, s: &Story) -> String {
        saved(s)
    }
}

/// A story's fields: `/stories/{key}/edit`.
pub(crate) struct StoryForm;

impl EditForm for StoryForm {
    type Edit = UpdateStory;
    type Choices = Choices;
    type Input = StoryInput;

    async fn load(s: &AppState, who: &Principal, key: Option<&Key>) -> Result<Story, PageError> {
        let key = key.ok_or_else(|| Problem::invalid_path("no story named"))?;
        s.store
            .visible_story(key, Some(who))
            .await?
            .ok_or_else(|| Problem::not_found("story", key).into())
    }

    async fn choices(s: &AppState) -> Result<Choices, PageError> {
        Choices::load(s).await
    }

    fn fields(choices: &Choices, f: &mut Fields<'_>) {
        choices.story_fields(f);
    }

    fn spec<'a>(s: &Story, build: &'a (dyn Fn(&mut Fields<'_>) + Sync)) -> FormSpec<'a> {
        story_spec(
            format!("Edit {}", s.title),
            format!("/stories/{}/edit", s.slug),
            (saved(s), s.title.clone()),
            build,
        )
    }

    fn values(s: &Story) -> FormValues {
        story_values(s)
    }

    fn input(_: &Choices, values: &FormValues) -> (StoryInput, Vec<FieldError>) {
        story_input(values)
    }

    fn edit(s: &Story, input: StoryInput) -> UpdateStory {
        UpdateStory {
            story: Key::Id(s.id),
            patch: input.into(),
        }
    }

    fn done(_: &Story, s: &Story) -> String {
        saved(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_points_and_groups_of_three_never_a_decimal_comma() {
        assert_eq!(figure("12.5"), Some(12.5));
        assert_eq!(figure("-3"), Some(-3.0));
        assert_eq!(figure("1,250"), Some(1250.0));
        assert_eq!(figure("1,250,000.75"), Some(1_250_000.75));
        assert_eq!(figure("1 250"), Some(1250.0));
        assert_eq!(figure("1\u{a0}250"), Some(1250.0));
        assert_eq!(
            figure("12,5"),
            None,
            "a decimal comma is not read as thousands"
        );
        assert_eq!(figure("1,25,0"), None);
        assert_eq!(figure("1.250,5"), None);
        assert_eq!(figure("twelve"), None);
        assert_eq!(figure("inf"), None);
    }

    #[test]
    fn outcomes_and_sources_with_a_bar_in_their_text_survive_the_form() {
        let mut values = FormValues::default();
        values
            .set("outcomes", Some("Riders | students | 12.5 | %".into()))
            .set(
                "sources",
                Some("Plan | annex | \nReport | https://example.org/r".into()),
            );
        let mut errors = Vec::new();
        let figures = outcomes(&values, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(figures[0].label, "Riders | students");
        assert_eq!((figures[0].value, figures[0].unit.as_str()), (12.5, "%"));
        let read = sources(&values);
        assert_eq!(read[0].title, "Plan | annex");
        assert_eq!(read[0].url, None);
        assert_eq!(read[1].url.as_deref(), Some("https://example.org/r"));
    }
}
