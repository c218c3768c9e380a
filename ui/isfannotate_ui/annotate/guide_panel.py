"""The "Guide" side tab: the project's annotation guidelines (markdown from the scheme: the
project's own text, so it is rendered; document text never is), then each label's definition."""
from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget


def labels_markdown(scheme) -> str:
    parts = ["## Labels"]
    for lab in scheme.span_labels:
        key = f" (key {lab.key})" if lab.key else ""
        parts.append(f"**{lab.name}**{key}: {lab.description}")
        if lab.examples:
            parts.append("Examples: " + "; ".join(f"“{e}”" for e in lab.examples))
    return "\n\n".join(parts)


class GuidePanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("guidelines")
        self.browser.setOpenExternalLinks(False)   # nothing opens a network connection
        self.browser.setOpenLinks(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.browser)
        self._scheme = None

    def set_scheme(self, scheme) -> None:
        """Show *scheme*'s guidelines; rendered when the tab is first shown (fast start)."""
        self._scheme = scheme
        if self.isVisible():
            self._render()

    def _render(self) -> None:
        scheme, self._scheme = self._scheme, None
        if scheme is not None:
            text = scheme.guidelines.strip() or "*This project's scheme has no guidelines.*"
            self.browser.setMarkdown(text + "\n\n" + labels_markdown(scheme))

    def showEvent(self, e) -> None:  # noqa: N802 (Qt override)
        self._render()
        super().showEvent(e)
