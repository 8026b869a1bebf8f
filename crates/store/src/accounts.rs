//! Accounts, sessions and API tokens. Passwords are argon2id hashes; session IDs and API tokens
//! are 256-bit random values stored only as SHA-256 hashes, so a copy of the database gives no
//! usable credential. Failed logins are counted per user name and per client address in the
//! database, so the throttle holds across several servers; those against existing accounts
//! enter the audit trail.

use crate::audit::{Change, record};
use crate::entity::{account, api_token, login_failure, session};
use crate::{Result, Store, StoreError};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Duration, Utc};
use ismap_core::access::{Actor, Role};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// Sessions last 8 hours (a working day), then the user logs in again.
pub const SESSION_HOURS: i64 = 8;
/// After this many failed logins within the window, the user name is locked for the window.
pub const MAX_FAILURES: u64 = 5;
/// After this many failed logins from one address within the window, whatever the names, the
/// address is refused for the window (one address trying a password on many names). High,
/// because a whole office may reach the server through one address.
pub const CLIENT_MAX_FAILURES: u64 = 50;
pub const FAILURE_WINDOW_MINUTES: i64 = 15;
const MIN_PASSWORD_CHARS: usize = 12;
/// The least time a failed login takes, so that an unknown name, a disabled account and a
/// wrong password answer alike (longer than one argon2 check on a loaded server).
pub const FAILURE_FLOOR: std::time::Duration = std::time::Duration::from_millis(400);
/// API tokens expire after this many days unless issued for fewer (at most a year).
pub const TOKEN_DAYS: u32 = 90;
pub const TOKEN_MAX_DAYS: u32 = 366;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: i32,
    pub username: String,
    pub role: Role,
    pub organisation: Option<String>,
    pub email: Option<String>,
    pub disabled: bool,
    /// A procurer who approves resolutions and decisions of the agency's cases (承認).
    pub approver: bool,
}

impl Account {
    pub fn actor(&self) -> Actor {
        Actor {
            role: self.role,
            organisation: self.organisation.clone(),
            name: self.username.clone(),
            approver: self.approver,
        }
    }
}

/// A logged-in session: the account and the token its forms must carry.
#[derive(Debug, Clone)]
pub struct Session {
    pub account: Account,
    pub csrf_token: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub id: i32,
    pub name: String,
    pub created_at: DateTime<Utc>,
    /// After this instant the token is refused (absent: issued before tokens expired; refused).
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

/// Why a login failed. Deliberately does not say whether the user exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginRefused {
    BadCredentials,
    /// Too many failures for this user name.
    Throttled,
    /// Too many failures from this address.
    ClientThrottled,
}

/// Where a login attempt comes from, and how many failures that address may have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginClient {
    /// The client's address, e.g. `192.0.2.7`.
    pub address: String,
    pub max_failures: u64,
}

impl LoginClient {
    pub fn new(address: impl Into<String>) -> Self {
        LoginClient {
            address: address.into(),
            max_failures: CLIENT_MAX_FAILURES,
        }
    }
}

/// Why an account cannot be created or changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountError {
    #[error("user {0:?} already exists")]
    Exists(String),
    #[error("no user {0:?}")]
    NoSuchUser(String),
    #[error("the password must be at least {MIN_PASSWORD_CHARS} characters")]
    WeakPassword,
    #[error("role {0} must name its organisation (--org)")]
    OrganisationRequired(Role),
    #[error(
        "user names are 1–64 letters, digits, '.', '_', '-' or '@', starting with a letter or digit; got {0:?}"
    )]
    BadUsername(String),
    #[error("role public: the public needs no account")]
    PublicRole,
    #[error("a token is valid for 1 to {TOKEN_MAX_DAYS} days; got {0}")]
    TokenDays(u32),
    #[error("only procurers approve procurement cases; {0:?} is not a procurer")]
    ApproverRole(String),
}

/// 256 random bits as hex, from the operating system's generator.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // The operating system's generator; without it there is no safe credential to give.
    getrandom::fill(&mut bytes).expect("the operating system's random generator is available");
    hex::encode(bytes)
}

