//! Accounts: the e-mail address that is a person's login, the name others see them by, the
//! password policy, the names of API tokens, and which part of the network each role is bound
//! to.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::access::Role;

/// The fewest characters a password may have.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// The most bytes a password may have (hashing cost stays bounded).
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// The fewest different characters a password may have.
const MIN_DISTINCT_CHARS: usize = 5;
/// The longest e-mail address (RFC 5321 path limit).
const MAX_EMAIL_BYTES: usize = 254;
/// The longest name of an API token, in characters.
pub const MAX_TOKEN_NAME_CHARS: usize = 100;
/// The longest display name, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 100;

/// Why an account value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountRuleError {
    /// The login is not an e-mail address.
    #[error("Give your e-mail address as name@example.org (“{0}” is not one)")]
    InvalidEmail(String),
    /// No password was given.
    #[error("Give a password")]
    EmptyPassword,
    /// The password is too short.
    #[error("Use at least {MIN_PASSWORD_CHARS} characters for the password")]
    ShortPassword,
    /// The password is too long.
    #[error("Use a shorter password: at most {MAX_PASSWORD_BYTES} letters, digits or signs")]
    LongPassword,
    /// The password is easy to guess.
    #[error("Choose a password that is harder to guess: {0}")]
    GuessablePassword(&'static str),
    /// The name of an API token is empty, too long or has control characters.
    #[error("Give the token a name of 1 to {MAX_TOKEN_NAME_CHARS} characters, on one line")]
    InvalidTokenName,
    /// A display name is empty, too long or has control characters.
    #[error("Give your name in 1 to {MAX_DISPLAY_NAME_CHARS} characters, on one line")]
    InvalidDisplayName,
    /// A display name has an `@`: it could be or hold an e-mail address, which others would
    /// then see.
    #[error(
        "Leave the @ out of your name: others see your name, and e-mail addresses are not shown"
    )]
    DisplayNameWithAt,
}

impl AccountRuleError {
    /// What is wrong, as the code a field error carries beside these words.
    pub fn code(&self) -> crate::edit::Code {
        use crate::edit::Code;
        match self {
            Self::EmptyPassword => Code::Required,
            Self::ShortPassword => Code::TooShort,
            Self::LongPassword => Code::TooLong,
            Self::GuessablePassword(_) => Code::TooWeak,
            Self::InvalidEmail(_)
            | Self::InvalidTokenName
            | Self::InvalidDisplayName
            | Self::DisplayNameWithAt => Code::InvalidFormat,
        }
    }
}

/// An e-mail address used as a login: trimmed and in lower case, so that logins compare
/// without regard to case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Checks and normalises an address: one `@` with text on both sides, a dot in the domain,
    /// no spaces or control characters, at most 254 bytes.
    pub fn parse(raw: &str) -> Result<Self, AccountRuleError> {
        let normalised = normalise_login(raw);
        let invalid = || AccountRuleError::InvalidEmail(raw.trim().to_owned());
        if normalised.len() > MAX_EMAIL_BYTES
            || normalised
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(invalid());
        }
        match normalised.split_once('@') {
            Some((local, domain))
                if !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.') =>
            {
                Ok(Self(normalised))
            }
            _ => Err(invalid()),
        }
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A login as typed, normalised the way stored addresses are (trimmed, lower case), whether
/// or not it is a valid address: the key under which failed sign-ins are counted.
pub fn normalise_login(raw: &str) -> String {
    raw.trim().to_lowercase()
}

/// Checks a new password: long enough, not too long, not one or a few characters repeated,
/// and not containing the login's name part.
pub fn check_password(password: &str, login: &Email) -> Result<(), AccountRuleError> {
    if password.is_empty() {
        return Err(AccountRuleError::EmptyPassword);
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(AccountRuleError::LongPassword);
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AccountRuleError::ShortPassword);
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < MIN_DISTINCT_CHARS {
        return Err(AccountRuleError::GuessablePassword(
            "it uses too few different characters",
        ));
    }
    let name = login.as_str().split('@').next().unwrap_or("");
    if name.chars().count() >= 3 && password.to_lowercase().contains(name) {
        return Err(AccountRuleError::GuessablePassword(
            "it contains your e-mail address",
        ));
    }
    Ok(())
}

/// Checks and trims the name of an API token.
pub fn check_token_name(raw: &str) -> Result<String, AccountRuleError> {
    let name = raw.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_TOKEN_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(AccountRuleError::InvalidTokenName);
    }
    Ok(name.to_owned())
}

/// Checks and trims a display name (the name others see a person by): 1 to 100 characters,
/// no control characters, and no `@` (so that it neither is nor holds an e-mail address).
pub fn check_display_name(raw: &str) -> Result<String, AccountRuleError> {
    let name = raw.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_DISPLAY_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(AccountRuleError::InvalidDisplayName);
    }
    if name.contains('@') {
        return Err(AccountRuleError::DisplayNameWithAt);
    }
    Ok(name.to_owned())
}

/// The part of the network a role binds a person to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    /// One city (city officers).
    City,
    /// One member state (national representatives).
    MemberState,
    /// One partner (partner representatives).
    Partner,
    /// None: coordinators and administrators act network-wide.
    Network,
}

