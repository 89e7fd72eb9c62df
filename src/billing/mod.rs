//! Payment providers: signed webhooks that change an org's plan, and Stripe Checkout.
//!
//! Each provider module verifies its signature scheme and turns the provider's event into a
//! [`BillingEvent`]; applying it (idempotently, on the provider's event id) is the API's job.

pub mod iyzico;
pub mod stripe;

/// A provider's event, reduced to what Orchard acts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingEvent {
    /// The provider's unique event id (webhooks are idempotent on it).
    pub id: String,
    /// The provider's event type, as sent (e.g. `checkout.session.completed`).
    pub kind: String,
    /// What it means for the org's plan.
    pub action: BillingAction,
}

/// What an event does to an org's plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BillingAction {
    /// The org is now on `plan` (a paid checkout, or a subscription that became active).
    SetPlan {
        /// The org, as Orchard put it into the checkout (client reference / metadata).
        org_id: String,
        /// The plan bought.
        plan: String,
        /// The provider's customer id, if sent.
        customer: Option<String>,
        /// The provider's subscription id, if sent.
        subscription: Option<String>,
    },
    /// The subscription ended: the org goes back to the free plan.
    Cancel {
        /// The org.
        org_id: String,
    },
    /// A renewal payment failed: the org is marked past due (its plan stays until the
    /// provider cancels the subscription).
    PaymentFailed {
        /// The org.
        org_id: String,
    },
    /// An event type Orchard does not act on (answered 200, changes nothing).
    Ignore,
}

/// Why a webhook was refused (always a 400; nothing is changed).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The signature header is missing or malformed.
    #[error("missing or malformed signature header")]
    MalformedSignature,
    /// No signature matches the body under the configured secret.
    #[error("signature does not match")]
    BadSignature,
    /// The signed timestamp is outside the tolerance (replayed or badly delayed).
    #[error("signature timestamp outside the tolerance")]
    Stale,
    /// The body is not the provider's event format, or lacks what its type requires.
    #[error("malformed event: {0}")]
    MalformedEvent(String),
}
