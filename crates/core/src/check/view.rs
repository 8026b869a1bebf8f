//! A result turned into text in one language, ready to serialise or print.

use super::message::{self, Context};
use super::{CandidateResult, CheckKind, Engine, Entry, Status, Subject};
use crate::lang::Lang;
use crate::registration::{ListingStatus, Program, Registration};
use chrono::NaiveDate;
use serde::Serialize;

// Named apart from a case snapshot's entry in the API schema.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = CheckEntry))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryView {
    pub check: CheckKind,
    pub status: Status,
    pub code: &'static str,
    pub subject: Option<String>,
    pub reason: String,
    pub action: Option<&'static str>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponsibilityView {
    pub code: &'static str,
    pub text: &'static str,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultView {
    pub registration_no: String,
    pub service_name: Option<String>,
    pub provider: Option<String>,
    pub program: Option<Program>,
    pub status: ListingStatus,
    pub status_label: &'static str,
    pub expires_on: Option<NaiveDate>,
    pub verdict: Status,
    pub checks: Vec<EntryView>,
    pub responsibilities: Vec<ResponsibilityView>,
}

/// A result in one line for screening the whole list: the verdict, the entries counted by
/// status, and only the entries that are not a pass.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryView {
    pub registration_no: String,
    pub service_name: Option<String>,
    pub status: ListingStatus,
    pub expires_on: Option<NaiveDate>,
    pub verdict: Status,
    pub counts: StatusCounts,
    /// Only the entries that are not a pass.
    pub checks: Vec<EntryView>,
}

/// Entries counted by status.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct StatusCounts {
    pub pass: usize,
    pub review: usize,
    pub fail: usize,
}

impl StatusCounts {
    pub fn add(&mut self, status: Status) {
        match status {
            Status::Pass => self.pass += 1,
            Status::Review => self.review += 1,
            Status::Fail => self.fail += 1,
        }
    }

    pub fn of(statuses: impl IntoIterator<Item = Status>) -> Self {
        let mut counts = StatusCounts::default();
        statuses.into_iter().for_each(|s| counts.add(s));
        counts
    }
}

impl Engine<'_> {
    /// The result in brief; text is produced only for the entries that are not a pass.
    pub fn summary(&self, result: &CandidateResult, lang: Lang) -> SummaryView {
        let registration = result.position.map(|i| &self.registry.registrations()[i]);
        let mut counts = StatusCounts::default();
        let mut checks = Vec::new();
        for entry in &result.entries {
            counts.add(entry.status());
            if entry.status() != Status::Pass {
                checks.push(self.entry_view(entry, registration, lang));
            }
        }
        SummaryView {
            registration_no: result.registration_no.to_string(),
            service_name: registration.map(|r| r.service_name.clone()),
            status: result.status,
            expires_on: result.expires_on,
            verdict: result.verdict,
            counts,
            checks,
        }
    }

    pub fn view(&self, result: &CandidateResult, lang: Lang) -> ResultView {
        let registration = result.position.map(|i| &self.registry.registrations()[i]);
        ResultView {
            registration_no: result.registration_no.to_string(),
            service_name: registration.map(|r| r.service_name.clone()),
            provider: registration.map(|r| r.provider.clone()),
            program: registration.map(|r| r.program),
            status: result.status,
            status_label: result.status.label(lang),
            expires_on: result.expires_on,
            verdict: result.verdict,
            checks: result
                .entries
                .iter()
                .map(|e| self.entry_view(e, registration, lang))
                .collect(),
            responsibilities: self
                .responsibilities(result)
                .iter()
                .map(|r| ResponsibilityView {
                    code: r.code(),
                    text: r.text(lang),
                })
                .collect(),
        }
    }

    fn entry_view(
        &self,
        entry: &Entry,
        registration: Option<&Registration>,
        lang: Lang,
    ) -> EntryView {
        let ctx = Context {
            catalog: self.catalog,
            profile: self.profile,
            registration,
            subject: entry.subject,
        };
        EntryView {
            check: entry.check(),
            status: entry.status(),
            code: message::code(entry.finding),
            subject: self.subject_text(entry.subject, registration, lang),
            reason: self.with_origin(message::reason(entry.finding, &ctx, lang), entry, lang),
            action: message::action(entry.finding, lang),
        }
    }

    /// A control required through a requirement in another framework's terms says which,
    /// and by what path: `要件の由来: ac-2 → A.9.2.1（…）→ 9.2.1（…）`.
    fn with_origin(&self, mut reason: String, entry: &Entry, lang: Lang) -> String {
        if let Subject::Control(key) = entry.subject
            && let Some(origin) = self.origin(key, lang)
        {
            reason.push_str(lang.pick("【要件の由来】", " [Required by] "));
            reason.push_str(&origin);
        }
        reason
    }

    fn subject_text(
        &self,
        subject: Subject,
        registration: Option<&Registration>,
        lang: Lang,
    ) -> Option<String> {
        match subject {
            Subject::None => None,
            Subject::Feature(i) => self.profile.features.get(i as usize).cloned(),
            Subject::Control(key) => {
                let c = self.catalog.get(key);
                Some(match c.title.get(lang) {
                    Some(title) => format!("{} {title}", c.id),
                    None => c.id.to_string(),
                })
            }
            Subject::RequiredRegion(i) => self
                .profile
                .regions
                .required_name(i as usize)
                .map(str::to_owned),
            Subject::Region(i) => registration
                .and_then(|r| r.regions.get(i as usize))
                .map(|g| format!("{} ({})", g.name, g.country)),
            Subject::Underlying(i) => registration
                .and_then(|r| r.underlying.get(i as usize))
                .map(ToString::to_string),
            Subject::UnmappedRequirements => {
                let unmapped: Vec<String> = self
                    .profile
                    .controls
                    .mapped
                    .unmapped()
                    .map(|(_, r)| r.requirement.describe(lang))
                    .collect();
                let shown = unmapped.iter().take(10).cloned().collect::<Vec<_>>();
                let more = unmapped.len().saturating_sub(shown.len());
                let mut text = shown.join(lang.pick("、", ", "));
                if more > 0 {
                    text.push_str(&match lang {
                        Lang::Ja => format!("ほか {more} 件"),
                        Lang::En => format!(" and {more} more"),
                    });
                }
                Some(text)
            }
        }
    }
}
