"""Running the review's notebooks: parameters, execution through jupyter-cache, exports.

Notebooks are executed once into a jupyter-cache folder that the Sphinx build (myst-nb, execution
mode "cache") shares, so the site re-uses the outputs instead of executing again. A notebook is
re-executed only when its code or the data it depends on changes: the data's fingerprint is stored
in the parameters cell's metadata, which jupyter-cache hashes with the code.

A notebook is executed by jupyter-cache's `single_nb_execution`, the function myst-nb itself uses in
"cache" mode. jupyter-cache's executors (`load_executor("local-serial", cache).run_and_cache()`) are
not used, because they cannot keep two things `litreview notebooks run` and `litreview build` promise:

- no stderr noise: their workers start each kernel with nbclient's default TCP transport and take no
  kernel manager, so ipykernel 7 prints its "running over TCP without encryption" warning once per
  kernel (a Jupyter config file setting `KernelManager.transport` does not reach that manager);
  `single_nb_execution` passes a kernel manager through, so here every kernel uses IPC sockets;
- the failed cell: their result lists only the paths that succeeded, excepted or errored, and keeps
  the exception as a formatted (colour-coded) traceback string, while `describe_error` names the cell
  and the exception from the exception itself.

Which notebooks are cached is asked of the cache per notebook (`match_cache_notebook`), after the small
"known" file below, as before.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..config import DEFAULT_CONFIG
from ..errors import ConfigError
from ..fileio import write_text_atomic

CONFIG_ENV = "LITREVIEW_CONFIG"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NotebookResult:
    """What happened to one notebook: 'cached' (outputs re-used), 'executed', or 'failed'."""

    path: Path
    status: str
    seconds: float = 0.0
    error: str = ""

    def describe(self) -> str:
        text = f"{self.path.name}: {self.status}"
        if self.status == "executed":
            text += f" in {self.seconds:.1f} s"
        return text + (f": {self.error}" if self.error else "")


def find_config(start: str | Path = ".", config: str | Path | None = None) -> Path:
    """The review config a notebook should use: the one given, $LITREVIEW_CONFIG, or the nearest
    review.toml in `start` or a folder above it."""
    if config:
        return Path(config).resolve()
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]).resolve()
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        if (folder / DEFAULT_CONFIG).exists():
            return folder / DEFAULT_CONFIG
    raise ConfigError(f"no {DEFAULT_CONFIG} in {here} or any folder above it; set {CONFIG_ENV} or pass config")


def parameters_cell_index(nb: nbformat.NotebookNode) -> int:
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            return index
    raise ConfigError("the notebook has no cell tagged 'parameters'")


def prepare_notebook(source: Path | nbformat.NotebookNode, target: Path, parameters: Mapping[str, object], fingerprint: str) -> Path:
    """Copy a notebook, inject parameters after its parameters cell (the papermill convention),
    and record the data fingerprint so that a change of data means a new cache entry."""
    nb = source if isinstance(source, nbformat.NotebookNode) else nbformat.read(source, as_version=4)
    index = parameters_cell_index(nb)
    nb.cells[index].metadata["litreview"] = {"data": fingerprint}
    if parameters:
        code = "# Parameters injected by litreview\n" + "\n".join(f"{k} = {json.dumps(v)}" for k, v in parameters.items())
        injected = nbformat.v4.new_code_cell(code, metadata={"tags": ["injected-parameters", "remove-cell"]})
        injected.id = "injected-parameters"
        nb.cells.insert(index + 1, injected)
    write_text_atomic(target, nbformat.writes(nb) + "\n")  # an unchanged copy keeps its mtime: Sphinx won't re-read it
    return target


def describe_error(nb: nbformat.NotebookNode, err: BaseException) -> str:
    """'cell N: ExceptionName: message' for the first cell whose source the error quotes."""
    name = getattr(err, "ename", type(err).__name__)
    value = str(getattr(err, "evalue", "")).strip().splitlines()
    message = f"{name}: {value[0]}" if value else name
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "code" and cell.source.strip() and cell.source.strip() in str(err):
            return f"cell {number}: {message}"
    return message


def execute_notebook(nb: nbformat.NotebookNode, cwd: Path, timeout: int) -> tuple[float, BaseException | None]:
    """Execute in place in a fresh kernel; returns (seconds, the error or None).

    The kernel talks over IPC sockets in a private temporary folder: over TCP, ipykernel warns on
    stderr at every start that the traffic is unencrypted.
    """
    from jupyter_cache.executors.utils import single_nb_execution
    from jupyter_client.manager import KernelManager

    with tempfile.TemporaryDirectory(prefix="litreview-kernel-") as sockets:
        # A manager of ours per notebook: nbclient does not shut down a kernel it did not start, and
        # a manager whose kernel was shut down cannot start another.
        manager = KernelManager(kernel_name=nb.metadata.get("kernelspec", {}).get("name", "python3"), transport="ipc", ip=str(Path(sockets) / "kernel"))
        try:
            # meta_override=False: a notebook's own metadata does not change the timeout or allow errors.
            result = single_nb_execution(nb, cwd=str(cwd), timeout=timeout, allow_errors=False, meta_override=False, km=manager)
        finally:
            if manager.has_kernel:
                manager.shutdown_kernel(now=True)
    return result.time, result.err


def run_notebooks(paths: Sequence[Path], cache_path: Path, timeout: int = 600) -> list[NotebookResult]:
    """Execute each notebook unless the cache already has its outputs; never stops at a failure.

    Notebooks known to be in the cache, byte for byte, are listed in a small file inside the cache
    folder, so that a rebuild with nothing changed does not even open the cache database.
    """
    known_path = cache_path / "litreview-cached.json"
    known = json.loads(known_path.read_text()) if known_path.exists() else {}
    results, cache = [], None
    for path in paths:
        content = hashlib.sha256(path.read_bytes()).hexdigest()
        if known.get(str(path)) == content:
            results.append(NotebookResult(path, "cached"))
            continue
        if cache is None:
            from jupyter_cache import get_cache

            cache = get_cache(str(cache_path))
        results.append(run_one(path, cache, timeout))
        if results[-1].status != "failed":
            known[str(path)] = content
            write_text_atomic(known_path, json.dumps(known, indent=1, sort_keys=True) + "\n")
    return results


def run_one(path: Path, cache, timeout: int) -> NotebookResult:
    """One notebook: its cached outputs if the cache matches it, else a fresh execution."""
    from jupyter_cache.base import CacheBundleIn

    nb = nbformat.read(path, as_version=4)
    try:
        cache.match_cache_notebook(nb)
    except KeyError:
        pass
    else:
        return NotebookResult(path, "cached")
    seconds, error = execute_notebook(nb, path.parent, timeout)
    if error is not None:
        return NotebookResult(path, "failed", seconds, describe_error(nb, error))
    cache.cache_notebook_bundle(CacheBundleIn(nb, str(path), data={"execution_seconds": seconds}), check_validity=False, overwrite=True)
    return NotebookResult(path, "executed", seconds)


def executed_notebook(path: Path, cache_path: Path) -> nbformat.NotebookNode:
    """The notebook with the outputs the cache holds for it (KeyError if it was never executed)."""
    from jupyter_cache import get_cache

    _, merged = get_cache(str(cache_path)).merge_match_into_notebook(nbformat.read(path, as_version=4))
    return merged


def without_glue_records(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop the outputs that only carry myst-nb glue values: nothing outside Sphinx can show them."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not all(k.startswith("application/papermill.record") for k in o.get("data", {"": 0}))]
    return nb


def export_notebooks(paths: Sequence[Path], cache_path: Path, out_dir: Path, bib_path: Path) -> list[Path]:
    """Write each executed notebook as .ipynb, standalone HTML and a .py script that read without
    Sphinx: glued values pasted in, citations written out from `bib_path`, a reference list.

    The .ipynb is the readable notebook too: people open the download in Jupyter or on GitHub, which
    render plain Markdown; the MyST notebook for myst-nb is the source in the review's notebooks/.
    Keys cited but missing from the bibliography show as "[unknown: key]" and are logged.
    """
    from nbconvert import HTMLExporter, PythonExporter
    from pybtex.database import BibliographyData

    from .exports import load_bibliography, readable_notebook

    html_exporter = HTMLExporter(
        template_name="lab", template_file=str(TEMPLATES / "offline.html.j2"), embed_images=True
    )
    html_exporter.exclude_input_prompt = html_exporter.exclude_output_prompt = True
    if bib_path.exists():
        bibliography = load_bibliography(bib_path)
    else:
        logger.warning("no bibliography at %s (run 'litreview bib'): every citation of the exported notebooks is unknown", bib_path)
        bibliography = BibliographyData()
    written = []
    for path in paths:
        executed = executed_notebook(path, cache_path)
        readable = readable_notebook(executed, bibliography)
        if readable.unknown_keys:
            logger.warning("%s: cited but not in %s: %s", path.name, bib_path.name, ", ".join(readable.unknown_keys))
        if readable.unknown_glue:
            logger.warning("%s: no glued value named %s", path.name, ", ".join(readable.unknown_glue))
        nb = without_glue_records(readable.notebook)
        body, _ = html_exporter.from_notebook_node(nb)
        script, _ = PythonExporter().from_notebook_node(without_glue_records(readable_notebook(executed, bibliography, plain=True).notebook))
        for suffix, text in ((".ipynb", nbformat.writes(nb) + "\n"), (".html", body), (".py", script)):
            target = out_dir / (path.stem + suffix)
            write_text_atomic(target, text)
            written.append(target)
    return written
