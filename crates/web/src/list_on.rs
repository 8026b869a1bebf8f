//! The list on a date: the served snapshot for now, or the list rebuilt from the history for a
//! past date; the same for the API's searches and downloads and the registry page.

use crate::ApiError;
use crate::state::{AppState, Snapshot};
use chrono::NaiveDate;
use ismap_core::query::RegistryIndex;
use ismap_core::registry::Registry;
use std::sync::Arc;

/// The list now (the served snapshot) or as it was on a past date (from the history).
pub enum ListOn {
    Now(Arc<Snapshot>),
    Past(Arc<Registry>),
}

impl ListOn {
    pub fn registry(&self) -> &Registry {
        match self {
            ListOn::Now(s) => &s.registry,
            ListOn::Past(r) => r,
        }
    }
}

/// The list on `date` (the current snapshot when `date` is none).
pub async fn registry_on(state: &AppState, date: Option<NaiveDate>) -> Result<ListOn, ApiError> {
    let snapshot = state.snapshot();
    match date {
        None => Ok(ListOn::Now(snapshot)),
        Some(d) => Ok(ListOn::Past(state.registry_as_of(state.db()?, d).await?)),
    }
}

/// A list to search: the served one with its index, or a past one with an index built for it.
pub enum Searchable {
    Now(Arc<Snapshot>),
    Past(Box<(Arc<Registry>, RegistryIndex)>),
}

impl Searchable {
    pub async fn on(state: &AppState, as_of: Option<NaiveDate>) -> Result<Searchable, ApiError> {
        Ok(match registry_on(state, as_of).await? {
            ListOn::Now(s) => Searchable::Now(s),
            ListOn::Past(r) => {
                let index = RegistryIndex::new(&r);
                Searchable::Past(Box::new((r, index)))
            }
        })
    }

    pub fn registry(&self) -> &Registry {
        match self {
            Searchable::Now(s) => &s.registry,
            Searchable::Past(past) => &past.0,
        }
    }

    pub fn index(&self) -> &RegistryIndex {
        match self {
            Searchable::Now(s) => &s.index,
            Searchable::Past(past) => &past.1,
        }
    }
}
