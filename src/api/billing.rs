//! Payments: Stripe Checkout, and the Stripe and Iyzico webhooks that change an org's plan.
//!
//! A webhook is verified on its raw bytes before anything is read from it; a bad signature
//! is a 400 and changes nothing. Each event is applied once: its id is recorded in the same
//! transaction that changes the org, so a replay answers 200 and changes nothing. Event types
//! Orchard does not act on, and events naming no org we know, answer 200 (a provider would
//! otherwise retry them for days).

use orchard_actors::budget::Limits;
use orchard_actors::domain::{OrgId, OrgScope, Role};
use orchard_actors::ports::{BillingChange, PlanChange};
use poem::web::Data;
use poem::{FromRequest, Request, RequestBody};
use poem_openapi::param::Header;
use poem_openapi::payload::{Json, ParsePayload, Payload};
use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::types::Example;
use poem_openapi::{Object, OpenApi, Tags, impl_apirequest_for_payload};
use secrecy::ExposeSecret;
use serde_json::json;

use super::error::{ApiError, Code, store_error};
use super::security::BearerAuth;
use super::validate::Text;
use super::{AppState, examples};
use crate::billing::{BillingAction, BillingEvent, WebhookError, iyzico, stripe};

#[derive(Tags)]
enum BillingTags {
    /// Plans bought through a payment provider.
    Billing,
}

/// Payments.
pub(crate) struct BillingApi;

/// A plan to buy.
#[derive(Object)]
#[oai(example)]
struct CheckoutBody {
    /// A plan of the configuration with a `stripe_price_id`.
    plan: Text,
}

/// A Stripe Checkout Session to send the buyer to.
#[derive(Object)]
#[oai(example)]
struct CheckoutView {
    /// Stripe's session id.
    id: String,
    /// The hosted payment page.
    url: String,
}

/// What became of a webhook.
#[derive(Object)]
#[oai(example)]
struct WebhookResult {
    /// `applied`, `duplicate` (seen before; nothing changed) or `ignored` (nothing to do).
    status: String,
}

impl Example for CheckoutBody {
    fn example() -> Self {
        Self { plan: "pro".into() }
    }
}

impl Example for CheckoutView {
    fn example() -> Self {
        Self {
            id: "cs_test_a1B2c3D4e5F6".into(),
            url: "https://checkout.stripe.com/c/pay/cs_test_a1B2c3D4e5F6".into(),
        }
    }
}

impl Example for WebhookResult {
    fn example() -> Self {
        Self {
            status: "applied".into(),
        }
    }
}

/// A payment provider, as far as its webhook's body is documented.
pub(crate) trait Provider: Send + Sync {
    /// What the body is.
    const DESCRIPTION: &'static str;
    /// One such body.
    fn example() -> serde_json::Value;
}

/// Stripe's events.
struct Stripe;

impl Provider for Stripe {
    const DESCRIPTION: &'static str =
        "A Stripe event, exactly as Stripe sent it (the signature covers these bytes).";
    fn example() -> serde_json::Value {
        json!({
            "id": "evt_1QbCdEfGhIjKlMnO",
            "object": "event",
            "type": "checkout.session.completed",
            "created": 1_796_376_600,
            "data": {"object": {
                "id": "cs_test_a1B2c3D4e5F6",
                "object": "checkout.session",
                "client_reference_id": examples::ORG_ID,
                "customer": "cus_QbCdEfGhIj",
                "subscription": "sub_1QbCdEfGhIjKlMnO",
                "metadata": {"org_id": examples::ORG_ID, "plan": "pro"}
            }}
        })
    }
}

/// Iyzico's subscription events.
struct Iyzico;

impl Provider for Iyzico {
    const DESCRIPTION: &'static str = "An Iyzico subscription event, exactly as Iyzico sent it (the signature covers its fields).";
    fn example() -> serde_json::Value {
        json!({
            "iyziEventType": iyzico::ORDER_SUCCESS,
            "iyziEventTime": 1_796_376_600_000_u64,
            "iyziReferenceCode": "b4e2f0a1-3c5d-4e6f-8a9b-0c1d2e3f4a5b",
            "subscriptionReferenceCode": "9f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
            "orderReferenceCode": "1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809",
            "customerReferenceCode": "acme-7f3a"
        })
    }
}

/// A webhook body: its bytes as they came, whatever their `Content-Type` says, since the
/// signature is over them; documented as the provider's JSON event.
pub(crate) struct EventBody<P>(pub(crate) Vec<u8>, std::marker::PhantomData<P>);

impl<P: Provider> Payload for EventBody<P> {
    const CONTENT_TYPE: &'static str = "application/json";

