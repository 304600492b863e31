//! The newsroom's accounts, to OWASP ASVS 5.0 level 2: [`Accounts`] signs
//! people in (Argon2id passwords, TOTP second factor for the roles that
//! need it, at most [`MAX_FAILURES_PER_HOUR`] failures per account),
//! keeps server-side sessions, invites users, issues API tokens and writes
//! every action to the audit log. The web handlers and the CLI call it; an
//! [`Actor`] (who, with which role) is what every other use-case is given.

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use jiff::{SignedDuration, Timestamp};
use pressroom_domain::{Clock, Email, FieldError, PersonName, Role};
use pressroom_store::{
    AccountStore, ApiToken, ApiTokenId, AuditEvent, Invitation, NewUser, Session, StoreError, User,
    UserId,
};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Failed sign-ins an account may have in an hour before every further
/// attempt, right or wrong, is refused until the hour has passed.
pub const MAX_FAILURES_PER_HOUR: u32 = 100;
/// Shortest password accepted (ASVS V6.2.1).
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Longest password accepted; ASVS V6.2.9 asks for at least 64.
pub const MAX_PASSWORD_CHARS: usize = 128;
/// A session ends this long after sign-in, whatever happens.
pub const SESSION_LIFETIME: SignedDuration = SignedDuration::from_hours(12);
/// A session ends after this long without a request.
pub const SESSION_IDLE: SignedDuration = SignedDuration::from_mins(60);
/// How long an invitation link works.
pub const INVITATION_LIFETIME: SignedDuration = SignedDuration::from_hours(72);

/// Who is acting, as every use-case is told: the user and the role the
/// request acts with (an API token's role, which may be below its owner's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: UserId,
    pub role: Role,
    /// Shown in the audit log.
    pub email: Email,
}

impl Actor {
    /// The same person as the editorial workflow's use-cases take them.
    pub fn workflow(&self) -> pressroom_domain::Actor {
        pressroom_domain::Actor {
            user_id: self.user.0,
            role: self.role,
        }
    }
}

/// What went wrong with an account operation. The messages are safe to
/// show: a failed sign-in never says which of email, password or code was
/// wrong.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Email, password or one-time code did not match (deliberately vague).
    #[error("the email address, password or one-time code is not right")]
    BadCredentials,
    /// Too many failed sign-ins for this account within the hour.
    #[error("this account is locked after too many failed sign-ins; try again within the hour")]
    Locked,
    /// A field of a form was invalid; the field is named.
    #[error(transparent)]
    Field(#[from] FieldError),
    /// The actor's role does not allow this.
    #[error("your role does not allow this")]
    Forbidden,
    /// An invitation link that is unknown, used or expired.
    #[error("this invitation is unknown, already used or expired")]
    InvitationInvalid,
    /// The thing acted on does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// An account with this email address exists already.
    #[error("an account with this email address exists already")]
    EmailTaken,
    /// The password hasher failed (never expected with valid parameters).
    #[error("password hashing failed: {0}")]
    Hashing(String),
    /// The random number source failed.
    #[error("no randomness available: {0}")]
    Random(String),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for AccountError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(_) => AccountError::EmailTaken,
            other => AccountError::Store(other),
        }
    }
}

type Result<T> = std::result::Result<T, AccountError>;

fn field(field: &'static str, reason: impl Into<String>) -> AccountError {
    AccountError::Field(FieldError::Invalid {
        field,
        reason: reason.into(),
    })
}

