//! [`SerdeJson`]: a JSON response body serialized by serde straight from the value.
//!
//! poem-openapi's `Json<T>` answers by building a `serde_json::Value` tree of `T` (an
//! ordered map per object, a `String` per key and per value) and then writing that tree. On
//! `GET /v1/tasks/{id}` the tree took about a third of the time the route spends beyond
//! what `/healthz` spends (bench/RESULTS.md, "http"). `SerdeJson<T>` documents exactly the
//! schema of `T` (its `Type`) and writes the bytes from `T`'s `Serialize` instead, so a
//! type answered this way derives both `Object` and `Serialize`, with the same field names
//! and `#[serde(skip_serializing_if = "Option::is_none")]` where the object skips `None`.
//!
//! The two derives cannot drift apart unnoticed: in debug builds, which every test runs,
//! each body is compared with what `ToJSON` gives, and a difference panics the request.
//! Object keys may come in another order (struct order instead of sorted); JSON objects are
//! unordered.

use poem::{IntoResponse, Response};
use poem_openapi::ApiResponse;
use poem_openapi::payload::{Json, Payload};
use poem_openapi::registry::{MetaResponses, MetaSchemaRef, Registry};
use poem_openapi::types::{ToJSON, Type};
use serde::Serialize;

use super::error::ApiError;

/// A JSON response body written by `T`'s `Serialize`, documented as `T`'s schema.
#[derive(Debug)]
pub(crate) struct SerdeJson<T>(pub(crate) T);

impl<T: Type> Payload for SerdeJson<T> {
    const CONTENT_TYPE: &'static str = <Json<T> as Payload>::CONTENT_TYPE;

    fn check_content_type(content_type: &str) -> bool {
        <Json<T> as Payload>::check_content_type(content_type)
    }

    fn schema_ref() -> MetaSchemaRef {
        T::schema_ref()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

impl<T: ToJSON + Serialize> IntoResponse for SerdeJson<T> {
    fn into_response(self) -> Response {
        // A task is about 700 bytes: one allocation instead of a few doublings from 128.
        let mut body = Vec::with_capacity(1024);
        if let Err(err) = serde_json::to_writer(&mut body, &self.0) {
            return ApiError::internal("writing the response", err).into_response();
        }
        #[cfg(debug_assertions)]
        same_as_documented(&self.0, &body);
        Response::builder()
            .content_type(Self::CONTENT_TYPE)
            .body(body)
    }
}

impl<T: ToJSON + Serialize> ApiResponse for SerdeJson<T> {
    fn meta() -> MetaResponses {
        <Json<T> as ApiResponse>::meta()
    }

    fn register(registry: &mut Registry) {
        T::register(registry);
    }
}

/// Panics unless `body` is the JSON value `ToJSON` makes of `value`.
#[cfg(debug_assertions)]
fn same_as_documented<T: ToJSON>(value: &T, body: &[u8]) {
    let written: serde_json::Value =
        serde_json::from_slice(body).expect("SerdeJson wrote invalid JSON");
    let documented = value.to_json().unwrap_or_default();
    assert_eq!(
        written,
        documented,
        "SerdeJson<{}>: the Serialize and Object derives disagree",
        std::any::type_name::<T>()
    );
}

#[cfg(test)]
mod tests {
    use poem_openapi::Object;

    use super::*;

    #[derive(Object, Serialize)]
    #[oai(skip_serializing_if_is_none)]
    struct Agrees {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    }

    #[derive(Object, Serialize)]
    #[oai(skip_serializing_if_is_none)]
    struct Disagrees {
        name: String,
        // Forgot `skip_serializing_if`: serde writes `"note": null`, the schema omits it.
        note: Option<String>,
    }

    async fn body_of(response: Response) -> serde_json::Value {
        let bytes = response.into_body().into_bytes().await.unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[tokio::test]
    async fn the_body_is_the_documented_json() {
        let response = SerdeJson(Agrees {
            name: "a".into(),
            note: None,
        })
        .into_response();
        assert_eq!(
            response.headers()["content-type"],
            "application/json; charset=utf-8"
        );
        assert_eq!(body_of(response).await, serde_json::json!({"name": "a"}));
        let noted = SerdeJson(Agrees {
            name: "a".into(),
            note: Some("b".into()),
        });
        assert_eq!(
            body_of(noted.into_response()).await,
            serde_json::json!({"name": "a", "note": "b"})
        );
    }

    #[test]
    #[should_panic(expected = "the Serialize and Object derives disagree")]
    fn derives_that_disagree_are_caught_in_debug_builds() {
        let _ = SerdeJson(Disagrees {
            name: "a".into(),
            note: None,
        })
        .into_response();
    }
}
