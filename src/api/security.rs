//! Bearer authentication: a PASETO v4.public token, verified into the caller's identity.

use orchard_actors::domain::{OrgScope, Role, UserId};
use poem::Request;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::Bearer;

use super::AppState;
use super::error::{ApiError, Code};

/// Who is calling, from a verified token.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// The user.
    pub(crate) user_id: UserId,
    /// Scope of the user's org: the only way handlers reach tenant data.
    pub(crate) scope: OrgScope,
    /// The user's role.
    pub(crate) role: Role,
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

/// `Authorization: Bearer v4.public...`
#[derive(SecurityScheme)]
#[oai(ty = "bearer", bearer_format = "PASETO v4.public", checker = "check")]
pub(crate) struct BearerAuth(pub(crate) Caller);

async fn check(req: &Request, bearer: Bearer) -> poem::Result<Caller> {
    let state = req
        .data::<AppState>()
        .ok_or_else(|| poem::Error::from_status(poem::http::StatusCode::INTERNAL_SERVER_ERROR))?;
    let claims = state.keys.verify(&bearer.token).map_err(|_| {
        poem::Error::from_string(
            "missing or invalid bearer token",
            poem::http::StatusCode::UNAUTHORIZED,
        )
    })?;
    Ok(Caller {
        user_id: claims.user_id,
        scope: OrgScope::trusted(claims.org_id),
        role: claims.role,
    })
}
