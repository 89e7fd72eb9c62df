#[allow(unused_imports)]
pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
#[allow(unused_imports)]
use progenitor_client::{ClientHooks, OperationInfo, RequestBuilderExt, encode_path};
/// Types used as operation parameters and responses.
#[allow(clippy::all)]
pub mod types {
    ///How an earlier incarnation of an actor ended.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct ActorFailure {
        ///When it failed.
        pub at: ::chrono::DateTime<::chrono::offset::Utc>,
        ///What its supervisor heard: the error, the panic message or the stop
        /// reason.
        pub reason: ::std::string::String,
    }

    impl ActorFailure {
        pub fn builder() -> builder::ActorFailure {
            Default::default()
        }
    }

    ///One actor of this node's live tree.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct ActorNode {
        ///The actors it supervises, by kind then name.
        pub children: ::std::vec::Vec<ActorNode>,
        ///The ractor id (`<node>.<n>`), unique on this node while the process
        /// lives.
        pub id: ::std::string::String,
        ///`root_supervisor`, `dispatcher`, `watchdog`, `org_supervisor`,
        /// `credentials`, `budget`, `repo_lock` or `agent_run`.
        pub kind: ::std::string::String,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub last_failure: ::std::option::Option<ActorFailure>,
        ///Messages it has handled.
        pub messages_processed: u64,
        ///The kind and what it is for: `org/<org_id>`, `run/<task_id>`,
        /// `repo-lock/<repo_id>`, ...
        pub name: ::std::string::String,
        ///The organization, for an org's actors.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub org_id: ::std::option::Option<::uuid::Uuid>,
        ///Messages sent to it and not handled yet.
        pub queue_depth: u64,
        ///Times its supervisor started it again after a failure (for a run:
        /// earlier runs of the same task that crashed).
        pub restarts: u32,
        ///When this incarnation started.
        pub started_at: ::chrono::DateTime<::chrono::offset::Utc>,
        ///`starting`, `running`, `draining`, `stopping`, ...
        pub status: ::std::string::String,
    }

    impl ActorNode {
        pub fn builder() -> builder::ActorNode {
            Default::default()
        }
    }

    ///The live actor tree of the node that answered.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct ActorTree {
        ///The root supervisor with everything under it; with `org`, that org's
        /// supervisor (none while the org has no supervisor on this
        /// node).
        pub actors: ::std::vec::Vec<ActorNode>,
    }

    impl ActorTree {
        pub fn builder() -> builder::ActorTree {
            Default::default()
        }
    }

    ///A plan to buy.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct CheckoutBody {
        ///A plan of the configuration with a `stripe_price_id`.
        pub plan: ::std::string::String,
    }

    impl CheckoutBody {
        pub fn builder() -> builder::CheckoutBody {
            Default::default()
        }
    }

    ///A Stripe Checkout Session to send the buyer to.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct CheckoutView {
        ///Stripe's session id.
        pub id: ::std::string::String,
        ///The hosted payment page.
        pub url: ::std::string::String,
    }

    impl CheckoutView {
        pub fn builder() -> builder::CheckoutView {
            Default::default()
        }
    }

    ///The organization's credentials.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct CredentialList {
        pub credentials: ::std::vec::Vec<CredentialView>,
    }

    impl CredentialList {
        pub fn builder() -> builder::CredentialList {
            Default::default()
        }
    }

    ///The service a credential is for.
    #[derive(
        :: serde :: Deserialize,
        :: serde :: Serialize,
        Clone,
        Copy,
        Debug,
        Eq,
        Hash,
        Ord,
        PartialEq,
        PartialOrd,
    )]
    pub enum CredentialProvider {
        #[serde(rename = "github")]
        Github,
        #[serde(rename = "azure_devops")]
        AzureDevops,
        #[serde(rename = "jira")]
        Jira,
        #[serde(rename = "generic")]
        Generic,
        #[serde(rename = "github_webhook")]
        GithubWebhook,
    }

    impl ::std::fmt::Display for CredentialProvider {
        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
            match *self {
                Self::Github => f.write_str("github"),
                Self::AzureDevops => f.write_str("azure_devops"),
                Self::Jira => f.write_str("jira"),
                Self::Generic => f.write_str("generic"),
                Self::GithubWebhook => f.write_str("github_webhook"),
            }
        }
    }

    impl ::std::str::FromStr for CredentialProvider {
        type Err = self::error::ConversionError;
        fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
            match value {
                "github" => Ok(Self::Github),
                "azure_devops" => Ok(Self::AzureDevops),
                "jira" => Ok(Self::Jira),
                "generic" => Ok(Self::Generic),
                "github_webhook" => Ok(Self::GithubWebhook),
                _ => Err("invalid value".into()),
            }
        }
    }

    impl ::std::convert::TryFrom<&str> for CredentialProvider {
        type Error = self::error::ConversionError;
        fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }

    impl ::std::convert::TryFrom<::std::string::String> for CredentialProvider {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }

    ///A secret to store (replacing the provider's earlier one).
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct CredentialPut {
        ///Where the service is, for the ones each organization has its own of:
        /// the Jira site (`https://acme.atlassian.net`, or a Data Center URL). Needed for tasks from Jira
        ///issues; unused for the others.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub base_url: ::std::option::Option<::std::string::String>,
        ///Free text for people, e.g. the token's scopes.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub scopes_note: ::std::option::Option<::std::string::String>,
        ///The token, PAT or password. Write-only: it is never returned.
        pub secret: ::std::string::String,
        ///User name for services that need one with the secret (e.g. Jira's
        /// account email).
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub username: ::std::option::Option<::std::string::String>,
    }

    impl CredentialPut {
        pub fn builder() -> builder::CredentialPut {
            Default::default()
        }
    }

    ///A stored credential's metadata.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct CredentialView {
        ///The service's site, if one was given.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub base_url: ::std::option::Option<::std::string::String>,
        pub created_at: ::chrono::DateTime<::chrono::offset::Utc>,
        ///The secret's last 4 characters, for secrets of 16 characters or
        /// more.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub fingerprint: ::std::option::Option<::std::string::String>,
        pub provider: CredentialProvider,
        ///When the secret was last replaced.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub rotated_at: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub scopes_note: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub username: ::std::option::Option<::std::string::String>,
    }

    impl CredentialView {
        pub fn builder() -> builder::CredentialView {
            Default::default()
        }
    }

    ///The JSON body of every error response.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct ErrorBody {
        ///Stable, machine-readable code (e.g. `not_found`, `invalid_token`);
        /// each operation lists the ones it can answer.
        pub code: ::std::string::String,
        ///Human-readable detail.
        pub message: ::std::string::String,
    }

    impl ErrorBody {
        pub fn builder() -> builder::ErrorBody {
            Default::default()
        }
    }

    ///What became of a delivery.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct GithubWebhookResult {
        ///Why nothing was done.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub reason: ::std::option::Option<::std::string::String>,
        ///`queued` (a task was made), `ignored` (nothing to do; `reason` says
        /// why) or `pong` (GitHub's `ping`).
        pub status: ::std::string::String,
        ///The task made from the issue.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub task_id: ::std::option::Option<::uuid::Uuid>,
    }

    impl GithubWebhookResult {
        pub fn builder() -> builder::GithubWebhookResult {
            Default::default()
        }
    }

    ///Where a hit's text comes from: a repository chunk (repository, path,
    /// blob, lines) or a note (with the task that stored it, if any, and
    /// its metadata, if it has any).
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct HitSource {
        ///The git blob the chunk was cut from.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub blob_id: ::std::option::Option<::std::string::String>,
        ///Last line, inclusive.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub end_line: ::std::option::Option<u32>,
        pub kind: SourceKind,
        ///The note's metadata, as it was stored; absent when it has none.
        #[serde(
            default,
            skip_serializing_if = ":: std :: collections :: HashMap::is_empty"
        )]
        pub metadata: ::std::collections::HashMap<::std::string::String, ::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub path: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub repo_id: ::std::option::Option<::uuid::Uuid>,
        ///First line, 1-based.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub start_line: ::std::option::Option<u32>,
        ///The task whose run stored the note.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub task_id: ::std::option::Option<::uuid::Uuid>,
    }

    impl HitSource {
        pub fn builder() -> builder::HitSource {
            Default::default()
        }
    }

    ///Which org pays Iyzico under which customer reference code.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct IyzicoCustomerBody {
        ///Iyzico's `customerReferenceCode`.
        pub customer_reference_code: ::std::string::String,
        ///The plan its subscription buys.
        pub plan: ::std::string::String,
    }

    impl IyzicoCustomerBody {
        pub fn builder() -> builder::IyzicoCustomerBody {
            Default::default()
        }
    }

    ///Email and password of a user.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct LoginRequest {
        pub email: ::std::string::String,
        pub password: ::std::string::String,
    }

    impl LoginRequest {
        pub fn builder() -> builder::LoginRequest {
            Default::default()
        }
    }

    ///A bearer token.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct LoginResponse {
        pub expires_at: ::chrono::DateTime<::chrono::offset::Utc>,
        ///PASETO v4.public bearer token.
        pub token: ::std::string::String,
    }

    impl LoginResponse {
        pub fn builder() -> builder::LoginResponse {
            Default::default()
        }
    }

    ///A note to remember.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct NoteCreate {
        ///Your own labels for the note, returned with it and with every hit of
        /// it (they are not embedded and not searched): a flat object
        /// of strings, like `{"source": "slack", "ticket": "ENG-42"}`.
        /// At most 16 keys; each key 1 to 40 bytes of `A-Z a-z 0-9 _ .
        /// -`; each value a string of at most 500 bytes (UTF-8) without control
        /// characters. Breaking a limit is a 400 `invalid_input`; a value that
        /// is not a string, or metadata that is not an object, a 400
        /// `bad_request`.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub metadata: ::std::option::Option<
            ::std::collections::HashMap<::std::string::String, ::std::string::String>,
        >,
        ///The note; at most `memory.max_text_bytes` bytes (16 KiB by default).
        pub text: ::std::string::String,
    }

    impl NoteCreate {
        pub fn builder() -> builder::NoteCreate {
            Default::default()
        }
    }

    ///A stored note.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct NoteStored {
        ///Its id.
        pub id: ::uuid::Uuid,
        pub source: HitSource,
    }

    impl NoteStored {
        pub fn builder() -> builder::NoteStored {
            Default::default()
        }
    }

    ///An organization, its plan and the limits in effect.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct OrgView {
        pub created_at: ::chrono::DateTime<::chrono::offset::Utc>,
        pub id: ::uuid::Uuid,
        ///LLM tokens per calendar month in effect; absent: unlimited.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub monthly_tokens: ::std::option::Option<u64>,
        pub name: ::std::string::String,
        ///A renewal payment failed.
        pub past_due: bool,
        ///Billing plan.
        pub plan: ::std::string::String,
        ///Tasks per calendar month (UTC) in effect; absent: unlimited.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub tasks_per_month: ::std::option::Option<u64>,
    }

    impl OrgView {
        pub fn builder() -> builder::OrgView {
            Default::default()
        }
    }

    ///A new plan for an organization.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct PlanChangeBody {
        ///The org's own monthly token budget; absent: the plan's.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub monthly_tokens: ::std::option::Option<u64>,
        ///A plan of the configuration (`free`, `pro`, `enterprise`, ...).
        pub plan: ::std::string::String,
        ///The org's own monthly task quota (an enterprise contract); absent:
        /// the plan's.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub tasks_per_month: ::std::option::Option<u64>,
    }

    impl PlanChangeBody {
        pub fn builder() -> builder::PlanChangeBody {
            Default::default()
        }
    }

    ///Where a repository is hosted.
    #[derive(
        :: serde :: Deserialize,
        :: serde :: Serialize,
        Clone,
        Copy,
        Debug,
        Eq,
        Hash,
        Ord,
        PartialEq,
        PartialOrd,
    )]
    pub enum ProviderName {
        #[serde(rename = "github")]
        Github,
        #[serde(rename = "azure_devops")]
        AzureDevops,
        #[serde(rename = "generic")]
        Generic,
    }

    impl ::std::fmt::Display for ProviderName {
        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
            match *self {
                Self::Github => f.write_str("github"),
                Self::AzureDevops => f.write_str("azure_devops"),
                Self::Generic => f.write_str("generic"),
            }
        }
    }

    impl ::std::str::FromStr for ProviderName {
        type Err = self::error::ConversionError;
        fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
            match value {
                "github" => Ok(Self::Github),
                "azure_devops" => Ok(Self::AzureDevops),
                "generic" => Ok(Self::Generic),
                _ => Err("invalid value".into()),
            }
        }
    }

    impl ::std::convert::TryFrom<&str> for ProviderName {
        type Error = self::error::ConversionError;
        fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }

    impl ::std::convert::TryFrom<::std::string::String> for ProviderName {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }

    ///Whether a successful task opens a pull request for its branch: `open`
    /// (the default when registering), `draft` or `off`. Only GitHub and
    /// Azure DevOps repositories have them, and they need the org's
    /// `github` or `azure_devops` credential.
    #[derive(
        :: serde :: Deserialize,
        :: serde :: Serialize,
        Clone,
        Copy,
        Debug,
        Eq,
        Hash,
        Ord,
        PartialEq,
        PartialOrd,
    )]
    pub enum PullRequestsName {
        #[serde(rename = "open")]
        Open,
        #[serde(rename = "draft")]
        Draft,
        #[serde(rename = "off")]
        Off,
    }

    impl ::std::fmt::Display for PullRequestsName {
        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
            match *self {
                Self::Open => f.write_str("open"),
                Self::Draft => f.write_str("draft"),
                Self::Off => f.write_str("off"),
            }
        }
    }

    impl ::std::str::FromStr for PullRequestsName {
        type Err = self::error::ConversionError;
        fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
            match value {
                "open" => Ok(Self::Open),
                "draft" => Ok(Self::Draft),
                "off" => Ok(Self::Off),
                _ => Err("invalid value".into()),
            }
        }
    }

    impl ::std::convert::TryFrom<&str> for PullRequestsName {
        type Error = self::error::ConversionError;
        fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }

    impl ::std::convert::TryFrom<::std::string::String> for PullRequestsName {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }

    ///A registration done.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct Registered {
        ///Always `applied`.
        pub status: ::std::string::String,
    }

    impl Registered {
        pub fn builder() -> builder::Registered {
            Default::default()
        }
    }

    ///A repository to register.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct RepoCreate {
        ///Branch tasks start from; default: the remote's HEAD.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub default_branch: ::std::option::Option<::std::string::String>,
        pub provider: ProviderName,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub pull_requests: ::std::option::Option<PullRequestsName>,
        ///Clone URL: `https://...`; `http://`, `file://` and absolute paths where the server
        ///allows them. No credentials in the URL.
        pub url: ::std::string::String,
    }

    impl RepoCreate {
        pub fn builder() -> builder::RepoCreate {
            Default::default()
        }
    }

    ///The organization's repositories.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct RepoList {
        pub repos: ::std::vec::Vec<RepoView>,
    }

    impl RepoList {
        pub fn builder() -> builder::RepoList {
            Default::default()
        }
    }

    ///A registered repository.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct RepoView {
        pub created_at: ::chrono::DateTime<::chrono::offset::Utc>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub default_branch: ::std::option::Option<::std::string::String>,
        pub id: ::uuid::Uuid,
        pub provider: ProviderName,
        pub pull_requests: PullRequestsName,
        pub url: ::std::string::String,
    }

    impl RepoView {
        pub fn builder() -> builder::RepoView {
            Default::default()
        }
    }

    ///One hit.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct SearchHit {
        pub id: ::uuid::Uuid,
        ///Cosine similarity with the query, in [-1, 1]; best first.
        pub score: f32,
        pub source: HitSource,
        pub text: ::std::string::String,
    }

    impl SearchHit {
        pub fn builder() -> builder::SearchHit {
            Default::default()
        }
    }

    ///A search.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct SearchRequest {
        ///Most hits, 1 to 100; default 10.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub limit: ::std::option::Option<u32>,
        ///What to look for.
        pub query: ::std::string::String,
        ///Only chunks of this repository of the organization (notes are left
        /// out).
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub repo_id: ::std::option::Option<::std::string::String>,
    }

    impl SearchRequest {
        pub fn builder() -> builder::SearchRequest {
            Default::default()
        }
    }

    ///Search results, best first.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct SearchResults {
        pub hits: ::std::vec::Vec<SearchHit>,
    }

    impl SearchResults {
        pub fn builder() -> builder::SearchResults {
            Default::default()
        }
    }

    ///Create an organization and its owner.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct SignupRequest {
        ///Owner's email; used to log in.
        pub email: ::std::string::String,
        ///Organization name (1–100 characters).
        pub org_name: ::std::string::String,
        ///Owner's password (at least 8 characters).
        pub password: ::std::string::String,
    }

    impl SignupRequest {
        pub fn builder() -> builder::SignupRequest {
            Default::default()
        }
    }

    ///A new organization and a token for its owner.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct SignupResponse {
        pub expires_at: ::chrono::DateTime<::chrono::offset::Utc>,
        pub org_id: ::uuid::Uuid,
        ///PASETO v4.public bearer token.
        pub token: ::std::string::String,
        pub user_id: ::uuid::Uuid,
    }

    impl SignupResponse {
        pub fn builder() -> builder::SignupResponse {
            Default::default()
        }
    }

    ///What a point was cut from.
    #[derive(
        :: serde :: Deserialize,
        :: serde :: Serialize,
        Clone,
        Copy,
        Debug,
        Eq,
        Hash,
        Ord,
        PartialEq,
        PartialOrd,
    )]
    pub enum SourceKind {
        #[serde(rename = "chunk")]
        Chunk,
        #[serde(rename = "note")]
        Note,
    }

    impl ::std::fmt::Display for SourceKind {
        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
            match *self {
                Self::Chunk => f.write_str("chunk"),
                Self::Note => f.write_str("note"),
            }
        }
    }

    impl ::std::str::FromStr for SourceKind {
        type Err = self::error::ConversionError;
        fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
            match value {
                "chunk" => Ok(Self::Chunk),
                "note" => Ok(Self::Note),
                _ => Err("invalid value".into()),
            }
        }
    }

    impl ::std::convert::TryFrom<&str> for SourceKind {
        type Error = self::error::ConversionError;
        fn try_from(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }

    impl ::std::convert::TryFrom<::std::string::String> for SourceKind {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }

    ///Tokens and cost of one sprint label.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct SprintUsage {
        ///Micro-dollars (millionths of a USD).
        pub cost_micros: u64,
        ///The label; absent for tasks submitted without one.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub sprint: ::std::option::Option<::std::string::String>,
        pub tokens: Tokens,
    }

    impl SprintUsage {
        pub fn builder() -> builder::SprintUsage {
            Default::default()
        }
    }

    ///An accepted task.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct TaskAccepted {
        ///Always `queued`.
        pub status: ::std::string::String,
        pub task_id: ::uuid::Uuid,
    }

    impl TaskAccepted {
        pub fn builder() -> builder::TaskAccepted {
            Default::default()
        }
    }

    ///A task to run.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct TaskCreate {
        ///What the agent should do. Give this or `jira_issue`.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub instruction: ::std::option::Option<::std::string::String>,
        ///A Jira issue key (`ENG-42`) to work on instead of an instruction:
        /// its summary and description (as plain text) become the
        /// instruction, its active sprint the sprint label (unless
        /// `sprint` is given), and the pull request is linked on the issue.
        /// Needs the org's Jira credential with its site (`PUT
        /// /v1/credentials/jira`).
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub jira_issue: ::std::option::Option<::std::string::String>,
        ///Most tokens this task may use.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub max_tokens: ::std::option::Option<u64>,
        ///Repository to work on (from `POST /v1/repos`).
        pub repo_id: ::std::string::String,
        ///Sprint label, for cost allocation.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub sprint: ::std::option::Option<::std::string::String>,
    }

    impl TaskCreate {
        pub fn builder() -> builder::TaskCreate {
            Default::default()
        }
    }

    ///One event of a task's log.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct TaskEventView {
        pub at: ::chrono::DateTime<::chrono::offset::Utc>,
        ///Details.
        pub data: ::serde_json::Value,
        ///`status`, `checkout`, `llm_call`, `tool_call`, `commit`,
        /// `pull_request` or `restart`.
        pub kind: ::std::string::String,
        ///Position in the log, from 1.
        pub seq: u64,
    }

    impl TaskEventView {
        pub fn builder() -> builder::TaskEventView {
            Default::default()
        }
    }

    ///A page of tasks, newest first.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct TaskList {
        ///Pass as `cursor` for the next page; absent on the last page.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub next_cursor: ::std::option::Option<::std::string::String>,
        pub tasks: ::std::vec::Vec<TaskView>,
    }

    impl TaskList {
        pub fn builder() -> builder::TaskList {
            Default::default()
        }
    }

    ///Tasks submitted in the month against the plan's quota.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct TaskQuota {
        ///The quota; absent when unlimited.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub quota: ::std::option::Option<u64>,
        ///Tasks holding a slot (a task that ended without an LLM call gave its
        /// slot back).
        pub used: u64,
    }

    impl TaskQuota {
        pub fn builder() -> builder::TaskQuota {
            Default::default()
        }
    }

    ///Tokens and cost of one task in the month.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct TaskUsage {
        ///Micro-dollars.
        pub cost_micros: u64,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub sprint: ::std::option::Option<::std::string::String>,
        pub task_id: ::uuid::Uuid,
        pub tokens: Tokens,
    }

    impl TaskUsage {
        pub fn builder() -> builder::TaskUsage {
            Default::default()
        }
    }

    ///A task and its progress.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct TaskView {
        ///Runs started for this task.
        pub attempts: u32,
        ///Branch the result was pushed to; absent when the agent changed
        /// nothing.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub branch: ::std::option::Option<::std::string::String>,
        ///Files the agent changed.
        pub changed_files: ::std::vec::Vec<::std::string::String>,
        ///Commit pushed.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub commit: ::std::option::Option<::std::string::String>,
        ///Cost in micro-dollars (millionths of a USD) at the configured
        /// prices: exact, and what usage reports add up.
        pub cost_micros: u64,
        ///The same in USD, for display.
        pub cost_usd: f64,
        pub created_at: ::chrono::DateTime<::chrono::offset::Utc>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub error: ::std::option::Option<ErrorBody>,
        pub id: ::uuid::Uuid,
        pub instruction: ::std::string::String,
        ///The Jira issue the task was made from.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub jira_issue: ::std::option::Option<::std::string::String>,
        ///LLM calls made.
        pub llm_calls: u32,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub max_tokens: ::std::option::Option<u64>,
        ///The pull request opened (or found open) for the branch, on GitHub or
        /// Azure DevOps.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub pull_request_url: ::std::option::Option<::std::string::String>,
        ///The month (`YYYY-MM`, UTC) whose task quota it counts against.
        pub quota_period: ::std::string::String,
        ///It ended without an LLM call and gave its quota slot back.
        pub quota_released: bool,
        pub repo_id: ::uuid::Uuid,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub sprint: ::std::option::Option<::std::string::String>,
        ///`queued`, `running`, `succeeded`, `failed` or `cancelled`.
        pub status: ::std::string::String,
        ///The agent's summary.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub summary: ::std::option::Option<::std::string::String>,
        pub tokens: Tokens,
        pub updated_at: ::chrono::DateTime<::chrono::offset::Utc>,
    }

    impl TaskView {
        pub fn builder() -> builder::TaskView {
            Default::default()
        }
    }

    ///Tokens charged to the month against the plan's budget.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct TokenBudget {
        ///The monthly budget; absent when unlimited.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub budget: ::std::option::Option<u64>,
        pub completion: u64,
        pub prompt: u64,
        pub total: u64,
    }

    impl TokenBudget {
        pub fn builder() -> builder::TokenBudget {
            Default::default()
        }
    }

    ///Token counts.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct Tokens {
        pub completion: u64,
        pub prompt: u64,
        pub total: u64,
    }

    impl Tokens {
        pub fn builder() -> builder::Tokens {
            Default::default()
        }
    }

    ///An org's usage in one month (UTC).
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct UsageReportView {
        ///By sprint label.
        pub by_sprint: ::std::vec::Vec<SprintUsage>,
        ///A page of the tasks with LLM calls in the month, by id.
        pub by_task: ::std::vec::Vec<TaskUsage>,
        ///Cost of every LLM call charged to the month, in micro-dollars
        /// (exact).
        pub cost_micros: u64,
        ///The same in USD, for display.
        pub cost_usd: f64,
        ///Pass as `cursor` for the next page of `by_task`; absent on the last
        /// page.
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub next_cursor: ::std::option::Option<::std::string::String>,
        ///`YYYY-MM`.
        pub period: ::std::string::String,
        ///The org's plan now.
        pub plan: ::std::string::String,
        pub tasks: TaskQuota,
        pub tokens: TokenBudget,
    }

    impl UsageReportView {
        pub fn builder() -> builder::UsageReportView {
            Default::default()
        }
    }

    ///What became of a webhook.
    #[derive(:: serde :: Deserialize, :: serde :: Serialize, Clone, Debug)]
    pub struct WebhookResult {
        ///`applied`, `duplicate` (seen before; nothing changed) or `ignored`
        /// (nothing to do).
        pub status: ::std::string::String,
    }

    impl WebhookResult {
        pub fn builder() -> builder::WebhookResult {
            Default::default()
        }
    }

    /// Types for composing complex structures.
    pub mod builder {
        #[derive(Clone, Debug)]
        pub struct ActorFailure {
            at: ::std::result::Result<
                ::chrono::DateTime<::chrono::offset::Utc>,
                ::std::string::String,
            >,
            reason: ::std::result::Result<::std::string::String, ::std::string::String>,
        }

        impl ::std::default::Default for ActorFailure {
            fn default() -> Self {
                Self {
                    at: Err("no value supplied for at".to_string()),
                    reason: Err("no value supplied for reason".to_string()),
                }
            }
        }

        impl ActorFailure {
            pub fn at<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::chrono::DateTime<::chrono::offset::Utc>>,
                T::Error: ::std::fmt::Display,
            {
                self.at = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for at: {e}"));
                self
            }
            pub fn reason<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.reason = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for reason: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<ActorFailure> for super::ActorFailure {
            type Error = super::error::ConversionError;
            fn try_from(
                value: ActorFailure,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    at: value.at?,
                    reason: value.reason?,
                })
            }
        }

        impl ::std::convert::From<super::ActorFailure> for ActorFailure {
            fn from(value: super::ActorFailure) -> Self {
                Self {
                    at: Ok(value.at),
                    reason: Ok(value.reason),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct ActorNode {
            children:
                ::std::result::Result<::std::vec::Vec<super::ActorNode>, ::std::string::String>,
            id: ::std::result::Result<::std::string::String, ::std::string::String>,
            kind: ::std::result::Result<::std::string::String, ::std::string::String>,
            last_failure: ::std::result::Result<
                ::std::option::Option<super::ActorFailure>,
                ::std::string::String,
            >,
            messages_processed: ::std::result::Result<u64, ::std::string::String>,
            name: ::std::result::Result<::std::string::String, ::std::string::String>,
            org_id:
                ::std::result::Result<::std::option::Option<::uuid::Uuid>, ::std::string::String>,
            queue_depth: ::std::result::Result<u64, ::std::string::String>,
            restarts: ::std::result::Result<u32, ::std::string::String>,
            started_at: ::std::result::Result<
                ::chrono::DateTime<::chrono::offset::Utc>,
                ::std::string::String,
            >,
            status: ::std::result::Result<::std::string::String, ::std::string::String>,
        }

        impl ::std::default::Default for ActorNode {
            fn default() -> Self {
                Self {
                    children: Err("no value supplied for children".to_string()),
                    id: Err("no value supplied for id".to_string()),
                    kind: Err("no value supplied for kind".to_string()),
                    last_failure: Ok(Default::default()),
                    messages_processed: Err("no value supplied for messages_processed".to_string()),
                    name: Err("no value supplied for name".to_string()),
                    org_id: Ok(Default::default()),
                    queue_depth: Err("no value supplied for queue_depth".to_string()),
                    restarts: Err("no value supplied for restarts".to_string()),
                    started_at: Err("no value supplied for started_at".to_string()),
                    status: Err("no value supplied for status".to_string()),
                }
            }
        }

        impl ActorNode {
            pub fn children<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::ActorNode>>,
                T::Error: ::std::fmt::Display,
            {
                self.children = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for children: {e}"));
                self
            }
            pub fn id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.id = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for id: {e}"));
                self
            }
            pub fn kind<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.kind = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for kind: {e}"));
                self
            }
            pub fn last_failure<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<super::ActorFailure>>,
                T::Error: ::std::fmt::Display,
            {
                self.last_failure = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for last_failure: {e}"));
                self
            }
            pub fn messages_processed<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u64>,
                T::Error: ::std::fmt::Display,
            {
                self.messages_processed = value.try_into().map_err(|e| {
                    format!("error converting supplied value for messages_processed: {e}")
                });
                self
            }
            pub fn name<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.name = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for name: {e}"));
                self
            }
            pub fn org_id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::uuid::Uuid>>,
                T::Error: ::std::fmt::Display,
            {
                self.org_id = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for org_id: {e}"));
                self
            }
            pub fn queue_depth<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u64>,
                T::Error: ::std::fmt::Display,
            {
                self.queue_depth = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for queue_depth: {e}"));
                self
            }
            pub fn restarts<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u32>,
                T::Error: ::std::fmt::Display,
            {
                self.restarts = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for restarts: {e}"));
                self
            }
            pub fn started_at<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::chrono::DateTime<::chrono::offset::Utc>>,
                T::Error: ::std::fmt::Display,
            {
                self.started_at = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for started_at: {e}"));
                self
            }
            pub fn status<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.status = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for status: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<ActorNode> for super::ActorNode {
            type Error = super::error::ConversionError;
            fn try_from(
                value: ActorNode,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    children: value.children?,
                    id: value.id?,
                    kind: value.kind?,
                    last_failure: value.last_failure?,
                    messages_processed: value.messages_processed?,
                    name: value.name?,
                    org_id: value.org_id?,
                    queue_depth: value.queue_depth?,
                    restarts: value.restarts?,
                    started_at: value.started_at?,
                    status: value.status?,
                })
            }
        }

        impl ::std::convert::From<super::ActorNode> for ActorNode {
            fn from(value: super::ActorNode) -> Self {
                Self {
                    children: Ok(value.children),
                    id: Ok(value.id),
                    kind: Ok(value.kind),
                    last_failure: Ok(value.last_failure),
                    messages_processed: Ok(value.messages_processed),
                    name: Ok(value.name),
                    org_id: Ok(value.org_id),
                    queue_depth: Ok(value.queue_depth),
                    restarts: Ok(value.restarts),
                    started_at: Ok(value.started_at),
                    status: Ok(value.status),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct ActorTree {
            actors: ::std::result::Result<::std::vec::Vec<super::ActorNode>, ::std::string::String>,
        }

        impl ::std::default::Default for ActorTree {
            fn default() -> Self {
                Self {
                    actors: Err("no value supplied for actors".to_string()),
                }
            }
        }

        impl ActorTree {
            pub fn actors<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::ActorNode>>,
                T::Error: ::std::fmt::Display,
            {
                self.actors = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for actors: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<ActorTree> for super::ActorTree {
            type Error = super::error::ConversionError;
            fn try_from(
                value: ActorTree,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    actors: value.actors?,
                })
            }
        }

        impl ::std::convert::From<super::ActorTree> for ActorTree {
            fn from(value: super::ActorTree) -> Self {
                Self {
                    actors: Ok(value.actors),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct CheckoutBody {
            plan: ::std::result::Result<::std::string::String, ::std::string::String>,
        }

        impl ::std::default::Default for CheckoutBody {
            fn default() -> Self {
                Self {
                    plan: Err("no value supplied for plan".to_string()),
                }
            }
        }

        impl CheckoutBody {
            pub fn plan<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.plan = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for plan: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<CheckoutBody> for super::CheckoutBody {
            type Error = super::error::ConversionError;
            fn try_from(
                value: CheckoutBody,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self { plan: value.plan? })
            }
        }

        impl ::std::convert::From<super::CheckoutBody> for CheckoutBody {
            fn from(value: super::CheckoutBody) -> Self {
                Self {
                    plan: Ok(value.plan),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct CheckoutView {
            id: ::std::result::Result<::std::string::String, ::std::string::String>,
            url: ::std::result::Result<::std::string::String, ::std::string::String>,
        }

        impl ::std::default::Default for CheckoutView {
            fn default() -> Self {
                Self {
                    id: Err("no value supplied for id".to_string()),
                    url: Err("no value supplied for url".to_string()),
                }
            }
        }

        impl CheckoutView {
            pub fn id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.id = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for id: {e}"));
                self
            }
            pub fn url<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.url = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for url: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<CheckoutView> for super::CheckoutView {
            type Error = super::error::ConversionError;
            fn try_from(
                value: CheckoutView,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    id: value.id?,
                    url: value.url?,
                })
            }
        }

        impl ::std::convert::From<super::CheckoutView> for CheckoutView {
            fn from(value: super::CheckoutView) -> Self {
                Self {
                    id: Ok(value.id),
                    url: Ok(value.url),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct CredentialList {
            credentials: ::std::result::Result<
                ::std::vec::Vec<super::CredentialView>,
                ::std::string::String,
            >,
        }

        impl ::std::default::Default for CredentialList {
            fn default() -> Self {
                Self {
                    credentials: Err("no value supplied for credentials".to_string()),
                }
            }
        }

        impl CredentialList {
            pub fn credentials<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::CredentialView>>,
                T::Error: ::std::fmt::Display,
            {
                self.credentials = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for credentials: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<CredentialList> for super::CredentialList {
            type Error = super::error::ConversionError;
            fn try_from(
                value: CredentialList,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    credentials: value.credentials?,
                })
            }
        }

        impl ::std::convert::From<super::CredentialList> for CredentialList {
            fn from(value: super::CredentialList) -> Self {
                Self {
                    credentials: Ok(value.credentials),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct CredentialPut {
            base_url: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            scopes_note: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            secret: ::std::result::Result<::std::string::String, ::std::string::String>,
            username: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
        }

        impl ::std::default::Default for CredentialPut {
            fn default() -> Self {
                Self {
                    base_url: Ok(Default::default()),
                    scopes_note: Ok(Default::default()),
                    secret: Err("no value supplied for secret".to_string()),
                    username: Ok(Default::default()),
                }
            }
        }

        impl CredentialPut {
            pub fn base_url<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.base_url = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for base_url: {e}"));
                self
            }
            pub fn scopes_note<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.scopes_note = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for scopes_note: {e}"));
                self
            }
            pub fn secret<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.secret = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for secret: {e}"));
                self
            }
            pub fn username<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.username = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for username: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<CredentialPut> for super::CredentialPut {
            type Error = super::error::ConversionError;
            fn try_from(
                value: CredentialPut,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    base_url: value.base_url?,
                    scopes_note: value.scopes_note?,
                    secret: value.secret?,
                    username: value.username?,
                })
            }
        }

        impl ::std::convert::From<super::CredentialPut> for CredentialPut {
            fn from(value: super::CredentialPut) -> Self {
                Self {
                    base_url: Ok(value.base_url),
                    scopes_note: Ok(value.scopes_note),
                    secret: Ok(value.secret),
                    username: Ok(value.username),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct CredentialView {
            base_url: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            created_at: ::std::result::Result<
                ::chrono::DateTime<::chrono::offset::Utc>,
                ::std::string::String,
            >,
            fingerprint: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            provider: ::std::result::Result<super::CredentialProvider, ::std::string::String>,
            rotated_at: ::std::result::Result<
                ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                ::std::string::String,
            >,
            scopes_note: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            username: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
        }

        impl ::std::default::Default for CredentialView {
            fn default() -> Self {
                Self {
                    base_url: Ok(Default::default()),
                    created_at: Err("no value supplied for created_at".to_string()),
                    fingerprint: Ok(Default::default()),
                    provider: Err("no value supplied for provider".to_string()),
                    rotated_at: Ok(Default::default()),
                    scopes_note: Ok(Default::default()),
                    username: Ok(Default::default()),
                }
            }
        }

        impl CredentialView {
            pub fn base_url<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.base_url = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for base_url: {e}"));
                self
            }
            pub fn created_at<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::chrono::DateTime<::chrono::offset::Utc>>,
                T::Error: ::std::fmt::Display,
            {
                self.created_at = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for created_at: {e}"));
                self
            }
            pub fn fingerprint<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.fingerprint = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for fingerprint: {e}"));
                self
            }
            pub fn provider<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::CredentialProvider>,
                T::Error: ::std::fmt::Display,
            {
                self.provider = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for provider: {e}"));
                self
            }
            pub fn rotated_at<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                        ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                    >,
                T::Error: ::std::fmt::Display,
            {
                self.rotated_at = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for rotated_at: {e}"));
                self
            }
            pub fn scopes_note<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.scopes_note = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for scopes_note: {e}"));
                self
            }
            pub fn username<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.username = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for username: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<CredentialView> for super::CredentialView {
            type Error = super::error::ConversionError;
            fn try_from(
                value: CredentialView,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    base_url: value.base_url?,
                    created_at: value.created_at?,
                    fingerprint: value.fingerprint?,
                    provider: value.provider?,
                    rotated_at: value.rotated_at?,
                    scopes_note: value.scopes_note?,
                    username: value.username?,
                })
            }
        }

        impl ::std::convert::From<super::CredentialView> for CredentialView {
            fn from(value: super::CredentialView) -> Self {
                Self {
                    base_url: Ok(value.base_url),
                    created_at: Ok(value.created_at),
                    fingerprint: Ok(value.fingerprint),
                    provider: Ok(value.provider),
                    rotated_at: Ok(value.rotated_at),
                    scopes_note: Ok(value.scopes_note),
                    username: Ok(value.username),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct ErrorBody {
            code: ::std::result::Result<::std::string::String, ::std::string::String>,
            message: ::std::result::Result<::std::string::String, ::std::string::String>,
        }

        impl ::std::default::Default for ErrorBody {
            fn default() -> Self {
                Self {
                    code: Err("no value supplied for code".to_string()),
                    message: Err("no value supplied for message".to_string()),
                }
            }
        }

        impl ErrorBody {
            pub fn code<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.code = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for code: {e}"));
                self
            }
            pub fn message<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.message = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for message: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<ErrorBody> for super::ErrorBody {
            type Error = super::error::ConversionError;
            fn try_from(
                value: ErrorBody,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    code: value.code?,
                    message: value.message?,
                })
            }
        }

        impl ::std::convert::From<super::ErrorBody> for ErrorBody {
            fn from(value: super::ErrorBody) -> Self {
                Self {
                    code: Ok(value.code),
                    message: Ok(value.message),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct GithubWebhookResult {
            reason: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            status: ::std::result::Result<::std::string::String, ::std::string::String>,
            task_id:
                ::std::result::Result<::std::option::Option<::uuid::Uuid>, ::std::string::String>,
        }

        impl ::std::default::Default for GithubWebhookResult {
            fn default() -> Self {
                Self {
                    reason: Ok(Default::default()),
                    status: Err("no value supplied for status".to_string()),
                    task_id: Ok(Default::default()),
                }
            }
        }

        impl GithubWebhookResult {
            pub fn reason<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.reason = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for reason: {e}"));
                self
            }
            pub fn status<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.status = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for status: {e}"));
                self
            }
            pub fn task_id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::uuid::Uuid>>,
                T::Error: ::std::fmt::Display,
            {
                self.task_id = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for task_id: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<GithubWebhookResult> for super::GithubWebhookResult {
            type Error = super::error::ConversionError;
            fn try_from(
                value: GithubWebhookResult,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    reason: value.reason?,
                    status: value.status?,
                    task_id: value.task_id?,
                })
            }
        }

        impl ::std::convert::From<super::GithubWebhookResult> for GithubWebhookResult {
            fn from(value: super::GithubWebhookResult) -> Self {
                Self {
                    reason: Ok(value.reason),
                    status: Ok(value.status),
                    task_id: Ok(value.task_id),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct HitSource {
            blob_id: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            end_line: ::std::result::Result<::std::option::Option<u32>, ::std::string::String>,
            kind: ::std::result::Result<super::SourceKind, ::std::string::String>,
            metadata: ::std::result::Result<
                ::std::collections::HashMap<::std::string::String, ::std::string::String>,
                ::std::string::String,
            >,
            path: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            repo_id:
                ::std::result::Result<::std::option::Option<::uuid::Uuid>, ::std::string::String>,
            start_line: ::std::result::Result<::std::option::Option<u32>, ::std::string::String>,
            task_id:
                ::std::result::Result<::std::option::Option<::uuid::Uuid>, ::std::string::String>,
        }

        impl ::std::default::Default for HitSource {
            fn default() -> Self {
                Self {
                    blob_id: Ok(Default::default()),
                    end_line: Ok(Default::default()),
                    kind: Err("no value supplied for kind".to_string()),
                    metadata: Ok(Default::default()),
                    path: Ok(Default::default()),
                    repo_id: Ok(Default::default()),
                    start_line: Ok(Default::default()),
                    task_id: Ok(Default::default()),
                }
            }
        }

        impl HitSource {
            pub fn blob_id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.blob_id = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for blob_id: {e}"));
                self
            }
            pub fn end_line<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u32>>,
                T::Error: ::std::fmt::Display,
            {
                self.end_line = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for end_line: {e}"));
                self
            }
            pub fn kind<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::SourceKind>,
                T::Error: ::std::fmt::Display,
            {
                self.kind = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for kind: {e}"));
                self
            }
            pub fn metadata<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                        ::std::collections::HashMap<::std::string::String, ::std::string::String>,
                    >,
                T::Error: ::std::fmt::Display,
            {
                self.metadata = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for metadata: {e}"));
                self
            }
            pub fn path<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.path = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for path: {e}"));
                self
            }
            pub fn repo_id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::uuid::Uuid>>,
                T::Error: ::std::fmt::Display,
            {
                self.repo_id = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for repo_id: {e}"));
                self
            }
            pub fn start_line<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u32>>,
                T::Error: ::std::fmt::Display,
            {
                self.start_line = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for start_line: {e}"));
                self
            }
            pub fn task_id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::uuid::Uuid>>,
                T::Error: ::std::fmt::Display,
            {
                self.task_id = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for task_id: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<HitSource> for super::HitSource {
            type Error = super::error::ConversionError;
            fn try_from(
                value: HitSource,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    blob_id: value.blob_id?,
                    end_line: value.end_line?,
                    kind: value.kind?,
                    metadata: value.metadata?,
                    path: value.path?,
                    repo_id: value.repo_id?,
                    start_line: value.start_line?,
                    task_id: value.task_id?,
                })
            }
        }

        impl ::std::convert::From<super::HitSource> for HitSource {
            fn from(value: super::HitSource) -> Self {
                Self {
                    blob_id: Ok(value.blob_id),
                    end_line: Ok(value.end_line),
                    kind: Ok(value.kind),
                    metadata: Ok(value.metadata),
                    path: Ok(value.path),
                    repo_id: Ok(value.repo_id),
                    start_line: Ok(value.start_line),
                    task_id: Ok(value.task_id),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct IyzicoCustomerBody {
            customer_reference_code:
                ::std::result::Result<::std::string::String, ::std::string::String>,
            plan: ::std::result::Result<::std::string::String, ::std::string::String>,
        }

        impl ::std::default::Default for IyzicoCustomerBody {
            fn default() -> Self {
                Self {
                    customer_reference_code: Err(
                        "no value supplied for customer_reference_code".to_string()
                    ),
                    plan: Err("no value supplied for plan".to_string()),
                }
            }
        }

        impl IyzicoCustomerBody {
            pub fn customer_reference_code<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.customer_reference_code = value.try_into().map_err(|e| {
                    format!("error converting supplied value for customer_reference_code: {e}")
                });
                self
            }
            pub fn plan<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.plan = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for plan: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<IyzicoCustomerBody> for super::IyzicoCustomerBody {
            type Error = super::error::ConversionError;
            fn try_from(
                value: IyzicoCustomerBody,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    customer_reference_code: value.customer_reference_code?,
                    plan: value.plan?,
                })
            }
        }

        impl ::std::convert::From<super::IyzicoCustomerBody> for IyzicoCustomerBody {
            fn from(value: super::IyzicoCustomerBody) -> Self {
                Self {
                    customer_reference_code: Ok(value.customer_reference_code),
                    plan: Ok(value.plan),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct LoginRequest {
            email: ::std::result::Result<::std::string::String, ::std::string::String>,
            password: ::std::result::Result<::std::string::String, ::std::string::String>,
        }

        impl ::std::default::Default for LoginRequest {
            fn default() -> Self {
                Self {
                    email: Err("no value supplied for email".to_string()),
                    password: Err("no value supplied for password".to_string()),
                }
            }
        }

        impl LoginRequest {
            pub fn email<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.email = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for email: {e}"));
                self
            }
            pub fn password<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.password = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for password: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<LoginRequest> for super::LoginRequest {
            type Error = super::error::ConversionError;
            fn try_from(
                value: LoginRequest,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    email: value.email?,
                    password: value.password?,
                })
            }
        }

        impl ::std::convert::From<super::LoginRequest> for LoginRequest {
            fn from(value: super::LoginRequest) -> Self {
                Self {
                    email: Ok(value.email),
                    password: Ok(value.password),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct LoginResponse {
            expires_at: ::std::result::Result<
                ::chrono::DateTime<::chrono::offset::Utc>,
                ::std::string::String,
            >,
            token: ::std::result::Result<::std::string::String, ::std::string::String>,
        }

        impl ::std::default::Default for LoginResponse {
            fn default() -> Self {
                Self {
                    expires_at: Err("no value supplied for expires_at".to_string()),
                    token: Err("no value supplied for token".to_string()),
                }
            }
        }

        impl LoginResponse {
            pub fn expires_at<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::chrono::DateTime<::chrono::offset::Utc>>,
                T::Error: ::std::fmt::Display,
            {
                self.expires_at = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for expires_at: {e}"));
                self
            }
            pub fn token<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.token = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for token: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<LoginResponse> for super::LoginResponse {
            type Error = super::error::ConversionError;
            fn try_from(
                value: LoginResponse,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    expires_at: value.expires_at?,
                    token: value.token?,
                })
            }
        }

        impl ::std::convert::From<super::LoginResponse> for LoginResponse {
            fn from(value: super::LoginResponse) -> Self {
                Self {
                    expires_at: Ok(value.expires_at),
                    token: Ok(value.token),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct NoteCreate {
            metadata: ::std::result::Result<
                ::std::option::Option<
                    ::std::collections::HashMap<::std::string::String, ::std::string::String>,
                >,
                ::std::string::String,
            >,
            text: ::std::result::Result<::std::string::String, ::std::string::String>,
        }

        impl ::std::default::Default for NoteCreate {
            fn default() -> Self {
                Self {
                    metadata: Ok(Default::default()),
                    text: Err("no value supplied for text".to_string()),
                }
            }
        }

        impl NoteCreate {
            pub fn metadata<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<
                        ::std::option::Option<
                            ::std::collections::HashMap<
                                ::std::string::String,
                                ::std::string::String,
                            >,
                        >,
                    >,
                T::Error: ::std::fmt::Display,
            {
                self.metadata = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for metadata: {e}"));
                self
            }
            pub fn text<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.text = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for text: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<NoteCreate> for super::NoteCreate {
            type Error = super::error::ConversionError;
            fn try_from(
                value: NoteCreate,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    metadata: value.metadata?,
                    text: value.text?,
                })
            }
        }

        impl ::std::convert::From<super::NoteCreate> for NoteCreate {
            fn from(value: super::NoteCreate) -> Self {
                Self {
                    metadata: Ok(value.metadata),
                    text: Ok(value.text),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct NoteStored {
            id: ::std::result::Result<::uuid::Uuid, ::std::string::String>,
            source: ::std::result::Result<super::HitSource, ::std::string::String>,
        }

        impl ::std::default::Default for NoteStored {
            fn default() -> Self {
                Self {
                    id: Err("no value supplied for id".to_string()),
                    source: Err("no value supplied for source".to_string()),
                }
            }
        }

        impl NoteStored {
            pub fn id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::uuid::Uuid>,
                T::Error: ::std::fmt::Display,
            {
                self.id = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for id: {e}"));
                self
            }
            pub fn source<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::HitSource>,
                T::Error: ::std::fmt::Display,
            {
                self.source = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for source: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<NoteStored> for super::NoteStored {
            type Error = super::error::ConversionError;
            fn try_from(
                value: NoteStored,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    id: value.id?,
                    source: value.source?,
                })
            }
        }

        impl ::std::convert::From<super::NoteStored> for NoteStored {
            fn from(value: super::NoteStored) -> Self {
                Self {
                    id: Ok(value.id),
                    source: Ok(value.source),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct OrgView {
            created_at: ::std::result::Result<
                ::chrono::DateTime<::chrono::offset::Utc>,
                ::std::string::String,
            >,
            id: ::std::result::Result<::uuid::Uuid, ::std::string::String>,
            monthly_tokens:
                ::std::result::Result<::std::option::Option<u64>, ::std::string::String>,
            name: ::std::result::Result<::std::string::String, ::std::string::String>,
            past_due: ::std::result::Result<bool, ::std::string::String>,
            plan: ::std::result::Result<::std::string::String, ::std::string::String>,
            tasks_per_month:
                ::std::result::Result<::std::option::Option<u64>, ::std::string::String>,
        }

        impl ::std::default::Default for OrgView {
            fn default() -> Self {
                Self {
                    created_at: Err("no value supplied for created_at".to_string()),
                    id: Err("no value supplied for id".to_string()),
                    monthly_tokens: Ok(Default::default()),
                    name: Err("no value supplied for name".to_string()),
                    past_due: Err("no value supplied for past_due".to_string()),
                    plan: Err("no value supplied for plan".to_string()),
                    tasks_per_month: Ok(Default::default()),
                }
            }
        }

        impl OrgView {
            pub fn created_at<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::chrono::DateTime<::chrono::offset::Utc>>,
                T::Error: ::std::fmt::Display,
            {
                self.created_at = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for created_at: {e}"));
                self
            }
            pub fn id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::uuid::Uuid>,
                T::Error: ::std::fmt::Display,
            {
                self.id = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for id: {e}"));
                self
            }
            pub fn monthly_tokens<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display,
            {
                self.monthly_tokens = value.try_into().map_err(|e| {
                    format!("error converting supplied value for monthly_tokens: {e}")
                });
                self
            }
            pub fn name<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.name = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for name: {e}"));
                self
            }
            pub fn past_due<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display,
            {
                self.past_due = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for past_due: {e}"));
                self
            }
            pub fn plan<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.plan = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for plan: {e}"));
                self
            }
            pub fn tasks_per_month<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display,
            {
                self.tasks_per_month = value.try_into().map_err(|e| {
                    format!("error converting supplied value for tasks_per_month: {e}")
                });
                self
            }
        }

        impl ::std::convert::TryFrom<OrgView> for super::OrgView {
            type Error = super::error::ConversionError;
            fn try_from(
                value: OrgView,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    created_at: value.created_at?,
                    id: value.id?,
                    monthly_tokens: value.monthly_tokens?,
                    name: value.name?,
                    past_due: value.past_due?,
                    plan: value.plan?,
                    tasks_per_month: value.tasks_per_month?,
                })
            }
        }

        impl ::std::convert::From<super::OrgView> for OrgView {
            fn from(value: super::OrgView) -> Self {
                Self {
                    created_at: Ok(value.created_at),
                    id: Ok(value.id),
                    monthly_tokens: Ok(value.monthly_tokens),
                    name: Ok(value.name),
                    past_due: Ok(value.past_due),
                    plan: Ok(value.plan),
                    tasks_per_month: Ok(value.tasks_per_month),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct PlanChangeBody {
            monthly_tokens:
                ::std::result::Result<::std::option::Option<u64>, ::std::string::String>,
            plan: ::std::result::Result<::std::string::String, ::std::string::String>,
            tasks_per_month:
                ::std::result::Result<::std::option::Option<u64>, ::std::string::String>,
        }

        impl ::std::default::Default for PlanChangeBody {
            fn default() -> Self {
                Self {
                    monthly_tokens: Ok(Default::default()),
                    plan: Err("no value supplied for plan".to_string()),
                    tasks_per_month: Ok(Default::default()),
                }
            }
        }

        impl PlanChangeBody {
            pub fn monthly_tokens<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display,
            {
                self.monthly_tokens = value.try_into().map_err(|e| {
                    format!("error converting supplied value for monthly_tokens: {e}")
                });
                self
            }
            pub fn plan<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.plan = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for plan: {e}"));
                self
            }
            pub fn tasks_per_month<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display,
            {
                self.tasks_per_month = value.try_into().map_err(|e| {
                    format!("error converting supplied value for tasks_per_month: {e}")
                });
                self
            }
        }

        impl ::std::convert::TryFrom<PlanChangeBody> for super::PlanChangeBody {
            type Error = super::error::ConversionError;
            fn try_from(
                value: PlanChangeBody,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    monthly_tokens: value.monthly_tokens?,
                    plan: value.plan?,
                    tasks_per_month: value.tasks_per_month?,
                })
            }
        }

        impl ::std::convert::From<super::PlanChangeBody> for PlanChangeBody {
            fn from(value: super::PlanChangeBody) -> Self {
                Self {
                    monthly_tokens: Ok(value.monthly_tokens),
                    plan: Ok(value.plan),
                    tasks_per_month: Ok(value.tasks_per_month),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct Registered {
            status: ::std::result::Result<::std::string::String, ::std::string::String>,
        }

        impl ::std::default::Default for Registered {
            fn default() -> Self {
                Self {
                    status: Err("no value supplied for status".to_string()),
                }
            }
        }

        impl Registered {
            pub fn status<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.status = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for status: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<Registered> for super::Registered {
            type Error = super::error::ConversionError;
            fn try_from(
                value: Registered,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    status: value.status?,
                })
            }
        }

        impl ::std::convert::From<super::Registered> for Registered {
            fn from(value: super::Registered) -> Self {
                Self {
                    status: Ok(value.status),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct RepoCreate {
            default_branch: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            provider: ::std::result::Result<super::ProviderName, ::std::string::String>,
            pull_requests: ::std::result::Result<
                ::std::option::Option<super::PullRequestsName>,
                ::std::string::String,
            >,
            url: ::std::result::Result<::std::string::String, ::std::string::String>,
        }

        impl ::std::default::Default for RepoCreate {
            fn default() -> Self {
                Self {
                    default_branch: Ok(Default::default()),
                    provider: Err("no value supplied for provider".to_string()),
                    pull_requests: Ok(Default::default()),
                    url: Err("no value supplied for url".to_string()),
                }
            }
        }

        impl RepoCreate {
            pub fn default_branch<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.default_branch = value.try_into().map_err(|e| {
                    format!("error converting supplied value for default_branch: {e}")
                });
                self
            }
            pub fn provider<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::ProviderName>,
                T::Error: ::std::fmt::Display,
            {
                self.provider = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for provider: {e}"));
                self
            }
            pub fn pull_requests<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<super::PullRequestsName>>,
                T::Error: ::std::fmt::Display,
            {
                self.pull_requests = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for pull_requests: {e}"));
                self
            }
            pub fn url<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.url = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for url: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<RepoCreate> for super::RepoCreate {
            type Error = super::error::ConversionError;
            fn try_from(
                value: RepoCreate,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    default_branch: value.default_branch?,
                    provider: value.provider?,
                    pull_requests: value.pull_requests?,
                    url: value.url?,
                })
            }
        }

        impl ::std::convert::From<super::RepoCreate> for RepoCreate {
            fn from(value: super::RepoCreate) -> Self {
                Self {
                    default_branch: Ok(value.default_branch),
                    provider: Ok(value.provider),
                    pull_requests: Ok(value.pull_requests),
                    url: Ok(value.url),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct RepoList {
            repos: ::std::result::Result<::std::vec::Vec<super::RepoView>, ::std::string::String>,
        }

        impl ::std::default::Default for RepoList {
            fn default() -> Self {
                Self {
                    repos: Err("no value supplied for repos".to_string()),
                }
            }
        }

        impl RepoList {
            pub fn repos<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::RepoView>>,
                T::Error: ::std::fmt::Display,
            {
                self.repos = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for repos: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<RepoList> for super::RepoList {
            type Error = super::error::ConversionError;
            fn try_from(
                value: RepoList,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    repos: value.repos?,
                })
            }
        }

        impl ::std::convert::From<super::RepoList> for RepoList {
            fn from(value: super::RepoList) -> Self {
                Self {
                    repos: Ok(value.repos),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct RepoView {
            created_at: ::std::result::Result<
                ::chrono::DateTime<::chrono::offset::Utc>,
                ::std::string::String,
            >,
            default_branch: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            id: ::std::result::Result<::uuid::Uuid, ::std::string::String>,
            provider: ::std::result::Result<super::ProviderName, ::std::string::String>,
            pull_requests: ::std::result::Result<super::PullRequestsName, ::std::string::String>,
            url: ::std::result::Result<::std::string::String, ::std::string::String>,
        }

        impl ::std::default::Default for RepoView {
            fn default() -> Self {
                Self {
                    created_at: Err("no value supplied for created_at".to_string()),
                    default_branch: Ok(Default::default()),
                    id: Err("no value supplied for id".to_string()),
                    provider: Err("no value supplied for provider".to_string()),
                    pull_requests: Err("no value supplied for pull_requests".to_string()),
                    url: Err("no value supplied for url".to_string()),
                }
            }
        }

        impl RepoView {
            pub fn created_at<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::chrono::DateTime<::chrono::offset::Utc>>,
                T::Error: ::std::fmt::Display,
            {
                self.created_at = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for created_at: {e}"));
                self
            }
            pub fn default_branch<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.default_branch = value.try_into().map_err(|e| {
                    format!("error converting supplied value for default_branch: {e}")
                });
                self
            }
            pub fn id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::uuid::Uuid>,
                T::Error: ::std::fmt::Display,
            {
                self.id = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for id: {e}"));
                self
            }
            pub fn provider<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::ProviderName>,
                T::Error: ::std::fmt::Display,
            {
                self.provider = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for provider: {e}"));
                self
            }
            pub fn pull_requests<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::PullRequestsName>,
                T::Error: ::std::fmt::Display,
            {
                self.pull_requests = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for pull_requests: {e}"));
                self
            }
            pub fn url<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.url = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for url: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<RepoView> for super::RepoView {
            type Error = super::error::ConversionError;
            fn try_from(
                value: RepoView,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    created_at: value.created_at?,
                    default_branch: value.default_branch?,
                    id: value.id?,
                    provider: value.provider?,
                    pull_requests: value.pull_requests?,
                    url: value.url?,
                })
            }
        }

        impl ::std::convert::From<super::RepoView> for RepoView {
            fn from(value: super::RepoView) -> Self {
                Self {
                    created_at: Ok(value.created_at),
                    default_branch: Ok(value.default_branch),
                    id: Ok(value.id),
                    provider: Ok(value.provider),
                    pull_requests: Ok(value.pull_requests),
                    url: Ok(value.url),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct SearchHit {
            id: ::std::result::Result<::uuid::Uuid, ::std::string::String>,
            score: ::std::result::Result<f32, ::std::string::String>,
            source: ::std::result::Result<super::HitSource, ::std::string::String>,
            text: ::std::result::Result<::std::string::String, ::std::string::String>,
        }

        impl ::std::default::Default for SearchHit {
            fn default() -> Self {
                Self {
                    id: Err("no value supplied for id".to_string()),
                    score: Err("no value supplied for score".to_string()),
                    source: Err("no value supplied for source".to_string()),
                    text: Err("no value supplied for text".to_string()),
                }
            }
        }

        impl SearchHit {
            pub fn id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::uuid::Uuid>,
                T::Error: ::std::fmt::Display,
            {
                self.id = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for id: {e}"));
                self
            }
            pub fn score<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<f32>,
                T::Error: ::std::fmt::Display,
            {
                self.score = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for score: {e}"));
                self
            }
            pub fn source<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::HitSource>,
                T::Error: ::std::fmt::Display,
            {
                self.source = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for source: {e}"));
                self
            }
            pub fn text<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.text = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for text: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<SearchHit> for super::SearchHit {
            type Error = super::error::ConversionError;
            fn try_from(
                value: SearchHit,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    id: value.id?,
                    score: value.score?,
                    source: value.source?,
                    text: value.text?,
                })
            }
        }

        impl ::std::convert::From<super::SearchHit> for SearchHit {
            fn from(value: super::SearchHit) -> Self {
                Self {
                    id: Ok(value.id),
                    score: Ok(value.score),
                    source: Ok(value.source),
                    text: Ok(value.text),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct SearchRequest {
            limit: ::std::result::Result<::std::option::Option<u32>, ::std::string::String>,
            query: ::std::result::Result<::std::string::String, ::std::string::String>,
            repo_id: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
        }

        impl ::std::default::Default for SearchRequest {
            fn default() -> Self {
                Self {
                    limit: Ok(Default::default()),
                    query: Err("no value supplied for query".to_string()),
                    repo_id: Ok(Default::default()),
                }
            }
        }

        impl SearchRequest {
            pub fn limit<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u32>>,
                T::Error: ::std::fmt::Display,
            {
                self.limit = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for limit: {e}"));
                self
            }
            pub fn query<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.query = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for query: {e}"));
                self
            }
            pub fn repo_id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.repo_id = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for repo_id: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<SearchRequest> for super::SearchRequest {
            type Error = super::error::ConversionError;
            fn try_from(
                value: SearchRequest,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    limit: value.limit?,
                    query: value.query?,
                    repo_id: value.repo_id?,
                })
            }
        }

        impl ::std::convert::From<super::SearchRequest> for SearchRequest {
            fn from(value: super::SearchRequest) -> Self {
                Self {
                    limit: Ok(value.limit),
                    query: Ok(value.query),
                    repo_id: Ok(value.repo_id),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct SearchResults {
            hits: ::std::result::Result<::std::vec::Vec<super::SearchHit>, ::std::string::String>,
        }

        impl ::std::default::Default for SearchResults {
            fn default() -> Self {
                Self {
                    hits: Err("no value supplied for hits".to_string()),
                }
            }
        }

        impl SearchResults {
            pub fn hits<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::SearchHit>>,
                T::Error: ::std::fmt::Display,
            {
                self.hits = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for hits: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<SearchResults> for super::SearchResults {
            type Error = super::error::ConversionError;
            fn try_from(
                value: SearchResults,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self { hits: value.hits? })
            }
        }

        impl ::std::convert::From<super::SearchResults> for SearchResults {
            fn from(value: super::SearchResults) -> Self {
                Self {
                    hits: Ok(value.hits),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct SignupRequest {
            email: ::std::result::Result<::std::string::String, ::std::string::String>,
            org_name: ::std::result::Result<::std::string::String, ::std::string::String>,
            password: ::std::result::Result<::std::string::String, ::std::string::String>,
        }

        impl ::std::default::Default for SignupRequest {
            fn default() -> Self {
                Self {
                    email: Err("no value supplied for email".to_string()),
                    org_name: Err("no value supplied for org_name".to_string()),
                    password: Err("no value supplied for password".to_string()),
                }
            }
        }

        impl SignupRequest {
            pub fn email<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.email = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for email: {e}"));
                self
            }
            pub fn org_name<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.org_name = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for org_name: {e}"));
                self
            }
            pub fn password<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.password = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for password: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<SignupRequest> for super::SignupRequest {
            type Error = super::error::ConversionError;
            fn try_from(
                value: SignupRequest,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    email: value.email?,
                    org_name: value.org_name?,
                    password: value.password?,
                })
            }
        }

        impl ::std::convert::From<super::SignupRequest> for SignupRequest {
            fn from(value: super::SignupRequest) -> Self {
                Self {
                    email: Ok(value.email),
                    org_name: Ok(value.org_name),
                    password: Ok(value.password),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct SignupResponse {
            expires_at: ::std::result::Result<
                ::chrono::DateTime<::chrono::offset::Utc>,
                ::std::string::String,
            >,
            org_id: ::std::result::Result<::uuid::Uuid, ::std::string::String>,
            token: ::std::result::Result<::std::string::String, ::std::string::String>,
            user_id: ::std::result::Result<::uuid::Uuid, ::std::string::String>,
        }

        impl ::std::default::Default for SignupResponse {
            fn default() -> Self {
                Self {
                    expires_at: Err("no value supplied for expires_at".to_string()),
                    org_id: Err("no value supplied for org_id".to_string()),
                    token: Err("no value supplied for token".to_string()),
                    user_id: Err("no value supplied for user_id".to_string()),
                }
            }
        }

        impl SignupResponse {
            pub fn expires_at<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::chrono::DateTime<::chrono::offset::Utc>>,
                T::Error: ::std::fmt::Display,
            {
                self.expires_at = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for expires_at: {e}"));
                self
            }
            pub fn org_id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::uuid::Uuid>,
                T::Error: ::std::fmt::Display,
            {
                self.org_id = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for org_id: {e}"));
                self
            }
            pub fn token<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.token = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for token: {e}"));
                self
            }
            pub fn user_id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::uuid::Uuid>,
                T::Error: ::std::fmt::Display,
            {
                self.user_id = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for user_id: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<SignupResponse> for super::SignupResponse {
            type Error = super::error::ConversionError;
            fn try_from(
                value: SignupResponse,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    expires_at: value.expires_at?,
                    org_id: value.org_id?,
                    token: value.token?,
                    user_id: value.user_id?,
                })
            }
        }

        impl ::std::convert::From<super::SignupResponse> for SignupResponse {
            fn from(value: super::SignupResponse) -> Self {
                Self {
                    expires_at: Ok(value.expires_at),
                    org_id: Ok(value.org_id),
                    token: Ok(value.token),
                    user_id: Ok(value.user_id),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct SprintUsage {
            cost_micros: ::std::result::Result<u64, ::std::string::String>,
            sprint: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            tokens: ::std::result::Result<super::Tokens, ::std::string::String>,
        }

        impl ::std::default::Default for SprintUsage {
            fn default() -> Self {
                Self {
                    cost_micros: Err("no value supplied for cost_micros".to_string()),
                    sprint: Ok(Default::default()),
                    tokens: Err("no value supplied for tokens".to_string()),
                }
            }
        }

        impl SprintUsage {
            pub fn cost_micros<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u64>,
                T::Error: ::std::fmt::Display,
            {
                self.cost_micros = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for cost_micros: {e}"));
                self
            }
            pub fn sprint<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.sprint = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for sprint: {e}"));
                self
            }
            pub fn tokens<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::Tokens>,
                T::Error: ::std::fmt::Display,
            {
                self.tokens = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for tokens: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<SprintUsage> for super::SprintUsage {
            type Error = super::error::ConversionError;
            fn try_from(
                value: SprintUsage,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    cost_micros: value.cost_micros?,
                    sprint: value.sprint?,
                    tokens: value.tokens?,
                })
            }
        }

        impl ::std::convert::From<super::SprintUsage> for SprintUsage {
            fn from(value: super::SprintUsage) -> Self {
                Self {
                    cost_micros: Ok(value.cost_micros),
                    sprint: Ok(value.sprint),
                    tokens: Ok(value.tokens),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct TaskAccepted {
            status: ::std::result::Result<::std::string::String, ::std::string::String>,
            task_id: ::std::result::Result<::uuid::Uuid, ::std::string::String>,
        }

        impl ::std::default::Default for TaskAccepted {
            fn default() -> Self {
                Self {
                    status: Err("no value supplied for status".to_string()),
                    task_id: Err("no value supplied for task_id".to_string()),
                }
            }
        }

        impl TaskAccepted {
            pub fn status<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.status = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for status: {e}"));
                self
            }
            pub fn task_id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::uuid::Uuid>,
                T::Error: ::std::fmt::Display,
            {
                self.task_id = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for task_id: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<TaskAccepted> for super::TaskAccepted {
            type Error = super::error::ConversionError;
            fn try_from(
                value: TaskAccepted,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    status: value.status?,
                    task_id: value.task_id?,
                })
            }
        }

        impl ::std::convert::From<super::TaskAccepted> for TaskAccepted {
            fn from(value: super::TaskAccepted) -> Self {
                Self {
                    status: Ok(value.status),
                    task_id: Ok(value.task_id),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct TaskCreate {
            instruction: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            jira_issue: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            max_tokens: ::std::result::Result<::std::option::Option<u64>, ::std::string::String>,
            repo_id: ::std::result::Result<::std::string::String, ::std::string::String>,
            sprint: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
        }

        impl ::std::default::Default for TaskCreate {
            fn default() -> Self {
                Self {
                    instruction: Ok(Default::default()),
                    jira_issue: Ok(Default::default()),
                    max_tokens: Ok(Default::default()),
                    repo_id: Err("no value supplied for repo_id".to_string()),
                    sprint: Ok(Default::default()),
                }
            }
        }

        impl TaskCreate {
            pub fn instruction<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.instruction = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for instruction: {e}"));
                self
            }
            pub fn jira_issue<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.jira_issue = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for jira_issue: {e}"));
                self
            }
            pub fn max_tokens<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display,
            {
                self.max_tokens = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for max_tokens: {e}"));
                self
            }
            pub fn repo_id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.repo_id = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for repo_id: {e}"));
                self
            }
            pub fn sprint<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.sprint = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for sprint: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<TaskCreate> for super::TaskCreate {
            type Error = super::error::ConversionError;
            fn try_from(
                value: TaskCreate,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    instruction: value.instruction?,
                    jira_issue: value.jira_issue?,
                    max_tokens: value.max_tokens?,
                    repo_id: value.repo_id?,
                    sprint: value.sprint?,
                })
            }
        }

        impl ::std::convert::From<super::TaskCreate> for TaskCreate {
            fn from(value: super::TaskCreate) -> Self {
                Self {
                    instruction: Ok(value.instruction),
                    jira_issue: Ok(value.jira_issue),
                    max_tokens: Ok(value.max_tokens),
                    repo_id: Ok(value.repo_id),
                    sprint: Ok(value.sprint),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct TaskEventView {
            at: ::std::result::Result<
                ::chrono::DateTime<::chrono::offset::Utc>,
                ::std::string::String,
            >,
            data: ::std::result::Result<::serde_json::Value, ::std::string::String>,
            kind: ::std::result::Result<::std::string::String, ::std::string::String>,
            seq: ::std::result::Result<u64, ::std::string::String>,
        }

        impl ::std::default::Default for TaskEventView {
            fn default() -> Self {
                Self {
                    at: Err("no value supplied for at".to_string()),
                    data: Err("no value supplied for data".to_string()),
                    kind: Err("no value supplied for kind".to_string()),
                    seq: Err("no value supplied for seq".to_string()),
                }
            }
        }

        impl TaskEventView {
            pub fn at<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::chrono::DateTime<::chrono::offset::Utc>>,
                T::Error: ::std::fmt::Display,
            {
                self.at = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for at: {e}"));
                self
            }
            pub fn data<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::serde_json::Value>,
                T::Error: ::std::fmt::Display,
            {
                self.data = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for data: {e}"));
                self
            }
            pub fn kind<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.kind = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for kind: {e}"));
                self
            }
            pub fn seq<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u64>,
                T::Error: ::std::fmt::Display,
            {
                self.seq = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for seq: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<TaskEventView> for super::TaskEventView {
            type Error = super::error::ConversionError;
            fn try_from(
                value: TaskEventView,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    at: value.at?,
                    data: value.data?,
                    kind: value.kind?,
                    seq: value.seq?,
                })
            }
        }

        impl ::std::convert::From<super::TaskEventView> for TaskEventView {
            fn from(value: super::TaskEventView) -> Self {
                Self {
                    at: Ok(value.at),
                    data: Ok(value.data),
                    kind: Ok(value.kind),
                    seq: Ok(value.seq),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct TaskList {
            next_cursor: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            tasks: ::std::result::Result<::std::vec::Vec<super::TaskView>, ::std::string::String>,
        }

        impl ::std::default::Default for TaskList {
            fn default() -> Self {
                Self {
                    next_cursor: Ok(Default::default()),
                    tasks: Err("no value supplied for tasks".to_string()),
                }
            }
        }

        impl TaskList {
            pub fn next_cursor<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.next_cursor = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for next_cursor: {e}"));
                self
            }
            pub fn tasks<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::TaskView>>,
                T::Error: ::std::fmt::Display,
            {
                self.tasks = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for tasks: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<TaskList> for super::TaskList {
            type Error = super::error::ConversionError;
            fn try_from(
                value: TaskList,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    next_cursor: value.next_cursor?,
                    tasks: value.tasks?,
                })
            }
        }

        impl ::std::convert::From<super::TaskList> for TaskList {
            fn from(value: super::TaskList) -> Self {
                Self {
                    next_cursor: Ok(value.next_cursor),
                    tasks: Ok(value.tasks),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct TaskQuota {
            quota: ::std::result::Result<::std::option::Option<u64>, ::std::string::String>,
            used: ::std::result::Result<u64, ::std::string::String>,
        }

        impl ::std::default::Default for TaskQuota {
            fn default() -> Self {
                Self {
                    quota: Ok(Default::default()),
                    used: Err("no value supplied for used".to_string()),
                }
            }
        }

        impl TaskQuota {
            pub fn quota<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display,
            {
                self.quota = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for quota: {e}"));
                self
            }
            pub fn used<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u64>,
                T::Error: ::std::fmt::Display,
            {
                self.used = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for used: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<TaskQuota> for super::TaskQuota {
            type Error = super::error::ConversionError;
            fn try_from(
                value: TaskQuota,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    quota: value.quota?,
                    used: value.used?,
                })
            }
        }

        impl ::std::convert::From<super::TaskQuota> for TaskQuota {
            fn from(value: super::TaskQuota) -> Self {
                Self {
                    quota: Ok(value.quota),
                    used: Ok(value.used),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct TaskUsage {
            cost_micros: ::std::result::Result<u64, ::std::string::String>,
            sprint: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            task_id: ::std::result::Result<::uuid::Uuid, ::std::string::String>,
            tokens: ::std::result::Result<super::Tokens, ::std::string::String>,
        }

        impl ::std::default::Default for TaskUsage {
            fn default() -> Self {
                Self {
                    cost_micros: Err("no value supplied for cost_micros".to_string()),
                    sprint: Ok(Default::default()),
                    task_id: Err("no value supplied for task_id".to_string()),
                    tokens: Err("no value supplied for tokens".to_string()),
                }
            }
        }

        impl TaskUsage {
            pub fn cost_micros<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u64>,
                T::Error: ::std::fmt::Display,
            {
                self.cost_micros = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for cost_micros: {e}"));
                self
            }
            pub fn sprint<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.sprint = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for sprint: {e}"));
                self
            }
            pub fn task_id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::uuid::Uuid>,
                T::Error: ::std::fmt::Display,
            {
                self.task_id = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for task_id: {e}"));
                self
            }
            pub fn tokens<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::Tokens>,
                T::Error: ::std::fmt::Display,
            {
                self.tokens = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for tokens: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<TaskUsage> for super::TaskUsage {
            type Error = super::error::ConversionError;
            fn try_from(
                value: TaskUsage,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    cost_micros: value.cost_micros?,
                    sprint: value.sprint?,
                    task_id: value.task_id?,
                    tokens: value.tokens?,
                })
            }
        }

        impl ::std::convert::From<super::TaskUsage> for TaskUsage {
            fn from(value: super::TaskUsage) -> Self {
                Self {
                    cost_micros: Ok(value.cost_micros),
                    sprint: Ok(value.sprint),
                    task_id: Ok(value.task_id),
                    tokens: Ok(value.tokens),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct TaskView {
            attempts: ::std::result::Result<u32, ::std::string::String>,
            branch: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            changed_files: ::std::result::Result<
                ::std::vec::Vec<::std::string::String>,
                ::std::string::String,
            >,
            commit: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            cost_micros: ::std::result::Result<u64, ::std::string::String>,
            cost_usd: ::std::result::Result<f64, ::std::string::String>,
            created_at: ::std::result::Result<
                ::chrono::DateTime<::chrono::offset::Utc>,
                ::std::string::String,
            >,
            error: ::std::result::Result<
                ::std::option::Option<super::ErrorBody>,
                ::std::string::String,
            >,
            id: ::std::result::Result<::uuid::Uuid, ::std::string::String>,
            instruction: ::std::result::Result<::std::string::String, ::std::string::String>,
            jira_issue: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            llm_calls: ::std::result::Result<u32, ::std::string::String>,
            max_tokens: ::std::result::Result<::std::option::Option<u64>, ::std::string::String>,
            pull_request_url: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            quota_period: ::std::result::Result<::std::string::String, ::std::string::String>,
            quota_released: ::std::result::Result<bool, ::std::string::String>,
            repo_id: ::std::result::Result<::uuid::Uuid, ::std::string::String>,
            sprint: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            status: ::std::result::Result<::std::string::String, ::std::string::String>,
            summary: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            tokens: ::std::result::Result<super::Tokens, ::std::string::String>,
            updated_at: ::std::result::Result<
                ::chrono::DateTime<::chrono::offset::Utc>,
                ::std::string::String,
            >,
        }

        impl ::std::default::Default for TaskView {
            fn default() -> Self {
                Self {
                    attempts: Err("no value supplied for attempts".to_string()),
                    branch: Ok(Default::default()),
                    changed_files: Err("no value supplied for changed_files".to_string()),
                    commit: Ok(Default::default()),
                    cost_micros: Err("no value supplied for cost_micros".to_string()),
                    cost_usd: Err("no value supplied for cost_usd".to_string()),
                    created_at: Err("no value supplied for created_at".to_string()),
                    error: Ok(Default::default()),
                    id: Err("no value supplied for id".to_string()),
                    instruction: Err("no value supplied for instruction".to_string()),
                    jira_issue: Ok(Default::default()),
                    llm_calls: Err("no value supplied for llm_calls".to_string()),
                    max_tokens: Ok(Default::default()),
                    pull_request_url: Ok(Default::default()),
                    quota_period: Err("no value supplied for quota_period".to_string()),
                    quota_released: Err("no value supplied for quota_released".to_string()),
                    repo_id: Err("no value supplied for repo_id".to_string()),
                    sprint: Ok(Default::default()),
                    status: Err("no value supplied for status".to_string()),
                    summary: Ok(Default::default()),
                    tokens: Err("no value supplied for tokens".to_string()),
                    updated_at: Err("no value supplied for updated_at".to_string()),
                }
            }
        }

        impl TaskView {
            pub fn attempts<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u32>,
                T::Error: ::std::fmt::Display,
            {
                self.attempts = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for attempts: {e}"));
                self
            }
            pub fn branch<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.branch = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for branch: {e}"));
                self
            }
            pub fn changed_files<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.changed_files = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for changed_files: {e}"));
                self
            }
            pub fn commit<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.commit = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for commit: {e}"));
                self
            }
            pub fn cost_micros<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u64>,
                T::Error: ::std::fmt::Display,
            {
                self.cost_micros = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for cost_micros: {e}"));
                self
            }
            pub fn cost_usd<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<f64>,
                T::Error: ::std::fmt::Display,
            {
                self.cost_usd = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for cost_usd: {e}"));
                self
            }
            pub fn created_at<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::chrono::DateTime<::chrono::offset::Utc>>,
                T::Error: ::std::fmt::Display,
            {
                self.created_at = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for created_at: {e}"));
                self
            }
            pub fn error<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<super::ErrorBody>>,
                T::Error: ::std::fmt::Display,
            {
                self.error = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for error: {e}"));
                self
            }
            pub fn id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::uuid::Uuid>,
                T::Error: ::std::fmt::Display,
            {
                self.id = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for id: {e}"));
                self
            }
            pub fn instruction<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.instruction = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for instruction: {e}"));
                self
            }
            pub fn jira_issue<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.jira_issue = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for jira_issue: {e}"));
                self
            }
            pub fn llm_calls<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u32>,
                T::Error: ::std::fmt::Display,
            {
                self.llm_calls = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for llm_calls: {e}"));
                self
            }
            pub fn max_tokens<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display,
            {
                self.max_tokens = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for max_tokens: {e}"));
                self
            }
            pub fn pull_request_url<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.pull_request_url = value.try_into().map_err(|e| {
                    format!("error converting supplied value for pull_request_url: {e}")
                });
                self
            }
            pub fn quota_period<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.quota_period = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for quota_period: {e}"));
                self
            }
            pub fn quota_released<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<bool>,
                T::Error: ::std::fmt::Display,
            {
                self.quota_released = value.try_into().map_err(|e| {
                    format!("error converting supplied value for quota_released: {e}")
                });
                self
            }
            pub fn repo_id<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::uuid::Uuid>,
                T::Error: ::std::fmt::Display,
            {
                self.repo_id = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for repo_id: {e}"));
                self
            }
            pub fn sprint<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.sprint = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for sprint: {e}"));
                self
            }
            pub fn status<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.status = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for status: {e}"));
                self
            }
            pub fn summary<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.summary = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for summary: {e}"));
                self
            }
            pub fn tokens<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::Tokens>,
                T::Error: ::std::fmt::Display,
            {
                self.tokens = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for tokens: {e}"));
                self
            }
            pub fn updated_at<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::chrono::DateTime<::chrono::offset::Utc>>,
                T::Error: ::std::fmt::Display,
            {
                self.updated_at = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for updated_at: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<TaskView> for super::TaskView {
            type Error = super::error::ConversionError;
            fn try_from(
                value: TaskView,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    attempts: value.attempts?,
                    branch: value.branch?,
                    changed_files: value.changed_files?,
                    commit: value.commit?,
                    cost_micros: value.cost_micros?,
                    cost_usd: value.cost_usd?,
                    created_at: value.created_at?,
                    error: value.error?,
                    id: value.id?,
                    instruction: value.instruction?,
                    jira_issue: value.jira_issue?,
                    llm_calls: value.llm_calls?,
                    max_tokens: value.max_tokens?,
                    pull_request_url: value.pull_request_url?,
                    quota_period: value.quota_period?,
                    quota_released: value.quota_released?,
                    repo_id: value.repo_id?,
                    sprint: value.sprint?,
                    status: value.status?,
                    summary: value.summary?,
                    tokens: value.tokens?,
                    updated_at: value.updated_at?,
                })
            }
        }

        impl ::std::convert::From<super::TaskView> for TaskView {
            fn from(value: super::TaskView) -> Self {
                Self {
                    attempts: Ok(value.attempts),
                    branch: Ok(value.branch),
                    changed_files: Ok(value.changed_files),
                    commit: Ok(value.commit),
                    cost_micros: Ok(value.cost_micros),
                    cost_usd: Ok(value.cost_usd),
                    created_at: Ok(value.created_at),
                    error: Ok(value.error),
                    id: Ok(value.id),
                    instruction: Ok(value.instruction),
                    jira_issue: Ok(value.jira_issue),
                    llm_calls: Ok(value.llm_calls),
                    max_tokens: Ok(value.max_tokens),
                    pull_request_url: Ok(value.pull_request_url),
                    quota_period: Ok(value.quota_period),
                    quota_released: Ok(value.quota_released),
                    repo_id: Ok(value.repo_id),
                    sprint: Ok(value.sprint),
                    status: Ok(value.status),
                    summary: Ok(value.summary),
                    tokens: Ok(value.tokens),
                    updated_at: Ok(value.updated_at),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct TokenBudget {
            budget: ::std::result::Result<::std::option::Option<u64>, ::std::string::String>,
            completion: ::std::result::Result<u64, ::std::string::String>,
            prompt: ::std::result::Result<u64, ::std::string::String>,
            total: ::std::result::Result<u64, ::std::string::String>,
        }

        impl ::std::default::Default for TokenBudget {
            fn default() -> Self {
                Self {
                    budget: Ok(Default::default()),
                    completion: Err("no value supplied for completion".to_string()),
                    prompt: Err("no value supplied for prompt".to_string()),
                    total: Err("no value supplied for total".to_string()),
                }
            }
        }

        impl TokenBudget {
            pub fn budget<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<u64>>,
                T::Error: ::std::fmt::Display,
            {
                self.budget = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for budget: {e}"));
                self
            }
            pub fn completion<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u64>,
                T::Error: ::std::fmt::Display,
            {
                self.completion = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for completion: {e}"));
                self
            }
            pub fn prompt<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u64>,
                T::Error: ::std::fmt::Display,
            {
                self.prompt = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for prompt: {e}"));
                self
            }
            pub fn total<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u64>,
                T::Error: ::std::fmt::Display,
            {
                self.total = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for total: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<TokenBudget> for super::TokenBudget {
            type Error = super::error::ConversionError;
            fn try_from(
                value: TokenBudget,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    budget: value.budget?,
                    completion: value.completion?,
                    prompt: value.prompt?,
                    total: value.total?,
                })
            }
        }

        impl ::std::convert::From<super::TokenBudget> for TokenBudget {
            fn from(value: super::TokenBudget) -> Self {
                Self {
                    budget: Ok(value.budget),
                    completion: Ok(value.completion),
                    prompt: Ok(value.prompt),
                    total: Ok(value.total),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct Tokens {
            completion: ::std::result::Result<u64, ::std::string::String>,
            prompt: ::std::result::Result<u64, ::std::string::String>,
            total: ::std::result::Result<u64, ::std::string::String>,
        }

        impl ::std::default::Default for Tokens {
            fn default() -> Self {
                Self {
                    completion: Err("no value supplied for completion".to_string()),
                    prompt: Err("no value supplied for prompt".to_string()),
                    total: Err("no value supplied for total".to_string()),
                }
            }
        }

        impl Tokens {
            pub fn completion<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u64>,
                T::Error: ::std::fmt::Display,
            {
                self.completion = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for completion: {e}"));
                self
            }
            pub fn prompt<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u64>,
                T::Error: ::std::fmt::Display,
            {
                self.prompt = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for prompt: {e}"));
                self
            }
            pub fn total<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u64>,
                T::Error: ::std::fmt::Display,
            {
                self.total = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for total: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<Tokens> for super::Tokens {
            type Error = super::error::ConversionError;
            fn try_from(
                value: Tokens,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    completion: value.completion?,
                    prompt: value.prompt?,
                    total: value.total?,
                })
            }
        }

        impl ::std::convert::From<super::Tokens> for Tokens {
            fn from(value: super::Tokens) -> Self {
                Self {
                    completion: Ok(value.completion),
                    prompt: Ok(value.prompt),
                    total: Ok(value.total),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct UsageReportView {
            by_sprint:
                ::std::result::Result<::std::vec::Vec<super::SprintUsage>, ::std::string::String>,
            by_task:
                ::std::result::Result<::std::vec::Vec<super::TaskUsage>, ::std::string::String>,
            cost_micros: ::std::result::Result<u64, ::std::string::String>,
            cost_usd: ::std::result::Result<f64, ::std::string::String>,
            next_cursor: ::std::result::Result<
                ::std::option::Option<::std::string::String>,
                ::std::string::String,
            >,
            period: ::std::result::Result<::std::string::String, ::std::string::String>,
            plan: ::std::result::Result<::std::string::String, ::std::string::String>,
            tasks: ::std::result::Result<super::TaskQuota, ::std::string::String>,
            tokens: ::std::result::Result<super::TokenBudget, ::std::string::String>,
        }

        impl ::std::default::Default for UsageReportView {
            fn default() -> Self {
                Self {
                    by_sprint: Err("no value supplied for by_sprint".to_string()),
                    by_task: Err("no value supplied for by_task".to_string()),
                    cost_micros: Err("no value supplied for cost_micros".to_string()),
                    cost_usd: Err("no value supplied for cost_usd".to_string()),
                    next_cursor: Ok(Default::default()),
                    period: Err("no value supplied for period".to_string()),
                    plan: Err("no value supplied for plan".to_string()),
                    tasks: Err("no value supplied for tasks".to_string()),
                    tokens: Err("no value supplied for tokens".to_string()),
                }
            }
        }

        impl UsageReportView {
            pub fn by_sprint<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::SprintUsage>>,
                T::Error: ::std::fmt::Display,
            {
                self.by_sprint = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for by_sprint: {e}"));
                self
            }
            pub fn by_task<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::vec::Vec<super::TaskUsage>>,
                T::Error: ::std::fmt::Display,
            {
                self.by_task = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for by_task: {e}"));
                self
            }
            pub fn cost_micros<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<u64>,
                T::Error: ::std::fmt::Display,
            {
                self.cost_micros = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for cost_micros: {e}"));
                self
            }
            pub fn cost_usd<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<f64>,
                T::Error: ::std::fmt::Display,
            {
                self.cost_usd = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for cost_usd: {e}"));
                self
            }
            pub fn next_cursor<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                T::Error: ::std::fmt::Display,
            {
                self.next_cursor = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for next_cursor: {e}"));
                self
            }
            pub fn period<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.period = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for period: {e}"));
                self
            }
            pub fn plan<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.plan = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for plan: {e}"));
                self
            }
            pub fn tasks<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::TaskQuota>,
                T::Error: ::std::fmt::Display,
            {
                self.tasks = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for tasks: {e}"));
                self
            }
            pub fn tokens<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<super::TokenBudget>,
                T::Error: ::std::fmt::Display,
            {
                self.tokens = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for tokens: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<UsageReportView> for super::UsageReportView {
            type Error = super::error::ConversionError;
            fn try_from(
                value: UsageReportView,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    by_sprint: value.by_sprint?,
                    by_task: value.by_task?,
                    cost_micros: value.cost_micros?,
                    cost_usd: value.cost_usd?,
                    next_cursor: value.next_cursor?,
                    period: value.period?,
                    plan: value.plan?,
                    tasks: value.tasks?,
                    tokens: value.tokens?,
                })
            }
        }

        impl ::std::convert::From<super::UsageReportView> for UsageReportView {
            fn from(value: super::UsageReportView) -> Self {
                Self {
                    by_sprint: Ok(value.by_sprint),
                    by_task: Ok(value.by_task),
                    cost_micros: Ok(value.cost_micros),
                    cost_usd: Ok(value.cost_usd),
                    next_cursor: Ok(value.next_cursor),
                    period: Ok(value.period),
                    plan: Ok(value.plan),
                    tasks: Ok(value.tasks),
                    tokens: Ok(value.tokens),
                }
            }
        }

        #[derive(Clone, Debug)]
        pub struct WebhookResult {
            status: ::std::result::Result<::std::string::String, ::std::string::String>,
        }

        impl ::std::default::Default for WebhookResult {
            fn default() -> Self {
                Self {
                    status: Err("no value supplied for status".to_string()),
                }
            }
        }

        impl WebhookResult {
            pub fn status<T>(mut self, value: T) -> Self
            where
                T: ::std::convert::TryInto<::std::string::String>,
                T::Error: ::std::fmt::Display,
            {
                self.status = value
                    .try_into()
                    .map_err(|e| format!("error converting supplied value for status: {e}"));
                self
            }
        }

        impl ::std::convert::TryFrom<WebhookResult> for super::WebhookResult {
            type Error = super::error::ConversionError;
            fn try_from(
                value: WebhookResult,
            ) -> ::std::result::Result<Self, super::error::ConversionError> {
                Ok(Self {
                    status: value.status?,
                })
            }
        }

        impl ::std::convert::From<super::WebhookResult> for WebhookResult {
            fn from(value: super::WebhookResult) -> Self {
                Self {
                    status: Ok(value.status),
                }
            }
        }
    }

    /// Error types.
    pub mod error {
        /// Error from a `TryFrom` or `FromStr` implementation.
        pub struct ConversionError(::std::borrow::Cow<'static, str>);
        impl ::std::error::Error for ConversionError {}
        impl ::std::fmt::Display for ConversionError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> Result<(), ::std::fmt::Error> {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::std::fmt::Debug for ConversionError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> Result<(), ::std::fmt::Error> {
                ::std::fmt::Debug::fmt(&self.0, f)
            }
        }

        impl From<&'static str> for ConversionError {
            fn from(value: &'static str) -> Self {
                Self(value.into())
            }
        }

        impl From<String> for ConversionError {
            fn from(value: String) -> Self {
                Self(value.into())
            }
        }
    }
}

#[derive(Clone, Debug)]
///Client for Orchard
///
///Multi-tenant runtime for AI coding agents. Every tenant object is scoped to
/// the caller's organization; another organization's object answers 404. Every
/// error is JSON `{code, message}` with a stable `code`; each operation lists
/// the codes it can answer under its error statuses.
///
///Version: 0.1.0
pub struct Client {
    pub(crate) baseurl: String,
    pub(crate) client: reqwest::Client,
}

impl Client {
    /// Create a new client.
    ///
    /// `baseurl` is the base URL provided to the internal
    /// `reqwest::Client`, and should include a scheme and hostname,
    /// as well as port and a path stem if applicable.
    pub fn new(baseurl: &str) -> Self {
        #[cfg(not(target_arch = "wasm32"))]
        let client = {
            let dur = ::std::time::Duration::from_secs(15u64);
            reqwest::ClientBuilder::new()
                .connect_timeout(dur)
                .timeout(dur)
        };
        #[cfg(target_arch = "wasm32")]
        let client = reqwest::ClientBuilder::new();
        Self::new_with_client(baseurl, client.build().unwrap())
    }

    /// Construct a new client with an existing `reqwest::Client`,
    /// allowing more control over its configuration.
    ///
    /// `baseurl` is the base URL provided to the internal
    /// `reqwest::Client`, and should include a scheme and hostname,
    /// as well as port and a path stem if applicable.
    pub fn new_with_client(baseurl: &str, client: reqwest::Client) -> Self {
        Self {
            baseurl: baseurl.to_string(),
            client,
        }
    }
}

impl ClientInfo<()> for Client {
    fn api_version() -> &'static str {
        "0.1.0"
    }

    fn baseurl(&self) -> &str {
        self.baseurl.as_str()
    }

    fn client(&self) -> &reqwest::Client {
        &self.client
    }

    fn inner(&self) -> &() {
        &()
    }
}

impl ClientHooks<()> for &Client {}
impl Client {
    ///Liveness: the process serves HTTP
    ///
    ///Sends a `GET` request to `/healthz`
    ///
    ///```ignore
    /// let response = client.health()
    ///    .send()
    ///    .await;
    /// ```
    pub fn health(&self) -> builder::Health<'_> {
        builder::Health::new(self)
    }

    ///Readiness: the store answers within 5 seconds
    ///
    ///Sends a `GET` request to `/readyz`
    ///
    ///```ignore
    /// let response = client.ready()
    ///    .send()
    ///    .await;
    /// ```
    pub fn ready(&self) -> builder::Ready<'_> {
        builder::Ready::new(self)
    }

    ///Sign up: creates an organization and its owner, returns the owner's
    /// token
    ///
    ///Sends a `POST` request to `/v1/auth/signup`
    ///
    ///```ignore
    /// let response = client.signup()
    ///    .body(body)
    ///    .send()
    ///    .await;
    /// ```
    pub fn signup(&self) -> builder::Signup<'_> {
        builder::Signup::new(self)
    }

    ///Log in with email and password
    ///
    ///Sends a `POST` request to `/v1/auth/login`
    ///
    ///```ignore
    /// let response = client.login()
    ///    .body(body)
    ///    .send()
    ///    .await;
    /// ```
    pub fn login(&self) -> builder::Login<'_> {
        builder::Login::new(self)
    }

    ///Log out: revokes the presented token on every node until it expires; it
    /// answers 401 `invalid_token` from then on. Other tokens of the user
    /// stay valid. A node other than the one that answered may accept the
    /// token for up to `auth.revocation_cache_secs` (default 5 s) more
    ///
    ///Sends a `POST` request to `/v1/auth/logout`
    ///
    ///```ignore
    /// let response = client.logout()
    ///    .send()
    ///    .await;
    /// ```
    pub fn logout(&self) -> builder::Logout<'_> {
        builder::Logout::new(self)
    }

    ///The caller's organization
    ///
    ///Sends a `GET` request to `/v1/org`
    ///
    ///```ignore
    /// let response = client.get_org()
    ///    .send()
    ///    .await;
    /// ```
    pub fn get_org(&self) -> builder::GetOrg<'_> {
        builder::GetOrg::new(self)
    }

    ///List the organization's repositories
    ///
    ///Sends a `GET` request to `/v1/repos`
    ///
    ///```ignore
    /// let response = client.list_repos()
    ///    .send()
    ///    .await;
    /// ```
    pub fn list_repos(&self) -> builder::ListRepos<'_> {
        builder::ListRepos::new(self)
    }

    ///Register a repository
    ///
    ///Sends a `POST` request to `/v1/repos`
    ///
    ///```ignore
    /// let response = client.create_repo()
    ///    .body(body)
    ///    .send()
    ///    .await;
    /// ```
    pub fn create_repo(&self) -> builder::CreateRepo<'_> {
        builder::CreateRepo::new(self)
    }

    ///The organization's tasks, newest first, filtered and paginated
    ///
    ///Sends a `GET` request to `/v1/tasks`
    ///
    ///Arguments:
    /// - `cursor`: `next_cursor` of the previous page.
    /// - `limit`: Page size, 1–200 (default 50).
    /// - `sprint`: Only tasks with this sprint label.
    /// - `status`: Only tasks with this status.
    ///```ignore
    /// let response = client.list_tasks()
    ///    .cursor(cursor)
    ///    .limit(limit)
    ///    .sprint(sprint)
    ///    .status(status)
    ///    .send()
    ///    .await;
    /// ```
    pub fn list_tasks(&self) -> builder::ListTasks<'_> {
        builder::ListTasks::new(self)
    }

    ///Submit a task; it is queued and picked up by an agent run
    ///
    ///Sends a `POST` request to `/v1/tasks`
    ///
    ///```ignore
    /// let response = client.create_task()
    ///    .body(body)
    ///    .send()
    ///    .await;
    /// ```
    pub fn create_task(&self) -> builder::CreateTask<'_> {
        builder::CreateTask::new(self)
    }

    ///One task of the caller's organization
    ///
    ///Sends a `GET` request to `/v1/tasks/{id}`
    ///
    ///Arguments:
    /// - `id`: The task's id.
    ///```ignore
    /// let response = client.get_task()
    ///    .id(id)
    ///    .send()
    ///    .await;
    /// ```
    pub fn get_task(&self) -> builder::GetTask<'_> {
        builder::GetTask::new(self)
    }

    ///Cancel a queued or running task. A running task's agent is stopped at
    /// once; changes it has not pushed yet are discarded
    ///
    ///Sends a `POST` request to `/v1/tasks/{id}/cancel`
    ///
    ///Arguments:
    /// - `id`: The task's id.
    ///```ignore
    /// let response = client.cancel_task()
    ///    .id(id)
    ///    .send()
    ///    .await;
    /// ```
    pub fn cancel_task(&self) -> builder::CancelTask<'_> {
        builder::CancelTask::new(self)
    }

    ///Server-sent events of a task: its log from the start, then live, ending
    /// after the final status event. Each event's SSE `id` is its `seq`; a
    /// client that reconnects with `Last-Event-ID` (as browsers'
    /// `EventSource` do) gets the events after that one
    ///
    ///Sends a `GET` request to `/v1/tasks/{id}/events`
    ///
    ///Arguments:
    /// - `id`: The task's id.
    /// - `last_event_id`: Resume after the event with this `seq`.
    ///```ignore
    /// let response = client.task_events()
    ///    .id(id)
    ///    .last_event_id(last_event_id)
    ///    .send()
    ///    .await;
    /// ```
    pub fn task_events(&self) -> builder::TaskEvents<'_> {
        builder::TaskEvents::new(self)
    }

    ///One credential's metadata
    ///
    ///Sends a `GET` request to `/v1/credentials/{provider}`
    ///
    ///Arguments:
    /// - `provider`: `github`, `azure_devops`, `jira`, `generic` or
    ///   `github_webhook`.
    ///```ignore
    /// let response = client.get_credential()
    ///    .provider(provider)
    ///    .send()
    ///    .await;
    /// ```
    pub fn get_credential(&self) -> builder::GetCredential<'_> {
        builder::GetCredential::new(self)
    }

    ///Store the organization's secret for a provider (owner or admin).
    /// Replaces the earlier one; the secret is encrypted before it is
    /// stored and never returned
    ///
    ///Sends a `PUT` request to `/v1/credentials/{provider}`
    ///
    ///Arguments:
    /// - `provider`: `github`, `azure_devops`, `jira`, `generic` or
    ///   `github_webhook`.
    /// - `body`
    ///```ignore
    /// let response = client.put_credential()
    ///    .provider(provider)
    ///    .body(body)
    ///    .send()
    ///    .await;
    /// ```
    pub fn put_credential(&self) -> builder::PutCredential<'_> {
        builder::PutCredential::new(self)
    }

    ///Delete a credential (owner or admin)
    ///
    ///Sends a `DELETE` request to `/v1/credentials/{provider}`
    ///
    ///Arguments:
    /// - `provider`: `github`, `azure_devops`, `jira`, `generic` or
    ///   `github_webhook`.
    ///```ignore
    /// let response = client.delete_credential()
    ///    .provider(provider)
    ///    .send()
    ///    .await;
    /// ```
    pub fn delete_credential(&self) -> builder::DeleteCredential<'_> {
        builder::DeleteCredential::new(self)
    }

    ///List the organization's credentials: metadata only
    ///
    ///Sends a `GET` request to `/v1/credentials`
    ///
    ///```ignore
    /// let response = client.list_credentials()
    ///    .send()
    ///    .await;
    /// ```
    pub fn list_credentials(&self) -> builder::ListCredentials<'_> {
        builder::ListCredentials::new(self)
    }

    ///Tasks, tokens and cost of the caller's organization in a month (default:
    /// this one)
    ///
    ///Sends a `GET` request to `/v1/usage`
    ///
    ///Arguments:
    /// - `cursor`: `next_cursor` of the previous page.
    /// - `limit`: Tasks per page, 1 to 200 (default 50).
    /// - `period`: `YYYY-MM` (UTC); default: the current month.
    ///```ignore
    /// let response = client.get_usage()
    ///    .cursor(cursor)
    ///    .limit(limit)
    ///    .period(period)
    ///    .send()
    ///    .await;
    /// ```
    pub fn get_usage(&self) -> builder::GetUsage<'_> {
        builder::GetUsage::new(self)
    }

    ///Remember a note for the organization's agents and searches. Viewers
    /// cannot
    ///
    ///Sends a `POST` request to `/v1/memory`
    ///
    ///```ignore
    /// let response = client.store_memory()
    ///    .body(body)
    ///    .send()
    ///    .await;
    /// ```
    pub fn store_memory(&self) -> builder::StoreMemory<'_> {
        builder::StoreMemory::new(self)
    }

    ///Search the organization's notes and indexed repository chunks by meaning
    ///
    ///Sends a `POST` request to `/v1/memory/search`
    ///
    ///```ignore
    /// let response = client.search_memory()
    ///    .body(body)
    ///    .send()
    ///    .await;
    /// ```
    pub fn search_memory(&self) -> builder::SearchMemory<'_> {
        builder::SearchMemory::new(self)
    }

    ///Starts a Stripe Checkout for a plan; send the buyer to the returned
    /// `url`. When the payment completes, Stripe's webhook puts the
    /// organization on the plan
    ///
    ///Sends a `POST` request to `/v1/billing/checkout`
    ///
    ///```ignore
    /// let response = client.create_checkout()
    ///    .body(body)
    ///    .send()
    ///    .await;
    /// ```
    pub fn create_checkout(&self) -> builder::CreateCheckout<'_> {
        builder::CreateCheckout::new(self)
    }

    ///Stripe's webhook: `checkout.session.completed`,
    /// `customer.subscription.updated` and `.deleted`,
    /// `invoice.payment_failed`. The body is Stripe's event JSON, verified with
    /// `Stripe-Signature` (HMAC-SHA256 of `timestamp.body`, 5 minutes'
    /// tolerance)
    ///
    ///Sends a `POST` request to `/v1/webhooks/stripe`
    ///
    ///Arguments:
    /// - `stripe_signature`: `t=<unix time>,v1=<hex HMAC-SHA256 of
    ///   "<t>.<body>">`.
    /// - `body`
    ///```ignore
    /// let response = client.stripe_webhook()
    ///    .stripe_signature(stripe_signature)
    ///    .body(body)
    ///    .send()
    ///    .await;
    /// ```
    pub fn stripe_webhook(&self) -> builder::StripeWebhook<'_> {
        builder::StripeWebhook::new(self)
    }

    ///Iyzico's subscription webhook (`subscription.order.success` /
    /// `.failure`), verified with `X-IYZ-SIGNATURE-V3`. The customer
    /// reference code names the org, as registered with `PUT /v1/admin/
    /// orgs/{id}/iyzico-customer`
    ///
    ///Sends a `POST` request to `/v1/webhooks/iyzico`
    ///
    ///Arguments:
    /// - `x_iyz_signature_v3`: Hex HMAC-SHA256 of the event's fields with the
    ///   Iyzico secret key.
    /// - `body`
    ///```ignore
    /// let response = client.iyzico_webhook()
    ///    .x_iyz_signature_v3(x_iyz_signature_v3)
    ///    .body(body)
    ///    .send()
    ///    .await;
    /// ```
    pub fn iyzico_webhook(&self) -> builder::IyzicoWebhook<'_> {
        builder::IyzicoWebhook::new(self)
    }

    ///An organization's GitHub webhook (content type `application/json`, event
    /// "Issues"): an issue labelled `orchard` on one of its registered
    /// GitHub repositories becomes a task: title and body as the
    /// instruction, milestone as the sprint label. Set it up by storing the
    /// webhook's secret with `PUT /v1/credentials/github_webhook`
    ///
    ///Sends a `POST` request to `/v1/webhooks/github/{org_id}`
    ///
    ///Arguments:
    /// - `org_id`: The organization whose webhook this is.
    /// - `x_git_hub_event`: The event: `issues` is read, `ping` answered, the
    ///   rest ignored.
    /// - `x_hub_signature_256`: `sha256=<hex HMAC-SHA256 of the body under the
    ///   webhook's secret>`.
    /// - `body`
    ///```ignore
    /// let response = client.github_webhook()
    ///    .org_id(org_id)
    ///    .x_git_hub_event(x_git_hub_event)
    ///    .x_hub_signature_256(x_hub_signature_256)
    ///    .body(body)
    ///    .send()
    ///    .await;
    /// ```
    pub fn github_webhook(&self) -> builder::GithubWebhook<'_> {
        builder::GithubWebhook::new(self)
    }

    ///The live actor tree of this node: every actor with its kind, org,
    /// status, start, restarts, last failure, messages handled and queue
    /// depth. Each node of a cluster has its own tree (an org's supervisor
    /// lives on every node that runs its tasks). Read without stopping any
    /// actor
    ///
    ///Sends a `GET` request to `/v1/admin/actors`
    ///
    ///Arguments:
    /// - `org`: Only this organization's supervisor and its children.
    ///```ignore
    /// let response = client.list_actors()
    ///    .org(org)
    ///    .send()
    ///    .await;
    /// ```
    pub fn list_actors(&self) -> builder::ListActors<'_> {
        builder::ListActors::new(self)
    }

    ///Puts an organization on a plan, optionally with its own limits. Quotas
    /// and budgets apply from the next submission and the next LLM call;
    /// the concurrency cap from the org's next run on each node
    ///
    ///Sends a `PUT` request to `/v1/admin/orgs/{id}/plan`
    ///
    ///Arguments:
    /// - `id`: The organization's id.
    /// - `body`
    ///```ignore
    /// let response = client.set_org_plan()
    ///    .id(id)
    ///    .body(body)
    ///    .send()
    ///    .await;
    /// ```
    pub fn set_org_plan(&self) -> builder::SetOrgPlan<'_> {
        builder::SetOrgPlan::new(self)
    }

    ///Registers which organization pays Iyzico under a customer reference
    /// code, and for which plan (Iyzico's events name only the customer).
    /// Operator only
    ///
    ///Sends a `PUT` request to `/v1/admin/orgs/{id}/iyzico-customer`
    ///
    ///Arguments:
    /// - `id`: The organization's id.
    /// - `body`
    ///```ignore
    /// let response = client.set_iyzico_customer()
    ///    .id(id)
    ///    .body(body)
    ///    .send()
    ///    .await;
    /// ```
    pub fn set_iyzico_customer(&self) -> builder::SetIyzicoCustomer<'_> {
        builder::SetIyzicoCustomer::new(self)
    }
}

/// Types for composing operation parameters.
#[allow(clippy::all)]
pub mod builder {
    use super::types;
    #[allow(unused_imports)]
    use super::{
        ByteStream, ClientHooks, ClientInfo, Error, OperationInfo, RequestBuilderExt,
        ResponseValue, encode_path,
    };
    ///Builder for [`Client::health`]
    ///
    ///[`Client::health`]: super::Client::health
    #[derive(Debug, Clone)]
    pub struct Health<'a> {
        client: &'a super::Client,
    }

    impl<'a> Health<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self { client: client }
        }

        ///Sends a `GET` request to `/healthz`
        pub async fn send(self) -> Result<ResponseValue<ByteStream>, Error<()>> {
            let Self { client } = self;
            let url = format!("{}/healthz", client.baseurl,);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client.client.get(url).headers(header_map).build()?;
            let info = OperationInfo {
                operation_id: "health",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => Ok(ResponseValue::stream(response)),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::ready`]
    ///
    ///[`Client::ready`]: super::Client::ready
    #[derive(Debug, Clone)]
    pub struct Ready<'a> {
        client: &'a super::Client,
    }

    impl<'a> Ready<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self { client: client }
        }

        ///Sends a `GET` request to `/readyz`
        pub async fn send(self) -> Result<ResponseValue<ByteStream>, Error<ByteStream>> {
            let Self { client } = self;
            let url = format!("{}/readyz", client.baseurl,);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client.client.get(url).headers(header_map).build()?;
            let info = OperationInfo {
                operation_id: "ready",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => Ok(ResponseValue::stream(response)),
                503u16 => Err(Error::ErrorResponse(ResponseValue::stream(response))),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::signup`]
    ///
    ///[`Client::signup`]: super::Client::signup
    #[derive(Debug, Clone)]
    pub struct Signup<'a> {
        client: &'a super::Client,
        body: Result<types::builder::SignupRequest, String>,
    }

    impl<'a> Signup<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                body: Ok(::std::default::Default::default()),
            }
        }

        pub fn body<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<types::SignupRequest>,
            <V as std::convert::TryInto<types::SignupRequest>>::Error: std::fmt::Display,
        {
            self.body = value
                .try_into()
                .map(From::from)
                .map_err(|s| format!("conversion to `SignupRequest` for body failed: {}", s));
            self
        }

        pub fn body_map<F>(mut self, f: F) -> Self
        where
            F: std::ops::FnOnce(types::builder::SignupRequest) -> types::builder::SignupRequest,
        {
            self.body = self.body.map(f);
            self
        }

        ///Sends a `POST` request to `/v1/auth/signup`
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::SignupResponse>, Error<types::ErrorBody>> {
            let Self { client, body } = self;
            let body = body
                .and_then(|v| types::SignupRequest::try_from(v).map_err(|e| e.to_string()))
                .map_err(Error::InvalidRequest)?;
            let url = format!("{}/v1/auth/signup", client.baseurl,);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .post(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .json(&body)
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "signup",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                201u16 => ResponseValue::from_response(response).await,
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                409u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                413u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                415u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::login`]
    ///
    ///[`Client::login`]: super::Client::login
    #[derive(Debug, Clone)]
    pub struct Login<'a> {
        client: &'a super::Client,
        body: Result<types::builder::LoginRequest, String>,
    }

    impl<'a> Login<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                body: Ok(::std::default::Default::default()),
            }
        }

        pub fn body<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<types::LoginRequest>,
            <V as std::convert::TryInto<types::LoginRequest>>::Error: std::fmt::Display,
        {
            self.body = value
                .try_into()
                .map(From::from)
                .map_err(|s| format!("conversion to `LoginRequest` for body failed: {}", s));
            self
        }

        pub fn body_map<F>(mut self, f: F) -> Self
        where
            F: std::ops::FnOnce(types::builder::LoginRequest) -> types::builder::LoginRequest,
        {
            self.body = self.body.map(f);
            self
        }

        ///Sends a `POST` request to `/v1/auth/login`
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::LoginResponse>, Error<types::ErrorBody>> {
            let Self { client, body } = self;
            let body = body
                .and_then(|v| types::LoginRequest::try_from(v).map_err(|e| e.to_string()))
                .map_err(Error::InvalidRequest)?;
            let url = format!("{}/v1/auth/login", client.baseurl,);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .post(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .json(&body)
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "login",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                413u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                415u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::logout`]
    ///
    ///[`Client::logout`]: super::Client::logout
    #[derive(Debug, Clone)]
    pub struct Logout<'a> {
        client: &'a super::Client,
    }

    impl<'a> Logout<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self { client: client }
        }

        ///Sends a `POST` request to `/v1/auth/logout`
        pub async fn send(self) -> Result<ResponseValue<()>, Error<types::ErrorBody>> {
            let Self { client } = self;
            let url = format!("{}/v1/auth/logout", client.baseurl,);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .post(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "logout",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                204u16 => Ok(ResponseValue::empty(response)),
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                403u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                429u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::get_org`]
    ///
    ///[`Client::get_org`]: super::Client::get_org
    #[derive(Debug, Clone)]
    pub struct GetOrg<'a> {
        client: &'a super::Client,
    }

    impl<'a> GetOrg<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self { client: client }
        }

        ///Sends a `GET` request to `/v1/org`
        pub async fn send(self) -> Result<ResponseValue<types::OrgView>, Error<types::ErrorBody>> {
            let Self { client } = self;
            let url = format!("{}/v1/org", client.baseurl,);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .get(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "get_org",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                403u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                429u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::list_repos`]
    ///
    ///[`Client::list_repos`]: super::Client::list_repos
    #[derive(Debug, Clone)]
    pub struct ListRepos<'a> {
        client: &'a super::Client,
    }

    impl<'a> ListRepos<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self { client: client }
        }

        ///Sends a `GET` request to `/v1/repos`
        pub async fn send(self) -> Result<ResponseValue<types::RepoList>, Error<types::ErrorBody>> {
            let Self { client } = self;
            let url = format!("{}/v1/repos", client.baseurl,);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .get(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "list_repos",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                403u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                429u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::create_repo`]
    ///
    ///[`Client::create_repo`]: super::Client::create_repo
    #[derive(Debug, Clone)]
    pub struct CreateRepo<'a> {
        client: &'a super::Client,
        body: Result<types::builder::RepoCreate, String>,
    }

    impl<'a> CreateRepo<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                body: Ok(::std::default::Default::default()),
            }
        }

        pub fn body<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<types::RepoCreate>,
            <V as std::convert::TryInto<types::RepoCreate>>::Error: std::fmt::Display,
        {
            self.body = value
                .try_into()
                .map(From::from)
                .map_err(|s| format!("conversion to `RepoCreate` for body failed: {}", s));
            self
        }

        pub fn body_map<F>(mut self, f: F) -> Self
        where
            F: std::ops::FnOnce(types::builder::RepoCreate) -> types::builder::RepoCreate,
        {
            self.body = self.body.map(f);
            self
        }

        ///Sends a `POST` request to `/v1/repos`
        pub async fn send(self) -> Result<ResponseValue<types::RepoView>, Error<types::ErrorBody>> {
            let Self { client, body } = self;
            let body = body
                .and_then(|v| types::RepoCreate::try_from(v).map_err(|e| e.to_string()))
                .map_err(Error::InvalidRequest)?;
            let url = format!("{}/v1/repos", client.baseurl,);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .post(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .json(&body)
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "create_repo",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                201u16 => ResponseValue::from_response(response).await,
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                403u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                413u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                415u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                429u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::list_tasks`]
    ///
    ///[`Client::list_tasks`]: super::Client::list_tasks
    #[derive(Debug, Clone)]
    pub struct ListTasks<'a> {
        client: &'a super::Client,
        cursor: Result<Option<::std::string::String>, String>,
        limit: Result<Option<u32>, String>,
        sprint: Result<Option<::std::string::String>, String>,
        status: Result<Option<::std::string::String>, String>,
    }

    impl<'a> ListTasks<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                cursor: Ok(None),
                limit: Ok(None),
                sprint: Ok(None),
                status: Ok(None),
            }
        }

        pub fn cursor<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.cursor = value.try_into().map(Some).map_err(|_| {
                "conversion to `:: std :: string :: String` for cursor failed".to_string()
            });
            self
        }

        pub fn limit<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<u32>,
        {
            self.limit = value
                .try_into()
                .map(Some)
                .map_err(|_| "conversion to `u32` for limit failed".to_string());
            self
        }

        pub fn sprint<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.sprint = value.try_into().map(Some).map_err(|_| {
                "conversion to `:: std :: string :: String` for sprint failed".to_string()
            });
            self
        }

        pub fn status<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.status = value.try_into().map(Some).map_err(|_| {
                "conversion to `:: std :: string :: String` for status failed".to_string()
            });
            self
        }

        ///Sends a `GET` request to `/v1/tasks`
        pub async fn send(self) -> Result<ResponseValue<types::TaskList>, Error<types::ErrorBody>> {
            let Self {
                client,
                cursor,
                limit,
                sprint,
                status,
            } = self;
            let cursor = cursor.map_err(Error::InvalidRequest)?;
            let limit = limit.map_err(Error::InvalidRequest)?;
            let sprint = sprint.map_err(Error::InvalidRequest)?;
            let status = status.map_err(Error::InvalidRequest)?;
            let url = format!("{}/v1/tasks", client.baseurl,);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .get(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .query(&progenitor_client::QueryParam::new("cursor", &cursor))
                .query(&progenitor_client::QueryParam::new("limit", &limit))
                .query(&progenitor_client::QueryParam::new("sprint", &sprint))
                .query(&progenitor_client::QueryParam::new("status", &status))
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "list_tasks",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                403u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                429u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::create_task`]
    ///
    ///[`Client::create_task`]: super::Client::create_task
    #[derive(Debug, Clone)]
    pub struct CreateTask<'a> {
        client: &'a super::Client,
        body: Result<types::builder::TaskCreate, String>,
    }

    impl<'a> CreateTask<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                body: Ok(::std::default::Default::default()),
            }
        }

        pub fn body<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<types::TaskCreate>,
            <V as std::convert::TryInto<types::TaskCreate>>::Error: std::fmt::Display,
        {
            self.body = value
                .try_into()
                .map(From::from)
                .map_err(|s| format!("conversion to `TaskCreate` for body failed: {}", s));
            self
        }

        pub fn body_map<F>(mut self, f: F) -> Self
        where
            F: std::ops::FnOnce(types::builder::TaskCreate) -> types::builder::TaskCreate,
        {
            self.body = self.body.map(f);
            self
        }

        ///Sends a `POST` request to `/v1/tasks`
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::TaskAccepted>, Error<types::ErrorBody>> {
            let Self { client, body } = self;
            let body = body
                .and_then(|v| types::TaskCreate::try_from(v).map_err(|e| e.to_string()))
                .map_err(Error::InvalidRequest)?;
            let url = format!("{}/v1/tasks", client.baseurl,);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .post(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .json(&body)
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "create_task",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                202u16 => ResponseValue::from_response(response).await,
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                402u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                403u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                404u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                413u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                415u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                429u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                502u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::get_task`]
    ///
    ///[`Client::get_task`]: super::Client::get_task
    #[derive(Debug, Clone)]
    pub struct GetTask<'a> {
        client: &'a super::Client,
        id: Result<::std::string::String, String>,
    }

    impl<'a> GetTask<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                id: Err("id was not initialized".to_string()),
            }
        }

        pub fn id<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.id = value.try_into().map_err(|_| {
                "conversion to `:: std :: string :: String` for id failed".to_string()
            });
            self
        }

        ///Sends a `GET` request to `/v1/tasks/{id}`
        pub async fn send(self) -> Result<ResponseValue<types::TaskView>, Error<types::ErrorBody>> {
            let Self { client, id } = self;
            let id = id.map_err(Error::InvalidRequest)?;
            let url = format!(
                "{}/v1/tasks/{}",
                client.baseurl,
                encode_path(&id.to_string()),
            );
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .get(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "get_task",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                403u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                404u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                429u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::cancel_task`]
    ///
    ///[`Client::cancel_task`]: super::Client::cancel_task
    #[derive(Debug, Clone)]
    pub struct CancelTask<'a> {
        client: &'a super::Client,
        id: Result<::std::string::String, String>,
    }

    impl<'a> CancelTask<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                id: Err("id was not initialized".to_string()),
            }
        }

        pub fn id<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.id = value.try_into().map_err(|_| {
                "conversion to `:: std :: string :: String` for id failed".to_string()
            });
            self
        }

        ///Sends a `POST` request to `/v1/tasks/{id}/cancel`
        pub async fn send(self) -> Result<ResponseValue<types::TaskView>, Error<types::ErrorBody>> {
            let Self { client, id } = self;
            let id = id.map_err(Error::InvalidRequest)?;
            let url = format!(
                "{}/v1/tasks/{}/cancel",
                client.baseurl,
                encode_path(&id.to_string()),
            );
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .post(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "cancel_task",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                403u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                404u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                409u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                429u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::task_events`]
    ///
    ///[`Client::task_events`]: super::Client::task_events
    #[derive(Debug, Clone)]
    pub struct TaskEvents<'a> {
        client: &'a super::Client,
        id: Result<::std::string::String, String>,
        last_event_id: Result<Option<::std::string::String>, String>,
    }

    impl<'a> TaskEvents<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                id: Err("id was not initialized".to_string()),
                last_event_id: Ok(None),
            }
        }

        pub fn id<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.id = value.try_into().map_err(|_| {
                "conversion to `:: std :: string :: String` for id failed".to_string()
            });
            self
        }

        pub fn last_event_id<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.last_event_id = value.try_into().map(Some).map_err(|_| {
                "conversion to `:: std :: string :: String` for last_event_id failed".to_string()
            });
            self
        }

        ///Sends a `GET` request to `/v1/tasks/{id}/events`
        pub async fn send(self) -> Result<ResponseValue<ByteStream>, Error<types::ErrorBody>> {
            let Self {
                client,
                id,
                last_event_id,
            } = self;
            let id = id.map_err(Error::InvalidRequest)?;
            let last_event_id = last_event_id.map_err(Error::InvalidRequest)?;
            let url = format!(
                "{}/v1/tasks/{}/events",
                client.baseurl,
                encode_path(&id.to_string()),
            );
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            if let Some(value) = last_event_id {
                header_map.append("Last-Event-ID", value.to_string().try_into()?);
            }
            #[allow(unused_mut)]
            let mut request = client.client.get(url).headers(header_map).build()?;
            let info = OperationInfo {
                operation_id: "task_events",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => Ok(ResponseValue::stream(response)),
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                403u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                404u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                429u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::get_credential`]
    ///
    ///[`Client::get_credential`]: super::Client::get_credential
    #[derive(Debug, Clone)]
    pub struct GetCredential<'a> {
        client: &'a super::Client,
        provider: Result<::std::string::String, String>,
    }

    impl<'a> GetCredential<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                provider: Err("provider was not initialized".to_string()),
            }
        }

        pub fn provider<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.provider = value.try_into().map_err(|_| {
                "conversion to `:: std :: string :: String` for provider failed".to_string()
            });
            self
        }

        ///Sends a `GET` request to `/v1/credentials/{provider}`
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::CredentialView>, Error<types::ErrorBody>> {
            let Self { client, provider } = self;
            let provider = provider.map_err(Error::InvalidRequest)?;
            let url = format!(
                "{}/v1/credentials/{}",
                client.baseurl,
                encode_path(&provider.to_string()),
            );
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .get(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "get_credential",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                403u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                404u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                429u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::put_credential`]
    ///
    ///[`Client::put_credential`]: super::Client::put_credential
    #[derive(Debug, Clone)]
    pub struct PutCredential<'a> {
        client: &'a super::Client,
        provider: Result<::std::string::String, String>,
        body: Result<types::builder::CredentialPut, String>,
    }

    impl<'a> PutCredential<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                provider: Err("provider was not initialized".to_string()),
                body: Ok(::std::default::Default::default()),
            }
        }

        pub fn provider<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.provider = value.try_into().map_err(|_| {
                "conversion to `:: std :: string :: String` for provider failed".to_string()
            });
            self
        }

        pub fn body<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<types::CredentialPut>,
            <V as std::convert::TryInto<types::CredentialPut>>::Error: std::fmt::Display,
        {
            self.body = value
                .try_into()
                .map(From::from)
                .map_err(|s| format!("conversion to `CredentialPut` for body failed: {}", s));
            self
        }

        pub fn body_map<F>(mut self, f: F) -> Self
        where
            F: std::ops::FnOnce(types::builder::CredentialPut) -> types::builder::CredentialPut,
        {
            self.body = self.body.map(f);
            self
        }

        ///Sends a `PUT` request to `/v1/credentials/{provider}`
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::CredentialView>, Error<types::ErrorBody>> {
            let Self {
                client,
                provider,
                body,
            } = self;
            let provider = provider.map_err(Error::InvalidRequest)?;
            let body = body
                .and_then(|v| types::CredentialPut::try_from(v).map_err(|e| e.to_string()))
                .map_err(Error::InvalidRequest)?;
            let url = format!(
                "{}/v1/credentials/{}",
                client.baseurl,
                encode_path(&provider.to_string()),
            );
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .put(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .json(&body)
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "put_credential",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                403u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                413u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                415u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                429u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::delete_credential`]
    ///
    ///[`Client::delete_credential`]: super::Client::delete_credential
    #[derive(Debug, Clone)]
    pub struct DeleteCredential<'a> {
        client: &'a super::Client,
        provider: Result<::std::string::String, String>,
    }

    impl<'a> DeleteCredential<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                provider: Err("provider was not initialized".to_string()),
            }
        }

        pub fn provider<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.provider = value.try_into().map_err(|_| {
                "conversion to `:: std :: string :: String` for provider failed".to_string()
            });
            self
        }

        ///Sends a `DELETE` request to `/v1/credentials/{provider}`
        pub async fn send(self) -> Result<ResponseValue<()>, Error<types::ErrorBody>> {
            let Self { client, provider } = self;
            let provider = provider.map_err(Error::InvalidRequest)?;
            let url = format!(
                "{}/v1/credentials/{}",
                client.baseurl,
                encode_path(&provider.to_string()),
            );
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .delete(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "delete_credential",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                204u16 => Ok(ResponseValue::empty(response)),
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                403u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                404u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                429u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::list_credentials`]
    ///
    ///[`Client::list_credentials`]: super::Client::list_credentials
    #[derive(Debug, Clone)]
    pub struct ListCredentials<'a> {
        client: &'a super::Client,
    }

    impl<'a> ListCredentials<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self { client: client }
        }

        ///Sends a `GET` request to `/v1/credentials`
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::CredentialList>, Error<types::ErrorBody>> {
            let Self { client } = self;
            let url = format!("{}/v1/credentials", client.baseurl,);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .get(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "list_credentials",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                403u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                429u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::get_usage`]
    ///
    ///[`Client::get_usage`]: super::Client::get_usage
    #[derive(Debug, Clone)]
    pub struct GetUsage<'a> {
        client: &'a super::Client,
        cursor: Result<Option<::std::string::String>, String>,
        limit: Result<Option<u32>, String>,
        period: Result<Option<::std::string::String>, String>,
    }

    impl<'a> GetUsage<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                cursor: Ok(None),
                limit: Ok(None),
                period: Ok(None),
            }
        }

        pub fn cursor<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.cursor = value.try_into().map(Some).map_err(|_| {
                "conversion to `:: std :: string :: String` for cursor failed".to_string()
            });
            self
        }

        pub fn limit<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<u32>,
        {
            self.limit = value
                .try_into()
                .map(Some)
                .map_err(|_| "conversion to `u32` for limit failed".to_string());
            self
        }

        pub fn period<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.period = value.try_into().map(Some).map_err(|_| {
                "conversion to `:: std :: string :: String` for period failed".to_string()
            });
            self
        }

        ///Sends a `GET` request to `/v1/usage`
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::UsageReportView>, Error<types::ErrorBody>> {
            let Self {
                client,
                cursor,
                limit,
                period,
            } = self;
            let cursor = cursor.map_err(Error::InvalidRequest)?;
            let limit = limit.map_err(Error::InvalidRequest)?;
            let period = period.map_err(Error::InvalidRequest)?;
            let url = format!("{}/v1/usage", client.baseurl,);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .get(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .query(&progenitor_client::QueryParam::new("cursor", &cursor))
                .query(&progenitor_client::QueryParam::new("limit", &limit))
                .query(&progenitor_client::QueryParam::new("period", &period))
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "get_usage",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                403u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                429u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::store_memory`]
    ///
    ///[`Client::store_memory`]: super::Client::store_memory
    #[derive(Debug, Clone)]
    pub struct StoreMemory<'a> {
        client: &'a super::Client,
        body: Result<types::builder::NoteCreate, String>,
    }

    impl<'a> StoreMemory<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                body: Ok(::std::default::Default::default()),
            }
        }

        pub fn body<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<types::NoteCreate>,
            <V as std::convert::TryInto<types::NoteCreate>>::Error: std::fmt::Display,
        {
            self.body = value
                .try_into()
                .map(From::from)
                .map_err(|s| format!("conversion to `NoteCreate` for body failed: {}", s));
            self
        }

        pub fn body_map<F>(mut self, f: F) -> Self
        where
            F: std::ops::FnOnce(types::builder::NoteCreate) -> types::builder::NoteCreate,
        {
            self.body = self.body.map(f);
            self
        }

        ///Sends a `POST` request to `/v1/memory`
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::NoteStored>, Error<types::ErrorBody>> {
            let Self { client, body } = self;
            let body = body
                .and_then(|v| types::NoteCreate::try_from(v).map_err(|e| e.to_string()))
                .map_err(Error::InvalidRequest)?;
            let url = format!("{}/v1/memory", client.baseurl,);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .post(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .json(&body)
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "store_memory",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                201u16 => ResponseValue::from_response(response).await,
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                403u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                413u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                415u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                429u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::search_memory`]
    ///
    ///[`Client::search_memory`]: super::Client::search_memory
    #[derive(Debug, Clone)]
    pub struct SearchMemory<'a> {
        client: &'a super::Client,
        body: Result<types::builder::SearchRequest, String>,
    }

    impl<'a> SearchMemory<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                body: Ok(::std::default::Default::default()),
            }
        }

        pub fn body<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<types::SearchRequest>,
            <V as std::convert::TryInto<types::SearchRequest>>::Error: std::fmt::Display,
        {
            self.body = value
                .try_into()
                .map(From::from)
                .map_err(|s| format!("conversion to `SearchRequest` for body failed: {}", s));
            self
        }

        pub fn body_map<F>(mut self, f: F) -> Self
        where
            F: std::ops::FnOnce(types::builder::SearchRequest) -> types::builder::SearchRequest,
        {
            self.body = self.body.map(f);
            self
        }

        ///Sends a `POST` request to `/v1/memory/search`
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::SearchResults>, Error<types::ErrorBody>> {
            let Self { client, body } = self;
            let body = body
                .and_then(|v| types::SearchRequest::try_from(v).map_err(|e| e.to_string()))
                .map_err(Error::InvalidRequest)?;
            let url = format!("{}/v1/memory/search", client.baseurl,);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .post(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .json(&body)
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "search_memory",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                403u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                404u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                413u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                415u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                429u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::create_checkout`]
    ///
    ///[`Client::create_checkout`]: super::Client::create_checkout
    #[derive(Debug, Clone)]
    pub struct CreateCheckout<'a> {
        client: &'a super::Client,
        body: Result<types::builder::CheckoutBody, String>,
    }

    impl<'a> CreateCheckout<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                body: Ok(::std::default::Default::default()),
            }
        }

        pub fn body<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<types::CheckoutBody>,
            <V as std::convert::TryInto<types::CheckoutBody>>::Error: std::fmt::Display,
        {
            self.body = value
                .try_into()
                .map(From::from)
                .map_err(|s| format!("conversion to `CheckoutBody` for body failed: {}", s));
            self
        }

        pub fn body_map<F>(mut self, f: F) -> Self
        where
            F: std::ops::FnOnce(types::builder::CheckoutBody) -> types::builder::CheckoutBody,
        {
            self.body = self.body.map(f);
            self
        }

        ///Sends a `POST` request to `/v1/billing/checkout`
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::CheckoutView>, Error<types::ErrorBody>> {
            let Self { client, body } = self;
            let body = body
                .and_then(|v| types::CheckoutBody::try_from(v).map_err(|e| e.to_string()))
                .map_err(Error::InvalidRequest)?;
            let url = format!("{}/v1/billing/checkout", client.baseurl,);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .post(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .json(&body)
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "create_checkout",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                403u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                413u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                415u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                429u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::stripe_webhook`]
    ///
    ///[`Client::stripe_webhook`]: super::Client::stripe_webhook
    #[derive(Debug, Clone)]
    pub struct StripeWebhook<'a> {
        client: &'a super::Client,
        stripe_signature: Result<Option<::std::string::String>, String>,
        body: Result<::serde_json::Map<::std::string::String, ::serde_json::Value>, String>,
    }

    impl<'a> StripeWebhook<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                stripe_signature: Ok(None),
                body: Err("body was not initialized".to_string()),
            }
        }

        pub fn stripe_signature<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.stripe_signature = value.try_into().map(Some).map_err(|_| {
                "conversion to `:: std :: string :: String` for stripe_signature failed".to_string()
            });
            self
        }

        pub fn body<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::serde_json::Map<::std::string::String, ::serde_json::Value>>,
        {
            self . body = value . try_into () . map_err (| _ | "conversion to `:: serde_json :: Map < :: std :: string :: String , :: serde_json :: Value >` for body failed" . to_string ()) ;
            self
        }

        ///Sends a `POST` request to `/v1/webhooks/stripe`
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::WebhookResult>, Error<types::ErrorBody>> {
            let Self {
                client,
                stripe_signature,
                body,
            } = self;
            let stripe_signature = stripe_signature.map_err(Error::InvalidRequest)?;
            let body = body.map_err(Error::InvalidRequest)?;
            let url = format!("{}/v1/webhooks/stripe", client.baseurl,);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            if let Some(value) = stripe_signature {
                header_map.append("Stripe-Signature", value.to_string().try_into()?);
            }
            #[allow(unused_mut)]
            let mut request = client
                .client
                .post(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .json(&body)
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "stripe_webhook",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                413u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                415u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::iyzico_webhook`]
    ///
    ///[`Client::iyzico_webhook`]: super::Client::iyzico_webhook
    #[derive(Debug, Clone)]
    pub struct IyzicoWebhook<'a> {
        client: &'a super::Client,
        x_iyz_signature_v3: Result<Option<::std::string::String>, String>,
        body: Result<::serde_json::Map<::std::string::String, ::serde_json::Value>, String>,
    }

    impl<'a> IyzicoWebhook<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                x_iyz_signature_v3: Ok(None),
                body: Err("body was not initialized".to_string()),
            }
        }

        pub fn x_iyz_signature_v3<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.x_iyz_signature_v3 = value.try_into().map(Some).map_err(|_| {
                "conversion to `:: std :: string :: String` for x_iyz_signature_v3 failed"
                    .to_string()
            });
            self
        }

        pub fn body<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::serde_json::Map<::std::string::String, ::serde_json::Value>>,
        {
            self . body = value . try_into () . map_err (| _ | "conversion to `:: serde_json :: Map < :: std :: string :: String , :: serde_json :: Value >` for body failed" . to_string ()) ;
            self
        }

        ///Sends a `POST` request to `/v1/webhooks/iyzico`
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::WebhookResult>, Error<types::ErrorBody>> {
            let Self {
                client,
                x_iyz_signature_v3,
                body,
            } = self;
            let x_iyz_signature_v3 = x_iyz_signature_v3.map_err(Error::InvalidRequest)?;
            let body = body.map_err(Error::InvalidRequest)?;
            let url = format!("{}/v1/webhooks/iyzico", client.baseurl,);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            if let Some(value) = x_iyz_signature_v3 {
                header_map.append("X-IYZ-SIGNATURE-V3", value.to_string().try_into()?);
            }
            #[allow(unused_mut)]
            let mut request = client
                .client
                .post(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .json(&body)
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "iyzico_webhook",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                413u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                415u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::github_webhook`]
    ///
    ///[`Client::github_webhook`]: super::Client::github_webhook
    #[derive(Debug, Clone)]
    pub struct GithubWebhook<'a> {
        client: &'a super::Client,
        org_id: Result<::std::string::String, String>,
        x_git_hub_event: Result<Option<::std::string::String>, String>,
        x_hub_signature_256: Result<Option<::std::string::String>, String>,
        body: Result<::serde_json::Map<::std::string::String, ::serde_json::Value>, String>,
    }

    impl<'a> GithubWebhook<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                org_id: Err("org_id was not initialized".to_string()),
                x_git_hub_event: Ok(None),
                x_hub_signature_256: Ok(None),
                body: Err("body was not initialized".to_string()),
            }
        }

        pub fn org_id<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.org_id = value.try_into().map_err(|_| {
                "conversion to `:: std :: string :: String` for org_id failed".to_string()
            });
            self
        }

        pub fn x_git_hub_event<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.x_git_hub_event = value.try_into().map(Some).map_err(|_| {
                "conversion to `:: std :: string :: String` for x_git_hub_event failed".to_string()
            });
            self
        }

        pub fn x_hub_signature_256<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.x_hub_signature_256 = value.try_into().map(Some).map_err(|_| {
                "conversion to `:: std :: string :: String` for x_hub_signature_256 failed"
                    .to_string()
            });
            self
        }

        pub fn body<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::serde_json::Map<::std::string::String, ::serde_json::Value>>,
        {
            self . body = value . try_into () . map_err (| _ | "conversion to `:: serde_json :: Map < :: std :: string :: String , :: serde_json :: Value >` for body failed" . to_string ()) ;
            self
        }

        ///Sends a `POST` request to `/v1/webhooks/github/{org_id}`
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::GithubWebhookResult>, Error<types::ErrorBody>> {
            let Self {
                client,
                org_id,
                x_git_hub_event,
                x_hub_signature_256,
                body,
            } = self;
            let org_id = org_id.map_err(Error::InvalidRequest)?;
            let x_git_hub_event = x_git_hub_event.map_err(Error::InvalidRequest)?;
            let x_hub_signature_256 = x_hub_signature_256.map_err(Error::InvalidRequest)?;
            let body = body.map_err(Error::InvalidRequest)?;
            let url = format!(
                "{}/v1/webhooks/github/{}",
                client.baseurl,
                encode_path(&org_id.to_string()),
            );
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(3usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            if let Some(value) = x_git_hub_event {
                header_map.append("X-GitHub-Event", value.to_string().try_into()?);
            }
            if let Some(value) = x_hub_signature_256 {
                header_map.append("X-Hub-Signature-256", value.to_string().try_into()?);
            }
            #[allow(unused_mut)]
            let mut request = client
                .client
                .post(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .json(&body)
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "github_webhook",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                202u16 => ResponseValue::from_response(response).await,
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                402u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                404u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                413u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                415u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::list_actors`]
    ///
    ///[`Client::list_actors`]: super::Client::list_actors
    #[derive(Debug, Clone)]
    pub struct ListActors<'a> {
        client: &'a super::Client,
        org: Result<Option<::std::string::String>, String>,
    }

    impl<'a> ListActors<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                org: Ok(None),
            }
        }

        pub fn org<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.org = value.try_into().map(Some).map_err(|_| {
                "conversion to `:: std :: string :: String` for org failed".to_string()
            });
            self
        }

        ///Sends a `GET` request to `/v1/admin/actors`
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::ActorTree>, Error<types::ErrorBody>> {
            let Self { client, org } = self;
            let org = org.map_err(Error::InvalidRequest)?;
            let url = format!("{}/v1/admin/actors", client.baseurl,);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .get(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .query(&progenitor_client::QueryParam::new("org", &org))
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "list_actors",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                403u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                404u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::set_org_plan`]
    ///
    ///[`Client::set_org_plan`]: super::Client::set_org_plan
    #[derive(Debug, Clone)]
    pub struct SetOrgPlan<'a> {
        client: &'a super::Client,
        id: Result<::std::string::String, String>,
        body: Result<types::builder::PlanChangeBody, String>,
    }

    impl<'a> SetOrgPlan<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                id: Err("id was not initialized".to_string()),
                body: Ok(::std::default::Default::default()),
            }
        }

        pub fn id<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.id = value.try_into().map_err(|_| {
                "conversion to `:: std :: string :: String` for id failed".to_string()
            });
            self
        }

        pub fn body<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<types::PlanChangeBody>,
            <V as std::convert::TryInto<types::PlanChangeBody>>::Error: std::fmt::Display,
        {
            self.body = value
                .try_into()
                .map(From::from)
                .map_err(|s| format!("conversion to `PlanChangeBody` for body failed: {}", s));
            self
        }

        pub fn body_map<F>(mut self, f: F) -> Self
        where
            F: std::ops::FnOnce(types::builder::PlanChangeBody) -> types::builder::PlanChangeBody,
        {
            self.body = self.body.map(f);
            self
        }

        ///Sends a `PUT` request to `/v1/admin/orgs/{id}/plan`
        pub async fn send(self) -> Result<ResponseValue<types::OrgView>, Error<types::ErrorBody>> {
            let Self { client, id, body } = self;
            let id = id.map_err(Error::InvalidRequest)?;
            let body = body
                .and_then(|v| types::PlanChangeBody::try_from(v).map_err(|e| e.to_string()))
                .map_err(Error::InvalidRequest)?;
            let url = format!(
                "{}/v1/admin/orgs/{}/plan",
                client.baseurl,
                encode_path(&id.to_string()),
            );
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .put(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .json(&body)
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "set_org_plan",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                403u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                404u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                413u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                415u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }

    ///Builder for [`Client::set_iyzico_customer`]
    ///
    ///[`Client::set_iyzico_customer`]: super::Client::set_iyzico_customer
    #[derive(Debug, Clone)]
    pub struct SetIyzicoCustomer<'a> {
        client: &'a super::Client,
        id: Result<::std::string::String, String>,
        body: Result<types::builder::IyzicoCustomerBody, String>,
    }

    impl<'a> SetIyzicoCustomer<'a> {
        pub fn new(client: &'a super::Client) -> Self {
            Self {
                client: client,
                id: Err("id was not initialized".to_string()),
                body: Ok(::std::default::Default::default()),
            }
        }

        pub fn id<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<::std::string::String>,
        {
            self.id = value.try_into().map_err(|_| {
                "conversion to `:: std :: string :: String` for id failed".to_string()
            });
            self
        }

        pub fn body<V>(mut self, value: V) -> Self
        where
            V: std::convert::TryInto<types::IyzicoCustomerBody>,
            <V as std::convert::TryInto<types::IyzicoCustomerBody>>::Error: std::fmt::Display,
        {
            self.body = value
                .try_into()
                .map(From::from)
                .map_err(|s| format!("conversion to `IyzicoCustomerBody` for body failed: {}", s));
            self
        }

        pub fn body_map<F>(mut self, f: F) -> Self
        where
            F: std::ops::FnOnce(
                    types::builder::IyzicoCustomerBody,
                ) -> types::builder::IyzicoCustomerBody,
        {
            self.body = self.body.map(f);
            self
        }

        ///Sends a `PUT` request to `/v1/admin/orgs/{id}/iyzico-customer`
        pub async fn send(
            self,
        ) -> Result<ResponseValue<types::Registered>, Error<types::ErrorBody>> {
            let Self { client, id, body } = self;
            let id = id.map_err(Error::InvalidRequest)?;
            let body = body
                .and_then(|v| types::IyzicoCustomerBody::try_from(v).map_err(|e| e.to_string()))
                .map_err(Error::InvalidRequest)?;
            let url = format!(
                "{}/v1/admin/orgs/{}/iyzico-customer",
                client.baseurl,
                encode_path(&id.to_string()),
            );
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
            );
            #[allow(unused_mut)]
            let mut request = client
                .client
                .put(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                .json(&body)
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: "set_iyzico_customer",
            };
            client.pre(&mut request, &info).await?;
            let result = client.exec(request, &info).await;
            client.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                200u16 => ResponseValue::from_response(response).await,
                400u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                401u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                403u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                404u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                413u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                415u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                500u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                503u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                504u16 => Err(Error::ErrorResponse(
                    ResponseValue::from_response(response).await?,
                )),
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    }
}

/// Items consumers will typically use such as the Client.
pub mod prelude {
    pub use self::super::Client;
}
