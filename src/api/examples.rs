//! The values the OpenAPI document's examples are made of, shared so that one example's ids
//! are the next one's (the task of `TaskView` is on the repository of `RepoView`, ...).
//! Types implement `poem_openapi::types::Example` next to their definitions; parameters name
//! the functions below in `#[oai(example = "...")]`.

use time::OffsetDateTime;
use time::macros::datetime;
use uuid::{Uuid, uuid};

/// An organization.
pub(crate) const ORG_ID: Uuid = uuid!("0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d");
/// Its owner.
pub(crate) const USER_ID: Uuid = uuid!("0193a1c4-5e70-7b1c-8d2e-3f4a5b6c7d8e");
/// One of its repositories.
pub(crate) const REPO_ID: Uuid = uuid!("0193a1c5-0a1b-7c2d-9e3f-4a5b6c7d8e9f");
/// A task on it.
pub(crate) const TASK_ID: Uuid = uuid!("0193a1c6-1b2c-7d3e-8f4a-5b6c7d8e9fa0");
/// An older task (a page cursor is the last task of the page before).
pub(crate) const OLDER_TASK_ID: Uuid = uuid!("0193a1c5-ffee-7dcb-a987-6543210fedcb");
/// A (shortened) PASETO v4.public token.
pub(crate) const TOKEN: &str =
    "v4.public.eyJzdWIiOiIwMTkzYTFjNC01ZTcwLTdiMWMtOGQyZS0zZjRhNWI2YzdkOGUifQ...";
/// When things in the examples happened.
pub(crate) const AT: OffsetDateTime = datetime!(2026-12-04 09:30:00 UTC);
/// A month.
pub(crate) const PERIOD: &str = "2026-12";
/// A sprint label.
pub(crate) const SPRINT: &str = "2026-W49";

/// A task id in a path.
pub(crate) fn task_id() -> String {
    TASK_ID.to_string()
}

/// An organization id in a path or query.
pub(crate) fn org_id() -> String {
    ORG_ID.to_string()
}

/// An optional organization id.
pub(crate) fn some_org_id() -> Option<String> {
    Some(org_id())
}

/// A credential provider in a path.
pub(crate) fn provider() -> String {
    "github".to_owned()
}

/// A task status filter.
pub(crate) fn status() -> Option<String> {
    Some("succeeded".to_owned())
}

/// A sprint filter.
pub(crate) fn sprint() -> Option<String> {
    Some(SPRINT.to_owned())
}

/// A page cursor.
pub(crate) fn cursor() -> Option<String> {
    Some(OLDER_TASK_ID.to_string())
}

/// A page size.
pub(crate) fn limit() -> Option<u32> {
    Some(50)
}

/// A month.
pub(crate) fn period() -> Option<String> {
    Some(PERIOD.to_owned())
}

/// An SSE `Last-Event-ID`.
pub(crate) fn last_event_id() -> Option<String> {
    Some("3".to_owned())
}

/// A `Stripe-Signature` header.
pub(crate) fn stripe_signature() -> Option<String> {
    Some(
        "t=1796376600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd"
            .to_owned(),
    )
}

/// An `X-Hub-Signature-256` header.
pub(crate) fn hub_signature() -> Option<String> {
    Some("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17".to_owned())
}

/// An `X-GitHub-Event` header.
pub(crate) fn github_event() -> Option<String> {
    Some("issues".to_owned())
}

/// An `X-IYZ-SIGNATURE-V3` header.
pub(crate) fn iyzico_signature() -> Option<String> {
    Some("9b1a1ba4b0c2d9b1f3f1a2b5c8e7d6f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8".to_owned())
}
