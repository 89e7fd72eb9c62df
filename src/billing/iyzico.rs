//! Iyzico: `X-IYZ-SIGNATURE-V3` webhook signatures and the subscription events Orchard acts
//! on.
//!
//! # The signature
//! Source: iyzico's webhook documentation, <https://docs.iyzico.com/en/advanced/webhook>
//! (Turkish: <https://docs.iyzico.com/ek-servisler/webhook>), and the official PHP SDK's
//! sample `samples/webhook_Signature_Validation.php` in
//! <https://github.com/iyzico/iyzipay-php>, whose two worked examples are the
//! known-answer tests below. The header is the lowercase hex of
//! HMAC-SHA256(key = the merchant's API secret key, message = a plain concatenation, with no
//! separators, of values that depend on the webhook's format:
//!
//! | format | message |
//! |---|---|
//! | subscription | `merchantId + secretKey + iyziEventType + subscriptionReferenceCode + orderReferenceCode + customerReferenceCode` |
//! | hosted page (checkout form, pay with iyzico) | `secretKey + iyziEventType + iyziPaymentId + token + paymentConversationId + status` |
//! | direct (API, 3DS) | `secretKey + iyziEventType + paymentId + paymentConversationId + status` |
//!
//! The format is told by the body: `subscriptionReferenceCode` means subscription, else
//! `token` means hosted page, else `paymentId` means direct. A subscription body carries no
//! `merchantId`, so the merchant id is configuration. Numbers are concatenated as their
//! decimal text; a missing value counts as empty (as in the SDK sample).
//!
//! The signature has no timestamp and does not cover `iyziReferenceCode` or
//! `iyziEventTime`: a captured webhook can be replayed, so applying events must be
//! idempotent and must not trust those two fields for anything but deduplication.
//!
//! # Subscription events
//! Iyzico documents two subscription event types: `subscription.order.success` (a
//! subscription payment, the first or a renewal, succeeded) and `subscription.order.failure`
//! (it failed). The body has `iyziEventType`, `iyziEventTime`, `iyziReferenceCode`,
//! `subscriptionReferenceCode`, `orderReferenceCode`, `customerReferenceCode`.
//!
//! Iyzico has no free-form metadata, so the org is identified by the
//! `customerReferenceCode`: every action's `org_id` is that code, and the API layer maps
//! customer reference codes to orgs (it stores the mapping when the org subscribes).

use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;

use super::{BillingAction, BillingEvent, WebhookError};

type HmacSha256 = Hmac<Sha256>;

/// A successful subscription payment: the plan is (still) bought.
pub const ORDER_SUCCESS: &str = "subscription.order.success";
/// A failed subscription payment.
pub const ORDER_FAILURE: &str = "subscription.order.failure";

/// Checks an `X-IYZ-SIGNATURE-V3` header against the webhook body.
///
/// The message is rebuilt from the body's fields for its format (see the [module
/// documentation](self)); `merchant_id` is only used for subscription webhooks. Hex is
/// accepted in either case, surrounding whitespace is ignored, and the comparison is
/// constant time.
///
/// Errors: an empty header, or one that is not the hex of 32 bytes, is
/// [`WebhookError::MalformedSignature`]; a body that is not a JSON object, has no
/// `iyziEventType`, or is of no known format is [`WebhookError::MalformedEvent`]; a
/// signature that does not match is [`WebhookError::BadSignature`].
pub fn verify_signature(
    header: &str,
    payload: &[u8],
    secret_key: &str,
    merchant_id: &str,
) -> Result<(), WebhookError> {
    let signature = hex::decode(header.trim()).map_err(|_| WebhookError::MalformedSignature)?;
    if signature.len() != 32 {
        return Err(WebhookError::MalformedSignature);
    }
    let body = object(payload)?;
    let signed = Signed::from_body(&body)?;

    let mut mac = HmacSha256::new_from_slice(secret_key.as_bytes())
        .map_err(|_| WebhookError::BadSignature)?;
    if signed.format == Format::Subscription {
        mac.update(merchant_id.as_bytes());
    }
    mac.update(secret_key.as_bytes());
    for value in &signed.values {
        mac.update(value.as_bytes());
    }
    mac.verify_slice(&signature)
        .map_err(|_| WebhookError::BadSignature)
}

