//! Stripe: the `Stripe-Signature` webhook scheme, the events Orchard acts on, and a small
//! Checkout client.
//!
//! The signature scheme is Stripe's documented one ("Verify signatures manually",
//! <https://docs.stripe.com/webhooks#verify-manually>, the same as `Webhook.verifyHeader`
//! in Stripe's official libraries): `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`,
//! each `v1` being hex(HMAC-SHA256(key = the endpoint secret `whsec_...` as the raw bytes
//! of the string, message = `"{t}.{raw body}"`)).

use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;
use sha2::Sha256;

use super::{BillingAction, BillingEvent, WebhookError};

type HmacSha256 = Hmac<Sha256>;

/// Checks a `Stripe-Signature` header against the raw request body.
///
/// `header` is `t=<unix>,v1=<hex>,...`: elements are separated by `,`, each is
/// `key=value`; several `v1` are allowed (Stripe sends one per active secret while a secret
/// is being rolled), other schemes (`v0`) and unknown keys are ignored. Any `v1` equal to
/// hex(HMAC-SHA256(`secret`, `"{t}.{payload}"`)) accepts; comparisons are constant time.
///
/// Order of the checks, as in Stripe's libraries: the header is parsed first (no `t`, a `t`
/// that is not an integer, no `v1`, or a `v1` that is not hex: [`WebhookError::MalformedSignature`]),
/// then the signature is checked ([`WebhookError::BadSignature`]), and only a correctly
/// signed timestamp is then compared with `now_unix`: more than `tolerance_secs` away in
/// either direction is [`WebhookError::Stale`]. So a forged request is always reported as
/// a bad signature, never as stale. A negative tolerance counts as zero.
pub fn verify_signature(
    header: &str,
    payload: &[u8],
    secret: &str,
    now_unix: i64,
    tolerance_secs: i64,
) -> Result<(), WebhookError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for element in header.split(',') {
        let Some((key, value)) = element.trim().split_once('=') else {
            continue;
        };
        match key {
            // Like Stripe's libraries: the last `t` wins (the signature covers it anyway).
            "t" => {
                let t = value
                    .parse::<i64>()
                    .map_err(|_| WebhookError::MalformedSignature)?;
                timestamp = Some(t);
            }
            "v1" => {
                // Stripe only ever sends hex here; anything else is a broken header.
                let signature = hex::decode(value).map_err(|_| WebhookError::MalformedSignature)?;
                signatures.push(signature);
            }
            _ => {}
        }
    }
    let Some(timestamp) = timestamp else {
        return Err(WebhookError::MalformedSignature);
    };
    if signatures.is_empty() {
        return Err(WebhookError::MalformedSignature);
    }

    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).map_err(|_| WebhookError::BadSignature)?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    let matched = signatures
        .iter()
        .any(|signature| mac.clone().verify_slice(signature).is_ok());
    if !matched {
        return Err(WebhookError::BadSignature);
    }

    let tolerance = u64::try_from(tolerance_secs).unwrap_or(0);
    if now_unix.abs_diff(timestamp) > tolerance {
        return Err(WebhookError::Stale);
    }
    Ok(())
}

