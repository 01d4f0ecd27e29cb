"""The minutes of a table meeting as a PDF: the agenda (cases and offered homes), the proposal,
the decisions with their reasons and the confirmations of each placement.

Cases appear by their pseudonymous case number only: no note, no care provider, no household.
The PDF uses the core Helvetica font (Latin-1: every Dutch letter prints); characters outside
Latin-1 are replaced by a close ASCII form (`latin1`).
"""

import unicodedata

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

# Characters outside Latin-1 that have a readable stand-in.
REPLACEMENTS = {
    "€": "EUR",
    "–": "-",
    "—": "-",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "…": "...",
    "→": "->",
    "•": "-",
    "\u00a0": " ",
}


def latin1(text) -> str:
    """`text` in what a core PDF font can print: Latin-1, other characters approximated."""
    text = "" if text is None else str(text)
    for char, stand_in in REPLACEMENTS.items():
        text = text.replace(char, stand_in)
    out = []
    for char in text:
        try:
            char.encode("latin-1")
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(plain or "?")
        else:
            out.append(char)
    return "".join(out)


def _date(value):
    return value.strftime("%d-%m-%Y") if value else "-"


def _moment(value):
    return timezone.localtime(value).strftime("%d-%m-%Y %H:%M") if value else _("nog niet")


class MinutesPDF(FPDF):
    def __init__(self, title: str):
        super().__init__(orientation="landscape", format="A4")
        self.minutes_title = latin1(title)
        self.set_title(self.minutes_title)
        self.set_author("GMR Thuis")
        self.set_auto_page_break(auto=True, margin=15)
        self.alias_nb_pages()

    def footer(self):
        self.set_y(-12)
        self.set_font("Helvetica", size=8)
        self.set_text_color(90)
        confidential = latin1(
            _("Vertrouwelijk: alleen voor de leden van de tafel. Pseudonieme casusnummers.")
        )
        self.cell(0, 6, confidential, align="L")
        self.set_x(self.l_margin)
        page = latin1(
            _("Pagina %(page)s van %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}
        )
        self.cell(0, 6, page, align="R")
        self.set_text_color(0)

    def heading(self, text, size=13):
        self.ln(3)
        self.set_font("Helvetica", style="B", size=size)
        self.multi_cell(0, 7, latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.set_font("Helvetica", size=9)

    def paragraph(self, text):
        self.set_font("Helvetica", size=9)
        self.multi_cell(0, 5, latin1(text), new_x="LMARGIN", new_y="NEXT")

    def grid(self, header, rows, widths):
        """A table with a bold repeated header; an empty table prints a dash line."""
        if not rows:
            self.paragraph("-")
            return
        self.set_font("Helvetica", size=8)
        with self.table(
            col_widths=widths,
            headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
            line_height=4.5,
            text_align="LEFT",
            first_row_as_headings=True,
            repeat_headings=1,
        ) as table:
            table.row([latin1(h) for h in header])
            for row in rows:
                table.row([latin1(value) for value in row])
        self.ln(2)


def minutes_pdf(context, *, compress: bool = True) -> bytes:
    """The PDF of a meeting's minutes from the meeting page's context (`_meeting_context`)."""
    meeting = context["meeting"]
    pdf = MinutesPDF(_("Verslag %(meeting)s") % {"meeting": meeting})
    pdf.set_compression(compress)
    pdf.add_page()
    pdf.heading(pdf.minutes_title, size=16)
    pdf.paragraph(
        _("Regio %(region)s. Opgemaakt op %(now)s.")
        % {"region": meeting.region, "now": _moment(timezone.now())}
    )
    invited = ", ".join(str(m) for m in meeting.invited_municipalities.all()) or "-"
    corporations = ", ".join(str(c) for c in meeting.invited_corporations.all()) or "-"
    pdf.paragraph(_("Uitgenodigde gemeenten: %(names)s") % {"names": invited})
    pdf.paragraph(_("Uitgenodigde corporaties: %(names)s") % {"names": corporations})

    pdf.heading(_("Agenda: casussen"))
    pdf.grid(
        [_("Casus"), _("Verzendende gemeente"), _("Aandachtsgroep"), _("Uiterste datum")],
        [
            [
                row["case"].number,
                row["case"].municipality.name,
                row["case"].target_group,
                _date(row["case"].deadline),
            ]
            for row in context["rows"]
        ],
        (40, 60, 110, 40),
    )
    pdf.heading(_("Agenda: aangeboden woningen"))
    pdf.grid(
        [_("Woning"), _("Beschikbaar vanaf"), _("Aanbod geldig tot"), _("Status")],
        [
            [
                offer,
                _date(offer.available_from),
                _date(offer.valid_until),
                offer.get_status_display(),
            ]
            for offer in context["offers"]
        ],
        (130, 40, 40, 40),
    )

    pdf.heading(_("Voorstel"))
    pdf.grid(
        [_("Casus"), _("Woning"), _("Score"), _("Waarom dit getal?")],
        [
            [row["case"].number, row["offer"], f"{row['score']:.2f}", row["explanation"]]
            for row in context["proposal"]
        ],
        (35, 75, 15, 152),
    )
    if context["unmatched"]:
        pdf.heading(_("Casussen zonder passende woning"), size=11)
        for row in context["unmatched"]:
            pdf.paragraph(f"{row['case'].number}: " + "; ".join(row["reasons"]))

    pdf.heading(_("Besluiten"))
    decided = [row for row in context["rows"] if row["decision"]]
    pdf.grid(
        [_("Casus"), _("Besluit"), _("Woning"), _("Reden")],
        [
            [
                row["case"].number,
                row["decision"].get_outcome_display(),
                row["decision"].offer or "-",
                row["decision"].reason or "-",
            ]
            for row in decided
        ],
        (35, 30, 90, 122),
    )
    open_rows = [row["case"].number for row in context["rows"] if not row["decision"]]
    if open_rows:
        pdf.paragraph(_("Nog geen besluit: %(cases)s") % {"cases": ", ".join(open_rows)})

    pdf.heading(_("Bevestigingen"))
    placements = [
        (row["case"], row["decision"].placement)
        for row in decided
        if getattr(row["decision"], "placement", None) is not None
    ]
    pdf.grid(
        [
            _("Casus"),
            _("Ontvangende gemeente"),
            _("Corporatie"),
            _("Gemeente bevestigd"),
            _("Corporatie bevestigd"),
            _("Geplaatst op"),
        ],
        [
            [
                case.number,
                placement.municipality,
                placement.corporation,
                _moment(placement.municipality_confirmed_at),
                _moment(placement.corporation_confirmed_at),
                _date(placement.placed_on),
            ]
            for case, placement in placements
        ],
        (35, 50, 55, 45, 45, 47),
    )
    return bytes(pdf.output())
