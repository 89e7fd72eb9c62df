from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.credential_view import CredentialView


T = TypeVar("T", bound="CredentialList")


@_attrs_define
class CredentialList:
    """The organization's credentials.

    Example:
        {'credentials': [{'created_at': '2026-12-04T09:30:00Z', 'fingerprint': '…8B4a', 'provider': 'github',
            'scopes_note': 'repo', 'username': 'x-access-token'}]}

    Attributes:
        credentials (list[CredentialView]):
    """

    credentials: list[CredentialView]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        credentials = []
        for credentials_item_data in self.credentials:
            credentials_item = credentials_item_data.to_dict()
            credentials.append(credentials_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "credentials": credentials,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.credential_view import CredentialView  # noqa: PLC0415

        d = dict(src_dict)
        credentials = []
        _credentials = d.pop("credentials")
        for credentials_item_data in _credentials:
            credentials_item = CredentialView.from_dict(credentials_item_data)

            credentials.append(credentials_item)

        credential_list = cls(
            credentials=credentials,
        )

        credential_list.additional_properties = d
        return credential_list

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