/// Turns a (verified) Stripe event body into a [`BillingEvent`].
///
/// - `checkout.session.completed`: [`BillingAction::SetPlan`] for the session's
///   `client_reference_id`, with `metadata.plan`, `customer` and `subscription`.
/// - `customer.subscription.updated`: by `status`: `active`/`trialing` set the plan from the
///   subscription's `metadata` (`org_id`, `plan`); `canceled`/`unpaid`/`incomplete_expired`
///   cancel; `past_due` is a failed payment; any other status is ignored.
/// - `customer.subscription.deleted`: cancels `metadata.org_id`.
/// - `invoice.payment_failed`: a failed payment for the org in the subscription's metadata
///   (`parent.subscription_details.metadata`, then the older `subscription_details.metadata`,
///   then the invoice's own `metadata`).
/// - Any other type is [`BillingAction::Ignore`].
///
/// A body that is not a JSON object with a string `id` and `type`, or a known type without
/// the fields it needs, is [`WebhookError::MalformedEvent`]; the reason never quotes the body.
pub fn parse_event(payload: &[u8]) -> Result<BillingEvent, WebhookError> {
    let event: Value =
        serde_json::from_slice(payload).map_err(|_| malformed("body is not JSON"))?;
    let id = non_empty_str(&event, &["id"]).ok_or_else(|| malformed("missing event id"))?;
    let kind = non_empty_str(&event, &["type"]).ok_or_else(|| malformed("missing event type"))?;
    let object = || {
        event
            .get("data")
            .and_then(|data| data.get("object"))
            .filter(|object| object.is_object())
            .ok_or_else(|| malformed("missing data.object"))
    };

    let action = match kind {
        "checkout.session.completed" => {
            let session = object()?;
            BillingAction::SetPlan {
                org_id: required(session, &["client_reference_id"])?,
                plan: required(session, &["metadata", "plan"])?,
                customer: id_of(session.get("customer")),
                subscription: id_of(session.get("subscription")),
            }
        }
        "customer.subscription.updated" => {
            let subscription = object()?;
            let status = non_empty_str(subscription, &["status"])
                .ok_or_else(|| malformed("missing status"))?;
            match status {
                "active" | "trialing" => BillingAction::SetPlan {
                    org_id: required(subscription, &["metadata", "org_id"])?,
                    plan: required(subscription, &["metadata", "plan"])?,
                    customer: id_of(subscription.get("customer")),
                    subscription: id_of(subscription.get("id")),
                },
                "canceled" | "unpaid" | "incomplete_expired" => BillingAction::Cancel {
                    org_id: required(subscription, &["metadata", "org_id"])?,
                },
                "past_due" => BillingAction::PaymentFailed {
                    org_id: required(subscription, &["metadata", "org_id"])?,
                },
                _ => BillingAction::Ignore,
            }
        }
        "customer.subscription.deleted" => BillingAction::Cancel {
            org_id: required(object()?, &["metadata", "org_id"])?,
        },
        "invoice.payment_failed" => {
            let invoice = object()?;
            let org_id = [
                &["parent", "subscription_details", "metadata", "org_id"][..],
                &["subscription_details", "metadata", "org_id"][..],
                &["metadata", "org_id"][..],
            ]
            .iter()
            .find_map(|path| non_empty_str(invoice, path))
            .ok_or_else(|| malformed("missing subscription metadata.org_id"))?;
            BillingAction::PaymentFailed {
                org_id: org_id.to_owned(),
            }
        }
        _ => BillingAction::Ignore,
    };
    Ok(BillingEvent {
        id: id.to_owned(),
        kind: kind.to_owned(),
        action,
    })
}

fn malformed(reason: &str) -> WebhookError {
    WebhookError::MalformedEvent(reason.to_owned())
}

/// The non-empty string at `path` under `value`.
fn non_empty_str<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(value, |value, key| value.get(key))?
        .as_str()
        .filter(|s| !s.is_empty())
}

/// Like [`non_empty_str`], but a missing field is a malformed event naming the field.
fn required(value: &Value, path: &[&str]) -> Result<String, WebhookError> {
    non_empty_str(value, path)
        .map(str::to_owned)
        .ok_or_else(|| WebhookError::MalformedEvent(format!("missing {}", path.join("."))))
}

/// An id field that Stripe sends as a string, or as an object with `id` when expanded.
fn id_of(value: Option<&Value>) -> Option<String> {
    let value = value?;
    let id = match value {
        Value::Object(_) => value.get("id")?.as_str()?,
        _ => value.as_str()?,
    };
    (!id.is_empty()).then(|| id.to_owned())
}

/// Longest part of Stripe's error message kept in a [`StripeError`].
const MAX_ERROR_MESSAGE: usize = 500;