fn common_passwords() -> &'static HashSet<&'static str> {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("../data/common-passwords.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    })
}

/// Checks a new password against ASVS V6.2: 8 to 128 characters (white
/// space and any Unicode allowed, nothing truncated), and not on the list
/// of the 20,000 most common passwords (compared lower-cased).
pub fn check_new_password(password: &str) -> Result<()> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(field(
            "password",
            format!(
                "a password needs at least {MIN_PASSWORD_CHARS} characters (15 or more is better)"
            ),
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(field(
            "password",
            format!("a password has at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    if common_passwords().contains(password.to_lowercase().as_str()) {
        return Err(field(
            "password",
            "this password is one of the most common ones; choose another",
        ));
    }
    Ok(())
}

/// Argon2id at OWASP's recommended parameters: 19 MiB, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    // The parameters are constants known to be valid.
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string with a random 128-bit salt.
pub fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| AccountError::Random(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| AccountError::Hashing(e.to_string()))?;
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hashing(e.to_string()))
}

/// Whether `password` matches a stored PHC hash (constant time).
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| hasher().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash of a fixed password, verified against when the email is unknown
/// so that a sign-in takes as long whether or not the account exists.
fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password("not the password of anyone").unwrap_or_default())
}

/// `n` random bytes from the operating system.
fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| AccountError::Random(e.to_string()))?;
    Ok(buf)
}

/// A fresh 256-bit secret token, URL-safe (session cookies, invitation
/// links, API tokens).
pub fn new_token() -> Result<String> {
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>()?))
}

/// What is stored for a token: its SHA-256, in hex. Tokens carry 256 bits
/// of randomness, so a plain hash (no salt, no stretching) is enough.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Constant-time string equality, for CSRF tokens.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// RFC 6238 TOTP: HMAC-SHA1, 6 digits, 30-second steps, one step of clock
/// drift allowed either way.
pub mod totp {
    use totp_rs::{Algorithm, Secret, TOTP};

    use super::{AccountError, Result, random_bytes};

    pub const STEP_SECONDS: u64 = 30;

    fn totp(secret: &[u8], digits: usize) -> TOTP {
        // new_unchecked: the RFC's own test secret is shorter than 128
        // bits; secrets made here are 160.
        TOTP::new_unchecked(Algorithm::SHA1, digits, 1, STEP_SECONDS, secret.to_vec())
    }

    /// A fresh 160-bit secret, base32 as authenticator apps take it.
    pub fn new_secret() -> Result<String> {
        Ok(Secret::Raw(random_bytes::<20>()?.to_vec())
            .to_encoded()
            .to_string())
    }

    fn decode(secret_b32: &str) -> Result<Vec<u8>> {
        Secret::Encoded(secret_b32.to_owned())
            .to_bytes()
            .map_err(|e| AccountError::Hashing(format!("stored TOTP secret is not base32: {e:?}")))
    }

    /// The code for a secret at a unix time, `digits` long.
    pub fn code_at(secret: &[u8], digits: usize, unix: u64) -> String {
        totp(secret, digits).generate(unix)
    }