    fn check_content_type(_content_type: &str) -> bool {
        true
    }

    fn schema_ref() -> MetaSchemaRef {
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            description: Some(P::DESCRIPTION),
            example: Some(P::example()),
            ..MetaSchema::new("object")
        }))
    }
}

impl<P: Provider> ParsePayload for EventBody<P> {
    const IS_REQUIRED: bool = true;

    async fn from_request(request: &Request, body: &mut RequestBody) -> poem::Result<Self> {
        let bytes = Vec::<u8>::from_request(request, body).await?;
        Ok(Self(bytes, std::marker::PhantomData))
    }
}

impl_apirequest_for_payload!(EventBody<P>, P: Provider);

fn signature_error(err: WebhookError) -> ApiError {
    match err {
        WebhookError::MalformedEvent(reason) => {
            ApiError::invalid(format!("malformed event: {reason}"))
        }
        other => ApiError::new(Code::InvalidSignature, other.to_string()),
    }
}

fn not_configured(what: &str) -> ApiError {
    ApiError::new(
        Code::Unavailable,
        format!("{what} is not configured on this server"),
    )
}

fn result(status: &str) -> Json<WebhookResult> {
    Json(WebhookResult {
        status: status.to_owned(),
    })
}

impl BillingApi {
    /// Applies a verified event, once. `org` resolves the action's org reference (an org id
    /// for Stripe, a customer reference code for Iyzico) to the org and, for Iyzico, the
    /// plan it subscribed to.
    async fn apply(
        state: &AppState,
        provider: &str,
        event: BillingEvent,
        org: Option<(OrgId, String)>,
    ) -> Result<Json<WebhookResult>, ApiError> {
        let change = match (&event.action, &org) {
            (BillingAction::Ignore, _) | (_, None) => None,
            (BillingAction::SetPlan { .. }, Some((_, plan))) => {
                if state.config.plans.contains_key(plan) {
                    Some(BillingChange::Plan(PlanChange {
                        plan: plan.clone(),
                        custom_limits: Limits::default(),
                    }))
                } else {
                    tracing::warn!(provider, event_id = %event.id, plan = %plan, "billing event names a plan that is not configured; ignored");
                    None
                }
            }
            (BillingAction::Cancel { .. }, Some(_)) => Some(BillingChange::Plan(PlanChange {
                plan: "free".into(),
                custom_limits: Limits::default(),
            })),
            (BillingAction::PaymentFailed { .. }, Some(_)) => Some(BillingChange::PastDue),
        };
        let apply = match (change, org) {
            (Some(change), Some((org_id, _))) => Some((OrgScope::trusted(org_id), change)),
            _ => None,
        };
        let ignored = apply.is_none();
        let new = state
            .store
            .record_billing_event(provider, &event.id, apply)
            .await
            .map_err(|err| store_error("organization", err))?;
        let status = match (new, ignored) {
            (false, _) => "duplicate",
            (true, true) => "ignored",
            (true, false) => "applied",
        };
        tracing::info!(provider, event_id = %event.id, kind = %event.kind, status, "billing webhook");
        Ok(result(status))
    }

    /// The org an action names, if it exists.
    async fn known_org(state: &AppState, org_ref: &str) -> Result<Option<OrgId>, ApiError> {
        let Ok(org_id) = org_ref.parse::<OrgId>() else {
            return Ok(None);
        };
        match state.store.org(&OrgScope::trusted(org_id)).await {
            Ok(_) => Ok(Some(org_id)),
            Err(orchard_actors::ports::StoreError::NotFound) => Ok(None),
            Err(err) => Err(store_error("organization", err)),
        }
    }
}

fn org_ref(action: &BillingAction) -> Option<(&str, &str)> {
    match action {
        BillingAction::SetPlan { org_id, plan, .. } => Some((org_id, plan)),
        BillingAction::Cancel { org_id } | BillingAction::PaymentFailed { org_id } => {
            Some((org_id, ""))
        }
        BillingAction::Ignore => None,
    }
}

