from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SignupRequest")


@_attrs_define
class SignupRequest:
    """Create an organization and its owner.

    Example:
        {'email': 'owner@acme.example', 'org_name': 'Acme'}

    Attributes:
        org_name (str): Organization name (1–100 characters).
        email (str): Owner's email; used to log in.
        password (str): Owner's password (at least 8 characters).
    """

    org_name: str
    email: str
    password: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        org_name = self.org_name

        email = self.email

        password = self.password

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "org_name": org_name,
                "email": email,
                "password": password,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        org_name = d.pop("org_name")

        email = d.pop("email")

        password = d.pop("password")

        signup_request = cls(
            org_name=org_name,
            email=email,
            password=password,
        )

        signup_request.additional_properties = d
        return signup_request

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
