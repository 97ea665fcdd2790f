"""The container helpers find what they need and never delete through a mount."""

import os
from pathlib import Path

import pytest

from libs.testing.containers import (
    ContainerError,
    cache_dir,
    kept_buildah_storage,
    mounts_under,
    remove_tree,
    storage_driver,
    tree_bytes,
    unavailable_reason,
)


def test_cache_dir_follows_xdg_cache_home_then_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "items-api-image"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "items-api-image"


def test_cache_dir_without_a_home_says_what_to_set(monkeypatch):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("HOME", raising=False)
    with pytest.raises(ContainerError, match="HOME"):
        cache_dir()


def test_mounts_under_finds_mount_points_below_a_directory(tmp_path):
    assert "/proc" in mounts_under(tmp_path.parents[-1])
    assert mounts_under(tmp_path) == []


def test_remove_tree_refuses_to_delete_through_a_mount_point():
    # /proc is always a mount point, and nothing in it can be deleted should the guard fail.
    with pytest.raises(ContainerError, match="still mounted"):
        remove_tree(Path("/proc"))


def test_remove_tree_deletes_an_ordinary_directory(tmp_path):
    (tmp_path / "tree" / "branch").mkdir(parents=True)
    (tmp_path / "tree" / "branch" / "leaf").write_text("x")
    remove_tree(tmp_path / "tree")
    assert not (tmp_path / "tree").exists()


def test_storage_driver_is_overlay_or_vfs_unless_chosen(monkeypatch):
    monkeypatch.delenv("STORAGE_DRIVER", raising=False)
    assert storage_driver() in {"overlay", "vfs"}
    monkeypatch.setenv("STORAGE_DRIVER", "vfs")
    assert storage_driver() == "vfs"


def test_tree_bytes_counts_what_the_files_use(tmp_path):
    (tmp_path / "data").write_bytes(b"x" * 100_000)
    assert tree_bytes(tmp_path) >= 100_000


def test_a_kept_storage_is_kept_within_its_budget_and_emptied_beyond_it(tmp_path):
    reason = unavailable_reason()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with kept_buildah_storage(tmp_path) as buildah:
        buildah("images")  # makes the storage's files
        (buildah.storage / "root" / "mark").write_text("kept")
    with kept_buildah_storage(tmp_path) as buildah:
        assert (buildah.storage / "root" / "mark").exists()
    with kept_buildah_storage(tmp_path, budget_bytes=1) as buildah:
        assert not (buildah.storage / "root" / "mark").exists()
