//! Who may do what: roles, the permissions each role holds, and the organisation a scoped role
//! is bound to. Least privilege: the administrator manages accounts and reads the audit trail
//! but does not decide registrations; only operators do.

use crate::lang::Lang;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    /// The secretariat and reviewers (事務局・審査).
    Operator,
    /// Bound to one audit body (監査機関).
    Auditor,
    /// Bound to one provider organisation (申請者).
    Provider,
    /// Bound to one agency (調達府省庁・自治体).
    Procurer,
    /// Anyone without an account.
    Public,
}

pub const ROLES: [Role; 6] = [
    Role::Admin,
    Role::Operator,
    Role::Auditor,
    Role::Provider,
    Role::Procurer,
    Role::Public,
];

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Operator => "operator",
            Role::Auditor => "auditor",
            Role::Provider => "provider",
            Role::Procurer => "procurer",
            Role::Public => "public",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Role::Admin => lang.pick("管理者", "administrator"),
            Role::Operator => lang.pick("事務局・審査", "operator"),
            Role::Auditor => lang.pick("監査機関", "auditor"),
            Role::Provider => lang.pick("クラウドサービス事業者", "provider"),
            Role::Procurer => lang.pick("調達担当", "procurer"),
            Role::Public => lang.pick("一般", "public"),
        }
    }

    /// Roles whose accounts name an organisation (audit body, provider, agency).
    pub fn needs_organisation(self) -> bool {
        matches!(self, Role::Auditor | Role::Provider | Role::Procurer)
    }

    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match permission {
            ReadList | RunChecks => true,
            OwnAccount => self != Role::Public,
            ReadApplications => matches!(self, Role::Operator | Role::Auditor | Role::Provider),
            Apply => self == Role::Provider,
            RecordAudits => self == Role::Auditor,
            DecideRegistrations => self == Role::Operator,
            ReadAuditTrail => matches!(self, Role::Operator | Role::Admin),
            ManageAccounts => self == Role::Admin,
            Watch => self == Role::Procurer,
            ReadAlerts => matches!(self, Role::Procurer | Role::Provider),
            // Agencies' procurement cases; approving needs the account's approver flag too
            // (`Actor::can`).
            ManageCases | ApproveResolutions => self == Role::Procurer,
        }
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ROLES
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown role {s:?}: expected one of {}",
                    ROLES.map(Role::as_str).join(", ")
                )
            })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a handler needs. Every route of the web application names one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// The public list, criteria, history and feeds.
    ReadList,
    /// Procurement checks (a computation over public data).
    RunChecks,
    /// One's own account: API tokens, password.
    OwnAccount,
    /// Applications, limited further to one's own organisation (provider, auditor).
    ReadApplications,
    /// Drafting, submitting, changing and renewing one's own applications.
    Apply,
    RecordAudits,
    /// Review, registration, renewal decisions, revocation.
    DecideRegistrations,
    ReadAuditTrail,
    ManageAccounts,
    /// Watches on registrations and the alerts they raise.
    Watch,
    /// One's own alerts: a procurer's watches, a provider's filing reminders.
    ReadAlerts,
    /// One's own organisation's procurement cases: create, check, resolve (起案).
    ManageCases,
    /// Approving resolutions and decisions (承認): procurers an administrator made approvers.
    ApproveResolutions,
}

/// Who is acting: a role, the organisation it is bound to, and a name for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub role: Role,
    pub organisation: Option<String>,
    pub name: String,
    /// Granted by an administrator to procurers who approve resolutions and decisions.
    pub approver: bool,
}

impl Actor {
    pub fn public() -> Actor {
        Actor {
            role: Role::Public,
            organisation: None,
            name: "public".into(),
            approver: false,
        }
    }

    pub fn can(&self, permission: Permission) -> bool {
        self.role.allows(permission)
            && (permission != Permission::ApproveResolutions || self.approver)
    }

    /// Whether the actor may see an application of `provider` audited by `audit_body`:
    /// providers see their own, auditors those assigned to their body, operators all.
    pub fn sees_application(&self, provider: &str, audit_body: Option<&str>) -> bool {
        match self.role {
            Role::Operator => true,
            Role::Provider => self.organisation.as_deref() == Some(provider),
            Role::Auditor => {
                self.organisation.is_some() && self.organisation.as_deref() == audit_body
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    #[test]
    fn permission_table() {
        // (permission, roles that hold it)
        let table: [(Permission, &[Role]); 13] = [
            (ReadList, &ROLES),
            (RunChecks, &ROLES),
            (
                OwnAccount,
                &[
                    Role::Admin,
                    Role::Operator,
                    Role::Auditor,
                    Role::Provider,
                    Role::Procurer,
                ],
            ),
            (
                ReadApplications,
                &[Role::Operator, Role::Auditor, Role::Provider],
            ),
            (Apply, &[Role::Provider]),
            (RecordAudits, &[Role::Auditor]),
            (DecideRegistrations, &[Role::Operator]),
            (ReadAuditTrail, &[Role::Operator, Role::Admin]),
            (ManageAccounts, &[Role::Admin]),
            (Watch, &[Role::Procurer]),
            (ReadAlerts, &[Role::Procurer, Role::Provider]),
            (ManageCases, &[Role::Procurer]),
            (ApproveResolutions, &[Role::Procurer]),
        ];
        for (permission, holders) in table {
            for role in ROLES {
                assert_eq!(
                    role.allows(permission),
                    holders.contains(&role),
                    "{role} / {permission:?}"
                );
            }
        }
    }

    #[test]
    fn applications_are_seen_by_their_own_organisations_only() {
        let actor = |role, org: Option<&str>| Actor {
            role,
            organisation: org.map(str::to_owned),
            name: "x".into(),
            approver: false,
        };
        let cases = [
            (
                actor(Role::Provider, Some("A社")),
                "A社",
                Some("監査法人X"),
                true,
            ),
            (
                actor(Role::Provider, Some("B社")),
                "A社",
                Some("監査法人X"),
                false,
            ),
            (
                actor(Role::Auditor, Some("監査法人X")),
                "A社",
                Some("監査法人X"),
                true,
            ),
            (
                actor(Role::Auditor, Some("監査法人Y")),
                "A社",
                Some("監査法人X"),
                false,
            ),
            (actor(Role::Auditor, Some("監査法人Y")), "A社", None, false),
            (actor(Role::Operator, None), "A社", None, true),
            (actor(Role::Procurer, Some("A社")), "A社", None, false),
            (actor(Role::Admin, None), "A社", None, false),
            (Actor::public(), "A社", None, false),
        ];
        for (who, provider, body, expected) in cases {
            assert_eq!(who.sees_application(provider, body), expected, "{who:?}");
        }
    }

    #[test]
    fn approving_needs_the_flag_as_well_as_the_role() {
        let procurer = |approver| Actor {
            role: Role::Procurer,
            organisation: Some("架空省".into()),
            name: "p".into(),
            approver,
        };
        assert!(!procurer(false).can(ApproveResolutions));
        assert!(procurer(true).can(ApproveResolutions));
        assert!(procurer(false).can(ManageCases));
        let operator = Actor {
            role: Role::Operator,
            approver: true,
            ..procurer(true)
        };
        assert!(!operator.can(ApproveResolutions) && !operator.can(ManageCases));
    }

    #[test]
    fn roles_round_trip() {
        for role in ROLES {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
