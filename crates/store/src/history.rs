//! The list's history: every version of every entry, dated from when the list showed it.
//! Imports and lifecycle decisions append to it in the transaction that changes the list; the
//! list on any date is the latest version of each entry effective on or before that date.

use crate::entity::list_event;
use crate::registry::{Rows, from_rows};
use crate::{Result, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use ismap_core::criteria::Catalog;
use ismap_core::history::{EntryChange, registration_changes};
use ismap_core::ids::RegistrationNumber;
use ismap_core::registration::Registration;
use ismap_core::registry::Registry;
use ismap_core::validity::ExpiryRule;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use std::collections::HashMap;

/// One change on the list, for the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListEvent {
    pub seq: i64,
    pub effective_on: NaiveDate,
    pub recorded_at: DateTime<Utc>,
    pub change: EntryChange,
}

/// The effective date of the latest version of `registration_no` on the list history.
pub(crate) async fn latest_effective<C: ConnectionTrait>(
    db: &C,
    registration_no: &str,
) -> Result<Option<NaiveDate>> {
    Ok(list_event::Entity::find()
        .filter(list_event::Column::RegistrationNo.eq(registration_no))
        .order_by_desc(list_event::Column::EffectiveOn)
        .one(db)
        .await?
        .map(|e| e.effective_on))
}

