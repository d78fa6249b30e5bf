"""`Drawing`: a `graphviz.Digraph` that renders with the Graphviz program viz finds.

graphviz's own notebook display (`_repr_mimebundle_` → `pipe`) and `render()` run a program
named `dot`, so on a machine with only the `graphviz-pure` binary a plain Digraph cannot show
itself. A Drawing pipes its DOT through `images.image_bytes` instead, so it displays inline in
Jupyter, and writes images, wherever micrograd-nndl is installed (Chinese text drawn as glyphs,
SVG in the page's light or dark colours).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import graphviz

from micrograd_nndl import write_atomic

from ..words import translator
from .images import image_bytes

#: File suffixes and what they hold: an image format, or "source" for the DOT text itself.
SUFFIXES = {
    ".svg": "svg",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".pdf": "pdf",
    ".dot": "source",
    ".gv": "source",
}


def image_format(path: str | os.PathLike[str]) -> str:
    """The format a file's suffix asks for ("png", "pdf", "source" for .dot/.gv)."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(
            f"cannot write {str(path)!r}: the suffix must be one of {', '.join(SUFFIXES)}"
        )
    return SUFFIXES[suffix]


def write_image(source: str, path: str | os.PathLike[str], format: str | None = None) -> Path:
    """Write DOT `source` to `path` as the image its suffix (or `format`) names, atomically
    (`write_atomic`: a failure leaves the old image whole, a device or FIFO is refused),
    making any missing folders of the path."""
    path = Path(path)
    fmt = format or image_format(path)
    data = source if fmt == "source" else image_bytes(source, fmt)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # out/graphs/f.png: the folders are made
    except FileExistsError:
        raise NotADirectoryError(
            f"cannot write {str(path)!r}: a part of {str(path.parent)!r} is a file, not a folder"
        ) from None
    write_atomic(path, data)
    return path