#[OpenApi(prefix_path = "/v1", tag = "BillingTags::Billing")]
impl BillingApi {
    /// Starts a Stripe Checkout for a plan; send the buyer to the returned `url`. When the
    /// payment completes, Stripe's webhook puts the organization on the plan.
    #[oai(
        path = "/billing/checkout",
        method = "post",
        operation_id = "create_checkout"
    )]
    async fn checkout(
        &self,
        state: Data<&AppState>,
        auth: BearerAuth,
        body: Json<CheckoutBody>,
    ) -> Result<Json<CheckoutView>, ApiError> {
        if !matches!(auth.0.role, Role::Owner | Role::Admin) {
            return Err(ApiError::new(
                Code::Forbidden,
                "only an owner or admin can buy a plan",
            ));
        }
        let plan = body.plan.trim();
        let price_id = state
            .config
            .plans
            .get(plan)
            .and_then(|p| p.stripe_price_id.clone())
            .ok_or_else(|| ApiError::invalid(format!("the plan `{plan}` is not for sale")))?;
        let key = state
            .config
            .billing
            .stripe_secret_key
            .clone()
            .ok_or_else(|| not_configured("Stripe (ORCHARD_STRIPE_SECRET_KEY)"))?;
        let billing = &state.config.billing;
        let client = stripe::StripeClient::new(&billing.stripe_api_base, key);
        let request = stripe::CheckoutRequest {
            org_id: auth.0.scope.org_id().to_string(),
            plan: plan.to_owned(),
            price_id,
            success_url: billing.success_url.clone(),
            cancel_url: billing.cancel_url.clone(),
            customer_email: None,
        };
        let session = client
            .create_checkout_session(&request)
            .await
            .map_err(|err| ApiError::unavailable("Stripe checkout", err))?;
        Ok(Json(CheckoutView {
            id: session.id,
            url: session.url,
        }))
    }

    /// Stripe's webhook: `checkout.session.completed`, `customer.subscription.updated` and
    /// `.deleted`, `invoice.payment_failed`. The body is Stripe's event JSON, verified with
    /// `Stripe-Signature` (HMAC-SHA256 of `timestamp.body`, 5 minutes' tolerance).
    #[oai(
        path = "/webhooks/stripe",
        method = "post",
        operation_id = "stripe_webhook"
    )]
    async fn stripe_webhook(
        &self,
        state: Data<&AppState>,
        /// `t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
        #[oai(name = "Stripe-Signature", example = "examples::stripe_signature")]
        signature: Header<Option<String>>,
        body: EventBody<Stripe>,
    ) -> Result<Json<WebhookResult>, ApiError> {
        let billing = &state.config.billing;
        let secret = billing
            .stripe_webhook_secret
            .as_ref()
            .ok_or_else(|| not_configured("the Stripe webhook (ORCHARD_STRIPE_WEBHOOK_SECRET)"))?;
        let header = signature.0.as_deref().unwrap_or_default();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let tolerance = i64::try_from(billing.webhook_tolerance_secs).unwrap_or(i64::MAX);
        stripe::verify_signature(header, &body.0, secret.expose_secret(), now, tolerance)
            .map_err(signature_error)?;
        let event = stripe::parse_event(&body.0).map_err(signature_error)?;
        let org = match org_ref(&event.action) {
            Some((org_ref, plan)) => Self::known_org(&state, org_ref)
                .await?
                .map(|id| (id, plan.to_owned())),
            None => None,
        };
        Self::apply(&state, "stripe", event, org).await
    }

    /// Iyzico's subscription webhook (`subscription.order.success` / `.failure`), verified
    /// with `X-IYZ-SIGNATURE-V3`. The customer reference code names the org, as registered
    /// with `PUT /v1/admin/orgs/{id}/iyzico-customer`.
    #[oai(
        path = "/webhooks/iyzico",
        method = "post",
        operation_id = "iyzico_webhook"
    )]
    async fn iyzico_webhook(
        &self,
        state: Data<&AppState>,
        /// Hex HMAC-SHA256 of the event's fields with the Iyzico secret key.
        #[oai(name = "X-IYZ-SIGNATURE-V3", example = "examples::iyzico_signature")]
        signature: Header<Option<String>>,
        body: EventBody<Iyzico>,
    ) -> Result<Json<WebhookResult>, ApiError> {
        let billing = &state.config.billing;
        let (Some(secret), Some(merchant)) =
            (&billing.iyzico_secret_key, &billing.iyzico_merchant_id)
        else {
            return Err(not_configured(
                "the Iyzico webhook (ORCHARD_IYZICO_SECRET_KEY and billing.iyzico_merchant_id)",
            ));
        };
        let header = signature.0.as_deref().unwrap_or_default();
        iyzico::verify_signature(header, &body.0, secret.expose_secret(), merchant)
            .map_err(signature_error)?;
        let event = iyzico::parse_event(&body.0).map_err(signature_error)?;
        let org = match org_ref(&event.action) {
            Some((customer, _)) => state
                .store
                .billing_customer("iyzico", customer)
                .await
                .map_err(|err| store_error("organization", err))?,
            None => None,
        };
        Self::apply(&state, "iyzico", event, org).await
    }
}
