from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.tokens import Tokens


T = TypeVar("T", bound="SprintUsage")


@_attrs_define
class SprintUsage:
    """Tokens and cost of one sprint label.

    Attributes:
        tokens (Tokens): Token counts.
        cost_micros (int): Micro-dollars (millionths of a USD).
        sprint (str | Unset): The label; absent for tasks submitted without one.
    """

    tokens: Tokens
    cost_micros: int
    sprint: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        tokens = self.tokens.to_dict()

        cost_micros = self.cost_micros

        sprint = self.sprint

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "tokens": tokens,
                "cost_micros": cost_micros,
            }
        )
        if sprint is not UNSET:
            field_dict["sprint"] = sprint

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tokens import Tokens  # noqa: PLC0415

        d = dict(src_dict)
        tokens = Tokens.from_dict(d.pop("tokens"))

        cost_micros = d.pop("cost_micros")

        sprint = d.pop("sprint", UNSET)

        sprint_usage = cls(
            tokens=tokens,
            cost_micros=cost_micros,
            sprint=sprint,
        )

        sprint_usage.additional_properties = d
        return sprint_usage

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