    /// The time step `code` is valid for at `unix`, if any: the current
    /// step or one either side. The caller records the step, so that a code
    /// is never accepted twice.
    pub fn matching_step(secret_b32: &str, code: &str, unix: u64) -> Result<Option<i64>> {
        let secret = decode(secret_b32)?;
        let code = code.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(None);
        }
        let now = unix / STEP_SECONDS;
        for step in [now.saturating_sub(1), now, now + 1] {
            let expected = code_at(&secret, 6, step * STEP_SECONDS);
            if super::same_secret(&expected, code) {
                return Ok(i64::try_from(step).ok());
            }
        }
        Ok(None)
    }

    /// The `otpauth://` URI an authenticator app enrols from.
    pub fn otpauth_uri(secret_b32: &str, issuer: &str, account: &str) -> String {
        let enc = |s: &str| -> String {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect()
        };
        format!(
            "otpauth://totp/{}:{}?secret={secret_b32}&issuer={}&algorithm=SHA1&digits=6&period=30",
            enc(issuer),
            enc(account),
            enc(issuer)
        )
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// RFC 6238 appendix B, SHA-1 rows (8 digits, the RFC's secret).
        #[test]
        fn codes_match_the_rfc_6238_test_vectors() {
            let secret = b"12345678901234567890";
            for (t, want) in [
                (59, "94287082"),
                (1_111_111_109, "07081804"),
                (1_111_111_111, "14050471"),
                (1_234_567_890, "89005924"),
                (2_000_000_000, "69279037"),
                (20_000_000_000, "65353130"),
            ] {
                assert_eq!(code_at(secret, 8, t), want, "T = {t}");
            }
        }

        #[test]
        fn a_code_is_accepted_one_step_either_side_and_not_beyond() {
            let secret = new_secret().unwrap();
            let raw = decode(&secret).unwrap();
            let t = 1_700_000_000u64;
            let code = code_at(&raw, 6, t);
            let step = i64::try_from(t / STEP_SECONDS).unwrap();
            assert_eq!(matching_step(&secret, &code, t).unwrap(), Some(step));
            assert_eq!(matching_step(&secret, &code, t + 30).unwrap(), Some(step));
            assert_eq!(matching_step(&secret, &code, t - 30).unwrap(), Some(step));
            assert_eq!(matching_step(&secret, &code, t + 90).unwrap(), None);
            assert_eq!(matching_step(&secret, "12345", t).unwrap(), None);
            assert_eq!(matching_step(&secret, "abcdef", t).unwrap(), None);
        }

        #[test]
        fn the_enrolment_uri_escapes_the_account() {
            let uri = otpauth_uri("ABC", "Press Office", "ana@example.org");
            assert_eq!(
                uri,
                "otpauth://totp/Press%20Office:ana%40example.org?secret=ABC&issuer=Press%20Office&algorithm=SHA1&digits=6&period=30"
            );
        }
    }
}

/// What a successful sign-in gives the web layer: the cookie's token
/// (shown to the browser once, stored only hashed) and the session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub session: Session,
    pub user: User,
}

/// A freshly issued API token: `token` is shown once, then only its hash
/// exists.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub record: ApiToken,
}

/// An invitation just made: the link's token, shown once to the admin.
#[derive(Debug, Clone)]
pub struct IssuedInvitation {
    pub token: String,
    pub invitation: Invitation,
}

/// The accounts use-cases over an [`AccountStore`] and a [`Clock`].
#[derive(Debug, Clone)]
pub struct Accounts {
    pub store: Arc<dyn AccountStore>,
    pub clock: Arc<dyn Clock>,
}

