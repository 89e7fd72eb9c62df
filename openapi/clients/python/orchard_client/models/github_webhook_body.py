from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="GithubWebhookBody")


@_attrs_define
class GithubWebhookBody:
    """A GitHub webhook delivery, exactly as GitHub sent it (the signature covers these bytes). `issues` events are read;
    others are ignored.

        Example:
            {'action': 'labeled', 'issue': {'body': 'Reject empty emails with 400.', 'html_url':
                'https://github.com/acme/signup-service/issues/42', 'labels': [{'name': 'orchard'}], 'milestone': {'title':
                'Sprint 7'}, 'number': 42, 'title': 'Validate the signup input'}, 'label': {'name': 'orchard'}, 'repository':
                {'full_name': 'acme/signup-service'}}

    """

    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        github_webhook_body = cls()

        github_webhook_body.additional_properties = d
        return github_webhook_body

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
