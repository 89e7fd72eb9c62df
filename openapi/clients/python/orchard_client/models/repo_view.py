from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.provider_name import ProviderName, check_provider_name
from ..types import UNSET, Unset

T = TypeVar("T", bound="RepoView")


@_attrs_define
class RepoView:
    """A registered repository.

    Example:
        {'created_at': '2026-12-04T09:30:00Z', 'default_branch': 'main', 'id': '0193a1c5-0a1b-7c2d-9e3f-4a5b6c7d8e9f',
            'provider': 'github', 'url': 'https://github.com/acme/signup-service.git'}

    Attributes:
        id (UUID):
        url (str):
        provider (ProviderName): Where a repository is hosted.
        created_at (datetime.datetime):
        default_branch (str | Unset):
    """

    id: UUID
    url: str
    provider: ProviderName
    created_at: datetime.datetime
    default_branch: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        url = self.url

        provider: str = self.provider

        created_at = self.created_at.isoformat()

        default_branch = self.default_branch

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "url": url,
                "provider": provider,
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

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        default_branch = d.pop("default_branch", UNSET)

        repo_view = cls(
            id=id,
            url=url,
            provider=provider,
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
