//! `POST /v1/auth/signup`, `POST /v1/auth/login`, `POST /v1/auth/logout`, `GET /v1/org`.

use std::time::Duration;

use orchard_actors::domain::Role;
use orchard_actors::ports::StoreError;
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::types::Example;
use poem_openapi::{ApiResponse, Object, OpenApi, Tags};
use secrecy::SecretString;
use time::OffsetDateTime;
use uuid::Uuid;

use super::error::{ApiError, Code, store_error};
use super::security::BearerAuth;
use super::validate::Text;
use super::{AppState, examples, validate};
use crate::auth::password;

#[derive(Tags)]
enum AuthTags {
    /// Sign-up, login and the caller's organization.
    Auth,
}

/// Signup, login, org profile.
pub(crate) struct AuthApi;

/// Create an organization and its owner.
#[derive(Object)]
#[oai(example)]
struct SignupRequest {
    /// Organization name (1–100 characters).
    org_name: Text,
    /// Owner's email; used to log in.
    email: Text,
    /// Owner's password (at least 8 characters).
    #[oai(write_only)]
    password: Text,
}

/// A new organization and a token for its owner.
#[derive(Object)]
#[oai(example)]
struct SignupResponse {
    org_id: Uuid,
    user_id: Uuid,
    /// PASETO v4.public bearer token.
    token: String,
    expires_at: OffsetDateTime,
}

/// Email and password of a user.
#[derive(Object)]
#[oai(example)]
struct LoginRequest {
    email: Text,
    #[oai(write_only)]
    password: Text,
}

/// A bearer token.
#[derive(Object)]
#[oai(example)]
struct LoginResponse {
    /// PASETO v4.public bearer token.
    token: String,
    expires_at: OffsetDateTime,
}

/// An organization, its plan and the limits in effect.
#[derive(Object)]
#[oai(example, skip_serializing_if_is_none)]
pub(crate) struct OrgView {
    id: Uuid,
    name: String,
    /// Billing plan.
    plan: String,
    /// Tasks per calendar month (UTC) in effect; absent: unlimited.
    tasks_per_month: Option<u64>,
    /// LLM tokens per calendar month in effect; absent: unlimited.
    monthly_tokens: Option<u64>,
    /// A renewal payment failed.
    past_due: bool,
    created_at: OffsetDateTime,
}

impl OrgView {
    /// The view of `org` under `state`'s plans.
    pub(crate) fn of(state: &AppState, org: orchard_actors::domain::Org) -> Self {
        let limits = state.limits_of(&org);
        Self {
            id: org.id.as_uuid(),
            name: org.name,
            plan: org.plan,
            tasks_per_month: limits.tasks_per_month,
            monthly_tokens: limits.monthly_tokens,
            past_due: org.past_due,
            created_at: org.created_at,
        }
    }
}

impl Example for SignupRequest {
    fn example() -> Self {
        Self {
            org_name: "Acme".into(),
            email: "owner@acme.example".into(),
            password: "correct horse battery".into(),
        }
    }
}

impl Example for SignupResponse {
    fn example() -> Self {
        Self {
            org_id: examples::ORG_ID,
            user_id: examples::USER_ID,
            token: examples::TOKEN.into(),
            expires_at: examples::AT + Duration::from_secs(24 * 3600),
        }
    }
}

impl Example for LoginRequest {
    fn example() -> Self {
        let SignupRequest {
            email, password, ..
        } = SignupRequest::example();
        Self { email, password }
    }
}

impl Example for LoginResponse {
    fn example() -> Self {
        let SignupResponse {
            token, expires_at, ..
        } = SignupResponse::example();
        Self { token, expires_at }
    }
}

impl Example for OrgView {
    fn example() -> Self {
        Self {
            id: examples::ORG_ID,
            name: "Acme".into(),
            plan: "free".into(),
            tasks_per_month: Some(5),
            monthly_tokens: Some(1_000_000),
            past_due: false,
            created_at: examples::AT,
        }
    }
}

#[derive(ApiResponse)]
enum SignupResult {
    /// Created.
    #[oai(status = 201)]
    Created(Json<SignupResponse>),
}

#[derive(ApiResponse)]
enum LogoutResult {
    /// The token is revoked until it expires.
    #[oai(status = 204)]
    LoggedOut,
}

