from typing import Literal

PullRequestsName = Literal["draft", "off", "open"]

PULL_REQUESTS_NAME_VALUES: set[PullRequestsName] = {
    "draft",
    "off",
    "open",
}


def check_pull_requests_name(value: str) -> PullRequestsName:
    if value in PULL_REQUESTS_NAME_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PULL_REQUESTS_NAME_VALUES!r}")
