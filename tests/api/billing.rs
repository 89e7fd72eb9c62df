//! Payment webhooks and Stripe Checkout through the real server. Signatures are computed here
//! from the providers' documented schemes; Stripe's API is a local server speaking its
//! protocol.

use std::sync::{Arc, Mutex};

use hmac::{Hmac, KeyInit, Mac};
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::web::{Data, Form};
use poem::{EndpointExt, Route, handler, post};
use secrecy::SecretString;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::helpers::{TestApp, test_config};

const STRIPE_SECRET: &str = "whsec_test_0123456789";
const IYZICO_SECRET: &str = "iyzico-secret-key";
const IYZICO_MERCHANT: &str = "3397951";

fn hmac_hex(key: &str, message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// `Stripe-Signature` as Stripe computes it: `t=<unix>,v1=hex(HMAC-SHA256(secret, "t.body"))`.
fn stripe_signature(secret: &str, at: i64, body: &str) -> String {
    format!(
        "t={at},v1={}",
        hmac_hex(secret, format!("{at}.{body}").as_bytes())
    )
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

async fn billing_app(stripe_api: Option<&str>) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let mut config = test_config(data_dir.path(), None);
    config.billing.stripe_webhook_secret = Some(SecretString::from(STRIPE_SECRET));
    config.billing.iyzico_secret_key = Some(SecretString::from(IYZICO_SECRET));
    config.billing.iyzico_merchant_id = Some(IYZICO_MERCHANT.into());
    if let Some(api) = stripe_api {
        config.billing.stripe_api_base = api.into();
        config.billing.stripe_secret_key = Some(SecretString::from("sk_test_abc"));
    }
    let pro = config.plans.get_mut("pro").unwrap();
    pro.stripe_price_id = Some("price_pro_monthly".into());
    pro.monthly_tokens = Some(20_000_000);
    TestApp::spawn_in(data_dir, config).await
}

impl TestApp {
    async fn webhook(&self, path: &str, header: (&str, &str), body: &str) -> (u16, Value) {
        let response = self
            .client
            .post(self.url(path))
            .header("content-type", "application/json")
            .header(header.0, header.1)
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    async fn stripe(&self, signature: &str, body: &str) -> (u16, Value) {
        self.webhook("/v1/webhooks/stripe", ("Stripe-Signature", signature), body)
            .await
    }

    async fn org(&self, token: &str) -> Value {
        let (status, org) = self.get("/v1/org", Some(token)).await;
        assert_eq!(status, 200, "{org}");
        org
    }
}

fn stripe_event(id: &str, kind: &str, object: Value) -> String {
    json!({"id": id, "object": "event", "type": kind, "data": {"object": object}}).to_string()
}

#[tokio::test]
async fn stripe_webhooks_apply_each_event_once_and_refuse_bad_signatures() {
    let app = billing_app(None).await;
    let (token, signup) = app.signup("Acme", "owner@acme.test").await;
    let org_id = signup["org_id"].as_str().unwrap().to_owned();
    let paid = stripe_event(
        "evt_paid",
        "checkout.session.completed",
        json!({"object": "checkout.session", "client_reference_id": org_id,
               "customer": "cus_1", "subscription": "sub_1",
               "metadata": {"org_id": org_id, "plan": "pro"}}),
    );
    let signed = stripe_signature(STRIPE_SECRET, now(), &paid);

    // Refused, and nothing changes: a tampered body, another secret, an old signature, none.
    let tampered = paid.replace("\"pro\"", "\"enterprise\"");
    let refusals = [
        (signed.clone(), tampered),
        (stripe_signature("whsec_other", now(), &paid), paid.clone()),
        (
            stripe_signature(STRIPE_SECRET, now() - 600, &paid),
            paid.clone(),
        ),
        (String::new(), paid.clone()),
        (format!("t={},v1=zz", now()), paid.clone()),
    ];
    for (signature, body) in refusals {
        let (status, answer) = app.stripe(&signature, &body).await;
        assert_eq!(status, 400, "{signature}: {answer}");
        assert_eq!(answer["code"], "invalid_signature", "{answer}");
    }
    assert_eq!(app.org(&token).await["plan"], "free");

    let (status, answer) = app.stripe(&signed, &paid).await;
    assert_eq!((status, answer["status"].as_str()), (200, Some("applied")));
    let org = app.org(&token).await;
    assert_eq!(org["plan"], "pro");
    assert_eq!(org["monthly_tokens"], 20_000_000, "pro's budget");
    assert_eq!(org["tasks_per_month"], Value::Null, "pro is unlimited");

    // The operator moves the org on; a replay of the old event changes nothing.
    let operator = app.operator_token();
    let (status, _) = app
        .put(
            &format!("/v1/admin/orgs/{org_id}/plan"),
            Some(&operator),
            &json!({"plan": "enterprise"}),
        )
        .await;
    assert_eq!(status, 200);
    let replay = stripe_signature(STRIPE_SECRET, now(), &paid);
    let (status, answer) = app.stripe(&replay, &paid).await;
    assert_eq!(
        (status, answer["status"].as_str()),
        (200, Some("duplicate"))
    );
    assert_eq!(app.org(&token).await["plan"], "enterprise");

    let unknown = stripe_event("evt_other", "customer.created", json!({"id": "cus_1"}));
    let (status, answer) = app
        .stripe(&stripe_signature(STRIPE_SECRET, now(), &unknown), &unknown)
        .await;
    assert_eq!((status, answer["status"].as_str()), (200, Some("ignored")));

    let failed = stripe_event(
        "evt_failed",
        "invoice.payment_failed",
        json!({"object": "invoice", "parent": {"subscription_details":
               {"metadata": {"org_id": org_id, "plan": "pro"}}}}),
    );
    let (status, _) = app
        .stripe(&stripe_signature(STRIPE_SECRET, now(), &failed), &failed)
        .await;
    assert_eq!(status, 200);
    assert_eq!(app.org(&token).await["past_due"], true);

    let ended = stripe_event(
        "evt_ended",
        "customer.subscription.deleted",
        json!({"object": "subscription", "id": "sub_1", "status": "canceled",
               "metadata": {"org_id": org_id, "plan": "pro"}}),
    );
    let (status, _) = app
        .stripe(&stripe_signature(STRIPE_SECRET, now(), &ended), &ended)
        .await;
    assert_eq!(status, 200);
    let org = app.org(&token).await;
    assert_eq!(
        (org["plan"].as_str(), org["past_due"].as_bool()),
        (Some("free"), Some(false))
    );

    // Signed but about no org we know: accepted (Stripe would retry for days) and ignored.
    let stranger = stripe_event(
        "evt_stranger",
        "customer.subscription.deleted",
        json!({"id": "sub_9", "metadata": {"org_id": uuid::Uuid::now_v7().to_string()}}),
    );
    let (status, answer) = app
        .stripe(
            &stripe_signature(STRIPE_SECRET, now(), &stranger),
            &stranger,
        )
        .await;
    assert_eq!((status, answer["status"].as_str()), (200, Some("ignored")));
    // Signed but not an event: a 400, not a 500.
    let junk = "{\"not\": \"an event\"}";
    let (status, answer) = app
        .stripe(&stripe_signature(STRIPE_SECRET, now(), junk), junk)
        .await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("invalid_input"))
    );
}

