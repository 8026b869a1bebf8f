//! Inline SVG charts. Each has a text alternative, and the same facts stand in a table or a
//! list beside it, so that nothing is said by the picture alone. Colours are those of the
//! Digital Agency's palette (`static/design-tokens.css`), written out: SVG attributes cannot
//! read CSS variables, and the CSP allows no inline style.

use chrono::NaiveDate;
use ismap_core::lang::Lang;
use maud::{Markup, html};

const WIDTH: f64 = 900.0;
const LEFT: f64 = 40.0;
const RIGHT: f64 = 20.0;

fn x_of(day: i64, days: i64) -> f64 {
    LEFT + (WIDTH - LEFT - RIGHT) * (day as f64 / days.max(1) as f64)
}

/// Registrations expiring within `days` of `today`: one mark per registration on a day axis.
pub fn expiry_timeline(
    lang: Lang,
    today: NaiveDate,
    days: i64,
    items: &[(NaiveDate, String)],
) -> Markup {
    let height = 120.0;
    let label = match lang {
        Lang::Ja => format!(
            "今後{days}日以内に有効期限を迎える登録 {} 件の時系列",
            items.len()
        ),
        Lang::En => format!(
            "Timeline of the {} registrations expiring within {days} days",
            items.len()
        ),
    };
    // Marks on the same day stack upwards.
    let mut seen: Vec<(i64, usize)> = Vec::new();
    html! {
        svg.chart viewBox={ "0 0 " (WIDTH) " " (height) } role="img" aria-label=(label) {
            title { (label) }
            line x1=(LEFT) y1="90" x2=(WIDTH - RIGHT) y2="90" stroke="#666666" stroke-width="1" {}
            @for tick in (0..=days).step_by(30) {
                line x1=(x_of(tick, days)) y1="86" x2=(x_of(tick, days)) y2="94" stroke="#666666" {}
                text x=(x_of(tick, days)) y="110" text-anchor="middle" {
                    (match lang { Lang::Ja => format!("{tick}日後"), Lang::En => format!("+{tick} d") })
                }
            }
            @if days >= 90 {
                line x1=(x_of(90, days)) y1="10" x2=(x_of(90, days)) y2="90" stroke="#ce0000" stroke-dasharray="4 3" {}
                text x=(x_of(90, days) + 4.0) y="18" { (match lang { Lang::Ja => "90日", Lang::En => "90 days" }) }
            }
            @for (date, name) in items {
                @let day = date.signed_duration_since(today).num_days();
                @let stack = {
                    let n = seen.iter().filter(|(d, _)| *d == day).count();
                    seen.push((day, n));
                    n
                };
                circle cx=(x_of(day, days)) cy=(82.0 - 9.0 * stack as f64) r="4" fill="#0017c1" {
                    title { (name) " — " (date) }
                }
            }
        }
    }
}

/// One registration's life: audit period, validity, renewal filing, revocation and today.
pub struct Validity {
    pub audit: (NaiveDate, NaiveDate),
    pub registered: NaiveDate,
    pub expires: NaiveDate,
    pub renewal_filed: Option<NaiveDate>,
    pub revoked: Option<NaiveDate>,
    pub today: NaiveDate,
}

pub fn validity_timeline(lang: Lang, v: &Validity) -> Markup {
    let start = v.audit.0.min(v.today);
    let end = v.expires.max(v.today);
    let span = end.signed_duration_since(start).num_days().max(1) + 60;
    let origin = start - chrono::Days::new(30);
    let x = |d: NaiveDate| x_of(d.signed_duration_since(origin).num_days(), span);
    let t = |ja: &'static str, en: &'static str| lang.pick(ja, en);
    // A revoked registration leaves the list on the day it is revoked, not at its expiry.
    let listed_until = v.revoked.map_or(v.expires, |r| r.min(v.expires));
    let label = format!(
        "{} {}–{}, {} {}–{}",
        t("監査対象期間", "audit period"),
        v.audit.0,
        v.audit.1,
        t("掲載期間", "listed"),
        v.registered,
        listed_until
    );
    html! {
        svg.chart viewBox={ "0 0 " (WIDTH) " 130" } role="img" aria-label=(label) {
            title { (label) }
            text x=(LEFT) y="16" { (t("監査対象期間", "Audit period")) }
            rect x=(x(v.audit.0)) y="22" width=((x(v.audit.1) - x(v.audit.0)).max(2.0)) height="16" fill="#949494" {}
            text x=(LEFT) y="56" { (t("掲載期間（初回登録日〜有効期限）", "Listed (first registration to expiry)")) }
            rect x=(x(v.registered)) y="62" width=((x(listed_until) - x(v.registered)).max(2.0)) height="16" fill="#197a4b" {}
            text x=(x(v.expires)) y="96" text-anchor="end" { (t("有効期限 ", "expires ")) (v.expires) }
            @if let Some(f) = v.renewal_filed {
                line x1=(x(f)) y1="58" x2=(x(f)) y2="82" stroke="#6e5600" stroke-width="3" {}
                text x=(x(f)) y="112" text-anchor="middle" { (t("更新申請 ", "renewal filed ")) (f) }
            }
            @if let Some(r) = v.revoked {
                line x1=(x(r)) y1="18" x2=(x(r)) y2="86" stroke="#ce0000" stroke-width="3" {}
                text x=(x(r)) y="126" text-anchor="middle" { (t("登録取消 ", "revoked ")) (r) }
            }
            line x1=(x(v.today)) y1="4" x2=(x(v.today)) y2="86" stroke="#0017c1" stroke-dasharray="4 3" {}
            text x=(x(v.today) + 4.0) y="10" { (t("状態の基準日", "status on")) " " (v.today) }
        }
    }
}
