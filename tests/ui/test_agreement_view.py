"""The agreement window after issue 19: every table says its match mode, αU per label, and the
drill-down shows stances, claims and links with names and text (never "0–0" or bare ids)."""
import os
from pathlib import Path

from isfannotate_ui.agreement.agreement_view import AgreementWindow

D = "004_925ac23fd4dc491f"


def test_tables_say_their_mode_and_units_read_as_names(qtbot, seeded, annotate_three, tmp_path):
    annotate_three(seeded)
    result = seeded.agreement()
    texts = {d: seeded.document(d).text for d in result.documents}
    target = {t.id: t.name for t in seeded.targets()}["isf-troops"]
    aw = AgreementWindow()
    qtbot.addWidget(aw)
    aw.set_result((result, texts))
    aw.show()
    titles = [b.title() for b in aw.boxes]
    assert titles[0].startswith("Annotator pairs (exact-match F1") and "exact-match" in titles[2]
    assert aw.labels.horizontalHeaderItem(4).text() == "αU"
    row = next(r for r in range(aw.labels.rowCount()) if aw.labels.item(r, 0).text() == "ACTOR")
    assert aw.labels.item(row, 4).text() not in ("", "—")
    assert "αU (all labels)" in aw.status.text()
    aw.mode.setCurrentIndex(aw.mode.findData("overlap"))
    assert all("overlap-match" in b.title() for b in aw.boxes)
    facet = next(r for r in range(aw.facets.rowCount()) if aw.facets.item(r, 0).text() == "stance polarity")
    assert aw.list_figure(aw.facets.item(facet, 1)) == 1
    chen = len(aw.dis_model.FIXED) + aw.dis_model.annotators.index("chen")
    assert aw.dis_model.index(0, chen).data() == f"Pakistan → {target}: conditional"
    folder = Path(os.environ.get("ISF_SHOTS") or tmp_path)
    aw.grab().save(str(folder / "agreement-window.png"))