/// An Iyzico subscription webhook body and its `X-IYZ-SIGNATURE-V3`, per Iyzico's scheme:
/// hex(HMAC-SHA256(secret, merchantId + secretKey + eventType + subscriptionReferenceCode +
/// orderReferenceCode + customerReferenceCode)).
fn iyzico_event(secret: &str, reference: &str, kind: &str, customer: &str) -> (String, String) {
    let (subscription, order) = ("sub-ref-1", "order-ref-1");
    let body = json!({
        "iyziEventType": kind, "iyziEventTime": 1_764_000_000_000u64,
        "iyziReferenceCode": reference, "subscriptionReferenceCode": subscription,
        "orderReferenceCode": order, "customerReferenceCode": customer,
    })
    .to_string();
    let message = format!("{IYZICO_MERCHANT}{secret}{kind}{subscription}{order}{customer}");
    (body, hmac_hex(secret, message.as_bytes()))
}

#[tokio::test]
async fn iyzico_webhooks_apply_each_event_once_and_refuse_bad_signatures() {
    let app = billing_app(None).await;
    let (token, signup) = app.signup("Acme", "owner@acme.test").await;
    let org_id = signup["org_id"].as_str().unwrap().to_owned();
    let customer = "c5f1e8a2-6b7d-4e3f-9a1b-2c3d4e5f6a7b";
    let operator = app.operator_token();
    let register = json!({"customer_reference_code": customer, "plan": "pro"});
    let path = format!("/v1/admin/orgs/{org_id}/iyzico-customer");
    let (status, _) = app.put(&path, Some(&token), &register).await;
    assert_eq!(status, 403, "operators only");
    let (status, body) = app.put(&path, Some(&operator), &register).await;
    assert_eq!(status, 200, "{body}");

    let send = async |body: &str, signature: &str| {
        app.webhook(
            "/v1/webhooks/iyzico",
            ("X-IYZ-SIGNATURE-V3", signature),
            body,
        )
        .await
    };
    let (paid, signature) = iyzico_event(
        IYZICO_SECRET,
        "ref-1",
        "subscription.order.success",
        customer,
    );
    let (_, wrong_key) = iyzico_event("other-key", "ref-1", "subscription.order.success", customer);
    let tampered = paid.replace("order-ref-1", "order-ref-2");
    for (body, signature) in [(&tampered, &signature), (&paid, &wrong_key)] {
        let (status, answer) = send(body, signature).await;
        assert_eq!(
            (status, answer["code"].as_str()),
            (400, Some("invalid_signature"))
        );
    }
    let (status, answer) = send(&paid, "not-hex").await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (400, Some("invalid_signature"))
    );
    assert_eq!(app.org(&token).await["plan"], "free");

    let (status, answer) = send(&paid, &signature).await;
    assert_eq!((status, answer["status"].as_str()), (200, Some("applied")));
    assert_eq!(app.org(&token).await["plan"], "pro");
    let (status, answer) = send(&paid, &signature).await;
    assert_eq!(
        (status, answer["status"].as_str()),
        (200, Some("duplicate"))
    );

    let (failed, signature) = iyzico_event(
        IYZICO_SECRET,
        "ref-2",
        "subscription.order.failure",
        customer,
    );
    let (status, _) = send(&failed, &signature).await;
    assert_eq!(status, 200);
    assert_eq!(app.org(&token).await["past_due"], true);

    let (stranger, signature) = iyzico_event(
        IYZICO_SECRET,
        "ref-3",
        "subscription.order.success",
        "unknown",
    );
    let (status, answer) = send(&stranger, &signature).await;
    assert_eq!((status, answer["status"].as_str()), (200, Some("ignored")));
}