impl Accounts {
    pub fn new(store: Arc<dyn AccountStore>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Appends an audit line. Labels and subjects are stored as given; the
    /// log's readers escape them (a JSON string, an HTML text node), and
    /// names with control characters never parse in the first place.
    pub async fn audit(
        &self,
        actor: Option<&Actor>,
        actor_label: &str,
        action: &str,
        subject: &str,
        address: &str,
    ) -> Result<()> {
        let event = AuditEvent {
            at: self.now(),
            actor: actor.map(|a| a.user),
            actor_label: actor
                .map(|a| a.email.to_string())
                .unwrap_or_else(|| actor_label.chars().take(254).collect()),
            action: action.to_owned(),
            subject: subject.to_owned(),
            address: address.to_owned(),
        };
        tracing::info!(
            actor = %event.actor_label.escape_debug(),
            action = %event.action,
            subject = %event.subject.escape_debug(),
            address = %event.address,
            "audit"
        );
        self.store.append_audit(event).await?;
        Ok(())
    }

    /// Creates a user directly (the CLI's `user add`, the first admin).
    /// Returns the TOTP secret to enrol when the role needs a second
    /// factor.
    pub async fn add_user(
        &self,
        email: &str,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<(User, Option<String>)> {
        let email = Email::parse(email)?;
        let name = PersonName::parse(name)?;
        check_new_password(password)?;
        let totp_secret = if role.requires_second_factor() {
            Some(totp::new_secret()?)
        } else {
            None
        };
        let user = self
            .store
            .create_user(
                NewUser {
                    email,
                    name,
                    role,
                    password_hash: hash_password(password)?,
                    totp_secret: totp_secret.clone(),
                },
                self.now(),
            )
            .await?;
        self.audit(
            None,
            "command line",
            "user.added",
            &user_subject(&user),
            "local",
        )
        .await?;
        Ok((user, totp_secret))
    }

    /// Signs a person in: password, then the one-time code when their role
    /// needs one (or they enrolled one), under the per-account throttle.
    /// Every outcome is audited; a success is a brand-new session.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        code: &str,
        address: &str,
    ) -> Result<SignedIn> {
        let now = self.now();
        let user = match Email::parse(email) {
            Ok(e) => self.store.user_by_email(&e).await?,
            Err(_) => None,
        };
        let Some(user) = user else {
            // Same work as for a real account: no timing tells whether it exists.
            let _ = verify_password(dummy_hash(), password);
            self.audit(None, email, "login.failed", "unknown account", address)
                .await?;
            return Err(AccountError::BadCredentials);
        };
        let subject = user_subject(&user);
        let since = now - SignedDuration::from_hours(1);
        if self.store.login_failures_since(user.id, since).await? >= MAX_FAILURES_PER_HOUR {
            self.store.record_login_failure(user.id, now).await?;
            self.audit(None, email, "login.locked", &subject, address)
                .await?;
            return Err(AccountError::Locked);
        }
        let mut ok = verify_password(&user.password_hash, password) && !user.disabled;
        if ok && (user.role.requires_second_factor() || user.totp_secret.is_some()) {
            ok = match &user.totp_secret {
                Some(secret) => {
                    let unix = u64::try_from(now.as_second()).unwrap_or(0);
                    match totp::matching_step(secret, code, unix)? {
                        Some(step) => self.store.use_totp_step(user.id, step).await?,
                        None => false,
                    }
                }
                // A role that needs a second factor without one enrolled
                // cannot sign in; an admin must set one up.
                None => false,
            };
        }
        if !ok {
            self.store.record_login_failure(user.id, now).await?;
            self.audit(None, email, "login.failed", &subject, address)
                .await?;
            return Err(AccountError::BadCredentials);
        }
        let token = new_token()?;
        let session = Session {
            token_hash: token_hash(&token),
            user_id: user.id,
            csrf_token: new_token()?,
            created_at: now,
            last_seen_at: now,
            expires_at: now + SESSION_LIFETIME,
        };
        self.store.create_session(session.clone()).await?;
        let actor = actor_of(&user, user.role);
        self.audit(Some(&actor), "", "login", &subject, address)
            .await?;
        Ok(SignedIn {
            token,
            session,
            user,
        })
    }

    /// The live session a cookie's token names, and who it is: `None` if
    /// unknown, expired, idle too long, or its user is disabled.
    pub async fn session(&self, token: &str) -> Result<Option<(Session, Actor)>> {
        let now = self.now();
        let hash = token_hash(token);
        let Some((session, user)) = self.store.session(&hash, now).await? else {
            return Ok(None);
        };
        if session.last_seen_at + SESSION_IDLE <= now {
            self.store.delete_session(&hash).await?;
            return Ok(None);
        }
        self.store.touch_session(&hash, now).await?;
        let actor = actor_of(&user, user.role);
        Ok(Some((session, actor)))
    }

    /// Ends a session.
    pub async fn logout(&self, token: &str, actor: &Actor, address: &str) -> Result<()> {
        self.store.delete_session(&token_hash(token)).await?;
        self.audit(Some(actor), "", "logout", "", address).await
    }

    /// Who an `Authorization: Bearer` token acts as, with the token's role.
    pub async fn bearer(&self, token: &str) -> Result<Option<Actor>> {
        Ok(self
            .store
            .api_token(&token_hash(token))
            .await?
            .map(|(t, user)| actor_of(&user, t.role.min(user.role))))
    }

    fn require(actor: &Actor, action: AccountAction) -> Result<()> {
        if action.allowed(actor.role) {
            Ok(())
        } else {
            Err(AccountError::Forbidden)
        }
    }

    /// `require` for a change to someone's account: a refusal is a
    /// security event (an attempt beyond the actor's role), so it is
    /// written to the audit log with who and from where, as refused
    /// editorial actions are.
    async fn require_audited(
        &self,
        actor: &Actor,
        action: AccountAction,
        what: &str,
        subject: &str,
        address: &str,
    ) -> Result<()> {
        let checked = Self::require(actor, action);
        if checked.is_err() {
            self.audit(
                Some(actor),
                "",
                &format!("{what}.refused"),
                subject,
                address,
            )
            .await?;
        }
        checked
    }

    /// An admin invites someone by email with a role; the link's token is
    /// returned once.
    pub async fn invite(
        &self,
        actor: &Actor,
        email: &str,
        role: Role,
        address: &str,
    ) -> Result<IssuedInvitation> {
        self.require_audited(
            actor,
            AccountAction::InviteUser,
            "user.invite",
            // As typed (not yet parsed), cut to an address's longest.
            &format!("{} as {role}", email.chars().take(254).collect::<String>()),
            address,
        )
        .await?;
        let email = Email::parse(email)?;
        if self.store.user_by_email(&email).await?.is_some() {
            return Err(AccountError::EmailTaken);
        }
        let token = new_token()?;
        let invitation = Invitation {
            token_hash: token_hash(&token),
            email,
            role,
            invited_by: actor.user,
            expires_at: self.now() + INVITATION_LIFETIME,
        };
        self.store.create_invitation(invitation.clone()).await?;
        let subject = format!("{} as {role}", invitation.email);
        self.audit(Some(actor), "", "user.invited", &subject, address)
            .await?;
        Ok(IssuedInvitation { token, invitation })
    }

    /// The invitation a link names, if it still works.
    pub async fn invitation(&self, token: &str) -> Result<Invitation> {
        self.store
            .invitation(&token_hash(token), self.now())
            .await?
            .ok_or(AccountError::InvitationInvalid)
    }

    /// Accepts an invitation: the new user's name and password, and for a
    /// role that needs one the TOTP secret shown on the page with a code
    /// from it, proving the app is enrolled.
    pub async fn accept_invitation(
        &self,
        token: &str,
        name: &str,
        password: &str,
        totp_secret: &str,
        code: &str,
        address: &str,
    ) -> Result<User> {
        let invitation = self.invitation(token).await?;
        let name = PersonName::parse(name)?;
        check_new_password(password)?;
        let totp_secret = if invitation.role.requires_second_factor() {
            let unix = u64::try_from(self.now().as_second()).unwrap_or(0);
            if totp_secret.is_empty()
                || totp::matching_step(totp_secret, code, unix)
                    .map_err(|_| field("code", "the one-time code is not right"))?
                    .is_none()
            {
                return Err(field(
                    "code",
                    "the one-time code is not right; add the key to your app and type its current code",
                ));
            }
            Some(totp_secret.to_owned())
        } else {
            None
        };
        let user = self
            .store
            .accept_invitation(
                &invitation.token_hash,
                NewUser {
                    email: invitation.email.clone(),
                    name,
                    role: invitation.role,
                    password_hash: hash_password(password)?,
                    totp_secret,
                },
                self.now(),
            )
            .await?
            .ok_or(AccountError::InvitationInvalid)?;
        self.audit(
            Some(&actor_of(&user, user.role)),
            "",
            "user.joined",
            &user_subject(&user),
            address,
        )
        .await?;
        Ok(user)
    }

    /// Every user, for the admin page.
    pub async fn users(&self, actor: &Actor) -> Result<Vec<User>> {
        Self::require(actor, AccountAction::ViewUsers)?;
        Ok(self.store.users().await?)
    }

    async fn target(&self, actor: &Actor, id: UserId) -> Result<User> {
        let user = self
            .store
            .user(id)
            .await?
            .ok_or(AccountError::NotFound("user"))?;
        if user.id == actor.user {
            // An admin cannot lock themself out by accident.
            return Err(field(
                "user",
                "you cannot change your own role or disable yourself",
            ));
        }
        Ok(user)
    }

    /// Changes a user's role; their sessions end.
    pub async fn set_role(
        &self,
        actor: &Actor,
        id: UserId,
        role: Role,
        address: &str,
    ) -> Result<()> {
        self.require_audited(
            actor,
            AccountAction::ChangeRole,
            "user.role_change",
            &format!("user {} -> {role}", id.0),
            address,
        )
        .await?;
        let user = self.target(actor, id).await?;
        self.store.set_role(id, role).await?;
        let subject = format!("{} {} -> {role}", user_subject(&user), user.role);
        self.audit(Some(actor), "", "user.role_changed", &subject, address)
            .await
    }

    /// Disables (and ends the sessions of) or re-enables a user.
    pub async fn set_disabled(
        &self,
        actor: &Actor,
        id: UserId,
        disabled: bool,
        address: &str,
    ) -> Result<()> {
        let what = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        self.require_audited(
            actor,
            AccountAction::DisableUser,
            what,
            &format!("user {}", id.0),
            address,
        )
        .await?;
        let user = self.target(actor, id).await?;
        self.store.set_disabled(id, disabled).await?;
        let action = if disabled {
            "user.disabled"
        } else {
            "user.enabled"
        };
        self.audit(Some(actor), "", action, &user_subject(&user), address)
            .await
    }

    /// Issues an API token acting with `role`, which may not exceed the
    /// actor's own.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        label: &str,
        role: Role,
        address: &str,
    ) -> Result<IssuedToken> {
        Self::require(actor, AccountAction::CreateApiToken)?;
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 100 || label.chars().any(char::is_control) {
            return Err(field("label", "a label is one line of 1 to 100 characters"));
        }
        if role > actor.role {
            return Err(field(
                "role",
                format!("a token cannot have more than your role ({})", actor.role),
            ));
        }
        let token = format!("prt_{}", new_token()?);
        let record = self
            .store
            .create_api_token(&token_hash(&token), actor.user, label, role, self.now())
            .await?;
        let subject = format!("token {} ({label}) as {role}", record.id.0);
        self.audit(Some(actor), "", "token.created", &subject, address)
            .await?;
        Ok(IssuedToken { token, record })
    }