/// Appends a version of an entry. The history only grows forward: a version effective before
/// the entry's latest one would rewrite what the list showed on past dates, so it is refused.
pub(crate) async fn append_list_event<C: ConnectionTrait>(
    db: &C,
    registration_no: &str,
    effective_on: NaiveDate,
    rows: Option<&Rows>,
) -> Result<()> {
    // Readers follow the list by event number (`Store::changed_since`): an event numbered
    // before another must not commit after it.
    crate::audit::lock_head(db).await?;
    if let Some(latest) = latest_effective(db, registration_no).await?
        && effective_on < latest
    {
        return Err(StoreError::Backdated {
            registration_no: registration_no.to_owned(),
            effective_on,
            latest,
        });
    }
    list_event::ActiveModel {
        effective_on: Set(effective_on),
        recorded_at: Set(Utc::now()),
        registration_no: Set(registration_no.to_owned()),
        document: Set(rows.map(|r| serde_json::to_string(r).unwrap_or_default())),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

fn entry(event: &list_event::Model, catalog: &Catalog) -> Result<Option<Registration>> {
    let Some(doc) = &event.document else {
        return Ok(None);
    };
    let (model, statements): Rows = serde_json::from_str(doc).map_err(|e| StoreError::Corrupt {
        table: "list_event",
        key: event.seq.to_string(),
        message: e.to_string(),
    })?;
    from_rows(model, statements, catalog).map(Some)
}

impl Store {
    /// A number that grows whenever the list changes (through any server).
    pub async fn list_revision(&self) -> Result<i64> {
        let last = list_event::Entity::find()
            .order_by_desc(list_event::Column::Seq)
            .one(&self.db)
            .await?;
        Ok(last.map_or(0, |e| e.seq))
    }

    /// The registration numbers the list events after revision `after` name, each once.
    pub async fn changed_since(&self, after: i64) -> Result<Vec<String>> {
        let numbers = list_event::Entity::find()
            .select_only()
            .column(list_event::Column::RegistrationNo)
            .filter(list_event::Column::Seq.gt(after))
            .order_by_asc(list_event::Column::Seq)
            .into_tuple::<String>()
            .all(&self.db)
            .await?;
        let mut seen = std::collections::HashSet::new();
        Ok(numbers
            .into_iter()
            .filter(|no| seen.insert(no.clone()))
            .collect())
    }

    /// The list as it was on `date`: for each entry, the version with the latest effective
    /// date on or before it (the later recorded one on the same date). Only the winning
    /// versions are decoded.
    pub async fn registry_as_of(&self, date: NaiveDate, catalog: &Catalog) -> Result<Registry> {
        let events = list_event::Entity::find()
            .filter(list_event::Column::EffectiveOn.lte(date))
            .order_by_asc(list_event::Column::EffectiveOn)
            .order_by_asc(list_event::Column::Seq)
            .all(&self.db)
            .await?;
        let mut latest: HashMap<&str, &list_event::Model> = HashMap::new();
        for e in &events {
            latest.insert(e.registration_no.as_str(), e);
        }
        let mut winners: Vec<&list_event::Model> = latest.into_values().collect();
        // In the order the winning versions were recorded: stable from one call to the next.
        winners.sort_by_key(|e| e.seq);
        let mut entries = Vec::with_capacity(winners.len());
        for e in winners {
            if let Some(r) = entry(e, catalog)? {
                entries.push(r);
            }
        }
        Registry::new(entries).map_err(|e| StoreError::Corrupt {
            table: "list_event",
            key: e.no.to_string(),
            message: "duplicate registration number".into(),
        })
    }

    /// What changed on the list from `from` to `to`.
    pub async fn list_diff(
        &self,
        (from, to): (NaiveDate, NaiveDate),
        catalog: &Catalog,
        rule: ExpiryRule,
    ) -> Result<Vec<EntryChange>> {
        let before = self.registry_as_of(from, catalog).await?;
        let after = self.registry_as_of(to, catalog).await?;
        Ok(ismap_core::history::diff(&before, &after, rule))
    }

    /// The latest changes, newest first, each described against the entry's previous version.
    pub async fn list_changes(
        &self,
        limit: u64,
        catalog: &Catalog,
        rule: ExpiryRule,
    ) -> Result<Vec<ListEvent>> {
        let events = list_event::Entity::find()
            .order_by_desc(list_event::Column::Seq)
            .limit(limit)
            .all(&self.db)
            .await?;
        let mut out = Vec::with_capacity(events.len());
        for e in events {
            let previous = list_event::Entity::find()
                .filter(list_event::Column::RegistrationNo.eq(e.registration_no.as_str()))
                .filter(list_event::Column::Seq.lt(e.seq))
                .order_by_desc(list_event::Column::Seq)
                .one(&self.db)
                .await?;
            let before = match &previous {
                Some(p) => entry(p, catalog)?,
                None => None,
            };
            let after = entry(&e, catalog)?;
            let no = RegistrationNumber::parse(&e.registration_no).map_err(|err| {
                StoreError::Corrupt {
                    table: "list_event",
                    key: e.seq.to_string(),
                    message: err.to_string(),
                }
            })?;
            let change = match (before, after) {
                (None, Some(a)) => EntryChange::Added {
                    registration_no: no,
                    service_name: a.service_name,
                },
                (Some(b), None) => EntryChange::Removed {
                    registration_no: no,
                    service_name: b.service_name,
                },
                (Some(b), Some(a)) => EntryChange::Changed {
                    registration_no: no,
                    fields: registration_changes(&b, &a, rule),
                    service_name: a.service_name,
                },
                (None, None) => continue,
            };
            out.push(ListEvent {
                seq: e.seq,
                effective_on: e.effective_on,
                recorded_at: e.recorded_at,
                change,
            });
        }
        Ok(out)
    }

    /// Databases made before the history existed: their entries enter it as of their
    /// registration dates, once.
    pub(crate) async fn backfill_history(&self) -> Result<()> {
        if list_event::Entity::find().count(&self.db).await? > 0 {
            return Ok(());
        }
        let rows = self.stored_rows().await?;
        if rows.is_empty() {
            return Ok(());
        }
        use sea_orm::TransactionTrait;
        let txn = self.db.begin().await?;
        for r in &rows {
            append_list_event(&txn, &r.0.registration_no, r.0.registered_on, Some(r)).await?;
        }
        txn.commit().await?;
        Ok(())
    }
}