class Drawing(graphviz.Digraph):
    """A Digraph whose `pipe`, notebook display and `render` use the program viz finds.

    `write_image("f.png")` writes the picture in the format of the suffix, `show()` opens it
    in the system's viewer; at a plain prompt its repr says what it is and these two ways.
    `lang`: the language of its words ("en", "zh"), which its plain-text alternative is
    written in too.
    """

    lang: str | None = None

    def __repr__(self) -> str:
        nodes, edges = _counts(self.body)
        width, height = self.size()
        return (
            f"<Drawing: {nodes} nodes, {edges} edges, {width}×{height} px; "
            '.show() opens it, .write_image("graph.svg") saves it (.png .pdf .dot too), '
            "print(d.source) is its DOT text; a notebook shows it inline>"
        )

    def size(self) -> tuple[int, int]:
        """The picture's width and height in pixels, as its PNG has them and a browser shows its
        SVG (a point is 4/3 px)."""
        svg = image_bytes(self.source, "svg").decode("utf-8")
        found = re.search(r'<svg[^>]*?width="([\d.]+)pt"[^>]*?height="([\d.]+)pt"', svg)
        if found is None:
            return 0, 0
        return round(float(found[1]) * 4 / 3), round(float(found[2]) * 4 / 3)  # pt -> px

    def show(self, path: str | os.PathLike[str] | None = None) -> Path:
        """Open the picture with the system's viewer (xdg-open, open, start) and return its
        path. It is written to `path` (its suffix names the format), else to a PNG in a fresh
        temporary folder; where there is no viewer (no display, a server) the path is printed,
        to open by hand."""
        image = Path(path) if path is not None else Path(tempfile.mkdtemp(), "graph.png")
        self.write_image(image)
        viewer = system_viewer()
        if viewer is None:
            print(f"wrote {image}: no picture viewer here; open the file by hand")
        elif viewer == ["start"]:
            os.startfile(image)  # type: ignore[attr-defined]  # Windows only
        else:
            subprocess.Popen(  # the viewer outlives the call: not waited for
                [*viewer, str(image)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        return image

    def pipe(
        self,
        format: str | None = None,
        renderer: str | None = None,
        formatter: str | None = None,
        neato_no_op: bool | int | None = None,
        quiet: bool = False,
        *,
        engine: str | None = None,
        encoding: str | None = None,
    ) -> bytes | str:
        """The drawing as bytes in `format` (str if `encoding` is given), as graphviz's pipe.

        Renderer, formatter and engine options are graphviz's own and need a system `dot`.
        """
        if renderer or formatter or neato_no_op or engine not in (None, "dot"):
            return super().pipe(
                format,
                renderer=renderer,
                formatter=formatter,
                neato_no_op=neato_no_op,
                quiet=quiet,
                engine=engine,
                encoding=encoding,
            )
        data = image_bytes(self.source, format or self.format)
        return data if encoding is None else data.decode(encoding)

    def save(
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        *,
        skip_existing: bool | None = False,
    ) -> str:
        """As graphviz's save(): write the DOT source to `filename` in `directory` (default
        name.gv), creating the directory; atomically, as every file viz writes."""
        if filename is not None:
            self.filename = filename
        if directory is not None:
            self.directory = directory
        filepath = self.filepath
        if not (skip_existing and os.path.exists(filepath)):
            self._mkdirs(filepath)
            write_atomic(filepath, "".join(self))
        return filepath

    def render(
        self,
        filename: str | os.PathLike[str] | None = None,
        directory: str | os.PathLike[str] | None = None,
        view: bool = False,
        cleanup: bool = False,
        format: str | None = None,
        *,
        outfile: str | os.PathLike[str] | None = None,
        **options: Any,
    ) -> str:
        """As graphviz's render(): save the DOT source, write the image beside it (name.gv.svg),
        return the image's path. With `outfile` and no `filename` only the image is written: a
        source file nobody asked for would be left beside it (graphviz writes outfile.gv).
        Other graphviz options need a system `dot`."""
        if options:
            return super().render(
                filename=filename,
                directory=directory,
                view=view,
                cleanup=cleanup,
                format=format,
                outfile=outfile,
                **options,
            )
        source = None
        if outfile is not None:
            image = Path(self.directory if directory is None else directory, outfile)
            if filename is not None:  # the source asked for too
                source = Path(self.save(filename, directory=directory))
        else:
            source = Path(self.save(filename, directory=directory))
            image = source.with_name(f"{source.name}.{format or self.format}")
        write_image(self.source, image, format)
        if cleanup and source is not None:
            source.unlink()
        if view:
            graphviz.view(image)
        return str(image)

    def write_image(self, path: str | os.PathLike[str]) -> Path:
        """Write the picture to `path` in the format of its suffix (.svg .png .jpg .pdf .dot)."""
        return write_image(self.source, path)

    def _repr_png_(self) -> bytes:
        """The picture as PNG, as many px as the SVG shows in a browser."""
        return image_bytes(self.source, "png")

    def _repr_mimebundle_(
        self, include: Any = None, exclude: Any = None, **kwargs: Any
    ) -> dict[str, Any]:
        """SVG for a trusted notebook, and PNG beside it: JupyterLab shows no SVG of an
        untrusted notebook (one received, or reopened after a change), nor do GitHub's and
        nbviewer's views of a notebook's file, but they show a PNG."""
        bundle = {
            "image/svg+xml": image_bytes(self.source, "svg").decode("utf-8"),
            "image/png": self._repr_png_(),
            "text/plain": translator(self.lang)("draw.alt"),
        }
        return {
            kind: data
            for kind, data in bundle.items()
            if (include is None or kind in include) and (exclude is None or kind not in exclude)
        }

    def svg_element(self) -> str:
        """The picture as an `<svg>` element, without the XML prolog: for a page to inline
        (with its light and dark colours, `viz.draw.palette`)."""
        svg = image_bytes(self.source, "svg").decode("utf-8")
        return svg[svg.index("<svg") :]


def system_viewer() -> list[str] | None:
    """The command that opens a file the way a double click would: `open` on macOS, `start`
    on Windows, `xdg-open` on a Linux or BSD desktop; None where there is none (xdg-open
    without a display would fall back to a text browser in the terminal)."""
    if sys.platform == "win32":
        return ["start"]
    if sys.platform == "darwin":
        return ["open"] if shutil.which("open") else None
    has_display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    opener = shutil.which("xdg-open")
    return [opener] if opener and has_display else None


def _counts(body: list[str]) -> tuple[int, int]:
    """Node and edge statements of a DOT body (attribute statements, `graph [...]`, left out)."""
    edges = sum(1 for line in body if " -> " in line or " -- " in line)
    nodes = sum(
        1
        for line in body
        if re.match(r"\s*(\w+|\"[^\"]*\")\s*\[", line)
        and " -> " not in line
        and not re.match(r"\s*(graph|node|edge)\s*\[", line)
    )
    return nodes, edges


#: graphviz's Digraph, rendering as a Drawing does: micrograd's trace_graph notebook builds its
#: own picture with `from graphviz import Digraph`, which needs a `dot` program on PATH;
#: `from viz import Digraph` is the one line to change where the system has none.
Digraph = Drawing