    /// The actor's tokens; an admin sees everyone's.
    pub async fn api_tokens(&self, actor: &Actor) -> Result<Vec<ApiToken>> {
        Self::require(actor, AccountAction::CreateApiToken)?;
        let whose = (actor.role != Role::Admin).then_some(actor.user);
        Ok(self.store.api_tokens(whose).await?)
    }

    /// Revokes a token: one's own, or any as an admin.
    pub async fn revoke_api_token(
        &self,
        actor: &Actor,
        id: ApiTokenId,
        address: &str,
    ) -> Result<()> {
        Self::require(actor, AccountAction::RevokeApiToken)?;
        let token = self
            .store
            .api_token_by_id(id)
            .await?
            .ok_or(AccountError::NotFound("token"))?;
        if token.user_id != actor.user && actor.role != Role::Admin {
            return Err(AccountError::NotFound("token"));
        }
        self.store.revoke_api_token(id, self.now()).await?;
        let subject = format!("token {} ({})", id.0, token.label);
        self.audit(Some(actor), "", "token.revoked", &subject, address)
            .await
    }

    /// The newest audit lines, for admins.
    pub async fn audit_latest(
        &self,
        actor: &Actor,
        limit: u32,
    ) -> Result<Vec<pressroom_store::AuditRecord>> {
        Self::require(actor, AccountAction::ViewAudit)?;
        Ok(self.store.audit_latest(limit).await?)
    }