/// Turns a (verified) iyzico webhook body into a [`BillingEvent`].
///
/// - `subscription.order.success`: [`BillingAction::SetPlan`] for the org whose customer
///   reference code is `customerReferenceCode`, with `plan` from `pricingPlanReferenceCode`
///   when the body has one (Iyzico's documented body does not: then it is empty, and the
///   API layer uses the plan the customer was registered for), `customer` the customer
///   reference code and `subscription` the `subscriptionReferenceCode`.
/// - `subscription.order.failure`: [`BillingAction::PaymentFailed`] for that org.
/// - Any other type, and every payment (non-subscription) webhook: [`BillingAction::Ignore`].
///
/// The event id is `iyziReferenceCode` (unique per notification, the same on retries). When
/// it is absent, it is `iyzico:` followed by the fields the signature covers (event type,
/// then the format's identifying fields) joined by `:`, which is stable across retries of
/// one notification.
pub fn parse_event(payload: &[u8]) -> Result<BillingEvent, WebhookError> {
    let body = object(payload)?;
    let signed = Signed::from_body(&body)?;
    let kind = signed.values[0].clone();
    let id = match text(&body, "iyziReferenceCode") {
        Some(reference) => reference,
        None => format!("iyzico:{}", signed.values.join(":")),
    };

    let action = if signed.format != Format::Subscription {
        BillingAction::Ignore
    } else {
        let customer = || {
            text(&body, "customerReferenceCode")
                .ok_or_else(|| malformed("missing customerReferenceCode"))
        };
        match kind.as_str() {
            ORDER_SUCCESS => {
                let org_id = customer()?;
                BillingAction::SetPlan {
                    // Iyzico's documented body has no plan; the API layer takes the plan the
                    // customer was registered with. Kept when a body does carry it.
                    plan: text(&body, "pricingPlanReferenceCode").unwrap_or_default(),
                    customer: Some(org_id.clone()),
                    subscription: text(&body, "subscriptionReferenceCode"),
                    org_id,
                }
            }
            ORDER_FAILURE => BillingAction::PaymentFailed {
                org_id: customer()?,
            },
            _ => BillingAction::Ignore,
        }
    };
    Ok(BillingEvent { id, kind, action })
}

/// The webhook formats, each with its own signed message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Subscription,
    HostedPage,
    Direct,
}

/// A body's format and the values its signature covers after the secret key, in order
/// (the first is always `iyziEventType`).
struct Signed {
    format: Format,
    values: Vec<String>,
}

impl Signed {
    fn from_body(body: &Map<String, Value>) -> Result<Self, WebhookError> {
        let event_type =
            text(body, "iyziEventType").ok_or_else(|| malformed("missing iyziEventType"))?;
        let (format, fields): (Format, &[&str]) = if body.contains_key("subscriptionReferenceCode")
        {
            (
                Format::Subscription,
                &[
                    "subscriptionReferenceCode",
                    "orderReferenceCode",
                    "customerReferenceCode",
                ],
            )
        } else if body.contains_key("token") {
            (
                Format::HostedPage,
                &["iyziPaymentId", "token", "paymentConversationId", "status"],
            )
        } else if body.contains_key("paymentId") {
            (
                Format::Direct,
                &["paymentId", "paymentConversationId", "status"],
            )
        } else {
            return Err(malformed("unknown webhook format"));
        };
        let mut values = vec![event_type];
        values.extend(
            fields
                .iter()
                .map(|field| text(body, field).unwrap_or_default()),
        );
        Ok(Self { format, values })
    }
}

fn object(payload: &[u8]) -> Result<Map<String, Value>, WebhookError> {
    match serde_json::from_slice(payload) {
        Ok(Value::Object(body)) => Ok(body),
        _ => Err(malformed("body is not a JSON object")),
    }
}

