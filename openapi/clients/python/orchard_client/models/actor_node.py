from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.actor_node_last_failure import ActorNodeLastFailure


T = TypeVar("T", bound="ActorNode")


@_attrs_define
class ActorNode:
    """One actor of this node's live tree.

    Attributes:
        id (str): The ractor id (`<node>.<n>`), unique on this node while the process lives.
        name (str): The kind and what it is for: `org/<org_id>`, `run/<task_id>`, `repo-lock/<repo_id>`,
            ...
        kind (str): `root_supervisor`, `dispatcher`, `watchdog`, `org_supervisor`, `credentials`,
            `budget`, `repo_lock` or `agent_run`.
        status (str): `starting`, `running`, `draining`, `stopping`, ...
        started_at (datetime.datetime): When this incarnation started.
        restarts (int): Times its supervisor started it again after a failure (for a run: earlier runs of
            the same task that crashed).
        messages_processed (int): Messages it has handled.
        queue_depth (int): Messages sent to it and not handled yet.
        children (list[ActorNode]): The actors it supervises, by kind then name.
        org_id (UUID | Unset): The organization, for an org's actors.
        last_failure (ActorNodeLastFailure | Unset): The last of those failures.
    """

    id: str
    name: str
    kind: str
    status: str
    started_at: datetime.datetime
    restarts: int
    messages_processed: int
    queue_depth: int
    children: list[ActorNode]
    org_id: UUID | Unset = UNSET
    last_failure: ActorNodeLastFailure | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        kind = self.kind

        status = self.status

        started_at = self.started_at.isoformat()

        restarts = self.restarts

        messages_processed = self.messages_processed

        queue_depth = self.queue_depth

        children = []
        for children_item_data in self.children:
            children_item = children_item_data.to_dict()
            children.append(children_item)

        org_id: str | Unset = UNSET
        if not isinstance(self.org_id, Unset):
            org_id = str(self.org_id)

        last_failure: dict[str, Any] | Unset = UNSET
        if not isinstance(self.last_failure, Unset):
            last_failure = self.last_failure.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "kind": kind,
                "status": status,
                "started_at": started_at,
                "restarts": restarts,
                "messages_processed": messages_processed,
                "queue_depth": queue_depth,
                "children": children,
            }
        )
        if org_id is not UNSET:
            field_dict["org_id"] = org_id
        if last_failure is not UNSET:
            field_dict["last_failure"] = last_failure

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.actor_node_last_failure import ActorNodeLastFailure  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        kind = d.pop("kind")

        status = d.pop("status")

        started_at = datetime.datetime.fromisoformat(d.pop("started_at"))

        restarts = d.pop("restarts")

        messages_processed = d.pop("messages_processed")

        queue_depth = d.pop("queue_depth")

        children = []
        _children = d.pop("children")
        for children_item_data in _children:
            children_item = ActorNode.from_dict(children_item_data)

            children.append(children_item)

        _org_id = d.pop("org_id", UNSET)
        org_id: UUID | Unset
        if isinstance(_org_id, Unset):
            org_id = UNSET
        else:
            org_id = UUID(_org_id)

        _last_failure = d.pop("last_failure", UNSET)
        last_failure: ActorNodeLastFailure | Unset
        if isinstance(_last_failure, Unset):
            last_failure = UNSET
        else:
            last_failure = ActorNodeLastFailure.from_dict(_last_failure)

        actor_node = cls(
            id=id,
            name=name,
            kind=kind,
            status=status,
            started_at=started_at,
            restarts=restarts,
            messages_processed=messages_processed,
            queue_depth=queue_depth,
            children=children,
            org_id=org_id,
            last_failure=last_failure,
        )

        actor_node.additional_properties = d
        return actor_node

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
