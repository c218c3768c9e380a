import pytest

from isfannotate.errors import InputError
from isfannotate.textclean import clean_and_hash, clean_text, decode_utf8, sha256_text

FLAGS = "🇵🇰🇺🇸 Pakistan"
FAMILY = "👨‍👩‍👧 family"
URDU = "پاکستان نے کہا"
COMBINING = "Cafe\u0301 au lait"


@pytest.mark.parametrize("text", [FLAGS, FAMILY, URDU, COMBINING, "a\u2028b"])
def test_text_is_kept_exactly_no_normalisation(text):
    assert clean_text(text, "x.txt") == text


def test_bom_dropped_and_newlines_unified():
    assert clean_text("\ufeffa\r\nb\rc\n", "x.txt") == "a\nb\nc\n"
    # only a leading BOM is dropped; one inside the text is content
    assert clean_text("a\ufeffb", "x.txt") == "a\ufeffb"


def test_code_point_offsets_after_emoji():
    text = clean_text(FLAGS, "x.txt")
    assert text.index("Pakistan") == 5 and text[5:13] == "Pakistan"
    assert text[:2] == "🇵🇰"


def test_invalid_utf8_names_file_line_and_byte():
    with pytest.raises(InputError) as e:
        decode_utf8(b"line one\nbad \xff here", "bad.txt")
    assert str(e.value).startswith("bad.txt:2:") and "byte 13" in str(e.value)


def test_binary_file_rejected():
    with pytest.raises(InputError, match="binary"):
        decode_utf8(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.txt")


def test_lone_surrogate_rejected():
    with pytest.raises(InputError, match="lone surrogate U\\+D800"):
        clean_and_hash("abc\ud800def", "x.jsonl", 3)


@pytest.mark.parametrize("text", ["", "   \n\t", "\ufeff"])
def test_empty_rejected(text):
    with pytest.raises(InputError, match="empty"):
        clean_text(text, "e.txt")


def test_one_document_size_limit_is_stated():
    with pytest.raises(InputError, match="limit of 10 MiB"):
        decode_utf8(b"a" * (10 * 1024 * 1024 + 1), "big.txt")


def test_sha256_is_of_utf8_bytes():
    import hashlib
    assert sha256_text("é") == hashlib.sha256("é".encode()).hexdigest()
