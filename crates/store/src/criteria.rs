//! Criteria catalogs in the database, one set of rows per version.

use crate::entity::{criteria_section, criterion};
use crate::{Result, Store, StoreError, insert_batches};
use ismap_core::criteria::{Bilingual, Catalog, Criterion, Section};
use ismap_core::ids::ControlId;
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};

fn bilingual(ja: &Option<String>, en: &Option<String>) -> Bilingual {
    Bilingual {
        ja: ja.clone(),
        en: en.clone(),
    }
}

impl Store {
    /// Stores `catalog` unless its version is already present. Returns whether it was added.
    pub async fn ensure_criteria(&self, catalog: &Catalog) -> Result<bool> {
        let present = criterion::Entity::find()
            .filter(criterion::Column::Version.eq(catalog.version()))
            .limit(1)
            .one(&self.db)
            .await?
            .is_some();
        if present {
            return Ok(false);
        }
        self.save_criteria(catalog).await?;
        Ok(true)
    }

    /// Stores `catalog`, replacing whatever its version held, in one transaction.
    pub async fn save_criteria(&self, catalog: &Catalog) -> Result<()> {
        let txn = self.db.begin().await?;
        criterion::Entity::delete_many()
            .filter(criterion::Column::Version.eq(catalog.version()))
            .exec(&txn)
            .await?;
        criteria_section::Entity::delete_many()
            .filter(criteria_section::Column::Version.eq(catalog.version()))
            .exec(&txn)
            .await?;
        let rows: Vec<criterion::ActiveModel> = catalog
            .criteria()
            .iter()
            .enumerate()
            .map(|(position, c)| criterion::ActiveModel {
                version: Set(catalog.version().to_owned()),
                id: Set(c.id.to_string()),
                position: Set(position as i32),
                part: Set(c.part.as_str().to_owned()),
                level: Set(c.level.as_str().to_owned()),
                parent: Set(c.parent.clone()),
                domain: Set(c.domain.clone()),
                category: Set(c.category.clone()),
                source_standard: Set(c.source_standard.clone()),
                title_ja: Set(c.title.ja.clone()),
                title_en: Set(c.title.en.clone()),
                text_ja: Set(c.text.ja.clone()),
                text_en: Set(c.text.en.clone()),
            })
            .collect();
        insert_batches(&txn, rows).await?;
        let sections: Vec<criteria_section::ActiveModel> = catalog
            .sections()
            .iter()
            .map(|s| criteria_section::ActiveModel {
                version: Set(catalog.version().to_owned()),
                id: Set(s.id.clone()),
                kind: Set(s.kind.clone()),
                title_ja: Set(s.title.ja.clone()),
                title_en: Set(s.title.en.clone()),
            })
            .collect();
        insert_batches(&txn, sections).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The criteria versions held, oldest first.
    pub async fn criteria_versions(&self) -> Result<Vec<String>> {
        let versions: Vec<String> = criterion::Entity::find()
            .select_only()
            .column(criterion::Column::Version)
            .distinct()
            .order_by_asc(criterion::Column::Version)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(versions)
    }

    /// The criteria the list is read with: `primary` (profiles and reports use it), with every
    /// other stored version merged in, so that each entry is read under its own version.
    pub async fn load_criteria(&self, primary: &str) -> Result<Catalog> {
        let mut catalog = self.load_catalog(primary).await?;
        for version in self.criteria_versions().await? {
            if version != primary {
                let other = self.load_catalog(&version).await?;
                catalog = catalog.merge(&other).map_err(|e| StoreError::Corrupt {
                    table: "criterion",
                    key: version.clone(),
                    message: e.to_string(),
                })?;
            }
        }
        Ok(catalog)
    }

    pub async fn load_catalog(&self, version: &str) -> Result<Catalog> {
        let rows = criterion::Entity::find()
            .filter(criterion::Column::Version.eq(version))
            .order_by_asc(criterion::Column::Position)
            .all(&self.db)
            .await?;
        if rows.is_empty() {
            return Err(StoreError::UnknownVersion(version.to_owned()));
        }
        let corrupt = |id: &str, message: String| StoreError::Corrupt {
            table: "criterion",
            key: id.to_owned(),
            message,
        };
        let mut criteria = Vec::with_capacity(rows.len());
        for r in rows {
            criteria.push(Criterion {
                id: ControlId::parse(&r.id).map_err(|e| corrupt(&r.id, e.to_string()))?,
                part: r.part.parse().map_err(|e| corrupt(&r.id, e))?,
                level: r.level.parse().map_err(|e| corrupt(&r.id, e))?,
                title: bilingual(&r.title_ja, &r.title_en),
                text: bilingual(&r.text_ja, &r.text_en),
                parent: r.parent,
                domain: r.domain,
                category: r.category,
                source_standard: r.source_standard,
            });
        }
        let sections = criteria_section::Entity::find()
            .filter(criteria_section::Column::Version.eq(version))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| Section {
                title: bilingual(&s.title_ja, &s.title_en),
                id: s.id,
                kind: s.kind,
            })
            .collect();
        Catalog::new(version, criteria, sections).map_err(|e| corrupt(version, e.to_string()))
    }
}
