"""统一社会信用代码 validation (GB 32100-2015)."""
from core import credit_code


def test_a_published_code_is_valid():
    assert credit_code.is_valid("91350100M000100Y43")


def test_generated_codes_are_valid():
    assert credit_code.is_valid(credit_code.make("12", "370100", "49557182"))


def test_changed_check_character_is_caught():
    code = credit_code.make("91", "370200", "12345678")
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert credit_code.problem(wrong) == "credit_code.checksum"


def test_wrong_length_and_letters_are_named():
    assert credit_code.problem("9137") == "credit_code.length"
    assert credit_code.problem("91370100MA3CIOSVZ1") == "credit_code.characters"


def test_full_width_and_lower_case_input_is_normalised():
    code = credit_code.make("91", "370100", "MA3C0001")
    full_width = "".join(chr(ord(ch) + 0xFEE0) for ch in code.lower())
    assert credit_code.is_valid(full_width)
