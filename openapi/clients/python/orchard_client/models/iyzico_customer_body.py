from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="IyzicoCustomerBody")


@_attrs_define
class IyzicoCustomerBody:
    """Which org pays Iyzico under which customer reference code.

    Example:
        {'customer_reference_code': 'acme-7f3a', 'plan': 'pro'}

    Attributes:
        customer_reference_code (str): Iyzico's `customerReferenceCode`.
        plan (str): The plan its subscription buys.
    """

    customer_reference_code: str
    plan: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        customer_reference_code = self.customer_reference_code

        plan = self.plan

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "customer_reference_code": customer_reference_code,
                "plan": plan,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        customer_reference_code = d.pop("customer_reference_code")

        plan = d.pop("plan")

        iyzico_customer_body = cls(
            customer_reference_code=customer_reference_code,
            plan=plan,
        )

        iyzico_customer_body.additional_properties = d
        return iyzico_customer_body

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