pub(crate) fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Argon2 runs take about 19 MiB each: at most this many at once, whatever the number of
/// logins arriving (the rest wait their turn instead of exhausting memory and threads).
const ARGON2_AT_ONCE: usize = 4;
static ARGON2_PERMITS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(ARGON2_AT_ONCE);

/// Runs `work` (an argon2 computation) on a blocking thread, within the bound above.
async fn argon2<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let permit = ARGON2_PERMITS
        .acquire()
        .await
        .map_err(|e| StoreError::Internal(e.to_string()))?;
    // Held until the hash is done, even if the request that asked is dropped meanwhile.
    permit.forget();
    tokio::task::spawn_blocking(move || {
        let result = work();
        ARGON2_PERMITS.add_permits(1);
        result
    })
    .await
    .map_err(|e| StoreError::Internal(e.to_string()))
}

async fn hash_password(password: String) -> Result<String> {
    argon2(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
    })
    .await?
    .map_err(|e| StoreError::Internal(e.to_string()))
}

/// Whether `password` matches `stored`; with no stored hash (no such user), the check runs
/// against a dummy hash so that it costs the same.
async fn password_matches(password: String, stored: Option<String>) -> Result<bool> {
    argon2(move || {
        let stored = stored.unwrap_or_else(|| {
            DUMMY_HASH
                .get_or_init(|| {
                    Argon2::default()
                        .hash_password(random_token().as_bytes())
                        .map(|h| h.to_string())
                        .unwrap_or_default()
                })
                .clone()
        });
        PasswordHash::new(&stored)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
}

/// An argon2 hash of a random password: verifying against it costs what a real check costs,
/// so a missing user cannot be told from a wrong password by timing.
static DUMMY_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

fn to_account(m: account::Model) -> Result<Account> {
    let role = m.role.parse().map_err(|message| StoreError::Corrupt {
        table: "account",
        key: m.username.clone(),
        message,
    })?;
    Ok(Account {
        id: m.id,
        username: m.username,
        role,
        organisation: m.organisation,
        email: m.email,
        disabled: m.disabled,
        approver: m.approver,
    })
}

/// A blank optional field (an empty form field) is an absent one.
fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// Letters, digits and `._-@`, starting with a letter or digit: names appear in paths
/// (`/users/{name}`) and in the audit trail, so `.`, `..` and lookalikes are refused.
fn valid_username(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c))
}

impl Store {
    /// Creates an account. `actor` names who did it in the audit trail.
    pub async fn add_user(
        &self,
        actor: &str,
        username: &str,
        password: &str,
        role: Role,
        organisation: Option<&str>,
        email: Option<&str>,
    ) -> Result<Account> {
        if !valid_username(username) {
            return Err(AccountError::BadUsername(username.to_owned()).into());
        }
        if role == Role::Public {
            return Err(AccountError::PublicRole.into());
        }
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(AccountError::WeakPassword.into());
        }
        let (organisation, email) = (present(organisation), present(email));
        if role.needs_organisation() && organisation.is_none() {
            return Err(AccountError::OrganisationRequired(role).into());
        }
        if self.find_account(username).await?.is_some() {
            return Err(AccountError::Exists(username.to_owned()).into());
        }
        let hash = hash_password(password.to_owned()).await?;
        let txn = self.db.begin().await?;
        let model = account::ActiveModel {
            username: Set(username.to_owned()),
            password_hash: Set(hash),
            role: Set(role.as_str().to_owned()),
            organisation: Set(organisation.map(str::to_owned)),
            email: Set(email.map(str::to_owned)),
            disabled: Set(false),
            approver: Set(false),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let account = to_account(model)?;
        record(
            &txn,
            Change::new(actor, "account.add", &format!("account:{username}"))
                .after(serde_json::to_value(&account).ok()),
        )
        .await?;
        txn.commit().await?;
        Ok(account)
    }

    async fn find_account(&self, username: &str) -> Result<Option<account::Model>> {
        Ok(account::Entity::find()
            .filter(account::Column::Username.eq(username))
            .one(&self.db)
            .await?)
    }

