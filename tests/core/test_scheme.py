import json

import pytest

from isfannotate import Project, load_scheme
from isfannotate.errors import InputError


def write(tmp_path, data, name="scheme.json"):
    p = tmp_path / name
    p.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return p


def test_default_scheme_loads_with_guidelines(seeds_dir):
    s = load_scheme(seeds_dir / "scheme.json")
    assert [lab.name for lab in s.span_labels] == ["ACTOR", "CLAIM", "CUE"]
    assert s.actor_label == "ACTOR" and "SOURCE_OF" in [r.name for r in s.relation_types]
    assert s.guidelines.startswith("# Annotation guidelines")
    assert {t.id for t in s.targets} >= {"isf-troops", "disarm-hamas"}


@pytest.mark.parametrize("data,field,message", [
    ({"span_labels": []}, "span_labels", "at least 1"),
    ({"span_labels": [{"name": "A", "key": "S"}]}, "span_labels.0", "reserved"),
    ({"span_labels": [{"name": "A", "color": "red"}]}, "span_labels.0", "#RRGGBB"),
    ({"span_labels": [{"name": "A", "key": "1"}, {"name": "B", "key": "1"}]}, "(top level)", "keys must be unique"),
    ({"span_labels": [{"name": "A", "attributes": [{"name": "q", "type": "choice"}]}]}, "span_labels.0.attributes.0",
     "choices"),
    ({"span_labels": [{"name": "A"}], "relation_types": [{"name": "R", "head_labels": ["B"]}]}, "(top level)",
     "unknown span label 'B'"),
    ({"span_labels": [{"name": "A", "colour": "#000000"}]}, "span_labels.0.colour", "Extra inputs"),
])
def test_scheme_errors_name_file_and_field(tmp_path, data, field, message):
    path = write(tmp_path, data)
    with pytest.raises(InputError) as e:
        load_scheme(path)
    text = str(e.value)
    assert text.startswith(str(path)) and f"scheme field {field}" in text and message in text


def test_scheme_not_json_names_line(tmp_path):
    path = write(tmp_path, '{\n  "span_labels": [\n  oops\n]}')
    with pytest.raises(InputError) as e:
        load_scheme(path)
    assert str(e.value).startswith(f"{path}:3:")


def test_init_with_custom_scheme_is_data_not_code(tmp_path):
    path = write(tmp_path, {"name": "Sports", "span_labels": [{"name": "PLAYER", "key": "p", "role": "actor"},
                                                            {"name": "TEAM", "key": "t"}],
                            "actor_types": ["person", "club"]})
    with Project.create(tmp_path / "s.isf", path) as p:
        p.import_paths([write(tmp_path, "Messi joined Inter Miami.", "a.txt")])
        p.annotate("a", "ann", 0, 5, "PLAYER")
        assert p.scheme.actor_label == "PLAYER" and p.targets() == []
        with pytest.raises(Exception, match="not in the scheme"):
            p.annotate("a", "ann", 0, 5, "ACTOR")
