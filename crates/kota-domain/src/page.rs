//! Pagination of lists.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The largest page a list returns.
pub const MAX_LIMIT: u32 = 500;
/// The page size when none is asked for.
pub const DEFAULT_LIMIT: u32 = 50;

/// Which slice of a list to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// How many items at most.
    pub limit: u32,
    /// How many items to skip.
    pub offset: u64,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self {
            limit: DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

impl PageRequest {
    /// A page request, refusing a limit outside `1..=MAX_LIMIT`.
    pub fn new(limit: Option<u32>, offset: Option<u64>) -> Result<Self, String> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(format!("Give how many to show, from 1 to {MAX_LIMIT}"));
        }
        Ok(Self {
            limit,
            offset: offset.unwrap_or(0),
        })
    }

    /// Everything, for pages that show a whole list.
    pub fn all() -> Self {
        Self {
            limit: u32::MAX,
            offset: 0,
        }
    }
}

/// One page of a list, with the total number of items that match.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// How many items match in all.
    pub total: u64,
    /// The page size used.
    pub limit: u32,
    /// How many items were skipped.
    pub offset: u64,
}