/// A Stripe Checkout client: creates subscription checkout sessions.
#[derive(Debug)]
pub struct StripeClient {
    base_url: String,
    secret_key: SecretString,
    http: reqwest::Client,
}

/// What to sell in a checkout session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutRequest {
    /// The org buying; sent as `client_reference_id` and in the session's and the
    /// subscription's metadata, so every later event names it.
    pub org_id: String,
    /// Orchard's plan name, sent in the same metadata.
    pub plan: String,
    /// The Stripe price (`price_...`) of the plan.
    pub price_id: String,
    /// Where Stripe sends the buyer after paying.
    pub success_url: String,
    /// Where Stripe sends the buyer who gives up.
    pub cancel_url: String,
    /// Prefills the checkout's email field.
    pub customer_email: Option<String>,
}

/// A created checkout session.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CheckoutSession {
    /// Stripe's session id (`cs_...`).
    pub id: String,
    /// The hosted checkout page to send the buyer to.
    pub url: String,
}

/// Why Stripe did not create a session. Never contains the secret key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StripeError {
    /// Stripe refused the request (a 4xx other than 429): `message` is Stripe's
    /// `error.message`.
    #[error("stripe rejected the request (HTTP {status}): {message}")]
    Rejected {
        /// The HTTP status.
        status: u16,
        /// Stripe's explanation.
        message: String,
    },
    /// Stripe could not be reached or failed (transport error, 429, 5xx, unreadable
    /// answer); retrying later may work.
    #[error("stripe unavailable: {0}")]
    Unavailable(String),
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    message: Option<String>,
}

impl StripeClient {
    /// A client for `base_url` (`https://api.stripe.com`, or a test server) authenticating
    /// with `secret_key` (`sk_...` or a restricted `rk_...`).
    ///
    /// # Panics
    /// If the HTTP client cannot be built (no TLS backend), like `reqwest::Client::new`.
    pub fn new(base_url: &str, secret_key: SecretString) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .expect("the HTTP client builds");
        Self {
            base_url: base_url.trim_end_matches('/').to_owned(),
            secret_key,
            http,
        }
    }

    /// Creates a `mode=subscription` Checkout Session for one unit of `req.price_id`
    /// (`POST /v1/checkout/sessions`, form-encoded, with a fresh `Idempotency-Key`).
    pub async fn create_checkout_session(
        &self,
        req: &CheckoutRequest,
    ) -> Result<CheckoutSession, StripeError> {
        let mut fields: Vec<(&str, &str)> = vec![
            ("mode", "subscription"),
            ("line_items[0][price]", &req.price_id),
            ("line_items[0][quantity]", "1"),
            ("success_url", &req.success_url),
            ("cancel_url", &req.cancel_url),
            ("client_reference_id", &req.org_id),
            ("metadata[org_id]", &req.org_id),
            ("metadata[plan]", &req.plan),
            ("subscription_data[metadata][org_id]", &req.org_id),
            ("subscription_data[metadata][plan]", &req.plan),
        ];
        if let Some(email) = &req.customer_email {
            fields.push(("customer_email", email));
        }
        let response = self
            .http
            .post(format!("{}/v1/checkout/sessions", self.base_url))
            .bearer_auth(self.secret_key.expose_secret())
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header("Idempotency-Key", uuid::Uuid::now_v7().to_string())
            .body(form_body(&fields))
            .send()
            .await
            .map_err(|err| self.unavailable(format!("request failed: {}", err.without_url())))?;
        let status = response.status();
        let body = response
            .text()
            .await
            .map_err(|err| self.unavailable(format!("reading response: {}", err.without_url())))?;
        if status.is_success() {
            return serde_json::from_str::<CheckoutSession>(&body)
                .map_err(|_| self.unavailable("unreadable checkout session".to_owned()));
        }
        let message = serde_json::from_str::<ErrorBody>(&body)
            .ok()
            .and_then(|body| body.error.message)
            .map(|message| message.chars().take(MAX_ERROR_MESSAGE).collect::<String>())
            .unwrap_or_else(|| format!("HTTP {status}"));
        let message = self.redact(message);
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            Err(StripeError::Unavailable(format!(
                "HTTP {status}: {message}"
            )))
        } else {
            Err(StripeError::Rejected {
                status: status.as_u16(),
                message,
            })
        }
    }

    fn unavailable(&self, message: String) -> StripeError {
        StripeError::Unavailable(self.redact(message))
    }

    /// Defence in depth: no error text ever carries the key, whatever produced it.
    fn redact(&self, message: String) -> String {
        let key = self.secret_key.expose_secret();
        if key.is_empty() || !message.contains(key) {
            return message;
        }
        message.replace(key, "[redacted]")
    }
}

