//! The fields a form shows: one shape for every form, so that one template renders them all
//! with labels, help, the user's values and a message beside each invalid field.

use kota_domain::edit::FieldError;

use super::values::FormValues;

/// How a field is entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// One line of text.
    Text,
    /// A web address.
    Url,
    /// A whole number.
    Number,
    /// A date (YYYY-MM-DD).
    Date,
    /// Several lines of text.
    TextArea,
    /// One of several choices.
    Select,
    /// Any of several choices.
    Checkboxes,
    /// Yes or no.
    Checkbox,
    /// Carried along unseen (what a form answers, from the page it was posted from).
    Hidden,
}

/// A choice of a select or checkbox group.
#[derive(Debug, Clone)]
pub(crate) struct Choice {
    pub(crate) value: String,
    pub(crate) label: String,
    pub(crate) chosen: bool,
}

/// One field of a form, with the value to show and what is wrong with it.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub(crate) name: String,
    pub(crate) label: String,
    pub(crate) help: Option<String>,
    pub(crate) kind: Kind,
    pub(crate) required: bool,
    pub(crate) value: String,
    pub(crate) choices: Vec<Choice>,
    pub(crate) error: Option<String>,
}

impl Field {
    /// What the field holds, as a reader sees it (the labels of chosen choices).
    pub(crate) fn shown(&self) -> String {
        match self.kind {
            Kind::Select | Kind::Checkboxes => self
                .choices
                .iter()
                .filter(|c| c.chosen)
                .map(|c| c.label.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            Kind::Checkbox => if self.value.is_empty() { "no" } else { "yes" }.to_owned(),
            _ => self.value.clone(),
        }
    }

    /// The field's element id.
    pub(crate) fn id(&self) -> String {
        format!("f-{}", self.name.replace(['.', '[', ']'], "-"))
    }

    /// The `kind` names the template switches on.
    pub(crate) fn is(&self, kind: &str) -> bool {
        let mine = match self.kind {
            Kind::Text => "text",
            Kind::Url => "url",
            Kind::Number => "number",
            Kind::Date => "date",
            Kind::TextArea => "textarea",
            Kind::Select => "select",
            Kind::Checkboxes => "checkboxes",
            Kind::Checkbox => "checkbox",
            Kind::Hidden => "hidden",
        };
        mine == kind
    }

    /// The `type` of an `<input>`.
    pub(crate) fn input_type(&self) -> &'static str {
        match self.kind {
            Kind::Url => "url",
            Kind::Date => "date",
            // Numbers are typed as text so that `1,000,000` and bad input reach the server and
            // get a message beside the field rather than a browser's.
            _ => "text",
        }
    }
}

/// Builds a form's fields from its values, attaching each error to the field it names.
pub(crate) struct Fields<'a> {
    values: &'a FormValues,
    errors: &'a [FieldError],
    fields: Vec<Field>,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(values: &'a FormValues, errors: &'a [FieldError]) -> Self {
        Self {
            values,
            errors,
            fields: Vec::new(),
        }
    }

    fn error_of(&self, name: &str) -> Option<String> {
        let messages: Vec<&str> = self
            .errors
            .iter()
            .filter(|e| names(&e.field, name))
            .map(|e| e.message.as_str())
            .collect();
        (!messages.is_empty()).then(|| messages.join("; "))
    }

    fn push(&mut self, name: &str, label: &str, kind: Kind, choices: Vec<Choice>) -> &mut Field {
        let field = Field {
            name: name.to_owned(),
            label: label.to_owned(),
            help: None,
            kind,
            required: false,
            value: self.values.text(name).to_owned(),
            choices,
            error: self.error_of(name),
        };
        self.fields.push(field);
        self.fields.last_mut().expect("just pushed")
    }

    /// Adds a field entered as text of some kind.
    pub(crate) fn input(&mut self, name: &str, label: &str, kind: Kind) -> &mut Field {
        self.push(name, label, kind, Vec::new())
    }

    /// Adds a select (`multiple` false) or a checkbox group (`multiple` true) of
    /// (value, label) choices.
    pub(crate) fn pick<'c>(
        &mut self,
        name: &str,
        label: &str,
        multiple: bool,
        choices: impl IntoIterator<Item = (&'c str, &'c str)>,
    ) -> &mut Field {
        let chosen = self.values.all(name);
        let choices = choices
            .into_iter()
            .map(|(value, label)| Choice {
                chosen: chosen.iter().any(|c| c == value),
                value: value.to_owned(),
                label: label.to_owned(),
            })
            .collect();
        let kind = if multiple {
            Kind::Checkboxes
        } else {
            Kind::Select
        };
        self.push(name, label, kind, choices)
    }

    /// The fields, and the errors that name none of them.
    pub(crate) fn finish(self) -> (Vec<Field>, Vec<FieldError>) {
        let unplaced = self
            .errors
            .iter()
            .filter(|e| !self.fields.iter().any(|f| names(&e.field, &f.name)))
            .cloned()
            .collect();
        (self.fields, unplaced)
    }
}

/// Whether the error path `path` (`focus_areas[0]`, `strengths.x`) is about the field `name`.
fn names(path: &str, name: &str) -> bool {
    path == name
        || path
            .strip_prefix(name)
            .is_some_and(|rest| rest.starts_with('[') || rest.starts_with('.'))
}

impl Field {
    /// Marks the field required.
    pub(crate) fn required(&mut self) -> &mut Self {
        self.required = true;
        self
    }

    /// Adds help text under the label.
    pub(crate) fn help(&mut self, help: &str) -> &mut Self {
        self.help = Some(help.to_owned());
        self
    }
}
