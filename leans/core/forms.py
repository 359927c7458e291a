"""Forms every feature uses: the base form (WTForms' own messages in Bahasa Indonesia), the
bare CSRF form, bounded query numbers."""

from __future__ import annotations

from flask import request
from flask_babel import get_translations, gettext, ngettext
from flask_wtf import FlaskForm


class _CatalogueTranslations:
    """WTForms' built-in messages ("This field is required.") looked up in LEANS's own
    catalogue, since WTForms ships no Indonesian; WTForms formats the result itself."""

    def gettext(self, string: str) -> str:
        return get_translations().gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ngettext(singular, plural, n)


CATALOGUE_TRANSLATIONS = _CatalogueTranslations()


class LeansForm(FlaskForm):
    """Every LEANS form: Flask-WTF's, with WTForms' messages in the reader's language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: object) -> _CatalogueTranslations:
            return CATALOGUE_TRANSLATIONS


def _wtforms_messages() -> None:  # pragma: no cover - never called: read by `pybabel extract`
    """The WTForms messages LEANS's validators and fields can show, so that the catalogue has
    them (keep in step with the validators the forms use)."""
    gettext("This field is required.")
    gettext("Invalid email address.")
    gettext("Field must be equal to %(other_name)s.")
    gettext("Field must be between %(min)d and %(max)d characters long.")
    ngettext("Field must be at least %(min)d character long.",
             "Field must be at least %(min)d characters long.", 1)
    ngettext("Field cannot be longer than %(max)d character.",
             "Field cannot be longer than %(max)d characters.", 1)
    ngettext("Field must be exactly %(max)d character long.",
             "Field must be exactly %(max)d characters long.", 1)
    gettext("Not a valid choice.")
    ngettext("'%(value)s' is not a valid choice for this field.",
             "'%(value)s' are not valid choices for this field.", 1)
    gettext("Not a valid integer value.")
    gettext("Not a valid date value.")
    gettext("Invalid input.")


class EmptyForm(LeansForm):
    """A bare form for POST-only buttons: it carries only the CSRF token."""


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """A whole-number query parameter kept within [low, high]; the default when it is
    missing or not a number (``?page=1e20``, ``?days=-3`` never reach the database)."""
    value = request.args.get(name, type=int)
    if value is None:
        return default
    return min(max(value, low), high)
