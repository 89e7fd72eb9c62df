from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.provider_name import ProviderName, check_provider_name
from ..models.pull_requests_name import PullRequestsName, check_pull_requests_name
from ..types import UNSET, Unset

T = TypeVar("T", bound="RepoView")


@_attrs_define
class RepoView:
    """A registered repository.

    Example:
        {'created_at': '2026-12-04T09:30:00Z', 'default_branch': 'main', 'id': '0193a1c5-0a1b-7c2d-9e3f-4a5b6c7d8e9f',
            'provider': 'github', 'pull_requests': 'draft', 'url': 'https://github.com/acme/signup-service.git'}

    Attributes:
        id (UUID):
        url (str):
        provider (ProviderName): Where a repository is hosted.
        pull_requests (PullRequestsName): Whether a successful task opens a pull request for its branch: `open` (the
            default when
            registering), `draft` or `off`. Only GitHub and Azure DevOps repositories have them, and
            they need the org's `github` or `azure_devops` credential.
        created_at (datetime.datetime):
        default_branch (str | Unset):
    """

    id: UUID
    url: str
    provider: ProviderName
    pull_requests: PullRequestsName
    created_at: datetime.datetime
    default_branch: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        url = self.url

        provider: str = self.provider

        pull_requests: str = self.pull_requests

        created_at = self.created_at.isoformat()

        default_branch = self.default_branch

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "url": url,
                "provider": provider,
                "pull_requests": pull_requests,
                "created_at": created_at,
            }
        )
        if default_branch is not UNSET:
            field_dict["default_branch"] = default_branch

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        url = d.pop("url")

        provider = check_provider_name(d.pop("provider"))

        pull_requests = check_pull_requests_name(d.pop("pull_requests"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        default_branch = d.pop("default_branch", UNSET)

        repo_view = cls(
            id=id,
            url=url,
            provider=provider,
            pull_requests=pull_requests,
            created_at=created_at,
            default_branch=default_branch,
        )

        repo_view.additional_properties = d
        return repo_view

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