/// What the Stripe stand-in saw: the bearer key and the form fields.
type Seen = Arc<Mutex<Vec<(Option<String>, Vec<(String, String)>)>>>;

#[handler]
fn create_session(
    req: &poem::Request,
    Form(fields): Form<Vec<(String, String)>>,
    seen: Data<&Seen>,
) -> poem::Response {
    let auth = req.header("authorization").map(str::to_owned);
    seen.lock().unwrap().push((auth, fields));
    poem::Response::builder()
        .content_type("application/json")
        .body(
            json!({"id": "cs_test_1", "object": "checkout.session",
                   "url": "https://checkout.stripe.com/c/pay/cs_test_1"})
            .to_string(),
        )
}

#[tokio::test]
async fn checkout_creates_a_stripe_session_for_a_plan_on_sale() {
    let seen: Seen = Arc::default();
    let acceptor = TcpListener::bind("127.0.0.1:0")
        .into_acceptor()
        .await
        .unwrap();
    let port = acceptor.local_addr()[0].as_socket_addr().unwrap().port();
    let stripe = Route::new()
        .at("/v1/checkout/sessions", post(create_session))
        .data(seen.clone());
    tokio::spawn(async move { poem::Server::new_with_acceptor(acceptor).run(stripe).await });
    let app = billing_app(Some(&format!("http://127.0.0.1:{port}"))).await;
    let (token, signup) = app.signup("Acme", "owner@acme.test").await;
    let org_id = signup["org_id"].as_str().unwrap();

    let (status, session) = app
        .post(
            "/v1/billing/checkout",
            Some(&token),
            &json!({"plan": "pro"}),
        )
        .await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(
        session["url"],
        "https://checkout.stripe.com/c/pay/cs_test_1"
    );
    let seen = seen.lock().unwrap().clone();
    let (auth, fields) = &seen[0];
    assert_eq!(auth.as_deref(), Some("Bearer sk_test_abc"));
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(field("mode"), Some("subscription"));
    assert_eq!(field("line_items[0][price]"), Some("price_pro_monthly"));
    assert_eq!(field("client_reference_id"), Some(org_id));
    assert_eq!(field("subscription_data[metadata][org_id]"), Some(org_id));
    assert_eq!(field("subscription_data[metadata][plan]"), Some("pro"));

    let (status, body) = app
        .post(
            "/v1/billing/checkout",
            Some(&token),
            &json!({"plan": "enterprise"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_input"))
    );

    // Without a Stripe key the server says so, with a 503.
    let unconfigured = billing_app(None).await;
    let (token, _) = unconfigured.signup("Beta", "owner@beta.test").await;
    let (status, body) = unconfigured
        .post(
            "/v1/billing/checkout",
            Some(&token),
            &json!({"plan": "pro"}),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (503, Some("unavailable")));
}