    /// The whole audit log as JSON Lines, oldest first, for admins. Each
    /// line is one JSON object, so a CR or LF in any value is escaped and
    /// never starts a new line.
    pub async fn audit_export(&self, actor: &Actor, address: &str) -> Result<String> {
        Self::require(actor, AccountAction::ExportAudit)?;
        self.audit(Some(actor), "", "audit.exported", "", address)
            .await?;
        let mut out = String::new();
        let mut after = 0;
        loop {
            let batch = self.store.audit_after(after, 1000).await?;
            let Some(last) = batch.last() else { break };
            after = last.seq;
            for record in &batch {
                let line = serde_json::to_string(record)
                    .map_err(|e| AccountError::Hashing(e.to_string()))?;
                out.push_str(&line);
                out.push('\n');
            }
        }
        Ok(out)
    }
}

/// How a user is named in audit subjects.
fn user_subject(user: &User) -> String {
    format!("user {} <{}>", user.id, user.email)
}

fn actor_of(user: &User, role: Role) -> Actor {
    Actor {
        user: user.id,
        role,
        email: user.email.clone(),
    }
}

/// The account and administration actions of the newsroom, each allowed to
/// some roles. The role x action test walks [`AccountAction::ALL`], so an
/// action added here is tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountAction {
    ViewDashboard,
    ViewUsers,
    InviteUser,
    ChangeRole,
    DisableUser,
    ViewAudit,
    ExportAudit,
    CreateApiToken,
    RevokeApiToken,
}

