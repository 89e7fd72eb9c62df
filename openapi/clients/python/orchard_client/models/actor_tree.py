from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.actor_node import ActorNode


T = TypeVar("T", bound="ActorTree")


@_attrs_define
class ActorTree:
    """The live actor tree of the node that answered.

    Example:
        {'actors': [{'children': [{'children': [], 'id': '0.2', 'kind': 'dispatcher', 'messages_processed': 12, 'name':
            'dispatcher', 'queue_depth': 0, 'restarts': 0, 'started_at': '2026-12-04T09:30:00Z', 'status': 'running'},
            {'children': [], 'id': '0.3', 'kind': 'watchdog', 'messages_processed': 12, 'name': 'watchdog', 'queue_depth':
            0, 'restarts': 0, 'started_at': '2026-12-04T09:30:00Z', 'status': 'running'}, {'children': [{'children': [],
            'id': '0.9', 'kind': 'agent_run', 'last_failure': {'at': '2026-12-04T09:30:00Z', 'reason': 'panicked: the LLM
            connection was reset'}, 'messages_processed': 12, 'name': 'run/0193a1c6-1b2c-7d3e-8f4a-5b6c7d8e9fa0',
            'queue_depth': 0, 'restarts': 1, 'started_at': '2026-12-04T09:30:00Z', 'status': 'running'}], 'id': '0.4',
            'kind': 'org_supervisor', 'messages_processed': 12, 'name': 'org/0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d',
            'org_id': '0193a1c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d', 'queue_depth': 0, 'restarts': 0, 'started_at':
            '2026-12-04T09:30:00Z', 'status': 'running'}], 'id': '0.1', 'kind': 'root_supervisor', 'messages_processed': 12,
            'name': 'root', 'queue_depth': 0, 'restarts': 0, 'started_at': '2026-12-04T09:30:00Z', 'status': 'running'}]}

    Attributes:
        actors (list[ActorNode]): The root supervisor with everything under it; with `org`, that org's supervisor
            (none while the org has no supervisor on this node).
    """

    actors: list[ActorNode]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        actors = []
        for actors_item_data in self.actors:
            actors_item = actors_item_data.to_dict()
            actors.append(actors_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "actors": actors,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.actor_node import ActorNode  # noqa: PLC0415

        d = dict(src_dict)
        actors = []
        _actors = d.pop("actors")
        for actors_item_data in _actors:
            actors_item = ActorNode.from_dict(actors_item_data)

            actors.append(actors_item)

        actor_tree = cls(
            actors=actors,
        )

        actor_tree.additional_properties = d
        return actor_tree

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
