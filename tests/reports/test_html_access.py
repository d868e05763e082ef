"""The HTML report read by everyone (WCAG 2.1 AA), checked on its structure without a browser: text contrast on
every coloured background, meaning carried in text as well as colour, tables with captions and header cells,
headings in order, landmarks, and charts with a text alternative."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd

from evalnlp.reports.html import heatmap_svg, prevalence_svg, sentiment_svg

SVG = "{http://www.w3.org/2000/svg}"
NAMED = {"white": "#ffffff", "black": "#000000"}


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rgb``, ``#rrggbb`` or white/black."""
    colour = NAMED.get(colour, colour).lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(ink: str, paper: str) -> float:
    light, dark = sorted((luminance(ink), luminance(paper)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _svg(markup: str) -> ET.Element:
    return ET.fromstring(markup.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1))


def text_on_paper(markup: str) -> list[tuple[str, str, str]]:
    """Each text of a chart with its ink and the fill of the shape under it (white where none is): (text, ink,
    paper). A text lies on the last rectangle drawn before it that holds its anchor point."""
    found, rects = [], []
    root = _svg(markup)
    defined = {id(el) for defs in root.iter(SVG + "defs") for el in defs.iter()}  # patterns: not drawn as they are
    for el in (el for el in root.iter() if id(el) not in defined):
        if el.tag == SVG + "rect":
            x, y, w, h = (float(el.get(k)) for k in ("x", "y", "width", "height"))
            rects.append((x, y, x + w, y + h, el.get("fill", "#000000")))
        elif el.tag == SVG + "text":
            # a label wrapped onto lines places each line in a tspan of its own: the first one's place counts
            at = el if el.get("x") is not None else next(el.iter(SVG + "tspan"))
            x, y = float(at.get("x")), float(at.get("y")) - 4  # y is the baseline: look inside the letters
            paper = next((fill for x0, y0, x1, y1, fill in reversed(rects)
                          if x0 <= x <= x1 and y0 <= y <= y1 and not el.get("transform")), "#ffffff")
            found.append(("".join(el.itertext()), el.get("fill", "#000000"), paper))
    return found


def low_contrast(markup: str) -> list[tuple[str, str, str, float]]:
    return [(text, ink, paper, round(contrast(ink, paper), 2)) for text, ink, paper in text_on_paper(markup)
            if contrast(ink, paper) < 4.5]


def test_every_figure_in_the_heatmap_reads_at_4_5_to_1_on_its_cell():
    """Shares from 0 to the largest in steps of 1%: the cells between 55% and 75% of the darkest once had white
    figures at 3.0:1 to 4.3:1 on their mid blue."""
    matrix = pd.DataFrame({"group": [f"G{i}" for i in range(101)], "theme": "engagement",
                           "label": "Engagement & involvement", "documents": range(101), "n": 100,
                           "share": [i / 100 for i in range(101)]})
    svg = heatmap_svg(matrix, "programme")
    cells = [t for t in text_on_paper(svg) if t[0].endswith("%") and t[2] != "#ffffff"]
    assert len(cells) == 101
    assert low_contrast(svg) == []


def test_every_text_of_the_prevalence_and_sentiment_charts_reads_at_4_5_to_1():
    themes = pd.DataFrame({"label": ["Engagement & involvement", "Policy influence"], "share": [0.4, 0.0],
                           "documents": [4, 0], "n": [10, 10], "ci_low": [0.17, 0.0], "ci_high": [0.69, 0.28],
                           "positive": [5, 0], "mixed": [2, 0], "negative": [1, 0], "neutral": [3, 0]})
    assert low_contrast(prevalence_svg(themes)) == []
    svg = sentiment_svg(themes)
    assert any(text == "no scored passages" for text, _, _ in text_on_paper(svg))
    assert low_contrast(svg) == []


def test_the_sentiment_chart_says_each_count_in_words_and_hatches_two_of_its_colours():
    """Colour alone told positive from negative (red and green, the same grey in print): each bar's counts are
    written beside it, and negative and mixed are hatched, so their parts differ printed in black and white."""
    themes = pd.DataFrame({"label": ["Engagement & involvement"], "positive": [5], "mixed": [2], "negative": [1],
                           "neutral": [3]})
    svg = sentiment_svg(themes)
    texts = [text for text, _, _ in text_on_paper(svg)]
    assert "n=11: 5 positive, 2 mixed, 1 negative, 3 neutral" in texts
    fills = {el.findtext(SVG + "title").rsplit(" ", 1)[1]: el.get("fill") for el in _svg(svg).iter(SVG + "rect")
             if el.findtext(SVG + "title")}
    assert set(fills) == {"positive", "mixed", "negative", "neutral"}
    assert fills["negative"].startswith("url(#") and fills["mixed"].startswith("url(#")
    patterns = {el.get("id") for el in _svg(svg).iter(SVG + "pattern")}
    assert {fills["negative"][5:-1], fills["mixed"][5:-1]} <= patterns


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: "Node | None") -> None:
        self.tag, self.attrs, self.parent, self.children, self.text = tag, attrs, parent, [], ""

    def iter(self, tag: str | None = None):
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            yield from child.iter(tag)

    def all_text(self) -> str:
        return " ".join((self.text + " " + " ".join(c.all_text() for c in self.children)).split())


