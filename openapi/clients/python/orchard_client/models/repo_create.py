from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.provider_name import ProviderName, check_provider_name
from ..models.pull_requests_name import PullRequestsName, check_pull_requests_name
from ..types import UNSET, Unset

T = TypeVar("T", bound="RepoCreate")


@_attrs_define
class RepoCreate:
    """A repository to register.

    Example:
        {'default_branch': 'main', 'provider': 'github', 'pull_requests': 'draft', 'url':
            'https://github.com/acme/signup-service.git'}

    Attributes:
        url (str): Clone URL: `https://...`; `http://`, `file://` and absolute paths where the server
            allows them. No credentials in the URL.
        provider (ProviderName): Where a repository is hosted.
        default_branch (None | str | Unset): Branch tasks start from; default: the remote's HEAD.
        pull_requests (PullRequestsName | Unset): Whether a successful task opens a pull request for its branch: `open`
            (the default when
            registering), `draft` or `off`. Only GitHub and Azure DevOps repositories have them, and
            they need the org's `github` or `azure_devops` credential.
    """

    url: str
    provider: ProviderName
    default_branch: None | str | Unset = UNSET
    pull_requests: PullRequestsName | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        provider: str = self.provider

        default_branch: None | str | Unset
        if isinstance(self.default_branch, Unset):
            default_branch = UNSET
        else:
            default_branch = self.default_branch

        pull_requests: str | Unset = UNSET
        if not isinstance(self.pull_requests, Unset):
            pull_requests = self.pull_requests

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "url": url,
                "provider": provider,
            }
        )
        if default_branch is not UNSET:
            field_dict["default_branch"] = default_branch
        if pull_requests is not UNSET:
            field_dict["pull_requests"] = pull_requests

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url")

        provider = check_provider_name(d.pop("provider"))

        def _parse_default_branch(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        default_branch = _parse_default_branch(d.pop("default_branch", UNSET))

        _pull_requests = d.pop("pull_requests", UNSET)
        pull_requests: PullRequestsName | Unset
        if isinstance(_pull_requests, Unset):
            pull_requests = UNSET
        else:
            pull_requests = check_pull_requests_name(_pull_requests)

        repo_create = cls(
            url=url,
            provider=provider,
            default_branch=default_branch,
            pull_requests=pull_requests,
        )

        repo_create.additional_properties = d
        return repo_create

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