impl AccountAction {
    pub const ALL: [AccountAction; 9] = [
        AccountAction::ViewDashboard,
        AccountAction::ViewUsers,
        AccountAction::InviteUser,
        AccountAction::ChangeRole,
        AccountAction::DisableUser,
        AccountAction::ViewAudit,
        AccountAction::ExportAudit,
        AccountAction::CreateApiToken,
        AccountAction::RevokeApiToken,
    ];

    /// Whether `role` may do this.
    pub fn allowed(self, role: Role) -> bool {
        match self {
            AccountAction::ViewDashboard
            | AccountAction::CreateApiToken
            | AccountAction::RevokeApiToken => true,
            AccountAction::ViewUsers
            | AccountAction::InviteUser
            | AccountAction::ChangeRole
            | AccountAction::DisableUser
            | AccountAction::ViewAudit
            | AccountAction::ExportAudit => role == Role::Admin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_follow_the_length_and_common_list_rules() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("password").is_err(), "on the list");
        assert!(
            check_new_password("PassWord1").is_err() || check_new_password("password1").is_err()
        );
        assert!(check_new_password("correct horse battery staple").is_ok());
        assert!(check_new_password(&"é".repeat(64)).is_ok(), "64 accepted");
        assert!(check_new_password(&"x".repeat(129)).is_err());
        let err = check_new_password("12345678").unwrap_err().to_string();
        assert!(err.contains("password"), "{err}");
    }

    #[test]
    fn the_common_password_list_is_the_whole_list() {
        // 20,000 lines, some repeated once trimmed.
        assert_eq!(
            include_str!("../data/common-passwords.txt").lines().count(),
            20_000
        );
        assert!(common_passwords().len() > 19_500);
    }

    #[test]
    fn a_hash_is_argon2id_at_owasp_parameters_and_verifies() {
        let hash = hash_password("correct horse battery staple").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password(&hash, "correct horse battery staple"));
        assert!(!verify_password(&hash, "correct horse battery stapl"));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn tokens_are_256_bit_and_stored_as_their_hash() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(&a)
                .unwrap()
                .len(),
            32
        );
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn only_admins_administer_and_everyone_has_a_dashboard() {
        for role in Role::ALL {
            assert!(AccountAction::ViewDashboard.allowed(role));
            assert_eq!(AccountAction::InviteUser.allowed(role), role == Role::Admin);
        }
    }
}
