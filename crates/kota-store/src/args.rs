//! SQL text with numbered placeholders and the values bound to them, for queries whose
//! conditions depend on the request.

use uuid::Uuid;

/// A value bound to a placeholder.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Text(String),
    Int(i64),
    Id(Uuid),
    Date(chrono::NaiveDate),
}

/// A statement under construction.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    pub(crate) text: String,
    pub(crate) args: Vec<Arg>,
}

impl Sql {
    pub(crate) fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            args: Vec::new(),
        }
    }

    /// Appends text.
    pub(crate) fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Adds a value and returns its placeholder.
    pub(crate) fn arg(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }

    /// `(p1, p2, …)` for a list of ids.
    pub(crate) fn id_list(&mut self, ids: &[Uuid]) -> String {
        let placeholders: Vec<String> = ids.iter().map(|id| self.arg(Arg::Id(*id))).collect();
        format!("({})", placeholders.join(", "))
    }

    /// Appends `WHERE a AND b …` when there are conditions.
    pub(crate) fn push_where(&mut self, conditions: &[String]) -> &mut Self {
        if !conditions.is_empty() {
            self.text.push_str(" WHERE ");
            self.text.push_str(&conditions.join(" AND "));
        }
        self
    }
}

/// `($1, $2, …, fixed), ($k+1, …, fixed)`: the `VALUES` of a statement inserting `rows` rows
/// of `width` placeholders each, every row ending with the `fixed` values (SQL literals).
pub(crate) fn value_rows(rows: usize, width: usize, fixed: &str) -> String {
    (0..rows)
        .map(|i| {
            let row: Vec<String> = (1..=width).map(|k| format!("${}", i * width + k)).collect();
            format!("({}{fixed})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Binds every argument of a [`Sql`] onto a query of either backend.
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for a in $args {
            q = match a {
                $crate::args::Arg::Text(s) => q.bind(s.clone()),
                $crate::args::Arg::Int(i) => q.bind(*i),
                $crate::args::Arg::Id(u) => q.bind(*u),
                $crate::args::Arg::Date(d) => q.bind(*d),
            };
        }
        q
    }};
}
pub(crate) use bind_args;
