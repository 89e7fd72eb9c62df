//! Any OpenAI-compatible embeddings API: `POST {base_url}/embeddings`.

use std::time::Duration;

use async_trait::async_trait;
use orchard_actors::embedding::{EmbedError, Embedder};
use orchard_actors::memory::normalize;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;

use crate::llm::openai::{is_transient, retry_after};

/// Texts sent in one request (OpenAI takes up to 2,048; smaller requests fail and retry
/// in smaller pieces).
const MAX_BATCH: usize = 256;

/// Longest part of an error body kept in an error message.
const MAX_ERROR_BODY: usize = 500;

/// The HTTP embedder.
#[derive(Debug)]
pub struct OpenAiEmbedder {
    client: reqwest::Client,
    url: String,
    model: String,
    dimensions: usize,
    api_key: Option<SecretString>,
}

#[derive(Deserialize)]
struct Embeddings {
    data: Vec<Embedding>,
}

#[derive(Deserialize)]
struct Embedding {
    index: usize,
    embedding: Vec<f32>,
}

impl OpenAiEmbedder {
    /// A client for `base_url` (e.g. `https://api.openai.com/v1`) and `model`, whose vectors
    /// have `dimensions` components (checked on every answer).
    pub fn new(
        base_url: &str,
        model: &str,
        dimensions: usize,
        api_key: Option<SecretString>,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10))
            .build()?;
        Ok(Self {
            client,
            url: format!("{}/embeddings", base_url.trim_end_matches('/')),
            model: model.to_owned(),
            dimensions,
            api_key,
        })
    }

    async fn embed_batch(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let body = json!({"model": self.model, "input": texts, "encoding_format": "float"});
        let mut http = self.client.post(&self.url).json(&body);
        if let Some(key) = &self.api_key {
            http = http.bearer_auth(key.expose_secret());
        }
        let transient = |message: String| EmbedError::Transient {
            message,
            retry_after: None,
        };
        let response = http
            .send()
            .await
            // Without the URL: reqwest's message is enough and never carries the key.
            .map_err(|err| transient(format!("request failed: {}", err.without_url())))?;
        let status = response.status();
        let wait = retry_after(response.headers());
        let text = response
            .text()
            .await
            .map_err(|err| transient(format!("reading response: {}", err.without_url())))?;
        if !status.is_success() {
            let snippet: String = text.chars().take(MAX_ERROR_BODY).collect();
            let message = format!("HTTP {status}: {snippet}");
            return Err(if is_transient(status) {
                EmbedError::Transient {
                    message,
                    retry_after: wait,
                }
            } else {
                EmbedError::Permanent(message)
            });
        }
        let answer: Embeddings = serde_json::from_str(&text)
            .map_err(|err| EmbedError::Permanent(format!("unreadable embeddings: {err}")))?;
        let mut vectors: Vec<Option<Vec<f32>>> = vec![None; texts.len()];
        for item in answer.data {
            if item.embedding.len() != self.dimensions {
                return Err(EmbedError::Permanent(format!(
                    "the model answered {} dimensions, {} configured",
                    item.embedding.len(),
                    self.dimensions
                )));
            }
            let slot = vectors.get_mut(item.index).ok_or_else(|| {
                EmbedError::Permanent(format!("an embedding for input {}", item.index))
            })?;
            let mut vector = item.embedding;
            if vector.iter().any(|x| !x.is_finite()) || !normalize(&mut vector) {
                return Err(EmbedError::Permanent(
                    "the model answered a zero or non-finite vector".into(),
                ));
            }
            *slot = Some(vector);
        }
        vectors
            .into_iter()
            .map(|v| v.ok_or_else(|| EmbedError::Permanent("an input got no embedding".into())))
            .collect()
    }
}

#[async_trait]
impl Embedder for OpenAiEmbedder {
    fn model(&self) -> &str {
        &self.model
    }

    fn dimensions(&self) -> usize {
        self.dimensions
    }

