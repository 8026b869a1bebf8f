//! A procurement case's record as a workbook, one sheet per part: the case and its decision,
//! the comparison, every entry with its resolution, the evidence register, the snapshot
//! history and the files kept. Frozen headers and filters, as in the check's workbook;
//! text is written as text (a cell starting with `=` is never a formula).

use crate::xlsx::status_format;
use ismap_core::case::evidence::columns;
use ismap_core::case::record::CaseExport;
use ismap_core::check::Status;
use ismap_core::lang::Lang;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

/// Japan time, to the minute.
fn jst(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).expect("UTC+9"))
        .format("%Y-%m-%d %H:%M JST")
        .to_string()
}

fn or_dash(s: Option<String>) -> String {
    s.filter(|s| !s.is_empty())
        .unwrap_or_else(|| "-".to_owned())
}

/// A sheet with a bold header row, frozen, filtered, and `rows` below it.
fn table(
    book: &mut Workbook,
    name: &str,
    header: &[&str],
    rows: Vec<Vec<String>>,
    widths: &[f64],
) -> Result<(), XlsxError> {
    let head = Format::new()
        .set_bold()
        .set_background_color("#DCE6F1")
        .set_text_wrap();
    let wrap = Format::new().set_text_wrap();
    let sheet: &mut Worksheet = book.add_worksheet().set_name(name)?;
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &head)?;
        sheet.set_column_width(c as u16, widths.get(c).copied().unwrap_or(16.0))?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string_with_format(r as u32 + 1, c as u16, v, &wrap)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    if !rows.is_empty() {
        sheet.autofilter(0, 0, rows.len() as u32, header.len() as u16 - 1)?;
    }
    Ok(())
}

