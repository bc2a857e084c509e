//! The editable records, one module each: the SQL that saves the record and its [`Edit`]s
//! (crate::edit::Edit), which plug into the one edit pipeline. A new record adds a module
//! here (see `docs/architecture.md`).

pub mod brokerage;
pub mod chair;
pub mod city_profile;
pub mod comment;
pub mod event;
pub mod focus_area;
pub mod indicator;
pub mod interest;
pub mod meeting_request;
pub mod membership;
pub mod partner_profile;
pub mod plan;
pub mod project;
pub mod project_merge;
pub mod round;
pub mod story;
pub mod twinning;

use kota_domain::edit::Checked;

use crate::StoreResult;
use crate::conn::{Conn, on_conn};
use crate::edit::{WriteError, WriteResult};

/// A check's field errors as the pipeline's error.
fn checked(result: Checked) -> WriteResult<()> {
    result.map_err(WriteError::Invalid)
}

impl Conn<'_> {
    /// The ids of the framework's focus areas, in order.
    pub async fn focus_area_ids(&mut self) -> StoreResult<Vec<String>> {
        Ok(
            on_conn!(self, c => sqlx::query_scalar("SELECT id FROM focus_areas ORDER BY position").fetch_all(&mut *c).await)?,
        )
    }

    /// The ISO codes of the member states.
    pub async fn state_codes(&mut self) -> StoreResult<Vec<String>> {
        Ok(
            on_conn!(self, c => sqlx::query_scalar("SELECT iso2 FROM member_states ORDER BY iso2").fetch_all(&mut *c).await)?,
        )
    }
}
