//! ISMAP domain types and rules. No IO, no async: everything here is a pure function of its
//! inputs, so the CLI, the web application and the tests share one definition of each rule.
//!
//! Where each rule lives (source: `docs/domain.md`, the domain facts the code relies on):
//! - expiry and audit periods: [`validity`]
//! - status of a registration on a date: [`registration::Registration::status_on`]
//! - mandatory controls and the "basic" baseline: [`criteria`]
//! - links to ISO/IEC 27001, NIST SP 800-53 and FedRAMP baselines: [`crosswalk`]
//! - the seven procurement checks: [`check`]
//! - the procurement case, its resolutions, approvals and decision: [`case`]
//! - the customer's own share of the work: [`responsibility`]
//! - roles and permissions: [`access`]
//! - the registration lifecycle (application → registration → renewal/expiry/revocation):
//!   [`lifecycle`]
//! - what changed on the list between two states: [`history`]
//! - alerts on watched registrations: [`alerts`]
//! - text matching (NFKC, case and whitespace folding): [`text`]
//! - what the server may connect to for a user (webhooks): [`egress`]; which redirects it
//!   may send: [`redirect`]; secrets kept out of printed URLs: [`redact`]

pub mod access;
pub mod alerts;
pub mod case;
pub mod check;
pub mod criteria;
pub mod crosswalk;
pub mod egress;
pub mod history;
pub mod ids;
pub mod lang;
pub mod lifecycle;
pub mod parallel;
pub mod profile;
pub mod query;
pub mod redact;
pub mod redirect;
pub mod registration;
pub mod registry;
pub mod responsibility;
pub mod search;
pub mod text;
pub mod validity;

pub use chrono::NaiveDate;
