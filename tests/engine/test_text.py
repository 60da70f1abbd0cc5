from faqbot.engine.text import normalize, plain_text, words


def test_normalize_folds_case_width_and_spaces():
    assert normalize("  Where IS\tmy\u00a0ＰＡＲＣＥＬ?  ") == "where is my parcel?"


def test_plain_text_drops_link_targets_and_markup():
    md = "Use the **[Returns portal](https://brightline.example/returns)**:\n- one\n- two"
    assert plain_text(md) == "Use the Returns portal : one two"


def test_words_match_the_vectorizer_token_pattern():
    assert words("i'm 2 days late, e-mail x100") == ["days", "late", "mail", "x100"]
