//! Bearer authentication: a PASETO v4.public token, verified into the caller's identity.

use orchard_actors::domain::{OrgScope, Role, UserId};
use poem::Request;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::Bearer;

use super::AppState;
use super::error::{ApiError, Code};
use super::ratelimit::RateLimits;

/// Who is calling, from a verified token.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// The user.
    pub(crate) user_id: UserId,
    /// Scope of the user's org: the only way handlers reach tenant data.
    pub(crate) scope: OrgScope,
    /// The user's role.
    pub(crate) role: Role,
    /// The token's id (`jti`) and expiry, for logout.
    pub(crate) token_id: String,
    /// When the token expires.
    pub(crate) expires_at: time::OffsetDateTime,
}

impl Caller {
    /// Fails with 403 unless the caller is an owner or admin of the org.
    pub(crate) fn require_admin(&self) -> Result<(), ApiError> {
        if matches!(self.role, Role::Owner | Role::Admin) {
            return Ok(());
        }
        Err(ApiError::new(
            Code::Forbidden,
            format!("the {} role cannot manage credentials", self.role.as_str()),
        ))
    }

    /// Fails with 403 unless the role may change things.
    pub(crate) fn require_write(&self) -> Result<(), ApiError> {
        if self.role.can_write() {
            return Ok(());
        }
        Err(ApiError::new(
            Code::Forbidden,
            format!("the {} role is read-only", self.role.as_str()),
        ))
    }
}

/// `Authorization: Bearer v4.public...` of a member of an organization.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "PASETO v4.public", checker = "check")]
pub(crate) struct BearerAuth(pub(crate) Caller);

/// `Authorization: Bearer v4.public...` of the platform operator (`orchard admin token`).
#[derive(SecurityScheme)]
#[oai(
    ty = "bearer",
    bearer_format = "PASETO v4.public (operator)",
    checker = "check_operator"
)]
pub(crate) struct OperatorAuth(pub(crate) UserId);

fn forbidden(message: &str) -> poem::Error {
    ApiError::new(Code::Forbidden, message).into()
}

/// A tenant's token; an operator's is refused (it belongs to no organization). Each
/// request admitted counts against the org's rate limit (`ratelimit.rs`).
async fn check(req: &Request, bearer: Bearer) -> poem::Result<Caller> {
    let caller = verify(req, bearer).await?;
    if caller.role == Role::Operator {
        return Err(forbidden(
            "an operator token acts on organizations only through /v1/admin",
        ));
    }
    if let (Some(state), Some(limits)) = (
        req.data::<AppState>(),
        req.data::<std::sync::Arc<RateLimits>>(),
    ) {
        limits.admit(&*state.store, caller.scope).await?;
    }
    Ok(caller)
}

/// An operator's token; a tenant's is refused.
async fn check_operator(req: &Request, bearer: Bearer) -> poem::Result<UserId> {
    let caller = verify(req, bearer).await?;
    if caller.role != Role::Operator {
        return Err(forbidden("this needs an operator token"));
    }
    Ok(caller.user_id)
}

/// The token's signature, key, times, and that it was not revoked (logout). A revocation
/// backend that cannot be asked answers 503: a token is not let through unchecked.
async fn verify(req: &Request, bearer: Bearer) -> poem::Result<Caller> {
    let state = req
        .data::<AppState>()
        .ok_or_else(|| poem::Error::from_status(poem::http::StatusCode::INTERNAL_SERVER_ERROR))?;
    let invalid = || ApiError::new(Code::InvalidToken, "missing or invalid bearer token");
    let claims = state.keys.verify(&bearer.token).map_err(|_| invalid())?;
    let revoked = state
        .revocations
        .is_revoked(&claims.token_id)
        .await
        .map_err(|err| ApiError::unavailable("token revocation check", err))?;
    if revoked {
        return Err(invalid().into());
    }
    Ok(Caller {
        user_id: claims.user_id,
        scope: OrgScope::trusted(claims.org_id),
        role: claims.role,
        token_id: claims.token_id,
        expires_at: claims.expires_at,
    })
}