/// `application/x-www-form-urlencoded` encoding of `fields` (via `reqwest::Url`, as neither
/// `url` nor `serde_urlencoded` is a direct dependency).
fn form_body(fields: &[(&str, &str)]) -> String {
    reqwest::Url::parse_with_params("http://form.invalid/", fields)
        .expect("a constant base URL parses")
        .query()
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use poem::listener::{Acceptor, Listener, TcpListener};
    use poem::web::{Data, Form};
    use poem::{EndpointExt, Request, Response, Route, handler, post};
    use serde_json::json;

    use super::*;

    const SECRET: &str = "whsec_test_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH";
    const NOW: i64 = 1_700_000_000;
    const TOLERANCE: i64 = 300;
    const BODY: &[u8] = br#"{"id":"evt_1","type":"checkout.session.completed"}"#;

    /// The documented scheme, computed independently of the code under test.
    fn sign(t: i64, payload: &[u8], secret: &str) -> String {
        let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{t}.").as_bytes());
        mac.update(payload);
        hex::encode(mac.finalize().into_bytes())
    }

    fn verify(header: &str, payload: &[u8]) -> Result<(), WebhookError> {
        verify_signature(header, payload, SECRET, NOW, TOLERANCE)
    }

    #[test]
    fn accepts_a_valid_signature() {
        let header = format!("t={NOW},v1={}", sign(NOW, BODY, SECRET));
        assert_eq!(verify(&header, BODY), Ok(()));
    }

    #[test]
    fn accepts_uppercase_hex_and_ignores_other_schemes_and_keys() {
        let signature = sign(NOW, BODY, SECRET).to_uppercase();
        let header = format!("t={NOW}, v0=abcdef,x=1,junk,v1={signature}");
        assert_eq!(verify(&header, BODY), Ok(()));
    }

    #[test]
    fn accepts_when_the_second_v1_matches() {
        let header = format!(
            "t={NOW},v1={},v1={}",
            sign(NOW, BODY, "whsec_old_secret"),
            sign(NOW, BODY, SECRET)
        );
        assert_eq!(verify(&header, BODY), Ok(()));
    }

    #[test]
    fn refuses_a_tampered_body() {
        let header = format!("t={NOW},v1={}", sign(NOW, BODY, SECRET));
        let tampered = br#"{"id":"evt_1","type":"checkout.session.completeD"}"#;
        assert_eq!(verify(&header, tampered), Err(WebhookError::BadSignature));
    }

    #[test]
    fn refuses_a_wrong_secret() {
        let header = format!("t={NOW},v1={}", sign(NOW, BODY, "whsec_someone_else"));
        assert_eq!(verify(&header, BODY), Err(WebhookError::BadSignature));
    }

    #[test]
    fn refuses_a_signature_over_another_timestamp() {
        let header = format!("t={NOW},v1={}", sign(NOW - 1, BODY, SECRET));
        assert_eq!(verify(&header, BODY), Err(WebhookError::BadSignature));
    }

    #[test]
    fn refuses_stale_timestamps_in_both_directions() {
        for t in [NOW - TOLERANCE - 1, NOW + TOLERANCE + 1, 0, i64::MAX] {
            let header = format!("t={t},v1={}", sign(t, BODY, SECRET));
            assert_eq!(verify(&header, BODY), Err(WebhookError::Stale), "t={t}");
        }
        for t in [NOW - TOLERANCE, NOW + TOLERANCE] {
            let header = format!("t={t},v1={}", sign(t, BODY, SECRET));
            assert_eq!(verify(&header, BODY), Ok(()), "t={t}");
        }
    }

    #[test]
    fn a_forged_old_request_is_a_bad_signature_not_stale() {
        let t = NOW - 10 * TOLERANCE;
        let header = format!("t={t},v1={}", sign(t, BODY, "whsec_forger"));
        assert_eq!(verify(&header, BODY), Err(WebhookError::BadSignature));
    }

    #[test]
    fn refuses_malformed_headers() {
        let good = sign(NOW, BODY, SECRET);
        for header in [
            String::new(),
            format!("v1={good}"),
            format!("t=,v1={good}"),
            format!("t=yesterday,v1={good}"),
            format!("t={NOW}"),
            format!("t={NOW},v0={good}"),
            format!("t={NOW},v1=not-hex"),
            format!("t={NOW},v1={good},v1=zz"),
        ] {
            assert_eq!(
                verify(&header, BODY),
                Err(WebhookError::MalformedSignature),
                "{header:?}"
            );
        }
    }

    fn parse(value: Value) -> Result<BillingEvent, WebhookError> {
        parse_event(value.to_string().as_bytes())
    }

    fn action(value: Value) -> BillingAction {
        parse(value).unwrap().action
    }

    fn subscription_event(kind: &str, status: &str) -> Value {
        json!({
            "id": "evt_sub",
            "type": kind,
            "data": {"object": {
                "id": "sub_1",
                "object": "subscription",
                "status": status,
                "customer": "cus_1",
                "metadata": {"org_id": "org_1", "plan": "team"}
            }}
        })
    }

    #[test]
    fn checkout_completed_sets_the_plan() {
        let event = parse(json!({
            "id": "evt_1",
            "type": "checkout.session.completed",
            "data": {"object": {
                "id": "cs_1",
                "client_reference_id": "org_1",
                "customer": "cus_1",
                "subscription": "sub_1",
                "metadata": {"org_id": "org_1", "plan": "team"}
            }}
        }))
        .unwrap();
        assert_eq!(
            event,
            BillingEvent {
                id: "evt_1".into(),
                kind: "checkout.session.completed".into(),
                action: BillingAction::SetPlan {
                    org_id: "org_1".into(),
                    plan: "team".into(),
                    customer: Some("cus_1".into()),
                    subscription: Some("sub_1".into()),
                },
            }
        );
    }

    #[test]
    fn checkout_completed_without_customer_or_subscription() {
        let object = json!({
            "client_reference_id": "org_1",
            "customer": null,
            "metadata": {"plan": "team"}
        });
        assert_eq!(
            action(
                json!({"id": "evt_1", "type": "checkout.session.completed", "data": {"object": object}})
            ),
            BillingAction::SetPlan {
                org_id: "org_1".into(),
                plan: "team".into(),
                customer: None,
                subscription: None,
            }
        );
    }

    #[test]
    fn checkout_completed_reads_expanded_ids() {
        let object = json!({
            "client_reference_id": "org_1",
            "customer": {"id": "cus_9", "object": "customer"},
            "subscription": {"id": "sub_9", "object": "subscription"},
            "metadata": {"plan": "team"}
        });
        let BillingAction::SetPlan {
            customer,
            subscription,
            ..
        } = action(
            json!({"id": "e", "type": "checkout.session.completed", "data": {"object": object}}),
        )
        else {
            panic!("not SetPlan");
        };
        assert_eq!(customer.as_deref(), Some("cus_9"));
        assert_eq!(subscription.as_deref(), Some("sub_9"));
    }

    #[test]
    fn subscription_updated_by_status() {
        let kind = "customer.subscription.updated";
        for status in ["active", "trialing"] {
            assert_eq!(
                action(subscription_event(kind, status)),
                BillingAction::SetPlan {
                    org_id: "org_1".into(),
                    plan: "team".into(),
                    customer: Some("cus_1".into()),
                    subscription: Some("sub_1".into()),
                },
                "{status}"
            );
        }
        for status in ["canceled", "unpaid", "incomplete_expired"] {
            assert_eq!(
                action(subscription_event(kind, status)),
                BillingAction::Cancel {
                    org_id: "org_1".into()
                },
                "{status}"
            );
        }
        assert_eq!(
            action(subscription_event(kind, "past_due")),
            BillingAction::PaymentFailed {
                org_id: "org_1".into()
            }
        );
        for status in ["incomplete", "paused", "something_new"] {
            assert_eq!(
                action(subscription_event(kind, status)),
                BillingAction::Ignore,
                "{status}"
            );
        }
    }

    #[test]
    fn subscription_deleted_cancels() {
        let event = parse(subscription_event(
            "customer.subscription.deleted",
            "canceled",
        ))
        .unwrap();
        assert_eq!(event.id, "evt_sub");
        assert_eq!(event.kind, "customer.subscription.deleted");
        assert_eq!(
            event.action,
            BillingAction::Cancel {
                org_id: "org_1".into()
            }
        );
    }

    #[test]
    fn invoice_payment_failed_finds_the_org_in_each_api_version() {
        let failed = |object: Value| {
            action(
                json!({"id": "evt_inv", "type": "invoice.payment_failed", "data": {"object": object}}),
            )
        };
        let expected = |org: &str| BillingAction::PaymentFailed { org_id: org.into() };
        assert_eq!(
            failed(json!({
                "parent": {"subscription_details": {"metadata": {"org_id": "org_new"}}},
                "subscription_details": {"metadata": {"org_id": "org_old"}},
                "metadata": {"org_id": "org_invoice"}
            })),
            expected("org_new")
        );
        assert_eq!(
            failed(json!({
                "parent": null,
                "subscription_details": {"metadata": {"org_id": "org_old"}}
            })),
            expected("org_old")
        );
        assert_eq!(
            failed(json!({"metadata": {"org_id": "org_invoice"}})),
            expected("org_invoice")
        );
    }

    #[test]
    fn other_types_are_ignored() {
        let event = parse(json!({
            "id": "evt_2",
            "type": "customer.created",
            "data": {"object": {"id": "cus_1"}}
        }))
        .unwrap();
        assert_eq!(event.action, BillingAction::Ignore);
        assert_eq!(event.kind, "customer.created");
        // An ignored type needs no object at all.
        assert_eq!(
            action(json!({"id": "evt_3", "type": "ping"})),
            BillingAction::Ignore
        );
    }

    #[test]
    fn known_types_missing_fields_are_malformed() {
        let secret_looking = "4242424242424242";
        let cases = [
            json!({"id": "e", "type": "checkout.session.completed"}),
            json!({"id": "e", "type": "checkout.session.completed", "data": {"object": {
                "metadata": {"plan": "team"}, "customer_email": secret_looking}}}),
            json!({"id": "e", "type": "checkout.session.completed", "data": {"object": {
                "client_reference_id": "org_1"}}}),
            json!({"id": "e", "type": "customer.subscription.updated", "data": {"object": {
                "metadata": {"org_id": "org_1"}}}}),
            json!({"id": "e", "type": "customer.subscription.updated", "data": {"object": {
                "status": "active", "metadata": {"org_id": "org_1"}}}}),
            json!({"id": "e", "type": "customer.subscription.updated", "data": {"object": {
                "status": "past_due", "metadata": {}}}}),
            json!({"id": "e", "type": "customer.subscription.deleted", "data": {"object": {
                "metadata": {"org_id": ""}}}}),
            json!({"id": "e", "type": "invoice.payment_failed", "data": {"object": {
                "parent": {"subscription_details": {"metadata": {}}}}}}),
        ];
        for case in cases {
            match parse(case.clone()) {
                Err(WebhookError::MalformedEvent(reason)) => {
                    assert!(!reason.contains(secret_looking), "{reason}");
                    assert!(reason.len() < 80, "{reason}");
                }
                other => panic!("{case}: {other:?}"),
            }
        }
    }

    #[test]
    fn not_an_event_is_malformed() {
        for body in [
            &b"not json"[..],
            b"[]",
            br#"{"type": "checkout.session.completed"}"#,
            br#"{"id": "evt_1"}"#,
            br#"{"id": 7, "type": "checkout.session.completed"}"#,
        ] {
            assert!(
                matches!(parse_event(body), Err(WebhookError::MalformedEvent(_))),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    /// Some headers, or the form fields, of a request.
    type Fields = HashMap<String, String>;

    /// What the fake Stripe saw: headers and form fields of each request.
    #[derive(Clone, Default)]
    struct Seen(Arc<Mutex<Vec<(Fields, Fields)>>>);

    #[derive(Clone)]
    struct FakeStripe {
        key: &'static str,
        status: u16,
        body: Value,
        seen: Seen,
    }

    #[handler]
    fn sessions(
        req: &Request,
        stripe: Data<&FakeStripe>,
        Form(fields): Form<HashMap<String, String>>,
    ) -> Response {
        let headers = ["authorization", "idempotency-key", "content-type"]
            .into_iter()
            .filter_map(|name| Some((name.to_owned(), req.header(name)?.to_owned())))
            .collect::<HashMap<_, _>>();
        let authorized = headers.get("authorization").map(String::as_str)
            == Some(&*format!("Bearer {}", stripe.key));
        stripe.seen.0.lock().unwrap().push((headers, fields));
        let (status, body) = if authorized {
            (stripe.status, stripe.body.clone())
        } else {
            (
                401,
                json!({"error": {"message": "Invalid API Key provided", "type": "invalid_request_error"}}),
            )
        };
        Response::builder()
            .status(poem::http::StatusCode::from_u16(status).unwrap())
            .content_type("application/json")
            .body(body.to_string())
    }

    async fn serve(stripe: FakeStripe) -> String {
        let acceptor = TcpListener::bind("127.0.0.1:0")
            .into_acceptor()
            .await
            .unwrap();
        let port = acceptor.local_addr()[0].as_socket_addr().unwrap().port();
        let app = Route::new()
            .at("/v1/checkout/sessions", post(sessions))
            .data(stripe);
        tokio::spawn(async move {
            let _ = poem::Server::new_with_acceptor(acceptor).run(app).await;
        });
        format!("http://127.0.0.1:{port}/")
    }

    fn checkout_request() -> CheckoutRequest {
        CheckoutRequest {
            org_id: "org_1".into(),
            plan: "team".into(),
            price_id: "price_team_monthly".into(),
            success_url: "https://app.example/billing/done?session={CHECKOUT_SESSION_ID}".into(),
            cancel_url: "https://app.example/billing?cancel=1&x=a b".into(),
            customer_email: Some("owner+billing@example.com".into()),
        }
    }

    const KEY: &str = "sk_test_51Orchard0000secret";

    #[tokio::test]
    async fn creates_a_subscription_checkout_session() {
        let stripe = FakeStripe {
            key: KEY,
            status: 200,
            body: json!({
                "id": "cs_test_123",
                "url": "https://checkout.stripe.com/c/pay/cs_test_123",
                "object": "checkout.session"
            }),
            seen: Seen::default(),
        };
        let seen = stripe.seen.clone();
        let base = serve(stripe).await;
        let client = StripeClient::new(&base, SecretString::from(KEY));

        let session = client
            .create_checkout_session(&checkout_request())
            .await
            .unwrap();
        assert_eq!(
            session,
            CheckoutSession {
                id: "cs_test_123".into(),
                url: "https://checkout.stripe.com/c/pay/cs_test_123".into(),
            }
        );

        let request = checkout_request();
        let without_email = CheckoutRequest {
            customer_email: None,
            ..request.clone()
        };
        client
            .create_checkout_session(&without_email)
            .await
            .unwrap();

        let seen = seen.0.lock().unwrap();
        assert_eq!(seen.len(), 2);
        let (headers, fields) = &seen[0];
        assert_eq!(headers["authorization"], format!("Bearer {KEY}"));
        assert_eq!(headers["content-type"], "application/x-www-form-urlencoded");
        let key = uuid::Uuid::parse_str(&headers["idempotency-key"]).unwrap();
        assert_eq!(key.get_version_num(), 7);
        assert_ne!(headers["idempotency-key"], seen[1].0["idempotency-key"]);
        let expected: HashMap<String, String> = [
            ("mode", "subscription"),
            ("line_items[0][price]", "price_team_monthly"),
            ("line_items[0][quantity]", "1"),
            ("success_url", request.success_url.as_str()),
            ("cancel_url", request.cancel_url.as_str()),
            ("client_reference_id", "org_1"),
            ("metadata[org_id]", "org_1"),
            ("metadata[plan]", "team"),
            ("subscription_data[metadata][org_id]", "org_1"),
            ("subscription_data[metadata][plan]", "team"),
            ("customer_email", "owner+billing@example.com"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(fields, &expected);
        assert!(!seen[1].1.contains_key("customer_email"));
    }

    #[tokio::test]
    async fn a_refused_request_is_rejected_with_stripes_message() {
        let stripe = FakeStripe {
            key: KEY,
            status: 400,
            body: json!({"error": {
                "message": "No such price: 'price_x'",
                "type": "invalid_request_error"
            }}),
            seen: Seen::default(),
        };
        let base = serve(stripe).await;
        let client = StripeClient::new(&base, SecretString::from(KEY));
        let err = client
            .create_checkout_session(&checkout_request())
            .await
            .unwrap_err();
        assert_eq!(
            err,
            StripeError::Rejected {
                status: 400,
                message: "No such price: 'price_x'".into()
            }
        );
    }

    #[tokio::test]
    async fn server_errors_and_transport_failures_are_unavailable() {
        let stripe = FakeStripe {
            key: KEY,
            status: 503,
            body: json!({"error": {"message": "try again", "type": "api_error"}}),
            seen: Seen::default(),
        };
        let base = serve(stripe).await;
        let client = StripeClient::new(&base, SecretString::from(KEY));
        let err = client
            .create_checkout_session(&checkout_request())
            .await
            .unwrap_err();
        assert!(matches!(err, StripeError::Unavailable(_)), "{err:?}");

        // A port that was just free: the connection is refused.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let client =
            StripeClient::new(&format!("http://127.0.0.1:{port}"), SecretString::from(KEY));
        let err = client
            .create_checkout_session(&checkout_request())
            .await
            .unwrap_err();
        assert!(matches!(err, StripeError::Unavailable(_)), "{err:?}");
        assert!(!format!("{err} {err:?}").contains(KEY));
    }

    #[tokio::test]
    async fn the_key_never_shows_in_debug_or_errors() {
        let stripe = FakeStripe {
            key: "sk_test_the_right_one",
            status: 200,
            body: json!({}),
            seen: Seen::default(),
        };
        let base = serve(stripe).await;
        let client = StripeClient::new(&base, SecretString::from(KEY));
        assert!(!format!("{client:?}").contains(KEY));
        let err = client
            .create_checkout_session(&checkout_request())
            .await
            .unwrap_err();
        assert!(matches!(err, StripeError::Rejected { status: 401, .. }));
        assert!(!format!("{err} {err:?}").contains(KEY));
    }

    #[test]
    fn errors_are_redacted_even_if_stripe_echoes_the_key() {
        let client = StripeClient::new("http://127.0.0.1:9", SecretString::from(KEY));
        let redacted = client.redact(format!("Invalid API Key provided: {KEY}"));
        assert_eq!(redacted, "Invalid API Key provided: [redacted]");
    }
}
