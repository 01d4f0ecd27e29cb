"""What a dashboard page shows, read from its HTML: a cached page renders no template context."""

import html
import re

ROW = re.compile(r'<th scope="row"><a href="[^"]*">([^<]*)</a></th>')


def ijktabel_names(response) -> list[str]:
    """The municipalities of the region dashboard's IJktabel, in order."""
    page = response.content.decode()
    start = page.index('class="ijktabel')
    table = page[start : page.index("</table>", start)]
    return [html.unescape(name) for name in ROW.findall(table)]


def main_of(response) -> str:
    """The page's main content: the same for every reader of a scope (no CSRF token in it)."""
    page = response.content.decode()
    return page[page.index('<main id="main"') : page.index("</main>")]
