from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.repo_view import RepoView


T = TypeVar("T", bound="RepoList")


@_attrs_define
class RepoList:
    """The organization's repositories.

    Example:
        {'repos': [{'created_at': '2026-12-04T09:30:00Z', 'default_branch': 'main', 'id':
            '0193a1c5-0a1b-7c2d-9e3f-4a5b6c7d8e9f', 'provider': 'github', 'pull_requests': 'draft', 'url':
            'https://github.com/acme/signup-service.git'}]}

    Attributes:
        repos (list[RepoView]):
    """

    repos: list[RepoView]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        repos = []
        for repos_item_data in self.repos:
            repos_item = repos_item_data.to_dict()
            repos.append(repos_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "repos": repos,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.repo_view import RepoView  # noqa: PLC0415

        d = dict(src_dict)
        repos = []
        _repos = d.pop("repos")
        for repos_item_data in _repos:
            repos_item = RepoView.from_dict(repos_item_data)

            repos.append(repos_item)

        repo_list = cls(
            repos=repos,
        )

        repo_list.additional_properties = d
        return repo_list

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
