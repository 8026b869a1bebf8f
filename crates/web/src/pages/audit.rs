//! The audit trail for operators and administrators, with the chain's verification.

use super::{Nav, PageError, head, layout, t};
use crate::ApiError;
use crate::lang::UiLang;
use crate::state::AppState;
use axum::extract::State;
use ismap_store::{Anchor, Verification};
use maud::{Markup, html};
use std::sync::Arc;

pub async fn page(
    State(state): State<Arc<AppState>>,
    UiLang(lang): UiLang,
) -> Result<Markup, PageError> {
    let err = |e: ismap_store::StoreError| PageError::from((lang, ApiError::from(e)));
    let store = state.db().map_err(|e| PageError::from((lang, e)))?;
    let verification = store.verify_audit(&[]).await.map_err(err)?;
    let events = store.audit_events(None, 200).await.map_err(err)?;
    let title = t(lang, "監査証跡", "Audit trail");
    Ok(layout(
        lang,
        title,
        Nav::Audit,
        "/audit",
        html! {
            h1 { (title) }
            @match &verification {
                Verification::Intact { events, head } => div.notice role="status" {
                    p { (t(lang, "ハッシュチェーンを検証しました。改ざんは検出されませんでした。", "The hash chain verifies: no tampering detected.")) " "
                        (events) (t(lang, " 件", " events")) }
                    p.hint { (t(lang, "外部に記録するアンカー（後日 ismap audit verify --anchor で照合）: ", "Anchor to record elsewhere (check it later with ismap audit verify --anchor): "))
                             code { (Anchor::head(*events, head)) } }
                },
                Verification::Broken { seq, problem } => div.error-box role="alert" {
                    p { (t(lang, "監査証跡が壊れています。最初の不整合: イベント ", "The audit trail is broken. First broken event: ")) (seq) }
                    p { (problem) }
                },
            }
            div.table-wrap { table {
                (head(lang, &[("番号", "Seq"), ("日時（日本時間）", "When (JST)"), ("実施者", "Who"), ("操作", "Action"), ("対象", "Subject")]))
                tbody { @for e in &events { tr {
                    td.num { (e.seq) } td { (super::japan_time(&e.at)) } td { (e.actor) } td { (e.action) } td { (e.subject) }
                } } }
            } }
        },
    ))
}
