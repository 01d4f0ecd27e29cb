"""Obvious personal data in free text: BSN-like numbers, e-mail addresses, phone numbers.

The table works with pseudonymous cases; a note, a case number or a care provider's name that
carries one of these is refused (a check for the obvious, not a guarantee).
"""

import re

from django.utils.translation import gettext as _

NINE_DIGITS = re.compile(r"(?<!\d)(\d[\s.-]?){8}\d(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Dutch numbers: 06-12345678, 0612345678, 020-1234567, +31 6 12345678, 0031 26 1234567.
PHONE = re.compile(r"(?<![\w+])(\+31|0031|0)[\s-]?(\d[\s-]?){8}\d(?!\d)")


def is_bsn_like(digits: str) -> bool:
    """Nine digits passing the BSN's eleven test (9×d1 + 8×d2 + … + 2×d8 − 1×d9 ≡ 0 mod 11)."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


def personal_data_found(text: str) -> list[str]:
    """What kind of personal data `text` seems to carry, in Dutch; empty when none."""
    found = []
    if not text:
        return found
    if any(is_bsn_like(re.sub(r"\D", "", m.group(0))) for m in NINE_DIGITS.finditer(text)):
        found.append(_("een BSN-achtig nummer"))
    if EMAIL.search(text):
        found.append(_("een e-mailadres"))
    if PHONE.search(text):
        found.append(_("een telefoonnummer"))
    return found
