from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="IyzicoWebhookBody")


@_attrs_define
class IyzicoWebhookBody:
    """An Iyzico subscription event, exactly as Iyzico sent it (the signature covers its fields).

    Example:
        {'customerReferenceCode': 'acme-7f3a', 'iyziEventTime': 1796376600000, 'iyziEventType':
            'subscription.order.success', 'iyziReferenceCode': 'b4e2f0a1-3c5d-4e6f-8a9b-0c1d2e3f4a5b', 'orderReferenceCode':
            '1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809', 'subscriptionReferenceCode': '9f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b'}

    """

    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        iyzico_webhook_body = cls()

        iyzico_webhook_body.additional_properties = d
        return iyzico_webhook_body

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