def parse(page: str) -> Node:
    """The page as a tree of elements (void and SVG leaf elements closed where they open)."""
    from html.parser import HTMLParser

    void = {"meta", "br", "img", "input", "link", "hr", "rect", "line", "path"}

    class Builder(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.root = self.at = Node("#document", {}, None)

        def handle_starttag(self, tag, attrs):
            node = Node(tag, dict(attrs), self.at)
            self.at.children.append(node)
            if tag not in void:
                self.at = node

        def handle_startendtag(self, tag, attrs):
            self.at.children.append(Node(tag, dict(attrs), self.at))

        def handle_endtag(self, tag):
            if tag not in void:
                assert self.at.tag == tag, (self.at.tag, tag)
                self.at = self.at.parent

        def handle_data(self, data):
            self.at.text += data

    builder = Builder()
    builder.feed(page)
    return builder.root


def report_page(evidence, quotes=None) -> Node:
    from evalnlp.reports.html import render_html

    return parse(render_html(evidence, quotes=quotes, title="Evidence report"))


def test_every_table_has_a_caption_and_header_cells_scoped_to_their_column_or_row(evidence):
    tables = list(report_page(evidence).iter("table"))
    assert len(tables) == 4  # themes, by programme, claims, provenance
    for table in tables:
        first = table.children[0]
        assert first.tag == "caption" and first.all_text(), "a table without a caption"
        (head,) = table.iter("thead")
        assert [th.attrs.get("scope") for th in head.iter("th")] == ["col"] * len(list(head.iter("th")))
        assert list(head.iter("td")) == []
        (body,) = table.iter("tbody")
        rows = list(body.iter("tr"))
        assert rows
        for row in rows:
            assert row.children[0].tag == "th" and row.children[0].attrs.get("scope") == "row", row.all_text()
            assert all(cell.tag == "td" for cell in row.children[1:])
    captions = [t.children[0].all_text() for t in tables]
    assert captions[1].startswith("Themes by programme")


def test_one_h1_and_heading_levels_that_never_skip_with_main_nav_and_language(evidence, quotes):
    page = report_page(evidence, quotes)
    (html,) = page.iter("html")
    assert html.attrs.get("lang") == "en-GB"  # British English, as the Word files say
    levels = [int(n.tag[1]) for n in page.iter() if re.fullmatch(r"h[1-6]", n.tag)]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    assert len(list(page.iter("main"))) == 1 and len(list(page.iter("nav"))) == 1


def test_charts_and_scrolling_boxes_are_named_and_the_boxes_take_keyboard_focus(evidence):
    """A chart is one image to a screen reader: it has a name and a description saying where its figures are in
    words. A box that scrolls sideways (a wide table or chart) can be reached and scrolled with the keyboard,
    and announces what it holds; focus is drawn visibly."""
    from evalnlp.reports.html import render_html

    markup = render_html(evidence)
    page = parse(markup)
    by_id: dict[str, Node] = {}
    for node in page.iter():
        if "id" in node.attrs:
            assert node.attrs["id"] not in by_id, f"id {node.attrs['id']} used twice"
            by_id[node.attrs["id"]] = node

    def named(node: Node, attr: str) -> str:
        ref = node.attrs.get(attr)
        assert ref in by_id, (node.tag, attr, ref)
        return by_id[ref].all_text()

    charts = [n for n in page.iter("svg") if "chart" in n.attrs.get("class", "").split()]
    assert len(charts) == 3
    for chart in charts:
        assert chart.attrs.get("role") == "img"
        assert named(chart, "aria-labelledby") and "written" in named(chart, "aria-describedby")
    boxes = [n for n in page.iter("div") if "wide" in n.attrs.get("class", "").split()]
    assert len(boxes) == 3 + 4  # the charts and the tables
    for box in boxes:
        assert box.attrs.get("role") == "region" and box.attrs.get("tabindex") == "0"
        assert named(box, "aria-labelledby")
    (nav,) = page.iter("nav")
    assert nav.attrs.get("aria-label")
    assert ".wide:focus-visible{outline:" in markup


def test_a_matrix_of_many_groups_prints_every_group_in_tables_that_fit_the_page(evidence):
    """Printed, a table is not a box that scrolls: the columns of a 16-group matrix past the page's edge were cut
    off (Chromium printed 14 of 16 groups), and the heatmap was shrunk to a few pixels a figure. The matrix prints
    as heatmaps and tables of at most six groups, each with the theme column; the screen keeps one of each; each
    form is hidden from the other medium."""
    import dataclasses

    from evalnlp.reports._common import PAGE_GROUPS
    from evalnlp.reports.html import render_html

    matrix = evidence.matrices["programme"]
    first = matrix[matrix["group"] == matrix["group"].iloc[0]]
    sites = pd.concat([first.assign(group=f"Site {chr(65 + i)}", n=100 + i) for i in range(16)], ignore_index=True)
    markup = render_html(dataclasses.replace(evidence, matrices={"site": sites}))
    page = parse(markup)

    def grid(table: Node) -> list[list[str]]:
        return [[cell.all_text() for cell in row.children] for row in table.iter("tr")]

    (section,) = [n for n in page.iter("section") if n.attrs.get("id") == "by-1-site"]
    (screen,) = [n for n in section.iter("div") if n.attrs.get("class") == "screen"]
    (printed,) = [n for n in section.iter("div") if n.attrs.get("class") == "print"]
    (whole,) = [grid(t) for t in screen.iter("table")]
    parts = [grid(t) for t in printed.iter("table")]
    assert len(whole[0]) == 17 and len(parts) == 3
    assert [len(part[0]) - 1 for part in parts] == [6, 5, 5]  # the fewest parts, as even as can be
    assert PAGE_GROUPS == 6
    rejoined = [[row[0] for row in whole]] + [[row[j] for row in part] for part in parts for j in range(1, len(part[0]))]
    assert rejoined == [list(col) for col in zip(*whole)]  # every group's column once, in order, every cell as on screen
    assert all(part[r][0] == whole[r][0] for part in parts for r in range(len(whole)))  # each with the theme column
    # the heatmap prints in the same parts, each cell shaded as on screen (one scale), not shrunk to fit a page

    def shading(div: Node) -> dict[str, str]:
        """Each heatmap cell's fill by its tooltip (theme / group: counts), over the charts in ``div``."""
        charts = [re.search(rf'<svg[^>]* id="{svg.attrs["id"]}".*?</svg>', markup, re.S).group() for svg in div.iter("svg")]
        return {rect.findtext(SVG + "title"): rect.get("fill") for chart in charts
                for rect in _svg(chart).iter(SVG + "rect") if rect.findtext(SVG + "title")}

    assert len(list(screen.iter("svg"))) == 1
    charts = list(printed.iter("svg"))
    assert len(charts) == 3
    assert shading(printed) == shading(screen) and len(shading(screen)) == 16 * (len(whole) - 1)
    screen_css, print_css = markup.split("@media print{", 1)
    assert ".print{display:none}" in screen_css
    assert ".screen{display:none}" in print_css and ".print{display:block}" in print_css


def test_word_files_name_their_language_title_headings_and_table_headers(evidence, quotes, cb, tmp_path):
    """A Word evidence or quotes file: the title and language (British English, not python-docx's en-US) in its
    properties and text defaults, headings as Word's heading styles from the title down without a skipped
    level, and each table titled (its alternative text) with its first row marked as the header row."""
    import docx
    from docx.oxml.ns import qn

    from evalnlp.reports import write_evidence, write_quotes

    (evidence_docx,) = write_evidence(evidence, tmp_path / "evidence.docx")
    quotes_docx = write_quotes(quotes, tmp_path / "quotes.docx", codebook=cb)
    for path, title in ((evidence_docx, "Evidence tables"), (quotes_docx, "Quotes")):
        document = docx.Document(str(path))
        assert document.core_properties.title == title and document.core_properties.language == "en-GB"
        langs = {el.get(qn("w:val")) for el in document.styles.element.find(qn("w:docDefaults")).iter(qn("w:lang"))}
        assert langs == {"en-GB"}
        styles = [p.style.name for p in document.paragraphs if p.style.name == "Title" or
                  p.style.name.startswith("Heading")]
        assert styles[0] == "Title" and styles.count("Title") == 1
        levels = [0 if name == "Title" else int(name.split()[-1]) for name in styles]
        assert len(levels) > 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
        assert document.tables
        for table in document.tables:
            caption = table._tbl.tblPr.find(qn("w:tblCaption"))
            assert caption is not None and caption.get(qn("w:val")), [c.text for c in table.rows[0].cells]
            assert table._tbl.tblPr[-1] is caption  # where the schema puts it: last
            header = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
            assert header is not None and header.get(qn("w:val")) == "true"


def test_every_text_colour_of_the_stylesheet_reads_at_4_5_to_1_on_every_background_it_can_fall_on():
    """Each rule that colours text, on its own background or, without one, on every background of the page (the
    page, an even table row, a quote, a code block): at least 4.5:1. A guard: the colours pass today."""
    from evalnlp.reports.html import _CSS

    rules = [(sel.strip(), dict(re.findall(r"([\w-]+):([^;]+)", body)))
             for sel, body in re.findall(r"([^{}]+)\{([^{}]*)\}", _CSS.replace("@media print{", ""))]
    papers = {props["background"] for _, props in rules  # a background other text falls on: one of no text colour
              if "color" not in props and re.fullmatch(r"#[0-9a-f]{3,6}", props.get("background", ""))}
    assert {"#fff", "#f6f8fa", "#f3f7fb"} <= papers
    coloured = [(sel, props) for sel, props in rules if "color" in props]
    assert len(coloured) >= 8
    failing = [(sel, props["color"], paper, round(contrast(props["color"], paper), 2)) for sel, props in coloured
               for paper in ([props["background"]] if "background" in props else sorted(papers))
               if contrast(props["color"], paper) < 4.5]
    assert failing == []


def test_a_word_matrix_of_many_groups_is_set_in_tables_that_fit_an_a4_page(evidence, tmp_path):
    """Sixteen groups in one Word table ran past the page's edge; they are set as tables of six, five and five
    groups, each with the theme column and fixed column widths within the page."""
    import dataclasses

    import docx
    from docx.oxml.ns import qn

    from evalnlp.reports import write_evidence

    matrix = evidence.matrices["programme"]
    first = matrix[matrix["group"] == matrix["group"].iloc[0]]
    sites = pd.concat([first.assign(group=f"Site {chr(65 + i)}", n=100 + i) for i in range(16)], ignore_index=True)
    (path,) = write_evidence(dataclasses.replace(evidence, matrices={"site": sites}), tmp_path / "sites.docx")
    document = docx.Document(str(path))
    parts = [t for t in document.tables if t.rows[0].cells[0].text == "Theme" and t.rows[0].cells[1].text.startswith("Site")]
    headers = [[c.text for c in t.rows[0].cells] for t in parts]
    assert [len(h) - 1 for h in headers] == [6, 5, 5]
    assert [g for h in headers for g in h[1:]] == [f"Site {chr(65 + i)}" for i in range(16)]
    section = document.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    for table in parts:
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        assert [r.cells[0].text for r in table.rows] == [r.cells[0].text for r in parts[0].rows]
        assert abs(sum(c.width for c in table.rows[1].cells) - text_width) < 1000


def test_every_text_colour_of_a_word_file_reads_at_4_5_to_1_on_white(evidence, quotes, cb, tmp_path):
    """Each paragraph style a Word file uses, followed to the style it is based on: its colour is its own (not an
    accent of the theme, which Word would show instead) and reads at 4.5:1 on the white page. Heading 2, each claim's
    heading, was python-docx's light blue #4F81BD at 4.0:1."""
    import docx
    from docx.oxml.ns import qn

    from evalnlp.reports import write_evidence, write_quotes

    (evidence_docx,) = write_evidence(evidence, tmp_path / "evidence.docx")
    for path in (evidence_docx, write_quotes(quotes, tmp_path / "quotes.docx", codebook=cb)):
        document = docx.Document(str(path))
        paragraphs = [*document.paragraphs, *(p for t in document.tables for row in t.rows for c in row.cells
                                              for p in c.paragraphs)]
        used = {p.style.name for p in paragraphs}
        assert {"Title", "Heading 1"} <= used
        for name in used:
            colour = own_colour(document.styles[name])
            if colour is None:
                continue  # the document's default: automatic, black
            assert colour.get(qn("w:themeColor")) in (None, "text1"), name  # text1: the theme's text colour, black
            assert contrast("#" + colour.get(qn("w:val")), "#ffffff") >= 4.5, (name, colour.get(qn("w:val")))


def own_colour(style):
    """The w:color of a Word style or of the nearest style it is based on, or None."""
    from docx.oxml.ns import qn

    while style is not None:
        colour = style.element.find(f"{qn('w:rPr')}/{qn('w:color')}")
        if colour is not None:
            return colour
        style = style.base_style
    return None


def test_the_report_prints_on_a4(evidence, quotes):
    """Printed or saved as PDF from the browser, the report took the browser's default paper (US Letter in
    Chromium), on which its charts' text came out smaller and its pages broke where an A4 report's do not."""
    page = report_page(evidence, quotes)
    (style,) = page.iter("style")
    assert re.search(r"@page\{size:A4;", style.all_text())


def test_a_word_files_title_is_a_heading_and_no_blank_paragraph_sits_between_a_table_and_a_heading(
        evidence, quotes, cb, tmp_path):
    """python-docx's Title style has no outline level, so the title was missing from Word's navigation pane and a
    screen reader's headings; and each table was followed by an empty paragraph, read out as "blank", though a
    heading came next. One stays where it ends the document (Word needs a paragraph after a last table) and no
    table touches another (Word would join them)."""
    import dataclasses

    import docx
    from docx.oxml.ns import qn

    from evalnlp.reports import write_evidence, write_quotes

    matrix = evidence.matrices["programme"]
    first = matrix[matrix["group"] == matrix["group"].iloc[0]]
    sites = pd.concat([first.assign(group=f"Site {chr(65 + i)}", n=100 + i) for i in range(16)], ignore_index=True)
    (evidence_docx,) = write_evidence(dataclasses.replace(evidence, matrices={"programme": matrix, "site": sites}),
                                      tmp_path / "evidence.docx")
    quotes_docx = write_quotes(quotes, tmp_path / "quotes.docx", codebook=cb)
    for path in (evidence_docx, quotes_docx):
        document = docx.Document(str(path))
        outline = document.styles["Title"].element.find(f"{qn('w:pPr')}/{qn('w:outlineLvl')}")
        assert outline is not None and outline.get(qn("w:val")) == "0"
        shape = []
        for el in document.element.body:
            if el.tag == qn("w:tbl"):
                shape.append("table")
            elif el.tag == qn("w:p"):
                style = el.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
                name = style.get(qn("w:val")) if style is not None else ""
                shape.append("heading" if re.fullmatch(r"Heading\d|Title", name) else "text" if len(el) else "empty")
        assert shape.count("table") >= 2 and shape[0] == "heading", shape
        followed = list(zip(shape, shape[1:], shape[2:] + ["end"]))
        assert [(a, b, c) for a, b, c in followed if a == "table" and b == "empty" and c == "heading"] == []
        assert [(a, b) for a, b in zip(shape, shape[1:]) if a == b == "table"] == []
        assert shape[-2:] == ["table", "empty"]  # sectPr aside, the last table is followed by its paragraph


def test_a_skip_link_comes_first_and_the_contents_stand_before_the_main_content(evidence, quotes):
    """The contents list sat inside ``main``, with no way past it: a keyboard user tabbed through every entry on
    each visit (WCAG 2.4.1). The first thing focus reaches is a link to the main content, shown when focused, and
    the contents come before ``main``, not in it, so the link passes them and nothing else."""
    from evalnlp.reports.html import render_html

    markup = render_html(evidence, quotes=quotes, title="Evidence report")
    page = parse(markup)

    def inside(node: Node, tag: str) -> bool:
        while node.parent is not None:
            node = node.parent
            if node.tag == tag:
                return True
        return False

    order = list(page.iter())
    focusable = [n for n in order if (n.tag == "a" and "href" in n.attrs) or n.attrs.get("tabindex", "-1") != "-1"]
    skip = focusable[0]
    assert skip.tag == "a" and skip.all_text() == "Skip to main content"
    (main,) = page.iter("main")
    (nav,) = page.iter("nav")
    assert skip.attrs["href"] == "#" + main.attrs["id"]
    assert not inside(nav, "main") and order.index(nav) < order.index(main)
    passed = focusable[1:focusable.index(next(n for n in focusable if inside(n, "main")))]
    assert passed and all(inside(n, "nav") for n in passed)  # what the link skips is the contents, whole
    assert main.children[0].attrs.get("class") == "summary"  # it lands on the report's first words
    assert re.search(r"\.skip:focus\{top:8px\}", markup) and ".skip{position:absolute;" in markup


def two_topics():
    """A discovery of two topics, made by hand (no model, so only the topic-to-theme chart is drawn)."""
    from evalnlp.discovery import Discovery

    topics = pd.DataFrame({
        "topic": [0, 1], "size": [30, 12], "keywords": [["parking", "car park"], ["staff", "kind"]],
        "keybert": [["parking"], ["staff"]], "label": ["parking, car park", "staff, kind"],
        "theme": ["environment_facilities", "staff"], "theme_label": ["Environment & facilities", "Staff"],
        "similarity": [0.2, 0.9], "emergent": [True, False],
        "examples": [["No spaces in the car park.", "Parking was a nightmare."], ["The nurse was kind."]]})
    similarity = pd.DataFrame([[0.2, 0.1], [0.0, 0.9]], index=[0, 1], columns=["environment_facilities", "staff"])
    found = Discovery(topics=topics, passages=pd.DataFrame({"seg_id": [], "doc_id": [], "text": [], "topic": []}),
                      similarity=similarity, codebook_id="fft", embedding="static", encoder_sha256="0" * 64, seed=0,
                      min_topic_size=10, emergent_below=0.55, guided=True)
    return found


def test_the_discovery_page_is_in_british_english_with_headings_in_order_and_a_table_a_screen_reader_can_read():
    """``discover --output topics.html``: the page said ``lang="en"`` where the reports say en-GB, and its topic table
    had no caption, no header cells for its rows and no scope on its column headers. Every text colour of its
    stylesheet reads at 4.5:1 on the white page."""
    from evalnlp.reports.discovery import render_html

    markup = render_html(two_topics())
    scripts = re.compile(r"<script\b.*?</script>", re.S)  # plotly's bundle and each chart's call: not markup
    page = parse(scripts.sub("", markup))
    (html,) = page.iter("html")
    assert html.attrs.get("lang") == "en-GB"
    levels = [int(n.tag[1]) for n in page.iter() if re.fullmatch(r"h[1-6]", n.tag)]
    assert levels[0] == 1 and levels.count(1) == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    assert len(list(page.iter("main"))) == 1
    (table,) = page.iter("table")
    assert table.children[0].tag == "caption" and "emergent" in table.children[0].all_text()
    (head,) = table.iter("thead")
    assert [th.attrs.get("scope") for th in head.iter("th")] == ["col"] * 8
    rows = list(next(table.iter("tbody")).iter("tr"))
    assert [[cell.tag for cell in row.children] for row in rows] == [["th"] + ["td"] * 7] * 2
    assert [row.children[0].attrs.get("scope") for row in rows] == ["row", "row"]
    assert [row.children[0].all_text() for row in rows] == ["0", "1"]
    assert rows[0].children[2].all_text() == "parking, car park" and rows[1].children[6].all_text() == "no"
    (style,) = page.iter("style")
    colours = re.findall(r"(?<![-\w])color:(#[0-9a-f]{3,6})", style.all_text())
    assert colours and all(contrast(c, "#ffffff") >= 4.5 for c in colours)


def test_the_icons_of_the_discovery_charts_toolbar_stand_out_at_3_to_1():
    """Plotly draws a chart's toolbar icons (zoom, pan, download) in its grey at 30% opacity, 1.7:1 on white: each
    chart of the discovery page sets colours of its own that reach the 3:1 a control needs (WCAG 1.4.11)."""
    import json

    from evalnlp.reports.discovery import render_html

    markup = render_html(two_topics())
    toolbars = [json.loads(m) for m in re.findall(r'"modebar":(\{[^{}]*\})', markup)]
    assert len(toolbars) == markup.count("Plotly.newPlot(") == 1
    for bar in toolbars:
        assert contrast(bar["color"], "#ffffff") >= 3 and contrast(bar["activecolor"], "#ffffff") >= 3, bar


def test_each_discovery_chart_is_a_figure_named_by_its_caption():
    """A chart plotly draws is a box of shapes a screen reader has no name for: each is a figure named by its
    caption, which says where the topics' figures are in words."""
    from evalnlp.reports.discovery import render_html

    markup = render_html(two_topics())
    page = parse(re.sub(r"<script\b.*?</script>", "", markup, flags=re.S))
    figures = list(page.iter("figure"))
    assert len(figures) == markup.count("Plotly.newPlot(") == 1
    for figure in figures:
        (caption,) = figure.iter("figcaption")
        assert figure.attrs["aria-labelledby"] == caption.attrs["id"]
        (name,) = caption.iter("b")  # the chart's name, then where its figures are in words
        assert name.all_text() == "Topic to theme similarity." and "topic table below" in caption.all_text()
        assert [n for n in figure.iter("div") if n.attrs.get("class") == "plotly-graph-div"]
