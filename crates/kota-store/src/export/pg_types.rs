//! What an SQLite column holds, as the PostgreSQL schema of the same migrations declares it:
//! JSON, a time, a boolean, or what SQLite's own type says. Both backends' migrations are
//! numbered and shaped alike, so the PostgreSQL column types, read from the migrations built
//! into Kota, say which SQLite text is JSON and which a time; with that, an export reads the
//! same from either backend.

use std::collections::BTreeMap;

/// What a column holds beyond what SQLite's declared type says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Held {
    /// JSON (`jsonb` or `json`).
    Json,
    /// A point in time (`timestamptz`).
    Time,
    /// True or false (`boolean`), whatever SQLite's column is declared as.
    Bool,
}

/// (table, column) → what it holds, for the columns the PostgreSQL migrations declare as
/// JSON, times or booleans; every other column is what its SQLite type says.
pub(crate) fn held_columns() -> BTreeMap<(String, String), Held> {
    let migrator = sqlx::migrate!("./migrations/postgres");
    let mut held = BTreeMap::new();
    for migration in migrator.iter() {
        read_migration(&migration.sql, &mut held);
    }
    held
}

fn held_of(type_word: &str) -> Option<Held> {
    match type_word.to_ascii_lowercase().as_str() {
        "jsonb" | "json" => Some(Held::Json),
        "timestamptz" => Some(Held::Time),
        "boolean" => Some(Held::Bool),
        _ => None,
    }
}

/// Applies one migration's `CREATE TABLE`, `ALTER TABLE … ADD COLUMN`, `RENAME COLUMN` and
/// `ALTER COLUMN … TYPE` statements to the map.
fn read_migration(sql: &str, held: &mut BTreeMap<(String, String), Held>) {
    let text: String = sql
        .lines()
        .map(|l| l.split("--").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    for statement in text.split(';') {
        let words: Vec<&str> = statement.split_whitespace().collect();
        let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
        let is = |i: usize, w: &str| upper.get(i).is_some_and(|u| u == w);
        if is(0, "CREATE") && is(1, "TABLE") {
            let Some(open) = statement.find('(') else {
                continue;
            };
            let Some(close) = statement.rfind(')') else {
                continue;
            };
            let table = name(statement[..open].split_whitespace().last().unwrap_or(""));
            for def in top_level(&statement[open + 1..close]) {
                let mut parts = def.split_whitespace();
                let (Some(column), Some(kind)) = (parts.next(), parts.next()) else {
                    continue;
                };
                if let Some(h) = held_of(kind.trim_end_matches(',')) {
                    held.insert((table.clone(), name(column)), h);
                }
            }
        } else if is(0, "ALTER") && is(1, "TABLE") && words.len() > 3 {
            let table = name(words[2]);
            let rest = words[3..].join(" ");
            for clause in top_level(&rest) {
                let w: Vec<&str> = clause.split_whitespace().collect();
                let u: Vec<String> = w.iter().map(|x| x.to_ascii_uppercase()).collect();
                let at = |i: usize, s: &str| u.get(i).is_some_and(|x| x == s);
                if at(0, "ADD") && at(1, "COLUMN") && w.len() > 3 {
                    if let Some(h) = held_of(w[3]) {
                        held.insert((table.clone(), name(w[2])), h);
                    }
                } else if at(0, "RENAME") && at(1, "COLUMN") && at(3, "TO") && w.len() > 4 {
                    if let Some(h) = held.remove(&(table.clone(), name(w[2]))) {
                        held.insert((table.clone(), name(w[4])), h);
                    }
                } else if at(0, "ALTER") && at(1, "COLUMN") && w.len() > 4 {
                    let ty = u
                        .iter()
                        .position(|x| x == "TYPE")
                        .and_then(|i| w.get(i + 1));
                    if let Some(ty) = ty {
                        let key = (table.clone(), name(w[2]));
                        match held_of(ty) {
                            Some(h) => held.insert(key, h),
                            None => held.remove(&key),
                        };
                    }
                }
            }
        }
    }
}

/// An identifier without quotes, in lower case.
fn name(word: &str) -> String {
    word.trim_matches('"').to_ascii_lowercase()
}

/// The parts of a list separated by commas outside parentheses.
fn top_level(list: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0_i32;
    let mut current = String::new();
    for c in list.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_time_columns_are_found_through_renames() {
        let held = held_columns();
        let get = |t: &str, c: &str| held.get(&(t.to_owned(), c.to_owned())).copied();
        assert_eq!(get("cities", "aliases"), Some(Held::Json));
        assert_eq!(get("audit_log", "before"), Some(Held::Json));
        assert_eq!(get("audit_log", "at"), Some(Held::Time));
        assert_eq!(get("projects", "support_sought"), Some(Held::Json));
        assert_eq!(get("projects", "seeks"), None);
        assert_eq!(get("events", "starts_at"), Some(Held::Time));
        assert_eq!(get("cities", "name"), None);
        assert_eq!(get("events", "starts_on"), None);
    }
}