    /// Grants (or withdraws) the approver permission of a procurer (承認権限).
    pub async fn set_approver(
        &self,
        actor: &str,
        username: &str,
        approver: bool,
    ) -> Result<Account> {
        let Some(model) = self.find_account(username).await? else {
            return Err(AccountError::NoSuchUser(username.to_owned()).into());
        };
        if model.role != Role::Procurer.as_str() {
            return Err(AccountError::ApproverRole(username.to_owned()).into());
        }
        let txn = self.db.begin().await?;
        let before = to_account(model.clone())?;
        let mut active: account::ActiveModel = model.into();
        active.approver = Set(approver);
        let account = to_account(active.update(&txn).await?)?;
        record(
            &txn,
            Change::new(actor, "account.approver", &format!("account:{username}"))
                .before(serde_json::to_value(&before).ok())
                .after(serde_json::to_value(&account).ok()),
        )
        .await?;
        txn.commit().await?;
        Ok(account)
    }

    pub async fn account(&self, username: &str) -> Result<Option<Account>> {
        self.find_account(username)
            .await?
            .map(to_account)
            .transpose()
    }

    pub async fn accounts(&self) -> Result<Vec<Account>> {
        account::Entity::find()
            .order_by_asc(account::Column::Username)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_account)
            .collect()
    }

    /// Sets a new password and ends the user's sessions.
    pub async fn set_password(&self, actor: &str, username: &str, password: &str) -> Result<()> {
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(AccountError::WeakPassword.into());
        }
        let Some(model) = self.find_account(username).await? else {
            return Err(AccountError::NoSuchUser(username.to_owned()).into());
        };
        let hash = hash_password(password.to_owned()).await?;
        let txn = self.db.begin().await?;
        let id = model.id;
        let mut active: account::ActiveModel = model.into();
        active.password_hash = Set(hash);
        active.update(&txn).await?;
        session::Entity::delete_many()
            .filter(session::Column::AccountId.eq(id))
            .exec(&txn)
            .await?;
        // Whoever held the old password may have minted tokens with it.
        let revoked = api_token::Entity::update_many()
            .col_expr(api_token::Column::RevokedAt, Expr::value(Utc::now()))
            .filter(api_token::Column::AccountId.eq(id))
            .filter(api_token::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?
            .rows_affected;
        record(
            &txn,
            Change::new(actor, "account.password", &format!("account:{username}"))
                .after(Some(serde_json::json!({ "tokens_revoked": revoked }))),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// Disables (or enables again) an account; disabling ends its sessions, and its API tokens
    /// stop working while it is disabled.
    pub async fn set_disabled(&self, actor: &str, username: &str, disabled: bool) -> Result<()> {
        let Some(model) = self.find_account(username).await? else {
            return Err(AccountError::NoSuchUser(username.to_owned()).into());
        };
        let txn = self.db.begin().await?;
        let id = model.id;
        let mut active: account::ActiveModel = model.into();
        active.disabled = Set(disabled);
        active.update(&txn).await?;
        if disabled {
            session::Entity::delete_many()
                .filter(session::Column::AccountId.eq(id))
                .exec(&txn)
                .await?;
        }
        let action = if disabled {
            "account.disable"
        } else {
            "account.enable"
        };
        let subject = format!("account:{username}");
        record(&txn, Change::new(actor, action, &subject)).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Deletes expired sessions and failed logins older than the throttle's window.
    pub async fn purge_expired(&self) -> Result<()> {
        let now = Utc::now();
        session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lte(now))
            .exec(&self.db)
            .await?;
        login_failure::Entity::delete_many()
            .filter(login_failure::Column::At.lte(now - Duration::minutes(FAILURE_WINDOW_MINUTES)))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Checks a user name and password, throttled: the account when they match. Each attempt
    /// is recorded before it is checked and counts the attempts recorded before it in the
    /// window, so concurrent attempts see each other and only the first within the limit are
    /// evaluated. A
    /// failure is that record kept; a success clears the user name's records. Every failure
    /// takes at least [`FAILURE_FLOOR`], whether the account exists or not.
    async fn check_credentials(
        &self,
        username: &str,
        password: &str,
        client: &LoginClient,
    ) -> Result<std::result::Result<account::Model, LoginRefused>> {
        let started = tokio::time::Instant::now();
        let attempt = login_failure::ActiveModel {
            username: Set(username.to_owned()),
            client: Set(client.address.clone()),
            at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        let since = Utc::now() - Duration::minutes(FAILURE_WINDOW_MINUTES);
        // Attempts recorded up to this one: the first ones in are checked, the rest refused.
        let recent = || {
            login_failure::Entity::find()
                .filter(login_failure::Column::At.gt(since))
                .filter(login_failure::Column::Id.lte(attempt.id))
        };
        let attempts = recent()
            .filter(login_failure::Column::Username.eq(username))
            .count(&self.db)
            .await?;
        let from_client = recent()
            .filter(login_failure::Column::Client.eq(client.address.as_str()))
            .count(&self.db)
            .await?;
        let throttled = if attempts > MAX_FAILURES {
            Some(LoginRefused::Throttled)
        } else if from_client > client.max_failures {
            Some(LoginRefused::ClientThrottled)
        } else {
            None
        };
        if let Some(refused) = throttled {
            // Not evaluated, so not a failure: the window does not grow with refused tries.
            login_failure::Entity::delete_by_id(attempt.id)
                .exec(&self.db)
                .await?;
            return Ok(Err(refused));
        }
        let model = self.find_account(username).await?;
        let stored = model.as_ref().map(|m| m.password_hash.clone());
        let ok = password_matches(password.to_owned(), stored).await?;
        match model {
            Some(m) if ok && !m.disabled => {
                login_failure::Entity::delete_many()
                    .filter(login_failure::Column::Username.eq(username))
                    .exec(&self.db)
                    .await?;
                Ok(Ok(m))
            }
            model => {
                // Failures against real accounts are in the trail (the throttle bounds them);
                // unknown names are not, so guessing names cannot flood it.
                if model.is_some() {
                    self.record(Change::new(
                        username,
                        "account.login_failed",
                        &format!("account:{username}"),
                    ))
                    .await?;
                }
                tokio::time::sleep_until(started + FAILURE_FLOOR).await;
                Ok(Err(LoginRefused::BadCredentials))
            }
        }
    }

    /// A signed-in user proves their password again before a sensitive action (minting a
    /// token), throttled like a login.
    pub async fn confirm_password(
        &self,
        username: &str,
        password: &str,
        client: &LoginClient,
    ) -> Result<std::result::Result<(), LoginRefused>> {
        Ok(self
            .check_credentials(username, password, client)
            .await?
            .map(|_| ()))
    }

    /// A user changes their own password, proving the current one; every session ends.
    pub async fn change_own_password(
        &self,
        username: &str,
        current: &str,
        new: &str,
        client: &LoginClient,
    ) -> Result<std::result::Result<(), LoginRefused>> {
        if new.chars().count() < MIN_PASSWORD_CHARS {
            return Err(AccountError::WeakPassword.into());
        }
        if let Err(refused) = self.check_credentials(username, current, client).await? {
            return Ok(Err(refused));
        }
        self.set_password(username, username, new).await.map(Ok)
    }

    /// Checks a password and opens a new session: returns the cookie value (never stored) and
    /// the session. Any session the browser held before is not reused (no session fixation).
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: &LoginClient,
    ) -> Result<std::result::Result<(String, Session), LoginRefused>> {
        let model = match self.check_credentials(username, password, client).await? {
            Ok(m) => m,
            Err(refused) => return Ok(Err(refused)),
        };
        let cookie = random_token();
        let csrf_token = random_token();
        let now = Utc::now();
        session::ActiveModel {
            id_hash: Set(sha256_hex(&cookie)),
            account_id: Set(model.id),
            csrf_token: Set(csrf_token.clone()),
            created_at: Set(now),
            expires_at: Set(now + Duration::hours(SESSION_HOURS)),
        }
        .insert(&self.db)
        .await?;
        self.record(Change::new(
            username,
            "account.login",
            &format!("account:{username}"),
        ))
        .await?;
        Ok(Ok((
            cookie,
            Session {
                account: to_account(model)?,
                csrf_token,
            },
        )))
    }

    /// The session a cookie value stands for, if it is live and its account enabled.
    pub async fn session(&self, cookie: &str) -> Result<Option<Session>> {
        let Some(s) = session::Entity::find_by_id(sha256_hex(cookie))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        if s.expires_at <= Utc::now() {
            return Ok(None);
        }
        let Some(account) = account::Entity::find_by_id(s.account_id)
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        if account.disabled {
            return Ok(None);
        }
        Ok(Some(Session {
            account: to_account(account)?,
            csrf_token: s.csrf_token,
        }))
    }

    pub async fn logout(&self, cookie: &str) -> Result<()> {
        session::Entity::delete_by_id(sha256_hex(cookie))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Issues an API token for `username`, valid for `days` (1 to [`TOKEN_MAX_DAYS`]); the
    /// token is returned once and stored hashed.
    pub async fn create_token(
        &self,
        actor: &str,
        username: &str,
        name: &str,
        days: u32,
    ) -> Result<(i32, String)> {
        if !(1..=TOKEN_MAX_DAYS).contains(&days) {
            return Err(AccountError::TokenDays(days).into());
        }
        let Some(model) = self.find_account(username).await? else {
            return Err(AccountError::NoSuchUser(username.to_owned()).into());
        };
        let token = format!("ismap_{}", random_token());
        let now = Utc::now();
        let txn = self.db.begin().await?;
        let live = api_token::Entity::find()
            .filter(api_token::Column::AccountId.eq(model.id))
            .filter(api_token::Column::RevokedAt.is_null())
            .filter(api_token::Column::ExpiresAt.gt(now))
            .count(&txn)
            .await?;
        crate::Limit::Tokens.check(live)?;
        let expires_at = now + Duration::days(i64::from(days));
        let row = api_token::ActiveModel {
            account_id: Set(model.id),
            name: Set(name.to_owned()),
            token_hash: Set(sha256_hex(&token)),
            created_at: Set(now),
            revoked_at: Set(None),
            expires_at: Set(Some(expires_at)),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        record(
            &txn,
            Change::new(actor, "token.create", &format!("account:{username}")).after(Some(
                serde_json::json!({ "token_id": row.id, "name": name, "expires_at": expires_at }),
            )),
        )
        .await?;
        txn.commit().await?;
        Ok((row.id, token))
    }

    /// Revokes a token of `username`. Returns false when there is no such live token.
    pub async fn revoke_token(&self, actor: &str, username: &str, id: i32) -> Result<bool> {
        let Some(model) = self.find_account(username).await? else {
            return Err(AccountError::NoSuchUser(username.to_owned()).into());
        };
        let txn = self.db.begin().await?;
        let done = api_token::Entity::update_many()
            .col_expr(
                api_token::Column::RevokedAt,
                sea_orm::sea_query::Expr::value(Some(Utc::now())),
            )
            .filter(api_token::Column::Id.eq(id))
            .filter(api_token::Column::AccountId.eq(model.id))
            .filter(api_token::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?
            .rows_affected
            == 1;
        if done {
            record(
                &txn,
                Change::new(actor, "token.revoke", &format!("account:{username}"))
                    .after(Some(serde_json::json!({ "token_id": id }))),
            )
            .await?;
        }
        txn.commit().await?;
        Ok(done)
    }

    pub async fn tokens(&self, username: &str) -> Result<Vec<TokenInfo>> {
        let Some(model) = self.find_account(username).await? else {
            return Ok(Vec::new());
        };
        Ok(api_token::Entity::find()
            .filter(api_token::Column::AccountId.eq(model.id))
            .order_by_asc(api_token::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|t| TokenInfo {
                id: t.id,
                name: t.name,
                created_at: t.created_at,
                expires_at: t.expires_at,
                revoked: t.revoked_at.is_some(),
            })
            .collect())
    }

    /// The account a bearer token belongs to, if the token is live.
    pub async fn token_account(&self, token: &str) -> Result<Option<Account>> {
        let Some(t) = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(sha256_hex(token)))
            .filter(api_token::Column::RevokedAt.is_null())
            .filter(api_token::Column::ExpiresAt.gt(Utc::now()))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let account = account::Entity::find_by_id(t.account_id)
            .one(&self.db)
            .await?;
        account.filter(|a| !a.disabled).map(to_account).transpose()
    }
}
