"""Export formats. One module per format family; each exposes ``write(ctx, docs)``.

``docs`` is the ordered list of :class:`isfannotate.formats.common.ExportDoc` for the export;
``ctx`` is the :class:`isfannotate.formats.common.ExportContext` that stages every file under
a temporary name, polls for cancellation between documents and collects warnings.
Offsets handed to the formats are Unicode code points (docs/architecture.md, invariant 1); a module that
writes another unit converts at its own boundary and says so in docs/formats.md.

Reading: the module of each outside tool (``brat``, ``doccano``, ``labelstudio``, ``prodigy``,
``conll``, and the read-only ``webanno``) also exposes ``read(paths, ...)``, which returns the
neutral :class:`isfannotate.formats.parsed.ParsedCollection` and touches no project;
:func:`isfannotate.formats.readers.read_annotations` picks the reader (``detect`` tells the
format); docs/importing.md lists what each keeps, converts and skips.
"""
