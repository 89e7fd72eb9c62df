from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SignupResponse")


@_attrs_define
class SignupResponse:
    """A new organization and a token for its owner.

    Example:
        {'expires_at': '2026-12-05T09:30:00Z', 'org_id': '0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d', 'token':
            'v4.public.eyJzdWIiOiIwMTkzYTFjNC01ZTcwLTdiMWMtOGQyZS0zZjRhNWI2YzdkOGUifQ...', 'user_id':
            '0193a1c4-5e70-7b1c-8d2e-3f4a5b6c7d8e'}

    Attributes:
        org_id (UUID):
        user_id (UUID):
        token (str): PASETO v4.public bearer token.
        expires_at (datetime.datetime):
    """

    org_id: UUID
    user_id: UUID
    token: str
    expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        org_id = str(self.org_id)

        user_id = str(self.user_id)

        token = self.token

        expires_at = self.expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "org_id": org_id,
                "user_id": user_id,
                "token": token,
                "expires_at": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        org_id = UUID(d.pop("org_id"))

        user_id = UUID(d.pop("user_id"))

        token = d.pop("token")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        signup_response = cls(
            org_id=org_id,
            user_id=user_id,
            token=token,
            expires_at=expires_at,
        )

        signup_response.additional_properties = d
        return signup_response

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
