"""Curation services: the corrections a curator makes, each one transaction with a result.

The admin only calls these. Every service records what it changed (``archive.history``)
and tells the search index about the articles it touched (``send_after_commit``).

``stories``: curated fields, the admin's own edits, re-extraction, bulk changes, removed
lines; ``merges``: merging people or outlets, splitting an alias; ``names``: the queue of
names to resolve; ``undo``: undoing a bulk change or a merge; ``common``: what they share.
"""

from .common import (
    CURATABLE_FIELDS,
    CURATOR_PERMISSIONS,
    CURATORS_GROUP,
    CurationError,
    curated_after_edit,
    ensure_curators_group,
    forget_curation,
    mark_curated,
)
from .merges import (
    MergeResult,
    SplitResult,
    mention_names,
    merge_outlets,
    merge_people,
    name_form_counts,
    name_parts,
    name_pattern,
    split_alias,
)
from .names import (
    CONTEXT_CHARS,
    MAX_CANDIDATES,
    LinkResult,
    context_sentence,
    dismiss_unresolved,
    link_unresolved,
    new_person_for_unresolved,
    unresolved_candidates,
)
from .stories import (
    BulkResult,
    ReadInput,
    ReextractSummary,
    RestoreResult,
    read_input,
    record_added,
    record_deleted,
    record_deleted_many,
    record_edit,
    record_inline_changes,
    reextract,
    restore_removed_line,
    set_articles,
)
from .undo import UNDO_PREFIX, UNDOABLE_ACTIONS, UndoResult, undo_operation, undo_records

__all__ = [
    "BulkResult",
    "CONTEXT_CHARS",
    "CURATABLE_FIELDS",
    "CURATORS_GROUP",
    "CURATOR_PERMISSIONS",
    "CurationError",
    "LinkResult",
    "MAX_CANDIDATES",
    "MergeResult",
    "ReadInput",
    "ReextractSummary",
    "RestoreResult",
    "SplitResult",
    "UNDOABLE_ACTIONS",
    "UNDO_PREFIX",
    "UndoResult",
    "context_sentence",
    "curated_after_edit",
    "dismiss_unresolved",
    "ensure_curators_group",
    "forget_curation",
    "link_unresolved",
    "mark_curated",
    "mention_names",
    "merge_outlets",
    "merge_people",
    "name_form_counts",
    "name_parts",
    "name_pattern",
    "new_person_for_unresolved",
    "read_input",
    "record_added",
    "record_deleted",
    "record_deleted_many",
    "record_edit",
    "record_inline_changes",
    "reextract",
    "restore_removed_line",
    "set_articles",
    "split_alias",
    "undo_operation",
    "undo_records",
    "unresolved_candidates",
]
