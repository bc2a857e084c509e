//! One database connection, borrowed for a while: a pooled connection that serves a read, or
//! the connection of a write transaction. Every query of the store runs on a [`Conn`], so a
//! write reads what it is about to change on its own connection and never waits for a second
//! one while it holds the write lock.

use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, Postgres, Sqlite, SqliteConnection};

/// A connection of either backend, borrowed.
pub struct Conn<'c> {
    pub(crate) raw: Raw<'c>,
}

/// The backend's own connection.
pub(crate) enum Raw<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

/// Runs the same code on whichever connection a [`Conn`] holds:
/// `on_conn!(conn, c => query.fetch_all(&mut *c).await)`; or, where the backends must differ
/// (text search, say), an arm each: `on_conn!(conn, sqlite c => …, postgres c => …)`.
macro_rules! on_conn {
    ($conn:expr, sqlite $s:ident => $sqlite:expr, postgres $p:ident => $postgres:expr) => {
        match &mut $conn.raw {
            $crate::conn::Raw::Sqlite($s) => {
                let $s: &mut sqlx::SqliteConnection = &mut **$s;
                $sqlite
            }
            $crate::conn::Raw::Postgres($p) => {
                let $p: &mut sqlx::PgConnection = &mut **$p;
                $postgres
            }
        }
    };
    ($conn:expr, $c:ident => $body:expr) => {
        match &mut $conn.raw {
            $crate::conn::Raw::Sqlite($c) => {
                let $c: &mut sqlx::SqliteConnection = &mut **$c;
                $body
            }
            $crate::conn::Raw::Postgres($c) => {
                let $c: &mut sqlx::PgConnection = &mut **$c;
                $body
            }
        }
    };
}
pub(crate) use on_conn;

impl Conn<'_> {
    /// Whether this is a PostgreSQL connection (for the few statements whose text differs).
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self.raw, Raw::Postgres(_))
    }
}

impl<'c> From<&'c mut SqliteConnection> for Conn<'c> {
    fn from(c: &'c mut SqliteConnection) -> Self {
        Self {
            raw: Raw::Sqlite(c),
        }
    }
}

impl<'c> From<&'c mut PgConnection> for Conn<'c> {
    fn from(c: &'c mut PgConnection) -> Self {
        Self {
            raw: Raw::Postgres(c),
        }
    }
}

/// A connection taken from the read pool, given back when dropped.
pub(crate) enum Pooled {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

impl Pooled {
    /// The connection, borrowed.
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        let raw = match self {
            Self::Sqlite(c) => Raw::Sqlite(c),
            Self::Postgres(c) => Raw::Postgres(c),
        };
        Conn { raw }
    }
}