fn build(record: &CaseExport, lang: Lang) -> Result<Workbook, XlsxError> {
    let l = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    let case = &record.case;
    let mut book = Workbook::new();

    // 案件: the facts and the decision, as label / value rows.
    let mut facts = vec![
        (l("調達件名", "Case"), case.name.clone()),
        (l("組織", "Organisation"), case.organisation.clone()),
        (l("状態", "State"), case.state.clone()),
        (l("起案者", "Opened by"), case.created_by.clone()),
        (l("作成日時", "Opened at"), jst(case.created_at)),
        (
            l("要件の版", "Profile version"),
            case.profile_version.to_string(),
        ),
    ];
    if let Some(s) = &case.snapshot {
        facts.extend([
            (l("確認（回）", "Snapshot"), s.seq.to_string()),
            (l("評価日", "Evaluated on"), s.evaluated_on.to_string()),
            (l("管理基準", "Criteria"), s.criteria_version.clone()),
            (l("有効期限の計算", "Expiry rule"), s.expiry_rule.clone()),
            (
                l("ISMAPクラウドサービスリストの SHA-256", "Registry SHA-256"),
                s.registry_sha256.clone(),
            ),
            (
                l("ISMAPクラウドサービスリストの版", "Registry revision"),
                or_dash(s.registry_revision.map(|r| r.to_string())),
            ),
        ]);
    }
    if let Some(c) = &case.chosen {
        facts.push((l("選定したサービス", "Chosen service"), c.title()));
    }
    if let Some(d) = &case.decision {
        facts.extend([
            (l("判断日", "Decided on"), d.decided_on.to_string()),
            (l("選定理由", "Reason"), d.reason.clone()),
            (l("判断の起案者", "Proposed by"), d.decided_by.clone()),
            (l("承認者", "Approved by"), or_dash(d.approved_by.clone())),
            (
                l("承認日時", "Approved at"),
                or_dash(d.approved_at.map(jst)),
            ),
        ]);
    }
    if case.premise_changed {
        facts.push((
            l("判断の前提", "Premises"),
            l(
                "判断後の再確認で前提の変化を検知し、新しい確認を記録しました（判断の前提が変わりました）",
                "A list change was detected after the decision and a new snapshot recorded",
            )
            .to_owned(),
        ));
    }
    facts.push((
        l(
            "監査証跡の最新記録（連番:ハッシュ）",
            "Latest audit-trail event (seq:hash)",
        ),
        or_dash(record.audit_head.clone()),
    ));
    table(
        &mut book,
        l("案件", "Case"),
        &[l("項目", "Item"), l("内容", "Value")],
        facts
            .into_iter()
            .map(|(k, v)| vec![k.to_owned(), v])
            .collect(),
        &[22.0, 90.0],
    )?;

    table(
        &mut book,
        l("比較", "Comparison"),
        &[
            l("登録番号", "Registration"),
            l("判定", "Verdict"),
            l("対応後", "After resolutions"),
            l("判定（説明）", "Verdict (explained)"),
        ],
        case.candidates
            .iter()
            .map(|c| {
                vec![
                    c.registration_no.clone(),
                    c.verdict.label(lang).to_owned(),
                    c.verdict_after_resolutions.label(lang).to_owned(),
                    c.verdict_text.clone(),
                ]
            })
            .collect(),
        &[14.0, 10.0, 10.0, 60.0],
    )?;

    let findings_header = [
        l("項目", "Entry"),
        l("登録番号", "Registration"),
        l("確認", "Check"),
        l("判定", "Status"),
        l("コード", "Code"),
        l("対象", "Subject"),
        l("理由", "Reason"),
        l("対応", "Action"),
        l("対応状況", "State"),
        l("対応の種類", "Resolution"),
        l("対応内容", "Text"),
        l("文書番号", "Document"),
        l("根拠", "Legal basis"),
        l("添付 SHA-256", "Attachment SHA-256"),
        l("起案者", "Proposed by"),
        l("承認者", "Approved by"),
        l("承認日時", "Approved at"),
    ];
    let rows = case
        .entries
        .iter()
        .map(|e| {
            let r = e.resolution.as_ref();
            let state = match (e.entry.status, r, e.settled) {
                (Status::Pass, _, _) => "-",
                (_, None, _) => l("未対応", "open"),
                (_, Some(_), true) => l("対応済み", "settled"),
                (_, Some(_), false) => l("承認待ち", "awaiting approval"),
            };
            vec![
                e.entry.entry.to_string(),
                e.entry.registration_no.clone(),
                e.entry.check.clone(),
                e.entry.status.label(lang).to_owned(),
                e.entry.code.clone(),
                or_dash(e.entry.subject.clone()),
                e.entry.reason.clone(),
                or_dash(e.entry.action.clone()),
                state.to_owned(),
                or_dash(r.map(|r| r.kind.label(lang).to_owned())),
                or_dash(r.map(|r| r.text.clone())),
                or_dash(r.and_then(|r| {
                    r.document.as_ref().map(|d| match d.date {
                        Some(date) => format!("{}（{date}）", d.number),
                        None => d.number.clone(),
                    })
                })),
                or_dash(r.and_then(|r| r.legal_basis.clone())),
                or_dash(r.and_then(|r| r.attachment.clone())),
                or_dash(r.map(|r| r.by.clone())),
                or_dash(r.and_then(|r| r.approved_by.clone())),
                or_dash(r.and_then(|r| r.approved_at.map(jst))),
            ]
        })
        .collect();
    table(
        &mut book,
        l("確認結果と対応", "Findings"),
        &findings_header,
        rows,
        &[
            6.0, 13.0, 10.0, 9.0, 14.0, 12.0, 50.0, 30.0, 12.0, 14.0, 40.0, 16.0, 24.0, 20.0, 12.0,
            12.0, 18.0,
        ],
    )?;
    // The status column, coloured as in the check's workbook.
    if let Some(sheet) = book.worksheets_mut().last_mut() {
        for (i, e) in case.entries.iter().enumerate() {
            sheet.write_string_with_format(
                i as u32 + 1,
                3,
                e.entry.status.label(lang),
                &status_format(e.entry.status),
            )?;
        }
    }

    let mut evidence_header = columns(lang).to_vec();
    evidence_header.push(l("期限超過", "Overdue"));
    table(
        &mut book,
        l("責任分界（利用者側）", "Customer duties"),
        &evidence_header,
        case.duties
            .iter()
            .map(|d| {
                let r = d.row.as_ref();
                let mut title = d.title.clone();
                if d.retired {
                    title.push_str(l("（現在の確認結果にない責任）", " (no longer listed)"));
                }
                vec![
                    title,
                    or_dash(r.map(|r| r.activity.clone())),
                    or_dash(r.map(|r| r.performer.label(lang).to_owned())),
                    or_dash(r.map(|r| r.frequency.clone())),
                    or_dash(r.map(|r| r.evidence.clone())),
                    or_dash(r.map(|r| r.location.clone())),
                    or_dash(r.map(|r| r.retention.clone())),
                    or_dash(r.and_then(|r| r.last_checked.map(|d| d.to_string()))),
                    or_dash(r.and_then(|r| r.checked_by.clone())),
                    or_dash(r.and_then(|r| r.next_due.map(|d| d.to_string()))),
                    if d.overdue {
                        l("期限超過", "overdue")
                    } else {
                        "-"
                    }
                    .to_owned(),
                ]
            })
            .collect(),
        &[
            22.0, 36.0, 12.0, 12.0, 20.0, 20.0, 10.0, 12.0, 14.0, 12.0, 10.0,
        ],
    )?;

    table(
        &mut book,
        l("確認履歴", "Snapshots"),
        &[
            l("回", "Snapshot"),
            l("評価日", "Evaluated on"),
            l("要件の版", "Profile version"),
            l("管理基準", "Criteria"),
            l("ISMAPクラウドサービスリストの SHA-256", "Registry SHA-256"),
            l("ISMAPクラウドサービスリストの版", "Registry revision"),
            l("適合", "Pass"),
            l("要確認", "Review"),
            l("不適合", "Fail"),
        ],
        record
            .snapshots
            .iter()
            .map(|s| {
                let count = |st: Status| {
                    s.entries
                        .iter()
                        .filter(|e| e.status == st)
                        .count()
                        .to_string()
                };
                vec![
                    s.seq.to_string(),
                    s.evaluated_on.to_string(),
                    s.profile_version.to_string(),
                    s.criteria_version.clone(),
                    s.registry_sha256.clone(),
                    or_dash(s.registry_revision.map(|r| r.to_string())),
                    count(Status::Pass),
                    count(Status::Review),
                    count(Status::Fail),
                ]
            })
            .collect(),
        &[8.0, 12.0, 10.0, 12.0, 66.0, 10.0, 8.0, 8.0, 8.0],
    )?;

    table(
        &mut book,
        l("添付", "Attachments"),
        &[
            l("ファイル名", "File"),
            "SHA-256",
            l("バイト数", "Bytes"),
            l("登録者", "Uploaded by"),
            l("登録日時", "Uploaded at"),
        ],
        case.attachments
            .iter()
            .map(|a| {
                vec![
                    a.name.clone(),
                    a.sha256.clone(),
                    a.size.to_string(),
                    a.uploaded_by.clone(),
                    jst(a.uploaded_at),
                ]
            })
            .collect(),
        &[30.0, 66.0, 10.0, 14.0, 18.0],
    )?;
    Ok(book)
}

/// The case's record as XLSX bytes.
pub fn case_xlsx(record: &CaseExport, lang: Lang) -> Result<Vec<u8>, String> {
    build(record, lang)
        .and_then(|mut b| b.save_to_buffer())
        .map_err(|e| e.to_string())
}
