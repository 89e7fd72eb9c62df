//! The [`VectorMemory`](orchard_actors::memory::VectorMemory) port's adapters, and the
//! embedders beside them.
//!
//! - [`embedded`]: per-org segments in the data dir, exact search (the default), and an
//!   HNSW graph ([`hnsw`]) for orgs past a size threshold.
//! - [`openai`]: the `Embedder` port over an OpenAI-compatible `POST {base_url}/embeddings`
//!   (the built-in offline embedder is `orchard_actors::embedding::HashingEmbedder`).
//! - [`qdrant`]: one Qdrant collection for every org (gRPC), `org_id` a tenant index.
//! - `segment` (private): one org's log file and in-memory layout.
//! - [`quantized`]: the 8-bit copy of a segment's vectors that exact search scans
//!   first, with the error bound that keeps its answer exact.
//!
//! Every adapter passes `orchard_actors::conformance::memory::all_memory_checks`.

pub mod embedded;
pub mod hnsw;
pub mod openai;
pub mod qdrant;
pub mod quantized;
mod segment;

pub use self::embedded::EmbeddedVectors;
pub use self::hnsw::HnswSettings;
pub use self::openai::OpenAiEmbedder;
pub use self::qdrant::{QdrantSettings, QdrantVectors};
pub use self::segment::IndexStatus;
