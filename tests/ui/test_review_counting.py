"""The review queue's first count over many documents runs as a job: the review window opens at
once, says it is counting, and shows the queue and the first disagreement when the job ends
(before, the window's thread computed every document's units, seconds for thousands of documents
with claims, with no progress and no Cancel)."""
import json

from isfannotate import Project
from isfannotate_ui.review.review_controller import COUNT_AS_JOB

WORDS = "the minister said troops would join the force in gaza next month".split()


def write_layer(path, name: str, docs: int) -> None:
    """*docs* documents, each with an ACTOR and a CLAIM with its claim; bob's claim quote differs
    in every fifth document (a disagreement), and bob lacks the ACTOR in every seventh."""
    with open(path, "w", encoding="utf-8") as fh:
        for d in range(docs):
            text = f"{d:04d} " + " ".join(WORDS[(d + i) % len(WORDS)] for i in range(12))   # (one text each)
            spans = [{"id": f"{name}-{d}-c", "start": 0, "end": 20, "label": "CLAIM", "text": text[:20],
                      "actor_id": None, "attrs": {}}]
            if not (name == "bob" and d % 7 == 0):
                spans.append({"id": f"{name}-{d}-a", "start": 5, "end": 12, "label": "ACTOR", "text": text[5:12],
                              "actor_id": None, "attrs": {}})
            quote = "direct" if name == "bob" and d % 5 == 0 else "reported"
            claims = [{"span": f"{name}-{d}-c", "source_kind": "article", "source": None, "source_span": None,
                       "cue": None, "quote": quote}]
            fh.write(json.dumps({"schema": "isfannotate.gold/1", "id": f"d{d:04d}", "text": text, "spans": spans,
                                 "actors": [], "targets": [], "claims": claims, "stances": [], "relations": [],
                                 "doc_labels": {}, "provenance": {}}) + "\n")


def test_a_first_count_over_many_documents_runs_as_a_job_and_then_fills_the_window(qtbot, tmp_path, open_window):
    docs = COUNT_AS_JOB + 60
    path = tmp_path / "many.isf"
    with Project.create(path) as p:
        for name in ("alice", "bob"):
            f = tmp_path / f"{name}.jsonl"
            write_layer(f, name, docs)
            p.import_paths([f], annotator=name)
    with Project.open(path, read_only=True) as p:
        expected = p.review_queue()        # (read-only: nothing cached)
        assert p.review_queue_uncounted() == docs
    assert expected.open_disagreements > 0

    w = open_window(path, "lead")
    assert w.project.review_queue_uncounted() == docs
    rw = w.reviewing.show_review()
    qtbot.addWidget(rw)
    # at once: the window is shown, empty, and says what it is doing; the count is a job
    assert rw.isVisible()
    assert rw.queue_model.rowCount() == 0
    assert "counting" in rw.status.text() and f"{docs:,}" in rw.status.text()
    job = w.reviewing.counting
    assert job is not None and job in w.files.jobs
    progress = []
    job.progressed.connect(lambda done, total: progress.append((done, total)))
    # opening it again, or N, while it counts starts no second count
    assert w.reviewing.show_review() is rw and w.reviewing.counting is job and len(w.files.jobs) == 1
    assert w.reviewing.next_disagreement() is None and "still counting" in rw.status.text()
    assert w.reviewing.counting is job

    qtbot.waitUntil(lambda: w.reviewing.counting is None and rw.queue_model.rowCount() == docs, timeout=60000)
    assert progress and progress[-1][0] == progress[-1][1]
    assert (rw.queue_model.rows[0].document_id, sum(r.open_disagreements for r in rw.queue_model.rows)) \
        == (expected.rows[0].document_id, expected.open_disagreements)
    assert [(r.document_id, r.units, r.decided, r.open_disagreements) for r in rw.queue_model.rows] \
        == [(r.document_id, r.units, r.decided, r.open_disagreements) for r in expected.rows]
    assert w.project.review_queue_uncounted() == 0
    # the first disagreement is shown, as when the queue is counted at once
    first_open = w.project.next_disagreement()
    assert first_open is not None and rw.doc_id == first_open[0]
    assert "counting" not in rw.status.text()

    # counted now: a second opening fills the window at once, with no job
    rw.close()
    assert w.reviewing.show_review() is rw and w.reviewing.counting is None
    assert rw.queue_model.rowCount() == docs


def test_a_count_that_ends_after_its_window_closed_fills_nothing(qtbot, tmp_path, open_window):
    path = tmp_path / "many.isf"
    with Project.create(path) as p:
        for name in ("alice", "bob"):
            write_layer(tmp_path / f"{name}.jsonl", name, COUNT_AS_JOB + 10)
            p.import_paths([tmp_path / f"{name}.jsonl"], annotator=name)
    w = open_window(path, "lead")
    w.reviewing.show_review()
    job = w.reviewing.counting
    assert job is not None
    w.reviewing.close_windows()         # (as opening another project does)
    assert w.reviewing.counting is None and w.reviewing.window is None
    qtbot.waitUntil(lambda: job.has_ended, timeout=60000)
    assert w.reviewing.window is None and w.reviewing.counting is None


def test_a_few_uncounted_documents_are_counted_at_once(window, annotate_three, qtbot):
    annotate_three(window.project)
    window.session.set_annotator("lead")
    assert 0 < window.project.review_queue_uncounted() <= COUNT_AS_JOB
    rw = window.reviewing.show_review()
    qtbot.addWidget(rw)
    assert window.reviewing.counting is None and rw.queue_model.rowCount() > 0 and rw.doc_id is not None
