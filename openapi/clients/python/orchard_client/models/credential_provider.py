from typing import Literal

CredentialProvider = Literal["azure_devops", "generic", "github", "github_webhook", "jira"]

CREDENTIAL_PROVIDER_VALUES: set[CredentialProvider] = {
    "azure_devops",
    "generic",
    "github",
    "github_webhook",
    "jira",
}


def check_credential_provider(value: str) -> CredentialProvider:
    if value in CREDENTIAL_PROVIDER_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CREDENTIAL_PROVIDER_VALUES!r}")
