from typing import Literal

ProviderName = Literal["azure_devops", "generic", "github"]

PROVIDER_NAME_VALUES: set[ProviderName] = {
    "azure_devops",
    "generic",
    "github",
}


def check_provider_name(value: str) -> ProviderName:
    if value in PROVIDER_NAME_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PROVIDER_NAME_VALUES!r}")
