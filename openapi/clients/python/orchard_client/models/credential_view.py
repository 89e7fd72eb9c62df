from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.credential_provider import CredentialProvider, check_credential_provider
from ..types import UNSET, Unset

T = TypeVar("T", bound="CredentialView")


@_attrs_define
class CredentialView:
    """A stored credential's metadata.

    Example:
        {'created_at': '2026-12-04T09:30:00Z', 'fingerprint': '…8B4a', 'provider': 'github', 'scopes_note': 'repo',
            'username': 'x-access-token'}

    Attributes:
        provider (CredentialProvider): The service a credential is for.
        created_at (datetime.datetime):
        username (str | Unset):
        scopes_note (str | Unset):
        fingerprint (str | Unset): The secret's last 4 characters, for secrets of 16 characters or more.
        rotated_at (datetime.datetime | Unset): When the secret was last replaced.
        base_url (str | Unset): The service's site, if one was given.
    """

    provider: CredentialProvider
    created_at: datetime.datetime
    username: str | Unset = UNSET
    scopes_note: str | Unset = UNSET
    fingerprint: str | Unset = UNSET
    rotated_at: datetime.datetime | Unset = UNSET
    base_url: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        provider: str = self.provider

        created_at = self.created_at.isoformat()

        username = self.username

        scopes_note = self.scopes_note

        fingerprint = self.fingerprint

        rotated_at: str | Unset = UNSET
        if not isinstance(self.rotated_at, Unset):
            rotated_at = self.rotated_at.isoformat()

        base_url = self.base_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "provider": provider,
                "created_at": created_at,
            }
        )
        if username is not UNSET:
            field_dict["username"] = username
        if scopes_note is not UNSET:
            field_dict["scopes_note"] = scopes_note
        if fingerprint is not UNSET:
            field_dict["fingerprint"] = fingerprint
        if rotated_at is not UNSET:
            field_dict["rotated_at"] = rotated_at
        if base_url is not UNSET:
            field_dict["base_url"] = base_url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        provider = check_credential_provider(d.pop("provider"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        username = d.pop("username", UNSET)

        scopes_note = d.pop("scopes_note", UNSET)

        fingerprint = d.pop("fingerprint", UNSET)

        _rotated_at = d.pop("rotated_at", UNSET)
        rotated_at: datetime.datetime | Unset
        if isinstance(_rotated_at, Unset):
            rotated_at = UNSET
        else:
            rotated_at = datetime.datetime.fromisoformat(_rotated_at)

        base_url = d.pop("base_url", UNSET)

        credential_view = cls(
            provider=provider,
            created_at=created_at,
            username=username,
            scopes_note=scopes_note,
            fingerprint=fingerprint,
            rotated_at=rotated_at,
            base_url=base_url,
        )

        credential_view.additional_properties = d
        return credential_view

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
