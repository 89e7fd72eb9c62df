"""Contains all the data models used in inputs/outputs"""

from .actor_failure import ActorFailure
from .actor_node import ActorNode
from .actor_node_last_failure import ActorNodeLastFailure
from .actor_tree import ActorTree
from .checkout_body import CheckoutBody
from .checkout_view import CheckoutView
from .credential_list import CredentialList
from .credential_provider import CredentialProvider
from .credential_put import CredentialPut
from .credential_view import CredentialView
from .error_body import ErrorBody
from .github_webhook_body import GithubWebhookBody
from .github_webhook_result import GithubWebhookResult
from .hit_source import HitSource
from .hit_source_metadata import HitSourceMetadata
from .iyzico_customer_body import IyzicoCustomerBody
from .iyzico_webhook_body import IyzicoWebhookBody
from .login_request import LoginRequest
from .login_response import LoginResponse
from .note_create import NoteCreate
from .note_create_metadata_type_0 import NoteCreateMetadataType0
from .note_stored import NoteStored
from .note_stored_source import NoteStoredSource
from .org_view import OrgView
from .plan_change_body import PlanChangeBody
from .provider_name import ProviderName
from .pull_requests_name import PullRequestsName
from .registered import Registered
from .repo_create import RepoCreate
from .repo_list import RepoList
from .repo_view import RepoView
from .search_hit import SearchHit
from .search_request import SearchRequest
from .search_results import SearchResults
from .signup_request import SignupRequest
from .signup_response import SignupResponse
from .source_kind import SourceKind
from .sprint_usage import SprintUsage
from .stripe_webhook_body import StripeWebhookBody
from .task_accepted import TaskAccepted
from .task_create import TaskCreate
from .task_event_view import TaskEventView
from .task_list import TaskList
from .task_quota import TaskQuota
from .task_usage import TaskUsage
from .task_view import TaskView
from .task_view_error import TaskViewError
from .token_budget import TokenBudget
from .tokens import Tokens
from .usage_report_view import UsageReportView
from .webhook_result import WebhookResult

__all__ = (
    "ActorFailure",
    "ActorNode",
    "ActorNodeLastFailure",
    "ActorTree",
    "CheckoutBody",
    "CheckoutView",
    "CredentialList",
    "CredentialProvider",
    "CredentialPut",
    "CredentialView",
    "ErrorBody",
    "GithubWebhookBody",
    "GithubWebhookResult",
    "HitSource",
    "HitSourceMetadata",
    "IyzicoCustomerBody",
    "IyzicoWebhookBody",
    "LoginRequest",
    "LoginResponse",
    "NoteCreate",
    "NoteCreateMetadataType0",
    "NoteStored",
    "NoteStoredSource",
    "OrgView",
    "PlanChangeBody",
    "ProviderName",
    "PullRequestsName",
    "Registered",
    "RepoCreate",
    "RepoList",
    "RepoView",
    "SearchHit",
    "SearchRequest",
    "SearchResults",
    "SignupRequest",
    "SignupResponse",
    "SourceKind",
    "SprintUsage",
    "StripeWebhookBody",
    "TaskAccepted",
    "TaskCreate",
    "TaskEventView",
    "TaskList",
    "TaskQuota",
    "TaskUsage",
    "TaskView",
    "TaskViewError",
    "TokenBudget",
    "Tokens",
    "UsageReportView",
    "WebhookResult",
)
