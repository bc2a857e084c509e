//! SQL typed by an operator: checks behind the store's interface, for diagnostics and tests
//! (row counts, tampering with a copy to prove that verification notices). Never reached from
//! a request.

use crate::{Store, StoreResult, with_pool};

impl Store {
    /// The single integer a query answers (e.g. `SELECT COUNT(*) FROM audit_log`).
    pub async fn sql_i64(&self, sql: &str) -> StoreResult<i64> {
        Ok(with_pool!(self, pool => sqlx::query_scalar(sql).fetch_one(pool).await)?)
    }

    /// The rows a query answers, every column read as text.
    pub async fn sql_text_rows(&self, sql: &str) -> StoreResult<Vec<Vec<String>>> {
        use sqlx::Row;
        Ok(with_pool!(self, pool => {
            let rows = sqlx::query(sql).fetch_all(pool).await?;
            rows.iter()
                .map(|r| (0..r.len()).map(|i| r.try_get::<String, _>(i)).collect())
                .collect::<Result<Vec<Vec<String>>, sqlx::Error>>()
        })?)
    }

    /// Runs statements (separated by `;`) as they are.
    pub async fn sql_execute(&self, sql: &str) -> StoreResult<()> {
        with_pool!(self, pool => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()))?;
        Ok(())
    }
}
