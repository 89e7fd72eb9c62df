from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="StripeWebhookBody")


@_attrs_define
class StripeWebhookBody:
    """A Stripe event, exactly as Stripe sent it (the signature covers these bytes).

    Example:
        {'created': 1796376600, 'data': {'object': {'client_reference_id': '0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d',
            'customer': 'cus_QbCdEfGhIj', 'id': 'cs_test_a1B2c3D4e5F6', 'metadata': {'org_id':
            '0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d', 'plan': 'pro'}, 'object': 'checkout.session', 'subscription':
            'sub_1QbCdEfGhIjKlMnO'}}, 'id': 'evt_1QbCdEfGhIjKlMnO', 'object': 'event', 'type': 'checkout.session.completed'}

    """

    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        stripe_webhook_body = cls()

        stripe_webhook_body.additional_properties = d
        return stripe_webhook_body

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
