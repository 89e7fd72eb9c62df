from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.note_create_metadata_type_0 import NoteCreateMetadataType0


T = TypeVar("T", bound="NoteCreate")


@_attrs_define
class NoteCreate:
    """A note to remember.

    Example:
        {'metadata': {'source': 'slack', 'ticket': 'ENG-42'}, 'text': 'Signup emails are validated in src/signup.rs; the
            form rejects empty addresses.'}

    Attributes:
        text (str): The note; at most `memory.max_text_bytes` bytes (16 KiB by default).
        metadata (None | NoteCreateMetadataType0 | Unset): Your own labels for the note, returned with it and with every
            hit of it (they are not
            embedded and not searched): a flat object of strings, like
            `{"source": "slack", "ticket": "ENG-42"}`. At most 16 keys; each key 1 to 40 bytes of
            `A-Z a-z 0-9 _ . -`; each value a string of at most 500 bytes (UTF-8) without control
            characters. Breaking a limit is a 400 `invalid_input`; a value that is not a string,
            or metadata that is not an object, a 400 `bad_request`.
    """

    text: str
    metadata: None | NoteCreateMetadataType0 | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.note_create_metadata_type_0 import NoteCreateMetadataType0  # noqa: PLC0415

        text = self.text

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, NoteCreateMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "text": text,
            }
        )
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.note_create_metadata_type_0 import NoteCreateMetadataType0  # noqa: PLC0415

        d = dict(src_dict)
        text = d.pop("text")

        def _parse_metadata(data: object) -> None | NoteCreateMetadataType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = NoteCreateMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | NoteCreateMetadataType0 | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        note_create = cls(
            text=text,
            metadata=metadata,
        )

        note_create.additional_properties = d
        return note_create

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