/// A field as the text iyzico signs: strings as they are, numbers in decimal; `None` when
/// absent, null, empty or of another type.
fn text(body: &Map<String, Value>, field: &str) -> Option<String> {
    let value = match body.get(field)? {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    (!value.is_empty()).then_some(value)
}

fn malformed(reason: &str) -> WebhookError {
    WebhookError::MalformedEvent(reason.to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SECRET: &str = "sandbox-secret-key-0123456789abcdef";
    const MERCHANT: &str = "3382172";

    /// The documented subscription scheme, computed independently of the code under test.
    fn sign_subscription(body: &Value, secret: &str, merchant: &str) -> String {
        let message = format!(
            "{merchant}{secret}{}{}{}{}",
            body["iyziEventType"].as_str().unwrap(),
            body["subscriptionReferenceCode"].as_str().unwrap(),
            body["orderReferenceCode"].as_str().unwrap(),
            body["customerReferenceCode"].as_str().unwrap(),
        );
        let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(message.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    fn subscription(event_type: &str) -> Value {
        json!({
            "orderReferenceCode": "9f2c7d0e-5c6b-4a1e-8a59-3d0b1c2e4f61",
            "customerReferenceCode": "1c0b8e5a-7d3f-4e2a-9b6c-5a4d3e2f1a0b",
            "subscriptionReferenceCode": "6a1d2c3b-4e5f-4a7b-8c9d-0e1f2a3b4c5d",
            "pricingPlanReferenceCode": "b7e0a3c2-1d4f-4b6a-9e8c-7f6d5c4b3a21",
            "iyziReferenceCode": "77e1635c-6b39-475a-8b7b-ca15ad0cd4ac",
            "iyziEventType": event_type,
            "iyziEventTime": 1_721_825_036_103_u64
        })
    }

    fn verify(header: &str, body: &Value) -> Result<(), WebhookError> {
        verify_signature(header, body.to_string().as_bytes(), SECRET, MERCHANT)
    }

    #[test]
    fn accepts_a_valid_subscription_signature() {
        let body = subscription(ORDER_SUCCESS);
        let signature = sign_subscription(&body, SECRET, MERCHANT);
        assert_eq!(verify(&signature, &body), Ok(()));
        assert_eq!(verify(&signature.to_uppercase(), &body), Ok(()));
        assert_eq!(verify(&format!(" {signature}\n"), &body), Ok(()));
    }

    #[test]
    fn refuses_a_tampered_signed_field() {
        let body = subscription(ORDER_SUCCESS);
        let signature = sign_subscription(&body, SECRET, MERCHANT);
        for (field, value) in [
            ("customerReferenceCode", "someone-else"),
            ("iyziEventType", ORDER_FAILURE),
            ("orderReferenceCode", "another-order"),
            ("subscriptionReferenceCode", "another-subscription"),
        ] {
            let mut tampered = body.clone();
            tampered[field] = json!(value);
            assert_eq!(
                verify(&signature, &tampered),
                Err(WebhookError::BadSignature),
                "{field}"
            );
        }
    }

    #[test]
    fn unsigned_fields_are_not_covered() {
        // Documented property of iyzico's scheme, pinned so nobody relies on these fields.
        let body = subscription(ORDER_SUCCESS);
        let signature = sign_subscription(&body, SECRET, MERCHANT);
        let mut changed = body.clone();
        changed["iyziReferenceCode"] = json!("replayed");
        changed["iyziEventTime"] = json!(1);
        assert_eq!(verify(&signature, &changed), Ok(()));
    }

    #[test]
    fn refuses_a_wrong_secret_or_merchant() {
        let body = subscription(ORDER_SUCCESS);
        let by_other_secret = sign_subscription(&body, "sandbox-other-secret", MERCHANT);
        assert_eq!(
            verify(&by_other_secret, &body),
            Err(WebhookError::BadSignature)
        );
        let by_other_merchant = sign_subscription(&body, SECRET, "1000001");
        assert_eq!(
            verify(&by_other_merchant, &body),
            Err(WebhookError::BadSignature)
        );
    }

    #[test]
    fn refuses_malformed_headers() {
        let body = subscription(ORDER_SUCCESS);
        let good = sign_subscription(&body, SECRET, MERCHANT);
        for header in [
            String::new(),
            "   ".to_owned(),
            "not-a-signature".to_owned(),
            good[..62].to_owned(),
            format!("{good}00"),
            format!("sha256={good}"),
            // The old base64 `X-IYZ-SIGNATURE` style.
            "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=".to_owned(),
        ] {
            assert_eq!(
                verify(&header, &body),
                Err(WebhookError::MalformedSignature),
                "{header:?}"
            );
        }
    }

    #[test]
    fn refuses_bodies_it_cannot_rebuild_the_message_from() {
        let signature = "ab".repeat(32);
        for payload in [
            &b"not json"[..],
            b"[]",
            br#"{"subscriptionReferenceCode": "s"}"#,
            br#"{"iyziEventType": "subscription.order.success"}"#,
        ] {
            assert!(
                matches!(
                    verify_signature(&signature, payload, SECRET, MERCHANT),
                    Err(WebhookError::MalformedEvent(_))
                ),
                "{}",
                String::from_utf8_lossy(payload)
            );
        }
    }

    /// Known answer from iyzico's official PHP SDK sample (hosted checkout form webhook).
    #[test]
    fn matches_iyzicos_hosted_page_example() {
        let payload = br#"{"paymentConversationId":"conversationId","merchantId":3382172,"token":"e828c62d-fd12-4b1a-ad5a-380f15fe6596","status":"SUCCESS","iyziReferenceCode":"77e1635c-6b39-475a-8b7b-ca15ad0cd4ac","iyziEventType":"CHECKOUT_FORM_AUTH","iyziEventTime":1721825036103,"iyziPaymentId":22483975}"#;
        let header = "4031c575763486a2d2bf3f7ace0baebfcd6bed65393ab4df3fe80c00d5fd6878";
        let secret = "sandbox-UuLnD7wZa0a3DmytfIrwHQqAMfqCNJrs";
        assert_eq!(verify_signature(header, payload, secret, MERCHANT), Ok(()));
        let tampered = String::from_utf8_lossy(payload).replace("SUCCESS", "FAILURE");
        assert_eq!(
            verify_signature(header, tampered.as_bytes(), secret, MERCHANT),
            Err(WebhookError::BadSignature)
        );
    }

    /// Known answer from iyzico's official PHP SDK sample (direct API payment webhook).
    #[test]
    fn matches_iyzicos_direct_payment_example() {
        let payload = br#"{"paymentConversationId":"conversationId","merchantId":3382172,"paymentId":22484059,"status":"SUCCESS","iyziReferenceCode":"a9af8e6b-4401-4928-b6b8-40419aaa3d0f","iyziEventType":"API_AUTH","iyziEventTime":1721825828467,"iyziPaymentId":22484059}"#;
        let header = "92c7a72b7741bc83eb696066605c894778c87297b2c88d6037670666230e18ae";
        let secret = "sandbox-UuLnD7wZa0a3DmytfIrwHQqAMfqCNJrs";
        assert_eq!(verify_signature(header, payload, secret, MERCHANT), Ok(()));
        assert_eq!(
            verify_signature(header, payload, "sandbox-wrong", MERCHANT),
            Err(WebhookError::BadSignature)
        );
    }

    fn parse(body: &Value) -> Result<BillingEvent, WebhookError> {
        parse_event(body.to_string().as_bytes())
    }

    #[test]
    fn order_success_sets_the_plan_for_the_customer() {
        assert_eq!(
            parse(&subscription(ORDER_SUCCESS)).unwrap(),
            BillingEvent {
                id: "77e1635c-6b39-475a-8b7b-ca15ad0cd4ac".into(),
                kind: ORDER_SUCCESS.into(),
                action: BillingAction::SetPlan {
                    org_id: "1c0b8e5a-7d3f-4e2a-9b6c-5a4d3e2f1a0b".into(),
                    plan: "b7e0a3c2-1d4f-4b6a-9e8c-7f6d5c4b3a21".into(),
                    customer: Some("1c0b8e5a-7d3f-4e2a-9b6c-5a4d3e2f1a0b".into()),
                    subscription: Some("6a1d2c3b-4e5f-4a7b-8c9d-0e1f2a3b4c5d".into()),
                },
            }
        );
    }

    #[test]
    fn order_success_without_a_plan_leaves_the_plan_to_the_customer_record() {
        let mut body = subscription(ORDER_SUCCESS);
        body.as_object_mut()
            .unwrap()
            .remove("pricingPlanReferenceCode");
        match parse(&body).unwrap().action {
            BillingAction::SetPlan { plan, .. } => assert_eq!(plan, ""),
            other => panic!("expected SetPlan, got {other:?}"),
        }
    }

    #[test]
    fn order_failure_is_a_failed_payment() {
        let event = parse(&subscription(ORDER_FAILURE)).unwrap();
        assert_eq!(event.kind, ORDER_FAILURE);
        assert_eq!(
            event.action,
            BillingAction::PaymentFailed {
                org_id: "1c0b8e5a-7d3f-4e2a-9b6c-5a4d3e2f1a0b".into()
            }
        );
    }

    #[test]
    fn a_known_type_without_the_customer_is_malformed() {
        for kind in [ORDER_SUCCESS, ORDER_FAILURE] {
            let mut body = subscription(kind);
            body["customerReferenceCode"] = json!("");
            assert_eq!(
                parse(&body),
                Err(WebhookError::MalformedEvent(
                    "missing customerReferenceCode".into()
                )),
                "{kind}"
            );
        }
    }

    #[test]
    fn other_types_are_ignored() {
        let event = parse(&subscription("subscription.something.new")).unwrap();
        assert_eq!(event.action, BillingAction::Ignore);
        assert_eq!(event.kind, "subscription.something.new");

        let payment = json!({
            "paymentConversationId": "c1", "merchantId": 3382172, "token": "t1",
            "status": "SUCCESS", "iyziReferenceCode": "ref-1",
            "iyziEventType": "CHECKOUT_FORM_AUTH", "iyziEventTime": 1, "iyziPaymentId": 42
        });
        let event = parse(&payment).unwrap();
        assert_eq!(event.action, BillingAction::Ignore);
        assert_eq!(event.id, "ref-1");
        assert_eq!(event.kind, "CHECKOUT_FORM_AUTH");
    }

    #[test]
    fn the_event_id_falls_back_to_the_signed_fields() {
        let mut body = subscription(ORDER_FAILURE);
        body.as_object_mut().unwrap().remove("iyziReferenceCode");
        assert_eq!(
            parse(&body).unwrap().id,
            "iyzico:subscription.order.failure:6a1d2c3b-4e5f-4a7b-8c9d-0e1f2a3b4c5d:\
             9f2c7d0e-5c6b-4a1e-8a59-3d0b1c2e4f61:1c0b8e5a-7d3f-4e2a-9b6c-5a4d3e2f1a0b"
        );
        let direct = json!({"iyziEventType": "API_AUTH", "paymentId": 7,
            "paymentConversationId": "c", "status": "SUCCESS"});
        assert_eq!(parse(&direct).unwrap().id, "iyzico:API_AUTH:7:c:SUCCESS");
    }

    #[test]
    fn not_an_event_is_malformed() {
        for payload in [
            &b""[..],
            b"not json",
            b"\"subscription.order.success\"",
            br#"{"subscriptionReferenceCode": "s", "customerReferenceCode": "c"}"#,
            br#"{"iyziEventType": "subscription.order.success"}"#,
        ] {
            assert!(
                matches!(parse_event(payload), Err(WebhookError::MalformedEvent(_))),
                "{}",
                String::from_utf8_lossy(payload)
            );
        }
    }
}