fn token_ttl(state: &AppState) -> Duration {
    Duration::from_secs(state.config.auth.token_ttl_secs)
}

#[OpenApi(prefix_path = "/v1", tag = "AuthTags::Auth")]
impl AuthApi {
    /// Sign up: creates an organization and its owner, returns the owner's token.
    #[oai(path = "/auth/signup", method = "post", operation_id = "signup")]
    async fn signup(
        &self,
        state: Data<&AppState>,
        body: Json<SignupRequest>,
    ) -> Result<SignupResult, ApiError> {
        let org_name = validate::name("org_name", &body.org_name).map_err(ApiError::invalid)?;
        let email = validate::email(&body.email).map_err(ApiError::invalid)?;
        validate::password(&body.password).map_err(ApiError::invalid)?;
        let secret = SecretString::from(String::from(body.0.password));
        let hash = tokio::task::spawn_blocking(move || password::hash(&secret))
            .await
            .map_err(|err| ApiError::internal("password hashing", err))?
            .map_err(|err| ApiError::internal("password hashing", err))?;
        let (org, user) = match state
            .store
            .create_org_with_owner(&org_name, &email, &hash)
            .await
        {
            Ok(created) => created,
            Err(StoreError::Conflict(_)) => {
                return Err(ApiError::new(
                    Code::EmailTaken,
                    "this email is already registered",
                ));
            }
            Err(err) => return Err(store_error("organization", err)),
        };
        let (token, expires_at) = state
            .keys
            .issue(user.id, org.id, Role::Owner, token_ttl(&state))
            .map_err(|err| ApiError::internal("token issuing", err))?;
        metrics::counter!("orchard_signups_total").increment(1);
        tracing::info!(org_id = %org.id, user_id = %user.id, "organization signed up");
        Ok(SignupResult::Created(Json(SignupResponse {
            org_id: org.id.as_uuid(),
            user_id: user.id.as_uuid(),
            token,
            expires_at,
        })))
    }

    /// Log in with email and password.
    #[oai(path = "/auth/login", method = "post", operation_id = "login")]
    async fn login(
        &self,
        state: Data<&AppState>,
        body: Json<LoginRequest>,
    ) -> Result<Json<LoginResponse>, ApiError> {
        let wrong = || ApiError::new(Code::InvalidCredentials, "wrong email or password");
        let email = validate::email(&body.email).map_err(|_| wrong())?;
        let found = state
            .store
            .user_by_email(&email)
            .await
            .map_err(|err| store_error("user", err))?;
        let stored_hash = found
            .as_ref()
            .map(|f| f.password_hash.clone())
            .unwrap_or_else(|| password::dummy_hash().to_owned());
        let secret = SecretString::from(String::from(body.0.password));
        let matches = tokio::task::spawn_blocking(move || password::verify(&secret, &stored_hash))
            .await
            .map_err(|err| ApiError::internal("password check", err))?;
        let Some(found) = found.filter(|_| matches) else {
            return Err(wrong());
        };
        let user = found.user;
        let (token, expires_at) = state
            .keys
            .issue(user.id, user.org_id, user.role, token_ttl(&state))
            .map_err(|err| ApiError::internal("token issuing", err))?;
        Ok(Json(LoginResponse { token, expires_at }))
    }

    /// Log out: revokes the presented token on every node until it expires; it answers
    /// 401 `invalid_token` from then on. Other tokens of the user stay valid. A node other
    /// than the one that answered may accept the token for up to `auth.revocation_cache_secs`
    /// (default 5 s) more.
    #[oai(path = "/auth/logout", method = "post", operation_id = "logout")]
    async fn logout(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Result<LogoutResult, ApiError> {
        let caller = auth.0;
        state
            .revocations
            .revoke(&caller.token_id, caller.expires_at)
            .await
            .map_err(|err| ApiError::unavailable("token revocation", err))?;
        tracing::info!(user_id = %caller.user_id, org_id = %caller.scope.org_id(), "logged out");
        Ok(LogoutResult::LoggedOut)
    }

    /// The caller's organization.
    #[oai(path = "/org", method = "get", operation_id = "get_org")]
    async fn org(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
    ) -> Result<Json<OrgView>, ApiError> {
        let org = state
            .store
            .org(&auth.0.scope)
            .await
            .map_err(|err| store_error("organization", err))?;
        Ok(Json(OrgView::of(&state, org)))
    }
}
