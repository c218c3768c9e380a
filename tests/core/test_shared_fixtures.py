"""Tests reading ../shared skip when it is absent, but fail under ISFANNOTATE_REQUIRE_SHARED=1 (CI)."""
import pytest


def test_missing_shared_file_skips_normally(shared, monkeypatch):
    monkeypatch.delenv("ISFANNOTATE_REQUIRE_SHARED", raising=False)
    with pytest.raises(pytest.skip.Exception):
        shared("peer-formats", "no-such-file.json")


def test_missing_shared_file_fails_when_required(shared, monkeypatch):
    monkeypatch.setenv("ISFANNOTATE_REQUIRE_SHARED", "1")
    with pytest.raises(pytest.fail.Exception, match="required"):
        shared("peer-formats", "no-such-file.json")
