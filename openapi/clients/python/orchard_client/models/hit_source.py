from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.source_kind import SourceKind, check_source_kind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.hit_source_metadata import HitSourceMetadata


T = TypeVar("T", bound="HitSource")


@_attrs_define
class HitSource:
    """Where a hit's text comes from: a repository chunk (repository, path, blob, lines) or a
    note (with the task that stored it, if any, and its metadata, if it has any).

        Example:
            {'blob_id': '4b825dc642cb6eb9a060e54bf8d69288fbee4904', 'end_line': 3, 'kind': 'chunk', 'path': 'src/signup.rs',
                'repo_id': '0193a1c5-0a1b-7c2d-9e3f-4a5b6c7d8e9f', 'start_line': 1}

        Attributes:
            kind (SourceKind): What a point was cut from.
            repo_id (UUID | Unset):
            path (str | Unset):
            blob_id (str | Unset): The git blob the chunk was cut from.
            start_line (int | Unset): First line, 1-based.
            end_line (int | Unset): Last line, inclusive.
            task_id (UUID | Unset): The task whose run stored the note.
            metadata (HitSourceMetadata | Unset): The note's metadata, as it was stored; absent when it has none.
    """

    kind: SourceKind
    repo_id: UUID | Unset = UNSET
    path: str | Unset = UNSET
    blob_id: str | Unset = UNSET
    start_line: int | Unset = UNSET
    end_line: int | Unset = UNSET
    task_id: UUID | Unset = UNSET
    metadata: HitSourceMetadata | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kind: str = self.kind

        repo_id: str | Unset = UNSET
        if not isinstance(self.repo_id, Unset):
            repo_id = str(self.repo_id)

        path = self.path

        blob_id = self.blob_id

        start_line = self.start_line

        end_line = self.end_line

        task_id: str | Unset = UNSET
        if not isinstance(self.task_id, Unset):
            task_id = str(self.task_id)

        metadata: dict[str, Any] | Unset = UNSET
        if not isinstance(self.metadata, Unset):
            metadata = self.metadata.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kind": kind,
            }
        )
        if repo_id is not UNSET:
            field_dict["repo_id"] = repo_id
        if path is not UNSET:
            field_dict["path"] = path
        if blob_id is not UNSET:
            field_dict["blob_id"] = blob_id
        if start_line is not UNSET:
            field_dict["start_line"] = start_line
        if end_line is not UNSET:
            field_dict["end_line"] = end_line
        if task_id is not UNSET:
            field_dict["task_id"] = task_id
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.hit_source_metadata import HitSourceMetadata  # noqa: PLC0415

        d = dict(src_dict)
        kind = check_source_kind(d.pop("kind"))

        _repo_id = d.pop("repo_id", UNSET)
        repo_id: UUID | Unset
        if isinstance(_repo_id, Unset):
            repo_id = UNSET
        else:
            repo_id = UUID(_repo_id)

        path = d.pop("path", UNSET)

        blob_id = d.pop("blob_id", UNSET)

        start_line = d.pop("start_line", UNSET)

        end_line = d.pop("end_line", UNSET)

        _task_id = d.pop("task_id", UNSET)
        task_id: UUID | Unset
        if isinstance(_task_id, Unset):
            task_id = UNSET
        else:
            task_id = UUID(_task_id)

        _metadata = d.pop("metadata", UNSET)
        metadata: HitSourceMetadata | Unset
        if isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            metadata = HitSourceMetadata.from_dict(_metadata)

        hit_source = cls(
            kind=kind,
            repo_id=repo_id,
            path=path,
            blob_id=blob_id,
            start_line=start_line,
            end_line=end_line,
            task_id=task_id,
            metadata=metadata,
        )

        hit_source.additional_properties = d
        return hit_source

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