impl ScopeKind {
    /// What a role is bound to.
    pub fn of(role: Role) -> Self {
        match role {
            Role::CityOfficer => Self::City,
            Role::NationalRepresentative => Self::MemberState,
            Role::PartnerRepresentative => Self::Partner,
            Role::Coordinator | Role::Admin => Self::Network,
        }
    }

    /// What it is called in messages.
    pub fn noun(self) -> &'static str {
        match self {
            Self::City => "a city",
            Self::MemberState => "a member state",
            Self::Partner => "a partner",
            Self::Network => "no city, member state or partner",
        }
    }
}

/// An API token as its owner sees it: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ApiToken {
    /// Stable id.
    pub id: Uuid,
    /// What its owner called it.
    pub name: String,
    /// The first characters of the secret, to recognise it by.
    pub prefix: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was last used (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked; a revoked token no longer works.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A token just made, with its secret: shown once, then only its digest remains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct IssuedToken {
    /// The token.
    pub token: ApiToken,
    /// The secret to send as `Authorization: Bearer <secret>`; it cannot be shown again.
    pub secret: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        let e = Email::parse("  Officer@Bangkok.GO.th ").expect("valid");
        assert_eq!(e.as_str(), "officer@bangkok.go.th");
        for bad in [
            "",
            "officer",
            "@bangkok.go.th",
            "officer@",
            "officer@localhost",
            "a b@c.org",
            "a@b@c.org",
            "a@.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn weak_passwords_are_refused() {
        let login = Email::parse("somchai@bangkok.go.th").expect("valid");
        assert_eq!(
            check_password("", &login),
            Err(AccountRuleError::EmptyPassword)
        );
        assert_eq!(
            check_password("short pw", &login),
            Err(AccountRuleError::ShortPassword)
        );
        assert!(check_password("aaaaaaaaaaaaaaaa", &login).is_err());
        assert!(check_password("121212121212", &login).is_err());
        assert!(check_password("Somchai-2024-pass", &login).is_err());
        assert!(check_password(&"x1".repeat(600), &login).is_err());
        assert!(check_password("river tram lantern 42", &login).is_ok());
    }

    #[test]
    fn token_names_are_trimmed_and_bounded() {
        assert_eq!(check_token_name("  CI deploy "), Ok("CI deploy".into()));
        assert!(check_token_name("   ").is_err());
        assert!(check_token_name("a\nb").is_err());
        assert!(check_token_name(&"n".repeat(101)).is_err());
    }

    #[test]
    fn display_names_are_trimmed_bounded_and_hold_no_address() {
        assert_eq!(
            check_display_name("  Nguyen Van A "),
            Ok("Nguyen Van A".into())
        );
        assert_eq!(check_display_name("สมชาย ใจดี"), Ok("สมชาย ใจดี".into()));
        assert_eq!(
            check_display_name(&"ก".repeat(100)).map(|n| n.chars().count()),
            Ok(100)
        );
        for bad in ["", "  ", "a\u{0}b", "tab\there", &"n".repeat(101)] {
            assert_eq!(
                check_display_name(bad),
                Err(AccountRuleError::InvalidDisplayName),
                "{bad:?}"
            );
        }
        for address in ["Officer@Da-Nang.gov.vn", "A (a@danang.gov.vn)"] {
            assert_eq!(
                check_display_name(address),
                Err(AccountRuleError::DisplayNameWithAt)
            );
        }
    }

    #[test]
    fn each_role_is_bound_to_its_part_of_the_network() {
        assert_eq!(ScopeKind::of(Role::CityOfficer), ScopeKind::City);
        assert_eq!(
            ScopeKind::of(Role::NationalRepresentative),
            ScopeKind::MemberState
        );
        assert_eq!(
            ScopeKind::of(Role::PartnerRepresentative),
            ScopeKind::Partner
        );
        assert_eq!(ScopeKind::of(Role::Coordinator), ScopeKind::Network);
        assert_eq!(ScopeKind::of(Role::Admin), ScopeKind::Network);
    }

    #[test]
    fn refusals_are_sentences_a_person_reads_with_a_code() {
        use crate::edit::Code;
        let login = Email::parse("somchai@bangkok.go.th").unwrap_or_else(|_| unreachable!());
        let said = |r: Result<(), AccountRuleError>| {
            r.err()
                .map(|e| (e.code(), e.to_string()))
                .unwrap_or((Code::Conflict, String::new()))
        };
        assert_eq!(
            said(check_password("short", &login)),
            (
                Code::TooShort,
                "Use at least 12 characters for the password".into()
            )
        );
        assert_eq!(
            said(check_password("", &login)),
            (Code::Required, "Give a password".into())
        );
        assert_eq!(
            said(check_password("somchai-somchai-2024", &login)),
            (
                Code::TooWeak,
                "Choose a password that is harder to guess: it contains your e-mail address".into()
            )
        );
        assert_eq!(
            check_display_name("a@b").err().map(|e| e.to_string()),
            Some(
                "Leave the @ out of your name: others see your name, and e-mail addresses are not shown"
                    .into()
            )
        );
    }
}