    async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        if texts.iter().any(|t| t.trim().is_empty()) {
            return Err(EmbedError::InvalidInput("an empty text".into()));
        }
        let mut out = Vec::with_capacity(texts.len());
        for batch in texts.chunks(MAX_BATCH) {
            out.extend(self.embed_batch(batch).await?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use orchard_actors::memory::dot;
    use poem::listener::{Acceptor, Listener, TcpListener};
    use poem::web::{Data, Json};
    use poem::{EndpointExt, Request, Response, Route, handler, post};
    use serde_json::Value;

    use super::*;

    /// Each request the fake vendor saw: its `Authorization` header and JSON body.
    type Seen = Arc<Mutex<Vec<(Option<String>, Value)>>>;

    /// A fake embeddings API: answers `status` with `body`, or (for `body: None`) embeds
    /// each input as `[len, 1, 0, ...]`, in reverse order of `index` as servers may.
    #[derive(Clone)]
    struct Vendor {
        status: u16,
        headers: Vec<(&'static str, &'static str)>,
        body: Option<String>,
        dimensions: usize,
        seen: Seen,
    }

    #[handler]
    fn embeddings(req: &Request, vendor: Data<&Vendor>, body: Json<Value>) -> Response {
        let auth = req.header("authorization").map(str::to_owned);
        vendor.seen.lock().unwrap().push((auth, body.0.clone()));
        let answer = vendor.body.clone().unwrap_or_else(|| {
            let inputs = body.0["input"].as_array().cloned().unwrap_or_default();
            let data: Vec<Value> = inputs
                .iter()
                .enumerate()
                .rev()
                .map(|(index, text)| {
                    let mut v = vec![0.0f32; vendor.dimensions];
                    v[0] = text.as_str().unwrap_or("").len() as f32;
                    v[1] = 1.0;
                    json!({"object": "embedding", "index": index, "embedding": v})
                })
                .collect();
            json!({"object": "list", "data": data, "model": "m", "usage": {"prompt_tokens": 1, "total_tokens": 1}})
                .to_string()
        });
        let mut response = Response::builder()
            .status(poem::http::StatusCode::from_u16(vendor.status).unwrap())
            .content_type("application/json");
        for (name, value) in &vendor.headers {
            response = response.header(*name, *value);
        }
        response.body(answer)
    }

    async fn serve(vendor: Vendor) -> String {
        let acceptor = TcpListener::bind("127.0.0.1:0")
            .into_acceptor()
            .await
            .unwrap();
        let port = acceptor.local_addr()[0].as_socket_addr().unwrap().port();
        let app = Route::new()
            .at("/v1/embeddings", post(embeddings))
            .data(vendor);
        tokio::spawn(poem::Server::new_with_acceptor(acceptor).run(app));
        format!("http://127.0.0.1:{port}/v1/")
    }

    fn vendor(status: u16, body: Option<Value>) -> Vendor {
        Vendor {
            status,
            headers: Vec::new(),
            body: body.map(|b| b.to_string()),
            dimensions: 8,
            seen: Arc::default(),
        }
    }

    fn client(base: &str, dimensions: usize) -> OpenAiEmbedder {
        OpenAiEmbedder::new(
            base,
            "text-embedding-3-small",
            dimensions,
            Some(SecretString::from("sk-test")),
            Duration::from_secs(5),
        )
        .unwrap()
    }

    fn texts(n: usize) -> Vec<String> {
        (0..n).map(|i| "x".repeat(i + 1)).collect()
    }

    #[tokio::test]
    async fn speaks_the_embeddings_protocol_in_order_and_in_batches() {
        let fake = vendor(200, None);
        let seen = fake.seen.clone();
        let embedder = client(&serve(fake).await, 8);
        let vectors = embedder.embed(&texts(300)).await.unwrap();
        assert_eq!(vectors.len(), 300);
        for (i, v) in vectors.iter().enumerate() {
            assert!((dot(v, v) - 1.0).abs() < 1e-5, "normalised");
            // [len, 1] normalised: the first component grows with the input's length.
            let expected = (i + 1) as f32 / (((i + 1) * (i + 1) + 1) as f32).sqrt();
            assert!((v[0] - expected).abs() < 1e-5, "input {i} in its place");
        }
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2, "300 texts in batches of 256");
        assert_eq!(seen[0].0.as_deref(), Some("Bearer sk-test"));
        assert_eq!(seen[0].1["model"], "text-embedding-3-small");
        assert_eq!(seen[0].1["input"].as_array().unwrap().len(), 256);
        assert_eq!(seen[1].1["input"][0], "x".repeat(257));
        assert_eq!(embedder.dimensions(), 8);
        assert_eq!(embedder.model(), "text-embedding-3-small");
    }

    #[tokio::test]
    async fn rate_limits_and_server_errors_are_transient_with_retry_after() {
        let mut fake = vendor(429, Some(json!({"error": {"message": "slow down"}})));
        fake.headers.push(("retry-after", "2"));
        let embedder = client(&serve(fake).await, 8);
        match embedder.embed(&texts(1)).await {
            Err(EmbedError::Transient {
                message,
                retry_after,
            }) => {
                assert!(message.contains("429") && message.contains("slow down"));
                assert_eq!(retry_after, Some(Duration::from_secs(2)));
            }
            other => panic!("{other:?}"),
        }
        let embedder = client(&serve(vendor(503, Some(json!({})))).await, 8);
        assert!(matches!(
            embedder.embed(&texts(1)).await,
            Err(EmbedError::Transient { .. })
        ));
        // Nobody listening: transient too.
        let embedder = client("http://127.0.0.1:9/v1", 8);
        assert!(matches!(
            embedder.embed(&texts(1)).await,
            Err(EmbedError::Transient { .. })
        ));
    }

    #[tokio::test]
    async fn client_errors_wrong_dimensions_and_garbage_are_permanent() {
        let embedder = client(&serve(vendor(401, Some(json!({})))).await, 8);
        assert!(matches!(
            embedder.embed(&texts(1)).await,
            Err(EmbedError::Permanent(_))
        ));
        let embedder = client(&serve(vendor(200, None)).await, 16);
        let err = embedder.embed(&texts(1)).await.unwrap_err();
        assert!(
            err.to_string().contains("8 dimensions, 16 configured"),
            "{err}"
        );
        for body in [
            json!({"data": "nope"}),
            json!({"data": []}),
            json!({"data": [{"index": 5, "embedding": [1, 0, 0, 0, 0, 0, 0, 0]}]}),
            json!({"data": [{"index": 0, "embedding": [0, 0, 0, 0, 0, 0, 0, 0]}]}),
        ] {
            let embedder = client(&serve(vendor(200, Some(body.clone()))).await, 8);
            assert!(
                matches!(
                    embedder.embed(&texts(1)).await,
                    Err(EmbedError::Permanent(_))
                ),
                "{body}"
            );
        }
        let embedder = client("http://127.0.0.1:9/v1", 8);
        assert!(matches!(
            embedder.embed(&["  ".to_string()]).await,
            Err(EmbedError::InvalidInput(_))
        ));
    }
}
