from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="CredentialPut")


@_attrs_define
class CredentialPut:
    """A secret to store (replacing the provider's earlier one).

    Example:
        {'base_url': None, 'scopes_note': 'repo', 'username': 'x-access-token'}

    Attributes:
        secret (str): The token, PAT or password. Write-only: it is never returned.
        username (None | str | Unset): User name for services that need one with the secret (e.g. Jira's account email).
        scopes_note (None | str | Unset): Free text for people, e.g. the token's scopes.
        base_url (None | str | Unset): Where the service is, for the ones each organization has its own of: the Jira
            site
            (`https://acme.atlassian.net`, or a Data Center URL). Needed for tasks from Jira
            issues; unused for the others.
    """

    secret: str
    username: None | str | Unset = UNSET
    scopes_note: None | str | Unset = UNSET
    base_url: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        secret = self.secret

        username: None | str | Unset
        if isinstance(self.username, Unset):
            username = UNSET
        else:
            username = self.username

        scopes_note: None | str | Unset
        if isinstance(self.scopes_note, Unset):
            scopes_note = UNSET
        else:
            scopes_note = self.scopes_note

        base_url: None | str | Unset
        if isinstance(self.base_url, Unset):
            base_url = UNSET
        else:
            base_url = self.base_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "secret": secret,
            }
        )
        if username is not UNSET:
            field_dict["username"] = username
        if scopes_note is not UNSET:
            field_dict["scopes_note"] = scopes_note
        if base_url is not UNSET:
            field_dict["base_url"] = base_url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        secret = d.pop("secret")

        def _parse_username(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        username = _parse_username(d.pop("username", UNSET))

        def _parse_scopes_note(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        scopes_note = _parse_scopes_note(d.pop("scopes_note", UNSET))

        def _parse_base_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        base_url = _parse_base_url(d.pop("base_url", UNSET))

        credential_put = cls(
            secret=secret,
            username=username,
            scopes_note=scopes_note,
            base_url=base_url,
        )

        credential_put.additional_properties = d
        return credential_put

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
